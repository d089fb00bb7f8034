#!/usr/bin/env bash
# Benchmark of Markdown inline markup in tm pretranslate: what the codes
# cost, and whether hostile Markdown stays linear.
#
# usage: tools/bench/bench-md-inline.sh [-p PARAGRAPHS] [-r RUNS]
#            [-o OUTDIR] [--tm PATH]
#
# Generates a Markdown file of PARAGRAPHS paragraphs (default 2000) made
# of the sample bulletin's sentences (tests/data/bulletin-2020-02-06.txt),
# each paragraph numbered so that no two sentences repeat, with inline
# markup in every sentence: a bold number, a link around part of one,
# a code span, an escaped asterisk, a hard break and an image; and the
# same file with the markup stripped.  Both are pre-translated (no MT)
# against the sample memory (tests/data/sample-bulletin*.tmx, 20 units)
# RUNS times each (default 5), each run a fresh process; it reports the
# median wall time of each.  Two hostile files follow: one 5 MB line of
# marked-up sentences (125,000 of them, repetitions in plain text), and
# one 5 MB paragraph of "[a](b*" (links that never close, emphasis that
# never matches), a sentence per line.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
paras=2000 runs=5 outdir=$repo/tools/bench/out
tm=${TM_BIN:-$repo/build/src/tm}
cmdline="tools/bench/bench-md-inline.sh $*"
while [ $# -gt 0 ]; do
	case $1 in
	-p) paras=$2; shift 2 ;;
	-r) runs=$2; shift 2 ;;
	-o) outdir=$2; shift 2 ;;
	--tm) tm=$2; shift 2 ;;
	*) echo "usage: see the top of $0" >&2; exit 2 ;;
	esac
done
[ -x "$tm" ] || { echo "bench-md-inline: no tm at $tm (build first)" >&2; exit 1; }
mkdir -p "$outdir"
db=$outdir/md-inline.db
rm -f "$db" "$db-wal" "$db-shm"
"$tm" --db "$db" import -q "$repo/tests/data/sample-bulletin.tmx" \
    "$repo/tests/data/sample-bulletin-2020-02.tmx"

python3 - "$repo/tests/data/bulletin-2020-02-06.txt" "$paras" "$outdir" <<'PY'
import re, sys
text, paras, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sents = [s for s in re.split(r"(?<=[。！？])", open(text, encoding="utf-8").read().replace("\u3000", "").replace("\n", "")) if s.strip()]
marked, plain = [], []
for p in range(paras):
    ss = [sents[(p + k) % len(sents)] for k in range(3)]
    ss[0] = "%d、%s" % (p + 1, ss[0])
    m = []
    for k, s in enumerate(ss):
        s = re.sub(r"(\d+)", r"**\1**", s, count=1)
        if k == 1 and len(s) > 6:
            s = s[:2] + "[" + s[2:6] + "](https://example.org/(p%d) \"t\")" % p + s[6:]
        m.append(s)
    marked.append("%s`x`\\*%s  \n![图](i%d.png)" % (m[0], "".join(m[1:]), p))
    plain.append("%sx*%s" % (ss[0], "".join(ss[1:])))
open(out + "/marked.md", "w", encoding="utf-8").write("\n\n".join(marked) + "\n")
open(out + "/plain.md", "w", encoding="utf-8").write("\n\n".join(plain) + "\n")
line = "".join("**王毅**会见了[代表](u%d)`x`。" % i for i in range(125000))
open(out + "/line.md", "w", encoding="utf-8").write(line + "\n")
# One block of 5 MB; each line (a Chinese paragraph) one sentence.
open(out + "/open.md", "w", encoding="utf-8").write(("[a](b*" * 1000 + "\n") * 834)
PY

median()
{
	local f=$1 t0 t1 times=()
	for i in $(seq "$runs"); do
		t0=$(date +%s%N)
		"$tm" --db "$db" pretranslate --from zh-CN --to en-US -o "$outdir/mi" "$outdir/$f.md" >/dev/null
		t1=$(date +%s%N)
		times+=($(( (t1 - t0) / 1000000 )))
	done
	printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}
segs()
{
	"$tm" --db "$db" pretranslate --from zh-CN --to en-US -o "$outdir/mi" --json "$outdir/$1.md" |
	    python3 -c 'import json,sys; d=json.load(sys.stdin)["files"][0]; print(len(d["segments"]))'
}
codes()
{
	{ grep -o '<g id=\|<x id=' "$outdir/mi/$1.xlf" || true; } | wc -l
}

echo "### tm pretranslate of Markdown with inline markup ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
echo
echo "Command: \`$cmdline\`; $(nproc) CPUs; $("$tm" --version)"
echo
echo "| file | segments | codes in the XLIFF | median of $runs runs |"
echo "| --- | --- | --- | --- |"
for f in plain marked line open; do
	n=$(segs "$f")
	c=$(codes "$f")
	m=$(median "$f")
	echo "| $f.md ($(wc -c <"$outdir/$f.md") bytes) | $n | $c | $m ms |"
done
