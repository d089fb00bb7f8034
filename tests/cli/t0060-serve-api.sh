#!/bin/sh
# tm serve and tm token: the JSON API against a real server on 127.0.0.1,
# through curl.  Every route, good and bad: tokens and roles, invalid
# JSON, invalid UTF-8 in the URL, truncated and oversized bodies, wrong
# methods, unknown paths; after each bad request the server still
# answers.  The access log names routes but never query text.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

command -v curl >/dev/null || skip_all "no curl"

SAMPLE="$DATA/sample-bulletin.tmx"
tm_plain --db m.db import -q "$SAMPLE" || fail "the sample imports"

# tm token
run tm --db m.db token add alice --role write
is "$RC" 0 "token add exits 0"
WTOK=$(cat "$OUT")
like "$WTOK" '^tm_[A-Za-z0-9_-]{43}$' "token add prints the secret once"
RTOK=$(tm_plain --db m.db token add reader --role read)
ATOK=$(tm_plain --db m.db token add boss --role admin)
run tm --db m.db token add alice --role read
is "$RC" 1 "a second token of the same name is refused"
like "$(cat "$ERR")" "exists already" "and the message says why"
run tm --db m.db token add bob --role root
is "$RC" 2 "an unknown role is a usage error"
run tm --db m.db token add "two words" --role read
is "$RC" 1 "a name with a space is refused"
run tm --db m.db token list
like "$(cat "$OUT")" "^alice +write" "token list shows names and roles"
unlike "$(cat "$OUT")" "tm_" "but never a secret"
run tm --db m.db token list --json
ok "token list --json is JSON" json_valid "$OUT"
is "$(json "$OUT" 'len(d["tokens"])')" 3 "with the three tokens"
ok "the secret is not in the database" sh -c "! grep -q '$WTOK' m.db"
tm_plain --db m.db token add temp --role read >/dev/null
run tm --db m.db token revoke temp
is "$RC" 0 "token revoke exits 0"
run tm --db m.db token revoke temp
is "$RC" 1 "revoking it again fails"
like "$(cat "$ERR")" "no token called 'temp'" "naming it"

# The server refuses what it cannot do before it listens.
run tm --db m.db serve --listen 127.0.0.1:99999
is "$RC" 1 "a port over 65535 is refused"
run tm --db m.db serve --tls-cert x.pem
is "$RC" 2 "--tls-cert without --tls-key is a usage error"
run tm --db m.db serve --listen 127.0.0.1:0 --tls-cert nope.pem \
    --tls-key nope.key
is "$RC" 1 "missing TLS files are refused"
like "$(cat "$ERR")" "nope.pem" "naming the file"
tm_plain --db empty.db import -q "$DATA/zh-en.tmx"
run timeout 10 "$TM_BIN" --db empty.db serve --listen 0.0.0.0:0
is "$RC" 1 "beyond loopback without any token: refused"
like "$(cat "$ERR")" "no token" "saying a token is needed or --insecure"
run tm --db missing.db serve --read-only --listen 127.0.0.1:0
is "$RC" 1 "a read-only server of a missing memory is refused"
ok "and creates nothing" test ! -e missing.db

run tm serve --help
like "$(cat "$OUT")" "GET +/api/v1/lookup" "serve --help lists the routes"
# The README's route table and the server's own (as --help prints it)
# are the same list.
python3 - "$OUT" "$TM_SRCDIR/README.md" >routes.diff <<'EOF'
import re, sys
helped = set()
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"\s+(GET|POST|DELETE|PUT)\s+(/\S*)", line)
    if m and m.group(2) != "/index.html":
        helped.add((m.group(1), m.group(2)))
readme = set()
text = open(sys.argv[2], encoding="utf-8").read()
table = text[text.index("| method | route | what |"):]
for line in table.splitlines()[2:]:
    if not line.startswith("|"):
        break
    cells = [c.strip() for c in line.strip("|").split("|")]
    path = re.sub(r"\{text\}$", "**", cells[1])
    path = re.sub(r"\{[a-z]+\}|\bID\b", "*", path)
    for method in cells[0].split(", "):
        readme.add((method, path))
for x in sorted(helped - readme):
    print("not in the README:", *x)
for x in sorted(readme - helped):
    print("not served:", *x)
