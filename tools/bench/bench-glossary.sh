#!/usr/bin/env bash
# Benchmark of the glossary and the checker (issue 6): import of a
# generated CSV glossary of N entries into a new database, then
# `tm glossary lookup` of one bulletin sentence and `tm check` of the
# 14-unit test bulletin (tests/data/issue6/check-right.xlf) against it.
# Prints the median wall time over RUNS of each (one tm process per run,
# program start included).
#
# usage: tools/bench/bench-glossary.sh [-n ENTRIES[,ENTRIES...]] [-r RUNS]
#            [-o OUTDIR] [--tm PATH]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
tm=${TM_BIN:-$repo/build/src/tm}
sizes=1000,10000,100000
runs=5
outdir=$repo/tools/bench/out/glossary
cmdline=tools/bench/bench-glossary.sh
for a in "$@"; do cmdline+=" $(printf '%q' "$a")"; done

while [ $# -gt 0 ]; do
	case $1 in
	-n) sizes=$2; shift 2 ;;
	-r) runs=$2; shift 2 ;;
	-o) outdir=$2; shift 2 ;;
	--tm) tm=$2; shift 2 ;;
	-h|--help) sed -n '2,11p' "$0"; exit 0 ;;
	*) echo "bench-glossary: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -x "$tm" ] || { echo "bench-glossary: no tm at $tm (build first)" >&2; exit 1; }
mkdir -p "$outdir"
xlf=$repo/tests/data/issue6/check-right.xlf
sentence='日本友好城市捐赠的5万只口罩已于2月3日运抵本市，市外办提醒外籍人士佩戴口罩。'

# median SECONDS... of a command run RUNS times
median() {
	python3 - "$runs" "$@" <<'PY'
import statistics, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
t = []
for _ in range(runs):
    t0 = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t.append(time.monotonic() - t0)
    if r.returncode not in (0, 1):
        sys.exit("failed: %s" % " ".join(cmd))
print("%.3f" % statistics.median(t))
PY
}

echo "command: $cmdline"
echo "tm: $tm ($("$tm" version))"
echo
echo "| entries | import (s) | glossary lookup (s) | check, 14 units (s) |"
echo "| ---: | ---: | ---: | ---: |"
IFS=, read -ra ns <<<"$sizes"
for n in "${ns[@]}"; do
	csv=$outdir/glossary-$n.csv
	python3 - "$n" "$csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w", encoding="utf-8") as f:
    f.write("zh-CN,en-US,note\n口罩,mask,\n外籍人士,foreign nationals,\n")
    for i in range(n - 2):
        f.write("术语%d号,term number %d,generated\n" % (i, i))
PY
	db=$outdir/glossary-$n.db
	t_imp=$(python3 - "$runs" "$tm" "$db" "$csv" <<'PY'
import os, statistics, subprocess, sys, time
runs, tm, db, csv = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
t = []
for _ in range(runs):
    for s in ("", "-wal", "-shm"):
        try: os.remove(db + s)
        except FileNotFoundError: pass
    t0 = time.monotonic()
    subprocess.run([tm, "--db", db, "glossary", "import", csv], check=True,
                   stdout=subprocess.DEVNULL)
    t.append(time.monotonic() - t0)
print("%.3f" % statistics.median(t))
PY
)
	t_look=$(median "$tm" --db "$db" glossary lookup --from zh --to en "$sentence")
	t_check=$(median "$tm" --db "$db" check "$xlf")
	echo "| $n | $t_imp | $t_look | $t_check |"
done
