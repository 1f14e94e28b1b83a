#!/bin/sh
# Echo + C10K benchmark: NetLab epoll vs NetLab portable vs gnet v2.9.7 vs a
# goroutine-per-connection server, all in one run (about 3 minutes).
# With no arguments it runs the full table with servers and load generator
# sharing the CPUs, then the 1,000-connection cells again with the servers
# pinned to CPU 0 and the load generator to CPU 1 (when there are two CPUs
# and taskset), which measures the servers rather than the shared machine.
# Usage: bench/run-echo.sh [flags of the bench command, e.g. -dur 5s -c10k 0]
set -eu
cd "$(dirname "$0")"
bin="${TMPDIR:-/tmp}/netlab-bench-$$"
trap 'rm -f "$bin"' EXIT
go build -o "$bin" .
if [ $# -gt 0 ]; then
	"$bin" "$@"
	exit 0
fi
"$bin"
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	echo
	"$bin" -pin 0/1 -c10k 0 -conns 1000 -dur 2s
fi
