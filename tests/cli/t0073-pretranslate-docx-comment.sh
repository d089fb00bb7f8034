#!/bin/sh
# tm pretranslate --mark=comment on Word documents: each sentence of the
# body left in Chinese is the range of a Word comment ("Not translated:
# no match in the memory"), its reference run after it.  A document
# without comments gets word/comments.xml, its relationship and its
# content type; one with a reviewer's comment keeps it and gets the new
# ones appended with ids no other annotation has.  Headers, footers,
# footnotes and text boxes, where Word or LibreOffice take no comment,
# get the highlight instead.  LibreOffice opens both drafts and shows
# the comments on the right text.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

command -v soffice >/dev/null 2>&1 || skip_all "no soffice (libreoffice-writer-nogui)"

office()
{
	soffice -env:UserInstallation=file://$TEST_DIR/lo-profile --headless \
	    --convert-to "$@" >lo.log 2>&1
}
part()
{
	python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())' "$@"
}

# bulletin.docx as t0070 has it; reviewed.docx with a reviewer's comment
# on 李强, and a sentence with no match added to the footnote and to the
# text box.
python3 - "$DATA/office/bulletin.fodt" <<'PY'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
open("bulletin.fodt", "w", encoding="utf-8").write(s)
for a, b in (('<text:span text:style-name="T1">李强</text:span>出席了会议。',
              '<text:span text:style-name="T1">李强</text:span><office:annotation><dc:creator>审稿人</dc:creator><dc:date>2024-03-01T10:02:00</dc:date><text:p>请核对姓名。</text:p></office:annotation>出席了会议。'),
             ('附件另行发送。</text:p>', '附件另行发送。另见附表。</text:p>'),
             ('新闻发布会于下午举行。</text:p>', '新闻发布会于下午举行。地点另行通知。</text:p>')):
    assert a in s
    s = s.replace(a, b)
open("reviewed.fodt", "w", encoding="utf-8").write(s)
PY
office docx:"MS Word 2007 XML" --outdir . bulletin.fodt reviewed.fodt
[ -s bulletin.docx ] && [ -s reviewed.docx ] || skip_all "soffice did not write the documents"

DB=m.db
tm_plain --db $DB import -q "$DATA/office/bulletin-mem.tmx" || fail "the memory"

# A document without comments.
run tm --db $DB pretranslate --from zh-CN --to en-US --mark=comment -o out bulletin.docx
is "$RC" 0 "--mark=comment on a DOCX exits 0"
is "$(cat "$ERR")" "" "... nothing on stderr"
D=out/bulletin.draft.docx
python3 - bulletin.docx $D >zipcheck.txt <<'PY'
import sys, zipfile
a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
na, nb = [i.filename for i in a.infolist()], [i.filename for i in b.infolist()]
print("added", " ".join(n for n in nb if n not in na) or "none")
print("order", "same" if nb[:len(na)] == na else "differs")
for i in a.infolist():
    print(i.filename, "same" if a.read(i) == b.read(i.filename) else "rewritten")
PY
like "$(cat zipcheck.txt)" "added word/comments.xml" "a comments part is added"
like "$(cat zipcheck.txt)" "order same" "... after the other entries, in their order"
is "$(grep rewritten zipcheck.txt | cut -d' ' -f1 | sort | tr '\n' ' ')" \
    "[Content_Types].xml word/_rels/document.xml.rels word/document.xml word/footer1.xml word/footnotes.xml word/header1.xml " \
    "the content types and relationships are rewritten besides the text parts"
part $D word/comments.xml >comments.xml
part $D word/document.xml >doc.xml
part $D word/_rels/document.xml.rels >rels.xml
part $D '[Content_Types].xml' >types.xml
for f in comments.xml doc.xml rels.xml types.xml; do
	ok "$f is well-formed" xmllint --noout --nonet $f
done
is "$(grep -o 'relationships/comments" Target="comments.xml"' rels.xml | wc -l)" 1 \
    "one relationship to comments.xml"
like "$(cat rels.xml)" '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"' \
    "... with an Id the others do not have"
is "$(grep -o '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>' types.xml | wc -l)" 1 \
    "the comments part's content type"
