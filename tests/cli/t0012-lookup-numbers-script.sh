#!/bin/sh
# tm lookup and Chinese: a fuzzy match whose numbers differ gets the
# query's numbers in its translation in the translation's own style,
# whichever way it goes (50,000 → 80,000 turns 五万 into 八万 and 5万 into
# 8万), Chinese numerals are numbers (百分之五 → 百分之八, 五万 → 八万), a
# replacement that cannot be made is never claimed; Traditional Chinese
# is folded to Simplified by default (99, the script said to differ, in
# lookups and concordance), an older memory is migrated, and folding can
# still be turned off.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

DATA="$TM_SRCDIR/tests/data"
tm_plain --db m.db import -q "$DATA/numbers-zh.tmx" "$DATA/sample-bulletin.tmx" ||
    fail "importing the fixtures"

# look FROM TO QUERY EXPR: a Python expression over the best match m.
look()
{
	run tm --db m.db lookup --json --from "$1" --to "$2" "$3"
	json "$OUT" "(lambda m: $4)(d['matches'][0]) if d['matches'] else None"
}

# English to Chinese.
is "$(look en zh 'The 80,000 masks donated by our sister city in Japan arrived in our city on January 29.' \
    '[m["score"], m["numbers_replaced"], m["target"]]')" \
    '[99, true, "日本友好城市捐赠的8万只口罩已于1月29日运抵我市。"]' \
    "en→zh: 50,000 → 80,000 writes 8万 for 5万"
is "$(look en zh 'The consulate received 80,000 masks from the Red Cross.' 'm["target"]')" \
    "总领馆从红十字会收到八万只口罩。" "en→zh: ... and 八万 for 五万"
is "$(look en zh 'Prices rose 8% in the first half of the year.' 'm["target"]')" \
    "上半年价格上涨了百分之八。" "en→zh: 5% → 8% writes 百分之八"
is "$(look en zh 'Flight CA 926 from Beijing lands at noon on Friday.' \
    '[m["score"] < 99, m["numbers_replaced"], m["target"]]')" \
    '[true, false, "来自北京的国航航班周五中午抵达。"]' \
    "en→zh: a number the translation does not hold is not claimed, nor scored 99"
run tm --db m.db lookup --from en --to zh 'Flight CA 926 from Beijing lands at noon on Friday.'
unlike "$(cat "$OUT")" "numbers from the query" "... nor said in the text output"

# Chinese numerals are numbers.
is "$(look zh en '一季度出口额同比增长百分之八。' \
    '[m["score"], m["numbers_replaced"], m["target"]]')" \
    '[99, true, "Exports grew by 8% year on year in the first quarter."]' \
    "百分之五 → 百分之八 is a number change"
is "$(look zh en '当地商会向我市捐赠了八万只口罩。' \
    '[m["score"], m["numbers_replaced"], m["target"]]')" \
    '[99, true, "The local chamber of commerce donated 80,000 masks to our city."]' \
    "五万 → 八万 is a number change"
is "$(look zh en '当地商会向我市捐赠了十五万只口罩。' 'm["target"]')" \
    "The local chamber of commerce donated 150,000 masks to our city." \
    "五万 → 十五万 too"
is "$(look zh en '日本友好城市捐赠的8万只口罩已于1月29日运抵我市。' 'm["target"]')" \
    "The 80,000 masks donated by our sister city in Japan arrived in our city on January 29." \
    "zh→en as before: 5万 → 8万 writes 80,000"

# Traditional Chinese, folded by default.
Q='市政府新聞辦公室舉行新聞發佈會。'
is "$(look zh-TW en "$Q" '[m["score"], m["script_differs"], m["target"]]')" \
    '[99, true, "The Information Office of the Municipal Government held a press conference."]' \
    "a Traditional query finds its Simplified unit at 99, the script said to differ"
is "$(look zh en '市政府新闻办公室举行新闻发布会。' '[m["score"], m["script_differs"]]')" \
    '[100, false]' "the Simplified query: 100, same script"
run tm --db m.db lookup --from zh-TW --to en "$Q"
like "$(cat "$OUT")" "99%.*Traditional/Simplified script differs" "said in the text output"
run tm --db m.db concordance '新聞發佈會'
like "$(cat "$OUT")" "zh-CN  市政府新闻办公室举行>>>新闻发布会<<<" "concordance folds too"

# An older memory (schema 7, keys made without folding) is migrated.
if on_sqlite; then
	tm_plain --db old.db import -q "$DATA/numbers-zh.tmx"
	tm_plain --db old.db reindex --fold-traditional=off
	python3 - <<'PY'
import sqlite3
c = sqlite3.connect("old.db")
c.execute("DELETE FROM meta WHERE key IN ('fold_traditional', 'key_rules')")
c.execute("PRAGMA user_version = 7")
c.commit()
PY
	run tm --db old.db lookup --from zh-TW --to en "$Q"
	is "$RC" 1 "an older memory opened read-only"
	like "$(cat "$ERR")" "needs migrating.*tm reindex" "... asks for a writing command"
	run tm --db old.db reindex
	is "$RC" 0 "tm reindex migrates it"
	run tm --db old.db lookup --json --from zh-TW --to en "$Q"
	is "$(json "$OUT" 'd["matches"][0]["score"]')" 99 "... and folds its keys"
else
	skip "an older memory opened read-only" "$NOT_SQLITE"
	skip "... asks for a writing command" "$NOT_SQLITE"
	skip "tm reindex migrates it" "$NOT_SQLITE"
	skip "... and folds its keys" "$NOT_SQLITE"
fi

# Folding can still be turned off.
run tm --db m.db reindex --fold-traditional=off
is "$RC" 0 "reindex --fold-traditional=off"
is "$(look zh-TW en "$Q" 'm["score"]')" null \
    "... then a Traditional query misses (zh-TW is not zh-CN)"
is "$(look zh-CN en "$Q" 'm["score"] < 80')" True \
    "... and scores low against its Simplified unit"
tm_plain --db m.db import -q "$DATA/numbers-zh.tmx" >/dev/null 2>&1
is "$(look zh-CN en "$Q" 'm["score"] < 80')" True "... also after another import"

done_testing
