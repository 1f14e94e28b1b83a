#!/bin/sh
# Echo + C10K benchmark: NetLab epoll vs NetLab portable vs gnet v2.9.7 vs a
# goroutine-per-connection server, all in one run (about 2 minutes).
# Usage: bench/run-echo.sh [flags of the bench command, e.g. -dur 5s -c10k 0]
set -eu
cd "$(dirname "$0")"
bin="${TMPDIR:-/tmp}/netlab-bench-$$"
trap 'rm -f "$bin"' EXIT
go build -o "$bin" .
"$bin" "$@"
