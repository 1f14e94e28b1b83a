#!/usr/bin/env bash
# Installs what building and testing NetLab needs on Debian/Ubuntu, printing
# what it installs; elsewhere it prints what to install by hand.
#   .ci/deps.sh          build + run needs (C compiler, X11/OpenGL headers)
#   .ci/deps.sh test     + what the tests use (Xvfb, xdotool, chromium, curl, dig)
#   .ci/deps.sh bench    + what the benchmarks use (wrk, nginx-light)
set -euo pipefail
need=(gcc pkg-config libgl1-mesa-dev xorg-dev)
case "${1:-}" in
  test)  need+=(xvfb xdotool imagemagick chromium curl bind9-dnsutils bind9 tcpdump nginx-light netcat-openbsd) ;;
  bench) need+=(wrk nginx-light curl) ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  case "$(uname -s)" in
    Darwin) echo "macOS: install the Xcode command line tools (xcode-select --install) and Go 1.26; nothing else is needed." ;;
    MINGW*|MSYS*|CYGWIN*) echo "Windows: install Go 1.26 and a gcc such as TDM-GCC or MSYS2's mingw-w64 gcc, and put it on PATH." ;;
    *) echo "Not a Debian/Ubuntu system: install a C compiler, pkg-config and the X11 and OpenGL development headers" \
            "(Fedora: sudo dnf install gcc pkgconf libX11-devel libXcursor-devel libXrandr-devel libXinerama-devel libXi-devel libXxf86vm-devel mesa-libGL-devel;" \
            "Arch: sudo pacman -S gcc pkgconf libx11 libxcursor libxrandr libxinerama libxi libxxf86vm mesa)." ;;
  esac
  exit 0
fi

missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
