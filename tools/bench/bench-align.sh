#!/usr/bin/env bash
# Benchmark of tm align on the align-eval sets (strict F1, recall per
# link type, time).
#
# usage: tools/bench/bench-align.sh [-r RUNS] [-o OUTDIR] [--tm PATH]
#            [--data DIR] [--eval DIR] [-- EXTRA_TM_ALIGN_ARGS...]
#
# Builds, exactly as ../shared/tools/align-eval/README.md says, the
# development set (newstest2017+2018, --docs dev:20 --seed 7 --ordered)
# and the test set (newstest2019, 2020 and 2021, --docs test:50) into
# OUTDIR, runs `tm align --from zh --to en --lines --links` on every
# document pair, scores the links with eval.py and prints strict F1 and
# recall per link type for each set, plus the median over RUNS of the
# wall time of aligning the 50 test documents (one tm process per
# document, as a user would run it).  Exits 0 without doing anything
# (saying why) when the shared data or tools are absent.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/news-sets.sh"
repo=$(cd "$here/../.." && pwd)

die() { echo "bench-align: $*" >&2; exit 1; }
say() { echo "bench-align: $*" >&2; }

cmdline=tools/bench/bench-align.sh
for a in "$@"; do cmdline+=" $(printf '%q' "$a")"; done

runs=5
outdir=$repo/tools/bench/out/align
tm=${TM_BIN:-$repo/build/src/tm}
data=$repo/../shared/data/zh-en
evaldir=$repo/../shared/tools/align-eval
extra=()
while [ $# -gt 0 ]; do
	case $1 in
	-r) [ $# -ge 2 ] || die "-r needs a value"; runs=$2; shift 2 ;;
	-o) [ $# -ge 2 ] || die "-o needs a value"; outdir=$2; shift 2 ;;
	--tm) [ $# -ge 2 ] || die "--tm needs a value"; tm=$2; shift 2 ;;
	--data) [ $# -ge 2 ] || die "--data needs a value"; data=$2; shift 2 ;;
	--eval) [ $# -ge 2 ] || die "--eval needs a value"; evaldir=$2; shift 2 ;;
	--) shift; extra=("$@"); break ;;
	-h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1'" ;;
	esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "-r needs a positive integer"
D=$data/wmt-newstest
W=$data/wmt21-newstest
for f in "$D/newstest2017.zh-en.zh" "$D/newstest2019.zh-en.zh" \
    "$W/newstest2021.zh-en.src.zh" "$evaldir/build_set.py" "$evaldir/eval.py"; do
	if [ ! -e "$f" ]; then
		say "skipped: '$f' is absent"
		exit 0
	fi
done
[ -x "$tm" ] || die "no tm program at '$tm' (build first, or --tm)"

mkdir -p "$outdir"
sets=$outdir/sets
rm -rf "$sets"
say "building the sets into $sets"
news_sets "$evaldir" "$data" "$sets"

# align SPLIT OUT: every document of the split, links into OUT.
align() {
	local f b
	rm -rf "$2"
	mkdir -p "$2"
	for f in "$sets/$1"/*.zh; do
		b=$(basename "$f" .zh)
		"$tm" align --from zh --to en --lines --no-memory ${extra[@]+"${extra[@]}"} \
			--links "$2/$b.align" "$f" "$sets/$1/$b.en"
	done
}

now() { date +%s.%N; }

report=$outdir/bench-align-$(date -u +%Y%m%dT%H%M%SZ).md
{
	echo "### Run of $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	echo "Command: \`$cmdline\` ($("$tm" version), $(nproc) CPUs)"
	echo
	for split in dev test; do
		align "$split" "$outdir/links-$split"
		echo "#### $split"
		echo
		echo '```'
		python3 "$evaldir/eval.py" -g "$sets/$split/gold" \
			-t "$outdir/links-$split"
		echo '```'
		echo
	done
	times=()
	for ((i = 0; i < runs; i++)); do
		t0=$(now)
		align test "$outdir/links-time"
		t1=$(now)
		times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
	done
	med=$(printf '%s\n' "${times[@]}" | sort -n |
		awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
	printf 'Aligning the 50 test documents (one tm process each): median %.3f s over %d runs (min %.3f, max %.3f)\n' \
		"$med" "$runs" "$(printf '%s\n' "${times[@]}" | sort -n | head -1)" \
		"$(printf '%s\n' "${times[@]}" | sort -n | tail -1)"
} | tee "$report"
say "report in $report"
