#!/usr/bin/env bash
# Benchmark of tm serve: lookups over HTTP against lookups in threads of
# one process, the server's memory, 10,000 idle connections, an import
# through the API against tm import, and translate-toolkit's tmserver on
# a smaller memory in the same run.
#
# usage: tools/bench/bench-serve.sh [-n UNITS] [-p PEER_UNITS] [-o OUTDIR]
#            [--tm PATH] [--bench PATH] [--threads N] [--no-peer] [--quick]
#
# Builds (or reuses) the UNITS-unit memory and the queries exactly as
# bench-lookup.sh does (the same files in OUTDIR: lookup-UNITS.db,
# queries.tsv), then:
#   1. baseline: build/tools/bench/bench-threads (made by `make bench`),
#      N threads (default 2) each with its own read-only handle, calling
#      tm_lookup for 10 s: lookups/s, p50/p99;
#   2. tm serve --threads N on that memory, warmed up by one pass over
#      the queries, driven by wrk (a Lua script in OUTDIR cycles through
#      the queries as GET /api/v1/lookup) at 1, 8, 32 and 128
#      connections for 10 s each: requests/s, p50/p99;
#   3. the server's peak RSS (VmHWM) and its anonymous RSS (RssAnon:
#      sampled every 0.2 s for the peak, and at the end), since SQLite
#      maps the memory's file and its pages count in VmHWM;
#   4. 10,000 idle TCP connections held open, then a new /healthz and a
#      new lookup timed;
#   5. a PEER_UNITS-unit TMX (gen-tmx.py --seed 2) imported into a fresh
#      memory by tm import and by POST /api/v1/import to a fresh server
#      (median of 3 each);
#   6. translate-toolkit's tmserver on the PEER_UNITS units (build_tmdb,
#      as bench-lookup.sh builds it) against tm serve on the same units
#      through the same tmserver API and the same queries, at 1 and 8
#      connections.  tmserver's WSGI server hands it the path decoded as
#      Latin-1, so Chinese text never arrives intact: both are asked
#      English (ASCII) queries, from an English-source copy of the TMX.
# --quick: 2 s per measurement, 1,000 idle connections, one import each,
# 20,000 units and a 5,000-unit peer unless -n/-p say otherwise.
# Every server is started on 127.0.0.1 and killed at exit.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
units= peer_units= outdir=$repo/tools/bench/out peer=1 quick=0 threads=2
tm=${TM_BIN:-$repo/build/src/tm}
bench=
cmdline="tools/bench/bench-serve.sh $*"
while [ $# -gt 0 ]; do
	case $1 in
	-n) units=$2; shift 2 ;;
	-p) peer_units=$2; shift 2 ;;
	-o) outdir=$2; shift 2 ;;
	--tm) tm=$2; shift 2 ;;
	--bench) bench=$2; shift 2 ;;
	--threads) threads=$2; shift 2 ;;
	--no-peer) peer=0; shift ;;
	--quick) quick=1; shift ;;
	*) echo "usage: see the top of $0" >&2; exit 2 ;;
	esac
done
if [ "$quick" = 1 ]; then
	units=${units:-20000} peer_units=${peer_units:-5000}
	dur=2 idle=1000 runs=1 peer_budget=15
else
	units=${units:-1000000} peer_units=${peer_units:-100000}
	dur=10 idle=10000 runs=3 peer_budget=60
fi
[ -n "$bench" ] || bench=$(dirname "$(dirname "$tm")")/tools/bench/bench-threads
[ -x "$tm" ] || { echo "bench-serve: no tm at $tm (build first)" >&2; exit 1; }
[ -x "$bench" ] || { echo "bench-serve: no $bench: run 'make bench' in the build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench-serve: no wrk (tools/install-deps.sh --bench)" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench-serve: no curl" >&2; exit 1; }
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
shared=$repo/../shared/data
[ -d "$shared" ] || shared=
# translate-toolkit is a Debian package: its Python, not a virtualenv's.
py=/usr/bin/python3
[ -x "$py" ] || py=python3

# Every process started here is killed at exit, by its id.
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "bench-serve: $*" >&2; exit 1; }
# hold X Y ge|le: whether X >= Y (or <=), as "holds" or "misses".
hold() { awk -v x="$1" -v y="$2" -v op="$3" 'BEGIN { r = op == "ge" ? x >= y : x <= y
	print r ? "holds" : "misses" }'; }
