#!/bin/sh
# tm lookup, tm concordance and tm reindex on the sample bulletin memory:
# scores, the diff, numbers taken from the query, context matches,
# batch mode, JSON, language folding, usage errors.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

SAMPLE="$TM_SRCDIR/tests/data/sample-bulletin.tmx"
tm_plain --db m.db import -q "$SAMPLE" || fail "the sample imports"

run tm --db m.db lookup --from zh-CN --to en-US \
    "双方就疫情防控等共同关心的问题深入交换了意见。"
is "$RC" 0 "lookup exits 0"
like "$(cat "$OUT")" "^  100%  zh-CN -> en-US  tuid b2020-01-002" \
    "the same sentence is a 100% match, with its unit"
like "$(cat "$OUT")" "target: The two sides had an in-depth exchange" \
    "and its translation"

run tm --db m.db lookup --from zh --to en "1月30日，市外办主任会见了日本驻沪总领事一行。"
like "$(cat "$OUT")" " 99%.*numbers from the query" \
    "another date is 99 with the numbers replaced"
like "$(cat "$OUT")" "source: 1月\[-28-\]\{\+30\+\}日" "the diff shows the change"
like "$(cat "$OUT")" "target: On January 30, the Director" \
    "the target's date follows the query"
for min in 98 99; do
	run tm --db m.db lookup --from zh --to en --min $min \
	    "1月30日，市外办主任会见了日本驻沪总领事一行。"
	like "$(cat "$OUT")" " 99%.*numbers from the query" \
	    "--min $min still finds the 99 whose numbers come from the query"
done

run tm --db m.db lookup --from zh-CN --to en-US "截至2月3日，全市累计接收境外捐赠物资。"
like "$(cat "$OUT")" "  [5-9][0-9]%  zh-CN -> en-US  tuid b2020-02-001" \
    "a shorter sentence is a fuzzy match"
like "$(cat "$OUT")" "\[-190-\]\[-万-\]" "the words it lacks are marked"

run tm --db m.db lookup --from zh-CN --to en-US --min 95 "截至2月3日，全市累计接收境外捐赠物资。"
like "$(cat "$OUT")" "no match" "--min 95 leaves it out"

run tm --db m.db lookup --from zh-CN --to en-US --json \
    --context-before "副市长出席活动并致辞。" \
    "截至2月3日，全市累计接收境外捐赠物资190万件。"
is "$RC" 0 "lookup --json exits 0"
ok "--json is one JSON document" json_valid "$OUT"
is "$(json "$OUT" 'd["matches"][0]["score"]')" 101 \
    "the stored context (x-context-pre) makes it 101"
is "$(json "$OUT" 'd["matches"][0]["tuid"]')" b2020-02-001 "--json names the unit"
is "$(json "$OUT" 'd["matches"][0]["import"].endswith("sample-bulletin.tmx")')" \
    True "and the file it came from"

run tm --db m.db lookup --from en --to zh "the vice mayor attended the event and delivered a speech"
like "$(cat "$OUT")" " 99%  en-US -> zh-CN" "both directions work; case is 99"
like "$(cat "$OUT")" "target: 副市长出席活动并致辞。" "with the Chinese beside it"

printf '%s\n' "副市长出席活动并致辞。" "" "市外办" "没有这样的句子啊" >queries.txt
run tm --db m.db lookup --from zh-CN --to en-US - <queries.txt
is "$(grep -c '^query: ' "$OUT")" 3 "batch: one answer a non-empty line"
like "$(cat "$OUT")" "query: 市外办
  100%  zh-CN -> en-US  tuid b2020-02-006" "batch: each query answered in turn"
run tm --db m.db lookup --from zh-CN --to en-US --json - <queries.txt
ok "batch --json is one JSON array" json_valid "$OUT"
is "$(json "$OUT" 'len(d)')" 3 "with an object a query"

run tm --db m.db lookup --from zh-CN "x"
is "$RC" 2 "--to is required (exit 2)"
run tm --db m.db lookup --from zh-CN --to en --min 200 "x"
is "$RC" 2 "--min past 101 is a usage error"
run tm --db m.db lookup --from "zh CN" --to en "x"
is "$RC" 1 "a malformed language is refused"
like "$(cat "$ERR")" "'zh CN' is not a language tag" "and named"

run tm --db m.db concordance 口罩
is "$RC" 0 "concordance exits 0"
like "$(cat "$OUT")" ">>>口罩<<<" "the hit is marked"
like "$(cat "$OUT")" "en-US  The 50,000 masks" "the translation is beside it"
run tm --db m.db concordance --lang en-US --json "Consul General"
ok "concordance --json is JSON" json_valid "$OUT"
is "$(json "$OUT" 'len(d["hits"])')" 1 "an English term, case aside (Consulate is another word)"
is "$(json "$OUT" 'd["hits"][0]["text"].encode()[d["hits"][0]["start"]:d["hits"][0]["start"]+d["hits"][0]["length"]].decode()')" \
    "Consul General" "start and length mark the hit (bytes of the text)"
run tm --db m.db concordance --lang zh --in target masks
like "$(cat "$OUT")" "^en-US  The 50,000 >>>masks<<<" "--in target searches the translations"
run tm --db m.db concordance 辦
like "$(cat "$OUT")" "zh-TW  市外>>>辦<<<" "a single character is found"
run tm --db m.db concordance --in nowhere x
is "$RC" 2 "--in takes source, target or both"

# Traditional and Simplified: zh-TW serves zh-CN, folding is on by default.
run tm --db m.db lookup --from zh-TW --to en --min 90 "市外办"
like "$(cat "$OUT")" "tuid b2020-02-006" "by default a Simplified query finds zh-TW"
run tm --db m.db reindex --fold-traditional=off
is "$RC" 0 "reindex --fold-traditional=off"
run tm --db m.db lookup --from zh-TW --to en --min 90 "市外办"
like "$(cat "$OUT")" "no match" "without folding a Simplified query misses zh-TW"
run tm --db m.db reindex --fold-traditional=on
is "$RC" 0 "reindex --fold-traditional=on"
run tm --db m.db lookup --from zh-TW --to en --min 90 "市外办"
like "$(cat "$OUT")" "tuid b2020-02-006" "with folding a Simplified query finds zh-TW"
run tm --db m.db reindex --fold-traditional=maybe
is "$RC" 2 "--fold-traditional takes on or off"
run tm --db nothing-here.db lookup --from zh --to en x
is "$RC" 1 "lookup in a missing memory exits 1"
ok "and creates nothing" test ! -e nothing-here.db

done_testing
