#!/bin/sh
# tm pretranslate on a Word document: LibreOffice writes bulletin.docx
# from tests/data/office/bulletin.fodt (a letterhead header, a footer
# with a page field, bold names, a link, a footnote, a table, a text box,
# tracked changes).  The bold name, the link and the footnote reference
# become XLIFF codes, runs Word split with equal properties are one, the
# draft keeps every part it did not translate byte for byte, keeps the
# run properties, highlights what stays in Chinese, and LibreOffice opens
# it and reads the translation back; tm check finds the bold name that
# lost its bold; a reviewed XLIFF flows back into the next draft.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

command -v soffice >/dev/null 2>&1 || skip_all "no soffice (libreoffice-writer-nogui)"

# LibreOffice, headless, with a profile of the test's own.
office()
{
	soffice -env:UserInstallation=file://$TEST_DIR/lo-profile --headless \
	    --convert-to "$@" >lo.log 2>&1
}
office docx:"MS Word 2007 XML" --outdir . "$DATA/office/bulletin.fodt"
[ -s bulletin.docx ] || skip_all "soffice did not write bulletin.docx"

DB=m.db
tm_plain --db $DB import -q "$DATA/office/bulletin-mem.tmx" || fail "the memory"
printf 'zh-CN,en-US,status\n王毅,Wang Yi,preferred\n外交部网站,website of the Ministry of Foreign Affairs,preferred\n' >g.csv
tm_plain --db $DB glossary import g.csv >/dev/null 2>&1 || fail "a glossary"

run tm --db $DB pretranslate --from zh-CN --to en-US -o out bulletin.docx
is "$RC" 0 "pretranslate exits 0"
is "$(cat "$ERR")" "" "nothing on stderr"
like "$(cat "$OUT")" "Note: tracked changes: the accepted text was read \(1 insertion kept, 1 deletion left out\)" \
    "the analysis says tracked changes were accepted"
X=out/bulletin.xlf
D=out/bulletin.draft.docx
ok "the XLIFF is well-formed" xmllint --noout --nonet $X
ok "the draft is written" test -s $D
like "$(grep -c '<trans-unit' $X)" '^1[0-9]$' "one unit per sentence"

unit()
{
	python3 - "$X" "$1" "$2" <<'PY'
import re, sys
x = open(sys.argv[1], encoding="utf-8").read()
for u in re.findall(r'<trans-unit .*?</trans-unit>', x, re.S):
    s = re.search(r'<source[^>]*>(.*?)</source>', u, re.S).group(1)
    if sys.argv[2] in re.sub(r'<[^>]*>', '', s):
        m = re.search(r'<%s[^>]*>(.*?)</%s>' % (sys.argv[3], sys.argv[3]), u, re.S)
        print(m.group(1) if m else "")
        break
PY
}
is "$(unit 会见了 source)" '<g id="1" ctype="bold">王毅</g>会见了WHO代表。' \
    "the bold name is a code; the runs split inside 会见了WHO代表 are one"
is "$(unit 会见了 target)" '<g id="1" ctype="bold">Wang Yi</g> met the WHO representative.' \
    "... placed on the glossary's translation"
is "$(unit 请访问 target)" 'Please visit the <g id="1" ctype="link">website of the Ministry of Foreign Affairs</g>.' \
    "the link placed"
is "$(unit 详情见 source)" '详情见<g id="1" ctype="italic">附件</g>。<x id="2" ctype="x-footnote"/>' \
    "italic and the footnote reference as codes"
is "$(unit 详情见 target)" 'See the annex for details.<x id="2" ctype="x-footnote"/>' \
    "... the reference kept at the end"
is "$(unit 会谈气氛 source)" '会谈气氛十分友好。' "tracked changes: the accepted text"
is "$(unit 附件另行 target)" '<x id="1" ctype="x-note-number"/>The annex will be sent separately.' \
    "the footnote's text translated, its number a code"
like "$(unit 页 source)" '^第<x id="1" ctype="x-docx-field-code"/>1<x id="2" ctype="x-docx-field-end"/>页$' \
    "the footer's field: its code one code, its result kept"
is "$(unit 5万只 source)" '5万只' "a table cell; its two runs are one"

# The package: every part not translated byte for byte (same compressed
# bytes); the translated ones still well-formed.
python3 - bulletin.docx $D >zipcheck.txt <<'PY'
import sys, zipfile, zlib
a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
na, nb = [i.filename for i in a.infolist()], [i.filename for i in b.infolist()]
print("names", "same" if na == nb else "differ")
def raw(z, i):
    f = z.fp
    f.seek(i.header_offset + 26)
    n, m = int.from_bytes(f.read(2), "little"), int.from_bytes(f.read(2), "little")
    f.seek(i.header_offset + 30 + n + m)
    return f.read(i.compress_size)
for i in a.infolist():
    j = b.getinfo(i.filename)
    same = raw(a, i) == raw(b, j) and i.compress_type == j.compress_type
    print(i.filename, "same" if same else "rewritten")
