#!/bin/sh
# An import into a memory without units writes a new file beside it
# (MEMORY-import, no journal) and renames it into place: the memory is in
# WAL mode afterwards and nothing is left beside it; killed halfway, the
# old file is as it was and the next import removes the stray side file;
# a reader started meanwhile waits and sees the memory before or whole;
# with another connection open, the import takes the ordinary WAL path.
# Keys are stored only where the quick key of the text is not the key
# (schema 9): a memory of schema 8 with every key stored migrates, and
# its export, lookups and concordance do not change.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

GEN=$TM_SRCDIR/tools/bench/gen-tmx.py

# sq DB SQL: the first column of the first row (lib.sh: mem_sql).
sq()
{
	mem_sql "$1" "$2" | head -n 1 | cut -f 1
}

size()
{
	if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi
}

cat >header.tmx <<'EOT'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="zh-CN" creationtool="t0015"
 creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en"
 datatype="plaintext"><note>a header without units</note></header><body/></tmx>
EOT

# ---- a new memory -------------------------------------------------------
run tm --db n.db import "$DATA/zh-en.tmx"
is "$RC" 0 "an import into a new memory exits 0"
like "$(cat "$OUT")" "3 units read, 3 imported" "... and imports its units"
if on_sqlite; then
	is "$(sq n.db 'PRAGMA journal_mode')" wal "the memory is in WAL mode afterwards"
	is "$(sq n.db 'PRAGMA integrity_check')" ok "PRAGMA integrity_check is ok"
	ok "no side file is left" test ! -e n.db-import
	is "$(sq n.db 'PRAGMA user_version')" 9 "the memory has schema 9"
else
	for _c in "the memory is in WAL mode afterwards" \
	    "PRAGMA integrity_check is ok" "no side file is left" \
	    "the memory has schema 9"; do
		skip "$_c" "$NOT_SQLITE"
	done
fi

# The new file keeps the old one's permissions.
tm_plain --db p.db import -q header.tmx
chmod 640 p.db
run tm --db p.db import -q "$DATA/zh-en.tmx"
is "$RC" 0 "an import into a memory with an import but no units exits 0"
if on_sqlite; then
	is "$(stat -c %a p.db)" 640 "the new file has the old one's permissions"
else
	skip "the new file has the old one's permissions" "$NOT_SQLITE"
fi
tm_plain --db p.db stats --json >p.json
is "$(json p.json 'len(d["imports"])')" 2 "the first import's record is kept"
is "$(json p.json 'd["units"]')" 3 "and the units are there"

# ---- keys: stored only where needed --------------------------------------
# zh-en.tmx has simple text (quick keys) and one Traditional segment,
# whose key (folded to Simplified) must be stored.
is "$(sq n.db 'SELECT count(*) FROM tuv WHERE key IS NULL')" 6 \
    "the keys that are the quick key of their text are not stored"
is "$(sq n.db 'SELECT count(*) FROM tuv WHERE key IS NOT NULL')" 1 \
    "the folded Traditional key is stored"

tm_plain --db k.db import -q "$DATA/zh-en.tmx" "$DATA/full-14b.tmx" \
    "$DATA/multi-lang.tmx" "$DATA/numbers-zh.tmx" "$DATA/sample-bulletin.tmx"
ZH=市外办主任张伟会见了日本驻沪总领事
look()
{
	tm_plain --db "$1" lookup --json --from zh-CN --to en-US --min 50 \
	    "$ZH。" | python3 -c 'import json, sys; d = json.load(sys.stdin); [m.pop("seconds", None) for m in (d if isinstance(d, list) else [d])]; print(json.dumps(d, sort_keys=True, ensure_ascii=False))'
	tm_plain --db "$1" concordance --json 领事 | python3 -c 'import json, sys; d = json.load(sys.stdin); print(json.dumps(d, sort_keys=True, ensure_ascii=False))'
	tm_plain --db "$1" concordance --json 口 | python3 -c 'import json, sys; d = json.load(sys.stdin); print(json.dumps(d, sort_keys=True, ensure_ascii=False))'
}
look k.db >k.look
like "$(cat k.look)" "Zhang Wei" "a lookup finds the unit by its unstored key"
# db_state without what differs between two memories of the same units:
# their names and the export's date.
state()
{
	db_state "$1" | sed -e 's/ creationdate="[0-9TZ]*">$/>/' \
	    -e '/^ *"database": /d'
}
state k.db >k.state

