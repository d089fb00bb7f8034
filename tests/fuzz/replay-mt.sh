#!/bin/sh
# Replays the fuzz-mt-json seed corpus (provider replies, good and bad)
# through the fuzz target's standalone driver (it prints TAP).
set --
for f in "$TM_SRCDIR"/tests/fuzz/corpus/mt-json/*; do
	[ -f "$f" ] && set -- "$@" "$f"
done
exec "$TM_BUILDDIR/tests/fuzz/fuzz-mt-json" "$@"
