#!/bin/sh
# tm export: --langs (only those variants; with two or more languages only
# units that keep two variants; "zh" takes every Chinese variant; zh-CN
# takes zh-Hans and zh-SG; case and _ vs - do not matter), --changed-since
# in its three forms (units changed, else created, at or after the date),
# bad values, -o FILE.gz, and failed exports that must leave no partial
# file and any earlier file untouched.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

tm --db m.db import -q "$DATA/multi-lang.tmx"
is "$?" 0 "import multi-lang.tmx"

# units ARGS...: "tuid:lang,lang tuid:lang ..." of `tm export ARGS`.
units()
{
	tm --db m.db export "$@" >units.tmx || {
		echo "export failed"
		return
	}
	python3 - units.tmx <<'EOF'
import sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
out = []
for tu in doc.getElementsByTagName("tu"):
    langs = [v.getAttribute("xml:lang") for v in tu.getElementsByTagName("tuv")]
    out.append("%s:%s" % (tu.getAttribute("tuid"), ",".join(langs)))
print(" ".join(out))
EOF
}

is "$(units)" \
    "m1:zh-CN,en-US,fr-FR m2:zh-TW,en-US m3:zh-Hans,en-US m4:zh_CN,EN-US m5:fr-FR,en-US m6:zh-CN,fr-FR m7:zh-CN m8:ja-JP,ko-KR m9:zh-SG,en-GB,en-us m10:zh-Hant-TW,zh-HK,en-US" \
    "without filters every unit and variant comes out, spellings kept"

# --langs
is "$(units --langs zh-CN,en-US)" "m1:zh-CN,en-US m3:zh-Hans,en-US m4:zh_CN,EN-US m9:zh-SG,en-us" \
    "--langs zh-CN,en-US: only those variants (zh-Hans, zh-SG and zh_CN are zh-CN); units left with one variant are dropped"
is "$(units --langs ZH_cn,EN-us)" "$(units --langs zh-CN,en-US)" \
    "--langs: case and _ vs - do not matter"
is "$(units --langs 'zh-CN, en-US')" "$(units --langs zh-CN,en-US)" \
    "--langs: space after the comma does not matter"
is "$(units --langs zh)" \
    "m1:zh-CN m2:zh-TW m3:zh-Hans m4:zh_CN m6:zh-CN m7:zh-CN m9:zh-SG m10:zh-Hant-TW,zh-HK" \
    "--langs zh: every Chinese variant (zh-CN, zh-TW, zh-Hans, zh-SG, zh-Hant-TW, zh-HK)"
is "$(units --langs zh-TW)" "m2:zh-TW m10:zh-Hant-TW,zh-HK" \
    "--langs zh-TW: Traditional Chinese (zh-Hant-TW, zh-HK) only"
is "$(units --langs zh-Hant)" "$(units --langs zh-TW)" \
    "--langs zh-Hant is zh-TW"
is "$(units --langs zh,en)" \
    "m1:zh-CN,en-US m2:zh-TW,en-US m3:zh-Hans,en-US m4:zh_CN,EN-US m9:zh-SG,en-GB,en-us m10:zh-Hant-TW,zh-HK,en-US" \
    "--langs zh,en: Chinese and English variants, units that keep two"
is "$(units --langs en-US)" \
    "m1:en-US m2:en-US m3:en-US m4:EN-US m5:en-US m9:en-us m10:en-US" \
    "--langs en-US: one language, every unit that has it"
is "$(units --langs ja-JP,ko-KR,zh-CN)" "m8:ja-JP,ko-KR" \
    "--langs with three languages: units keeping two of them"
tm --db m.db export --langs zh-CN,en-US -o langs.tmx -q
ok "--langs: the export is valid TMX 1.4" dtd_valid langs.tmx "$TMX14_DTD"
run tm --db m.db export --langs ''
is "$RC" 2 "--langs '': a usage error (exit 2)"
like "$(cat "$ERR")" "^tm: export: .*no language" "--langs '': says there is no language"
run tm --db m.db export --langs 'zh CN'
is "$RC:$(cat "$OUT")" "2:" "--langs 'zh CN': exit 2, nothing written"
like "$(cat "$ERR")" "'zh CN' is not a language tag" "--langs 'zh CN': the bad tag is named"

# --changed-since: changedate, else creationdate, at or after DATE
is "$(units --changed-since 2020-01-28)" \
    "m2:zh-TW,en-US m3:zh-Hans,en-US m4:zh_CN,EN-US m5:fr-FR,en-US m9:zh-SG,en-GB,en-us m10:zh-Hant-TW,zh-HK,en-US" \
    "--changed-since 2020-01-28: from midnight on (m2 at 00:00:00 is in, m1 at 23:59:59 the day before is out, m6 changed in 2019 is out)"
is "$(units --changed-since 20200128T000000Z)" "$(units --changed-since 2020-01-28)" \
    "--changed-since 20200128T000000Z is 2020-01-28"
is "$(units --changed-since 2020-01-28T10:00:00Z)" \
    "m3:zh-Hans,en-US m4:zh_CN,EN-US m5:fr-FR,en-US m9:zh-SG,en-GB,en-us m10:zh-Hant-TW,zh-HK,en-US" \
    "--changed-since 2020-01-28T10:00:00Z: from 10:00 on (m3 at 10:00:00 is in, m2 is out)"
is "$(units --changed-since 2020-01-28T10:00:01Z)" \
    "m4:zh_CN,EN-US m5:fr-FR,en-US" \
    "--changed-since 2020-01-28T10:00:01Z: one second later"
is "$(units --changed-since 20200128)" "$(units --changed-since 2020-01-28)" \
    "--changed-since 20200128 is 2020-01-28"