EOF
is "$(cat routes.diff)" "" "the README lists exactly the routes the server has"

serve_start m.db || { fail "the server starts"; diag_file .serve.log; done_testing; }
pass "the server starts on a port of its own choosing"
like "$(cat .serve.log)" "serving on http://127.0.0.1:$PORT/" \
    "it says where it listens"

# get NAME CODE PATH [CURL ARGS...]: a request whose status must be CODE;
# the body goes to body.json.
req()
{
	_name=$1 _code=$2
	shift 2
	_got=$(curl -s -o body.json -w '%{http_code}' "$@")
	if [ "$_got" = "$_code" ]; then
		pass "$_name"
	else
		fail "$_name" "status $_got, expected $_code"
		diag_file body.json 10
	fi
}
alive()
{
	req "the server still answers ($1)" 200 "$URL/healthz"
}
Z=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("双方就疫情防控等共同关心的问题深入交换了意见。"))')
D=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("1月30日，市外办主任会见了日本驻沪总领事一行。"))')
AUTH="Authorization: Bearer $WTOK"
RAUTH="Authorization: Bearer $RTOK"

req "GET /healthz" 200 "$URL/healthz"
is "$(json body.json 'd["status"]')" ok "health says ok"

# Keep-alive: a client's next request goes over the same connection
# (a lookup too), not a new one each time.
curl -sv -o /dev/null -o /dev/null -o /dev/null -H "$RAUTH" "$URL/healthz" \
    "$URL/api/v1/lookup?q=$Z&from=zh&to=en" "$URL/healthz" 2>keep.err
is "$(grep -c 'Re-using existing connection' keep.err)" 2 \
    "three requests of one client share one connection"
ok "no answer says Connection: close" sh -c '! grep -qi "^< Connection: close" keep.err'

# Reads need a token once the memory has tokens (no --public-read).
req "a lookup without a token: 401" 401 "$URL/api/v1/lookup?q=$Z&from=zh&to=en"
is "$(json body.json 'd["error"]["code"]')" unauthorized "with the error object"
req "a lookup with a wrong token: 401" 401 -H "Authorization: Bearer tm_nope" \
    "$URL/api/v1/lookup?q=$Z&from=zh&to=en"
req "a malformed Authorization header: 401" 401 -H "Authorization: Basic eDp5" \
    "$URL/api/v1/lookup?q=$Z&from=zh&to=en"
req "GET /api/v1/lookup with a read token" 200 -H "$RAUTH" \
    "$URL/api/v1/lookup?q=$Z&from=zh&to=en"
is "$(json body.json 'd["matches"][0]["score"]')" 100 "the sentence is found at 100"
like "$(json body.json 'd["matches"][0]["target"]')" "^The two sides" "with its translation"
req "lookup with numbers" 200 -H "$RAUTH" "$URL/api/v1/lookup?q=$D&from=zh-CN&to=en-US&min=99&limit=1"
is "$(json body.json 'd["matches"][0]["numbers_replaced"]')" True "numbers come from the query"
like "$(json body.json 'd["matches"][0]["target"]')" "January 30" "into the target"
req "lookup without q: 400" 400 -H "$RAUTH" "$URL/api/v1/lookup?from=zh&to=en"
req "lookup without languages: 400" 400 -H "$RAUTH" "$URL/api/v1/lookup?q=$Z"
req "lookup with min=abc: 400" 400 -H "$RAUTH" "$URL/api/v1/lookup?q=$Z&from=zh&to=en&min=abc"
like "$(json body.json 'd["error"]["message"]')" "'min' takes a number" "saying which parameter"
req "invalid UTF-8 in the query string: 400" 400 -H "$RAUTH" \
    "$URL/api/v1/lookup?q=%FF%FE&from=zh&to=en"
req "a bad percent escape: 400" 400 -H "$RAUTH" "$URL/api/v1/lookup?q=%G1&from=zh&to=en"
req "an encoded NUL: 400" 400 -H "$RAUTH" "$URL/api/v1/lookup?q=a%00b&from=zh&to=en"
alive "after bad queries"
LONG=$(python3 -c 'print("x" * 12000)')
req "a query over 10000 bytes: 414" 414 -H "$RAUTH" "$URL/api/v1/lookup?q=$LONG&from=zh&to=en"
HUGE=$(python3 -c 'print("x" * 100000)')
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$RAUTH" "$URL/api/v1/lookup?q=$HUGE&from=zh&to=en")
like "$code" '^(414|431|400)$' "a 100 kB URL is refused ($code)"
alive "after a huge URL"

