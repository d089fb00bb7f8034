#!/bin/sh
# tm pretranslate on HTML with inline markup (issue 6, item 2): links,
# bold names, <abbr>, <br>, <img>, a script inside a sentence and an
# element that crosses a sentence boundary become XLIFF 1.2 <g>/<x/>
# codes (valid against the strict schema), the targets get them by the
# rules (whole segment, text found once, glossary term), codes that find
# no place are reported by the check, the review page shows badges and
# the draft rebuilds the elements with all their attributes.  Then the
# round trip: a reviewed target with tags goes into the memory as TMX
# bpt/ept (valid against the TMX 1.4 DTD) and comes back as an exact
# match whose codes rebuild the link.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

DB=m.db
cat >mem.tmx <<'TMX'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
<header creationtool="test" creationtoolversion="1" segtype="sentence"
 o-tmf="none" adminlang="en" srclang="zh-CN" datatype="plaintext"/>
<body>
<tu><tuv xml:lang="zh-CN"><seg>王毅会见了WHO代表。</seg></tuv>
<tuv xml:lang="en-US"><seg>Wang Yi met the WHO representative.</seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg>请访问外交部网站。</seg></tuv>
<tuv xml:lang="en-US"><seg>Please visit the website of the Ministry of Foreign Affairs.</seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg>详情见附件。</seg></tuv>
<tuv xml:lang="en-US"><seg>See the annex for details.</seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg>双方交换了意见。</seg></tuv>
<tuv xml:lang="en-US"><seg>The two sides exchanged views.</seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg>会谈气氛友好。</seg></tuv>
<tuv xml:lang="en-US"><seg>The talks were friendly.</seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg>新闻发布会于下午举行。</seg></tuv>
<tuv xml:lang="en-US"><seg>The press conference was held in the afternoon.</seg></tuv></tu>
</body>
</tmx>
TMX
tm_plain --db $DB import -q mem.tmx || fail "importing the memory"
printf 'zh-CN,en-US,status\n王毅,Wang Yi,preferred\n' >g.csv
tm_plain --db $DB glossary import g.csv >/dev/null 2>&1 || fail "a glossary"

cat >news.html <<'HTML'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>新闻</title></head>
<body>
<p id="p1"><b class="name">王毅</b>会见了<abbr title="World Health Organization">WHO</abbr>代表。</p>
<p><a href="https://www.mfa.example/?a=1&amp;b=2" title='He said "hi" &amp; left'>请访问外交部网站。</a></p>
<p>详情见<i>附件</i>。<br><img src="annex.png" alt="a &lt; b"></p>
<p>双方<em class="hl">交换了意见。会谈</em>气氛友好。</p>
<p>新闻发布会<script>var t = "<b>x</b>";</script>于下午举行。</p>
<p>请访问<a href="https://www.mfa.example/cn/">外交部网站</a>了解<b>详情</b>。</p>
<p><a href="/annex" class="more">请访问外交部网站。详情见附件。</a></p>
</body></html>
HTML

run tm --db $DB pretranslate --from zh-CN --to en-US -o out news.html
is "$RC" 0 "pretranslate exits 0"
is "$(cat "$ERR")" "" "nothing on stderr"
X=out/news.xlf
D=out/news.draft.html
R=out/news.review.html
ok "the XLIFF is well-formed" xmllint --noout --nonet $X

# The XLIFF: codes with their ctype in source and target.
src()
{
	xmllint --xpath "string(//*[local-name()='trans-unit'][@id='$1']/*[local-name()='$2'])" $X
}
unit()
{
	python3 - "$X" "$1" "$2" <<'PY'
import re, sys
x = open(sys.argv[1], encoding="utf-8").read()
u = re.search(r'<trans-unit id="%s".*?</trans-unit>' % sys.argv[2], x, re.S).group(0)
print(re.search(r'<%s[^>]*>(.*?)</%s>' % (sys.argv[3], sys.argv[3]), u, re.S).group(1))
PY
}
is "$(unit 2 source)" '<g id="1" ctype="bold">王毅</g>会见了<g id="2" ctype="x-html-abbr">WHO</g>代表。' \
    "source: a bold name and an <abbr> as <g> with ctype"
