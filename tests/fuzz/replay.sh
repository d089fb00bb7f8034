#!/bin/sh
# Replays the fuzz-tmx seed corpus and the project's TMX fixtures through
# the fuzz target's standalone driver (TAP).
exec "$TM_BUILDDIR/tests/fuzz/fuzz-tmx" "$TM_SRCDIR"/tests/fuzz/corpus/tmx/* \
	"$TM_SRCDIR"/tests/data/*.tmx
