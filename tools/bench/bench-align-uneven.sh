#!/usr/bin/env bash
# Benchmark of tm align on a long pair of uneven length: 10,000 Chinese
# lines against 13,000 English, made by gen-align-uneven.py from the
# WMT zh-en news test sets of ../shared/data/zh-en (the first 13,000
# sentence pairs of newstest2017-2020, 2021 and generaltest2022, 2,000
# Chinese sentences dropped and 1,000 pairs of neighbours joined, seed
# 13), and a partial translation (the same pairs, the English stopping
# after 4,000).  Prints wall time and peak memory (/usr/bin/time -v) and
# strict F1 against the gold links (align-eval's eval.py).
#
# usage: tools/bench/bench-align-uneven.sh [-o OUTDIR] [--tm PATH]
#            [--data DIR] [--eval DIR]
#
# Exits 0 without doing anything (saying why) when the shared data or
# tools are absent.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

die() { echo "bench-align-uneven: $*" >&2; exit 1; }
say() { echo "bench-align-uneven: $*" >&2; }

outdir=$repo/tools/bench/out/align-uneven
tm=${TM_BIN:-$repo/build/src/tm}
data=$repo/../shared/data/zh-en
evaldir=$repo/../shared/tools/align-eval
while [ $# -gt 0 ]; do
	case $1 in
	-o) [ $# -ge 2 ] || die "-o needs a value"; outdir=$2; shift 2 ;;
	--tm) [ $# -ge 2 ] || die "--tm needs a value"; tm=$2; shift 2 ;;
	--data) [ $# -ge 2 ] || die "--data needs a value"; data=$2; shift 2 ;;
	--eval) [ $# -ge 2 ] || die "--eval needs a value"; evaldir=$2; shift 2 ;;
	-h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1'" ;;
	esac
done
D=$data/wmt-newstest
W=$data/wmt21-newstest
G=$data/wmt22-generaltest
pairs=(
	"$D/newstest2017.zh-en.zh:$D/newstest2017.zh-en.en"
	"$D/newstest2018.zh-en.zh:$D/newstest2018.zh-en.en"
	"$D/newstest2019.zh-en.zh:$D/newstest2019.zh-en.en"
	"$D/newstest2020.zh-en.zh:$D/newstest2020.zh-en.en"
	"$W/newstest2021.zh-en.src.zh:$W/newstest2021.zh-en.ref.A.en"
	"$G/generaltest2022.zh-en.src.zh:$G/generaltest2022.zh-en.ref.A.en"
)
for p in "${pairs[@]}" "$evaldir/eval.py:$evaldir/eval.py"; do
	for f in "${p%%:*}" "${p#*:}"; do
		if [ ! -e "$f" ]; then
			say "skipped: '$f' is absent"
			exit 0
		fi
	done
done
[ -x "$tm" ] || die "no tm program at '$tm' (build first, or --tm)"
command -v /usr/bin/time >/dev/null || die "needs /usr/bin/time (GNU time)"

mkdir -p "$outdir"
# run NAME GEN_ARGS...: make the pair, align it, print the figures.
run() {
	local name=$1 dir=$outdir/$1
	shift
	rm -rf "$dir"
	python3 "$here/gen-align-uneven.py" "$@" -o "$dir" "${pairs[@]}" >&2
	mkdir -p "$dir/links"
	/usr/bin/time -v "$tm" align --from zh --to en --lines --no-memory \
		--links "$dir/links/long.align" "$dir/long.zh" "$dir/long.en" \
		2>"$dir/time.txt"
	echo "#### $name: $(wc -l <"$dir/long.zh") Chinese lines, $(wc -l <"$dir/long.en") English"
	echo
	echo '```'
	grep -E 'Elapsed|Maximum resident|User time' "$dir/time.txt" | sed 's/^\t//'
	python3 "$evaldir/eval.py" -g "$dir/gold" -t "$dir/links"
	echo '```'
	echo
}
report=$outdir/bench-align-uneven-$(date -u +%Y%m%dT%H%M%SZ).md
{
	echo "### Run of $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	echo "Command: \`tools/bench/bench-align-uneven.sh\` ($("$tm" version), $(nproc) CPUs)"
	echo
	run uneven
	run partial --drop 0 --merge 0 --pairs 10000 --keep 4000
} | tee "$report"
say "report in $report"