# A memory of schema 8: every key stored, the column NOT NULL.  The keys
# the quick key makes are made here the same way (the fixtures' text is
# ASCII, CJK and Chinese punctuation).
if on_sqlite; then
	cp k.db old.db
	python3 - old.db <<'EOT'
import re, sqlite3, sys
P = {0x3001: ",", 0x3002: ".", 0x201c: '"', 0x201d: '"', 0x300a: '"',
     0x300b: '"', 0x2018: "'", 0x2019: "'", 0x2014: "-", 0x00b7: "."}
def quick(t):
    k, space = "", False
    for ch in t:
        c = ord(ch)
        if c == 0x3000 or ch in " \t\n\r\f\v":
            space = True
            continue
        if space and k:
            k += " "
        space = False
        if 0xff01 <= c <= 0xff5e:
            c -= 0xfee0
        if c < 0x80:
            out = chr(c).lower()
        elif c in P:
            out = P[c]
        elif 0x4e00 <= c <= 0x9fff:
            out = chr(c)
        else:
            return None
        for o in out:
            if (o == "." and k.endswith("...")) or (o == "-" and k.endswith("-")):
                continue
            k += o
    return k
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA journal_mode = DELETE")
sql = c.execute("SELECT sql FROM sqlite_schema WHERE name = 'tuv'").fetchone()[0]
assert "\tkey TEXT\n" in sql
c.execute(re.sub(r'^CREATE TABLE "?tuv"? \(', "CREATE TABLE tuv8 (", sql)
          .replace("\tkey TEXT\n", "\tkey TEXT NOT NULL\n"))
rows = c.execute("SELECT * FROM tuv ORDER BY id").fetchall()
names = [r[1] for r in c.execute("PRAGMA table_info(tuv)")]
ki, ti, si = names.index("key"), names.index("text"), names.index("seg")
out = []
for r in rows:
    r = list(r)
    if r[ki] is None:
        r[ki] = quick(r[ti] if r[ti] is not None else r[si])
        assert r[ki] is not None, r
    out.append(r)
c.executemany("INSERT INTO tuv8 VALUES (%s)" % ", ".join("?" * len(names)), out)
c.execute("DROP TABLE tuv")
c.execute("ALTER TABLE tuv8 RENAME TO tuv")
c.execute("CREATE UNIQUE INDEX tuv_tu ON tuv(tu_id, ord)")
c.execute("PRAGMA user_version = 8")
c.commit()
print(c.execute("SELECT count(*) FROM tuv WHERE key IS NULL").fetchone()[0])
EOT
	is "$(sq old.db 'SELECT count(*) FROM tuv WHERE key IS NULL')" 0 \
	    "the schema 8 memory stores every key"
	cp old.db old8.db
	# Any command that opens the memory for writing migrates it; revoking a
	# token that does not exist changes nothing else.
	run tm --db old.db token revoke nobody
	like "$(cat "$ERR")" "nobody" "a writing command opens the schema 8 memory"
	is "$(sq old.db 'PRAGMA user_version')" 9 "and migrates it to schema 9"
	is "$(sq old.db 'SELECT count(*) FROM tuv WHERE key IS NULL')" \
	    "$(sq k.db 'SELECT count(*) FROM tuv WHERE key IS NULL')" \
	    "the migration drops the keys a fresh import does not store"
	is "$(sq old.db 'PRAGMA integrity_check')" ok "PRAGMA integrity_check is ok after it"
	state old.db >old.state
	same_file old.state k.state "export and stats are the same after the migration"
	look old.db >old.look
	same_file old.look k.look "lookup and concordance answer the same"
	run tm --db old.db reindex
	is "$RC" 0 "tm reindex on the migrated memory exits 0"
	look old.db >old2.look
	same_file old2.look k.look "and they still answer the same after it"
	is "$(sq old.db 'SELECT count(*) FROM tuv WHERE key IS NULL')" \
	    "$(sq k.db 'SELECT count(*) FROM tuv WHERE key IS NULL')" \
	    "reindexing stores the same keys"

	# The keys take less room than the text: dbstat (when SQLite has it).
	if [ "$(sq k.db "SELECT count(*) FROM pragma_module_list WHERE name = 'dbstat'")" = 1 ]; then
		new=$(sq k.db "SELECT sum(payload) FROM dbstat WHERE name = 'tuv'")
		old=$(sq old8.db "SELECT sum(payload) FROM dbstat WHERE name = 'tuv'")
		diag "tuv payload: $new bytes, $old with every key stored"
		ok "tuv takes fewer bytes without the quick keys" test "$new" -lt "$old"
	else
		skip "tuv takes fewer bytes without the quick keys" "SQLite without dbstat"
	fi
