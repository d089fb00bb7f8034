#!/bin/sh
# tm import --duplicates=skip|keep|update: a unit with the same languages
# (compared as BCP 47 tags: case and _/- do not matter) and the same
# segments (markup included, variant order not) as a stored one is a
# duplicate.  skip (the default) drops it, keep stores it too, update
# replaces the stored unit when the new one is newer (changedate, else
# creationdate) and drops it otherwise.  Within one file and across
# imports; the counts in the summary, in --json and in stats.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

TIME_RE='[0-9]+\.[0-9]{2} s \(index [0-9]+\.[0-9]{2} s\)'

# tu TUID DATES ZH EN [ZH-TAG EN-TAG ORDER]: one unit; DATES are tu
# attributes; ORDER "en" puts the English variant first.
tu()
{
	zl=${5:-zh-CN} el=${6:-en-US}
	if [ "${7:-}" = en ]; then
		printf '    <tu tuid="%s" %s><tuv xml:lang="%s"><seg>%s</seg></tuv><tuv xml:lang="%s"><seg>%s</seg></tuv></tu>\n' \
		    "$1" "$2" "$el" "$4" "$zl" "$3"
	else
		printf '    <tu tuid="%s" %s><tuv xml:lang="%s"><seg>%s</seg></tuv><tuv xml:lang="%s"><seg>%s</seg></tuv></tu>\n' \
		    "$1" "$2" "$zl" "$3" "$el" "$4"
	fi
}
tmx()
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="zh-CN" datatype="plaintext"/>\n<body>\n'
	cat
	printf '</body>\n</tmx>\n'
}
JAN='changedate="20200101T000000Z"'
MAR='changedate="20200301T000000Z"'
FEB='changedate="20200201T000000Z"'
DEC19='changedate="20191201T000000Z"'

{
	tu a1 "$JAN" 你好 Hello
	tu a2 "$JAN" 谢谢 Thanks
	tu a3 "$MAR" 你好 Hello                    # = a1, newer
	tu a4 "$JAN" 你好 Hello zh-CN en-GB        # other language: new
	tu a5 "$DEC19" 谢谢 Thanks zh-CN en-US en  # = a2, variants swapped, older
	tu a6 "" 你好 Hello zh_cn EN-US            # = a1, tags spelt otherwise
	tu a7 "$JAN" '<bpt i="1">&lt;b&gt;</bpt>你好<ept i="1">&lt;/b&gt;</ept>' \
	    '<bpt i="1">&lt;b&gt;</bpt>Hello<ept i="1">&lt;/b&gt;</ept>'  # markup: new
} | tmx >d1.tmx
{
	tu b1 "$FEB" 你好 Hello                    # = a3, older than a3
	tu b2 "$DEC19" 谢谢 Thanks                 # = a2, older
	tu b3 "$JAN" 再见 Goodbye                  # new
} | tmx >d2.tmx
{
	tu c1 'changedate="20210101T000000Z"' 你好 Hello        # newer than all
	tu c2 'creationdate="20220101T000000Z"' 谢谢 Thanks     # no changedate
	tu c3 "$JAN" 再见 Goodbye                               # same date: older wins
} | tmx >d3.tmx

tuids()
{
	tm_plain --db "$1" export | grep -o 'tuid="[a-z0-9]*"' | sed 's/tuid="\(.*\)"/\1/' |
	    tr '\n' ' ' | sed 's/ $//'
}
units()
{
	tm_plain --db "$1" stats --json >units.json && json units.json 'd["units"]'
}
import_counts()
{
	# [units_read, imported, duplicates, updated, skipped] of every import
	tm_plain --db "$1" stats --json >counts.json &&
	    json counts.json '[[m[k] for k in ("units_read", "imported", "duplicates", "updated", "skipped")] for m in d["imports"]]'
}

# skip, the default
run tm --db skip.db import d1.tmx
is "$RC" 0 "skip: import exits 0"
like "$(cat "$OUT")" "^d1\\.tmx: 7 units read, 4 imported, 3 duplicates \\(skipped\\), 0 invalid skipped, $TIME_RE\$" \
    "skip (default), one file: 3 duplicates skipped"
is "$(tuids skip.db)" "a1 a2 a4 a7" \
    "skip: the first of each set of duplicates stays; other languages and other markup are not duplicates"
run tm --db skip.db import d2.tmx
like "$(cat "$OUT")" "^d2\\.tmx: 3 units read, 1 imported, 2 duplicates \\(skipped\\)" \
    "skip, second import: 2 duplicates of stored units skipped"