like "$(cat comments.xml)" '^<\?xml version="1.0" encoding="UTF-8" standalone="yes"\?>' "the part's declaration"
like "$(cat comments.xml)" '<w:comment w:id="[0-9]+" w:author="tm" w:date="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z" w:initials="tm"><w:p><w:r><w:t>Not translated: no match in the memory</w:t></w:r></w:p></w:comment>' \
    "a comment: author, date, its text"

# Each comment once in the comments part, its range and reference once in
# the document, around text left in Chinese.
python3 - comments.xml doc.xml >ranges.txt <<'PY'
import re, sys
c, d = (open(f, encoding="utf-8").read() for f in sys.argv[1:3])
ids = re.findall(r'<w:comment w:id="(\d+)"', c)
print("comments", len(ids), "unique" if len(set(ids)) == len(ids) else "repeated")
for i in ids:
    n = [len(re.findall(r'<w:%s w:id="%s"/>' % (k, i), d)) for k in ("commentRangeStart", "commentRangeEnd", "commentReference")]
    m = re.search(r'<w:commentRangeStart w:id="%s"/>(.*?)<w:commentRangeEnd w:id="%s"/><w:r><w:commentReference w:id="%s"/></w:r>' % (i, i, i), d, re.S)
    print(i, n, re.sub(r'<[^>]+>', '', m.group(1)) if m else "NO RANGE")
PY
like "$(cat ranges.txt)" '^comments 4 unique' "four comments, unique ids"
unlike "$(cat ranges.txt)" 'NO RANGE|\[[02-9]|, [02-9]' "... each with one range and one reference"
like "$(cat ranges.txt)" '\] 双方交换了意见。' "... one on the sentence with no match"
like "$(cat ranges.txt)" '\] 5万只' "... one in a table cell"
like "$(cat doc.xml)" '<w:t xml:space="preserve">Wang Yi met the WHO representative\.</w:t></w:r><w:r><w:rPr/><w:t xml:space="preserve"> </w:t></w:r><w:commentRangeStart w:id="[0-9]+"/><w:r><w:rPr/><w:t xml:space="preserve">双方交换了意见。</w:t></w:r><w:commentRangeEnd' \
    "the range starts after the translated sentence"
unlike "$(cat doc.xml)" 'w:highlight' "no highlight in the body"
like "$(part $D word/footer1.xml)" '<w:highlight w:val="yellow"/></w:rPr><w:t xml:space="preserve">第' \
    "the footer, which takes no comment, is highlighted"
unlike "$(part $D word/footer1.xml)" 'comment' "... and has no comment"

office fodt --outdir fodt $D
ok "LibreOffice opens the draft" test -s fodt/bulletin.draft.fodt
python3 - fodt/bulletin.draft.fodt >lo.txt <<'PY'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
for m in re.finditer(r'<office:annotation office:name="([^"]*)"[^>]*>(.*?)</office:annotation>(.*?)<office:annotation-end office:name="\1"/>', s, re.S):
    print(re.sub(r'\s+', ' ', re.sub(r'<[^>]+>', ' ', m.group(2))).strip(), "|", re.sub(r'<[^>]+>', '', m.group(3)).strip())
PY
is "$(grep -c 'tm Not translated: no match in the memory |' lo.txt)" 4 \
    "LibreOffice shows the four comments, author and text"
like "$(cat lo.txt)" '\| 双方交换了意见。$' "... one on 双方交换了意见。"
like "$(cat lo.txt)" '\| 另有一批物资将于近日抵达。$' "... one on the sentence after the text box"

# A document with a reviewer's comment: appended to, fresh ids.
run tm --db $DB pretranslate --from zh-CN --to en-US --mark=comment -o out2 reviewed.docx
is "$RC" 0 "--mark=comment on a DOCX with comments"
R=out2/reviewed.draft.docx
python3 - reviewed.docx $R >zipcheck2.txt <<'PY'
import sys, zipfile
a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
na, nb = [i.filename for i in a.infolist()], [i.filename for i in b.infolist()]
print("names", "same" if na == nb else "differ")
for i in a.infolist():
    print(i.filename, "same" if a.read(i) == b.read(i.filename) else "rewritten")
