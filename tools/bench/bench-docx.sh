#!/usr/bin/env bash
# Benchmark of tm pretranslate on a DOCX bulletin of about 50 pages
# against a large memory, and of OmegaT 3.6 in console mode on the same
# file and the same memory (as TMX), in one run.
#
# usage: tools/bench/bench-docx.sh [-n UNITS] [-r RUNS] [-o OUTDIR]
#            [--tm PATH] [--db PATH] [--articles N] [--peer-runs N]
#            [--xmx SIZE] [--no-peer]
#
#   -n UNITS      the memory: OUTDIR/lookup-UNITS.db, made as
#                 bench-lookup.sh makes it (gen-tmx.py UNITS --seed 1,
#                 then the WMT21 newstest pairs, reindex) when missing
#   --db PATH     use this memory instead (opened for reading only), e.g.
#                 the lookup-1000000.db bench-lookup.sh left; it must hold
#                 the WMT21 pairs for the bulletin to meet matches
#   -r RUNS       tm pretranslate processes timed (default 5)
#   --peer-runs N OmegaT processes timed (default 1: it is slow)
#   --xmx SIZE    OmegaT's Java heap (default 8g)
#   --articles N  the bulletin's length (default 82, about 50 pages)
#   --no-peer     tm only
#
# Needs ../shared/data (WMT news), soffice (libreoffice-writer-nogui),
# pdfinfo (poppler-utils) and, for the peer, java and OmegaT (Debian
# omegat; tools/install-deps.sh --bench).
#
# The bulletin (tools/bench/gen-bulletin.py): WMT news articles with
# headings, paragraphs (some opening with a bold name), a table of
# figures every third article, a footnote per article, a header and a
# footer with the page number; its sentences are WMT21 lines the memory
# holds (exact), such lines with one edit (fuzzy) and older newstest
# lines it does not hold (new).  LibreOffice writes it as DOCX and as PDF
# (pdfinfo counts the pages).  Reported: the segments, what each tool
# inserted (tm: exact and fuzzy, from its JSON; OmegaT: the segments its
# project statistics no longer count as remaining, and for both, how
# many of the bulletin's exact and fuzzy sentences have the memory's
# translation in the output document), and the median wall time, user
# CPU time and peak RSS (GNU time) of the runs.  The draft is converted
# to PDF to check that LibreOffice opens it and to count its pages.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
units=1000000 runs=5 peer_runs=1 outdir=$repo/tools/bench/out peer=1
articles=82 xmx=8g db=
tm=${TM_BIN:-$repo/build/src/tm}
cmdline="tools/bench/bench-docx.sh $*"
while [ $# -gt 0 ]; do
	case $1 in
	-n) units=$2; shift 2 ;;
	-r) runs=$2; shift 2 ;;
	-o) outdir=$2; shift 2 ;;
	--tm) tm=$2; shift 2 ;;
	--db) db=$2; shift 2 ;;
	--articles) articles=$2; shift 2 ;;
	--peer-runs) peer_runs=$2; shift 2 ;;
	--xmx) xmx=$2; shift 2 ;;
	--no-peer) peer=0; shift ;;
	*) echo "usage: see the top of $0" >&2; exit 2 ;;
	esac
done
die() { echo "bench-docx: $*" >&2; exit 1; }
[ -x "$tm" ] || die "no tm at $tm (build first)"
shared=$repo/../shared/data
[ -d "$shared/zh-en/wmt21-newstest" ] || die "no $shared/zh-en (the WMT news text)"
command -v soffice >/dev/null || die "no soffice (libreoffice-writer-nogui)"
command -v pdfinfo >/dev/null || die "no pdfinfo (poppler-utils)"
omegat_jar=/usr/share/omegat/OmegaT.jar
if [ $peer = 1 ]; then
	command -v java >/dev/null && [ -f $omegat_jar ] ||
		die "no OmegaT ($omegat_jar): tools/install-deps.sh --bench, or --no-peer"
fi
[ -x /usr/bin/time ] || die "no /usr/bin/time (GNU time)"
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
w=$outdir/docx
mkdir -p "$w"

office()
{
	soffice -env:UserInstallation=file://$w/lo-profile --headless \
	    --convert-to "$@" >>"$w/soffice.log" 2>&1
}
pages() { pdfinfo "$1" | sed -n 's/^Pages: *//p'; }

