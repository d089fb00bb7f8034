#!/usr/bin/env bash
# Benchmark of tm mt through a real Apertium APy (English -> Spanish).
#
# usage: tools/bench/bench-mt.sh [-n SEGMENTS] [-r RUNS] [--tm PATH]
#
# SEGMENTS English sentences (default 500: the English side of FLORES-200
# devtest from ../shared/data/zh-en when present, else generated) go
# through APy, each timed RUNS times (default 5), medians reported:
#   (a) one segment a request, one request at a time  (batch = 1)
#   (b) tm's defaults: batched within APy's limits, concurrent
#   (b') batches of 50, 4 requests at once
#   (c) (b) again on the same database: every segment from the cache
#   (d) the reference: one batched request of the same text sent by
#       curl from the shell (the newline-joined text, as tm sends it)
#   (d2) the same text by curl in tm's 4000-byte pieces, one at a time
#       (APy drops what follows its first ~40 KB of a request)
# Every tm run but (c) starts from a fresh database (--no-cache would do
# too).  APy runs in a network namespace of its own (unshare --net,
# root), where the loopback is the only interface.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
n=500 runs=5
tm=${TM_BIN:-$repo/build/src/tm}
cmdline="tools/bench/bench-mt.sh $*"
while [ $# -gt 0 ]; do
	case $1 in
	-n) n=$2; shift 2 ;;
	-r) runs=$2; shift 2 ;;
	--tm) tm=$2; shift 2 ;;
	-h|--help) sed -n '2,19p' "$0"; exit 0 ;;
	*) echo "unknown option $1" >&2; exit 2 ;;
	esac
