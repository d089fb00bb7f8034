#!/bin/sh
# tm glossary import, lookup and export: TBX (2 and v3, MultiTerm), CSV
# and TSV; JSON; a round trip through export; broken, hostile and huge
# files leave the glossary as it was and name the file and line.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

G="$TM_SRCDIR/tests/data/issue6"

run tm --db m.db glossary import "$G/glossary.tbx"
is "$RC" 0 "a TBX glossary imports"
like "$(cat "$OUT")" "glossary.tbx: 4 entries, 11 terms imported" \
    "it says how many entries and terms"
run tm --db m.db glossary import --json "$G/glossary.csv" "$G/deprecated.tsv"
is "$RC" 0 "CSV and TSV import"
ok "--json is JSON" json_valid "$OUT"
is "$(json "$OUT" '[x["terms"] for x in d]')" "[6, 2]" "... 6 and 2 terms"

run tm --db m.db glossary lookup --from zh --to en \
    "日本友好城市捐赠的5万只口罩已运抵本市，另有防护服。"
is "$RC" 0 "lookup exits 0"
like "$(cat "$OUT")" "^友好城市 \(zh-CN\) → sister city \(en-US\)" \
    "a CSV term, with its translation"
like "$(cat "$OUT")" "^防护服 \(zh-CN\) → protective suit \(en-US, preferred\); hazmat suit \(en-US, deprecated\)" \
    "preferred first, deprecated last"
run tm --db m.db glossary lookup --json --from zh-CN --to en-US \
    "总领事会见了市外办主任。"
ok "lookup --json is JSON" json_valid "$OUT"
is "$(json "$OUT" '[h["term"] for h in d["hits"]]')" '["总领事", "市外办"]' \
    "hits in text order"
is "$(json "$OUT" 'd["hits"][1]["targets"][1]["note"]')" \
    "abbreviation, after the first mention" "notes come along"
is "$(json "$OUT" 'd["hits"][0]["targets"][0]["pos"]')" "noun" \
    "so does the part of speech"
run tm --db m.db glossary lookup --from en --to zh "The CONSUL GENERAL met foreign nationals."
like "$(cat "$OUT")" "CONSUL GENERAL \(en-US\).*总领事" "English to Chinese, case aside"
run tm --db m.db glossary lookup --from zh --to en "今天天气很好。"
like "$(cat "$OUT")" "no term found" "a text without terms"

# The same file again replaces its entries: no duplicates.
tm_plain --db m.db glossary export >once.tbx
run tm --db m.db glossary import "$G/glossary.tbx"
is "$RC" 0 "a glossary imported again"
tm_plain --db m.db glossary export >twice.tbx
run sh -c "grep -c '<termEntry' twice.tbx"
is "$(cat "$OUT")" "$(grep -c '<termEntry' once.tbx)" \
    "... replaces its entries instead of adding them again"

# TBX v3 and MultiTerm XML.
cat >v3.tbx <<'X'
<?xml version="1.0"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
<tbxHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></tbxHeader>
<text><body><conceptEntry id="c1">
<langSec xml:lang="zh-CN"><termSec><term>领事馆</term></termSec></langSec>
<langSec xml:lang="en-US"><termSec><term>consulate</term>
<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec></langSec>
</conceptEntry></body></text></tbx>
X
cat >mt.xml <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<mtf><conceptGrp><concept>1</concept>
<languageGrp><language type="Chinese" lang="ZH-CN"/><termGrp><term>签证</term></termGrp></languageGrp>
<languageGrp><language type="English" lang="EN-US"/><termGrp><term>visa</term>
<descripGrp><descrip type="Note">entry permit</descrip></descripGrp></termGrp></languageGrp>
</conceptGrp></mtf>
X
run tm --db m.db glossary import v3.tbx mt.xml
is "$RC" 0 "TBX v3 and MultiTerm XML import"
run tm --db m.db glossary lookup --from zh --to en "领事馆签发签证。"
like "$(cat "$OUT")" "consulate" "the TBX v3 term is found"
like "$(cat "$OUT")" "visa" "so is the MultiTerm one"

# Export, and the export imported again gives the same export.
run tm --db m.db glossary export -o all.tbx
is "$RC" 0 "export -o writes TBX"
ok "the export is well-formed XML" xmllint --noout all.tbx
like "$(cat all.tbx)" "deprecatedTerm-admn-sts" "statuses are kept"
run tm --db m.db glossary export --format csv
is "$RC" 0 "CSV export"
like "$(head -1 "$OUT")" "^zh-CN,en-US,(.*,)?note$" "a header naming the languages"
like "$(cat "$OUT")" "Municipal Foreign Affairs Office \| FAO" \
    "several terms of one language share a cell"
