#!/bin/sh
# Outputs written to a FIFO or a device (/dev/null, a terminal, a pipe
# named on the command line) go into it, not beside it and renamed over
# it: renaming would replace the device with a regular file, as a run of
# `tm export -o /dev/null` once did to this machine's /dev/null.  Regular
# files are still written beside and renamed, with the usual 0644.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

tm_plain --db m.db import -q "$DATA/sample-bulletin.tmx"
is "$?" 0 "a memory to export"

# through_fifo NAME CMD...: run CMD with the FIFO fifo-NAME as its output
# (the word FIFO in CMD), read what comes out of it into got-NAME.
through_fifo()
{
	name=$1
	shift
	rm -f "fifo-$name" "got-$name"
	mkfifo "fifo-$name"
	cat "fifo-$name" >"got-$name" &
	reader=$!
	args=
	for a in "$@"; do
		[ "$a" = FIFO ] && a=fifo-$name
		args="$args '$a'"
	done
	eval "tm_plain $args" 2>"err-$name"
	rc=$?
	wait "$reader"
	is "$rc" 0 "$name into a FIFO exits 0"
	ok "$name: the FIFO is still a FIFO" test -p "fifo-$name"
	ok "$name: what was written came through it" test -s "got-$name"
	is "$(ls | grep -c "^fifo-$name\\.")" 0 "$name: no file left beside it"
}

through_fifo export --db m.db export -o FIFO
like "$(cat got-export)" "<tmx version=\"1.4\">" "the export is TMX"
through_fifo align --db m.db align --from zh-CN --to en-US --tsv FIFO \
    "$TM_SRCDIR/tests/data/align/bulletin.zh" \
    "$TM_SRCDIR/tests/data/align/bulletin.en"
like "$(sed -n 2p got-align)" "1-1" "the TSV came through"

# A regular file: written beside, renamed into place, readable by all.
tm_plain --db m.db export -o plain.tmx
is "$?" 0 "export to a regular file"
is "$(stat -c %a plain.tmx)" 644 "it is 0644, not mkstemp's 0600"
tm_plain --db m.db align --from zh-CN --to en-US --tsv plain.tsv \
    "$TM_SRCDIR/tests/data/align/bulletin.zh" \
    "$TM_SRCDIR/tests/data/align/bulletin.en"
is "$(stat -c %a plain.tsv)" 644 "so is a TSV of tm align"

done_testing
