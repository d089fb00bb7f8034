#!/bin/sh
# tm pretranslate on Markdown with inline markup (issue 6): bold names,
# code, a link with parentheses in its destination and a title, an image,
# a hard break and backslash escapes become XLIFF 1.2 <g>/<x/> codes
# (valid against the strict schema), matching uses the plain text, the
# targets get the codes by the HTML rules, the check reports a code left
# out, the review page shows badges, and the draft writes each sentence
# back as Markdown (a target's own * _ [ escaped; an untranslated
# sentence byte for byte).  Then the round trip through import-xliff,
# and hostile input.

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
<tu><tuv xml:lang="zh-CN"><seg>价格上涨了。</seg></tuv>
<tuv xml:lang="en-US"><seg>Prices rose (*estimate) [note_1].</seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg>新闻发布会于下午举行。</seg></tuv>
<tuv xml:lang="en-US"><seg>The press conference was held in the afternoon.</seg></tuv></tu>
</body>
</tmx>
TMX
tm_plain --db $DB import -q mem.tmx || fail "importing the memory"
printf 'zh-CN,en-US,status\n王毅,Wang Yi,preferred\n' >g.csv
tm_plain --db $DB glossary import g.csv >/dev/null 2>&1 || fail "a glossary"

cat >news.md <<'MD'
# __新闻__

**王毅**会见了`WHO`代表。

