#!/usr/bin/env bash
# `netlab load` against wrk on the same local targets, in the same run.
#
# Two targets, each on one CPU (one nginx worker, GOMAXPROCS=1 for Go):
#   work   bench/loadtarget: Go net/http hashing WORK KiB per request (default
#          100, ~50 µs), so the server is the bottleneck and both tools must
#          measure the same req/s: this checks that netlab load counts like wrk.
#   nginx  nginx serving a 1 KiB file: the server costs little, and by
#          default (NGINX_CPU=shared) it runs on the same CPU as the load
#          generator, so every microsecond the generator spends is one the
#          server does not get: the generator's own CPU cost decides the
#          figure, which is what a user on a 2-core laptop feels.
#          NGINX_CPU=own gives nginx CPU 0 like the work target.
# Requests that time out or are still in flight when a run ends (a starved
# server) are reported on stderr; any other error fails the run.
# Each round runs wrk and netlab load one after the other (the order swaps
# every round); each round's ratio netlab/wrk is taken and the median is
# judged, so a machine that gets busier or quieter between rounds does not
# decide the result. The tools' CPU time (user + system, from
# /usr/bin/time or bash's times) per request is reported too.
#
#   bench/load-vs-wrk.sh                       # 32 connections, 3 s, 7 rounds, both targets
#   TARGETS=nginx CONNS=64 DUR=5 ROUNDS=9 NETLAB=/path/to/netlab bench/load-vs-wrk.sh
#
# Needs wrk and nginx (apt-get install -y wrk nginx-light). With two or
# more CPUs the server runs on CPU 0 and the load generators on CPU 1
# (taskset). Fails if a median ratio is below MIN_RATIO (default 0.9), or,
# on the work target, more than TOLERANCE % (default 15) away from 1.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${CONNS:-32}
DUR=${DUR:-3}
ROUNDS=${ROUNDS:-7}
WORK=${WORK:-100}
TARGETS=${TARGETS:-"work nginx"}
NGINX_CPU=${NGINX_CPU:-shared}
MIN_RATIO=${MIN_RATIO:-0.9}
TOLERANCE=${TOLERANCE:-15}

command -v wrk >/dev/null || { echo "load-vs-wrk: wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }
if [[ " $TARGETS " == *" nginx "* ]] && ! command -v nginx >/dev/null; then
	echo "load-vs-wrk: nginx is not installed (apt-get install -y nginx-light)" >&2
	exit 2
fi

tmp=$(mktemp -d /tmp/netlab-load-vs-wrk.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

if [ -z "${NETLAB:-}" ]; then
	echo "building netlab ..." >&2
	go build -o "$tmp/netlab" .
	NETLAB=$tmp/netlab
fi

pin_server=() pin_client=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	pin_server=(taskset -c 0) pin_client=(taskset -c 1)
fi

# start_target NAME: starts the target and sets url
start_target() {
	case $1 in
	work)
		(cd bench && go build -o "$tmp/loadtarget" ./loadtarget)
		GOMAXPROCS=1 "${pin_server[@]}" "$tmp/loadtarget" --work "$WORK" >"$tmp/addr" &
		pids+=($!)
		for _ in $(seq 50); do [ -s "$tmp/addr" ] && break; sleep 0.1; done
		[ -s "$tmp/addr" ] || { echo "load-vs-wrk: loadtarget did not start" >&2; exit 1; }
		url="http://$(cat "$tmp/addr")/"
		;;
	nginx)
		mkdir -p "$tmp/www"
		chmod 755 "$tmp" "$tmp/www" # nginx workers run as an unprivileged user
		head -c 1024 /dev/urandom >"$tmp/www/1k.bin"
		chmod 644 "$tmp/www/1k.bin"
		local port
		port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
		cat >"$tmp/nginx.conf" <<-CONF
			worker_processes 1;
			daemon off;
			pid $tmp/nginx.pid;
			error_log $tmp/nginx-error.log;
			events { worker_connections 4096; }
			http {
				access_log off;
				sendfile on;
				tcp_nopush on;
				open_file_cache max=100;
				keepalive_requests 10000000;
				client_body_temp_path $tmp/tmp-body;
				proxy_temp_path $tmp/tmp-proxy;
				fastcgi_temp_path $tmp/tmp-fcgi;
				uwsgi_temp_path $tmp/tmp-uwsgi;
				scgi_temp_path $tmp/tmp-scgi;
				server { listen 127.0.0.1:$port; root $tmp/www; }
			}
		CONF
		local pin=("${pin_server[@]}")
		[ "$NGINX_CPU" = shared ] && pin=("${pin_client[@]}")
		"${pin[@]}" nginx -c "$tmp/nginx.conf" -p "$tmp" 2>"$tmp/nginx.err" &
		pids+=($!)
		for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/1k.bin" && break; sleep 0.1; done
		curl -fs -o /dev/null "http://127.0.0.1:$port/1k.bin" || { echo "load-vs-wrk: nginx did not start" >&2; cat "$tmp/nginx.err" >&2; exit 1; }
		url="http://127.0.0.1:$port/1k.bin"
		;;
	*)
		echo "load-vs-wrk: unknown target $1 (work or nginx)" >&2
		exit 2
		;;
	esac
}