is "$(unit 2 target)" '<g id="1" ctype="bold">Wang Yi</g> met the <g id="2" ctype="x-html-abbr">WHO</g> representative.' \
    "target: the glossary's translation and the text found once get their codes"
is "$(python3 - $X <<'PY'
import re, sys
x = open(sys.argv[1], encoding="utf-8").read()
u = re.search(r'<trans-unit id="2".*?</trans-unit>', x, re.S).group(0)
print(re.search(r'<alt-trans[^>]*>\s*(.*?)\s*</alt-trans>', u, re.S).group(1))
PY
)" '<source><g id="1" ctype="bold">王毅</g>会见了<g id="2" ctype="x-html-abbr">WHO</g>代表。</source>
          <target><g id="1" ctype="bold">Wang Yi</g> met the <g id="2" ctype="x-html-abbr">WHO</g> representative.</target>' \
    "the match used, in <alt-trans>, with the unit's codes"
is "$(unit 3 source)" '<g id="1" ctype="link">请访问外交部网站。</g>' \
    "a link around a whole sentence"
is "$(unit 3 target)" '<g id="1" ctype="link">Please visit the website of the Ministry of Foreign Affairs.</g>' \
    "... stays around the whole target"
is "$(unit 4 source)" '详情见<g id="1" ctype="italic">附件</g>。<x id="2" ctype="lb"/><x id="3" ctype="image"/>' \
    "<br> and <img> as <x/> with ctype lb and image"
is "$(unit 4 target)" 'See the annex for details.<x id="2" ctype="lb"/><x id="3" ctype="image"/>' \
    "the empty codes at the end stay at the end; the italic finds no place"
is "$(unit 5 source)" '双方<g id="1" ctype="italic">交换了意见。</g>' \
    "an element crossing a sentence boundary is closed at the end of the first"
is "$(unit 6 source)" '<g id="1" ctype="italic">会谈</g>气氛友好。' \
    "... and opened again in the next"
like "$(unit 7 source)" '新闻发布会<x id="1" ctype="x-html-script"/>于下午举行。' \
    "a script inside a sentence is one empty code"
is "$(unit 7 target)" 'The press conference was held in the afternoon.<x id="1" ctype="x-html-script"/>' \
    "... kept at the end of the target"
is "$(unit 8 target | head -c 0)$(xmllint --xpath 'count(//*[local-name()="trans-unit"][@id="8"]/*[local-name()="target"][@state="needs-translation"])' $X)" 1 \
    "no match: no target"

# The strict schema, as t0050 uses it.
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
	is "$RC" 0 "the XLIFF with inline codes is valid against XLIFF 1.2 strict"
	sed 's/ctype="x-html-abbr"/ctype="abbr"/' $X >bad.xlf
	run xmllint --noout --nonet --schema xliff.xsd bad.xlf
	is "$RC" 3 "... and a ctype outside XLIFF 1.2 would fail it"
else
	skip "XLIFF schema" "php-symfony-translation is not installed"
	skip "XLIFF schema, a bad ctype" "php-symfony-translation is not installed"
fi

# The check: the italic left out is a tag finding, by id.
like "$(cat $X)" 'from="tm-check" priority="2">the source has 4 inline tags, the target 2; not in the target: &lt;g id="1"&gt;' \
    "the code left out is a tm-check note naming it"
run tm --db $DB check --json $X
is "$RC" 1 "tm check on the XLIFF: findings"
is "$(json "$OUT" '[f["message"] for s in d["segments"] if s["id"] == "4" for f in s["findings"] if f["kind"] == "tags"][0]')" \
    'the source has 4 inline tags, the target 2; not in the target: <g id="1">' \
    "... the same tag finding"

# The draft: each element rebuilt with every attribute.
like "$(cat $D)" '<p id="p1"><b class="name">Wang Yi</b> met the <abbr title="World Health Organization">WHO</abbr> representative.</p>' \
    "draft: the bold name and the abbr rebuilt"
like "$(cat $D)" "<p><a href=\"https://www.mfa.example/\\?a=1&amp;b=2\" title='He said \"hi\" &amp; left'>Please visit the website" \
    "draft: the link with its href and title (quotes, ampersands)"