# The bulletin.
name=bulletin-$articles
if [ ! -f "$w/$name.docx" ]; then
	python3 "$here/gen-bulletin.py" "$shared" --articles "$articles" \
	    -o "$w/$name.fodt" --manifest "$w/$name.json"
	office docx:"MS Word 2007 XML" --outdir "$w" "$w/$name.fodt"
	[ -s "$w/$name.docx" ] || die "soffice did not write $w/$name.docx"
fi
[ -f "$w/$name.pdf" ] || office pdf --outdir "$w" "$w/$name.docx"
src_pages=$(pages "$w/$name.pdf")

# The memory.
if [ -z "$db" ]; then
	db=$("$here/lookup-memory.sh" "$tm" "$units" "$outdir" "$shared")
fi
nunits=$("$tm" --db "$db" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["units"])')

# Median wall (s), user (s) and peak RSS (MB) of lines "wall user kb".
medians()
{
	python3 -c '
import statistics, sys
r = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
m = [statistics.median(c) for c in zip(*r)]
print("%.2f s wall, %.2f s user, %.0f MB peak RSS" % (m[0], m[1], m[2] / 1024))'
}
# Exact and fuzzy sentences of the bulletin whose memory translation is
# in the output document (any of its parts).
found()
{
	python3 - "$w/$name.json" "$1" <<'PY'
import html, json, re, sys, zipfile
m = json.load(open(sys.argv[1], encoding="utf-8"))
z = zipfile.ZipFile(sys.argv[2])
text = ""
for n in z.namelist():
    if n.startswith("word/") and n.endswith(".xml"):
        x = z.read(n).decode("utf-8")
        for p in re.findall(r"<w:p[ >].*?</w:p>", x, re.S):
            text += html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))) + "\n"
out = []
for kind in ("exact", "fuzzy"):
    es = [s["en"] for s in m if s["kind"] == kind]
    out.append("%s %d/%d" % (kind, sum(1 for e in es if e in text), len(es)))
print(", ".join(out))
PY
}

echo "### DOCX bulletin: tm pretranslate and OmegaT, $nunits-unit memory ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
echo
echo "Command: \`$cmdline\`; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start (a shared machine); $("$tm" --version)"
echo
kinds=$(python3 -c 'import collections, json, sys; c = collections.Counter(s["kind"] for s in json.load(open(sys.argv[1]))); print(", ".join("%d %s" % (c[k], k) for k in ("exact", "fuzzy", "new")))' "$w/$name.json")
echo "Bulletin: $w/$name.docx, $src_pages pages (LibreOffice's PDF), $(stat -c %s "$w/$name.docx") bytes; sentences written: $kinds. Memory: $db."
echo

# tm pretranslate.
"$tm" --db "$db" pretranslate --from zh-CN --to en-US -o "$w/pt" --json \
    "$w/$name.docx" >"$w/pt.json"
