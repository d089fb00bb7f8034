#!/bin/sh
# tm align with broken, hostile and huge input: empty files, binary
# garbage, a 50 MB line (2 MB under valgrind), invalid UTF-8, GB18030,
# one side empty, a bad SRX, missing files, a bad --dict, usage errors.
# Failures exit 1 naming the file (and line); --import of a bad input
# leaves the memory exactly as it was.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

cp "$DATA/align/bulletin.zh" b.zh
cp "$DATA/align/bulletin.en" b.en
tm --db m.db align -q --from zh-CN --to en-US --import b.zh b.en
is "$?" 0 "a first good import"
db_state m.db >state0.txt

# refused NAME REGEX ARGS...: align ARGS --import exits 1, says REGEX on
# stderr, prints nothing and leaves the memory unchanged.
refused()
{
	_n=$1 _re=$2
	shift 2
	run tm_timeout 120 --db m.db align --from zh-CN --to en-US --import "$@"
	is "$RC" 1 "$_n: exit 1"
	like "$(cat "$ERR")" "$_re" "$_n: the message ($(head -c 200 "$ERR"))"
	is "$(cat "$OUT")" "" "$_n: nothing on stdout"
	db_state m.db >state1.txt
	same_file state1.txt state0.txt "$_n: the memory is unchanged"
}

refused "a missing source" "cannot open 'nope\.zh'" nope.zh b.en
run tm --db fresh.db align --from zh --to en --import nope.zh b.en
is "$RC" 1 "--import with a missing source and a new --db: exit 1"
if on_sqlite; then
	ok "... and no memory is created" test ! -e fresh.db
else
	skip "... and no memory is created" "$NOT_SQLITE"
fi
refused "a missing target" "cannot open 'nope\.en'" b.zh nope.en
printf 'ok\n\377\376\375\374\n' >bad.zh
refused "invalid UTF-8" "'bad\.zh': line 2: invalid UTF-8" bad.zh b.en
head -c 65536 /dev/urandom >garbage.bin
printf '\000' >>garbage.bin
refused "binary garbage" "'garbage\.bin': line [0-9]+" garbage.bin b.en
printf '<srx><body>' >bad.srx
refused "a broken SRX" "'bad\.srx': line 1" --srx bad.srx b.zh b.en
printf '招待會 招待会 [zhao1 dai4 hui4] /reception/\n\n# ok\nno brackets here /x/\n' >bad.u8
refused "a bad --dict line" "'bad\.u8': line 4: not a CC-CEDICT entry" --dict bad.u8 b.zh b.en
refused "a missing --dict" "cannot open 'nope\.u8'" --dict nope.u8 b.zh b.en
refused "an unknown --encoding" "unknown encoding" --encoding nonsense b.zh b.en

# Empty and one-sided input: no error, nothing (or only 1-0 links).
: >empty.txt
run tm align --from zh --to en --links - empty.txt empty.txt
is "$RC:$(cat "$OUT")" "0:" "two empty files: no links"
run tm align --from zh --to en --links - b.zh empty.txt
is "$RC" 0 "an empty target: exit 0"
is "$(grep -vc ':\[\]$' "$OUT")" 0 "... every link is 1-0"
run tm align --from zh --to en --links - empty.txt b.en
is "$(grep -vc '^\[\]:' "$OUT")" 0 "an empty source: every link is 0-1"
run tm --db m.db align -q --from zh --to en --import empty.txt empty.txt
is "$RC" 0 "--import of nothing: exit 0"
db_state m.db >state1.txt
same_file state1.txt state0.txt "... the memory is unchanged"
printf '\n\n\n' >blank.txt
run tm align --from zh --to en --lines --links - blank.txt blank.txt
is "$RC" 0 "--lines with blank lines only: exit 0"
printf '第一。\n\n第二。\n' >gap.zh
printf 'First.\n\nSecond.\n' >gap.en
run tm align --from zh --to en --lines -o gap.tmx gap.zh gap.en
is "$(grep -c '<tu ' gap.tmx)" 2 "--lines: blank lines make no unit"

# Mismatched sides: a text against an unrelated one of another size.
printf 'One.\n' >one.en
run tm align --from zh --to en --links - b.zh one.en
is "$RC" 0 "very unequal sides align"
is "$(grep -c . "$OUT")" "$(sed -n '$=' "$OUT")" "... every line is a link"

# Control characters cannot be written in XML: they become spaces, and
# the TMX stays well-formed and importable.  A file name that is not
# UTF-8 is written with '?' for its bad bytes.
printf 'Line one\001 with a control.\fNext.\n' >ctl.en
printf '第一行\001有控制符。下一句。\n' >ctl.zh
cp ctl.en "$(printf 'n\377.en')"
run tm --db c.db align -q --from zh --to en --import -o ctl.tmx ctl.zh "$(printf 'n\377.en')"
is "$RC" 0 "control characters and a non-UTF-8 file name: exit 0"
ok "... the TMX is well-formed" xmllint --noout ctl.tmx
like "$(cat ctl.tmx)" 'x-align-doc">ctl\.zh \| n\?\.en<' "... the name with '?'"
is "$(tm_plain --db c.db stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["units"])')" 2 \
    "... and both units are imported"

# GB18030 input is detected.
python3 -c 'import sys; sys.stdout.buffer.write(open("b.zh", encoding="utf-8").read().encode("gb18030"))' >gb.zh
run tm align --from zh --to en --links gb.links gb.zh b.en
is "$RC" 0 "GB18030 source: exit 0"
same_file gb.links "$DATA/align/bulletin.gold" "... same links as UTF-8"

# A huge line.
if [ "${TM_VALGRIND:-0}" = 1 ]; then size=2000000; else size=50000000; fi
python3 - "$size" <<'EOF2'
import sys
n = int(sys.argv[1])
open("huge.en", "w").write(("A long line without a stop, " * (n // 28 + 1))[:n] + "\n")
open("huge.zh", "w").write(("一行很长的没有句号的文字，" * (n // 39 + 1))[:n // 3] + "\n")
EOF2
run tm_timeout 300 align --from zh --to en --lines --links - huge.zh huge.en
is "$RC:$(cat "$OUT")" "0:[0]:[0]" "a $size-byte line (--lines)"
run tm_timeout 300 align --from zh --to en --links - huge.zh huge.en
is "$RC:$(cat "$OUT")" "0:[0]:[0]" "a $size-byte line, segmented"
run tm_timeout 300 segment --lang en huge.en
is "$RC:$(wc -l <"$OUT" | tr -d ' ')" "0:1" "tm segment: a $size-byte line"

# Usage errors.
run tm align --to en b.zh b.en
is "$RC" 2 "no --from: exit 2"
run tm align --from zh --to en b.zh
is "$RC" 2 "one file: exit 2"
run tm align --from zh --to en b.zh b.en extra
is "$RC" 2 "three files: exit 2"
run tm align --from '' --to en b.zh b.en
is "$RC" 1 "an empty language: exit 1"
like "$(cat "$ERR")" "bad language" "... saying so"
run tm align --from zh --to en --srx-mode x b.zh b.en
is "$RC" 2 "a bad --srx-mode: exit 2"
run tm align --from zh --to en -o /nonexistent/dir/x.tmx b.zh b.en
is "$RC" 1 "an unwritable output: exit 1"
like "$(cat "$ERR")" "cannot write '/nonexistent/dir/x\.tmx'" "... naming it"

done_testing
