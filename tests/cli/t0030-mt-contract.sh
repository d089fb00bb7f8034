#!/bin/sh
# tm mt against the loopback contract server (tests/mt-server.py): each
# provider's request shape (auth, language codes, batch limits, Google's
# format=text, Baidu's sign), its reply (Microsoft's BOM), the order of
# the segments, the cache (a second run makes no request, --no-cache
# does), tm mt --list, and MT output kept out of the memory.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$TM_SRCDIR/tests/mt-lib.sh"

mt_server_start

cat >config <<EOF
; one provider of each type, all against the test server
[provider deepl]
type = deepl
url = $BASE/ok-deepl
key_env = MT_TEST_KEY
batch = 2

[provider google]
type = google
url = $BASE/ok-google
key_env = MT_TEST_KEY

[provider microsoft]
type = microsoft
url = $BASE/ok-microsoft/
key_env = MT_TEST_KEY
region = westeurope

[provider libre]
type = libretranslate
url = $BASE/ok-libre
key_env = MT_TEST_KEY

[provider apy]
type = apertium
url = $BASE/ok-apy

[provider llm]
type = openai
url = $BASE/ok-llm
key_env = MT_TEST_KEY
model = test-model
batch = 3

[provider slow3]
type = libretranslate
url = $BASE/slow-3
key_env = MT_TEST_KEY
batch = 1
concurrency = 3

[provider slow1]
type = libretranslate
url = $BASE/slow-1
key_env = MT_TEST_KEY
batch = 1
concurrency = 1

[provider baidu]
type = baidu
url = $BASE/ok-baidu
key_env = MT_TEST_KEY
appid = test-appid
EOF
TM_CONFIG=$TEST_DIR/config
export TM_CONFIG

printf '%s\n' "国务院新闻办公室举行发布会。" "外交部发言人答记者问。" \
    "Second line, in English." "第四句。" "最后一句，第五句。" >in.txt
: >all-out.txt

# check PROVIDER FROM TO PREFIX: translate in.txt and compare line by line
check()
{
	run tm --db m.db mt --provider "$1" --from "$2" --to "$3" - <in.txt
	cat "$OUT" "$ERR" >>all-out.txt
	is "$RC" 0 "$1: exits 0"
	sed "s/^/[$4] /" in.txt >expect.txt
	same_file "$OUT" expect.txt "$1: one line a segment, in order, code $4"
	is "$(cat "$ERR")" "" "$1: nothing on stderr"
}

check deepl zh-CN en-US EN-US
is "$(mt_log 'sorted((r["n"] for r in reqs if r["scenario"] == "ok-deepl"), reverse=True)')" \
    "[2, 2, 1]" "deepl: batches within the configured limit (2)"
is "$(mt_log 'all(r["auth_ok"] and r["headers"]["authorization"].startswith("DeepL-Auth-Key ") for r in reqs)')" \
    True "deepl: DeepL-Auth-Key header"
is "$(mt_log 'sorted(set(json.loads(r["body"])["source_lang"] for r in reqs))')" \
    '["ZH"]' "deepl: source ZH for zh-CN"

check google zh-CN en en
is "$(mt_log '[(r["n"], r["format"], r["auth_ok"]) for r in reqs if r["scenario"] == "ok-google"]')" \
    '[[5, "text", true]]' "google: one batch, format=text, the key as ?key="

check microsoft zh-Hans en-GB en
is "$(mt_log '[(r["query"], r["headers"].get("ocp-apim-subscription-region")) for r in reqs if r["scenario"] == "ok-microsoft"]')" \
    '[["api-version=3.0&from=zh-Hans&to=en", "westeurope"]]' \
    "microsoft: api-version, zh-Hans, the region header (reply with a BOM)"

check libre zh-TW en en
is "$(mt_log '[(json.loads(r["body"])["source"], r["format"]) for r in reqs if r["scenario"] == "ok-libre"]')" \
    '[["zh-Hant", "text"]]' "libretranslate: zh-Hant source, format text, api_key"