PY
like "$(cat zipcheck2.txt)" "names same" "no part added"
like "$(cat zipcheck2.txt)" 'word/_rels/document.xml.rels same' "the relationships as they were"
like "$(cat zipcheck2.txt)" '\[Content_Types\].xml same' "the content types as they were"
like "$(cat zipcheck2.txt)" 'word/comments.xml rewritten' "the comments part appended to"
part $R word/comments.xml >comments2.xml
part $R word/document.xml >doc2.xml
ok "the comments part is well-formed" xmllint --noout --nonet comments2.xml
like "$(cat comments2.xml)" '<w:comment w:id="0" w:author="审稿人"[^>]*>.*请核对姓名。' \
    "the reviewer's comment kept"
python3 - reviewed.docx comments2.xml doc2.xml >ids.txt <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
old = set()
for n in z.namelist():
    if n.startswith("word/") and n.endswith(".xml"):
        old |= set(re.findall(r'w:id="(-?\d+)"', z.read(n).decode()))
c = open(sys.argv[2], encoding="utf-8").read()
d = open(sys.argv[3], encoding="utf-8").read()
new = re.findall(r'<w:comment w:id="(\d+)" w:author="tm"', c)
print("new", len(new), "fresh" if not old & set(new) else "CLASH")
print("all", "unique" if len(set(re.findall(r'<w:comment w:id="(\d+)"', c))) == len(re.findall(r'<w:comment w:id', c)) else "repeated")
print("ranged", all('<w:commentRangeStart w:id="%s"/>' % i in d for i in new))
PY
is "$(cat ids.txt)" "new 4 fresh
all unique
ranged True" "four new comments, ids no annotation had, each with its range"
like "$(part $R word/footnotes.xml)" '<w:highlight w:val="yellow"/></w:rPr><w:t xml:space="preserve">另见附表。' \
    "the footnote's sentence with no match is highlighted"
unlike "$(part $R word/footnotes.xml)" 'comment' "... no comment in the footnote (LibreOffice cannot open one there)"
like "$(cat doc2.xml)" '<w:highlight w:val="yellow"/></w:rPr><w:t xml:space="preserve">地点另行通知。' \
    "the text box's sentence is highlighted"
is "$(grep -o '地点另行通知。' doc2.xml | wc -l)" 2 "... in both of its renderings"

office fodt --outdir fodt2 $R
ok "LibreOffice opens the draft" test -s fodt2/reviewed.draft.fodt
F=$(cat fodt2/reviewed.draft.fodt 2>/dev/null)
is "$(printf '%s' "$F" | grep -o 'Not translated: no match in the memory' | wc -l)" 4 \
    "... and shows the four new comments"
like "$F" '请核对姓名。' "... and the reviewer's"
office pdf --outdir pdf $R
ok "LibreOffice converts the draft to PDF" test -s pdf/reviewed.draft.pdf

# Hostile comments: a relationship that leaves the package, and a
# comments part that is something else.  Refused; nothing written.
python3 - reviewed.docx <<'PY'
import re, sys, zipfile
src = zipfile.ZipFile(sys.argv[1])
def copy(out, change):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i in src.infolist():
            z.writestr(i.filename, change(i.filename, src.read(i.filename)))
def rels(name, data):
    if name != "word/_rels/document.xml.rels":
        return data
    s, n = re.subn(rb'Target="[^"]*comments\.xml"', b'Target="../../evil.xml"', data)
    assert n == 1
    return s
def root(name, data):
    if name != "word/comments.xml":
        return data
    return (b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
copy("evilrel.docx", rels)
copy("badroot.docx", root)
PY
for f in evilrel badroot; do
	run tm --db $DB pretranslate --from zh-CN --to en-US --mark=comment -o "out-$f" $f.docx
	is "$RC" 1 "$f.docx: exit 1"
	is "$(ls "out-$f" 2>/dev/null)" "" "$f.docx: nothing written"
	eval "err_$f=\$(cat \"\$ERR\")"
done
like "$err_evilrel" "^tm: pretranslate: evilrel.docx: 'word/_rels/document.xml.rels': the comments part 'word/../../evil.xml' points outside the package: refused" \
    "a comments relationship leaving the package: refused, named"
like "$err_badroot" "^tm: pretranslate: badroot.docx: 'word/comments.xml': not a comments part \\(its root is <document>\\)" \
    "a comments part that is not one: refused, its root named"

done_testing
