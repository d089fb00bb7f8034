#!/bin/sh
# tm pretranslate: the sample bulletin against the sample memory (exact,
# context 101, fuzzy with numbers substituted, no match, a repetition);
# the XLIFF valid against the XLIFF 1.2 strict schema; the draft in the
# input's layout; the analysis in text, JSON and CSV; Markdown, HTML and
# GB18030 inputs; hostile inputs get a clear error; the memory is never
# changed.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

DATA="$TM_SRCDIR/tests/data"
BULLETIN="$DATA/bulletin-2020-02-06.txt"
DB=m.db
tm_plain --db $DB import -q "$DATA/sample-bulletin.tmx" \
    "$DATA/sample-bulletin-2020-02.tmx" || fail "importing the sample memory"
# A glossary whose preferred term the memory does not use: a planted
# finding for the QA notes (the fuzzy matches' numbers are written anew).
printf 'zh-CN,en-US,status\n日本,Nippon,preferred\n' >g.csv
tm_plain --db $DB glossary import g.csv >/dev/null 2>&1 || fail "a glossary"
# The memory as SQL and as tm stats sees it.
state()
{
	stats_state "$1"
	mem_dump "$1"
}
state $DB >before.state

run tm --db $DB pretranslate --from zh-CN --to en-US -o out "$BULLETIN"
is "$RC" 0 "pretranslate exits 0"
is "$(cat "$ERR")" "" "nothing on stderr"
for f in bulletin-2020-02-06.xlf bulletin-2020-02-06.review.html \
    bulletin-2020-02-06.draft.txt bulletin-2020-02-06.analysis.txt \
    bulletin-2020-02-06.analysis.json bulletin-2020-02-06.analysis.csv; do
	ok "writes out/$f" test -s "out/$f"
done
like "$(cat "$OUT")" "review page: out/bulletin-2020-02-06.review.html" \
    "says where the review page lies"
like "$(cat "$OUT")" "Repetitions  *1 " "the analysis on standard output"

# --json: every segment with its origin.
run tm --db $DB pretranslate --from zh-CN --to en-US -o out --json "$BULLETIN"
is "$RC" 0 "--json exits 0"
ok "--json is JSON" json_valid "$OUT"
J=$OUT
cp "$J" pt.json
seg()
{
	json pt.json "[s for s in d['files'][0]['segments'] if s['source'] == '$1'][0]['$2']"
}
is "$(json pt.json 'len(d["files"][0]["segments"])')" 30 "30 segments"
is "$(seg '双方就疫情防控等共同关心的问题深入交换了意见。' origin)" exact "an exact match"
is "$(seg '这批物资将优先分配给一线医疗机构。' score)" 101 "a context match (101)"
is "$(seg '这批物资将优先分配给一线医疗机构。' origin)" context "... used as context"
is "$(seg '截至2月6日，全市累计接收境外捐赠物资210万件。' origin)" fuzzy \
    "a fuzzy match with other numbers"
like "$(seg '截至2月6日，全市累计接收境外捐赠物资210万件。' target)" "February 6" \
    "... its numbers taken from the segment"
is "$(seg '市外办向捐赠方表示衷心感谢。' origin)" fuzzy "a fuzzy match"
like "$(seg '市外办向捐赠方表示衷心感谢。' diff)" '\[-各-\]' \
    "... with its diff"
is "$(seg '各外国商会已向会员企业转发本通知。' origin)" none "no match"
is "$(seg '各外国商会已向会员企业转发本通知。' target)" null "... no target"
is "$(json pt.json '[s["repetition_of"] for s in d["files"][0]["segments"] if s["repetition_of"]]')" \
    "[3]" "the repeated sentence points at its first occurrence"
is "$(json pt.json '[s["target"] == d["files"][0]["segments"][2]["target"] for s in d["files"][0]["segments"] if s["repetition_of"]]')" \
    "[true]" "... and has its translation"
