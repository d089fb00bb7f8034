#!/bin/sh
# Hostile DOCX and ODT packages are refused with a message naming the
# file and the problem, and nothing is written for them: a zip bomb (a
# part far larger uncompressed than any document), too many entries, an
# entry name leaving the package, no word/document.xml (content.xml), an
# entity (XXE) inside a part, 10,000 nested tables, not a ZIP at all.
# The packages are made here with Python's zipfile.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

DB=m.db
tm_plain --db $DB import -q "$DATA/office/bulletin-mem.tmx" || fail "the memory"

python3 - <<'PY'
import zipfile
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CT = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
def doc(body):
    return '<?xml version="1.0" encoding="UTF-8"?><w:document %s><w:body>%s</w:body></w:document>' % (W, body)
P = '<w:p><w:r><w:t>新闻公报</w:t></w:r></w:p>'
def pack(name, entries, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(name, "w", method) as z:
        for n, data in entries:
            z.writestr(n, data)
pack("good.docx", [("[Content_Types].xml", CT), ("word/document.xml", doc(P))])
# 80 MB of spaces after the text: a few dozen kilobytes compressed.
pack("bomb.docx", [("[Content_Types].xml", CT),
    ("word/document.xml", doc(P) + " " * (80 << 20))])
pack("many.docx", [("[Content_Types].xml", CT), ("word/document.xml", doc(P))] +
    [("x/%d" % i, "") for i in range(10001)])
pack("traversal.docx", [("[Content_Types].xml", CT), ("word/document.xml", doc(P)),
    ("../../evil.sh", "echo hi")])
pack("nodoc.docx", [("[Content_Types].xml", CT), ("word/styles.xml", "<x/>")])
pack("xxe.docx", [("[Content_Types].xml", CT), ("word/document.xml",
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<w:document %s><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>' % W)])
pack("nested.docx", [("[Content_Types].xml", CT), ("word/document.xml",
    doc("<w:tbl><w:tr><w:tc>" * 10000 + P + "</w:tc></w:tr></w:tbl>" * 10000))])
pack("noodt.odt", [("mimetype", "application/vnd.oasis.opendocument.text"),
    ("styles.xml", "<x/>")], zipfile.ZIP_STORED)
open("notzip.docx", "w").write("新闻公报\n")
PY

run tm --db $DB pretranslate --from zh-CN --to en-US -o good good.docx
is "$RC" 0 "a minimal package is read"
ok "... and its draft written" test -s good/good.draft.docx

refused()
{
	run tm --db $DB pretranslate --from zh-CN --to en-US -o "out-$1" "$1"
	is "$RC" 1 "$1: exit 1"
	like "$(cat "$ERR")" "$2" "$1: $3"
	is "$(ls "out-$1" 2>/dev/null)" "" "$1: nothing written"
}
refused bomb.docx "^tm: pretranslate: bomb.docx: 'word/document.xml' would be [0-9]+ bytes uncompressed \(more than 64 MiB\): refused \(a zip bomb\?\)" \
    "a zip bomb refused before anything is inflated"
refused many.docx "^tm: pretranslate: many.docx: 10003 entries \(more than 10000\): refused" "too many entries"
refused traversal.docx "^tm: pretranslate: traversal.docx: entry '../../evil.sh' points outside the package: refused" \
    "an entry name leaving the package"
refused nodoc.docx "^tm: pretranslate: nodoc.docx: no word/document.xml in the package: not a Word document" \
    "no word/document.xml"
refused noodt.odt "^tm: pretranslate: noodt.odt: no content.xml in the package: not an OpenDocument text" \
    "no content.xml"
refused xxe.docx "^tm: pretranslate: xxe.docx: 'word/document.xml': a DOCTYPE \(entities, an external DTD\) in a document part: refused" \
    "an entity inside a part (XXE)"
unlike "$(cat out-xxe.docx/* 2>/dev/null)" "root:" "... /etc/passwd never read"
refused nested.docx "^tm: pretranslate: nested.docx: 'word/document.xml': line 1: elements nested deeper than libxml2 reads \(256 levels\): refused" \
    "10,000 nested tables"
refused notzip.docx "^tm: pretranslate: notzip.docx: not a ZIP package: " "not a ZIP file"

# One bad file does not stop the others.
run tm --db $DB pretranslate --from zh-CN --to en-US -o both bomb.docx good.docx
is "$RC" 1 "a bad file among good ones: exit 1"
ok "... the good one done" test -s both/good.draft.docx
ok "... nothing for the bad one" test ! -e both/bomb.draft.docx

done_testing
