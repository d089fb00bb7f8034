#!/bin/sh
# tm mt when things go wrong, against the loopback contract server:
# retries with backoff on 429/5xx/broken connections (Retry-After in
# seconds and as a date), none on auth, quota or a bad language; HTTP-200
# errors (Baidu), malformed JSON, a truncated body, a server that never
# answers, a refused connection; a batch reply with the wrong count split
# into single requests; a partial failure keeps (and caches) what
# succeeded; every failure named by line with the provider's message; the
# key never shown; config and usage errors.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$TM_SRCDIR/tests/mt-lib.sh"

mt_server_start

# A closed port for "connection refused".
DEAD=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

# provider NAME TYPE SCENARIO [OPTION...]: a config section; retries are
# quick (a few ms) so that the tests stay fast.
provider()
{
	printf '[provider %s]\ntype = %s\nurl = %s\nkey_env = MT_TEST_KEY\n' \
	    "$1" "$2" "$BASE/$3"
	[ "$2" = baidu ] && printf 'appid = test-appid\n'
	printf 'retries = 3\nretry_base_ms = 5\nretry_cap_ms = 20\ntimeout = 30\n'
	shift 3
	for o in "$@"; do
		printf '%s\n' "$o"
	done
	printf '\n'
}
{
	provider d503 deepl s503x1-a
	provider d500 deepl s500-a
	provider d429 deepl s429rax1-a
	provider d503date deepl s503datex1-a
	provider d456 deepl s456-a
	provider d403 deepl s403-a
	provider dpart deepl s456x1-b "batch = 2" "concurrency = 1"
	provider dbadjson deepl badjson-a
	provider dtrunc deepl trunc-a "retries = 1"
	provider dhang deepl hang-a "timeout = 1" "retries = 0"
	provider decho deepl echokey-a
	provider g401 google s401-a
	provider grate google ratex1-a
	provider gdaily google daily-a
	provider gecho google echokey-b
	provider m429 microsoft s429x2-a
	provider m401 microsoft s401-a
	provider l500 libretranslate s500x1-a "batch_bytes = 4000"
	provider l403 libretranslate s403-a
	provider b54003 baidu e54003x1-a
	provider b54004 baidu e54004-a
	provider b52003 baidu e52003-a
	provider oquota openai quota-a
	provider o503 openai s503x1-a
	provider ocount openai wrongcount-a "batch = 3"
	provider ofence openai fence-a "batch = 3"
	provider olength openai length-a "batch = 3"
	provider acount apertium wrongcount-b
	provider a400 apertium s400-a
	printf '[provider refused]\ntype = deepl\nurl = http://127.0.0.1:%s\n' "$DEAD"
	printf 'key_env = MT_TEST_KEY\nretries = 2\nretry_base_ms = 5\n'
	printf 'retry_cap_ms = 10\n\n'
	printf '[provider nokey]\ntype = deepl\nurl = %s/ok-z\n' "$BASE"
	printf 'key_env = TM_TEST_UNSET_KEY\n\n'
	printf '[provider wrongkey]\ntype = deepl\nurl = %s/ok-w\n' "$BASE"
	printf 'key_env = WRONG_KEY\nretry_base_ms = 5\n'
} >config
TM_CONFIG=$TEST_DIR/config
WRONG_KEY=not-the-right-one
export TM_CONFIG WRONG_KEY
: >all-out.txt