is "$(json pt.json '[b["segments"] for b in d["files"][0]["bands"] if b["band"] == "total"][0]')" 30 \
    "--json: the bands"

# The analysis: text, JSON, CSV agree; bands add up to the total.
A=out/bulletin-2020-02-06.analysis
ok "analysis JSON is JSON" json_valid $A.json
is "$(json $A.json 'sum(b["segments"] for b in d["bands"] if b["band"] != "total")')" 30 \
    "the bands add up to the segments"
is "$(json $A.json 'sum(b["characters"] for b in d["bands"] if b["band"] != "total") == [b for b in d["bands"] if b["band"] == "total"][0]["characters"]')" \
    True "... and to the characters"
is "$(head -n 1 $A.csv | tr -d '\r')" "band,segments,characters,words" "CSV header"
is "$(grep -c , $A.csv)" 11 "CSV: a line per band and the total"
is "$(grep '^context,' $A.csv | cut -d, -f2)" 1 "CSV: one context match"
is "$(grep '^repetitions,' $A.csv | cut -d, -f2)" 1 "CSV: one repetition"
like "$(cat $A.txt)" "Context match \(101%\) *1 " "text: the context band"

# The draft keeps the layout: the same lines, blank lines and indentation.
D=out/bulletin-2020-02-06.draft.txt
is "$(wc -l <$D)" "$(wc -l <"$BULLETIN")" "the draft has the input's lines"
is "$(grep -c '^$' $D)" "$(grep -c '^$' "$BULLETIN")" "... and its blank lines"
like "$(sed -n 3p $D)" "^　　On .*The two sides had an in-depth exchange" \
    "a paragraph: indentation kept, translations joined"
like "$(cat $D)" "各外国商会已向会员企业转发本通知。" "untranslated text stays as it was"

# The XLIFF: valid against XLIFF 1.2 strict (and tm's own attributes).
X=out/bulletin-2020-02-06.xlf
SCHEMAS=/usr/share/php/Symfony/Component/Translation/Resources/schemas
if [ -f "$SCHEMAS/xliff-core-1.2-strict.xsd" ] && [ -f "$SCHEMAS/xml.xsd" ]; then
	sed "s#http://www.w3.org/2001/xml.xsd#$SCHEMAS/xml.xsd#" \
	    "$SCHEMAS/xliff-core-1.2-strict.xsd" >strict.xsd
	cat >xliff.xsd <<XSD
<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <xsd:import namespace="urn:oasis:names:tc:xliff:document:1.2" schemaLocation="strict.xsd"/>
  <xsd:import namespace="urn:x-tm:xliff:1" schemaLocation="$DATA/xliff/tm-xliff-ext.xsd"/>
</xsd:schema>
XSD
	run xmllint --noout --nonet --schema xliff.xsd $X
	is "$RC" 0 "the XLIFF is valid against XLIFF 1.2 strict"
	is "$(grep -v validates "$ERR")" "" "... no schema error"
	# The check itself: a broken file is refused.
	sed 's/state-qualifier="fuzzy-match"/state-qualifier="rough-match"/' $X >bad.xlf
	run xmllint --noout --nonet --schema xliff.xsd bad.xlf
	is "$RC" 3 "a state-qualifier outside XLIFF 1.2 fails the schema"
else
	skip "XLIFF schema: php-symfony-translation is not installed"
fi
is "$(grep -c '<trans-unit ' $X)" 30 "one trans-unit per segment"
like "$(cat $X)" 'state-qualifier="exact-match" tm:match="context"' "101 as exact-match, tm:match=context"
like "$(cat $X)" 'state-qualifier="fuzzy-match"' "fuzzy-match"
like "$(cat $X)" '<target state="needs-translation"/>' "no translation: an empty target"
like "$(cat $X)" 'tm:repetition-of="3"' "the repetition"
like "$(cat $X)" '<alt-trans match-quality="[0-9]*" origin="tm" tm:unit-id="[0-9]*">' "alt-trans from the memory"
like "$(cat $X)" '<context context-type="x-context-pre">' "context before"
like "$(cat $X)" '<note from="tm-check" priority="2">日本: .Nippon. is not in the target</note>' \
    "a QA note: the preferred term the memory does not use"
