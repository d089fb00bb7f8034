#!/bin/sh
# tm pretranslate --mt on Markdown with inline markup: the provider gets
# the plain text (no ** ` [ ] markers), its translation gets the codes by
# the same rules as a fuzzy match, the XLIFF stays valid against the
# XLIFF 1.2 strict schema, and the draft writes the MT back as Markdown,
# the provider's own "[en]" escaped.

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

cat >page.md <<'MD'
世卫组织（`WHO`）发布了**新指南**。

[新指南全文见此。](https://example.org/a?x=1&y=2 "全文")

会议于**2020**年举行  
并取得成果。
MD
run tm --db m.db pretranslate --from zh-CN --to en-US --mt gg -o out --json page.md
is "$RC" 0 "--mt on Markdown: exits 0"
is "$(mt_log '[r["n"] for r in reqs if r["scenario"] == "ok-google"]')" "[4]" \
    "the four sentences in one request"
is "$(mt_log '[r["scenario"] for r in reqs if any(c in r["body"] for c in "*`[") or "%2A" in r["body"] or "%60" in r["body"] or "WHO" not in r["body"]]')" "[]" \
    "... as plain text: no Markdown markers sent"
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
is "$(unit 1 target)" '[en] 世卫组织（<g id="1" ctype="x-md-code">WHO</g>）发布了<g id="2" ctype="bold">新指南</g>。' \
    "MT: the code and the bold around the text found once"
is "$(unit 2 target)" '<g id="1" ctype="link">[en] 新指南全文见此。</g>' \
    "MT: the link around the whole sentence"
is "$(unit 3 target)" '[en] 会议于<g id="1" ctype="bold">2020</g>年举行<x id="2" ctype="lb"/>' \
    "MT: the bold number placed, the hard break at the end"

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

is "$(cat out/page.draft.md)" '\[en\] 世卫组织（`WHO`）发布了**新指南**。

[\[en\] 新指南全文见此。](https://example.org/a?x=1&y=2 "全文")

\[en\] 会议于**2020**年举行  
\[en\] 并取得成果。' "the draft: the MT as Markdown, its [en] escaped, the markup back"

done_testing
