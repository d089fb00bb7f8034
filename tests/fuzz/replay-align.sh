#!/bin/sh
# Replays the fuzz-align seed corpus and the alignment fixtures through
# the fuzz target's standalone driver (it prints TAP).
set --
for f in "$TM_SRCDIR"/tests/fuzz/corpus/align/* "$TM_SRCDIR"/tests/data/align/*; do
	[ -f "$f" ] && set -- "$@" "$f"
done
exec "$TM_BUILDDIR/tests/fuzz/fuzz-align" "$@"
