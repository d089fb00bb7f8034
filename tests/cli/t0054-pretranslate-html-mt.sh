#!/bin/sh
# tm pretranslate --mt on HTML with inline markup: the provider gets the
# plain text (no codes), and its translation gets the codes by the same
# rules as a fuzzy match: around the whole sentence, around text found
# once; the alt-trans of origin mt:NAME carries them too and the XLIFF
# stays valid against the XLIFF 1.2 strict schema.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$TM_SRCDIR/tests/mt-lib.sh"

mt_server_start
cat >config <<CONF
[provider gg]
type = google
url = $BASE/ok-google
key_env = MT_TEST_KEY
CONF
TM_CONFIG=$TEST_DIR/config
export TM_CONFIG

cat >page.html <<'HTML'
<html><body>
<p>世卫组织（<abbr title="World Health Organization">WHO</abbr>）发布了新指南。</p>
<p><a href="https://example.org/a?x=1&amp;y=2">新指南全文见此。</a></p>
<p>会议于<b>2020</b>年举行<br>并取得成果。</p>
</body></html>
HTML
run tm --db m.db pretranslate --from zh-CN --to en-US --mt gg -o out --json page.html
is "$RC" 0 "--mt on HTML: exits 0"
is "$(mt_log '[r["n"] for r in reqs if r["scenario"] == "ok-google"]')" "[3]" \
    "the three sentences in one request"
is "$(mt_log '[r["scenario"] for r in reqs if "<" in r["body"] or "%3C" in r["body"] or "WHO" not in r["body"]]')" "[]" \
    "... as plain text: no codes sent"
X=out/page.xlf
unit()
{
	python3 - "$X" "$1" "$2" <<'PY'
import re, sys
x = open(sys.argv[1], encoding="utf-8").read()
u = re.search(r'<trans-unit id="%s".*?</trans-unit>' % sys.argv[2], x, re.S).group(0)
print(re.search(r'<%s[^>]*>(.*?)</%s>' % (sys.argv[3], sys.argv[3]), u, re.S).group(1))
PY
}
is "$(unit 1 target)" '[en] 世卫组织（<g id="1" ctype="x-html-abbr">WHO</g>）发布了新指南。' \
    "MT: the abbr around the text found once"
is "$(unit 2 target)" '<g id="1" ctype="link">[en] 新指南全文见此。</g>' \
    "MT: the link around the whole sentence"
is "$(unit 3 target)" '[en] 会议于<g id="1" ctype="bold">2020</g>年举行并取得成果。' \
    "MT: the bold number placed; the <br> in the middle left out"
like "$(cat $X)" 'the source has 3 inline tags, the target 2; not in the target: &lt;x id="2"/&gt;' \
    "... and reported"
is "$(python3 - $X <<'PY'
import re, sys
x = open(sys.argv[1], encoding="utf-8").read()
u = re.search(r'<trans-unit id="2".*?</trans-unit>', x, re.S).group(0)
print(re.search(r'<alt-trans origin="mt:gg">\s*<source>.*?</source>\s*<target>(.*?)</target>', u, re.S).group(1))
PY
)" '<g id="1" ctype="link">[en] 新指南全文见此。</g>' "the MT alt-trans with its codes"
like "$(cat out/page.draft.html)" '<p><a href="https://example.org/a\?x=1&amp;y=2">\[en\] 新指南全文见此。</a></p>' \
    "the draft has the link around the MT"

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
else
	skip "XLIFF schema" "php-symfony-translation is not installed"
fi

done_testing
