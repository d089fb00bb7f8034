#!/bin/sh
# What tm refuses, and how it says so: TMX versions and namespaces it
# does not read (and an export that stays valid TMX 1.4 whatever was
# imported before), a database path it cannot open (named, with the
# system's reason), a refused import into a new path (no empty memory
# left behind), and an export killed half-way (no temporary file left).

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

cat >tmx2.tmx <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="2.0" xmlns="urn:iso:std:iso:30042:ed-2">
<header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/>
<body><tu><tuv xml:lang="en"><seg>Hello.</seg></tuv><tuv xml:lang="zh-CN"><seg>你好。</seg></tuv></tu></body>
</tmx>
EOF
run tm --db m.db import tmx2.tmx
is "$RC" 1 "a TMX 2.0 file (with its namespace) is refused"
like "$(cat "$ERR")" "'tmx2.tmx': line 2: <tmx> is in the namespace 'urn:iso:std:iso:30042:ed-2'" \
    "naming file, line and namespace"
like "$(cat "$ERR")" "tm reads TMX 1.1 to 1.4b" "and saying what tm reads"
if on_sqlite; then
	ok "no memory is left behind" test ! -e m.db
else
	skip "no memory is left behind" "$NOT_SQLITE"
fi

sed 's/ xmlns="[^"]*"//; s/version="2.0"/version="9.9"/' tmx2.tmx >v99.tmx
run tm --db m.db import v99.tmx
is "$RC" 1 "version 9.9 is refused"
like "$(cat "$ERR")" "TMX version '9.9' is not one tm reads" "saying so"
sed 's/ xmlns="[^"]*"//; s/version="2.0"/version="1.4b"/' tmx2.tmx >v14b.tmx
run tm --db m.db import v14b.tmx
is "$RC" 0 "version 1.4b is read"
sed 's/ xmlns="[^"]*"//; s/ version="2.0"//' tmx2.tmx >nover.tmx
run tm --db m.db import nover.tmx
is "$RC" 0 "a file without version is read (as 1.4)"

# A memory holding a default namespace from an older tm: the export
# still puts no TMX element in a namespace.
mem_sql m.db "UPDATE import SET namespaces =
    '[[\"\", \"urn:iso:std:iso:30042:ed-2\"]]'"
run tm --db m.db export -o out.tmx
is "$RC" 0 "export exits 0"
ok "the export is valid TMX 1.4" dtd_valid out.tmx "$TMX14_DTD"
unlike "$(cat out.tmx)" 'xmlns="' "no default namespace is declared"
python3 - out.tmx <<'EOF' >ns.txt
import sys, xml.dom.minidom
d = xml.dom.minidom.parse(sys.argv[1])
print(len(d.getElementsByTagNameNS(None, "tu")) or
      len([e for e in d.getElementsByTagName("tu") if not e.namespaceURI]))
EOF
is "$(cat ns.txt)" 1 "a namespace-aware reader sees the unit"

# Paths that cannot be a database.
if on_sqlite; then
	run tm --db /proc/self/x.db import "$DATA/zh-en.tmx"
	is "$RC" 1 "an import into /proc/self/x.db fails"
	like "$(cat "$ERR")" "cannot open database '/proc/self/x.db': no such file or directory" \
	    "naming the path and the system's reason"
else
	skip "an import into /proc/self/x.db fails" "$NOT_SQLITE"
	skip "naming the path and the system's reason" "$NOT_SQLITE"
fi
mkdir adir
run tm --db adir import "$DATA/zh-en.tmx"
like "$(cat "$ERR")" "cannot open database 'adir': it is a directory" "a directory is named as such"

# A refused import into a new path leaves nothing; a partial one keeps
# what landed.
printf 'not a TMX file' >junk.tmx
run tm --db new.db import junk.tmx
is "$RC" 1 "a refused import exits 1"
if on_sqlite; then
	ok "and leaves no new database" test ! -e new.db
	ok "nor its WAL" test ! -e new.db-wal
else
	skip "and leaves no new database" "$NOT_SQLITE"
	skip "nor its WAL" "$NOT_SQLITE"
fi
run tm --db new.db import "$DATA/zh-en.tmx" junk.tmx
is "$RC" 1 "an import of a good and a bad file exits 1"
ok "and keeps the memory with the good file's units" test -s new.db
is "$(tm_plain --db new.db stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["units"])')" 3 \
    "3 units"
run tm --db new.db import junk.tmx
ok "a refused import into an existing memory leaves it" test -s new.db

# An export killed half-way leaves no temporary file beside its target.
python3 - >big.tmx <<'EOF'
print('<?xml version="1.0" encoding="UTF-8"?>')
print('<tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
      'segtype="sentence" o-tmf="t" adminlang="en" srclang="zh-CN" '
      'datatype="plaintext"/><body>')
for i in range(60000):
    print('<tu><tuv xml:lang="zh-CN"><seg>第%d句话，用来测试导出。</seg></tuv>'
          '<tuv xml:lang="en-US"><seg>Sentence %d, to test the export.</seg></tuv></tu>'
          % (i, i))
print('</body></tmx>')
EOF
tm_plain --db big.db import -q big.tmx
mkdir out
"$TM_BIN" --db big.db export -q -o out/big.tmx &
pid=$!
# Wait until it writes (its output file is open), then kill it.
_w=0
while [ $_w -lt 200 ]; do
	ls -l /proc/$pid/fd 2>/dev/null | grep -q "$TEST_DIR/out" && break
	sleep 0.02
	_w=$((_w + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
is "$(ls -A out)" "" "an export killed half-way leaves no file behind"
run tm --db big.db export -q -o out/big.tmx
is "$RC" 0 "the next export succeeds"
is "$(ls -A out)" "big.tmx" "and leaves only its file"
ok "which is whole" sh -c "tail -c 20 out/big.tmx | grep -q '</tmx>'"

done_testing