is "$(tuids skip.db)" "a1 a2 a4 a7 b3" "skip: the second import adds only the new unit"
is "$(units skip.db)" 5 "skip: stats counts 5 units"
is "$(import_counts skip.db)" "[[7, 4, 3, 0, 0], [3, 1, 2, 0, 0]]" \
    "skip: stats records read, imported, duplicates per import"
run tm --db skip.db import --duplicates=skip d2.tmx
like "$(cat "$OUT")" "3 units read, 0 imported, 3 duplicates \\(skipped\\)" \
    "skip: importing a file again adds nothing"
is "$(units skip.db)" 5 "skip: still 5 units"

# keep
run tm --db keep.db import --duplicates=keep d1.tmx d2.tmx
is "$RC" 0 "keep: import exits 0"
like "$(sed -n 1p "$OUT")" "^d1\\.tmx: 7 units read, 7 imported, 3 duplicates \\(kept\\)" \
    "keep, one file: the duplicates are counted and stored"
like "$(sed -n 2p "$OUT")" "^d2\\.tmx: 3 units read, 3 imported, 2 duplicates \\(kept\\)" \
    "keep, second import: the duplicates are counted and stored"
is "$(tuids keep.db)" "a1 a2 a3 a4 a5 a6 a7 b1 b2 b3" "keep: every unit is stored, in order"
is "$(units keep.db)" 10 "keep: stats counts 10 units"
is "$(import_counts keep.db)" "[[7, 7, 3, 0, 0], [3, 3, 2, 0, 0]]" \
    "keep: stats records the duplicates"

# update
run tm --db update.db import --duplicates=update --json d1.tmx
is "$RC" 0 "update: import exits 0"
cp "$OUT" update1.json
is "$(json update1.json '[(o["units_read"], o["duplicates"], o["updated"]) for o in d]')" \
    "[[7, 3, 1]]" "update, one file: 3 duplicates, 1 of them newer (a3 replaces a1)"
is "$(tuids update.db)" "a2 a3 a4 a7" \
    "update: the newer unit replaced the older; older and undated duplicates were dropped"
run tm --db update.db import --duplicates=update d2.tmx
like "$(cat "$OUT")" "^d2\\.tmx: 3 units read, 1 imported, 2 duplicates \\(0 updated\\)" \
    "update: older duplicates do not replace newer stored units"
is "$(tuids update.db)" "a2 a3 a4 a7 b3" "update: a3 and a2 stay, b3 is added"
run tm --db update.db import --duplicates=update d3.tmx
like "$(cat "$OUT")" "^d3\\.tmx: 3 units read, 2 imported, 3 duplicates \\(2 updated\\)" \
    "update: newer changedate, and newer creationdate without changedate, win; an equal date does not"
is "$(tuids update.db)" "a4 a7 b3 c1 c2" "update: c1 replaced a3, c2 replaced a2, b3 stayed"
is "$(units update.db)" 5 "update: stats counts 5 units"
is "$(import_counts update.db)" \
    "[[7, 5, 3, 1, 0], [3, 1, 2, 0, 0], [3, 2, 3, 2, 0]]" \
    "update: stats records duplicates and updates per import (a unit that replaces another counts as imported)"
tm --db update.db export >update.tmx
is "$(grep -c 'changedate="20200301T000000Z"' update.tmx)" 0 \
    "update: nothing of the replaced unit is left"
like "$(grep 'tuid="c1"' update.tmx)" 'changedate="20210101T000000Z"' \
    "update: the replacing unit comes with its own attributes"

# A duplicate has the same segment in the same language for every
# variant: the same segments in other languages, in more languages or
# swapped between the languages make new units.
{
	tu x1 "" 你好 Hello zh-CN en-US
	tu x2 "" 你好 Hello zh-TW en-US
	tu x3 "" 你好 Hello zh-CN fr-FR
	printf '    <tu tuid="x4"><tuv xml:lang="zh-CN"><seg>你好</seg></tuv><tuv xml:lang="en-US"><seg>Hello</seg></tuv><tuv xml:lang="fr-FR"><seg>Bonjour</seg></tuv></tu>\n'
	tu x5 "" Hello 你好 zh-CN en-US      # zh-CN "Hello", en-US "你好"
	tu x6 "" 你好 Hello ZH-cn en_US en   # = x1, written otherwise
} | tmx >langs.tmx
run tm --db langs.db import langs.tmx
like "$(cat "$OUT")" "6 units read, 5 imported, 1 duplicate \\(skipped\\)" \
    "only the unit with the same segments in the same languages is a duplicate"
is "$(tuids langs.db)" "x1 x2 x3 x4 x5" \
    "other languages, a third language, segments swapped between languages: new units"

done_testing
