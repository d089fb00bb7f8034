#!/bin/sh
# bench-pg.sh: the PostgreSQL backend beside SQLite, in the same run.
#
#   tools/bench/bench-pg.sh [--tm PATH] [--units N] [--runs R] [--skip-1m]
#
# Starts a PostgreSQL 15 server of its own (tests/pg.sh: initdb under
# /tmp, Unix socket only) with durable settings (fsync, synchronous
# commit and full-page writes on, shared_buffers 256MB: what a real
# deployment runs, not the tests' fsync=off), then measures, each on
# SQLite and on PostgreSQL:
#   - import of N units (default 1,000,000) into a new memory;
#   - import of 100,000 units, R times (default 3), median;
#   - lookup p50/p99 and recall against the exhaustive best on the
#     lookup benchmark's 1,000,000-unit memory (tools/bench/bench-lookup
#     DB; on PostgreSQL a `tm copy` of that memory, over the socket);
#   - four importers of 250,000 units each at once into one memory:
#     wall time, and every unit landed (units = the sum of imported).
# Figures go to tools/bench/out/bench-pg-<time>.md; BENCHMARKS.md quotes
# them.  Needs `make bench` (bench-lookup) and tools/bench/gen-tmx.py's
# files (made here when missing).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
OUTDIR=$HERE/out
TM=$SRC/build-rel/src/tm
UNITS=1000000
RUNS=3
SKIP_1M=0
while [ $# -gt 0 ]; do
	case $1 in
	--tm) TM=$2; shift 2 ;;
	--units) UNITS=$2; shift 2 ;;
	--runs) RUNS=$2; shift 2 ;;
	--skip-1m) SKIP_1M=1; shift ;;
	*) echo "usage: $0 [--tm PATH] [--units N] [--runs R] [--skip-1m]" >&2; exit 2 ;;
	esac
done
BENCH_LOOKUP=$(dirname "$TM")/../tools/bench/bench-lookup
mkdir -p "$OUTDIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
REPORT=$OUTDIR/bench-pg-$STAMP.md

. "$SRC/tests/pg.sh"
PGD=$(mktemp -d /tmp/tm-bpg.XXXXXX)
trap 'pg_stop "$PGD" >/dev/null 2>&1 || true; rm -f "$OUTDIR"/bpg-*.db*' EXIT
pg_start "$PGD" >/dev/null
pg_as sh -c 'cat >>"$1/data/postgresql.conf"' sh "$PGD" <<EOF
fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = 256MB
max_wal_size = 4GB
EOF
pg_as "$(pg_bindir)/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w restart >/dev/null
db() { pg_createdb "$PGD" "$1"; }

gen() {	# gen N SEED: the file's path, made once
	_f=$OUTDIR/gen-$1-s$2-$(sha1sum "$HERE/gen-tmx.py" | cut -c1-8).tmx
	[ -s "$_f" ] || python3 "$HERE/gen-tmx.py" "$1" --seed "$2" -o "$_f"
	echo "$_f"
}

# timed OUT CMD...: wall seconds, user+sys CPU seconds and peak RSS (KB).
timed() {
	_o=$1; shift
	/usr/bin/time -f "%e %U %S %M" -o "$_o" "$@" >/dev/null
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

{
	echo "# bench-pg $STAMP"
	echo
	echo "tm: $TM ($("$TM" --version))"
	echo "PostgreSQL: $("$(pg_bindir)/postgres" --version), fsync on, Unix socket"
	echo "machine: $(nproc) CPUs, load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	echo "| what | backend | wall s | CPU s (tm) | peak RSS MB |"
	echo "| --- | --- | ---: | ---: | ---: |"
} >"$REPORT"

row() { # row WHAT BACKEND TIMEFILE
	awk -v w="$1" -v b="$2" '{ printf "| %s | %s | %.2f | %.2f | %.1f |\n", w, b, $1, $2 + $3, $4 / 1024 }' "$3" >>"$REPORT"
}

# Imports of 100,000 units, RUNS times each, in turn.
F100=$(gen 100000 1)
for r in $(seq "$RUNS"); do
	rm -f "$OUTDIR"/bpg-s.db*
	timed "$OUTDIR/t-s-$r" "$TM" --db "$OUTDIR/bpg-s.db" import -q "$F100"
	timed "$OUTDIR/t-p-$r" "$TM" --db "$(db imp100k_$r)" import -q "$F100"
done
for b in s p; do
	for r in $(seq "$RUNS"); do cat "$OUTDIR/t-$b-$r"; done |
	    sort -n | awk -v n="$RUNS" 'NR == int((n + 1) / 2)' >"$OUTDIR/t-$b-med"
done
row "import 100,000 (median of $RUNS)" SQLite "$OUTDIR/t-s-med"
row "import 100,000 (median of $RUNS)" PostgreSQL "$OUTDIR/t-p-med"

if [ "$SKIP_1M" = 0 ]; then
	F1M=$(gen "$UNITS" 1)
	rm -f "$OUTDIR"/bpg-s.db*
	timed "$OUTDIR/t-s-1m" "$TM" --db "$OUTDIR/bpg-s.db" import -q "$F1M"
	timed "$OUTDIR/t-p-1m" "$TM" --db "$(db imp1m)" import -q "$F1M"
	row "import $UNITS" SQLite "$OUTDIR/t-s-1m"
	row "import $UNITS" PostgreSQL "$OUTDIR/t-p-1m"
fi

# Four importers at once, 250,000 units each (different seeds).
P4=$(db four)
"$TM" --db "$P4" stats >/dev/null 2>&1 || true
start=$(date +%s.%N)
for s in 11 12 13 14; do
	f=$(gen 250000 "$s")
	"$TM" --db "$P4" import --json "$f" >"$OUTDIR/four-$s.json" &
done
wait
end=$(date +%s.%N)
sum=$(python3 -c 'import json,sys; print(sum(json.load(open(f))[0]["imported"] for f in sys.argv[1:]))' "$OUTDIR"/four-1[1-4].json)
have=$("$TM" --db "$P4" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["units"])')
{
	echo
	echo "Four importers of 250,000 units at once into one PostgreSQL memory:"
	echo "$(echo "$end - $start" | bc) s wall; the imports report $sum units imported, the memory holds $have."
} >>"$REPORT"

# Lookups: the lookup benchmark's memory and queries, on both.
LDB=$OUTDIR/lookup-1000000.db
Q=$OUTDIR/queries.tsv
if [ -s "$LDB" ] && [ -s "$Q" ] && [ -x "$BENCH_LOOKUP" ]; then
	PL=$(db lookup1m)
	timed "$OUTDIR/t-copy" "$TM" copy "$LDB" "$PL"
	row "tm copy of the 1,000,000-unit memory into" PostgreSQL "$OUTDIR/t-copy"
	{
		echo
		echo "Lookups (bench-lookup, the 1,000,000-unit memory, zh-CN to en-US):"
		echo
		echo '```'
		echo "SQLite:"
		"$BENCH_LOOKUP" "$LDB" "$Q" zh-CN en-US 2>/dev/null
		echo "PostgreSQL:"
		"$BENCH_LOOKUP" "$PL" "$Q" zh-CN en-US 2>/dev/null
		echo '```'
	} >>"$REPORT"
fi
cat "$REPORT"
