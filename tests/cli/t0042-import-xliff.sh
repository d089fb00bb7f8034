#!/bin/sh
# tm import-xliff and tm history: an XLIFF in the form tm pretranslate
# writes (contract 3 of issue 6), reviewed, imported; edited and imported
# again: lookup gives the reviewed translation and the history holds the
# old one.  Broken files change nothing.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

# The memory's units as TMX, without the export's own date.
units()
{
	tm_plain --db m.db export | sed 's/<header .*>/<header>/'
}

X="$TM_SRCDIR/tests/data/issue6/review.xlf"
tm_plain --db m.db import -q "$TM_SRCDIR/tests/data/sample-bulletin.tmx" ||
    fail "the sample imports"

run tm --db m.db import-xliff --reviewer li.translator "$X"
is "$RC" 0 "a reviewed XLIFF imports"
like "$(cat "$OUT")" "4 units: 3 new, 0 updated, 0 unchanged, 1 not reviewed" \
    "reviewed units (signed-off, final, translated) go in, the rest not"

Q="日本友好城市捐赠的5万只口罩已运抵本市。"
PRE="截至2月3日，全市累计接收境外捐赠物资190万件。"
POST="市外办提醒外籍人士佩戴口罩。"
run tm --db m.db lookup --json --from zh-CN --to en-US \
    --context-before "$PRE" --context-after "$POST" "$Q"
is "$(json "$OUT" 'd["matches"][0]["score"]')" 101 \
    "the context comes along: a 101 match in the same context"
is "$(json "$OUT" 'd["matches"][0]["target"]')" \
    "The 50,000 masks donated by our sister city in Japan have arrived in the city." \
    "with the reviewed translation"
is "$(json "$OUT" 'd["matches"][0]["changeid"]')" "wang.reviser" \
    "the reviewer is the phase's contact-name"
is "$(json "$OUT" 'd["matches"][0]["changedate"]')" "20200203T163000Z" \
    "the date is the phase's"
run tm --db m.db lookup --json --from zh --to en \
    --context-before "$Q" "$POST"
is "$(json "$OUT" 'd["matches"][0]["changeid"]')" "li.translator" \
    "without a phase, --reviewer names the reviewer"
run tm --db m.db lookup --from zh --to en "咨询电话：12345。"
like "$(cat "$OUT")" "no match" "the unit not reviewed is not in the memory"

# The same file again: nothing changes.
units >before
run tm --db m.db import-xliff --json "$X"
is "$RC" 0 "importing it again exits 0"
is "$(json "$OUT" '[d["imported"], d["updated"], d["unchanged"], d["skipped"]]')" \
    "[0, 0, 3, 1]" "... finds every reviewed unit stored (--json)"
units >after
same_file before after "... and the memory's units are as they were"

# Edited by the reviser, imported again: the new translation replaces
# the old, which the history keeps.
sed 's/have arrived in the city\./arrived in the city on February 3./' "$X" >edited.xlf
run tm --db m.db import-xliff edited.xlf
is "$RC" 0 "the edited XLIFF imports"
like "$(cat "$OUT")" "0 new, 1 updated, 2 unchanged" "one unit updated"
run tm --db m.db lookup --json --from zh-CN --to en-US \
    --context-before "$PRE" --context-after "$POST" "$Q"
is "$(json "$OUT" 'd["matches"][0]["target"]')" \
    "The 50,000 masks donated by our sister city in Japan arrived in the city on February 3." \
    "lookup returns the reviewed translation"
is "$(json "$OUT" '[m["score"] for m in d["matches"] if m["score"] >= 100]')" "[101]" \
    "one unit for that source and context, not two"
run tm --db m.db history --json --from zh "$Q"
is "$RC" 0 "history exits 0"
is "$(json "$OUT" 'len(d["history"])')" 1 "the history holds one old translation"
is "$(json "$OUT" 'd["history"][0]["seg"]')" \
    "The 50,000 masks donated by our sister city in Japan have arrived in the city." \
    "... the one replaced"
is "$(json "$OUT" 'd["history"][0]["changeid"]')" "wang.reviser" \
    "... with who wrote it"
run tm --db m.db history
like "$(cat "$OUT")" "have arrived in the city\." "history as text"