tm_plain --db n.db glossary import all.tbx >/dev/null
tm_plain --db n.db glossary export -o again.tbx
# Entry ids are the store's (e1, e2...), unique in the file.
sed 's/termEntry id="e[0-9]*"/termEntry/' all.tbx >all-noid.tbx
sed 's/termEntry id="e[0-9]*"/termEntry/' again.tbx >again-noid.tbx
same_file all-noid.tbx again-noid.tbx "TBX export, import, export: the same"
tm_plain --db m.db glossary export --format tsv >all.tsv
ok "TSV export" test -s all.tsv

# Bad input: exit 1, file and line named, nothing imported.
tm_plain --db m.db glossary export >before.tbx
bad()
{
	run tm --db m.db glossary import "$1"
	is "$RC" 1 "$2: exit 1"
	like "$(cat "$ERR")" "$3" "$2: the message names the problem"
	tm_plain --db m.db glossary export >after.tbx
	same_file before.tbx after.tbx "$2: the glossary is unchanged"
}
printf 'zh-CN,en-US\n口罩,mask\n领事,consul,extra\n' >long.csv
bad long.csv "a row with more fields than the header" "'long\.csv': line 3: 3 fields"
printf 'zh-CN,colour\n口罩,mask\n' >hdr.csv
bad hdr.csv "a header column that is no language" "line 1: column 2 'colour'"
printf 'zh-CN,en-US\n口罩,mask\n"领事,consul\n' >quote.csv
bad quote.csv "an unclosed quote" "'quote\.csv': line 3"
printf 'zh-CN,en-US\n口罩,m\377sk\n' >utf8.csv
bad utf8.csv "invalid UTF-8" "line 2: field 2 is not valid UTF-8"
printf 'zh-CN,en-US,status\n口罩,mask,maybe\n' >status.csv
bad status.csv "an unknown status" "line 2: status 'maybe'"
: >empty.csv
bad empty.csv "an empty file" "empty"
printf '<martif><text><body>\n<termEntry><langSet xml:lang="zh"><tig><term>口罩</term></tig></langSet>\n<langSet xml:lang="en"><tig><term>mask</term></tig>\n</termEntry></body></text></martif>\n' >broken.tbx
bad broken.tbx "a TBX that is not well-formed" "'broken\.tbx': line 4"
printf '<?xml version="1.0"?>\n<!DOCTYPE martif [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>&x;</term></tig></langSet></termEntry></body></text></martif>\n' >xxe.tbx
bad xxe.tbx "an external entity" "entity declarations are refused"
printf '<?xml version="1.0"?>\n<!DOCTYPE m [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">\n]>\n<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>&d;</term></tig></langSet></termEntry></body></text></martif>\n' >laughs.tbx
bad laughs.tbx "entity expansion" "entit"
printf '<martif><text><body><termEntry>\n<tig><term>x</term></tig></termEntry></body></text></martif>\n' >nolang.tbx
bad nolang.tbx "a term outside a language section" "line 2: a term outside a language section"
printf '<?xml version="1.0"?>\n<html><body/></html>\n' >html.tbx
bad html.tbx "XML that is not TBX" "line 2: <html> is not a TBX document"
run tm --db m.db glossary import /nonexistent/g.tbx
is "$RC" 1 "a missing file: exit 1"
like "$(cat "$ERR")" "'/nonexistent/g.tbx': cannot read it" "... and says so"

# A huge CSV: 100,000 rows import in one go (not under valgrind, which
# checks the same code on the files above).
python3 -c '
import sys
w = sys.stdout.write
w("zh-CN,en-US,note\n")
for i in range(100000):
    w("术语%d,term %d,note %d\n" % (i, i, i))
' >huge.csv
tm_plain --db h.db glossary import huge.csv >huge.out
is "$?" 0 "a 100,000-row CSV imports"
like "$(cat huge.out)" "100000 entries, 200000 terms" "... all of it"

# Usage errors.
run tm --db m.db glossary
is "$RC" 2 "no subcommand: usage error"
run tm --db m.db glossary frobnicate
is "$RC" 2 "an unknown subcommand: usage error"
run tm --db m.db glossary export --format xls
is "$RC" 2 "an unknown format: usage error"
run tm glossary --help
is "$RC" 0 "--help exits 0"
like "$(cat "$OUT")" "tm glossary import" "--help shows the usage"
run tm help
like "$(cat "$OUT")" "glossary" "tm help lists glossary"

done_testing
