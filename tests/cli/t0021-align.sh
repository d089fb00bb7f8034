#!/bin/sh
# tm align on the project's fixture (tests/data/align/bulletin.*): links
# as align-eval writes them, TSV, JSON, TMX valid against the TMX 1.4b
# DTD with the score and the documents as props, --import through the
# import pipeline (found by lookup and concordance, props back in the
# export, low scores found by SQL), --lines, --dict and help.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

A=$DATA/align
cp "$A/bulletin.zh" b.zh
cp "$A/bulletin.en" b.en

run tm align --from zh-CN --to en-US --links links.txt b.zh b.en
is "$RC" 0 "align --links exits 0"
same_file links.txt "$A/bulletin.gold" "the links are the gold links"
is "$(cat "$OUT")" "" "nothing on stdout with --links"

run tm align --from zh-CN --to en-US b.zh b.en
is "$RC" 0 "align without an output option exits 0"
is "$(sed -n 1p "$OUT")" "$(printf 'score\ttype\tsource\ttarget')" "... prints the TSV header"
is "$(wc -l <"$OUT" | tr -d ' ')" 12 "... and one line per link"
like "$(sed -n 2p "$OUT")" "^[01]\.[0-9]{3}	1-1	市外办举行春节招待会	City Foreign Affairs" \
    "TSV: score, type, source, target"
like "$(grep -c '	1-0	' "$OUT")" "^2$" "TSV: the byline and （完） are 1-0"
like "$(grep '	1-2	' "$OUT")" "2\.6%.*She thanked" "TSV: the 1-2 link joins the English sentences"

run tm align --from zh-CN --to en-US --json b.zh b.en
ok "--json is JSON" json_valid "$OUT"
is "$(json "$OUT" 'len(d["links"])')" 11 "--json: 11 links"
is "$(json "$OUT" 'd["links"][3]["tgt"]')" "[2, 3]" "--json: target indexes"
is "$(json "$OUT" 'd["links"][3]["type"]')" "1-2" "--json: type"
is "$(json "$OUT" 'd["from"] + " " + d["to"]')" "zh-CN en-US" "--json: languages"
ok "--json: scores from 0 to 1" test "$(json "$OUT" 'all(0 <= l["score"] <= 1 for l in d["links"])')" = True

run tm align --from zh-CN --to en-US -o out.tmx --tsv out.tsv b.zh b.en
is "$RC" 0 "-o and --tsv together"
ok "the TSV file is written" test -s out.tsv
is "$(grep -c '<tu ' out.tmx)" 9 "TMX: a unit per link with both sides"
is "$(grep -c 'x-align-score' out.tmx)" 9 "TMX: a score on every unit"
like "$(cat out.tmx)" '<prop type="x-align-doc">b.zh \| b.en</prop>' "TMX: the documents"
like "$(cat out.tmx)" 'xml:lang="zh-CN"><seg>副市长' "TMX: the Chinese side"
is "$(dtd_errors out.tmx "$TMX14_DTD")" "" "TMX is valid against the TMX 1.4b DTD"

# --import: the units land through the import pipeline with their props.
run tm --db m.db align --from zh-CN --to en-US --import b.zh b.en
is "$RC" 0 "--import exits 0"
like "$(cat "$ERR")" "imported 9 units" "--import says how many units"
run tm --db m.db align --from zh-CN --to en-US --import -q b.zh b.en
is "$RC:$(cat "$ERR")" "0:" "a second --import: duplicates skipped quietly"
is "$(tm_plain --db m.db stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["units"])')" 9 \
    "the memory holds 9 units, not 18"
is "$(tm_plain --db m.db stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["imports"][0]["file"])')" \
    "b.zh | b.en" "the import is recorded under the two documents' names"
run tm --db m.db lookup --from zh-CN --to en-US "凌晨1时，最后一批客人离开会场。"
like "$(cat "$OUT")" "100%" "lookup finds an aligned unit at 100"
like "$(cat "$OUT")" "The last guests left the venue at 1 a.m." "... with its translation"
run tm --db m.db concordance --lang zh 总领事
like "$(cat "$OUT")" "Consul General" "concordance finds an aligned unit"
tm_plain --db m.db export -q -o exp.tmx
is "$(grep -c 'x-align-score' exp.tmx)" 9 "the scores come back in the export"
like "$(cat exp.tmx)" '<prop type="x-align-doc">b.zh \| b.en</prop>' "so do the documents"
low=$(mem_sql m.db "SELECT count(*) FROM annot WHERE kind = 'prop' AND
    type = 'x-align-score' AND CAST(value AS REAL) < 0.5")
tsvlow=$(awk -F'\t' 'NR > 1 && $2 != "1-0" && $2 != "0-1" && $1 < 0.5' out.tsv | wc -l | tr -d ' ')
is "$low" "$tsvlow" "low-confidence units are found by SQL on the props (README)"

# --lines: each line a segment.
printf '第一行。第二句。\n第三行。\n' >l.zh
printf 'The first line. The second sentence.\nThe third line.\n' >l.en
run tm align --from zh --to en --lines --links - l.zh l.en
is "$(cat "$OUT")" "$(printf '[0]:[0]\n[1]:[1]')" "--lines: no sentence splitting"
run tm align --from zh --to en --links - l.zh l.en
is "$(cat "$OUT")" "$(printf '[0]:[0]\n[1]:[1]\n[2]:[2]')" "without --lines: sentences"

# --dict: a CC-CEDICT fixture.
printf '# tiny\n招待會 招待会 [zhao1 dai4 hui4] /reception/\n領事 领事 [ling3 shi4] /consul/\n' >d.u8
run tm align --from zh-CN --to en-US --dict d.u8 --links links2.txt b.zh b.en
is "$RC" 0 "--dict exits 0"
same_file links2.txt "$A/bulletin.gold" "--dict: the gold links still"
printf '招待會 招待会 [zhao1 dai4 hui4] /reception/\nnot an entry\n' >bad.u8
run tm align --from zh-CN --to en-US --dict bad.u8 b.zh b.en
is "$RC" 1 "a bad --dict line: exit 1"
like "$(cat "$ERR")" "'bad\.u8': line 2: not a CC-CEDICT entry" "... naming file:line"
is "$(cat "$OUT")" "" "... and no output"

run tm align --help
is "$RC" 0 "--help exits 0"
for o in --from --to -o --tsv --links --json --import --dict --no-memory --lines --encoding --srx --srx-mode; do
	like "$(cat "$OUT")" "(^|[^a-z-])$o([^a-z-]|\$)" "--help lists $o"
done
run tm help align
is "$RC" 0 "tm help align"
run tm help
like "$(cat "$OUT")" "^ +align +[a-z]" "tm help lists align"

done_testing
