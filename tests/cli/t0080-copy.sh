#!/bin/sh
# tm copy SRC DST: a memory copied into a new one with nothing lost (an
# export of the copy equals an export of the original, and every table a
# user's data lives in holds the same rows), then the copy's index built
# (lookups the same).  SQLite to SQLite always; SQLite to PostgreSQL and
# back when the tests can start a PostgreSQL server of their own
# (tests/pg.sh).  Refusals: a destination that holds anything, the same
# memory twice, a missing source, usage errors; a refused copy into a new
# file leaves no file behind and a refused one into a memory leaves it
# as it was.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

# The test names its backends itself: the real tm, not tests/pg-tm.sh.
TM_BIN=${TM_REAL_BIN:-$TM_BIN}

# A memory with something in every table: several files (every TMX
# element, extensions, TMX 1.1), a glossary, a token, a machine
# translation cached and a replaced translation.
for f in full-14b.tmx multi-lang.tmx extensions.tmx tmx11-lang.tmx \
    zh-en.tmx numbers-zh.tmx entities.tmx; do
	tm_plain --db a.db import -q "$DATA/$f" ||
	    fail "import $f for the copy"
done
tm_plain --db a.db glossary import "$DATA/issue6/glossary.tbx" >/dev/null ||
    fail "glossary for the copy"
tm_plain --db a.db token add alice --role write >/dev/null ||
    fail "token for the copy"
python3 - a.db <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO mt_cache VALUES ('deepl', 'fp1', 'ZH', 'EN-US', "
          "'外交部发言人', 'Foreign Ministry spokesperson', '2026-12-01T00:00:00Z')")
tu = c.execute("SELECT min(tu_id) FROM tuv").fetchone()[0]
c.execute("INSERT INTO tu_history (tu_id, lang, seg, changeid, changedate, "
          "replaced, replaced_by) VALUES (?, 'en-US', 'An <b>old</b> one', "
          "NULL, '20260101T000000Z', '2026-12-02T10:00:00Z', '李明')", (tu,))
c.commit()
EOF

# The export, without the date the export itself stamps on the header
# of a memory made of several files.
export_of()
{
	tm_plain --db "$1" export | sed '/^  <header /s/ creationdate="[0-9TZ]*"//'
}

# Every row of every table the copy carries, in one canonical order.
dump()
{
	python3 - "$1" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
tables = ["import", "ude", "ude_map", "tu", "tu_dup", "tuv", "annot",
          "tu_history", "gloss_entry", "gloss_term", "mt_cache", "token"]
for t in tables:
    cols = [r[1] for r in c.execute("PRAGMA table_info(%s)" % t)]
    if not cols:
        print(t, "absent")
        continue
    if t == "import":
        # How long the import took is the one thing a copy may not keep
        # to the last bit of a float.
        cols = [x for x in cols if x != "seconds"]
    order = ", ".join(str(i + 1) for i in range(len(cols)))
    for row in c.execute("SELECT %s FROM %s ORDER BY %s" %
                         (", ".join('"%s"' % x for x in cols), t, order)):
        print(t, [(type(v).__name__, v) for v in row])
EOF
}

# SQLite to SQLite
run tm copy a.db b.db
is "$RC" 0 "copy into a new file exits 0"
like "$(cat "$OUT")" '^[0-9]+ units copied in [0-9.]+ s$' \
    "copy says how many units it copied"
export_of a.db >a.tmx
export_of b.db >b.tmx
same_file a.tmx b.tmx "the copy's export equals the original's"
dump a.db >a.rows
dump b.db >b.rows
same_file a.rows b.rows "every table holds the same rows, ids and types"
ok "the dump saw the history, the cache and the token" \
    grep -q '^mt_cache.*外交部发言人' a.rows
is "$(tm_plain --db b.db stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["index_behind"])')" \
    0 "the copy's index is up to date"
