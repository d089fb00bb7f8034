#!/bin/sh
# tm pretranslate on an OpenDocument text, through the same machinery as
# DOCX: LibreOffice writes bulletin.odt from tests/data/office/
# bulletin.fodt; spans and links become codes, the header in styles.xml,
# the footnote and the text box are translated, tracked changes give the
# accepted text, the draft keeps mimetype first and stored and every
# other entry byte for byte, marks the Chinese left with a highlight
# style, and LibreOffice reads the translation back.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

command -v soffice >/dev/null 2>&1 || skip_all "no soffice (libreoffice-writer-nogui)"

office()
{
	soffice -env:UserInstallation=file://$TEST_DIR/lo-profile --headless \
	    --convert-to "$@" >lo.log 2>&1
}
office odt --outdir . "$DATA/office/bulletin.fodt"
[ -s bulletin.odt ] || skip_all "soffice did not write bulletin.odt"

DB=m.db
tm_plain --db $DB import -q "$DATA/office/bulletin-mem.tmx" || fail "the memory"
printf 'zh-CN,en-US,status\n王毅,Wang Yi,preferred\n外交部网站,website of the Ministry of Foreign Affairs,preferred\n' >g.csv
tm_plain --db $DB glossary import g.csv >/dev/null 2>&1 || fail "a glossary"

run tm --db $DB pretranslate --from zh-CN --to en-US -o out --json bulletin.odt
is "$RC" 0 "pretranslate exits 0"
is "$(json "$OUT" 'd["files"][0]["format"]')" odt "the format is odt"
like "$(json "$OUT" 'd["files"][0]["note"]')" '^tracked changes: the accepted text was read' \
    "the JSON notes the tracked changes"
X=out/bulletin.xlf
D=out/bulletin.draft.odt
ok "the XLIFF is well-formed" xmllint --noout --nonet $X
like "$(cat $X)" 'datatype="x-odt"' "the XLIFF's datatype"
like "$(cat $X)" '<source><g id="1" ctype="bold">王毅</g>会见了WHO代表。</source>' \
    "a bold span (its style's Asian weight) is a bold code"
like "$(cat $X)" '<target state="needs-review-translation" state-qualifier="exact-match">Please visit the <g id="1" ctype="link">website of the Ministry of Foreign Affairs</g>.</target>' \
    "the link placed in the target"
like "$(cat $X)" '<source>会谈气氛十分友好。</source>' "tracked changes: the accepted text"
like "$(cat $X)" '<source>第<x id="1" ctype="x-office-object"/>页</source>' \
    "the footer's page number, a field, one code"

part()
{
	python3 -c 'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())' "$@"
}
is "$(python3 -c 'import sys, zipfile; i = zipfile.ZipFile(sys.argv[1]).infolist()[0]; print(i.filename, i.compress_type)' $D)" \
    "mimetype 0" "mimetype first and stored"
python3 - bulletin.odt $D >zipcheck.txt <<'PY'
import sys, zipfile
a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
for i in a.infolist():
    j = b.getinfo(i.filename)
    same = a.read(i) == b.read(j) and i.compress_size == j.compress_size
    print(i.filename, "same" if same else "rewritten")
PY
is "$(grep rewritten zipcheck.txt | cut -d' ' -f1 | sort | tr '\n' ' ')" \
    "content.xml styles.xml " "only content.xml and styles.xml rewritten"
part $D content.xml >content.xml
ok "content.xml well-formed" xmllint --noout --nonet content.xml
like "$(cat content.xml)" '<text:span text:style-name="T1">Wang Yi</text:span> met the WHO representative.' \
    "the bold span rebuilt with its style"
like "$(cat content.xml)" '<style:style style:name="tm-untranslated" style:family="text"><style:text-properties fo:background-color="#ffff00"/>' \
    "the highlight style added"
like "$(cat content.xml)" '<text:span text:style-name="tm-untranslated">双方交换了意见。</text:span>' \
    "the Chinese left is highlighted"
like "$(cat content.xml)" 'The annex will be sent separately.' "the footnote translated"
like "$(part $D styles.xml)" "Embassy of the People's Republic of China" "the header translated"

office "txt:Text (encoded):UTF8" --outdir txt $D
ok "LibreOffice converts the draft to text" test -s txt/bulletin.draft.txt
T=$(cat txt/bulletin.draft.txt 2>/dev/null)
like "$T" 'Wang Yi met the WHO representative\. 双方交换了意见。' "... with the translation"
like "$T" 'The talks were very friendly\.' "... the accepted text's translation"
like "$(cat content.xml)" '<draw:text-box><text:p text:style-name="Standard">The press conference was held in the afternoon.</text:p>' \
    "the text box translated"
office pdf --outdir pdf $D
ok "LibreOffice converts the draft to PDF" test -s pdf/bulletin.draft.pdf

# --mark=comment: a comment before each sentence left in Chinese.
run tm --db $DB pretranslate --from zh-CN --to en-US --mark=comment -o comment bulletin.odt
is "$RC" 0 "--mark=comment"
like "$(part comment/bulletin.draft.odt content.xml)" '<office:annotation><dc:creator>tm</dc:creator><text:p>Not translated: no match in the memory</text:p></office:annotation>双方交换了意见。' \
    "... an annotation before the sentence left in Chinese"
unlike "$(part comment/bulletin.draft.odt content.xml)" 'tm-untranslated' "... and no highlight"
office pdf --outdir pdf2 comment/bulletin.draft.odt
ok "... LibreOffice converts it to PDF" test -s pdf2/bulletin.draft.pdf

done_testing
