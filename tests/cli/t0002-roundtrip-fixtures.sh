#!/bin/sh
# Round trip of the project's own TMX fixtures (tests/data), which
# together hold every TMX 1.4b element and attribute: import into a fresh
# memory, export, then
#   (a) the export is valid against the TMX 1.4 DTD (xmllint, with the
#       DTD in tests/data/dtd) and namespace-well-formed;
#   (b) it says what the input said (tests/tmx-canon.py --diff);
#   (c) importing the export into a second memory and exporting again
#       gives the same bytes.
# The same for encodings made here from a UTF-8 fixture: UTF-16LE and
# UTF-16BE with BOM, UTF-16BE without BOM, gzip, GB18030, GBK and Big5;
# for two files in one memory; and for attributes the DTD does not know.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

# The fixtures, and which DTD each one is valid against ("-": none, on
# purpose: extensions.tmx carries attributes the DTD does not declare).
FIXTURES="
full-14b.tmx 14
header-order.tmx 14
deprecated-lang.tmx 14
entities.tmx 14
zh-en.tmx 14
multi-lang.tmx 14
tmx11-lang.tmx 11
extensions.tmx -
"

# Every element and attribute of the TMX 1.4b DTD occurs in a fixture.
set --
for f in $(printf '%s\n' "$FIXTURES" | awk 'NF { print $1 }'); do
	set -- "$@" "$DATA/$f"
done
python3 - "$TMX14_DTD" "$@" >coverage.txt <<'EOF'
import re, sys, xml.parsers.expat
dtd = open(sys.argv[1], encoding="latin-1").read()
dtd = re.sub(r"<!--.*?-->", "", dtd, flags=re.S)
want = set()
for name in re.findall(r"<!ELEMENT\s+(\S+)", dtd):
    want.add((name, None))
for name, body in re.findall(r"<!ATTLIST\s+(\S+)(.*?)>", dtd, flags=re.S):
    for line in body.strip().splitlines():
        if line.split():
            want.add((name, line.split()[0]))
seen = set()
def start(name, attrs):
    seen.add((name, None))
    for a in attrs:
        seen.add((name, a))
for path in sys.argv[2:]:
    p = xml.parsers.expat.ParserCreate()
    p.StartElementHandler = start
    p.ParseFile(open(path, "rb"))
for e, a in sorted(want - seen, key=str):
    print("<%s>" % e if a is None else "<%s %s>" % (e, a))
EOF
if [ -s coverage.txt ]; then
	fail "the fixtures hold every element and attribute of the TMX 1.4 DTD" \
	    "missing:"
	diag_file coverage.txt
else
	pass "the fixtures hold every element and attribute of the TMX 1.4 DTD"
fi

# Encodings made from full-14b.tmx.
sed 's/encoding="UTF-8"/encoding="UTF-16"/' "$DATA/full-14b.tmx" >utf16.tmp
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE utf16.tmp; } >full-utf16le-bom.tmx
{ printf '\376\377'; iconv -f UTF-8 -t UTF-16BE utf16.tmp; } >full-utf16be-bom.tmx
sed 's/encoding="UTF-8"/encoding="UTF-16BE"/' "$DATA/full-14b.tmx" |
    iconv -f UTF-8 -t UTF-16BE >full-utf16be-nobom.tmx
gzip -c "$DATA/full-14b.tmx" >full-14b.tmx.gz
is "$(od -An -tx1 -N2 full-utf16le-bom.tmx | tr -d ' ')" fffe \
    "made a UTF-16LE file with BOM"
is "$(od -An -tx1 -N4 full-utf16be-nobom.tmx | tr -d ' ')" 003c003f \
    "made a UTF-16BE file without BOM"
