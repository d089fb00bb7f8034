#!/bin/sh
# tm check: a bulletin translated wrongly on purpose (numbers, dates,
# times, terms and the mechanical checks) has every planted error found,
# each naming its trans-unit and what was expected; the same bulletin
# translated correctly has no finding.  Broken and hostile XLIFF.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

G="$TM_SRCDIR/tests/data/issue6"
tm_plain --db m.db glossary import "$G/glossary.tbx" "$G/glossary.csv" \
    >/dev/null || fail "the glossary imports"

run tm --db m.db check "$G/check-right.xlf"
is "$RC" 0 "a correct translation: exit 0"
is "$(cat "$OUT")" "" "... and no finding (no false alarm)"
like "$(cat "$ERR")" "^0 findings" "... it says so on stderr"

run tm --db m.db check --json "$G/check-wrong.xlf"
is "$RC" 1 "planted errors: exit 1"
ok "--json is JSON" json_valid "$OUT"
json "$OUT" '"\n".join(sorted("%s %s" % (s["id"], f["kind"]) for s in d["segments"] for f in s["findings"]))' >got
same_file got "$G/check-wrong.expected" \
    "every planted error is found, and nothing else"
is "$(json "$OUT" 'd["findings"]')" "$(wc -l <"$G/check-wrong.expected" | tr -d ' ')" \
    "the count of findings"

run tm --db m.db check "$G/check-wrong.xlf"
is "$RC" 1 "text output: exit 1"
F=check-wrong.xlf
like "$(cat "$OUT")" "$F:6: trans-unit 1: date: 1月28日 \(January 28 or 28 January\) is not in the target" \
    "a wrong day: unit, line and the expected date"
like "$(cat "$OUT")" "trans-unit 2: number: 5万 \(50,000\) is not in the target" \
    "5万 rendered as 5,000"
like "$(cat "$OUT")" "trans-unit 3: number: 190万 \(1,900,000 or 1.9 million\)" \
    "190万 rendered as 19 million"
like "$(cat "$OUT")" "trans-unit 4: deprecated-term: 防护服: 'hazmat suit' is deprecated; use protective suit" \
    "a deprecated term"
like "$(cat "$OUT")" "trans-unit 5: number: 百分之五 \(5% or 5 percent\)" \
    "百分之五 rendered as 50 percent"
like "$(cat "$OUT")" "trans-unit 6: date: 2月 \(February\)" \
    "2020年2月 rendered as March 2020"
like "$(cat "$OUT")" "trans-unit 7: time: 凌晨1时 \(1 a.m. or 01:00\)" \
    "凌晨1时 rendered as 1 p.m."
like "$(cat "$OUT")" "trans-unit 9: term: 市外办: 'Municipal Foreign Affairs Office' is not in the target" \
    "an admitted term where the preferred one is expected"
like "$(cat "$OUT")" "trans-unit 14: date: 周一 \(Monday\)" "a wrong weekday"

# Without the glossary (and without a database): no term findings.
run tm --db nowhere/x.db check --no-glossary "$G/check-wrong.xlf"
is "$RC" 1 "--no-glossary: exit 1 still"
unlike "$(cat "$OUT")" ": term:" "... no term finding"
if on_sqlite; then
	ok "... and no database was created" test ! -e nowhere/x.db
else
	skip "... and no database was created" "$NOT_SQLITE"
fi

# Broken and hostile files.
bad()
{
	run tm --db m.db check "$1"
	is "$RC" 1 "$2: exit 1"
	like "$(cat "$ERR")" "$3" "$2: the message names the file and problem"
}
printf '<xliff version="1.2"><file source-language="zh" target-language="en"><body>\n<trans-unit id="1"><source>x</source>\n</file></xliff>\n' >broken.xlf
bad broken.xlf "not well-formed" "'broken\.xlf': line 3"
printf '<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<xliff version="1.2"><file source-language="zh" target-language="en"><body><trans-unit id="1"><source>&x;</source><target>a</target></trans-unit></body></file></xliff>\n' >xxe.xlf
bad xxe.xlf "an external entity" "entity declarations are refused"
printf '<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0"/>\n' >v2.xlf
bad v2.xlf "XLIFF 2" "XLIFF version '2.0'"
printf '<tmx version="1.4"/>\n' >not.xlf
bad not.xlf "not XLIFF" "<tmx> is not <xliff>"
printf '<xliff version="1.2"><file source-language="zh" target-language="en"><body>\n<trans-unit id="1"><target>a</target></trans-unit></body></file></xliff>\n' >nosrc.xlf
bad nosrc.xlf "a unit without source" "line 2: trans-unit '1' has no <source>"
printf '<xliff version="1.2"><file source-language="zh" target-language="en"><body>\n<trans-unit><source>a</source></trans-unit></body></file></xliff>\n' >noid.xlf
bad noid.xlf "a unit without id" "line 2: <trans-unit> without an id"
run tm --db m.db check missing.xlf
is "$RC" 1 "a missing file: exit 1"
like "$(cat "$ERR")" "'missing\.xlf': cannot read it" "... and says so"

# Units in groups, a missing target, inline markup.
cat >group.xlf <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="a" source-language="zh-CN" target-language="en-US" datatype="html">
  <body><group id="g1">
   <trans-unit id="a"><source>共<g id="1">5万</g>只口罩。</source><target state="translated"><g id="1">50,000</g> masks.</target></trans-unit>
   <trans-unit id="b"><source>你好。</source></trans-unit>
  </group></body>
 </file>
</xliff>
X
run tm --db m.db check --json group.xlf
is "$RC" 1 "a unit without target: exit 1"
is "$(json "$OUT" '[(s["id"], s["findings"][0]["kind"]) for s in d["segments"]]')" \
    '[["b", "empty"]]' "units in groups are read; inline markup matches"

# Usage.
run tm --db m.db check
is "$RC" 2 "no file: usage error"
run tm check --help
is "$RC" 0 "--help exits 0"
like "$(cat "$OUT")" "5万 = 50,000" "--help says what is checked"

done_testing