done
case $tm in /*) ;; *) tm=$(pwd)/$tm ;; esac

if [ -z "${TM_BENCH_NETNS:-}" ]; then
	export TM_BENCH_NETNS=1
	exec unshare --net "$0" -n "$n" -r "$runs" --tm "$tm"
fi
ip link set lo up

work=$(mktemp -d "${TMPDIR:-/tmp}/tm-bench-mt.XXXXXX")
trap 'kill $apy 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"

src=$repo/../shared/data/zh-en/flores200/eng_Latn.devtest
if [ -f "$src" ]; then
	head -n "$n" "$src" >in.txt
	data="the first $n lines of FLORES-200 devtest (eng_Latn)"
else
	python3 - "$n" >in.txt <<'EOF'
import random, sys
random.seed(1)
subj = ["The minister", "The city", "Our office", "The delegation", "The mayor"]
verb = ["met", "visited", "welcomed", "thanked", "received"]
obj = ["the consul general", "a trade group", "the press", "the guests",
       "the new ambassador"]
tail = ["on Monday.", "in the morning.", "at the city hall.",
        "for two hours.", "after the meeting."]
for i in range(int(sys.argv[1])):
    print(" ".join(random.choice(x) for x in (subj, verb, obj, tail)))
EOF
	data="$n generated sentences"
fi
bytes=$(wc -c <in.txt)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
apertium-apy -p "$port" /usr/share/apertium/modes >apy.log 2>&1 &
apy=$!
until curl -s -o /dev/null "http://127.0.0.1:$port/listPairs"; do sleep 0.1; done

cat >config <<EOF
[provider one]
type = apertium
url = http://127.0.0.1:$port
batch = 1
concurrency = 1
timeout = 120

[provider dflt]
type = apertium
url = http://127.0.0.1:$port
timeout = 120

[provider b50]
type = apertium
url = http://127.0.0.1:$port
batch = 50
concurrency = 4
timeout = 120
EOF
export TM_CONFIG=$work/config

now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a - b }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a / b }'; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# (d2): APy translates at most ~40 KB of one request and drops the rest
# (see tm/mt-providers.c), so (d) may not do the whole job; (d2) sends
# the whole text with curl in the 4000-byte pieces tm uses, one after
# the other.
python3 - <<'EOF'
chunks, cur = [], []
for line in open("in.txt", encoding="utf-8"):
    line = line.rstrip("\n")
    if cur and len("\n".join(cur + [line]).encode()) > 4000:
        chunks.append(cur)
        cur = []
    cur.append(line)
chunks.append(cur)
for i, c in enumerate(chunks):
    open("piece.%03d" % i, "w", encoding="utf-8").write("\n".join(c))
EOF

# Warm APy's pipeline once (its first request starts the pipeline).
"$tm" --db warm.db mt --provider dflt --from en --to es - <in.txt >/dev/null

declare -A t
for r in $(seq "$runs"); do
	for p in one dflt b50; do
		rm -f "$p.db" "$p.db-wal" "$p.db-shm"
		s=$(now)
		"$tm" --db "$p.db" mt --provider "$p" --from en --to es - <in.txt >"$p.out"
		e=$(now)
		t[$p]+="$(sub "$e" "$s") "
	done
	s=$(now)
	"$tm" --db dflt.db mt --provider dflt --from en --to es --json - <in.txt >cached.json
	e=$(now)
	t[cached]+="$(sub "$e" "$s") "
	s=$(now)
	curl -s --data-urlencode "q@in.txt" -d 'langpair=eng%7Cspa' \
	    -d markUnknown=no "http://127.0.0.1:$port/translate" >curl.json
	e=$(now)
	t[curl]+="$(sub "$e" "$s") "
	s=$(now)
	for f in piece.*; do
		curl -s --data-urlencode "q@$f" -d 'langpair=eng%7Cspa' \
		    -d markUnknown=no -d format=txt \
		    "http://127.0.0.1:$port/translate"
	done >curl2.json
	e=$(now)
	t[curl2]+="$(sub "$e" "$s") "
done

python3 - cached.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["requests"] == 0 and all(s["cached"] for s in d["segments"]), \
    "the cached run made requests"
EOF
cmp -s one.out dflt.out || echo "note: one-by-one and batched output differ ($(diff one.out dflt.out | grep -c '^<') lines)" >&2

# How many requests tm made, and how much of the text curl got back.
reqs() {
	"$tm" --db "$1.db" mt --provider "$1" --from en --to es --no-cache \
	    --json - <in.txt | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["requests"], d["failed"])'
}
read -r req_one fail_one <<<"$(reqs one)"
read -r req_dflt fail_dflt <<<"$(reqs dflt)"
read -r req_b50 fail_b50 <<<"$(reqs b50)"
curl_lines=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["responseData"]["translatedText"].rstrip("\n").split("\n")))' curl.json)
curl_bytes=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["responseData"]["translatedText"].encode()))' curl.json)
tm_bytes=$(wc -c <dflt.out)

med() { echo "${t[$1]}" | tr ' ' '\n' | grep . | median; }
a=$(med one) b=$(med dflt) b50=$(med b50) c=$(med cached) d=$(med curl)
d2=$(med curl2)
echo "# tm mt through Apertium APy: $data, $bytes bytes, en -> es"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, medians of $runs runs, seconds"
echo "# command: $cmdline"
printf '| run | seconds | × (d) | requests |\n|---|---:|---:|---:|\n'
for k in "a:one segment a request, one at a time:$a:$req_one ($fail_one failed)" \
    "b:tm defaults (batched, concurrent):$b:$req_dflt ($fail_dflt failed)" \
    "b':at most 50 a batch, 4 at once:$b50:$req_b50 ($fail_b50 failed)" \
    "c:(b) again, all from the cache:$c:0" \
    "d:one batched request by curl:$d:1" \
    "d2:the whole text by curl in 4000-byte pieces, in turn:$d2:$(ls piece.* | wc -l)"; do
	IFS=: read -r id what secs nreq <<<"$k"
	printf '| (%s) %s | %.3f | %.2f | %s |\n' "$id" "$what" "$secs" \
	    "$(div "$secs" "$d")" "$nreq"
done
echo
echo "(d) returned $curl_lines of $n lines, $curl_bytes bytes; tm's (b) output is $tm_bytes bytes."