is "$(od -An -tx1 -N2 full-14b.tmx.gz | tr -d ' ')" 1f8b "made a .tmx.gz"
for f in full-utf16le-bom.tmx full-utf16be-bom.tmx full-utf16be-nobom.tmx \
    full-14b.tmx.gz; do
	is "$(canon "$f" | cksum)" "$(canon "$DATA/full-14b.tmx" | cksum)" \
	    "$f says what full-14b.tmx says"
done

# roundtrip NAME PATH DTD [REF]: REF is the same content in UTF-8, for
# the comparison, when PATH is in an encoding Python's expat cannot read.
roundtrip()
{
	name=$1 src=$2 kind=$3 ref=${4:-$2}
	rm -f a.db* b.db* out1.tmx out2.tmx
	run tm --db a.db import "$src"
	if [ "$RC" != 0 ]; then
		fail "$name: import exits 0" "exit $RC"
		diag_file "$ERR"
		return
	fi
	pass "$name: import exits 0"
	run tm --db a.db export -q -o out1.tmx
	is "$RC" 0 "$name: export exits 0"

	# (a) valid, namespace-well-formed
	if [ "$kind" = - ]; then
		:
	elif dtd_errors out1.tmx "$TMX14_DTD" >dtd.txt &&
	    [ ! -s dtd.txt ] && dtd_valid out1.tmx "$TMX14_DTD"; then
		pass "$name: the export is valid TMX 1.4 (DTD)"
	else
		fail "$name: the export is valid TMX 1.4 (DTD)"
		diag_file dtd.txt
	fi
	xmllint --noout --nonet out1.tmx >/dev/null 2>wf.txt
	if [ -s wf.txt ]; then
		fail "$name: the export is well-formed XML with namespaces"
		diag_file wf.txt
	else
		pass "$name: the export is well-formed XML with namespaces"
	fi

	# (b) the same content
	canon --diff "$ref" out1.tmx >canon.txt 2>&1
	if [ $? = 0 ]; then
		pass "$name: the export says what the input said"
	else
		fail "$name: the export says what the input said"
		diag_file canon.txt 60
	fi

	# (c) a second round trip changes nothing
	run tm --db b.db import out1.tmx
	is "$RC" 0 "$name: the export imports again"
	tm --db b.db export -q -o out2.tmx
	same_file out1.tmx out2.tmx "$name: exporting the re-import gives the same bytes"
}

# Fixtures: the fixture itself is what it claims, then the round trip.
printf '%s\n' "$FIXTURES" | awk 'NF' >fixtures.txt
while read -r f kind; do
	if [ "$kind" = - ]; then
		:
	elif [ "$kind" = 11 ]; then
		ok "$f is a valid TMX 1.1 file" \
		    dtd_valid "$DATA/$f" "$TMX11_DTD"
	else
		ok "$f is a valid TMX 1.4 file" \
		    dtd_valid "$DATA/$f" "$TMX14_DTD"
	fi
	roundtrip "$f" "$DATA/$f" "$kind"
done <fixtures.txt

for f in full-utf16le-bom.tmx full-utf16be-bom.tmx full-utf16be-nobom.tmx \
    full-14b.tmx.gz; do
	roundtrip "$f" "$f" 14
done

# Chinese legacy encodings, declared in the XML declaration: GB18030
# (every character, the supplementary planes too), GBK, and Big5 for
# Traditional Chinese.
sed 's/encoding="UTF-8"/encoding="GB18030"/' "$DATA/full-14b.tmx" |
    iconv -f UTF-8 -t GB18030 >full-gb18030.tmx
sed 's/encoding="UTF-8"/encoding="GBK"/' "$DATA/zh-en.tmx" |
    iconv -f UTF-8 -t GBK >zh-en-gbk.tmx