is "$(units --changed-since 2020-01-28 --langs zh-CN,en-US)" \
    "m3:zh-Hans,en-US m4:zh_CN,EN-US m9:zh-SG,en-us" \
    "--changed-since and --langs together"
is "$(units --changed-since 2030-01-01)" "" "--changed-since in the future: no unit"
tm --db m.db export --changed-since 2030-01-01 -o none.tmx -q
ok "an export without units is still valid TMX 1.4" dtd_valid none.tmx "$TMX14_DTD"

for bad in yesterday 2020-13-01 2020-01-32 28/01/2020 2020-01-28T25; do
	run tm --db m.db export --changed-since "$bad"
	like "$RC" '^[12]$' "--changed-since $bad: exit 1 or 2"
	like "$(cat "$ERR")" "^tm: export: .*'$bad' is not a date" \
	    "--changed-since $bad: the message names the bad date"
	is "$(cat "$OUT")" "" "--changed-since $bad: nothing on stdout"
done

# -o FILE.gz
run tm --db m.db export -o out.tmx.gz
is "$RC" 0 "export -o out.tmx.gz exits 0"
like "$(cat "$OUT")" "^out\\.tmx\\.gz: 10 units, 22 variants, [0-9.]+ s\$" \
    "export -o: a summary line with units and variants"
is "$(od -An -tx1 -N2 out.tmx.gz | tr -d ' ')" 1f8b "-o FILE.gz is gzip-compressed"
tm --db m.db export >plain.tmx
gzip -dc out.tmx.gz >gunzipped.tmx
same_file gunzipped.tmx plain.tmx "-o FILE.gz holds the same TMX as the plain export"
tm --db m.db export -q -o plain-file.tmx
is "$(od -An -c -N5 plain-file.tmx | tr -d ' ')" "<?xml" "-o FILE (no .gz) is not compressed"
run tm --db m.db export --json -o out.json.tmx
cp "$OUT" export.json
ok "export --json -o prints valid JSON" json_valid export.json
is "$(json export.json '[d["file"], d["units"], d["variants"]]')" \
    '["out.json.tmx", 10, 22]' "export --json: file, units, variants"
run tm --db m.db export -q -o quiet.tmx
is "$RC:$(cat "$OUT")$(cat "$ERR")" "0:" "export -q -o prints nothing"
ok "... and writes the file" test -s quiet.tmx

# A successful export replaces an earlier file ...
printf 'earlier content\n' >target.tmx
tm --db m.db export -q -o target.tmx
same_file target.tmx plain.tmx "a successful export replaces the earlier file"

# ... a failed one leaves it as it was, and nothing beside it.
printf 'earlier content\n' >target.tmx
cp target.tmx target.orig
run tm --db m.db export -o target.tmx --changed-since never
is "$RC" 2 "a failed export (bad date) exits 2, a usage error"
same_file target.tmx target.orig "a failed export (bad date) leaves the earlier file untouched"
run tm --db m.db export -o target.tmx --langs '!!'
same_file target.tmx target.orig "a failed export (bad language) leaves the earlier file untouched"
is "$(ls | grep -c '^target\.tmx.')" 0 "no temporary file is left beside the target"

run tm --db m.db export -o no/such/dir/out.tmx
is "$RC" 1 "export -o into a directory that does not exist exits 1"
like "$(cat "$ERR")" "no/such/dir/out\\.tmx" "the message names the file"
ok "no file or directory was made" test ! -e no

mkdir target-dir
run tm --db m.db export -o target-dir
is "$RC" 1 "export -o onto a directory exits 1 (after writing the whole export)"
like "$(cat "$ERR")" "target-dir" "the message names it"
is "$(ls target-dir | wc -l | tr -d ' ')" 0 "the directory is untouched"
is "$(ls | grep -c '^target-dir.')" 0 "the file written beside it was removed"
mkdir gz-dir.gz
run tm --db m.db export -o gz-dir.gz
is "$RC" 1 "export -o onto a directory named .gz exits 1"
is "$(ls | grep -c '^gz-dir\.gz.')" 0 "the compressed file written beside it was removed"

# Exporting onto the memory itself must not destroy it, whatever the
# spelling of its path.  (On PostgreSQL the memory is no file.)
if on_sqlite; then
	cp m.db keep.db
	tm_plain --db keep.db export >keep-before.tmx
	run tm --db keep.db export -o ./keep.db
	is "$RC" 1 "export -o onto the database itself is refused (exit 1)"
	like "$(cat "$ERR")" "keep\.db" "... and the message names it"
	run tm_plain --db keep.db export
	is "$RC" 0 "... and the memory is still a memory"
	same_file "$OUT" keep-before.tmx "... with all its content"
else
	skip "export -o onto the database itself is refused (exit 1)" "$NOT_SQLITE"
	skip "... and the message names it" "$NOT_SQLITE"
	skip "... and the memory is still a memory" "$NOT_SQLITE"
	skip "... with all its content" "$NOT_SQLITE"
fi

# A full disk on standard output: exit 1, and every line on stderr is
# tm's ("tm: export: ..."), not a library's.
if [ -w /dev/full ]; then
	# Large enough that writes fail while the export runs, not only at
	# the final flush.
	python3 "$TM_SRCDIR/tools/bench/gen-tmx.py" 2000 -o big.tmx
	tm_plain --db full.db import -q big.tmx
	tm --db full.db export >/dev/full 2>full.err
	is "$?" 1 "export to a full disk (standard output) exits 1"
	like "$(cat full.err)" "^tm: export: .*(space|write)" \
	    "... and says it cannot write"
	is "$(grep -cv '^tm: export: ' full.err)" 0 \
	    "... and every message on stderr is tm's own"
	diag_file full.err
else
	skip "export to a full disk (standard output) exits 1" "no /dev/full"
fi

done_testing
