#!/usr/bin/env bash
# Benchmark of tm lookup and tm concordance on a large memory, and of
# translate-toolkit's matcher on a smaller one in the same run.
#
# usage: tools/bench/bench-lookup.sh [-n UNITS] [-p PEER_UNITS] [-o OUTDIR]
#            [--tm PATH] [--no-peer]
#
# Builds (or reuses) an UNITS-unit memory from tools/bench/gen-tmx.py,
# plus the WMT21 news pairs of ../shared when present, compacted with
# tm reindex (the two imports leave a run each); makes 200+
# queries (tools/bench/make-queries.py); reports per-lookup latency in
# batch mode (p50/p95/p99, by kind), the recall of the index against an
# exhaustive scorer, concordance latency (build/tools/bench/bench-lookup,
# made by `make bench`), the wall time of a fresh `tm lookup` process
# (median of 11), and translate-toolkit's tmdb on PEER_UNITS units.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
units=1000000 peer_units=100000 outdir=$repo/tools/bench/out peer=1
tm=${TM_BIN:-$repo/build/src/tm}
bench=
cmdline="tools/bench/bench-lookup.sh $*"
while [ $# -gt 0 ]; do
	case $1 in
	-n) units=$2; shift 2 ;;
	-p) peer_units=$2; shift 2 ;;
	-o) outdir=$2; shift 2 ;;
	--tm) tm=$2; shift 2 ;;
	--bench) bench=$2; shift 2 ;;
	--no-peer) peer=0; shift ;;
	*) echo "usage: see the top of $0" >&2; exit 2 ;;
	esac
done
[ -n "$bench" ] || bench=$(dirname "$(dirname "$tm")")/tools/bench/bench-lookup
[ -x "$tm" ] || { echo "bench-lookup: no tm at $tm (build first)" >&2; exit 1; }
[ -x "$bench" ] || { echo "bench-lookup: no $bench: run 'make bench' in the build" >&2; exit 1; }
mkdir -p "$outdir"
shared=$repo/../shared/data
[ -d "$shared" ] || shared=

db=$("$here/lookup-memory.sh" "$tm" "$units" "$outdir" "$shared")
python3 "$here/make-queries.py" "$db" "$outdir/queries.tsv" ${shared:+--shared "$shared"}

echo "### tm lookup on $units units ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
echo
echo "Command: \`$cmdline\`; $(nproc) CPUs; $("$tm" --version)"
echo
"$bench" "$db" "$outdir/queries.tsv" zh-CN en-US "$outdir/queries.tsv.terms" 2>"$outdir/missed.txt"
echo
echo "Missed queries are listed in \`$outdir/missed.txt\`."
echo

# A fresh process: open, look up, print, exit.
q=$(sed -n '1s/^[^\t]*\t//p' "$outdir/queries.tsv")
times=()
for i in $(seq 11); do
	t0=$(date +%s%N)
	"$tm" --db "$db" lookup --from zh-CN --to en-US "$q" >/dev/null
	t1=$(date +%s%N)
	times+=($(( (t1 - t0) / 1000 )))
done
med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 6p)
echo "A fresh \`tm lookup\` process (open, look up, print, exit): median of 11: $(awk "BEGIN{printf \"%.1f\", $med/1000}") ms"
t0=$(date +%s%N)
"$tm" --db "$db" concordance 口罩 >/dev/null
t1=$(date +%s%N)
echo "A fresh \`tm concordance 口罩\` process: $(( (t1 - t0) / 1000000 )) ms"
echo

if [ "$peer" = 1 ]; then
	ptmx=$outdir/lookup-peer-$peer_units.tmx
	pdb=$outdir/lookup-peer-$peer_units.tmdb
	[ -f "$ptmx" ] || python3 "$here/gen-tmx.py" "$peer_units" --seed 1 -o "$ptmx"
	[ -f "$pdb" ] || build_tmdb -d "$pdb" -s zh-CN -t en-US "$ptmx" >/dev/null 2>&1
	tdb=$outdir/lookup-tm-$peer_units.db
	[ -f "$tdb" ] || "$tm" --db "$tdb" import -q "$ptmx"
	# Brings a memory of an older schema up to date too.
	"$tm" --db "$tdb" reindex
	head -n 40 "$outdir/queries.tsv" | cut -f2 >"$outdir/peer-queries.txt"
	/usr/bin/python3 - "$pdb" "$outdir/peer-queries.txt" <<'PY'
import sys, time
from translate.storage import tmdb
db = tmdb.TMDB(sys.argv[1], max_candidates=5, min_similarity=50)
qs = open(sys.argv[2], encoding="utf-8").read().splitlines()
ts = []
for q in qs:
    t0 = time.perf_counter()
    db.translate_unit(q, "en", "en_US")
    ts.append((time.perf_counter() - t0) * 1000)
ts.sort()
print("translate-toolkit tmdb on %d units: p50 %.1f ms, p95 %.1f ms over %d queries"
      % (int(sys.argv[1].split("-")[-1].split(".")[0]), ts[len(ts)//2], ts[int(len(ts)*0.95)], len(ts)))
PY
	t0=$(date +%s%N)
	"$tm" --db "$tdb" lookup --from zh-CN --to en-US - <"$outdir/peer-queries.txt" >/dev/null
	t1=$(date +%s%N)
	n=$(wc -l <"$outdir/peer-queries.txt")
	echo "tm on the same $peer_units units, same queries, batch: $(awk "BEGIN{printf \"%.2f\", ($t1-$t0)/1e6/$n}") ms a query (one process, start-up included)"
fi
