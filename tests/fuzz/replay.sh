#!/bin/sh
# Replays the fuzz-tmx seed corpus and the project's TMX fixtures through
# the fuzz target's standalone driver (it prints TAP).
set --
for f in "$TM_SRCDIR"/tests/fuzz/corpus/tmx/* "$TM_SRCDIR"/tests/data/*.tmx; do
	[ -f "$f" ] && set -- "$@" "$f"
done
exec "$TM_BUILDDIR/tests/fuzz/fuzz-tmx" "$@"