tm_counts=$(python3 -c '
import collections, json, sys
d = json.load(open(sys.argv[1]))["files"][0]
c = collections.Counter(s["origin"] for s in d["segments"] if s["target"] is not None)
print("%d segments; inserted %d exact, %d fuzzy (%s)" % (len(d["segments"]), c["exact"] + c["context"], c["fuzzy"],
      ", ".join("%s: %d" % (b["band"], b["segments"]) for b in d["bands"] if b["segments"] and b["band"] != "total")))' "$w/pt.json")
draft=$w/pt/$name.draft.docx
: >"$w/tm-times.txt"
for i in $(seq "$runs"); do
	/usr/bin/time -f '%e %U %M' -a -o "$w/tm-times.txt" "$tm" --db "$db" \
	    pretranslate --from zh-CN --to en-US -o "$w/pt" "$w/$name.docx" >/dev/null
done
rm -f "$w/pt/$name.draft.pdf"
office pdf --outdir "$w/pt" "$draft"
draft_pages=$([ -s "$w/pt/$name.draft.pdf" ] && pages "$w/pt/$name.draft.pdf" || echo "NOT OPENED")
echo "- tm pretranslate: $tm_counts"
echo "  - in the draft: the memory's translation of $(found "$draft") sentences of the bulletin"
echo "  - $runs runs: $(medians <"$w/tm-times.txt") (medians; all runs: $(tr '\n' ';' <"$w/tm-times.txt"))"
# The same document with nothing translated: every paragraph rebuilt
# (highlighted), the text unchanged, so the pages should be the same.
rm -rf "$w/pt-empty" "$w/empty.db"*
printf '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="bench" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="zh-CN" datatype="plaintext"/><body><tu><tuv xml:lang="zh-CN"><seg>空</seg></tuv><tuv xml:lang="en-US"><seg>empty</seg></tuv></tu></body></tmx>\n' >"$w/empty.tmx"
"$tm" --db "$w/empty.db" import -q "$w/empty.tmx"
"$tm" --db "$w/empty.db" pretranslate --from zh-CN --to en-US -o "$w/pt-empty" \
    "$w/$name.docx" >/dev/null
office pdf --outdir "$w/pt-empty" "$w/pt-empty/$name.draft.docx"
empty_pages=$([ -s "$w/pt-empty/$name.draft.pdf" ] && pages "$w/pt-empty/$name.draft.pdf" || echo "NOT OPENED")
echo "  - LibreOffice converts the draft to PDF: $draft_pages pages (English runs longer); with an empty memory (every paragraph rebuilt, highlighted, in Chinese): $empty_pages pages"

[ $peer = 1 ] || exit 0

# OmegaT: the memory as TMX in tm/auto, the bulletin in source/.
tmx=$outdir/omegat-$(basename "$db" .db).tmx
if [ ! -f "$tmx" ]; then
	/usr/bin/time -f '%e %U %M' -o "$w/export-time.txt" "$tm" --db "$db" export -q -o "$tmx.tmp"
	mv "$tmx.tmp" "$tmx"
	echo "- tm export of the memory for OmegaT: $(medians <"$w/export-time.txt"), $(( $(stat -c %s "$tmx") / 1048576 )) MB"
fi
p=$w/omegat-$(basename "$db" .db)
rm -rf "$p"
mkdir -p "$p/source" "$p/target" "$p/tm/auto" "$p/omegat" "$p/glossary" "$p/dictionary"
cp "$w/$name.docx" "$p/source/"
ln -s "$tmx" "$p/tm/auto/memory.tmx"
cat >"$p/omegat.project" <<'EOF'
<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>zh-CN</source_lang>
    <target_lang>en-US</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneSmartChineseTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
    <sentence_seg>true</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
EOF
: >"$w/omegat-times.txt"
status=ok
for i in $(seq "$peer_runs"); do
	rm -f "$p/target/$name.docx" "$p/omegat/project_stats.txt"
	if ! /usr/bin/time -f '%e %U %M' -a -o "$w/omegat-times.txt" java -Xmx"$xmx" \
	    -Djava.awt.headless=true -jar $omegat_jar "$p" --mode=console-translate \
	    >"$w/omegat.log" 2>&1; then
		status="failed (exit status; see $w/omegat.log)"
	fi
	# GNU time appends "Command exited with non-zero status N" lines.
	sed -i '/^Command/d' "$w/omegat-times.txt"
	if grep -q OutOfMemoryError "$w/omegat.log"; then
		status="out of memory with -Xmx$xmx"
	fi
	[ "$status" = ok ] || break
done
echo "- OmegaT $(dpkg-query -W -f='${Version}' omegat 2>/dev/null) console-translate, -Xmx$xmx, the memory as one TMX ($(( $(stat -c %s "$tmx") / 1048576 )) MB) in tm/auto: $status"
if [ -f "$p/omegat/project_stats.txt" ]; then
	python3 - "$p/omegat/project_stats.txt" <<'PY'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
t = int(re.search(r"^Total:\s+(\d+)", s, re.M).group(1))
r = int(re.search(r"^Remaining:\s+(\d+)", s, re.M).group(1))
print("  - %d segments; inserted %d (exact matches only in console mode), %d remaining" % (t, t - r, r))
PY
fi
[ -f "$p/target/$name.docx" ] &&
	echo "  - in its target document: the memory's translation of $(found "$p/target/$name.docx") sentences of the bulletin"
[ -s "$w/omegat-times.txt" ] &&
	echo "  - $(wc -l <"$w/omegat-times.txt") run(s): $(medians <"$w/omegat-times.txt") (medians; all runs: $(tr '\n' ';' <"$w/omegat-times.txt"))"
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
