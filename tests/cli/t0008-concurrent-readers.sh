#!/bin/sh
# Readers while an import runs: the memory is in WAL mode, so `tm stats`
# and `tm export` work during a large import (tools/bench/gen-tmx.py,
# 300000 units) and see the memory as it was before it; never a part of
# the import.  A second import waits for the first and then lands.  When
# the import is over, stats shows it.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

GEN=$TM_SRCDIR/tools/bench/gen-tmx.py
[ -f "$GEN" ] || skip_all "no $GEN"

python3 "$GEN" 300000 -o big.tmx
ok "generated a large TMX file" test -s big.tmx

tm --db c.db import -q "$DATA/zh-en.tmx"
is "$?" 0 "a first, small import"
tm --db c.db export >before.tmx
stats_state c.db >before.stats

size()
{
	if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi
}

# The large import in the background (without valgrind: it only has to
# take a while).  Wait until it is writing.
"$TM_BIN" --db c.db import big.tmx >big.out 2>big.err &
pid=$!
bg_pid $pid
i=0
while [ $i -lt 150 ] && [ "$(size c.db-wal)" -le 100000 ] &&
    kill -0 "$pid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$pid" 2>/dev/null; then
	pass "the import is running and writing (WAL $(size c.db-wal) bytes)"
else
	fail "the import is running and writing" \
	    "it ended before the readers could start"
fi

# Readers, while it runs (up to five, none once it has ended).  Each must
# succeed and see the memory either as it was before (while the import is
# not committed) or, should the import have committed meanwhile, whole;
# never a part.
r=0
while [ $r -lt 5 ] && { [ $r = 0 ] || kill -0 "$pid" 2>/dev/null; }; do
	r=$((r + 1))
	alive_before=no
	kill -0 "$pid" 2>/dev/null && alive_before=yes
	# Under valgrind only the first reader is watched: a later one may
	# read the whole memory, which takes minutes there.
	t=tm
	[ $r -gt 1 ] && [ "${TM_VALGRIND:-0}" = 1 ] && t=tm_plain
	$t --db c.db stats --json >"stats$r.json" 2>"stats$r.err"
	src=$?
	$t --db c.db export >"export$r.tmx" 2>"export$r.err"
	erc=$?
	echo "$alive_before" >"alive$r"
	is "$src" 0 "reader $r: stats --json during the import exits 0"
	is "$erc" 0 "reader $r: export during the import exits 0"
	[ -s "stats$r.err" ] && diag_file "stats$r.err"
	[ -s "export$r.err" ] && diag_file "export$r.err"
done

wait "$pid"
is "$?" 0 "the large import succeeds"
_bg_pids=
like "$(cat big.out)" "^big\\.tmx: 300000 units read, [0-9]+ imported" \
    "the large import reports its units"
tm_plain --db c.db stats --json >after.json
total=$(json after.json 'd["units"]')
added=$(json after.json 'd["imports"][-1]["imported"]')
like "$total" '^[0-9]+$' "stats after the import: a number of units"
is "$total" "$((3 + added))" "stats after the import: the first units plus the imported ones"
is "$(json after.json 'len(d["imports"])')" 2 "stats after the import: two imports"
ok "the import added more than 100000 units" test "$added" -gt 100000

# What each reader saw.
nreaders=$r
diag "$nreaders readers ran during the import"
r=0
while [ $r -lt "$nreaders" ]; do
	r=$((r + 1))
	units=$(json "stats$r.json" 'd["units"]' 2>/dev/null)
	# stats and export are two processes, each one read transaction:
	# each sees the memory before the import or whole, never a part
	# (under valgrind the export may start after the commit).
	tus=$(grep -c '<tu[ >]' "export$r.tmx")
	if [ "$units" != 3 ] && [ "$units" != "$total" ]; then
		fail "reader $r saw the memory before the import or all of it" \
		    "stats says $units units (before: 3, after: $total)"
	elif ! cmp -s "export$r.tmx" before.tmx && [ "$tus" != "$total" ]; then
		fail "reader $r saw the memory before the import or all of it" \
		    "export has $tus units (before: 3, after: $total)"
	elif [ "$units" = 3 ] && cmp -s "export$r.tmx" before.tmx; then
		pass "reader $r saw the memory as before the import"
	else
		pass "reader $r saw the memory before the import or whole"
	fi
done
is "$(json stats1.json 'd["units"]')" 3 \
    "the first reader, started while the import was writing, saw the memory before it"

# A second import waits for the first one, then lands.  The first one
# reads big.tmx again: all duplicates, but the same long transaction.
before=$(json after.json 'd["units"]')
"$TM_BIN" --db c.db import -q big.tmx >big2.out 2>big2.err &
pid=$!
bg_pid $pid
sleep 0.5
run tm --db c.db import "$DATA/tmx11-lang.tmx"
is "$RC" 0 "an import started during another one waits and succeeds"
like "$(cat "$OUT")" "2 units read, 2 imported" "... and imports its units"
wait "$pid"
is "$?" 0 "... and the other import succeeds too"
_bg_pids=
tm_plain --db c.db stats --json >last.json
is "$(json last.json 'd["units"]')" "$((before + 2))" \
    "stats: both imports landed (the second one's 2 units)"
is "$(json last.json 'd["units"] == sum(m["imported"] for m in d["imports"])')" \
    True "stats: the units are the sum of what each import added"

done_testing