like "$(cat $D)" '<p>See the annex for details.<br><img src="annex.png" alt="a &lt; b"></p>' \
    "draft: <br> and <img> rebuilt, escaping kept"
like "$(cat $D)" '<p>The two sides exchanged views. The talks were friendly.</p>' \
    "draft: the crossing element's halves found no place: left out, well-formed"
like "$(cat $D)" '<script>var t = "<b>x</b>";</script></p>' "draft: the script kept"
like "$(cat $D)" '<p>请访问<a href="https://www.mfa.example/cn/">外交部网站</a>了解<b>详情</b>。</p>' \
    "draft: an untranslated block unchanged"
like "$(cat $D)" '<p><a href="/annex" class="more">Please visit the website of the Ministry of Foreign Affairs.</a> <a href="/annex" class="more">See the annex for details.</a></p>' \
    "draft: a link around two sentences becomes one around each, same attributes"
ok "the draft parses as HTML" xmllint --html --noout --nonet $D

# The review page: badges, no raw markup of the document.
like "$(cat $R)" '<span class="tag" title="&lt;b class=&quot;name&quot;&gt;">⟨1⟩</span>王毅' \
    "review: a badge with the original start tag as its title"
like "$(cat $R)" '<span class="tag" title="&lt;img src=&quot;annex.png&quot; alt=&quot;a &lt; b&quot;&gt;">⟨3/⟩</span>' \
    "review: an empty code's badge, escaped"
unlike "$(cat $R)" '<b class="name">' "review: the document's markup never raw"
like "$(cat $R)" 'Check: the source has 4 inline tags, the target 2' "review: the finding shown"
unlike "$(cat $R)" '<(link|script|img)[ >]' "review: still self-contained, nothing loaded"

# A repetition with other markup: its own codes and its own findings.
printf '<html><body><p><b>请访问外交部网站。</b></p><p>请访问<i>外交部</i>网站。</p></body></html>\n' >rep.html
run tm --db $DB pretranslate --from zh-CN --to en-US -o rep rep.html
is "$RC" 0 "a repetition with other markup"
is "$(X=rep/rep.xlf unit 1 target)" '<g id="1" ctype="bold">Please visit the website of the Ministry of Foreign Affairs.</g>' \
    "... the first occurrence's codes placed"
is "$(X=rep/rep.xlf unit 2 target)" 'Please visit the website of the Ministry of Foreign Affairs.' \
    "... the repetition's own (its italic finds no place)"
is "$(grep -c 'not in the target' rep/rep.xlf)" 1 "... and the finding is the repetition's only"

# Each sentence's line in the document, markup or not.
printf '<html><body>\n<p>副市长出席活动并致辞。\n<b>凌晨1时</b>，首批物资抵达浦东国际机场。\n\n另有3.25万副医用手套将于近日抵达。</p>\n</body></html>\n' >lines.html
run tm --db $DB pretranslate --from zh-CN --to en-US -o lines --json lines.html
is "$(json "$OUT" '[s["line"] for s in d["files"][0]["segments"]]')" "[2, 3, 5]" \
    "each sentence's line"

# Nesting deeper than libxml2 reads: an error naming file and line
# rather than a draft cut short; the other files are still done.
python3 -c 'print("<html><body>\n<p>" + "<span>" * 300 + "请访问外交部网站。" + "</span>" * 300 + "</p></body></html>")' >deep.html
run tm --db $DB pretranslate --from zh-CN --to en-US -o deep deep.html news.html
is "$RC" 1 "too deep: exit 1"
like "$(cat "$ERR")" "deep.html: line 2: elements nested deeper than libxml2 reads \(256 levels\)" \
    "... the message names file, line and problem"
ok "... nothing written for it" test ! -e deep/deep.draft.html
ok "... the other file done" test -s deep/news.draft.html

# The round trip: the reviewer adds the tags to the unmatched segment
# and puts the italic back into segment 4.
python3 - $X <<'PY'
import re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = re.sub(r'(<trans-unit id="8">.*?)<target state="needs-translation"/>',
    r'\1<target state="translated">See the <g id="1" ctype="link">website '
    r'of the Ministry</g> for <g id="2" ctype="bold">details</g> &amp; '
    r'more.</target>', s, count=1, flags=re.S)
