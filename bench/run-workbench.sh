#!/bin/sh
# TCP workbench pipeline: a local client streams into the server panel's
# pipeline (engine → server model → receive log with a raw capture file →
# view lines refreshed at most 30 times a second). Prints MB/s with every
# byte checked in the capture file, display refreshes per second and their
# cost, and the cost of 1,000,000 received lines in the view model.
# NETLAB_ENGINE=epoll|portable picks the engine (default auto).
set -eu
cd "$(dirname "$0")/.."
go test -run '^$' -bench 'ServerPipeline|ViewMillionLines' -benchtime 1000x ./netengine/workbench/