# Batch lookup.
cat >batch.json <<'EOF'
{"from": "zh-CN", "to": "en-US", "limit": 2,
 "queries": ["双方就疫情防控等共同关心的问题深入交换了意见。",
             {"text": "1月30日，市外办主任会见了日本驻沪总领事一行。"},
             "完全无关的句子"]}
EOF
req "POST /api/v1/lookup (a batch)" 200 -H "$RAUTH" -H 'Content-Type: application/json' \
    --data-binary @batch.json "$URL/api/v1/lookup"
is "$(json body.json 'len(d["results"])')" 3 "one result a query"
is "$(json body.json 'd["results"][0]["matches"][0]["score"]')" 100 "in order"
is "$(json body.json 'd["results"][1]["matches"][0]["score"]')" 99 "the second with numbers"
is "$(json body.json 'len(d["results"][2]["matches"])')" 0 "the third without match"
req "batch: invalid JSON: 400" 400 -H "$RAUTH" --data-binary '{"from": "zh",' "$URL/api/v1/lookup"
is "$(json body.json 'd["error"]["code"]')" invalid_json "code invalid_json"
like "$(json body.json 'd["error"]["message"]')" "line 1" "the message says where"
req "batch: no queries: 400" 400 -H "$RAUTH" --data-binary '{"from": "zh", "to": "en"}' "$URL/api/v1/lookup"
req "batch: a number as query: 400" 400 -H "$RAUTH" \
    --data-binary '{"from": "zh", "to": "en", "queries": [5]}' "$URL/api/v1/lookup"
req "batch: not an object: 400" 400 -H "$RAUTH" --data-binary '[1,2]' "$URL/api/v1/lookup"
printf '{"from":"zh","to":"en","queries":["\377"]}' >badutf.json
req "batch: invalid UTF-8 in JSON: 400" 400 -H "$RAUTH" --data-binary @badutf.json "$URL/api/v1/lookup"
alive "after bad JSON"

# Concordance, glossary, stats, units, history.
T=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("总领事"))')
req "GET /api/v1/concordance" 200 -H "$RAUTH" "$URL/api/v1/concordance?q=$T&lang=zh"
ok "hits for a term" test "$(json body.json 'len(d["hits"])')" -ge 1
req "concordance in=sideways: 400" 400 -H "$RAUTH" "$URL/api/v1/concordance?q=$T&in=sideways"
tm_plain --db m.db glossary import "$DATA/issue6/glossary.csv" >/dev/null 2>&1
req "GET /api/v1/glossary" 200 -H "$RAUTH" "$URL/api/v1/glossary?q=$D&from=zh&to=en"
ok "the glossary answers with hits" json_valid body.json
req "GET /api/v1/stats" 200 -H "$RAUTH" "$URL/api/v1/stats"
is "$(json body.json 'd["units"]')" 12 "stats: 12 units"
UID1=$(curl -s -H "$RAUTH" "$URL/api/v1/lookup?q=$Z&from=zh&to=en" | python3 -c 'import json,sys; print(json.load(sys.stdin)["matches"][0]["unit_id"])')
req "GET /api/v1/units/ID" 200 -H "$RAUTH" "$URL/api/v1/units/$UID1"
is "$(json body.json 'd["tuid"]')" b2020-01-002 "the unit with its tuid"
is "$(json body.json 'len(d["variants"])')" 2 "and its variants"
req "an unknown unit: 404" 404 -H "$RAUTH" "$URL/api/v1/units/999999"
req "a unit id that is no number: 400" 400 -H "$RAUTH" "$URL/api/v1/units/abc"
req "GET /api/v1/history" 200 -H "$RAUTH" "$URL/api/v1/history"