# listening PORT: whether something accepts connections there.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
	else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# start_tm DB LOG [OPTIONS]: tm serve on 127.0.0.1, port 0; sets srv_pid
# and srv_port once the port file is written (30 s at most).
start_tm() {
	local db=$1 log=$2 pf i
	shift 2
	pf=$outdir/serve.port
	rm -f "$pf"
	"$tm" --db "$db" serve --listen 127.0.0.1:0 --port-file "$pf" \
	    --quiet "$@" 2>"$log" &
	srv_pid=$!
	pids+=("$srv_pid")
	for i in $(seq 300); do
		[ -s "$pf" ] && break
		kill -0 "$srv_pid" 2>/dev/null || die "tm serve died: $(cat "$log")"
		sleep 0.1
	done
	[ -s "$pf" ] || die "tm serve wrote no port in 30 s"
	srv_port=$(cat "$pf")
}

stop() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# rss PID FIELD: a field of /proc/PID/status, in MB.
rss() { awk -v f="$2:" '$1 == f { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# 1. The memory and the queries, as bench-lookup.sh makes them.
db=$("$here/lookup-memory.sh" "$tm" "$units" "$outdir" "$shared")
python3 "$here/make-queries.py" "$db" "$outdir/queries.tsv" ${shared:+--shared "$shared"}
nq=$(wc -l <"$outdir/queries.tsv")

# The client side, written to OUTDIR: the wrk script (every query as a
# GET path, each wrk thread from its own point in the list) and a Python
# client for what wrk cannot do (a checked pass, a slow peer).
python3 - "$outdir/queries.tsv" "$outdir/serve-paths.txt" "$outdir/serve.lua" <<'PY'
import sys, urllib.parse
qs = [l.rstrip("\n").split("\t", 1)[1] for l in open(sys.argv[1], encoding="utf-8") if "\t" in l]
paths = ["/api/v1/lookup?q=%s&from=zh-CN&to=en-US&min=50&limit=1" % urllib.parse.quote(q, safe="") for q in qs]
open(sys.argv[2], "w").write("\n".join(paths) + "\n")
with open(sys.argv[3], "w") as f:
    f.write("-- Made by bench-serve.sh: cycles through the lookup queries.\n")
    f.write("local paths = {\n")
    for p in paths:
        f.write('  "%s",\n' % p)
    f.write("}\nlocal n = 0\n"
            "function setup(thread) thread:set(\"id\", n); n = n + 1 end\n"
            "local i = 0\n"
            "local reqs = {}\n"
            "function init(args)\n"
            "  i = ((id or 0) * 97) % #paths\n"
            "  for k = 1, #paths do reqs[k] = wrk.format(\"GET\", paths[k]) end\n"
            "end\n"
            "function request()\n"
            "  i = i % #paths + 1\n"
            "  return reqs[i]\n"
            "end\n")
PY
cat >"$outdir/serve-client.py" <<'PY'
"""usage: serve-client.py PORT PATHS CONNS SECONDS [--once]

GET each path of PATHS (one a line) over CONNS keep-alive connections
for SECONDS (with --once: each path once, split across the connections,
within SECONDS); prints "n errors seconds rps p50_ms p99_ms first", n
and the latencies counting the answers received, errors the answers
that were not 200 and the requests cut off by the end of SECONDS (a
request under way then is given up).
"""
import http.client, sys, threading, time
port, paths, conns, secs = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
once = "--once" in sys.argv
paths = [l.rstrip("\n") for l in open(paths) if l.strip()]
lat, errs, first = [], [0], []
lock = threading.Lock()
def run(k):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=secs + 1)
    mine = paths[k::conns] if once else paths[k * len(paths) // conns:] + paths[:k * len(paths) // conns]
    i = 0
    while time.monotonic() < end and (not once or i < len(mine)):
        p = mine[i % len(mine)]
        i += 1
        t0 = time.monotonic()
        try:
            if c.sock:
                c.sock.settimeout(max(0.1, end - t0))
            c.request("GET", p)
            r = c.getresponse()
            body = r.read()
            ok = r.status == 200
        except Exception:
            with lock:
                errs[0] += 1
            c.close()
            c = http.client.HTTPConnection("127.0.0.1", port,
                                           timeout=max(0.1, end - time.monotonic()))
            continue
        t1 = time.monotonic()
        with lock:
            lat.append((t1 - t0) * 1000)
            errs[0] += not ok
            if not first:
                first.append(body[:200])
start = time.monotonic()
end = start + secs
ts = [threading.Thread(target=run, args=(k,)) for k in range(conns)]
for t in ts: t.start()
for t in ts: t.join()
el = time.monotonic() - start
lat.sort()
pc = lambda p: lat[int(p * (len(lat) - 1) + 0.5)] if lat else 0
print("%d %d %.1f %.1f %.2f %.2f %s" % (len(lat), errs[0], el, len(lat) / el, pc(0.5), pc(0.99),
      (first[0] if first else b"").decode("utf-8", "replace").replace("\n", " ")[:120]))
PY

# wrk_run CONNS: one wrk run on the server; prints a table row and sets
# wrk_rps, wrk_p99 (ms).
# Two wrk threads from 2 connections up: with one, whenever that thread
# waits for a processor no new request goes out and the server idles.
# The requests are formatted once, when the script starts.
wrk_run() {
	local c=$1 t=2 out
	[ "$c" -ge 2 ] || t=1
	out=$(timeout $((dur + 30)) wrk -t "$t" -c "$c" -d "${dur}s" \
	    --timeout 10s --latency -s "$outdir/serve.lua" \
	    "http://127.0.0.1:$srv_port" 2>&1) || die "wrk failed: $out"
	# wrk runs on (asking for /) when its script fails: refuse that.
	! echo "$out" | grep -q '\.lua:' || die "wrk's script failed: $out"
	echo "$out" >"$outdir/wrk-$c.txt"
	# Latencies in ms whatever unit wrk picked (us, ms, s).
	echo "$out" | awk -v c="$c" -v t="$t" '
	function tms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
		if (v ~ /m$/) return v * 60000; return v * 1000 }
	$1 == "50%" { p50 = tms($2) } $1 == "75%" { p75 = tms($2) }
	$1 == "90%" { p90 = tms($2) } $1 == "99%" { p99 = tms($2) }
	/requests in/ { n = $1 } /Non-2xx/ { bad = $NF }
	/Socket errors/ { gsub(",", ""); err = $4 + $6 + $8 + $10 }
	/^Requests\/sec/ { rps = $2 }
	END { printf "| %d | %d | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %d |\n",
		c, t, n, rps, p50, p75, p90, p99, bad + err
		print rps, p99 > "/dev/stderr" }' 2>"$outdir/wrk-last"
	read -r wrk_rps wrk_p99 <"$outdir/wrk-last"
}

