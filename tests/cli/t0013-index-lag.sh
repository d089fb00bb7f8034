#!/bin/sh
# An import killed in its index phase leaves its units committed but not
# indexed.  Lookups and concordance still find them (searched one by one)
# and say so, without writing; tm stats shows the lag; tm reindex or the
# next import clears it.
#
# The state is made exactly as the kill leaves it, in every build: the
# units are imported, then the index's own transaction is undone in SQL
# (its run's rows deleted, the marks put back).

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

# unit FILE ZH EN: a TMX file of one unit.
unit()
{
	cat >"$1" <<EOT
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="zh-CN"/><body>
<tu><tuv xml:lang="zh-CN"><seg>$2</seg></tuv><tuv xml:lang="en-US"><seg>$3</seg></tuv></tu>
</body></tmx>
EOT
}

# marks DB: the index's marks, to put back later.
marks()
{
	mem_sql "$1" "SELECT value FROM meta WHERE key = 'index_tuv';
	    SELECT value FROM meta WHERE key = 'index_runs'" | tr '\n' ' '
}

# unindex DB TUV RUNS: undo every index update after the marks TUV, RUNS.
unindex()
{
	mem_sql "$1" "DELETE FROM ngram WHERE (run >> 24) >= $3;
	    UPDATE meta SET value = $2 WHERE key = 'index_tuv';
	    UPDATE meta SET value = $3 WHERE key = 'index_runs'"
}

# state DB: the database's bytes (its WAL, if any, included) on SQLite;
# on PostgreSQL what a write would change: the statistics, the index's
# marks and the tables' sizes.
state()
{
	if on_sqlite; then
		cat "$1" "$1-wal" 2>/dev/null | cksum
	else
		{ stats_state "$1"; mem_sql "$1" "SELECT key, value FROM meta
		    ORDER BY key; SELECT count(*) FROM tu; SELECT count(*) FROM tuv;
		    SELECT count(*) FROM ngram"; } | cksum
	fi
}

NEW_ZH=驻沪领事馆今天向市外办赠送了防疫物资。
NEW_EN="The consulate in Shanghai gave the Foreign Affairs Office epidemic supplies today."
unit new.tmx "$NEW_ZH" "$NEW_EN"
unit new2.tmx "驻沪总领事馆明天将举办开放日活动。" \
    "The Consulate General in Shanghai will hold an open day tomorrow."
unit fourth.tmx "市外办举行了新春招待会。" \
    "The Foreign Affairs Office held a Spring Festival reception."
unit third.tmx "外国记者参观了新落成的国际会议中心。" \
    "Foreign journalists visited the new International Conference Centre."

tm --db k.db import -q "$DATA/zh-en.tmx"
is "$?" 0 "a first import, indexed"
set -- $(marks k.db)
tm --db k.db import -q new.tmx
is "$?" 0 "a second import"
ok "its index update undone, as a kill in the index phase leaves it" \
    unindex k.db "$1" "$2"
before=$(state k.db)

run tm --db k.db stats
is "$RC" 0 "stats exits 0"
like "$(cat "$OUT")" "^index +1 unit not yet indexed" \
    "stats shows how far behind the index is"
run tm --db k.db stats --json
is "$(json "$OUT" 'd["index_behind"]')" 1 "stats --json: index_behind"

run tm --db k.db lookup --from zh-CN --to en-US "$NEW_ZH"
is "$RC" 0 "lookup on a lagging index exits 0"
like "$(sed -n 2p "$OUT")" "^ +100% " "the unit past the index is found at 100"
like "$(cat "$OUT")" "gave the Foreign Affairs Office" "with its translation"
is "$(cat "$ERR")" "tm: lookup: the index is 1 unit behind; it was searched one by one (run 'tm reindex')" \
    "lookup says, on stderr, that the index lags"
run tm --db k.db lookup --from zh-CN --to en-US --json "$NEW_ZH"
is "$(json "$OUT" 'd["index_behind"]')" 1 "lookup --json: index_behind"
is "$(json "$OUT" 'd["matches"][0]["score"]')" 100 "lookup --json: the match"
run tm --db k.db lookup --from zh-CN --to en-US "日本友好城市捐赠了5万只口罩。"
like "$(sed -n 2p "$OUT")" "^ +100% " "indexed units are found as before"
run tm --db k.db concordance --lang zh "赠送"
is "$RC" 0 "concordance on a lagging index exits 0"
like "$(cat "$OUT")" "领事馆今天向市外办>>>赠送<<<了防疫物资" \
    "concordance finds the unit past the index"
like "$(cat "$ERR")" "index is 1 unit behind" "and says so"
run tm --db k.db concordance --json --lang zh "赠送"
is "$(json "$OUT" 'd["index_behind"]')" 1 "concordance --json: index_behind"
is "$(state k.db)" "$before" "lookups and concordance left the database unchanged"

run tm --db k.db reindex
is "$RC" 0 "reindex exits 0"
run tm --db k.db stats
like "$(cat "$OUT")" "^index +up to date" "stats: the index is up to date"
run tm --db k.db stats --json
is "$(json "$OUT" 'd["index_behind"]')" 0 "stats --json: index_behind 0"
run tm --db k.db lookup --from zh-CN --to en-US --json "$NEW_ZH"
is "$(json "$OUT" 'd["index_behind"]')" 0 "lookup --json: index_behind 0"
is "$(json "$OUT" 'd["matches"][0]["score"]')" 100 "the unit is found in the index"
is "$(cat "$ERR")" "" "and no note"

# The next import catches up too.
set -- $(marks k.db)
tm --db k.db import -q fourth.tmx
ok "the lag made again" unindex k.db "$1" "$2"
run tm --db k.db stats --json
like "$(json "$OUT" 'd["index_behind"]')" "^[1-9]" "the index lags again"
tm --db k.db import -q third.tmx
is "$?" 0 "another import"
run tm --db k.db stats --json
is "$(json "$OUT" 'd["index_behind"]')" 0 "the next import indexed what was left"
run tm --db k.db lookup --from zh-CN --to en-US "外国记者参观了新落成的国际会议中心。"
like "$(sed -n 2p "$OUT")" "^ +100% " "its units are found"
is "$(cat "$ERR")" "" "without a note"

# tm serve catches up on its own: at its start, and when a lookup finds
# units past the index.
set -- $(marks k.db)
tm_plain --db k.db import -q new2.tmx
ok "the lag made once more" unindex k.db "$1" "$2"
run tm --db k.db stats --json
like "$(json "$OUT" 'd["index_behind"]')" "^[1-9]" "the index lags before the server starts"
if serve_start k.db; then
	_w=0
	while [ $_w -lt 100 ]; do
		curl -s "$URL/api/v1/stats" >st.json
		[ "$(json st.json 'd["index_behind"]')" = 0 ] && break
		sleep 0.1
		_w=$((_w + 1))
	done
	is "$(json st.json 'd["index_behind"]')" 0 "tm serve caught the index up by itself"
	Q=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("驻沪总领事馆明天将举办开放日活动。"))')
	curl -s "$URL/api/v1/lookup?from=zh-CN&to=en-US&q=$Q" >l.json
	is "$(json l.json 'd["matches"][0]["score"]')" 100 "and its lookups find the unit in the index"
	is "$(json l.json 'd["index_behind"]')" 0 "with nothing left to search one by one"
	serve_stop
else
	fail "the server starts"
fi

done_testing