PY
like "$(cat zipcheck.txt)" "names same" "the draft has the same entries in the same order"
is "$(grep rewritten zipcheck.txt | cut -d' ' -f1 | sort | tr '\n' ' ')" \
    "word/document.xml word/footer1.xml word/footnotes.xml word/header1.xml " \
    "only the parts with translated paragraphs are rewritten"
like "$(grep -c ' same$' zipcheck.txt)" '^(9|1[0-9])$' "the others are the same compressed bytes"

part()
{
	python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())' "$@"
}
part $D word/document.xml >doc.xml
ok "the draft's document.xml is well-formed" xmllint --noout --nonet doc.xml
like "$(cat doc.xml)" '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Wang Yi</w:t></w:r>' \
    "the bold run keeps its properties"
like "$(cat doc.xml)" '<w:hyperlink r:id="rId[0-9]+"><w:r><w:rPr><w:rStyle w:val="InternetLink"/></w:rPr><w:t xml:space="preserve">website of the Ministry of Foreign Affairs</w:t></w:r></w:hyperlink>' \
    "the link keeps its relationship and its run's style"
like "$(cat doc.xml)" '<w:pPr><w:pStyle w:val="Heading1"/>' "paragraph properties kept"
like "$(cat doc.xml)" '<w:highlight w:val="yellow"/></w:rPr><w:t xml:space="preserve">双方交换了意见。' \
    "text left in Chinese is highlighted"
unlike "$(cat doc.xml)" '<w:del |<w:ins ' "tracked changes accepted in the rebuilt paragraphs"
like "$(cat doc.xml)" 'w:footnoteReference w:id="2"' "the footnote reference kept"
like "$(part $D word/header1.xml)" "Embassy of the People's Republic of China" "the letterhead translated"
like "$(part $D word/footnotes.xml)" 'The annex will be sent separately.' "the footnote translated"
like "$(part $D word/footer1.xml)" '<w:instrText xml:space="preserve"> PAGE </w:instrText>' \
    "the footer's page field kept"
is "$(grep -o 'The press conference was held in the afternoon.' doc.xml | wc -l)" 2 \
    "the text box translated (both of its renderings)"

# LibreOffice opens the draft and reads the translation.
office "txt:Text (encoded):UTF8" --outdir txt $D
ok "LibreOffice converts the draft to text" test -s txt/bulletin.draft.txt
T=$(cat txt/bulletin.draft.txt 2>/dev/null)
like "$T" 'Wang Yi met the WHO representative\. 双方交换了意见。' "... the translation with the Chinese left"
like "$T" 'Please visit the website of the Ministry of Foreign Affairs\.' "... the link's sentence"
like "$T" 'The talks were very friendly\.' "... the accepted text's translation"
like "$T" 'Protective suits' "... the table"
office pdf --outdir pdf $D
ok "LibreOffice converts the draft to PDF" test -s pdf/bulletin.draft.pdf

# The check: the bold name the memory's translation has no place for.
like "$(cat $X)" 'from="tm-check" priority="2">the source has 2 inline tags, the target 0' \
    "the bold 李强 without bold is a tm-check note"
run tm --db $DB check --json $X
is "$RC" 1 "tm check on the XLIFF: a finding"
like "$(json "$OUT" '"|".join(f["message"] for s in d["segments"] for f in s["findings"] if f["kind"] == "tags")')" \
    'the source has 2 inline tags, the target 0; not in the target: <g id="1">' "... the missing code"

# --mark=none: the Chinese is left as it was, unhighlighted.
run tm --db $DB pretranslate --from zh-CN --to en-US --mark=none -o none bulletin.docx
is "$RC" 0 "--mark=none"
unlike "$(part none/bulletin.draft.docx word/document.xml)" 'w:highlight' "... no highlight"

# The reviewer translates the unmatched sentence and gives 李强 its bold.
python3 - $X <<'PY'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
s = re.sub(r'(<source>双方交换了意见。</source>\s*)<target state="needs-translation"/>',
    r'\1<target state="translated">The two sides exchanged views.</target>', s, count=1)
s = re.sub(r'(<source><g id="1" ctype="bold">李强</g>出席了会议。</source>\s*)<target [^>]*>.*?</target>',
    r'\1<target state="translated"><g id="1" ctype="bold">Li Qiang</g> attended the meeting.</target>', s, count=1, flags=re.S)
open("reviewed.xlf", "w", encoding="utf-8").write(s)
PY
run tm --db $DB import-xliff reviewed.xlf
is "$RC" 0 "import-xliff of the reviewed XLIFF"
run tm --db $DB pretranslate --from zh-CN --to en-US -o again bulletin.docx
is "$RC" 0 "pretranslate again"
part again/bulletin.draft.docx word/document.xml >again.xml
like "$(cat again.xml)" ' met the WHO representative\.</w:t></w:r><w:r><w:rPr/><w:t xml:space="preserve"> </w:t></w:r><w:r><w:rPr/><w:t xml:space="preserve">The two sides exchanged views\.' \
    "the reviewed translation is in the draft"
like "$(cat again.xml)" '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Li Qiang</w:t></w:r>' \
    "... and 李强's bold comes back from the memory's codes"

done_testing