echo "## tm serve on $units units ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
echo
echo "Command: \`$cmdline\`; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; $("$tm" --version); $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
echo
echo "Memory: \`$db\` ($(( $(stat -c %s "$db") / 1048576 )) MB); $nq queries (\`$outdir/queries.tsv\`); lookups from zh-CN to en-US, min 50, limit 1."
echo

# 2. Baseline: tm_lookup in THREADS threads of one process.
echo "### Baseline: tm_lookup in $threads threads (bench-threads, ${dur} s)"
echo
"$bench" "$db" "$outdir/queries.tsv" zh-CN en-US "$threads" "$dur" | tee "$outdir/baseline.txt"
base_rps=$(awk -F'|' 'END { gsub(/ /, "", $6); print $6 }' "$outdir/baseline.txt")
echo

# 3. The server under wrk.
start_tm "$db" "$outdir/serve.log" --public-read --threads "$threads" \
    --max-connections $((idle + 100))
pid=$srv_pid port=$srv_port
(	# The peak of RssAnon, sampled: /proc keeps no high-water mark of it.
	max=0
	while kill -0 "$pid" 2>/dev/null; do
		a=$(awk '$1 == "RssAnon:" { print $2 }' "/proc/$pid/status" 2>/dev/null) || break
		[ "${a:-0}" -le "$max" ] || { max=$a; echo "$max" >"$outdir/anon-peak"; }
		sleep 0.2
	done
) &
pids+=("$!")
first=$(head -n 1 "$outdir/serve-paths.txt")
code=$(curl -sS -m 30 -o "$outdir/first.json" -w '%{http_code} %{content_type}' \
    "http://127.0.0.1:$port$first") || die "the first request failed"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert "matches" in d' \
    "$outdir/first.json" 2>/dev/null || die "the first answer is not lookup JSON: $code"
