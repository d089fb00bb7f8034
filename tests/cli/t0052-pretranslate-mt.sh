#!/bin/sh
# tm pretranslate --mt: the sentences the memory does not cover go to the
# provider in one batch (repetitions once), come back as leveraged-mt in
# the XLIFF with an alt-trans of origin mt:NAME, an MT badge on the review
# page and the MT band of the analysis; a second run takes them from the
# cache; a failing provider leaves those sentences untranslated with the
# reason noted (and exit 3), and the memory's own units are never touched.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"
. "$TM_SRCDIR/tests/mt-lib.sh"

mt_server_start
cat >config <<EOF
[provider gg]
type = google
url = $BASE/ok-google
key_env = MT_TEST_KEY

[provider down]
type = google
url = $BASE/s500
key_env = MT_TEST_KEY
retry_base_ms = 1
retry_cap_ms = 2
EOF
TM_CONFIG=$TEST_DIR/config
export TM_CONFIG

DATA="$TM_SRCDIR/tests/data"
BULLETIN="$DATA/bulletin-2020-02-06.txt"
tm_plain --db m.db import -q "$DATA/sample-bulletin.tmx" \
    "$DATA/sample-bulletin-2020-02.tmx" || fail "importing the sample memory"
tm_plain --db m.db export -o before.tmx -q

run tm --db m.db pretranslate --from zh-CN --to en-US --mt gg -o out --json "$BULLETIN"
is "$RC" 0 "--mt: exits 0"
cp "$OUT" pt.json
is "$(mt_count ok-google)" 1 "one request for the whole document"
is "$(mt_log '[r["n"] for r in reqs if r["scenario"] == "ok-google"]')" "[8]" \
    "... with the 8 sentences below --min (75)"
is "$(json pt.json '[s["target"] for s in d["files"][0]["segments"] if s["source"] == "各外国商会已向会员企业转发本通知。"][0]')" \
    "[en] 各外国商会已向会员企业转发本通知。" "an MT translation in the draft"
is "$(json pt.json '[s["origin"] for s in d["files"][0]["segments"]].count("mt")')" 8 \
    "8 sentences from MT"
is "$(json pt.json '[b["segments"] for b in d["files"][0]["bands"] if b["band"] == "mt"][0]')" 8 \
    "the analysis' MT band"
is "$(json pt.json '[b["segments"] for b in d["files"][0]["bands"] if b["band"] in ("no-match", "50-74")]')" "[0, 0]" \
    "... not counted again as no match or 50-74"
X=out/bulletin-2020-02-06.xlf
is "$(grep -c 'state-qualifier="leveraged-mt"' $X)" 8 "XLIFF: leveraged-mt"
is "$(grep -c '<alt-trans origin="mt:gg">' $X)" 8 "XLIFF: alt-trans origin mt:gg"
like "$(cat out/bulletin-2020-02-06.review.html)" '<span class="badge mt">MT gg</span>' \
    "review page: the MT badge"
like "$(cat out/bulletin-2020-02-06.draft.txt)" "\[en\] 各外国商会" "the draft has it"

run tm --db m.db pretranslate --from zh-CN --to en-US --mt gg -o out2 "$BULLETIN"
is "$RC" 0 "a second run exits 0"
is "$(mt_count ok-google)" 1 "... and takes the MT from the cache"
same_file out/bulletin-2020-02-06.xlf out2/bulletin-2020-02-06.xlf "... the same XLIFF"

run tm --db m.db pretranslate --from zh-CN --to en-US --mt down -o out3 "$BULLETIN"
is "$RC" 3 "a failing provider: exit 3 (the outputs are written, MT was lost)"
like "$(cat out3/bulletin-2020-02-06.xlf)" '<note from="tm-mt" priority="2">' \
    "... the failure noted in the XLIFF"
is "$(grep -c 'state="needs-translation"' out3/bulletin-2020-02-06.xlf)" 8 \
    "... those sentences need translation"
like "$(cat out3/bulletin-2020-02-06.review.html)" 'MT failed: ' "... and the review page says why"

run tm --db m.db pretranslate --from zh-CN --to en-US --mt nosuch -o out4 "$BULLETIN"
is "$RC" 1 "an unknown provider: exit 1"
like "$(cat "$ERR")" "nosuch" "... named"
ok "... nothing written" test ! -e out4/bulletin-2020-02-06.xlf

tm_plain --db m.db export -o after.tmx -q
is "$(grep -c '<tu' after.tmx)" "$(grep -c '<tu' before.tmx)" "MT never enters the memory"

done_testing
