#!/usr/bin/env bash
# Smoke run of the real binary: start ./netlab in a private Xvfb display and
# fail unless its window maps and the process is still alive a moment later.
#   .ci/smoke.sh ./netlab [screenshot.png]
set -euo pipefail
bin=${1:-./netlab}
shot=${2:-}
for t in Xvfb xdotool; do
  command -v "$t" >/dev/null || { echo "smoke: $t is missing (run .ci/deps.sh test)" >&2; exit 1; }
done
work=$(mktemp -d)
dfile="$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$dfile" 2>/dev/null &
xpid=$!
app=""
cleanup() {
  if [ -n "$app" ]; then kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; fi
  kill "$xpid" 2>/dev/null || true
  rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 100); do [ -s "$dfile" ] && break; sleep 0.1; done
[ -s "$dfile" ] || { echo "smoke: Xvfb did not start" >&2; exit 1; }
export DISPLAY=":$(head -1 "$dfile")"
HOME="$work/home" "$bin" >"$work/log" 2>&1 &
app=$!
mapped=""
for _ in $(seq 180); do # up to 90 s: a cold start under load is slow
  if xdotool search --onlyvisible --name '^NetLab$' >/dev/null 2>&1; then mapped=1; break; fi
  kill -0 "$app" 2>/dev/null || { echo "smoke: netlab exited before its window mapped" >&2; cat "$work/log" >&2; exit 1; }
  sleep 0.5
done
[ -n "$mapped" ] || { echo "smoke: the NetLab window never mapped" >&2; cat "$work/log" >&2; exit 1; }
sleep 2
kill -0 "$app" 2>/dev/null || { echo "smoke: netlab died after mapping its window" >&2; cat "$work/log" >&2; exit 1; }
if [ -n "$shot" ] && command -v import >/dev/null; then import -window root "$shot"; fi
if grep -qiE "panic|fatal error|Fyne error" "$work/log"; then
  echo "smoke: netlab logged an error:" >&2; cat "$work/log" >&2; exit 1
fi
echo "smoke: window mapped, process alive"
