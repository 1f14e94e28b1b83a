#!/usr/bin/env bash
# Checks that `netlab load` measures the same requests/s as wrk on the same
# local target (within 15 %). Both load the same Go net/http server on
# 127.0.0.1 with the same number of keep-alive connections, alternately
# (wrk, netlab, wrk, netlab …); each round's ratio is taken and the median
# ratio is compared, so a machine that gets busier or quieter between rounds
# does not decide the result.
#
#   bench/load-vs-wrk.sh               # defaults: 50 connections, 3 s, 5 rounds
#   CONNS=20 DUR=3 ROUNDS=5 WORK=100 NETLAB=/path/to/netlab bench/load-vs-wrk.sh
#
# Needs wrk (apt-get install -y wrk). With two or more CPUs the server runs
# on CPU 0 and the load generators on CPU 1 (taskset), and the server hashes
# WORK KiB per request (default 100, ~50 µs): the server, not the load
# generator, is then the bottleneck, which is what "measures the same
# target the same way" means. With WORK=0 the tools race each other instead:
# wrk (C, one epoll thread) drives more requests per CPU second than Go's
# netpoller, so netlab load then reports 10-25 % less on a single core.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${CONNS:-50}
DUR=${DUR:-3}
ROUNDS=${ROUNDS:-5}
WORK=${WORK:-100}
TOLERANCE=${TOLERANCE:-15}

command -v wrk >/dev/null || { echo "load-vs-wrk: wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }

tmp=$(mktemp -d)
target_pid=
cleanup() {
	[ -n "$target_pid" ] && kill "$target_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

(cd bench && go build -o "$tmp/loadtarget" ./loadtarget)
if [ -z "${NETLAB:-}" ]; then
	echo "building netlab ..." >&2
	go build -o "$tmp/netlab" .
	NETLAB=$tmp/netlab
fi

pin_server=() pin_client=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	pin_server=(taskset -c 0) pin_client=(taskset -c 1)
fi

GOMAXPROCS=1 "${pin_server[@]}" "$tmp/loadtarget" --work "$WORK" >"$tmp/addr" &
target_pid=$!
for _ in $(seq 50); do [ -s "$tmp/addr" ] && break; sleep 0.1; done
addr=$(cat "$tmp/addr")
[ -n "$addr" ] || { echo "load-vs-wrk: target did not start" >&2; exit 1; }
url="http://$addr/"
echo "target $url (work ${WORK} KiB/request), $CONNS connections, ${DUR}s, $ROUNDS rounds" >&2

wrk_rps=() netlab_rps=()
for r in $(seq "$ROUNDS"); do
	w=$("${pin_client[@]}" wrk -t1 -c"$CONNS" -d"${DUR}s" "$url" | awk '/^Requests\/sec:/ {print $2}')
	n=$("${pin_client[@]}" "$NETLAB" load "$url" --conns "$CONNS" --duration "${DUR}s" --json |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["requests_per_sec"] if d["errors"]==0 else "errors:%s" % d["error_kinds"])')
	echo "round $r: wrk $w req/s, netlab load $n req/s" >&2
	wrk_rps+=("$w") netlab_rps+=("$n")
done

python3 - "$TOLERANCE" "${wrk_rps[*]}" "${netlab_rps[*]}" <<'PY'
import statistics, sys
tol = float(sys.argv[1])
try:
    w = [float(x) for x in sys.argv[2].split()]
    n = [float(x) for x in sys.argv[3].split()]
except ValueError:
    print("load-vs-wrk: netlab load reported errors:", sys.argv[3]); sys.exit(1)
ratio = statistics.median(b / a for a, b in zip(w, n))
print(f"wrk          median {statistics.median(w):10.0f} req/s")
print(f"netlab load  median {statistics.median(n):10.0f} req/s")
print(f"median per-round ratio netlab/wrk {ratio:.3f} ({100 * (ratio - 1):+.1f} %)")
if abs(ratio - 1) * 100 > tol:
    print(f"FAIL: differs from wrk by more than {tol:.0f} %"); sys.exit(1)
print(f"OK: within {tol:.0f} %")
PY
