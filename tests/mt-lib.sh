# tests/mt-lib.sh: what the machine-translation tests share, sourced after
# tests/lib.sh.  Starts the loopback contract server (tests/mt-server.py)
# and reads its request log.
#
#   mt_server_start      start the server; sets PORT, MT_LOG and BASE
#                        (http://127.0.0.1:PORT)
#   mt_count SCENARIO    requests the server received for SCENARIO
#   mt_log EXPR          a Python expression over `reqs`, the list of
#                        requests logged (dicts, see tests/mt-server.py)

MT_TEST_KEY="sekrit-K3y/+&=$(date +%s)"
export MT_TEST_KEY
# The same key under the names the configs use.
DEEPL_TEST_KEY=$MT_TEST_KEY
export DEEPL_TEST_KEY

mt_server_start()
{
	MT_LOG=$TEST_DIR/mt-requests.log
	: >"$MT_LOG"
	python3 "$TM_SRCDIR/tests/mt-server.py" --port-file "$TEST_DIR/mt.port" \
	    --log "$MT_LOG" 2>"$TEST_DIR/mt-server.err" &
	bg_pid $!
	_i=0
	while [ ! -s "$TEST_DIR/mt.port" ] && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	if [ ! -s "$TEST_DIR/mt.port" ]; then
		echo "Bail out! the MT test server did not start"
		cat "$TEST_DIR/mt-server.err" >&2
		exit 99
	fi
	PORT=$(cat "$TEST_DIR/mt.port")
	BASE=http://127.0.0.1:$PORT
}

mt_count()
{
	grep -c "\"scenario\": \"$1\"" "$MT_LOG"
}

mt_log()
{
	python3 - "$MT_LOG" "$1" <<'PY'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
v = eval(sys.argv[2])
print(v if isinstance(v, (str, int, float)) else json.dumps(v, ensure_ascii=False))
PY
}