# Writes: translations.
add()
{
	curl -s -o body.json -w '%{http_code}' -H 'Content-Type: application/json' \
	    "$@" "$URL/api/v1/translations"
}
NEW='{"source": "新的句子。", "target": "A new sentence.", "from": "zh-CN", "to": "en-US", "author": "alice"}'
is "$(add --data-binary "$NEW")" 401 "adding without a token: 401"
is "$(add -H "$RAUTH" --data-binary "$NEW")" 403 "adding with a read token: 403"
is "$(json body.json 'd["error"]["code"]')" forbidden "code forbidden"
is "$(add -H "$AUTH" --data-binary "$NEW")" 201 "adding with a write token: 201"
is "$(json body.json 'd["action"]')" added "action added"
NID=$(json body.json 'd["unit_id"]')
is "$(add -H "$AUTH" --data-binary "$NEW")" 200 "the same again: 200"
is "$(json body.json 'd["action"]')" unchanged "action unchanged"
FIX='{"source": "新的句子。", "target": "A brand-new sentence.", "from": "zh-CN", "to": "en-US", "author": "bob"}'
is "$(add -H "Authorization: Bearer $ATOK" --data-binary "$FIX")" 200 "a correction (admin token): 200"
is "$(json body.json 'd["action"]')" updated "action updated"
is "$(json body.json 'd["unit_id"]')" "$NID" "the same unit"
req "the correction is found" 200 -H "$RAUTH" \
    "$URL/api/v1/lookup?q=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("新的句子。"))')&from=zh&to=en"
is "$(json body.json 'd["matches"][0]["target"]')" "A brand-new sentence." "with the new target"
is "$(json body.json 'len(d["matches"])')" 1 "once"
run tm --db m.db history
like "$(cat "$OUT")" "A new sentence\." "tm history shows what the correction replaced"
like "$(cat "$OUT")" "by bob" "and who replaced it"
is "$(add -H "$AUTH" --data-binary '{"source": "x", "from": "zh", "to": "en"}')" 400 \
    "a translation without target: 400"
is "$(add -H "$AUTH" --data-binary '{"source": 1, "target": "x", "from": "zh", "to": "en"}')" 400 \
    "a number for source: 400"
is "$(add -H "$AUTH" --data-binary 'not json')" 400 "not JSON: 400"
alive "after bad writes"

# Delete.
req "DELETE without a token: 401" 401 -X DELETE "$URL/api/v1/units/$NID"
req "DELETE /api/v1/units/ID" 200 -X DELETE -H "$AUTH" "$URL/api/v1/units/$NID"
req "the unit is gone" 404 -H "$RAUTH" "$URL/api/v1/units/$NID"
req "DELETE again: 404" 404 -X DELETE -H "$AUTH" "$URL/api/v1/units/$NID"

# Import: streamed body.
req "POST /api/v1/import" 200 -H "$AUTH" --data-binary @"$DATA/zh-en.tmx" \
    "$URL/api/v1/import?name=zh-en.tmx"
is "$(json body.json 'd["imported"]')" 3 "the answer is tm import --json's"
is "$(json body.json 'd["file"]')" zh-en.tmx "under the name given"
req "chunked import" 200 -H "$AUTH" -H 'Transfer-Encoding: chunked' \
    --data-binary @"$DATA/multi-lang.tmx" "$URL/api/v1/import?name=multi.tmx&duplicates=update"
is "$(json body.json 'd["units_read"]')" "$(grep -c '<tu[ >]' "$DATA/multi-lang.tmx")" \
    "every unit read"
gzip -c "$DATA/entities.tmx" >e.tmx.gz
req "a gzip body imports" 200 -H "$AUTH" --data-binary @e.tmx.gz "$URL/api/v1/import?name=e.tmx.gz"
before=$(stats_state m.db)
head -c 700 "$DATA/full-14b.tmx" >trunc.tmx
req "a truncated TMX body: 400" 400 -H "$AUTH" --data-binary @trunc.tmx "$URL/api/v1/import?name=trunc.tmx"
like "$(json body.json 'd["error"]')" "^'trunc.tmx': line [0-9]+" "naming the upload and the line"
printf 'not xml at all' >junk.tmx
req "a body that is not XML: 400" 400 -H "$AUTH" --data-binary @junk.tmx "$URL/api/v1/import"
req "an empty body: 400" 400 -H "$AUTH" --data-binary '' "$URL/api/v1/import"
cat >xxe.tmx <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/><body><tu><tuv xml:lang="en"><seg>&x;</seg></tuv><tuv xml:lang="fr"><seg>a</seg></tuv></tu></body></tmx>
EOF
req "an external entity is refused: 400" 400 -H "$AUTH" --data-binary @xxe.tmx "$URL/api/v1/import"
req "duplicates=sometimes: 400" 400 -H "$AUTH" --data-binary @"$DATA/zh-en.tmx" \
    "$URL/api/v1/import?duplicates=sometimes"