[ "${code%% *}" = 200 ] || die "the first answer is $code"
echo "### tm serve --threads $threads, driven by wrk (${dur} s a level)"
echo
echo "First request: $code, $(head -c 100 "$outdir/first.json" | tr '\n' ' ')..."
echo
# Warm-up: one pass over the queries, every answer checked.
read -r n errs el rps p50 p99 _ < <(python3 "$outdir/serve-client.py" "$port" \
    "$outdir/serve-paths.txt" 1 120 --once) || die "the warm-up failed"
echo "Warm-up: one pass over the $n queries on one connection, $errs not 200, $rps requests/s, p50 $p50 ms, p99 $p99 ms."
echo
echo "| connections | wrk threads | requests | requests/s | p50 ms | p75 ms | p90 ms | p99 ms | errors |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for c in 1 8 32 128; do
	wrk_run "$c"
	case $c in
	8) p99_8=$wrk_p99 ;;
	32) rps_32=$wrk_rps ;;
	esac
done
echo
ratio=$(awk -v a="$rps_32" -v b="$base_rps" 'BEGIN { printf "%.2f", a / b }')
echo "- 32 connections against the baseline's $threads threads: $rps_32 / $base_rps = **$ratio** (target ≥ 0.85: $(hold "$ratio" 0.85 ge))."
echo "- p99 at 8 connections: **$p99_8 ms** (target ≤ 20 ms: $(hold "$p99_8" 20 le))."
echo "- Server after wrk: VmHWM $(rss "$pid" VmHWM) MB, VmRSS $(rss "$pid" VmRSS) MB (RssAnon $(rss "$pid" RssAnon) MB, RssFile $(rss "$pid" RssFile) MB, RssShmem $(rss "$pid" RssShmem) MB)."
echo

# 4. Idle connections, then a new request of each kind, timed.
echo "### $idle idle connections"
echo
python3 - "$port" "$idle" "$first" "$pid" <<'PY'
import os, resource, socket, sys, time, http.client
port, n, path, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 200)), hard))
socks, failed, t0 = [], 0, time.monotonic()
for i in range(n):
    s = socket.socket()
    s.settimeout(5)
    try:
        s.connect(("127.0.0.1", port))
        socks.append(s)
    except OSError:
        failed += 1
        s.close()
opened = time.monotonic() - t0
time.sleep(1)  # let the server accept the backlog
fds = len(os.listdir("/proc/%s/fd" % pid))
def timed(p):
    t0 = time.monotonic()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("GET", p)
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, (time.monotonic() - t0) * 1000, body[:60]
    except Exception as e:
        return "failed (%s)" % e, (time.monotonic() - t0) * 1000, b""
h = timed("/healthz")
l = timed(path)
# Open means no data and no end of stream: recv would block.
alive = 0
for s in socks:
    s.setblocking(False)
    try:
        s.recv(1)
    except BlockingIOError:
        alive += 1
    except OSError:
        pass
print("- Opened %d of %d connections in %.1f s (%d refused or timed out); "
      "the server then held %d file descriptors." % (len(socks), n, opened, failed, fds))
print("- A new `/healthz` with them open: status %s in %.1f ms; a new lookup: status %s in %.1f ms (%s)."
      % (h[0], h[1], l[0], l[1], "both answered" if h[0] == 200 and l[0] == 200 else "NOT both answered"))
print("- Still open (no reset, no close from the server) when measured: %d." % alive)
for s in socks:
    s.close()
PY
sleep 1
vmhwm=$(rss "$pid" VmHWM) anon=$(rss "$pid" RssAnon)
anon_peak=$(( $(cat "$outdir/anon-peak" 2>/dev/null || echo 0) / 1024 ))
echo "- Server at the end: VmHWM (peak RSS, file pages included) **$vmhwm MB**; RssAnon $anon MB now, **$anon_peak MB** at its sampled peak; RssFile $(rss "$pid" RssFile) MB (target ≤ 300 MB without file pages: $(hold "$anon_peak" 300 le))."
echo
stop "$pid"

