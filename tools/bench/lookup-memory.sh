#!/usr/bin/env bash
# The lookup benchmarks' memory: OUTDIR/lookup-UNITS.db, made once and
# reused by bench-lookup.sh, bench-serve.sh and bench-docx.sh.
#
# usage: tools/bench/lookup-memory.sh TM UNITS OUTDIR [SHARED]
#
# UNITS generated units (gen-tmx.py --seed 1), then, when SHARED (the
# ../shared/data folder) is given, the WMT21 news pairs as units so that
# news queries have matches, and one reindex to merge the index's runs
# as after any large import.  The database is built under another name
# and renamed into place, so an interrupted run leaves no half memory.
# Prints the database's path.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tm=$1 units=$2 outdir=$3 shared=${4-}
tmx=$outdir/lookup-$units.tmx
db=$outdir/lookup-$units.db
if [ ! -f "$db" ]; then
	[ -f "$tmx" ] || python3 "$here/gen-tmx.py" "$units" --seed 1 -o "$tmx"
	rm -f "$db.tmp" "$db.tmp-wal" "$db.tmp-shm"
	"$tm" --db "$db.tmp" import -q "$tmx" >&2
	if [ -n "$shared" ]; then
		python3 - "$shared/zh-en/wmt21-newstest" "$outdir/wmt21.tmx" <<'PY'
import sys, html
d, out = sys.argv[1], sys.argv[2]
zh = open(d + "/newstest2021.zh-en.src.zh", encoding="utf-8").read().splitlines()
en = open(d + "/newstest2021.zh-en.ref.A.en", encoding="utf-8").read().splitlines()
with open(out, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="bench" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="zh-CN" datatype="plaintext"/><body>\n')
    for z, e in zip(zh, en):
        f.write('<tu><tuv xml:lang="zh-CN"><seg>%s</seg></tuv><tuv xml:lang="en-US"><seg>%s</seg></tuv></tu>\n' % (html.escape(z, False), html.escape(e, False)))
    f.write("</body></tmx>\n")
PY
		"$tm" --db "$db.tmp" import -q "$outdir/wmt21.tmx" >&2
	fi
	"$tm" --db "$db.tmp" reindex >&2
	mv "$db.tmp" "$db"
	rm -f "$db.tmp-wal" "$db.tmp-shm"
fi
echo "$db"
