#!/usr/bin/env bash
# Benchmark of tm pretranslate: the 30-segment sample bulletin
# (tests/data/bulletin-2020-02-06.txt) against the 1,000,000-unit
# generated memory of bench-lookup.sh, without MT.  Target: < 2 s.
#
# usage: tools/bench/bench-pretranslate.sh [-n UNITS] [-r RUNS] [-o OUTDIR]
#            [--tm PATH]
#
# Reuses OUTDIR/lookup-UNITS.db when bench-lookup.sh made it, else builds
# it the same way (gen-tmx.py UNITS --seed 1, import, reindex).  The run
# works on a copy, OUTDIR/pretranslate-UNITS.db, with the sample memory
# (tests/data/sample-bulletin*.tmx) imported too so that the bulletin
# meets exact, context and fuzzy matches among the million units (as
# a small daily import would: its index run is not merged).
# Reports the wall time of RUNS fresh `tm pretranslate` processes (open,
# segment, look up, write the XLIFF, review page, draft and analysis):
# the first (cold cache) apart, then the median, min and max of the rest.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
units=1000000 runs=11 outdir=$repo/tools/bench/out
tm=${TM_BIN:-$repo/build/src/tm}
cmdline="tools/bench/bench-pretranslate.sh $*"
while [ $# -gt 0 ]; do
	case $1 in
	-n) units=$2; shift 2 ;;
	-r) runs=$2; shift 2 ;;
	-o) outdir=$2; shift 2 ;;
	--tm) tm=$2; shift 2 ;;
	*) echo "usage: see the top of $0" >&2; exit 2 ;;
	esac
done
[ -x "$tm" ] || { echo "bench-pretranslate: no tm at $tm (build first)" >&2; exit 1; }
mkdir -p "$outdir"
bulletin=$repo/tests/data/bulletin-2020-02-06.txt

base=$outdir/lookup-$units.db
db=$outdir/pretranslate-$units.db
if [ ! -f "$db" ]; then
	if [ ! -f "$base" ]; then
		tmx=$outdir/lookup-$units.tmx
		[ -f "$tmx" ] || python3 "$here/gen-tmx.py" "$units" --seed 1 -o "$tmx"
		"$tm" --db "$base" import -q "$tmx"
		"$tm" --db "$base" reindex
	fi
	cp "$base" "$db.tmp"
	"$tm" --db "$db.tmp" import -q "$repo/tests/data/sample-bulletin.tmx" \
	    "$repo/tests/data/sample-bulletin-2020-02.tmx"
	mv "$db.tmp" "$db"
	rm -f "$db.tmp-wal" "$db.tmp-shm"
fi
nunits=$("$tm" --db "$db" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["units"])')
segs=$("$tm" --db "$db" pretranslate --from zh-CN --to en-US -o "$outdir/pt" --json "$bulletin" |
    python3 -c 'import json,sys; d=json.load(sys.stdin)["files"][0]; print(len(d["segments"]), " ".join("%s=%d" % (b["band"], b["segments"]) for b in d["bands"] if b["segments"] and b["band"] != "total"))')

echo "### tm pretranslate: 30-segment bulletin, $units-unit memory ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
echo
echo "Command: \`$cmdline\`; $(nproc) CPUs; $("$tm" --version)"
echo
echo "Memory: $nunits units; bulletin: $segs"
echo
times=()
for i in $(seq "$runs"); do
	t0=$(date +%s%N)
	"$tm" --db "$db" pretranslate --from zh-CN --to en-US -o "$outdir/pt" "$bulletin" >/dev/null
	t1=$(date +%s%N)
	times+=($(( (t1 - t0) / 1000 )))
done
first=${times[0]}
rest=$(printf '%s\n' "${times[@]:1}" | sort -n)
n=$(( runs - 1 ))
med=$(printf '%s\n' "$rest" | sed -n "$(( (n + 1) / 2 ))p")
min=$(printf '%s\n' "$rest" | head -n 1)
max=$(printf '%s\n' "$rest" | tail -n 1)
ms() { awk "BEGIN{printf \"%.0f\", $1/1000}"; }
echo "First run (after the copy, page cache as it is): $(ms "$first") ms"
echo "Next $n runs: median $(ms "$med") ms (min $(ms "$min"), max $(ms "$max")); target < 2000 ms"