s = re.sub(r'(<trans-unit id="4">.*?)<target [^>]*>.*?</target>',
    r'\1<target state="translated">See the <g id="1" ctype="italic">annex'
    r'</g> for details.<x id="2" ctype="lb"/><x id="3" ctype="image"/>'
    r'</target>', s, count=1, flags=re.S)
open("reviewed.xlf", "w", encoding="utf-8").write(s)
PY
# The memory read back in SQL (lib.sh: mem_sql), columns joined by |.
sql()
{
	mem_sql "$DB" "$1" | tr '\t' '|'
}
run tm --db $DB import-xliff reviewed.xlf
is "$RC" 0 "import-xliff exits 0"
is "$(sql "SELECT seg FROM tuv WHERE text LIKE 'See the website%'")" \
    'See the <bpt i="1" x="1" type="link"/>website of the Ministry<ept i="1"/> for <bpt i="2" x="2" type="bold"/>details<ept i="2"/> &amp; more.' \
    "a target stored with its codes as TMX bpt/ept"
is "$(sql "SELECT text FROM tuv WHERE text LIKE 'See the website%'")" \
    'See the website of the Ministry for details & more.' "... its text plain"
is "$(sql "SELECT seg FROM tuv WHERE seg LIKE 'See the <bpt%annex%'")" \
    'See the <bpt i="1" x="1" type="italic"/>annex<ept i="1"/> for details.<ph x="2" type="lb"></ph><ph x="3" type="image"></ph>' \
    "<x/> stored as <ph>"
run tm --db $DB export -o exp.tmx
is "$RC" 0 "export exits 0"
ok "the export is valid against the TMX 1.4 DTD" dtd_valid exp.tmx "$TMX14_DTD"
like "$(cat exp.tmx)" '<bpt i="1" x="1" type="link"/>website of the Ministry<ept i="1"/>' \
    "the export carries the codes"

run tm --db $DB pretranslate --from zh-CN --to en-US -o again --json news.html
is "$RC" 0 "pretranslate again"
like "$(json "$OUT" '[s["origin"] for s in d["files"][0]["segments"]][7]')" '^(exact|context)$' \
    "an exact match now (101: the reviewed unit keeps its context)"
like "$(cat again/news.draft.html)" '<p>See the <a href="https://www.mfa.example/cn/">website of the Ministry</a> for <b>details</b> &amp; more.</p>' \
    "the draft has the link and the bold back from the memory's codes"
is "$(X=again/news.xlf unit 8 target)" \
    'See the <g id="1" ctype="link">website of the Ministry</g> for <g id="2" ctype="bold">details</g> &amp; more.' \
    "... and the XLIFF target its codes"
like "$(cat again/news.draft.html)" '<p>See the <i>annex</i> for details.<br><img src="annex.png" alt="a &lt; b"></p>' \
    "the italic comes back too, with the empty codes by their x="
is "$(grep -c 'not in the target' again/news.xlf)" 2 \
    "tag findings left only for the crossing element's halves"

# Updating: the same file again changes nothing; the same text without
# its codes is a change (the codes go), kept in the history.
run tm --db $DB import-xliff --json reviewed.xlf
is "$(json "$OUT" 'd["updated"] if "updated" in d else d["files"][0]["updated"]')" 0 \
    "the same reviewed file again: nothing updated"
sed 's#See the <g id="1" ctype="italic">annex</g> for details.<x id="2" ctype="lb"/><x id="3" ctype="image"/>#See the annex for details.#' \
    reviewed.xlf >plain.xlf
run tm --db $DB import-xliff --json plain.xlf
is "$(json "$OUT" 'd["updated"] if "updated" in d else d["files"][0]["updated"]')" 1 \
    "the same text without its codes: one update"
is "$(sql "SELECT count(*) FROM tuv WHERE seg LIKE 'See the <bpt%annex%'")" 0 \
    "... the codes are gone from the memory"
is "$(sql "SELECT count(*) FROM tu_history WHERE seg LIKE 'See the <bpt%annex%'")" 1 \
    "... and kept in its history"

done_testing
