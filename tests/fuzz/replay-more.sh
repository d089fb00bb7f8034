#!/bin/sh
# Replays the seed corpora of the fuzz targets for XLIFF, glossaries, SRX,
# HTML, Markdown, numbers and HTTP requests (and the project's fixtures
# of those kinds) through their standalone drivers, as one TAP stream.
n=0 failed=0
for t in xliff glossary srx html markdown quantity http; do
	set --
	for f in "$TM_SRCDIR"/tests/fuzz/corpus/$t/*; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	case $t in
	xliff) for f in "$TM_SRCDIR"/tests/data/issue6/*.xlf; do
		set -- "$@" "$f"; done ;;
	esac
	out=$("$TM_BUILDDIR/tests/fuzz/fuzz-$t" "$@" 2>&1)
	rc=$?
	for f in "$@"; do
		n=$((n + 1))
		if [ "$rc" = 0 ] && printf '%s\n' "$out" | grep -qF "ok" &&
		    printf '%s\n' "$out" | grep -qF -- "- $f"; then
			echo "ok $n - fuzz-$t: $(basename "$f")"
		else
			failed=$((failed + 1))
			echo "not ok $n - fuzz-$t: $(basename "$f")"
		fi
	done
	[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
done
echo "1..$n"