tm_plain --db a.db lookup --json --from zh-CN --to en-US '北京' >a.look
tm_plain --db b.db lookup --json --from zh-CN --to en-US '北京' >b.look
same_file a.look b.look "lookups on the copy give what they give on the original"

run tm copy --json a.db c.db
is "$RC" 0 "copy --json exits 0"
ok "copy --json is one JSON document" json_valid "$OUT"
is "$(json "$OUT" '[d["source"], d["destination"], d["units"] > 0]')" \
    '["sqlite", "sqlite", true]' "copy --json: backends and units"

# Refusals
cp b.db b.before
run tm copy a.db b.db
is "$RC" 1 "a copy into a memory that holds units fails"
like "$(cat "$ERR")" "b.db' is not empty" "... and says the destination is not empty"
is "$(dump b.db | md5sum)" "$(dump b.before | md5sum)" "... and leaves it as it was"
run tm copy a.db a.db
is "$RC" 1 "a copy of a memory onto itself fails"
like "$(cat "$ERR")" "both the copy's source and its destination" "... and says why"
run tm copy nowhere.db d.db
is "$RC" 1 "a copy from a missing memory fails"
like "$(cat "$ERR")" "nowhere.db" "... naming it"
ok "... and makes no destination" test ! -e d.db
printf 'not a memory\n' >text.db
run tm copy text.db f.db
is "$RC" 1 "a copy from a file that is no memory fails"
like "$(cat "$ERR")" "text.db': file is not a database" "... naming it and why"
ok "... and makes no destination" test ! -e f.db
run tm copy a.db 'host=/nonexistent-tm-socket dbname=x'
is "$RC" 1 "a copy to a PostgreSQL server that is not there fails"
like "$(cat "$ERR")" "cannot connect to 'host=/nonexistent-tm-socket dbname=x'" \
    "... naming it"
run tm copy a.db
is "$RC" 2 "copy wants two memories (usage error)"
run tm copy a.db b.db c.db
is "$RC" 2 "copy wants exactly two"

# SQLite to PostgreSQL and back
if ! pg_test_start; then
	skip "SQLite to PostgreSQL and back" "no PostgreSQL server for the tests (apt install postgresql)"
	done_testing
fi
P=$(pg_test_db copy1)
run tm copy a.db "$P"
is "$RC" 0 "copy into PostgreSQL exits 0"
[ "$RC" = 0 ] || diag_file "$ERR"
export_of "$P" >p.tmx
same_file a.tmx p.tmx "PostgreSQL's export equals the original's"
run tm copy "$P" e.db
is "$RC" 0 "copy from PostgreSQL back into SQLite exits 0"
[ "$RC" = 0 ] || diag_file "$ERR"
dump e.db >e.rows
same_file a.rows e.rows "there and back: every table holds the same rows, ids and types"
tm_plain --db "$P" lookup --json --from zh-CN --to en-US '北京' >p.look
same_file a.look p.look "lookups on PostgreSQL give what they give on SQLite"
# Rows added after a copy get ids past the copied ones.
run tm --db "$P" import "$DATA/sample-bulletin.tmx"
is "$RC" 0 "an import into the copy on PostgreSQL exits 0"
[ "$RC" = 0 ] || diag_file "$ERR"
tm_plain --db a.db import -q "$DATA/sample-bulletin.tmx"
export_of a.db >a2.tmx
export_of "$P" >p2.tmx
same_file a2.tmx p2.tmx "... and both memories export the same after the same import"
run tm copy a.db "$P"
is "$RC" 1 "a copy into a PostgreSQL memory that holds units fails"
like "$(cat "$ERR")" "is not empty" "... and says why"
P2=$(pg_test_db copy2)
run tm copy "$P" "$P2"
is "$RC" 0 "PostgreSQL to PostgreSQL"
export_of "$P2" >p3.tmx
same_file a2.tmx p3.tmx "... with the same export"

done_testing
