#!/bin/sh
# An import is one transaction: killed with SIGKILL halfway through a
# large file (tools/bench/gen-tmx.py, 300000 units), it leaves the memory
# exactly as it was before, consistent and usable.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

GEN=$TM_SRCDIR/tools/bench/gen-tmx.py
[ -f "$GEN" ] || skip_all "no $GEN"

python3 "$GEN" 300000 -o big.tmx
ok "generated a large TMX file" test -s big.tmx

tm --db k.db import -q "$DATA/zh-en.tmx"
is "$?" 0 "a first, small import"
tm_plain --db k.db export >before.tmx
stats_state k.db >before.stats

# size FILE: its size in bytes, 0 if it does not exist.
size()
{
	if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi
}

# The large import, without valgrind (it is killed anyway).  Kill it once
# it has written for a while: the WAL file grew past 1 MB (on SQLite;
# 2 s on PostgreSQL), or 15 s passed.
"$TM_BIN" --db k.db import -q big.tmx >big.out 2>big.err &
pid=$!
bg_pid $pid
i=0
while [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
	[ "$(size k.db-wal)" -gt 1000000 ] && [ $i -ge 10 ] && break
	# PostgreSQL writes no file beside the memory: 2 s of import.
	on_sqlite || { [ $i -ge 20 ] && break; }
	kill -0 "$pid" 2>/dev/null || break
done
diag "killing the import after $((i / 10)).$((i % 10)) s, WAL $(size k.db-wal) bytes"
kill -9 "$pid" 2>/dev/null
{ wait "$pid"; status=$?; } 2>/dev/null
_bg_pids=
is "$status" 137 "the import was still running and died of SIGKILL"

# What is left: read-only first, as a reader after a crash would.
run tm --db k.db stats --json
is "$RC" 0 "stats after the kill exits 0"
cp "$OUT" after.json
is "$(json after.json 'd["units"]')" 3 "stats: exactly the units of the first import"
is "$(json after.json 'len(d["imports"])')" 1 "stats: only the first import is recorded"
stats_state k.db >after.stats
same_file after.stats before.stats "stats --json (timings aside) is as before the kill"
run tm --db k.db export
is "$RC" 0 "export after the kill exits 0"
same_file "$OUT" before.tmx "the export is byte-for-byte the export before the kill"
if on_sqlite; then
	is "$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("pragma integrity_check").fetchone()[0])' k.db)" \
	    ok "PRAGMA integrity_check is ok"
else
	skip "PRAGMA integrity_check is ok" "$NOT_SQLITE"
fi

# And the memory goes on working.
run tm --db k.db import -q "$DATA/tmx11-lang.tmx"
is "$RC" 0 "an import after the kill works"
tm_plain --db k.db stats --json >again.json
is "$(json again.json 'd["units"]')" 5 "... and adds its units"
is "$(json again.json '[m["id"] for m in d["imports"]]')" "[1, 2]" \
    "... as the second import"

done_testing
