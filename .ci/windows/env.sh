# Sourced by the scripts in .ci/windows: the private wine prefix NetLab's
# Windows tests use (kept apart from ~/.wine so nothing else is disturbed).
export WINEPREFIX="${NETLAB_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/netlab/wine}"
export WINEARCH=win64
export WINEDEBUG="${WINEDEBUG:--all}"
