#!/bin/sh
# Machine translation that cannot be one: an empty translation is retried
# and then reported, a translation far longer than its source is refused;
# neither is cached nor counted.  A provider that never answers costs a
# batch batch_timeout at most (defaults: request 30 s, connection 10 s,
# batch 90 s).  tm pretranslate --mt names on standard error every
# sentence that lost its MT and exits 3.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$TM_SRCDIR/tests/mt-lib.sh"

mt_server_start
provider()
{
	printf '[provider %s]\ntype = %s\nurl = %s\nkey_env = MT_TEST_KEY\n' \
	    "$1" "$2" "$BASE/$3"
	printf 'retry_base_ms = 5\nretry_cap_ms = 20\n'
	shift 3
	for o in "$@"; do
		printf '%s\n' "$o"
	done
	printf '\n'
}
{
	provider gempty google empty-a "retries = 2"
	provider gempty1 google emptyx1-b "retries = 2"
	provider dhuge deepl huge-a
	provider ghuge google huge-c "batch = 3"
	provider dhang deepl hang-d "timeout = 1" "batch_timeout = 2.5"
	provider gdown google s500-e "retries = 1"
	provider gok google ok-f
} >config
TM_CONFIG=$TEST_DIR/config
export TM_CONFIG

# mt NAME TEXT...: translate the lines with provider NAME.
mt()
{
	_name=$1
	shift
	printf '%s\n' "$@" >in.txt
	run tm --db m.db mt --provider "$_name" --from zh --to en - <in.txt
}

mt gempty 你好
is "$RC" 1 "an empty translation: exit 1"
like "$(cat "$ERR")" "line 1: gempty: an empty translation \(after 3 attempts\)" \
    "reported with the line, after the retries"
is "$(mt_count empty-a)" 3 "an empty translation is retried"
run tm --db m.db mt --json --provider gempty --from zh --to en 你好
is "$(json "$OUT" 'd["failed"]')" 1 "... counted as failed"
is "$(json "$OUT" 'd["segments"][0]["cached"]')" False "... and never cached"
is "$(mt_count empty-a)" 6 "... so the next run asks again"

mt gempty1 早上好
is "$RC" 0 "an empty translation once, then a good one: exit 0"
is "$(cat "$OUT")" "[en] 早上好" "... the good one printed"
is "$(mt_count emptyx1-b)" 2 "... on the second try"

mt dhuge 五个汉字呀
is "$RC" 1 "10 MB for five characters: exit 1"
like "$(cat "$ERR")" "line 1: dhuge: a translation of 10485760 bytes for a text of 15" \
    "reported as implausible"
is "$(mt_count huge-a)" 1 "... not retried (it would come back)"
mt dhuge 五个汉字呀
is "$(mt_count huge-a)" 2 "... and not cached"

mt ghuge 甲 乙 丙
is "$RC" 1 "one implausible translation in a batch: exit 1"
is "$(cat "$OUT")" "$(printf '\n[en] 乙\n[en] 丙')" \
    "the others of the batch are kept"
like "$(cat "$ERR")" "line 1: ghuge: a translation of" "the bad one is named"
unlike "$(cat "$ERR")" "line [23]" "... and only it"

# Two tries of a second, and no third past the batch's 2.5 s.
start=$(date +%s)
run tm_timeout 30 --db m.db mt --provider dhang --from zh --to en 你好
took=$(($(date +%s) - start))
is "$RC" 1 "a provider that never answers: exit 1"
like "$(cat "$ERR")" "dhang: .*(timed out|[Tt]imeout).*the batch's 2.5 s are spent" \
    "... given up when the batch's time is spent"
ok "... within the batch's time ($took s)" test "$took" -le 5
like "$(cat "$ERR")" "after [23] attempts" "... after the tries that fit in it"

printf '[provider d]\ntype = google\nurl = %s\nbatch_timeout = x\n' \
    "$BASE/ok-g" >bad.ini
run tm mt --list --config bad.ini
is "$RC" 1 "batch_timeout wants seconds"
like "$(cat "$ERR")" "batch_timeout wants seconds" "... and says so"

# tm pretranslate with the provider down: the outputs are written, every
# lost sentence is named, and the exit status says MT was lost.
printf '第一句话没有译文。第二句话也没有。\n' >doc.txt
run tm --db m.db pretranslate --from zh-CN --to en-US --mt gdown -o out doc.txt
is "$RC" 3 "pretranslate with MT down: exit 3"
like "$(cat "$ERR")" "doc.txt: line 1: no MT: gdown: HTTP 500" \
    "each sentence's failure is named"
like "$(cat "$ERR")" "doc.txt: MT failed for 2 of the 2 sentences sent to it" \
    "... and summed up"
ok "... the outputs are written" test -s out/doc.xlf
run tm --db m.db pretranslate --from zh-CN --to en-US --mt gok -o out2 doc.txt
is "$RC" 0 "pretranslate with MT up: exit 0"
is "$(cat "$ERR")" "" "... and nothing on standard error"

done_testing