# cpu_of CMD... : runs CMD with stdout to $tmp/out, prints "user+sys seconds".
cpu_of() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%U %S' -o "$tmp/cpu" "$@" >"$tmp/out"
		awk '{print $1 + $2}' "$tmp/cpu"
	else
		# bash's times: children's user and system time, before and after.
		local before after
		before=$(times | tail -1)
		"$@" >"$tmp/out"
		after=$(times | tail -1)
		python3 -c 'import re,sys
def s(t): return sum(float(m)*60+float(n) for m,n in re.findall(r"(\d+)m([\d.]+)s", t))
print(round(s(sys.argv[2]) - s(sys.argv[1]), 3))' "$before" "$after"
	fi
}

run_wrk() { # URL -> "req/s requests cpu"
	local cpu
	cpu=$(cpu_of "${pin_client[@]}" wrk -t1 -c"$CONNS" -d"${DUR}s" "$1")
	# Timeouts and requests cut off at the end are the server's (a busy
	# machine); a wrong answer is not.
	grep -E 'Socket errors' "$tmp/out" | sed 's/^ */  wrk: /' >&2 || true
	awk -v cpu="$cpu" '/requests in/ {n=$1} /^Requests\/sec:/ {r=$2} /Non-2xx/ {e=e $0 ";"} END {if (e != "") print "errors:" e; else print r, n, cpu}' "$tmp/out"
}

run_netlab() { # URL -> "req/s requests cpu"
	local cpu
	cpu=$(cpu_of "${pin_client[@]}" "$NETLAB" load "$1" --conns "$CONNS" --duration "${DUR}s" --json)
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); k=d["error_kinds"]
if k: print("  netlab load errors:", k, file=sys.stderr)
bad = {x: v for x, v in k.items() if x not in ("unfinished", "timeout")}
print(d["requests_per_sec"], d["requests"], sys.argv[2]) if not bad else print("errors:%s" % bad)' "$tmp/out" "$cpu"
}

echo "# netlab load vs wrk -t1: $CONNS connections, ${DUR}s per run, $ROUNDS rounds per target, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
status=0
for target in $TARGETS; do
	start_target "$target"
	where="server on CPU 0, tools on CPU 1"
	[ "$target" = nginx ] && [ "$NGINX_CPU" = shared ] && where="server and tools on CPU 1"
	[ ${#pin_client[@]} = 0 ] && where="no pinning"
	echo "target $target: $url" >&2
	results=()
	for r in $(seq "$ROUNDS"); do
		if ((r % 2)); then
			w=$(run_wrk "$url")
			n=$(run_netlab "$url")
		else
			n=$(run_netlab "$url")
			w=$(run_wrk "$url")
		fi
		echo "  round $r: wrk $w | netlab load $n   (req/s requests cpu-s)" >&2
		results+=("$w|$n")
	done
	python3 - "$target" "$MIN_RATIO" "$TOLERANCE" "$where" "${results[@]}" <<'PY' || status=1
import statistics, sys
target, min_ratio, tol, where = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
rows = [r.split("|") for r in sys.argv[5:]]
for w, n in rows:
    for tool, v in (("wrk", w), ("netlab load", n)):
        if v.startswith("errors:"):
            print(f"FAIL {target}: {tool} reported {v}"); sys.exit(1)
w = [[float(x) for x in a.split()] for a, _ in rows]
n = [[float(x) for x in b.split()] for _, b in rows]
ratios = [b[0] / a[0] for a, b in zip(w, n)]
cpu_w = [a[2] / a[1] * 1e6 for a in w]  # µs of CPU per request
cpu_n = [b[2] / b[1] * 1e6 for b in n]
cpu_ratio = [b / a for a, b in zip(cpu_w, cpu_n)]
med = statistics.median(ratios)
print(f"\n## target {target} ({where})\n")
print("| | wrk | netlab load | netlab ÷ wrk |")
print("|---|---:|---:|---:|")
print(f"| req/s, median of {len(rows)} | {statistics.median(a[0] for a in w):.0f} | {statistics.median(b[0] for b in n):.0f} | **{med:.3f}** (rounds {min(ratios):.3f}–{max(ratios):.3f}) |")
print(f"| CPU µs per request (user+sys), median | {statistics.median(cpu_w):.2f} | {statistics.median(cpu_n):.2f} | {statistics.median(cpu_ratio):.2f} (rounds {min(cpu_ratio):.2f}–{max(cpu_ratio):.2f}) |")
print("\nper round (req/s): " + ", ".join(f"{a[0]:.0f}/{b[0]:.0f}" for a, b in zip(w, n)) + "  (wrk/netlab)")
ok = med >= min_ratio and (target != "work" or abs(med - 1) * 100 <= tol)
if not ok:
    want = f"≥ {min_ratio}" + (f" and within {tol:.0f} % of 1" if target == "work" else "")
    print(f"\nFAIL {target}: median ratio {med:.3f}, want {want}")
    sys.exit(1)
print(f"\nOK {target}: median ratio {med:.3f} ≥ {min_ratio}")
PY
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	pids=()
done
exit $status
