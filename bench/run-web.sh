#!/usr/bin/env bash
# Static file benchmark: NetLab `serve` (epoll) vs nginx vs Go net/http.FileServer
# vs python3 -m http.server, with wrk on loopback. One run, one table.
#
#   bench/run-web.sh                 # DUR=10s per cell, ROUNDS=2, LOOPS=nproc
#   DUR=5s LOOPS=2 NETLAB=/tmp/netlab bench/run-web.sh
#
# Needs: wrk, nginx (Debian: apt-get install -y wrk nginx-light), python3, go.
# Every server listens on 127.0.0.1 only; all are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DUR=${DUR:-10s}
LOOPS=${LOOPS:-$(nproc)}
ENGINE=${ENGINE:-epoll}
PEERS=${PEERS:-"netlab nginx gohttp python"}
FILES=${FILES:-"1k.bin 1m.bin"}   # rows of the table, e.g. FILES=1m.bin
MEMDUR=${MEMDUR:-60}   # seconds of the memory run (1 MiB file, 256 conns); 0 skips it
TABLE=${TABLE:-1}      # 0 skips the comparison table
for bin in wrk nginx python3 go; do
	command -v "$bin" >/dev/null || { echo "run-web.sh: $bin is not installed (apt-get install -y wrk nginx-light)" >&2; exit 1; }
done
WORK=$(mktemp -d /tmp/netlab-web-bench.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/www"
chmod 755 "$WORK" "$WORK/www" # nginx workers run as an unprivileged user
head -c 1024 /dev/urandom >"$WORK/www/1k.bin"
head -c 1048576 /dev/urandom >"$WORK/www/1m.bin"
chmod 644 "$WORK/www/"*

NETLAB=${NETLAB:-}
if [ -z "$NETLAB" ]; then
	echo "building netlab ..." >&2
	go build -o "$WORK/netlab" . && NETLAB="$WORK/netlab"
fi
(cd bench && go build -o "$WORK/webpeers" ./webpeers)

cat >"$WORK/nginx.conf" <<CONF
worker_processes $LOOPS;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	open_file_cache max=1000 inactive=60s;
	open_file_cache_valid 60s;
	keepalive_requests 10000000;
	keepalive_timeout 65;
	default_type application/octet-stream;
	client_body_temp_path $WORK/tmp-body;
	proxy_temp_path $WORK/tmp-proxy;
	fastcgi_temp_path $WORK/tmp-fcgi;
	uwsgi_temp_path $WORK/tmp-uwsgi;
	scgi_temp_path $WORK/tmp-scgi;
	server { listen 127.0.0.1:18082; root $WORK/www; }
}
CONF

declare -A PORT=([netlab]=18081 [nginx]=18082 [gohttp]=18083 [python]=18084)
start() {
	case $1 in
	netlab) "$NETLAB" serve "$WORK/www" --addr 127.0.0.1:18081 --engine "$ENGINE" --loops "$LOOPS" --quiet 2>"$WORK/netlab.err" & ;;
	nginx) nginx -c "$WORK/nginx.conf" -p "$WORK" 2>"$WORK/nginx.err" & ;;
	gohttp) GOMAXPROCS=$LOOPS "$WORK/webpeers" -addr 127.0.0.1:18083 -dir "$WORK/www" & ;;
	python) (cd "$WORK/www" && exec python3 -m http.server 18084 --bind 127.0.0.1 >/dev/null 2>&1) & ;;
	esac
	PIDS+=($!)
	for _ in $(seq 100); do
		curl -fs -o /dev/null "http://127.0.0.1:${PORT[$1]}/1k.bin" && return 0
		sleep 0.1
	done
	echo "run-web.sh: $1 did not start" >&2
	cat "$WORK/$1.err" >&2 2>/dev/null || true
	return 1
}
for p in $PEERS; do start "$p"; done

