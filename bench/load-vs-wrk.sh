#!/usr/bin/env bash
# Checks that `netlab load` measures the same requests/s as wrk on the same
# local target (within 15 %). Both load the same Go net/http server on
# 127.0.0.1 with the same number of keep-alive connections, alternately, a
# few rounds each; the medians are compared.
#
#   bench/load-vs-wrk.sh               # defaults: 50 connections, 5 s, 3 rounds
#   CONNS=20 DUR=3 ROUNDS=5 NETLAB=/path/to/netlab bench/load-vs-wrk.sh
#
# Needs wrk (apt-get install -y wrk). With two or more CPUs the server runs
# on CPU 0 and the load generators on CPU 1 (taskset), so the server is the
# bottleneck for both and the comparison measures the tools, not the CPU race.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${CONNS:-50}
DUR=${DUR:-5}
ROUNDS=${ROUNDS:-3}
TOLERANCE=${TOLERANCE:-15}

command -v wrk >/dev/null || { echo "load-vs-wrk: wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }

tmp=$(mktemp -d)
target_pid=
cleanup() {
	[ -n "$target_pid" ] && kill "$target_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/loadtarget" ./bench/loadtarget
if [ -z "${NETLAB:-}" ]; then
	echo "building netlab ..." >&2
	go build -o "$tmp/netlab" .
	NETLAB=$tmp/netlab
fi

pin_server=() pin_client=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	pin_server=(taskset -c 0) pin_client=(taskset -c 1)
fi

GOMAXPROCS=1 "${pin_server[@]}" "$tmp/loadtarget" >"$tmp/addr" &
target_pid=$!
for _ in $(seq 50); do [ -s "$tmp/addr" ] && break; sleep 0.1; done
addr=$(cat "$tmp/addr")
[ -n "$addr" ] || { echo "load-vs-wrk: target did not start" >&2; exit 1; }
url="http://$addr/"
echo "target $url, $CONNS connections, ${DUR}s, $ROUNDS rounds" >&2

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
mw, mn = statistics.median(w), statistics.median(n)
diff = 100 * (mn - mw) / mw
print(f"wrk          median {mw:10.0f} req/s")
print(f"netlab load  median {mn:10.0f} req/s  ({diff:+.1f} %)")
if abs(diff) > tol:
    print(f"FAIL: differs from wrk by more than {tol:.0f} %"); sys.exit(1)
print(f"OK: within {tol:.0f} %")
PY