req "import with a read token: 403" 403 -H "$RAUTH" --data-binary @"$DATA/zh-en.tmx" "$URL/api/v1/import"
is "$(stats_state m.db)" "$before" "the memory is unchanged by the refused imports"
alive "after bad imports"

# Export: streamed TMX.
code=$(curl -s -D headers.txt -o exp.tmx -w '%{http_code}' -H "$RAUTH" \
    "$URL/api/v1/export?langs=zh-CN,en-US")
is "$code" 200 "GET /api/v1/export"
like "$(cat headers.txt)" "Content-Type: application/x-tmx\+xml" "as TMX"
like "$(cat headers.txt)" "Content-Disposition: attachment" "to download"
ok "the export is valid TMX 1.4" dtd_valid exp.tmx "$TMX14_DTD"
is "$(grep -c '<tu[ >]' exp.tmx)" "$(tm_plain --db m.db export --langs zh-CN,en-US | grep -c '<tu[ >]')" \
    "the same units as tm export --langs"
code=$(curl -s -o since.tmx -w '%{http_code}' -H "$RAUTH" "$URL/api/v1/export?changed_since=2030-01-01")
is "$code" 200 "export changed since a later date"
is "$(grep -c '<tu[ >]' since.tmx)" 0 "holds no unit"
req "export with a bad date: 400" 400 -H "$RAUTH" "$URL/api/v1/export?changed_since=yesterday"
like "$(json body.json 'd["error"]["message"]')" "yesterday" "naming the value"
req "export with a bad language list: 400" 400 -H "$RAUTH" "$URL/api/v1/export?langs=,,"

# Check and pre-translation.
req "POST /api/v1/check" 200 -H "$RAUTH" --data-binary @"$DATA/issue6/check-wrong.xlf" \
    "$URL/api/v1/check?name=check-wrong.xlf"
ok "findings are reported" test "$(json body.json 'd["findings"]')" -ge 1
is "$(json body.json 'd["file"]')" check-wrong.xlf "under the name given"
printf '<xliff' >bad.xlf
req "check of a broken XLIFF: 400" 400 -H "$RAUTH" --data-binary @bad.xlf "$URL/api/v1/check?name=bad.xlf"
like "$(json body.json 'd["error"]["message"]')" "^'bad.xlf': line" "naming the upload, not a temporary path"
unlike "$(json body.json 'd["error"]["message"]')" "tm-serve-" "no temporary folder in the message"
req "POST /api/v1/pretranslate" 200 -H "$RAUTH" --data-binary @"$DATA/bulletin-2020-02-06.txt" \
    "$URL/api/v1/pretranslate?from=zh-CN&to=en-US&name=bulletin.txt"
like "$(json body.json 'd["xliff"]')" '<xliff version="1.2"' "the XLIFF"
like "$(json body.json 'd["review"]')" '<!DOCTYPE html>' "the review page"
like "$(json body.json 'd["draft"]')" 'On February 6' "the draft"
is "$(json body.json 'd["analysis"]["bands"][-1]["band"]')" total "the analysis"
is "$(json body.json 'd["xliff_name"]')" bulletin.xlf "and the names to save them under"
printf '\377\376\000' >bad.txt
req "pre-translating bytes that are no text: 400" 400 -H "$RAUTH" --data-binary @bad.txt \
    "$URL/api/v1/pretranslate?from=zh&to=en&name=bad.txt"
req "pre-translation without languages: 400" 400 -H "$RAUTH" --data-binary @bad.txt \
    "$URL/api/v1/pretranslate"
req "pre-translation with format=pdf: 400" 400 -H "$RAUTH" --data-binary @bad.txt \
    "$URL/api/v1/pretranslate?from=zh&to=en&format=pdf"
ok "no temporary folder is left" sh -c "! ls -d \${TMPDIR:-/tmp}/tm-serve-* 2>/dev/null | grep -q ."