check apy en es spa
is "$(mt_log '[r["body"].count("langpair=eng%7Cspa") for r in reqs if r["scenario"] == "ok-apy"]')" \
    "[1]" "apertium: ISO 639-3 pair, the batch as lines of one text"

check llm zh-CN en-US en-US
is "$(mt_log 'sorted((r["n"] for r in reqs if r["scenario"] == "ok-llm"), reverse=True)')" \
    "[3, 2]" "openai: batches of 3 as a JSON array"
like "$(mt_log '[r for r in reqs if r["scenario"] == "ok-llm"][0]["system"].replace("\n", " ")')" \
    "faithfully.*Chinese \(China\) \[zh-CN\].*English \(United States\) \[en-US\]" \
    "openai: the system prompt asks for a faithful translation, names the languages"
is "$(mt_log '[json.loads(r["body"])["model"] for r in reqs if r["scenario"] == "ok-llm"][0]')" \
    test-model "openai: the configured model"

check baidu zh-CN en en
is "$(mt_log '[(r["n"], r["sign_ok"]) for r in reqs if r["scenario"] == "ok-baidu"]')" \
    '[[5, true]]' "baidu: lines of one q, MD5 sign right"

# The cache: the same text again makes no request.
before=$(wc -l <"$MT_LOG")
# (en-US and en-GB are "en" for Google, Microsoft and Baidu.)
for x in deepl:zh-CN:en-US google:zh-CN:en-US microsoft:zh-CN:en-US \
    libre:zh-Hant:en llm:zh-CN:en-US baidu:zh-SG:en-GB; do
	p=${x%%:*} to=${x##*:} from=${x#*:}
	from=${from%:*}
	run tm --db m.db mt --provider $p --from $from --to $to - <in.txt
	cat "$OUT" "$ERR" >>all-out.txt
	[ "$RC" = 0 ] || fail "$p: cached run exits 0"
done
run tm --db m.db mt --provider apy --from en --to es --json - <in.txt
cat "$OUT" "$ERR" >>all-out.txt
is "$(wc -l <"$MT_LOG")" "$((before + 0))" \
    "a second run of every provider makes no request"
is "$(json "$OUT" '[d["requests"], [s["cached"] for s in d["segments"]]]')" \
    "[0, [true, true, true, true, true]]" "--json says cached, 0 requests"
is "$(json "$OUT" 'd["segments"][2]["text"]')" "[spa] Second line, in English." \
    "--json gives the text"

run tm --db m.db mt --provider apy --from en --to es --no-cache --json - <in.txt
is "$(json "$OUT" '[d["requests"], [s["cached"] for s in d["segments"]]]')" \
    "[1, [false, false, false, false, false]]" "--no-cache asks again"
is "$(mt_count ok-apy)" 2 "and the server saw it"

run tm --db m.db mt --provider apy --from en --to es "Single text"
is "$(cat "$OUT")" "[spa] Single text" "a TEXT argument"
run tm --db m.db mt --provider apy --from en --to spa "Single text"
is "$(cat "$OUT")" "[spa] Single text" "an ISO 639-3 code passes as is"

# Same text, other target: another cache entry, another request.
n=$(mt_count ok-deepl)
run tm --db m.db mt --provider deepl --from zh-CN --to zh-TW "第四句。"
is "$(cat "$OUT")" "[ZH-HANT] 第四句。" "deepl: ZH-HANT for zh-TW"
is "$(mt_count ok-deepl)" "$((n + 1))" "a new language pair is not cached"

# Empty lines stay empty and cost nothing; long batches keep order.
printf 'a\n\nb\n' | tm --db m.db mt --provider google --from en --to fr - >out.txt
printf '[fr] a\n\n[fr] b\n' >expect.txt
same_file out.txt expect.txt "an empty line stays an empty line"
seq 1 300 | sed 's/^/segment /' >many.txt
run tm --db m.db mt --provider deepl --from en --to de - <many.txt
sed 's/^/[DE] /' many.txt >expect.txt
same_file "$OUT" expect.txt "300 segments in 150 requests, 4 at once, in order"
is "$(mt_log 'max(r["n"] for r in reqs if r["scenario"] == "ok-deepl")')" 2 \
    "never more than the batch limit"

# Concurrency: requests at once, never more than configured, order kept.
seq 1 9 | sed 's/^/slow /' >slow.txt
run tm --db m.db mt --provider slow3 --from en --to fr - <slow.txt
sed 's/^/[fr] /' slow.txt >expect.txt
same_file "$OUT" expect.txt "9 slow requests, 3 at once: in order"
is "$(mt_log 'max(r["inflight"] for r in reqs if r["scenario"] == "slow-3")')" 3 \
    "the server saw 3 requests at once, no more"
run tm --db m.db mt --provider slow1 --from en --to fr - <slow.txt
is "$(mt_log 'max(r["inflight"] for r in reqs if r["scenario"] == "slow-1")')" 1 \
    "with concurrency = 1, one at a time"

# An old (schema 3) memory is migrated by tm mt and gains the cache.
if on_sqlite; then
	tm_plain --db old.db stats >/dev/null 2>&1 || tm_plain --db old.db import -q "$DATA/sample-bulletin.tmx"
	python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("DROP TABLE mt_cache"); c.execute("DROP TABLE sketch"); c.execute("PRAGMA user_version = 3"); c.commit()' old.db
	run tm --db old.db mt --provider google --from en --to fr "a"
	is "$RC.$(cat "$OUT")" "0.[fr] a" "tm mt on a schema 3 memory migrates it"
	is "$(python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute("PRAGMA user_version").fetchone()[0], c.execute("select count(*) from mt_cache").fetchone()[0])' old.db)" \
	    "9 1" "to schema 9, with the translation cached"
else
	skip "tm mt on a schema 3 memory migrates it" "$NOT_SQLITE"
	skip "to schema 9, with the translation cached" "$NOT_SQLITE"
fi

# tm mt --list: names, types, URLs, whether the key is set; never the key.
run tm mt --list
cat "$OUT" "$ERR" >>all-out.txt
is "$RC" 0 "--list exits 0"
like "$(cat "$OUT")" "^deepl +deepl +$BASE/ok-deepl  key \\\$MT_TEST_KEY set" \
    "--list names a provider, its URL and that its key is set"
like "$(cat "$OUT")" "^apy +apertium .* no key" "a provider without key"
run env -u MT_TEST_KEY "$TM_BIN" mt --list --json
cat "$OUT" "$ERR" >>all-out.txt
ok "--list --json is JSON" json_valid "$OUT"
is "$(json "$OUT" '[(p["name"], p["key_set"]) for p in d["providers"]][:2]')" \
    '[["deepl", false], ["google", false]]' "--json: key_set false when unset"

# MT output never reaches the memory.
run tm --db m.db stats --json
is "$(json "$OUT" 'd["units"]')" 0 "the memory holds no unit after mt"
run tm --db m.db lookup --from zh-CN --to en-US "外交部发言人答记者问。"
like "$(cat "$OUT")" "no match" "lookup does not return MT output"
run tm --db m.db concordance "English"
unlike "$(cat "$OUT")" "Second line" "concordance does not either"
run tm --db m.db export
unlike "$(cat "$OUT")" "<tu" "nor does export"
is "$(mem_sql m.db "SELECT count(*) FROM mt_cache")" \
    "$(mem_sql m.db "SELECT count(*) FROM mt_cache WHERE target LIKE '[%'")" \
    "the translations are in mt_cache"

# The key appears nowhere: outputs, the database, its WAL.
if grep -F -q -e "$MT_TEST_KEY" all-out.txt m.db m.db-wal 2>/dev/null; then
	fail "the key appears in no output and not in the database"
else
	pass "the key appears in no output and not in the database"
fi

done_testing