# The export carries the context props.
tm_plain --db m.db export -o all.tmx >/dev/null
like "$(cat all.tmx)" '<prop type="x-context-pre">截至2月3日' "export: x-context-pre"
ok "the export is valid TMX 1.4b" dtd_valid all.tmx "$TMX14_DTD"

# Rewritten whole: no word or mark of the old translation is left, so only the
# new text's own index entries can find it from the target language.
NEW="Yokohama sent fifty thousand respirators"
sed "s/The 50,000 masks donated by our sister city in Japan arrived in the city on February 3\./$NEW/" \
    edited.xlf >rewritten.xlf
run tm --db m.db import-xliff rewritten.xlf
like "$(cat "$OUT")" "0 new, 1 updated, 2 unchanged" "a rewritten unit is updated"
run tm --db m.db lookup --json --from en-US --to zh-CN "$NEW"
is "$(json "$OUT" '[[m["score"], m["target"]] for m in d["matches"]][:1]')" \
    "[[100, \"$Q\"]]" \
    "a lookup from the target language finds the new text without reindex"
run tm --db m.db lookup --json --from en-US --to zh-CN \
    "The 50,000 masks donated by our sister city in Japan arrived in the city on February 3."
is "$(json "$OUT" '[m["score"] for m in d["matches"] if m["score"] >= 100]')" "[]" \
    "... and no longer finds the text it replaced at 100"

# Broken files change nothing.
state()
{
	db_state m.db | sed 's/creationdate="[0-9TZ]*"//'
}
state >before
bad()
{
	run tm --db m.db import-xliff "$1"
	is "$RC" 1 "$2: exit 1"
	like "$(cat "$ERR")" "$3" "$2: the message names the problem"
	state >after
	same_file before after "$2: the memory is unchanged"
}
sed 's/target-language="en-US"/target-language="!!"/' "$X" >badlang.xlf
bad badlang.xlf "a bad target language" "trans-unit '1'"
head -c 1500 "$X" >cut.xlf
bad cut.xlf "a truncated file" "'cut\.xlf': line [0-9]+"
printf '<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<xliff version="1.2"><file source-language="zh" target-language="en"><body><trans-unit id="1"><source>a</source><target state="final">&x;</target></trans-unit></body></file></xliff>\n' >xxe.xlf
bad xxe.xlf "an external entity" "entity declarations are refused"

run tm --db m.db import-xliff
is "$RC" 2 "no file: usage error"
run tm import-xliff --help
like "$(cat "$OUT")" "x-context-pre" "--help says what is kept"

# A reviewed correction of a 100% match from an older memory (a TMX
# unit, which has no context): the unit is corrected, its old
# translation kept in its history, and it is the only 100% afterwards.
tm_plain --db old.db import -q "$TM_SRCDIR/tests/data/sample-bulletin.tmx"
printf '日本友好城市捐赠的5万只口罩已于1月29日运抵我市。另有3.25万副医用手套将于近日抵达。\n' >old.txt
tm_plain --db old.db pretranslate --from zh-CN --to en-US -o oldout old.txt >/dev/null
OLDQ='日本友好城市捐赠的5万只口罩已于1月29日运抵我市。'
CORR='The 50,000 masks donated by our sister city in Japan reached the city on January 29.'
sed -e "s/arrived in our city on January 29\./reached the city on January 29./" \
    -e 's/state="needs-review-translation"/state="translated"/' \
    oldout/old.xlf >oldrev.xlf
run tm --db old.db import-xliff --reviewer li oldrev.xlf
is "$RC" 0 "a correction of an older memory's 100% imports"
like "$(cat "$OUT")" "1 updated" "... as an update of the old unit"
run tm --db old.db lookup --json --from zh --to en "$OLDQ"
is "$(json "$OUT" '[(m["score"], m["target"]) for m in d["matches"] if m["score"] >= 100]')" \
    "[[100, \"$CORR\"]]" "... then the only 100% is the correction"
run tm --db old.db history --json --from zh "$OLDQ"
is "$(json "$OUT" '[h["seg"] for h in d["history"]]')" \
    '["The 50,000 masks donated by our sister city in Japan arrived in our city on January 29."]' \
    "... and tm history keeps the old translation"
is "$(json "$OUT" 'd["history"][0]["replaced_by"]')" "li" "... replaced by the reviewer"
run tm --db old.db import-xliff --reviewer li oldrev.xlf
like "$(cat "$OUT")" "0 new, 0 updated" "the same file again changes nothing"

done_testing