like "$(cat $X)" 'The 80,000 masks donated' "a fuzzy match's 50,000 written anew as 80,000 (5万 → 8万)"
like "$(cat $X)" 'On February 6, the Director' "... and its January as February (1月28日 → 2月6日)"
like "$(cat $X)" '2.1 million items' "... and 1.9 million as 2.1 million (190万 → 210万)"
is "$(xmllint --xpath 'count(//*[local-name()="trans-unit"][1]//*[local-name()="context"][@context-type="x-context-pre"])' $X)" 0 \
    "no context before the first segment"

# Markdown: markers, fences and tables stay.
cat >note.md <<'MD'
# 致在沪外国人士的通知

- 本市确诊病例中，境外输入病例占百分之五。
- 副市长出席活动并致辞。

```
副市长出席活动并致辞。
```

| 表 | 格 |
MD
run tm --db $DB pretranslate --from zh-CN --to en-US -o md note.md
is "$RC" 0 "Markdown: exits 0"
is "$(cat md/note.draft.md)" "$(printf '%s\n' '# 致在沪外国人士的通知' '' \
    '- Imported cases account for 5 percent of the confirmed cases in the city.' \
    '- The Vice Mayor attended the event and delivered a speech.' '' '```' \
    '副市长出席活动并致辞。' '```' '' '| 表 | 格 |')" \
    "Markdown: markers kept, code and tables untouched"
like "$(cat md/note.xlf)" 'datatype="x-markdown"' "Markdown: datatype x-markdown"

