#!/bin/sh
# tm segment: sentences one a line, paragraphs apart, --json, --srx
# extend/replace, GB18030 detected or named, standard input, help, and
# clear errors (exit 1 naming file and line; exit 2 for usage).

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

printf '他说：“我们来了……。”然后离开了。《你好。世界！》是一本书。\n\n第二段；结束。\n' >zh.txt
run tm segment --lang zh-CN zh.txt
is "$RC" 0 "segment exits 0"
is "$(cat "$OUT")" "$(printf '他说：“我们来了……。”\n然后离开了。\n《你好。世界！》是一本书。\n\n第二段；\n结束。')" \
    "Chinese sentences, a blank line between paragraphs"
is "$(cat "$ERR")" "" "nothing on stderr"

printf 'Mr. Smith met Dr. Jones in the U.S. on Monday. He left at 9 a.m. and J. K. Rowling\nstayed. Pi is 3.14. Wait... what?\n' >en.txt
run tm segment --lang en en.txt
is "$(cat "$OUT")" "$(printf 'Mr. Smith met Dr. Jones in the U.S. on Monday.\nHe left at 9 a.m. and J. K. Rowling stayed.\nPi is 3.14.\nWait... what?')" \
    "English abbreviations, initials, decimals, ellipses; wrapped lines joined"

run tm segment --lang en --json en.txt
is "$RC" 0 "--json exits 0"
ok "--json is JSON" json_valid "$OUT"
is "$(json "$OUT" 'len(d["segments"])')" 4 "--json: four segments"
is "$(json "$OUT" 'd["segments"][1]["line"]')" 1 "--json: the line a sentence starts on"
is "$(json "$OUT" 'd["lang"]')" en "--json: the language"

run tm segment --lang en - <en.txt
is "$(wc -l <"$OUT" | tr -d ' ')" 4 "standard input"

# GB18030: detected, or named.
printf '\304\343\272\303\241\243\312\300\275\347\241\243\n' >gb.txt
run tm segment --lang zh gb.txt
is "$(cat "$OUT")" "$(printf '你好。\n世界。')" "GB18030 is detected"
run tm segment --lang zh --encoding GB18030 gb.txt
is "$(cat "$OUT")" "$(printf '你好。\n世界。')" "--encoding GB18030"
printf '\357\273\277One. Two.\n' >bom.txt
run tm segment --lang en bom.txt
is "$(cat "$OUT")" "$(printf 'One.\nTwo.')" "UTF-8 with BOM"

printf 'One. Two.\n' | python3 -c 'import sys; sys.stdout.buffer.write(sys.stdin.read().encode("utf-16"))' >u16.txt
run tm segment --lang en u16.txt
is "$(cat "$OUT")" "$(printf 'One.\nTwo.')" "UTF-16 with a BOM"

# SRX: extend (the file's rules first) and replace.
cat >r.srx <<'EOF2'
<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="no"/>
  <body>
    <languagerules>
      <languagerule languagerulename="English">
        <rule break="no"><beforebreak>\bCorp\.</beforebreak><afterbreak>\s</afterbreak></rule>
        <rule break="yes"><beforebreak>;</beforebreak><afterbreak>\s</afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules>
      <languagemap languagepattern="en.*" languagerulename="English"/>
    </maprules>
  </body>
</srx>
EOF2
printf 'Acme Corp. Sales rose; costs fell. Mr. Li agreed.\n' >corp.txt
run tm segment --lang en --srx r.srx corp.txt
is "$(cat "$OUT")" "$(printf 'Acme Corp. Sales rose;\ncosts fell.\nMr. Li agreed.')" \
    "--srx extends the built-in rules"
run tm segment --lang en --srx r.srx --srx-mode replace corp.txt
is "$(cat "$OUT")" "$(printf 'Acme Corp. Sales rose;\ncosts fell.\nMr.\nLi agreed.')" \
    "--srx-mode replace drops the built-in rules"

# Errors.
printf '<srx><body><languagerules>\n<languagerule languagerulename="x"><rule><beforebreak>([a-z</beforebreak></rule></languagerule></languagerules><maprules><languagemap languagepattern=".*" languagerulename="x"/></maprules></body></srx>\n' >bad.srx
run tm segment --lang en --srx bad.srx en.txt
is "$RC" 1 "a bad rule: exit 1"
like "$(cat "$ERR")" "bad\.srx.*line 2" "... naming the SRX file and line"
printf '<srx><body>' >broken.srx
run tm segment --lang en --srx broken.srx en.txt
is "$RC" 1 "broken SRX: exit 1"
like "$(cat "$ERR")" "broken\.srx.*line 1" "... naming file and line"
run tm segment --lang en missing.txt
is "$RC" 1 "a missing file: exit 1"
like "$(cat "$ERR")" "cannot open 'missing\.txt'" "... naming it"
printf 'ok\n\377\376\375\374\n' >bad.txt
run tm segment --lang en bad.txt
is "$RC" 1 "invalid UTF-8 that is not GB18030: exit 1"
like "$(cat "$ERR")" "'bad\.txt': line 2: invalid UTF-8" "... naming file and line"
run tm segment --lang en --encoding nonsense en.txt
is "$RC" 1 "an unknown encoding: exit 1"
like "$(cat "$ERR")" "unknown encoding 'nonsense'" "... saying so"
: >empty.txt
run tm segment --lang en empty.txt
is "$RC:$(cat "$OUT")" "0:" "an empty file: no sentences, exit 0"
head -c 20000 /dev/urandom >garbage.bin
printf 'x\000y' >>garbage.bin
run tm segment --lang en garbage.bin
is "$RC" 1 "binary garbage: exit 1"
like "$(cat "$ERR")" "garbage\.bin.*line" "... naming file and line"
run tm segment en.txt
is "$RC" 2 "no --lang: usage error"
run tm segment --lang en
is "$RC" 2 "no file: usage error"
run tm segment --lang en --srx-mode sideways en.txt
is "$RC" 2 "a bad --srx-mode: usage error"
run tm segment --lang en --bogus en.txt
is "$RC" 2 "an unknown option: usage error"

run tm segment --help
is "$RC" 0 "--help exits 0"
for o in --lang --srx --srx-mode --encoding --json; do
	like "$(cat "$OUT")" "(^|[^a-z-])$o([^a-z-]|\$)" "--help lists $o"
done
run tm help
like "$(cat "$OUT")" "^ +segment +[a-z]" "tm help lists segment"

done_testing