- [请访问外交部网站。](https://www.mfa.example/(cn)/ "外交部 \"MFA\"")

详情见*附件*。  
![附件](annex.png)

双方交换了意见。会谈气氛\*友好\*，见<https://www.mfa.example>。

价格上涨了。

> 新闻发布会于下午举行。

请访问[外交部网站](https://www.mfa.example/cn/)了解**详情**。

```text
**不翻译**
```

会谈*气氛融洽。双方*同意
继续`合作`。
MD

run tm --db $DB pretranslate --from zh-CN --to en-US -o out news.md
is "$RC" 0 "pretranslate exits 0"
is "$(cat "$ERR")" "" "nothing on stderr"
X=out/news.xlf
D=out/news.draft.md
R=out/news.review.html
ok "the XLIFF is well-formed" xmllint --noout --nonet $X
like "$(cat $X)" 'datatype="x-markdown"' "the XLIFF says Markdown"

unit()
{
	python3 - "$X" "$1" "$2" <<'PY'
import re, sys
x = open(sys.argv[1], encoding="utf-8").read()
u = re.search(r'<trans-unit id="%s".*?</trans-unit>' % sys.argv[2], x, re.S).group(0)
m = re.search(r'<%s[^>]*>(.*?)</%s>' % (sys.argv[3], sys.argv[3]), u, re.S)
print(m.group(1) if m else "")
PY
}
is "$(unit 1 source)" '<g id="1" ctype="bold">新闻</g>' "__strong__ in a heading"
is "$(unit 2 source)" '<g id="1" ctype="bold">王毅</g>会见了<g id="2" ctype="x-md-code">WHO</g>代表。' \
    "source: **bold** and \`code\` as <g> with ctype, plain text between"
is "$(unit 2 target)" '<g id="1" ctype="bold">Wang Yi</g> met the <g id="2" ctype="x-md-code">WHO</g> representative.' \
    "target: an exact match on the plain text; the codes placed (glossary, text found once)"
is "$(unit 3 source)" '<g id="1" ctype="link">请访问外交部网站。</g>' \
    "a link around a whole list item"
is "$(unit 3 target)" '<g id="1" ctype="link">Please visit the website of the Ministry of Foreign Affairs.</g>' \
    "... stays around the whole target"
is "$(unit 4 source)" '详情见<g id="1" ctype="italic">附件</g>。<x id="2" ctype="lb"/><x id="3" ctype="image"/>' \
    "*italic*, a hard break and an image"
is "$(unit 4 target)" 'See the annex for details.<x id="2" ctype="lb"/><x id="3" ctype="image"/>' \
    "the empty codes at the end stay at the end; the italic finds no place"
is "$(unit 6 source)" '会谈气氛*友好*，见<x id="1" ctype="x-md-autolink"/>。' \
    "backslash escapes are the literal characters; an autolink is <x/>"
is "$(unit 7 target)" 'Prices rose (*estimate) [note_1].' "a target with * [ _ of its own"
is "$(unit 9 source)" '请访问<g id="1" ctype="link">外交部网站</g>了解<g id="2" ctype="bold">详情</g>。' \
    "a link and **strong** inside a sentence"

# The strict schema, as t0050 and t0053 use it.
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
	is "$RC" 0 "the XLIFF with Markdown codes is valid against XLIFF 1.2 strict"
else
	skip "XLIFF schema" "php-symfony-translation is not installed"
fi

# The check: the italic left out is a tag finding.
run tm --db $DB check --json $X
is "$RC" 1 "tm check on the XLIFF: findings"
is "$(json "$OUT" '[f["message"] for s in d["segments"] if s["id"] == "4" for f in s["findings"] if f["kind"] == "tags"][0]')" \
    'the source has 4 inline tags, the target 2; not in the target: <g id="1">' \
    "... the italic left out, by id"

# The draft: Markdown again.
draft_has()
{
	if grep -qxF -- "$1" $D; then
		pass "$2"
	else
		fail "$2" "no line: $1"
		diag_file $D
	fi
}
draft_has '# __新闻__' "draft: an untranslated heading unchanged, __ kept"
draft_has '**Wang Yi** met the `WHO` representative.' "draft: bold and code written back"
draft_has '- [Please visit the website of the Ministry of Foreign Affairs.](https://www.mfa.example/(cn)/ "外交部 \"MFA\"")' \
    "draft: the link with its destination and title as written, in its list item"
draft_has 'See the annex for details.  ' "draft: the hard break ends the line"
draft_has '![附件](annex.png)' "... the image on the next"
draft_has 'The two sides exchanged views. 会谈气氛\*友好\*，见<https://www.mfa.example>。' \
    "draft: an untranslated sentence byte for byte, escapes and autolink kept"
draft_has 'Prices rose (\*estimate) \[note\_1\].' \
    "draft: a target's own * [ ] _ escaped"
draft_has '> The press conference was held in the afternoon.' "draft: the quote marker kept"
draft_has '请访问[外交部网站](https://www.mfa.example/cn/)了解**详情**。' \
    "draft: an unmatched sentence with markup unchanged"
draft_has '**不翻译**' "draft: fenced code copied"
draft_has '会谈*气氛融洽。双方*同意' \
    "draft: a block with nothing translated as it was, emphasis across its sentences"
draft_has '继续`合作`。' "... and its lines"

# The review page: badges with the Markdown as their title.
like "$(cat $R)" '<span class="tag" title="\*\*…\*\*">⟨1⟩</span>王毅' \
    "review: a badge with the markup as its title"
like "$(cat $R)" '<span class="tag" title="!\[附件\]\(annex.png\)">⟨3/⟩</span>' \
    "review: an image's badge"
unlike "$(cat $R)" '<img' "review: nothing loaded"

# The round trip: the reviewer puts the italic back and translates the
# unmatched sentence with its link and bold.
python3 - $X <<'PY'
import re, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = re.sub(r'(<trans-unit id="9">.*?)<target state="needs-translation"/>',
    r'\1<target state="translated">See the <g id="1" ctype="link">website '
    r'of the Ministry</g> for <g id="2" ctype="bold">details</g> &amp; '
    r'more*.</target>', s, count=1, flags=re.S)
s = re.sub(r'(<trans-unit id="4">.*?)<target [^>]*>.*?</target>',
    r'\1<target state="translated">See the <g id="1" ctype="italic">annex'
    r'</g> for details.<x id="2" ctype="lb"/><x id="3" ctype="image"/>'
    r'</target>', s, count=1, flags=re.S)
open("reviewed.xlf", "w", encoding="utf-8").write(s)
PY
sql()
{
	mem_sql "$DB" "$1" | tr '\t' '|'
}
run tm --db $DB import-xliff reviewed.xlf
is "$RC" 0 "import-xliff exits 0"
is "$(sql "SELECT seg FROM tuv WHERE text LIKE 'See the website%'")" \
    'See the <bpt i="1" x="1" type="link"/>website of the Ministry<ept i="1"/> for <bpt i="2" x="2" type="bold"/>details<ept i="2"/> &amp; more*.' \
    "the target stored with its codes as TMX bpt/ept"
is "$(sql "SELECT seg FROM tuv WHERE lang = 'zh-CN' AND tu_id = (SELECT tu_id FROM tuv WHERE text LIKE 'See the website%')")" \
    '请访问外交部网站了解详情。' \
    "... its source as the plain text that matching uses"
run tm --db $DB export -o exp.tmx
ok "the export is valid against the TMX 1.4 DTD" dtd_valid exp.tmx "$TMX14_DTD"

run tm --db $DB pretranslate --from zh-CN --to en-US -o again news.md
is "$RC" 0 "pretranslate again"
D=again/news.draft.md
draft_has 'See the [website of the Ministry](https://www.mfa.example/cn/) for **details** & more\*.' \
    "the draft has the link and the bold back from the memory's codes"
draft_has 'See the *annex* for details.  ' "the italic comes back too"
draft_has '![附件](annex.png)' "... and the image by its x="

# Hostile input: no crash, no quadratic time (the unit test has 5 MB).
python3 - <<'PY'
open("stars.md", "w").write("王毅" + "*" * 100000 + "会见了代表。\n")
open("brackets.md", "w").write("[" * 5000 + "请访问外交部网站。" + "](u)" * 5000 + "\n\n" +
    "*[" * 5000 + "x" + "]*" * 5000 + "\n")
open("open.md", "w").write(("[a](b" * 2000 + "\n") * 20 + "\n" + ("<a b='" * 2000 + "\n") * 20 +
    "\n" + ("a`" * 2000 + "\n") * 20)
open("long.md", "w").write("[a](b" * 100000 + "\n")
PY
for f in stars brackets open; do
	run tm --db $DB pretranslate --from zh-CN --to en-US -o hostile $f.md
	is "$RC" 0 "hostile: $f.md"
	ok "... its draft written" test -s hostile/$f.draft.md
done
is "$(grep -o '<g id="1" ctype="link">请访问外交部网站。</g>' hostile/brackets.xlf)" \
    '<g id="1" ctype="link">请访问外交部网站。</g>' \
    "brackets: the innermost is the link, the 4,999 around it text"
is "$(sed -n 3p hostile/brackets.draft.md | head -c 20)" '*[*[*[*[*[*[*[*[*[*[' \
    "... and 5,000 nested emphases written back as they were"
# A 5 MB line: one sentence around a 5 MB code span (one token, so it
# can be looked up); valgrind would take minutes.
if [ "${TM_VALGRIND:-0}" = 1 ]; then
	skip "a 5 MB line" "under valgrind"
	skip "... its draft written" "under valgrind"
else
	python3 -c 'open("code.md", "w").write("**王毅**会见了`" + "x" * 5000000 + "`代表。\n")'
	run tm --db $DB pretranslate --from zh-CN --to en-US -o hostile code.md
	is "$RC" 0 "a 5 MB line"
	ok "... its draft written" test -s hostile/code.draft.md
fi
run tm --db $DB pretranslate --from zh-CN --to en-US -o hostile long.md
is "$RC" 1 "a sentence too long to look up: exit 1"
like "$(cat "$ERR")" 'long.md: line 1: pattern too long for fuzzy matching' \
    "... the message names file, line and problem"

done_testing
