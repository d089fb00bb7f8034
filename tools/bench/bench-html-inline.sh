#!/usr/bin/env bash
# Benchmark of HTML inline markup in tm pretranslate: what the codes cost.
#
# usage: tools/bench/bench-html-inline.sh [-p PARAGRAPHS] [-r RUNS]
#            [-o OUTDIR] [--tm PATH]
#
# Generates an HTML page of PARAGRAPHS paragraphs (default 2000) made of
# the sample bulletin's sentences (tests/data/bulletin-2020-02-06.txt),
# each paragraph numbered so that no two sentences repeat, with inline
# markup in every sentence: a bold number, a link around the whole
# sentence or part of it, a span crossing the sentence boundary, <br>
# and <img>; and the same page with every inline element stripped.
# Both are pre-translated (no MT) against the sample memory
# (tests/data/sample-bulletin*.tmx, 20 units) RUNS times each (default
# 5), each run a fresh process; it reports the median wall time of
# each and the difference, which is the cost of reading, placing and
# writing the codes (the lookups are the same: the plain text is).
# A third page puts 20,000 inline elements into one paragraph (the
# hostile case of tests/unit/inline.c) and reports its median too.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
paras=2000 runs=5 outdir=$repo/tools/bench/out
tm=${TM_BIN:-$repo/build/src/tm}
cmdline="tools/bench/bench-html-inline.sh $*"
while [ $# -gt 0 ]; do
	case $1 in
	-p) paras=$2; shift 2 ;;
	-r) runs=$2; shift 2 ;;
	-o) outdir=$2; shift 2 ;;
	--tm) tm=$2; shift 2 ;;
	*) echo "usage: see the top of $0" >&2; exit 2 ;;
	esac
done
[ -x "$tm" ] || { echo "bench-html-inline: no tm at $tm (build first)" >&2; exit 1; }
mkdir -p "$outdir"
db=$outdir/html-inline.db
rm -f "$db" "$db-wal" "$db-shm"
"$tm" --db "$db" import -q "$repo/tests/data/sample-bulletin.tmx" \
    "$repo/tests/data/sample-bulletin-2020-02.tmx"

python3 - "$repo/tests/data/bulletin-2020-02-06.txt" "$paras" "$outdir" <<'PY'
import html, re, sys
text, paras, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sents = [s for s in re.split(r"(?<=[。！？])", open(text, encoding="utf-8").read().replace("\u3000", "").replace("\n", "")) if s.strip()]
marked, plain = [], []
for p in range(paras):
    ss = [sents[(p + k) % len(sents)] for k in range(3)]
    # Numbered so that no sentence repeats: every one is looked up.
    ss[0] = "%d、%s" % (p + 1, ss[0])
    m = []
    for k, s in enumerate(ss):
        s = html.escape(s, quote=False)
        s = re.sub(r"(\d+)", r'<b class="n">\1</b>', s, count=1)
        if k == 1:
            s = '<a href="https://example.org/?p=%d&amp;s=%d" title="&quot;%d&quot;">%s</a>' % (p, k, k, s)
        m.append(s)
    # A span from the middle of the third sentence across the paragraph end.
    m[2] = m[2][:len(m[2]) // 2] + '<span class="hl">' + m[2][len(m[2]) // 2:]
    marked.append("<p>%s%s</span><br><img src=\"i%d.png\" alt=\"a &lt; b\"></p>" % (m[0], "".join(m[1:]), p))
    plain.append("<p>%s</p>" % "".join(html.escape(s, quote=False) for s in ss))
head = '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>bench</title></head><body>\n'
open(out + "/marked.html", "w", encoding="utf-8").write(head + "\n".join(marked) + "\n</body></html>\n")
open(out + "/plain.html", "w", encoding="utf-8").write(head + "\n".join(plain) + "\n</body></html>\n")
many = "".join('<b title="%d">字%d</b>。<br>' % (i, i) for i in range(20000))
open(out + "/many.html", "w", encoding="utf-8").write(head + "<p>" + many + "副市长出席活动并致辞。</p>\n</body></html>\n")
PY

median()
{
	local f=$1 t0 t1 times=()
	for i in $(seq "$runs"); do
		t0=$(date +%s%N)
		"$tm" --db "$db" pretranslate --from zh-CN --to en-US -o "$outdir/hi" "$outdir/$f.html" >/dev/null
		t1=$(date +%s%N)
		times+=($(( (t1 - t0) / 1000000 )))
	done
	printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}
segs()
{
	"$tm" --db "$db" pretranslate --from zh-CN --to en-US -o "$outdir/hi" --json "$outdir/$1.html" |
	    python3 -c 'import json,sys; d=json.load(sys.stdin)["files"][0]; print(len(d["segments"]))'
}
codes()
{
	{ grep -o '<g id=\|<x id=' "$outdir/hi/$1.xlf" || true; } | wc -l
}

echo "### tm pretranslate of HTML with inline markup ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
echo
echo "Command: \`$cmdline\`; $(nproc) CPUs; $("$tm" --version)"
echo
echo "| page | segments | codes in the XLIFF | median of $runs runs |"
echo "| --- | --- | --- | --- |"
for f in plain marked many; do
	n=$(segs "$f")
	c=$(codes "$f")
	m=$(median "$f")
	echo "| $f.html ($(wc -c <"$outdir/$f.html") bytes) | $n | $c | $m ms |"
done