else
	skip "the schema 8 memory stores every key" "$NOT_SQLITE"
	skip "a writing command opens the schema 8 memory" "$NOT_SQLITE"
	skip "and migrates it to schema 9" "$NOT_SQLITE"
	skip "the migration drops the keys a fresh import does not store" "$NOT_SQLITE"
	skip "PRAGMA integrity_check is ok after it" "$NOT_SQLITE"
	skip "export and stats are the same after the migration" "$NOT_SQLITE"
	skip "lookup and concordance answer the same" "$NOT_SQLITE"
	skip "tm reindex on the migrated memory exits 0" "$NOT_SQLITE"
	skip "and they still answer the same after it" "$NOT_SQLITE"
	skip "reindexing stores the same keys" "$NOT_SQLITE"
	skip "tuv takes fewer bytes without the quick keys" "$NOT_SQLITE"
fi

# ---- killed halfway ------------------------------------------------------
if ! [ -f "$GEN" ]; then
	skip "the killed import" "no $GEN"
	done_testing
	exit 0
fi
python3 "$GEN" 200000 -o big.tmx
if on_sqlite; then
	tm_plain --db kill.db import -q header.tmx
	db_state kill.db >kill.before
	"$TM_BIN" --db kill.db import -q big.tmx >big.out 2>big.err &
	pid=$!
	bg_pid $pid
	i=0
	while [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
		[ "$(size kill.db-import)" -gt 1000000 ] && break
		kill -0 "$pid" 2>/dev/null || break
	done
	ok "the import writes its side file" test -f kill.db-import
	kill -9 "$pid" 2>/dev/null
	{ wait "$pid"; status=$?; } 2>/dev/null
	_bg_pids=
	is "$status" 137 "the import was still running and died of SIGKILL"
	db_state kill.db >kill.after
	same_file kill.after kill.before "the memory is as it was before"
	is "$(sq kill.db 'PRAGMA integrity_check')" ok "PRAGMA integrity_check is ok"
	run tm --db kill.db import "$DATA/zh-en.tmx"
	is "$RC" 0 "the next import exits 0"
	ok "and removes the stray side file" test ! -e kill.db-import
	is "$(sq kill.db 'PRAGMA journal_mode')" wal "the memory is in WAL mode"
	tm_plain --db kill.db stats --json >kill.json
	is "$(json kill.json 'd["units"]')" 3 "with the units of the import that finished"
	# A stray side file beside a memory with units: the next import (the
	# ordinary path) removes it too.
	echo stray >kill.db-import
	run tm --db kill.db import "$DATA/tmx11-lang.tmx"
	is "$RC" 0 "an import into the memory with units exits 0"
	ok "and removes a stray side file as well" test ! -e kill.db-import
else
	skip "the import writes its side file" "$NOT_SQLITE"
	skip "the import was still running and died of SIGKILL" "$NOT_SQLITE"
	skip "the memory is as it was before" "$NOT_SQLITE"
	skip "PRAGMA integrity_check is ok" "$NOT_SQLITE"
	skip "the next import exits 0" "$NOT_SQLITE"
	skip "and removes the stray side file" "$NOT_SQLITE"
	skip "the memory is in WAL mode" "$NOT_SQLITE"
	skip "with the units of the import that finished" "$NOT_SQLITE"
	skip "an import into the memory with units exits 0" "$NOT_SQLITE"
	skip "and removes a stray side file as well" "$NOT_SQLITE"
fi

# ---- a reader during the import -----------------------------------------
tm_plain --db r.db import -q header.tmx
"$TM_BIN" --db r.db import -q big.tmx >rbig.out 2>rbig.err &
pid=$!
bg_pid $pid
i=0
while [ $i -lt 300 ] && [ ! -f r.db-import ] && kill -0 "$pid" 2>/dev/null; do
	sleep 0.05
	i=$((i + 1))
done
run tm --db r.db stats --json
src=$RC
cp "$OUT" r.json
wait "$pid"
is "$?" 0 "the import succeeds"
_bg_pids=
is "$src" 0 "a reader started during it exits 0"
total=$(tm_plain --db r.db stats --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["units"])')
units=$(json r.json 'd["units"]')
if [ "$units" = 0 ] || [ "$units" = "$total" ]; then
	pass "the reader saw the memory before the import or whole ($units units)"
else
	fail "the reader saw the memory before the import or whole" \
	    "it saw $units units (after: $total)"
fi
if on_sqlite; then
	is "$(sq r.db 'PRAGMA integrity_check')" ok "PRAGMA integrity_check is ok"
else
	skip "PRAGMA integrity_check is ok" "$NOT_SQLITE"
fi

# ---- the index made while the units are stored ---------------------------
# Into a new file, the grams are made as the units are stored; the index
# must be the very one that reading the units back makes (tm reindex).
index_hash()
{
	mem_sql "$1" "SELECT gram, run, ids FROM ngram ORDER BY gram, run;
	    SELECT block, v FROM sketch ORDER BY block;
	    SELECT key, value FROM meta WHERE key LIKE 'index%' ORDER BY key" |
	    cksum
}
before=$(index_hash r.db)
tm_plain --db r.db reindex >/dev/null 2>&1
is "$(index_hash r.db)" "$before" \
    "the index made during the import is the one tm reindex makes"
# A unit replaced within the file (update mode) leaves an id behind:
# the index is then made by reading the units back.
cat >upd.tmx <<'EOT'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="zh-CN" creationtool="t0015"
 creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en"
 datatype="plaintext"/><body>
<tu changedate="20200101T000000Z"><tuv xml:lang="zh-CN"><seg>领事馆今天闭馆。</seg></tuv>
<tuv xml:lang="en-US"><seg>The consulate is closed today (old).</seg></tuv></tu>
<tu changedate="20240101T000000Z"><tuv xml:lang="zh-CN"><seg>领事馆今天闭馆。</seg></tuv>
<tuv xml:lang="en-US"><seg>The consulate is closed today (old).</seg></tuv></tu>
</body></tmx>
EOT
run tm --db upd.db import --duplicates=update upd.tmx
is "$RC" 0 "an update-mode import into a new memory exits 0"
upd=$(index_hash upd.db)
tm_plain --db upd.db reindex >/dev/null 2>&1
is "$(index_hash upd.db)" "$upd" "... its index is the one tm reindex makes"

# No room for the temporary files of the grams made ahead: the import
# makes its index by reading the units back, as any other import does.
run env TMPDIR=/nonexistent/t0015 "$TM_BIN" --db tmp.db import --json "$DATA/zh-en.tmx"
is "$RC" 0 "an import into a new file without a usable TMPDIR exits 0"
is "$(json "$OUT" 'd[0]["index_stale"]')" False "... and its index is up to date"
tmpidx=$(index_hash tmp.db)
tm_plain --db tmp.db reindex >/dev/null 2>&1
is "$(index_hash tmp.db)" "$tmpidx" "... the one tm reindex makes"

# ---- another connection open: the ordinary path --------------------------
if on_sqlite; then
	tm_plain --db o.db import -q header.tmx
	mkfifo go
	python3 - o.db go >held.out <<'EOT' &
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("SELECT count(*) FROM tu").fetchone()[0], flush=True)
open(sys.argv[2]).read()
print(c.execute("SELECT count(*) FROM tu").fetchone()[0], flush=True)
EOT
	hpid=$!
	i=0
	while [ $i -lt 100 ] && [ ! -s held.out ]; do sleep 0.05; i=$((i + 1)); done
	run tm --db o.db import "$DATA/zh-en.tmx"
	is "$RC" 0 "an import while another connection has the memory open exits 0"
	echo >go
	wait $hpid
	is "$(tr '\n' ' ' <held.out)" "0 3 " \
	    "that connection reads the units the import wrote: the same file"
else
	skip "an import while another connection has the memory open exits 0" "$NOT_SQLITE"
	skip "that connection reads the units the import wrote: the same file" "$NOT_SQLITE"
fi

done_testing