# A Word bulletin: the draft comes back as a DOCX, in base64.
if command -v soffice >/dev/null 2>&1 &&
    soffice -env:UserInstallation=file://$TEST_DIR/lo --headless \
    --convert-to docx:"MS Word 2007 XML" "$DATA/office/bulletin.fodt" \
    --outdir . >/dev/null 2>&1 && [ -s bulletin.docx ]; then
	tm_plain --db m.db import -q "$DATA/office/bulletin-mem.tmx"
	req "POST /api/v1/pretranslate of a DOCX" 200 -H "$RAUTH" \
	    --data-binary @bulletin.docx \
	    "$URL/api/v1/pretranslate?from=zh-CN&to=en-US&name=bulletin.docx"
	is "$(json body.json 'd["draft_name"]')" bulletin.draft.docx "the draft's name"
	python3 - body.json >docx.txt <<'EOF'
import base64, io, json, sys, zipfile
d = json.load(open(sys.argv[1], encoding="utf-8"))
z = zipfile.ZipFile(io.BytesIO(base64.b64decode(d["draft_base64"])))
print("ok" if "word/document.xml" in z.namelist() and z.testzip() is None
      else "bad")
EOF
	is "$(cat docx.txt)" ok "the draft is a whole DOCX package"
else
	skip "pre-translating a DOCX through the API" "no LibreOffice to make one"
fi

# Methods and paths.
req "PUT on a GET route: 405" 405 -X PUT -H "$RAUTH" "$URL/api/v1/stats"
req "an unknown path: 404" 404 "$URL/api/v1/nothing"
req "the page cannot read files: 404" 404 --path-as-is "$URL/../../etc/passwd"
req "nor with encoded dots: 404" 404 --path-as-is "$URL/%2e%2e/%2e%2e/etc/passwd"
req "GET / is the page" 200 "$URL/"
alive "at the end"
serve_stop
is "$SERVE_RC" 0 "SIGTERM stops the server with exit 0"
like "$(cat .serve.log)" "stopped" "saying it stopped"

# The access log: routes, statuses, sizes, times; never the query text.
like "$(cat .serve.log)" "GET /api/v1/lookup 200 [0-9]+ [0-9.]+ms" "one access-log line a request"
like "$(cat .serve.log)" "POST /api/v1/import 400" "with failures too"
unlike "$(cat .serve.log)" "双方|%E5%8F%8C" "and no query text"

# --log-queries, --read-only, --public-read, --base-path.
: >.serve.log
serve_start m.db --log-queries --read-only --public-read --base-path /tm ||
    fail "the server starts again"
req "--public-read: a lookup without a token" 200 "$URL/tm/api/v1/lookup?q=$Z&from=zh&to=en"
req "--base-path: routes live under it" 404 "$URL/api/v1/lookup?q=$Z&from=zh&to=en"
req "--read-only: writes are refused with 403" 403 -H "$AUTH" --data-binary "$NEW" \
    "$URL/tm/api/v1/translations"
req "the page under the base path" 200 "$URL/tm/"
serve_stop
like "$(cat .serve.log)" "/tm/api/v1/lookup\?q=" "--log-queries logs the URL"

# HTTPS with a certificate made here.
if command -v openssl >/dev/null &&
    openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -days 2 -subj /CN=127.0.0.1 >/dev/null 2>&1; then
	serve_start m.db --public-read --tls-cert cert.pem --tls-key key.pem ||
	    fail "the server starts with HTTPS"
	like "$(cat .serve.log)" "on https://127.0.0.1:$PORT/" "it says https"
	req "HTTPS: a lookup" 200 --cacert cert.pem \
	    "https://127.0.0.1:$PORT/api/v1/lookup?q=$Z&from=zh&to=en"
	is "$(json body.json 'd["matches"][0]["score"]')" 100 "HTTPS: the same answer"
	code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
	unlike "$code" '^200$' "plain HTTP to the HTTPS port gets no answer"
	serve_stop
	is "$SERVE_RC" 0 "the HTTPS server stops cleanly"
else
	skip "HTTPS" "no openssl program to make a certificate"
fi

# Without any token, a loopback server answers reads from anyone.
serve_start empty.db || fail "a server of a memory without tokens starts"
req "no tokens, loopback: reads are open" 200 "$URL/api/v1/stats"
is "$(add -H 'X-Nothing: 1' --data-binary "$NEW")" 401 "but writes still need a token"
serve_stop

done_testing