# HTML: the markup stays, block text is replaced.
cat >page.html <<'HTML'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>市外办</title>
<style>p { color: #333 }</style></head>
<body><div class="news"><h1 id="t">市外办</h1>
<p class="lead">副市长出席<b>活动</b>并致辞。<a href="x.html">凌晨1时，首批物资抵达浦东国际机场。</a></p>
<script>var s = "副市长出席活动并致辞。";</script>
<ul><li>另有3.25万副医用手套将于近日抵达。</li><li>无<i>匹配</i>的句子。</li></ul></div></body></html>
HTML
run tm --db $DB pretranslate --from zh-CN --to en-US -o html page.html
is "$RC" 0 "HTML: exits 0"
H=html/page.draft.html
like "$(cat $H)" '<h1 id="t">Municipal Foreign Affairs Office</h1>' "HTML: heading translated, attributes kept"
like "$(cat $H)" '<p class="lead">The Vice Mayor attended the event and delivered a speech. <a href="x.html">At 1 a.m., the first batch' \
    "HTML: a paragraph's sentences, the link around the second kept"
like "$(cat $H)" '<li>Another 32,500 pairs' "HTML: list items"
like "$(cat $H)" '<li>无<i>匹配</i>的句子。</li>' "HTML: a block without translation keeps its markup"
like "$(cat $H)" 'var s = "副市长出席活动并致辞。"' "HTML: scripts untouched"
like "$(cat $H)" '<style>p { color: #333 }</style>' "HTML: styles untouched"
is "$(json_valid html/page.analysis.json && json html/page.analysis.json '[b["segments"] for b in d["bands"] if b["band"] == "total"][0]')" 6 \
    "HTML: title, heading, two sentences, two list items"

# GB18030 text is detected.
printf '\270\261\312\320\263\244\263\366\317\257\273\356\266\257\262\242\326\302\264\307\241\243\n' >gb.txt
run tm --db $DB pretranslate --from zh-CN --to en-US -o gb gb.txt
is "$RC" 0 "GB18030: exits 0"
is "$(cat gb/gb.draft.txt)" "The Vice Mayor attended the event and delivered a speech." \
    "GB18030: read and matched"

# Hostile inputs: a clear error naming the file, nothing written.
: >empty.txt
run tm --db $DB pretranslate --from zh-CN --to en-US -o bad empty.txt
is "$RC" 1 "empty file: exit 1"
like "$(cat "$ERR")" "empty.txt: no text to translate" "empty file: says so"
ok "empty file: no XLIFF" test ! -e bad/empty.xlf
head -c 3000 /dev/urandom >binary.txt
printf '\000\377\376' >>binary.txt
run tm --db $DB pretranslate --from zh-CN --to en-US -o bad binary.txt
is "$RC" 1 "binary file: exit 1"
like "$(cat "$ERR")" "binary.txt" "binary file: names the file"
printf '第一行。\n\344\275\240\377好。\n' >badenc.txt
run tm --db $DB pretranslate --from zh-CN --to en-US -o bad --encoding UTF-8 badenc.txt
is "$RC" 1 "bad UTF-8: exit 1"
like "$(cat "$ERR")" "badenc.txt.*line 2" "bad UTF-8: names file and line"
printf '<html><body><p>副市长出席活动并致辞。<div><p><<<>>>&&&</b></i>\n<table><td>凌晨1时' >bad.html
run tm --db $DB pretranslate --from zh-CN --to en-US -o bad bad.html
is "$RC" 0 "broken HTML: libxml2 recovers"
like "$(cat bad/bad.draft.html)" "The Vice Mayor attended the event" "broken HTML: its text translated"
python3 -c 'import sys; sys.stdout.write("副市长出席活动并致辞。" * 50000 + "\n")' >huge.txt
run tm --db $DB pretranslate --from zh-CN --to en-US -o bad huge.txt
is "$RC" 0 "a 1.5 MB line: exits 0"
is "$(json_valid bad/huge.analysis.json && json bad/huge.analysis.json '[b["segments"] for b in d["bands"] if b["band"] == "repetitions"][0]')" 49999 \
    "a 1.5 MB line: one lookup, 49,999 repetitions"
run tm --db $DB pretranslate --from zh-CN --to en-US -o bad no-such-file.txt
is "$RC" 1 "missing file: exit 1"
like "$(cat "$ERR")" "no-such-file.txt" "missing file: named"
printf '<xliff>\n' >'a"<b>&.txt'
printf '<b>&amp;"</b>\n' >>'a"<b>&.txt'
run tm --db $DB pretranslate --from zh-CN --to en-US -o esc 'a"<b>&.txt'
is "$RC" 0 "markup in a text file and its name"
run xmllint --noout 'esc/a"<b>&.xlf'
is "$RC" 0 "... the XLIFF stays well-formed"
like "$(cat 'esc/a"<b>&.review.html')" '&lt;b&gt;&amp;amp;"&lt;/b&gt;' "... the review page escapes it"

# Several files, one missing: the others are done, exit 1, --json valid.
run tm --db $DB pretranslate --from zh-CN --to en-US -o multi --json no-such-file.txt gb.txt
is "$RC" 1 "a missing file among others: exit 1"
ok "... --json still JSON" json_valid "$OUT"
is "$(json "$OUT" '[f["file"] for f in d["files"]]')" '["gb.txt"]' "... with the file that was done"

# Usage errors.
run tm --db $DB pretranslate --to en-US "$BULLETIN"
is "$RC" 2 "no --from: usage error"
run tm --db $DB pretranslate --from zh-CN --to en-US --min 101 "$BULLETIN"
is "$RC" 2 "--min 101: usage error"
run tm --db $DB pretranslate --from zh-CN --to en-US
is "$RC" 2 "no file: usage error"

state $DB >after.state
same_file before.state after.state "the memory is unchanged"

done_testing
