#!/bin/sh
# tm mt end to end against a real Apertium APy (Debian apertium-apy and
# apertium-eng-spa) started by the test.  APy binds every interface and
# cannot be told otherwise, so the test runs it, and tm, in a network
# namespace of their own (unshare --net) where the only interface is the
# loopback: nothing outside can reach it.  English <-> Spanish round
# trips, batches in order, Chinese text passing through unharmed, the
# cache, and APy's own error for a pair it lacks.

if [ -z "${TM_MT_NETNS:-}" ]; then
	if unshare --net true 2>/dev/null; then
		TM_MT_NETNS=1
		TM_MT_OUTER_NS=$(readlink /proc/self/ns/net 2>/dev/null)
		export TM_MT_NETNS TM_MT_OUTER_NS
		exec unshare --net sh "$0" "$@"
	fi
	TM_MT_NETNS=none
fi

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

[ "$TM_MT_NETNS" = 1 ] ||
	skip_all "cannot make a network namespace (unshare --net needs root or user namespaces) to keep APy on loopback"
command -v apertium-apy >/dev/null 2>&1 ||
	skip_all "apertium-apy is not installed (tools/install-deps.sh)"
MODES=/usr/share/apertium/modes
[ -f "$MODES/eng-spa.mode" ] ||
	skip_all "apertium-eng-spa is not installed (tools/install-deps.sh)"
ip link set lo up 2>/dev/null || skip_all "cannot bring up lo in the namespace"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
apertium-apy -p "$PORT" "$MODES" >apy.log 2>&1 &
APY=$!
bg_pid $APY
i=0
until python3 -c 'import sys, urllib.request; urllib.request.urlopen("http://127.0.0.1:%s/listPairs" % sys.argv[1], timeout=1)' "$PORT" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -ge 100 ] || ! kill -0 $APY 2>/dev/null; then
		diag_file apy.log
		skip_all "apertium-apy did not start"
	fi
	sleep 0.1
done

# APy is on loopback only: it runs in a network namespace of its own,
# which has no address but the loopback.
inner=$(readlink /proc/self/ns/net 2>/dev/null)
if [ -n "$inner" ] && [ -n "${TM_MT_OUTER_NS:-}" ]; then
	ok "APy and tm run in a network namespace of their own ($inner, not $TM_MT_OUTER_NS)" \
	    test "$inner" != "$TM_MT_OUTER_NS"
fi
is "$(ip -o addr show | awk '{ print $4 }' | grep -v -E '^(127\.0\.0\.1/8|::1/128)$' | wc -l)" 0 \
    "the namespace has no address but the loopback"
like "$(ss -ltn | awk '{ print $4 }')" ":$PORT\$" "APy listens on port $PORT there"

cat >config <<EOF
[provider apy]
type = apertium
url = http://127.0.0.1:$PORT
timeout = 30

[provider apy1]
type = apertium
url = http://127.0.0.1:$PORT
batch = 1
concurrency = 1
timeout = 30

[provider apy-small]
type = apertium
url = http://127.0.0.1:$PORT
batch = 7
concurrency = 3
timeout = 30
EOF
TM_CONFIG=$TEST_DIR/config
export TM_CONFIG

run tm --db m.db mt --provider apy --from en --to es "The cat is black."
is "$RC" 0 "en -> es exits 0"
is "$(cat "$OUT")" "El gato es negro." "a sentence, translated by Apertium"

printf '%s\n' "The house is big." "北京欢迎你。" "The cat is black." \
    "中华人民共和国外交部 and the city." "The dog sleeps." >in.txt
run tm --db m.db mt --provider apy --from en-US --to es-ES - <in.txt
is "$RC" 0 "a batch exits 0"
is "$(sed -n 1p "$OUT")" "La casa es grande." "line 1"
is "$(sed -n 2p "$OUT")" "北京欢迎你。" "Chinese passes through unharmed"
is "$(sed -n 3p "$OUT")" "El gato es negro." "line 3"
like "$(sed -n 4p "$OUT")" "^中华人民共和国外交部 " "Chinese within English survives"
is "$(wc -l <"$OUT")" 5 "one line a segment"
cp "$OUT" es.txt

run tm --db m.db mt --provider apy --from es --to en - <es.txt
is "$RC" 0 "es -> en exits 0"
is "$(sed -n 1p "$OUT")" "The house is big." "round trip, line 1"
is "$(sed -n 3p "$OUT")" "The cat is black." "round trip, line 3"
is "$(sed -n 2p "$OUT")" "北京欢迎你。" "round trip, Chinese"

# Batches: numbered sentences keep their place whatever the batching.
i=1
while [ $i -le 60 ]; do
	echo "The number $i is here."
	i=$((i + 1))
done >many.txt
run tm --db m.db mt --provider apy-small --from en --to es --json - <many.txt
is "$RC" 0 "60 segments in batches of 7, 3 at once"
is "$(json "$OUT" 'd["requests"]')" 9 "nine requests"
is "$(json "$OUT" 'all(" %d " % (i + 1) in s["text"] for i, s in enumerate(d["segments"]))')" \
    True "every translation in its place"
run tm --db m2.db mt --provider apy1 --from en --to es - <many.txt
cp "$OUT" one-by-one.txt
run tm --db m3.db mt --provider apy --from en --to es - <many.txt
same_file "$OUT" one-by-one.txt "one request a segment and one batch agree"

# APy drops what follows the first ~40 KB of a request: 1200 lines (55 KB)
# must all come back.
i=1
while [ $i -le 1200 ]; do
	echo "The number $i is here and the cat is black."
	i=$((i + 1))
done >big.txt
run tm --db m.db mt --provider apy --from en --to es --json - <big.txt
is "$RC" 0 "55 KB of text: exit 0"
is "$(json "$OUT" '[len(d["segments"]), d["failed"], d["requests"] > 1]')" \
    "[1200, 0, true]" "in several requests, nothing failed"
is "$(json "$OUT" 'all(" %d " % (i + 1) in s["text"] for i, s in enumerate(d["segments"]))')" \
    True "every line translated, in its place"

# The cache: the second run asks APy nothing.
run tm --db m.db mt --provider apy --from en-US --to es-ES --json - <in.txt
is "$(json "$OUT" 'd["requests"]')" 0 "a second run makes no request"
is "$(json "$OUT" 'all(s["cached"] for s in d["segments"])')" True \
    "every segment from the cache"
is "$(json "$OUT" 'd["segments"][0]["text"]')" "La casa es grande." \
    "with the same text"

run tm --db m.db mt --provider apy --from en --to fr "Hello"
is "$RC" 1 "a pair APy lacks: exit 1"
like "$(cat "$ERR")" "apy: HTTP 400: That pair is not installed" \
    "APy's explanation"

done_testing