# mt NAME [TEXT...]: translate the texts (default "one", "two") as lines
mt()
{
	_p=$1
	shift
	[ $# -gt 0 ] || set -- one two
	printf '%s\n' "$@" >in.txt
	run tm --db m.db mt --provider "$_p" --from en --to de - <in.txt
	cat "$OUT" "$ERR" >>all-out.txt
}

mt d503
is "$RC" 0 "503 once: retried, then exit 0"
is "$(cat "$OUT")" "$(printf '[DE] one\n[DE] two')" "and translated"
is "$(mt_count s503x1-a)" 2 "two requests"

mt d500
is "$RC" 1 "500 always: exit 1"
is "$(cat "$OUT")" "$(printf '\n')" "each failed line left empty"
like "$(cat "$ERR")" "^tm: mt: line 1: d500: HTTP 500: Server trouble 500 \(after 4 attempts\)$" \
    "stderr names the line, the provider and its message"
like "$(cat "$ERR")" "^tm: mt: line 2: " "and every failed line"
is "$(mt_count s500-a)" 4 "retried 3 times, then gave up"

mt d429
is "$RC" 0 "429 with Retry-After: 1: waits, then succeeds"
is "$(mt_count s429rax1-a)" 2 "two requests"
mt d503date
is "$RC" 0 "503 with Retry-After as an HTTP date: succeeds"
is "$(mt_count s503datex1-a)" 2 "two requests"

mt d456
is "$RC" 1 "DeepL 456: exit 1"
like "$(cat "$ERR")" "line 1: d456: HTTP 456: Quota Exceeded \(quota exceeded\)$" \
    "with DeepL's message"
is "$(mt_count s456-a)" 1 "quota: no retry"
mt d403
is "$(mt_count s403-a)" 1 "403: no retry"
like "$(cat "$ERR")" "HTTP 403: Forbidden" "403 reported"

mt wrongkey
is "$RC" 1 "a wrong key: exit 1"
like "$(cat "$ERR")" "wrongkey: HTTP 403: invalid key$" "with the provider's message"
is "$(mt_count ok-w)" 1 "and no retry"

# A partial failure: the first batch fails, the others arrive and are
# cached; the next run asks only for the missing ones.
mt dpart a b c d e
is "$RC" 1 "a failed batch among good ones: exit 1"
is "$(cat "$OUT")" "$(printf '\n\n[DE] c\n[DE] d\n[DE] e')" \
    "the other batches' translations are kept, in place"
like "$(cat "$ERR")" "line 2: dpart: HTTP 456" "the failed lines are named"
unlike "$(cat "$ERR")" "line 3" "and only those"
mt dpart a b c d e
is "$RC" 0 "the next run succeeds"
is "$(mt_log 'sorted((r["n"] for r in reqs if r["scenario"] == "s456x1-b"), reverse=True)')" \
    "[2, 2, 2, 1]" "asking only for what the cache lacks"

mt dbadjson
is "$RC" 1 "malformed JSON: exit 1"
like "$(cat "$ERR")" "HTTP 200: the reply is not the JSON expected" "said so"
is "$(mt_count badjson-a)" 1 "no retry"

mt dtrunc
is "$RC" 1 "a truncated body: exit 1"
like "$(cat "$ERR")" "dtrunc: .*(transfer closed|[Pp]artial).*\(after 2 attempts\)" \
    "curl's message, after one retry"
is "$(mt_count trunc-a)" 2 "a broken transfer is retried"

run tm_timeout 20 --db m.db mt --provider dhang --from en --to de hello
cat "$OUT" "$ERR" >>all-out.txt
is "$RC" 1 "a server that never answers: exit 1 (timeout 1 s)"
like "$(cat "$ERR")" "dhang: .*[Tt]imeout|timed out" "a timeout is reported"

mt refused
is "$RC" 1 "connection refused: exit 1"
like "$(cat "$ERR")" "refused: .*(connect|Connection refused).*\(after 3 attempts\)" \
    "reported after the retries"

mt decho
is "$RC" 1 "an error message that repeats the key"
like "$(cat "$ERR")" "decho: HTTP 401: key \*\*\* refused at https://x.example/\?key=\*\*\*" \
    "has the key blanked, plain and URL-encoded"

mt g401
is "$(mt_count s401-a)" 1 "google 401: no retry"
mt grate
is "$RC" 0 "google userRateLimitExceeded: retried, succeeds"
is "$(mt_count ratex1-a)" 2 "two requests"
mt gdaily
is "$RC" 1 "google dailyLimitExceeded: exit 1"
like "$(cat "$ERR")" "HTTP 403: Limit exceeded \(dailyLimitExceeded\)" \
    "with Google's reason"
is "$(mt_count daily-a)" 1 "no retry"
mt gecho
like "$(cat "$ERR")" "gecho: HTTP 401: key \*\*\* refused at https://x.example/\?key=\*\*\*" \
    "google: the key the server repeats is blanked"
unlike "$(cat "$ERR")" "sekrit" "no part of it left"

mt m429
is "$RC" 0 "microsoft 429 twice: retried"
is "$(mt_count s429x2-a)" 3 "three requests"
mt m401
like "$(cat "$ERR")" "m401: HTTP 401: Unauthorized \(401000\)" "microsoft's error code"

mt l500
is "$RC" 0 "libretranslate 500 once: retried"
mt l403
like "$(cat "$ERR")" "l403: HTTP 403: Forbidden$" "libretranslate's error"

mt b54003
is "$RC" 0 "baidu 54003 (rate, in an HTTP 200): retried"
is "$(mt_count e54003x1-a)" 2 "two requests"
mt b54004
is "$RC" 1 "baidu 54004 (balance): exit 1"
like "$(cat "$ERR")" "b54004: HTTP 200: error 54004: Baidu error 54004" \
    "an error sent with HTTP 200 is an error"
is "$(mt_count e54004-a)" 1 "no retry"
mt b52003
is "$(mt_count e52003-a)" 1 "baidu 52003 (unauthorised): no retry"

mt oquota
is "$RC" 1 "openai insufficient_quota: exit 1"
like "$(cat "$ERR")" "oquota: HTTP 429: You exceeded your current quota \(insufficient_quota\)" \
    "with OpenAI's message"
is "$(mt_count quota-a)" 1 "a 429 for quota is not retried"
mt o503
is "$RC" 0 "openai 503 once: retried"

mt ocount a b c
is "$RC" 0 "a batch reply with a missing line"
is "$(cat "$OUT")" "$(printf '[de] a\n[de] b\n[de] c')" \
    "is asked again segment by segment"
is "$(mt_log '[r["n"] for r in reqs if r["scenario"] == "wrongcount-a"]')" \
    "[3, 1, 1, 1]" "one batch, then one request a segment"
mt ofence a b c
is "$RC.$(mt_count fence-a)" 0.1 "a JSON array inside a \`\`\` fence is taken as is"
is "$(cat "$OUT")" "$(printf '[de] a\n[de] b\n[de] c')" "in order"
mt olength a b c
is "$RC" 0 "a batch reply cut short (finish_reason length)"
is "$(mt_log '[r["n"] for r in reqs if r["scenario"] == "length-a"]')" \
    "[3, 1, 1, 1]" "is asked again segment by segment"
mt acount a b
is "$RC" 0 "apertium: the same"
is "$(mt_count wrongcount-b)" 3 "1 batch + 2 singles"
mt a400
like "$(cat "$ERR")" "a400: HTTP 400: Server trouble 400" "apertium's explanation"

# A cache that cannot be written loses no translation.
tm_plain --db full.db mt --provider l500 --from en --to it x >/dev/null 2>&1
if on_sqlite; then
	python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("CREATE TRIGGER full BEFORE INSERT ON mt_cache BEGIN SELECT RAISE(ABORT, \"the cache is full\"); END"); c.commit()' full.db
else
	mem_sql full.db "CREATE FUNCTION cache_full() RETURNS trigger
	    LANGUAGE plpgsql AS \$\$BEGIN RAISE 'the cache is full'; END\$\$;
	    CREATE TRIGGER cache_full BEFORE INSERT ON mt_cache
	    FOR EACH ROW EXECUTE FUNCTION cache_full()"
fi
printf 'one\ntwo\n' >in.txt
run tm --db full.db mt --provider l500 --from en --to it - <in.txt
is "$RC" 0 "a cache that cannot be written: the translations still come"
is "$(cat "$OUT")" "$(printf '[it] one\n[it] two')" "all of them"
like "$(cat "$ERR")" "warning: the translations were not cached: .*the cache is full" \
    "with a warning saying why"

# Per-segment problems on input.
printf 'good\n\377bad\n' >in.txt
run tm --db m.db mt --provider l500 --from en --to de - <in.txt
is "$RC" 1 "a line that is not UTF-8: exit 1"
like "$(cat "$ERR")" "line 2: l500: the text is not valid UTF-8" "named"
is "$(head -n 1 "$OUT")" "[de] good" "the others are translated"

# A segment larger than a request may carry is refused, not cut short.
{
	echo "short one"
	python3 -c 'print("word " * 1000)'
	echo "short two"
} >in.txt
run tm --db m.db mt --provider l500 --from en --to es - <in.txt
is "$RC" 1 "a 5000-byte segment for a 4000-byte provider: exit 1"
like "$(cat "$ERR")" "^tm: mt: line 2: l500: the text is 5000 bytes, more than the 4000 a request may carry$" \
    "named, with the sizes"
is "$(sed -n 3p "$OUT")" "[es] short two" "the other lines are translated"

# Languages a provider cannot take.
run tm --db m.db mt --provider acount --from xx-invalid-tag-- --to de x
is "$RC" 1 "a malformed language: exit 1"
run tm --db m.db mt --provider acount --from en --to zz x
like "$(cat "$ERR")" "no ISO 639-3 code known for 'zz'" "apertium: unknown 639-1"

# Config and usage errors.
run tm --db m.db mt --provider nokey --from en --to de x
is "$RC" 1 "a provider whose key variable is unset: exit 1"
like "$(cat "$ERR")" "needs its key in \\\$TM_TEST_UNSET_KEY, which is not set" \
    "names the variable"
run tm --db m.db mt --provider nosuch --from en --to de x
is "$RC" 1 "an unknown provider: exit 1"
like "$(cat "$ERR")" "no provider 'nosuch'" "named"
run tm --db m.db mt --from en --to de x
is "$RC" 2 "no --provider: usage error"
run tm --db m.db mt --provider d503 --from en --to de
is "$RC" 2 "no TEXT: usage error"
run tm --db m.db mt --list extra
is "$RC" 2 "--list with TEXT: usage error"

printf '[provider x]\ntype = deepl\nkey = %s\n' "$MT_TEST_KEY" >bad1
run tm mt --config bad1 --list
cat "$OUT" "$ERR" >>all-out.txt
is "$RC" 1 "a key in the config file is refused"
like "$(cat "$ERR")" "bad1': line 3: 'key' looks like a secret" "with the line"
printf '[provider x]\ntype = systran\n' >bad2
run tm mt --config bad2 --list
like "$(cat "$ERR")" "line 2: \[provider x\]: unknown type 'systran'" "an unknown type"
printf '[provider x]\ntype = deepl\nkey_env = K\nbatch = many\n' >bad3
run tm mt --config bad3 --list
like "$(cat "$ERR")" "line 4: .*batch wants a number" "a bad number"
printf '[other]\nx = 1\n' >bad4
run tm mt --config bad4 --list
like "$(cat "$ERR")" "line 2: unknown section \[other\]" "an unknown section"
printf 'no equals sign here\n' >bad5
run tm mt --config bad5 --list
like "$(cat "$ERR")" "line 1: not a name = value line" "a broken line"
printf '[provider x]\ntype = deepl\n' >bad6
run tm mt --config bad6 --list
like "$(cat "$ERR")" "\[provider x\] needs key_env" "deepl needs key_env"
run tm mt --config missing-file --list
is "$RC" 1 "a missing --config file: exit 1"
run env TM_CONFIG= XDG_CONFIG_HOME="$TEST_DIR/nowhere" "$TM_BIN" mt --list
is "$RC" 0 "no default config file: no providers, exit 0"
like "$(cat "$OUT")" "no providers configured" "and says so"

# The key appears nowhere: outputs, the database, its WAL.
if grep -F -q -e "$MT_TEST_KEY" all-out.txt m.db m.db-wal 2>/dev/null; then
	fail "the key appears in no output and not in the database"
else
	pass "the key appears in no output and not in the database"
fi
unlike "$(cat all-out.txt)" "sekrit" "not even part of it"

done_testing