cat >zh-tw.tmx <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="tm-tests" creationtoolversion="1" segtype="sentence"
          o-tmf="tm-tests" adminlang="en-US" srclang="zh-TW" datatype="plaintext">
    <note>繁體中文備註</note>
  </header>
  <body>
    <tu tuid="big5-1">
      <prop type="x-Office">臺北市政府</prop>
      <tuv xml:lang="zh-TW"><seg>外國駐華使領館通報會在國際會議中心舉行。</seg></tuv>
      <tuv xml:lang="en-US"><seg>A briefing for foreign embassies and consulates was held at the International Conference Centre.</seg></tuv>
    </tu>
  </body>
</tmx>
EOF
sed 's/encoding="UTF-8"/encoding="Big5"/' zh-tw.tmx |
    iconv -f UTF-8 -t BIG5 >zh-tw-big5.tmx
is "$(iconv -f GB18030 -t UTF-8 full-gb18030.tmx |
    sed 's/encoding="GB18030"/encoding="UTF-8"/' | cksum)" \
    "$(cksum <"$DATA/full-14b.tmx")" "made a GB18030 file"
roundtrip full-gb18030.tmx full-gb18030.tmx 14 "$DATA/full-14b.tmx"
roundtrip zh-en-gbk.tmx zh-en-gbk.tmx 14 "$DATA/zh-en.tmx"
roundtrip zh-tw-big5.tmx zh-tw-big5.tmx 14 zh-tw.tmx

# Export to standard output and to a file give the same bytes.
rm -f a.db*
tm --db a.db import -q "$DATA/full-14b.tmx"
tm --db a.db export >stdout.tmx
tm --db a.db export -q -o file.tmx
same_file stdout.tmx file.tmx "export to standard output equals export -o FILE"
tm --db a.db export -o - >dash.tmx
same_file stdout.tmx dash.tmx "export -o - writes to standard output"

# Two files in one memory: tm writes its own header, then the props,
# notes and udes of each file's header in import order, then every unit
# of both files in order.
rm -f two.db*
tm --db two.db import -q "$DATA/zh-en.tmx" "$DATA/full-14b.tmx"
tm --db two.db export -q -o two.tmx
is "$?" 0 "two files in one memory: export exits 0"
if $have_dtd; then
	ok "two files in one memory: the export is valid TMX 1.4" \
	    dtd_valid two.tmx "$TMX14_DTD"
else
	skip "two files in one memory: the export is valid TMX 1.4" "no $TMX14_DTD"
fi
{ canon "$DATA/zh-en.tmx"; canon "$DATA/full-14b.tmx"; } >two-in.txt
canon two.tmx >two-out.txt
grep '^header [^@]' two-in.txt >expected.txt
grep '^header [^@]' two-out.txt >got.txt
same_file got.txt expected.txt \
    "two files in one memory: the header keeps both files' props, notes and udes, in order"
grep -v '^header' two-in.txt | grep -v '^tu #' >expected.txt
grep -v '^header' two-out.txt | grep -v '^tu #' >got.txt
same_file got.txt expected.txt "two files in one memory: every unit of both, in order"
like "$(grep '^header @creationtool=' two-out.txt)" '"tm"' \
    "two files in one memory: the header is tm's own"

# Extension attributes: the export carries only the DTD errors the input
# had (undeclared attributes), no new ones.
if $have_dtd; then
	rm -f a.db*
	tm --db a.db import -q "$DATA/extensions.tmx"
	tm --db a.db export -q -o ext.tmx
	dtd_errors "$DATA/extensions.tmx" "$TMX14_DTD" |
	    sed 's/^[^:]*: //' | sort -u >in.kinds
	dtd_errors ext.tmx "$TMX14_DTD" | sed 's/^[^:]*: //' | sort -u >out.kinds
	comm -13 in.kinds out.kinds >new.kinds
	if [ -s new.kinds ]; then
		fail "extensions.tmx: the export has no DTD errors the input did not have"
		diag_file new.kinds
	else
		pass "extensions.tmx: the export has no DTD errors the input did not have"
	fi
else
	skip "extensions.tmx: the export has no DTD errors the input did not have" \
	    "no $TMX14_DTD"
fi

done_testing