# wrk_cell PEER FILE CONNS KA -> "req/s p99_ms"
wrk_cell() {
	local hdr=()
	[ "$4" = off ] && hdr=(-H "Connection: close")
	local out
	out=$(wrk -t1 -c"$3" -d"$DUR" --latency "${hdr[@]}" "http://127.0.0.1:${PORT[$1]}/$2" 2>&1 || true)
	local rps p99
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}' <<<"$out")
	echo "${rps:-0} ${p99:-nan}"
}

# Each cell is measured ROUNDS times with the servers' order rotated, and
# each server's best round is kept: on a shared machine, load from
# elsewhere then hurts every server alike instead of whichever ran at the
# wrong moment (the echo benchmark does the same).
ROUNDS=${ROUNDS:-2}
if [ "$TABLE" != 0 ]; then
echo "# NetLab static-file benchmark: wrk -t1, $DUR per cell, best of $ROUNDS rounds, loops/workers=$LOOPS, engine=$ENGINE, $(nproc) CPUs, $(date -u +%FT%TZ)"
printf "| %-6s | %5s | %-10s | %-8s | %10s | %9s | %13s |\n" file conns keep-alive server "req/s" "p99 ms" "NetLab ÷ peer"
printf "|%s|%s|%s|%s|%s|%s|%s|\n" -------- ------- ------------ ---------- ------------ ----------- ---------------
read -r -a PEER_LIST <<<"$PEERS"
for file in $FILES; do
	for conns in 64 256; do
		for ka in on off; do
			declare -A RPS=() P99=()
			for ((round = 0; round < ROUNDS; round++)); do
				for ((k = 0; k < ${#PEER_LIST[@]}; k++)); do
					p=${PEER_LIST[$(((k + round) % ${#PEER_LIST[@]}))]}
					read -r rps p99 < <(wrk_cell "$p" "$file" "$conns" "$ka")
					echo "  round $((round + 1)) $p $file $conns conns keep-alive $ka: $rps req/s, p99 $p99 ms" >&2
					if awk -v a="$rps" -v b="${RPS[$p]:-0}" 'BEGIN { exit !(a > b) }'; then
						RPS[$p]=$rps
						P99[$p]=$p99
					fi
				done
			done
			for p in "${PEER_LIST[@]}"; do
				ratio="—"
				if [ "$p" != netlab ] && [ -n "${RPS[netlab]:-}" ]; then
					ratio=$(awk -v a="${RPS[netlab]}" -v b="${RPS[$p]}" 'BEGIN { if (b > 0) printf "%.2f×", a/b; else print "∞" }')
				fi
				printf "| %-6s | %5d | %-10s | %-8s | %10.0f | %9s | %13s |\n" "${file%.bin}" "$conns" "$ka" "$p" "${RPS[$p]}" "${P99[$p]}" "$ratio"
			done
		done
	done
done
fi
rss() { awk '/VmRSS/ {print $2}' "/proc/${PIDS[0]}/status"; }
if [[ " $PEERS " == *" netlab "* ]] && [ -r "/proc/${PIDS[0]}/status" ]; then
	echo
	echo "NetLab RSS after the table: $(rss) kB"
	if [ "$MEMDUR" != 0 ]; then
		# Two memory runs: large files over long connections, then a flood
		# of short ones (a connection per request), which is where
		# per-connection state that outlives its connection would show.
		memrun() { # FILE CONNS KA LABEL
			local hdr=()
			[ "$3" = off ] && hdr=(-H "Connection: close")
			wrk -t1 -c"$2" -d"${MEMDUR}s" "${hdr[@]}" "http://127.0.0.1:18081/$1" >"$WORK/mem-wrk.txt" 2>&1 &
			local wrkpid=$! samples=()
			for _ in $(seq $((MEMDUR / 10))); do
				sleep 10
				samples+=("$(rss)")
			done
			wait "$wrkpid" || true
			echo "NetLab RSS every 10 s during a ${MEMDUR} s run ($4): ${samples[*]} kB; $(awk '/^Requests\/sec:/ {print $2}' "$WORK/mem-wrk.txt") req/s"
		}
		memrun 1m.bin 256 on "1 MiB file, 256 connections, keep-alive"
		memrun 1k.bin 256 off "1 KiB file, 256 connections, a new connection per request"
	fi
fi