# 5. Import: tm import against POST /api/v1/import, fresh memories.
itmx=$outdir/serve-import-$peer_units.tmx
[ -f "$itmx" ] || python3 "$here/gen-tmx.py" "$peer_units" --seed 2 -o "$itmx"
echo "### Import of $peer_units units ($(( $(stat -c %s "$itmx") / 1048576 )) MB TMX): tm import against the API (median of $runs)"
echo
fresh() {
	rm -f "$1" "$1-wal" "$1-shm"
	"$tm" --db "$1" token add bench --role write 2>/dev/null | grep -o 'tm_[A-Za-z0-9_-]*' | head -n 1
}
cli_t=() api_t=()
for r in $(seq "$runs"); do
	idb=$outdir/serve-import-cli.db
	fresh "$idb" >/dev/null
	t0=$(date +%s%N)
	"$tm" --db "$idb" import -q "$itmx"
	t1=$(date +%s%N)
	cli_t+=("$(ms "$t0" "$t1")")
	idb=$outdir/serve-import-api.db
	tok=$(fresh "$idb")
	[ -n "$tok" ] || die "tm token add printed no token"
	start_tm "$idb" "$outdir/serve-import.log" --threads "$threads"
	t0=$(date +%s%N)
	code=$(curl -sS -m 600 -o "$outdir/import.json" -w '%{http_code}' \
	    --data-binary "@$itmx" -H "Authorization: Bearer $tok" \
	    "http://127.0.0.1:$srv_port/api/v1/import?name=bench.tmx")
	t1=$(date +%s%N)
	[ "$code" = 200 ] || die "API import: $code $(cat "$outdir/import.json")"
	api_t+=("$(ms "$t0" "$t1")")
	stop "$srv_pid"
done
cli_m=$(printf '%s\n' "${cli_t[@]}" | median)
api_m=$(printf '%s\n' "${api_t[@]}" | median)
iratio=$(awk -v a="$api_m" -v b="$cli_m" 'BEGIN { printf "%.2f", a / b }')
echo "| way | runs, ms | median ms |"
echo "| --- | --- | ---: |"
echo "| tm import | ${cli_t[*]} | $cli_m |"
echo "| curl --data-binary to /api/v1/import | ${api_t[*]} | $api_m |"
echo
echo "API over tm import: **$iratio** (target ≤ 1.2: $(hold "$iratio" 1.2 le)). The API's answer: \`$(head -c 200 "$outdir/import.json" | tr '\n' ' ')\`"
echo

# 6. The peer: translate-toolkit's tmserver on PEER_UNITS units.
[ "$peer" = 1 ] || exit 0
command -v tmserver >/dev/null && command -v build_tmdb >/dev/null ||
	die "no tmserver/build_tmdb (tools/install-deps.sh --bench)"
ptmx=$outdir/lookup-peer-$peer_units.tmx
pdb=$outdir/lookup-peer-$peer_units.tmdb
[ -f "$ptmx" ] || python3 "$here/gen-tmx.py" "$peer_units" --seed 1 -o "$ptmx"
[ -f "$pdb" ] || build_tmdb -d "$pdb" -s zh-CN -t en-US "$ptmx" >/dev/null 2>&1
tdb=$outdir/lookup-tm-$peer_units.db
[ -f "$tdb" ] || "$tm" --db "$tdb" import -q "$ptmx"
"$tm" --db "$tdb" reindex
# The same units with English first, for tmserver's English queries.
petmx=$outdir/lookup-peer-en-$peer_units.tmx
pedb=$outdir/lookup-peer-en-$peer_units.tmdb
[ -f "$petmx" ] || python3 - "$ptmx" "$petmx" <<'PY'
import re, sys
tuv = re.compile(r'(<tuv xml:lang="zh-CN">.*?</tuv>)(\s*)(<tuv xml:lang="en-US">.*?</tuv>)', re.S)
s = open(sys.argv[1], encoding="utf-8").read()
s = tuv.sub(lambda m: m.group(3) + m.group(2) + m.group(1), s)
s = s.replace('srclang="zh-CN"', 'srclang="en-US"')
open(sys.argv[2], "w", encoding="utf-8").write(s)
PY
[ -f "$pedb" ] || build_tmdb -d "$pedb" -s en-US -t zh-CN "$petmx" >/dev/null 2>&1
# English queries from the same units: exact, edited (words replaced or
# dropped), new (gen-tmx.py's sentences of another seed); ASCII only.
$py - "$pedb" "$outdir/peer-queries-en.txt" "$here/gen-tmx.py" <<'PY'
import random, re, sqlite3, subprocess, sys
r = random.Random(7)
db = sqlite3.connect(sys.argv[1])
src = [t for (t,) in db.execute("SELECT text FROM sources ORDER BY sid")
       if t.isascii() and "<" not in t and len(t.split()) >= 4]
