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
LOGROUNDS=${LOGROUNDS:-5} # rounds of the access-log-on comparison (netlab vs nginx, 1 KiB, 64 conns); 0 skips it
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
	# The same with the access log on, in the common log format that
	# netlab serve writes (nginx's default "combined" adds referer and
	# user agent): nginx writes each line as it answers, never dropping one.
	log_format clf '\$remote_addr - \$remote_user [\$time_local] "\$request" \$status \$body_bytes_sent';
	server { listen 127.0.0.1:18086; root $WORK/www; access_log $WORK/nginx-access.log clf; }
}
CONF

declare -A SPID=()
declare -A PORT=([netlab]=18081 [nginx]=18082 [gohttp]=18083 [python]=18084 [netlab-log]=18085 [nginx-log]=18086)
start() {
	case $1 in
	netlab) "$NETLAB" serve "$WORK/www" --addr 127.0.0.1:18081 --engine "$ENGINE" --loops "$LOOPS" --quiet 2>"$WORK/netlab.err" & ;;
	netlab-log) "$NETLAB" serve "$WORK/www" --addr 127.0.0.1:18085 --engine "$ENGINE" --loops "$LOOPS" >"$WORK/netlab-access.log" 2>"$WORK/netlab-log.err" & ;;
	nginx) nginx -c "$WORK/nginx.conf" -p "$WORK" 2>"$WORK/nginx.err" & ;;
	gohttp) GOMAXPROCS=$LOOPS "$WORK/webpeers" -addr 127.0.0.1:18083 -dir "$WORK/www" & ;;
	python) (cd "$WORK/www" && exec python3 -m http.server 18084 --bind 127.0.0.1 >/dev/null 2>&1) & ;;
	esac
	PIDS+=($!)
	SPID[$1]=$!
	for _ in $(seq 100); do
		curl -fs -o /dev/null "http://127.0.0.1:${PORT[$1]}/1k.bin" && return 0
		sleep 0.1
	done
	echo "run-web.sh: $1 did not start" >&2
	cat "$WORK/$1.err" >&2 2>/dev/null || true
	return 1
}
for p in $PEERS; do start "$p"; done
if [ "$LOGROUNDS" != 0 ]; then
	start netlab-log
	[[ " $PEERS " == *" nginx "* ]] || start nginx
fi

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
# Access log off and on, side by side: netlab serve --quiet and with its
# default log (stdout to a file) against nginx with access_log off and on,
# 1 KiB file, 64 connections, keep-alive. The four take turns (the order
# rotates each round), LOGROUNDS rounds; after each log-on run the lines
# its log gained are counted against the responses wrk completed (up to 64
# more may have been answered as wrk stopped): fewer means lines dropped.
if [ "$LOGROUNDS" != 0 ]; then
	echo
	echo "# Access log off and on: wrk -t1 -c64 $DUR, 1 KiB file, loops/workers=$LOOPS, $LOGROUNDS rounds taking turns, $(date -u +%FT%TZ)"
	printf "| %5s | %-10s | %10s | %13s | %10s | %10s | %7s |\n" round server "req/s" "server µs/req" "responses" "log lines" dropped
	printf "|%s|%s|%s|%s|%s|%s|%s|\n" ------- ------------ ------------ --------------- ------------ ------------ ---------
	lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
	# CPU ticks (user+system) of a server and its worker processes: on a
	# shared machine, CPU per request is steadier than req/s.
	ticks() {
		local pid=$1 t=0 c
		for c in $pid $(pgrep -P "$pid" || true); do
			t=$((t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0)))
		done
		echo $t
	}
	HZ=$(getconf CLK_TCK)
	ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
	LOGPEERS=(netlab-log nginx-log netlab nginx)
	[ -n "${SPID[netlab]:-}" ] || LOGPEERS=(netlab-log nginx-log)
	ON=() OFF=() CPUON=() CPUOFF=()
	DROPPED=0
	for ((round = 0; round < LOGROUNDS; round++)); do
		declare -A LRPS=() LUS=()
		for ((k = 0; k < ${#LOGPEERS[@]}; k++)); do
			p=${LOGPEERS[$(((k + round) % ${#LOGPEERS[@]}))]}
			spid=${SPID[$p]:-${SPID[nginx]:-}}
			logf="$WORK/${p%-log}-access.log"
			before=$(lines "$logf")
			t0=$(ticks "$spid")
			out=$(wrk -t1 -c64 -d"$DUR" "http://127.0.0.1:${PORT[$p]}/1k.bin" 2>&1 || true)
			t1=$(ticks "$spid")
			rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
			resp=$(awk '/requests in/ {print $1}' <<<"$out")
			LRPS[$p]=$rps
			LUS[$p]=$(awk -v t=$((t1 - t0)) -v hz="$HZ" -v n="$resp" 'BEGIN { printf "%.2f", (n > 0 ? t / hz * 1e6 / n : 0) }')
			got=— drop=—
			if [[ $p == *-log ]]; then
				sleep 1 # netlab writes its batches every 100 ms; nginx at once
				got=$(($(lines "$logf") - before))
				drop=$((resp > got ? resp - got : 0))
				DROPPED=$((DROPPED + drop))
			fi
			printf "| %5d | %-10s | %10.0f | %13s | %10d | %10s | %7s |\n" "$((round + 1))" "$p" "$rps" "${LUS[$p]}" "$resp" "$got" "$drop"
		done
		ON+=("$(ratio "${LRPS[netlab-log]}" "${LRPS[nginx-log]}")")
		CPUON+=("$(ratio "${LUS[nginx-log]}" "${LUS[netlab-log]}")")
		if [ "${#LOGPEERS[@]}" = 4 ]; then
			OFF+=("$(ratio "${LRPS[netlab]}" "${LRPS[nginx]}")")
			CPUOFF+=("$(ratio "${LUS[nginx]}" "${LUS[netlab]}")")
		fi
	done
	# spread VALUES... -> "median …× (min …×, max …×; per round: …)"
	spread() {
		printf "%s\n" "$@" | sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "median %.3f× (min %.3f×, max %.3f×", m, v[1], v[NR] }'
		echo "; per round: $*)"
	}
	echo
	echo "NetLab ÷ nginx req/s, access logs on:  $(spread "${ON[@]}"); log lines dropped: $DROPPED"
	[ "${#OFF[@]}" = 0 ] || echo "NetLab ÷ nginx req/s, access logs off: $(spread "${OFF[@]}")"
	echo "nginx ÷ NetLab server CPU per request, logs on:  $(spread "${CPUON[@]}")"
	[ "${#CPUOFF[@]}" = 0 ] || echo "nginx ÷ NetLab server CPU per request, logs off: $(spread "${CPUOFF[@]}")"
	grep -h "lost" "$WORK/netlab-log.err" 2>/dev/null || true
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
