#!/bin/sh
# The main job on the default database ($TM_DB, else
# $XDG_DATA_HOME/tm/tm.db): install what is needed, build, import the
# sample memory the project ships, show what the memory holds and export
# it again as TMX 1.4b.
set -eu
cd "$(dirname "$0")/.."

sh tools/install-deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
[ -f build/Makefile ] || { mkdir -p build && (cd build && ../configure -q); }
make -C build -j"$(nproc)" >/dev/null

tm=build/src/tm
$tm import tests/data/sample-bulletin.tmx
$tm stats
$tm export -o sample-export.tmx
echo "exported to $(pwd)/sample-export.tmx"