pick = r.sample(src, 40)
words = "office city meeting delegation friendly annual new public".split()
def edit(s):
    w = s.split()
    for _ in range(r.randint(1, 3)):
        i = r.randrange(len(w))
        if r.random() < 0.5 and len(w) > 4:
            del w[i]
        else:
            w[i] = r.choice(words)
    return " ".join(w)
q = pick[:20] + [edit(s) for s in pick[20:40]]
gen = subprocess.run([sys.executable, sys.argv[3], "40", "--seed", "99"],
                     capture_output=True, text=True, check=True).stdout
new = [m for m in re.findall(r'xml:lang="en-US"><seg>([^<]*)</seg>', gen) if m.isascii()]
q += new[:10]
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(q) + "\n")
PY
python3 - "$outdir/peer-queries-en.txt" "$outdir/peer-paths-" <<'PY'
import sys, urllib.parse
qs = open(sys.argv[1], encoding="utf-8").read().splitlines()
e = [urllib.parse.quote(q, safe="") for q in qs]
# The same tmserver route on both; tmserver mounts it under /tmserver.
open(sys.argv[2] + "tmserver.txt", "w").write("".join("/tmserver/en/zh_CN/unit/%s\n" % x for x in e))
open(sys.argv[2] + "tm.txt", "w").write("".join("/en_us/zh_cn/unit/%s?min_similarity=50&max_candidates=1\n" % x for x in e))
PY
pq=$(wc -l <"$outdir/peer-queries-en.txt")
pport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# start_tmserver TMDB: tmserver on 127.0.0.1:$pport; sets ppid.
start_tmserver() {
	local i
	$py "$(command -v tmserver)" -d "$1" -b 127.0.0.1 -p "$pport" \
	    --max-candidates 1 --min-similarity 50 >>"$outdir/tmserver.log" 2>&1 &
	ppid=$!
	pids+=("$ppid")
	for i in $(seq 300); do
		listening "$pport" && return 0
		kill -0 "$ppid" 2>/dev/null || die "tmserver died: $(cat "$outdir/tmserver.log")"
		sleep 0.1
	done
	die "tmserver did not listen in 30 s"
}
: >"$outdir/tmserver.log"
# Does Chinese reach tmserver?  A stored Chinese source, as is, asked of
# tmdb in Python and of tmserver over HTTP.
zq=$($py -c 'import sqlite3, sys, urllib.parse
t = sqlite3.connect(sys.argv[1]).execute("SELECT text FROM sources WHERE sid = 1").fetchone()[0]
print(urllib.parse.quote(t, safe=""))' "$pdb")
zh_direct=$($py -c 'import sys, urllib.parse
from translate.storage import tmdb
d = tmdb.TMDB(sys.argv[1], max_candidates=1, min_similarity=50)
print(len(d.translate_unit(urllib.parse.unquote(sys.argv[2]), "en", "en_US")))' "$pdb" "$zq")
start_tmserver "$pdb"
zh_http=$(curl -sS -m 120 "http://127.0.0.1:$pport/tmserver/en/en_US/unit/$zq" 2>&1 || true)
stop "$ppid"
start_tmserver "$pedb"
start_tm "$tdb" "$outdir/serve-peer.log" --public-read --threads "$threads"

echo "### The peer: translate-toolkit tmserver on $peer_units units"
echo
echo "tmserver $($py -c 'import translate.__version__ as v; print(v.sver)' 2>/dev/null) (cheroot), \`--max-candidates 1 --min-similarity 50\`, its tmdb made by \`build_tmdb\`; tm serve --threads $threads on the same $peer_units units (\`$tdb\`), asked through its tmserver route (\`/en_us/zh_cn/unit/TEXT?min_similarity=50&max_candidates=1\`)."
echo
echo "Chinese: the stored source of sid 1, asked of tmdb in Python, gives $zh_direct match(es); asked of tmserver over HTTP, \`$(echo "$zh_http" | tr -d '\n ' | head -c 80)\` (its WSGI server decodes the path as Latin-1, so Chinese never arrives intact). Both servers are therefore asked $pq English queries (20 stored sources, 20 with 1-3 words replaced or dropped, 10 new sentences; \`$outdir/peer-queries-en.txt\`) against an English-source tmdb of the same units; tm looks up en-US → zh-CN in its one memory."
echo
echo "Same Python keep-alive client for both (serve-client.py), cycling through the queries; tm for ${dur} s, tmserver for ${peer_budget} s (a request still under way then is given up and counted in \"not answered\"; requests, p50 and p99 count the answers)."
echo
echo "| server | connections | answers | not 200 or not answered | seconds | requests/s | p50 ms | p99 ms |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
# Warm both: one pass on tm; tmserver opens its tmdb on a first request
# (a one-word one: a pass over its queries would take hours).
python3 "$outdir/serve-client.py" "$srv_port" "$outdir/peer-paths-tm.txt" 1 60 --once >/dev/null
curl -sS -m 60 -o /dev/null "http://127.0.0.1:$pport/tmserver/en/zh_CN/unit/office" || true
# tm first: tmserver goes on working on the requests given up at the
# end of its time, so it is restarted before each of its runs and never
# runs beside tm serve.
for c in 1 8; do
	read -r n errs el rps p50 p99 _ < <(python3 "$outdir/serve-client.py" \
	    "$srv_port" "$outdir/peer-paths-tm.txt" "$c" "$dur")
	echo "| tm serve | $c | $n | $errs | $el | $rps | $p50 | $p99 |"
	eval "tm_rps_$c=$rps"
done
for c in 1 8; do
	stop "$ppid"
	start_tmserver "$pedb"
	curl -sS -m 60 -o /dev/null "http://127.0.0.1:$pport/tmserver/en/zh_CN/unit/office" || true
	python3 "$outdir/serve-client.py" "$pport" \
	    "$outdir/peer-paths-tmserver.txt" "$c" "$peer_budget" \
	    >"$outdir/peer-tmserver-$c.txt"
	read -r n errs el rps p50 p99 _ <"$outdir/peer-tmserver-$c.txt"
	echo "| tmserver | $c | $n | $errs | $el | $rps | $p50 | $p99 |"
	eval "peer_n_$c=$n peer_el_$c=$el"
done
echo
for c in 1 8; do
	eval "a=\$tm_rps_$c n=\$peer_n_$c el=\$peer_el_$c"
	# No answer in the time: tmserver's rate is below one request a
	# connection in that time, which bounds the ratio from below.
	if [ "$n" -gt 0 ]; then
		r=$(awk -v a="$a" -v n="$n" -v t="$el" 'BEGIN { printf "%.0f", a / (n / t) }')
		echo "- $c connection(s): tm serve / tmserver = **${r}×** in requests/s (target ≥ 50×: $(hold "$r" 50 ge))."
	else
		r=$(awk -v a="$a" -v c="$c" -v t="$el" 'BEGIN { printf "%.0f", a / (c / t) }')
		echo "- $c connection(s): tmserver answered nothing in $el s: tm serve / tmserver > **${r}×** in requests/s (target ≥ 50×: $(hold "$r" 50 ge))."
	fi
done
echo "- tmserver's first answer at 1 connection: \`$(cut -d' ' -f7- "$outdir/peer-tmserver-1.txt" | head -c 160)\`"
echo "- tm serve's: \`$(curl -sS -m 30 "http://127.0.0.1:$srv_port$(head -n 1 "$outdir/peer-paths-tm.txt")" | tr -d '\n' | head -c 160)\`"
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
