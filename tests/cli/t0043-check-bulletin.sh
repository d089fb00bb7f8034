#!/bin/sh
# tm check on made-up bulletin sentences (tests/data/check-planted):
# every planted error in names, titles and their qualifiers, numbers,
# dates, times, currencies and units is found, one finding each, and
# none of the acceptable renderings (telephone numbers written another
# way, 80 000 and eighty thousand for 8万, 2.6m for 260万, Level 1 for
# 一级, a literal <Annex 1>, a name followed by 's) raises one.  A user's
# titles file adds titles, from --titles and from $XDG_CONFIG_HOME.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

P="$TM_SRCDIR/tests/data/check-planted"
tm_plain --db m.db glossary import "$P/glossary.csv" >/dev/null ||
    fail "the glossary imports"
export XDG_CONFIG_HOME="$TEST_DIR/config"

run tm --db m.db check --json "$P/planted.xlf"
is "$RC" 1 "planted errors: exit 1"
json "$OUT" '"\n".join(sorted("%s %s" % (s["id"], f["kind"]) for s in d["segments"] for f in s["findings"]))' >got
same_file got "$P/planted.expected" \
    "every planted error is found, once, with its kind, and nothing else"

run tm --db m.db check "$P/planted.xlf"
like "$(cat "$OUT")" "name-1: term: 李明: 'Li Ming' is not in the target" \
    "Li Mingde is not Li Ming"
like "$(cat "$OUT")" "name-3: term: 李明德: 'Li Mingde' is not in the target" \
    "李明 inside the term 李明德 is not 李明"
like "$(cat "$OUT")" "title-1: title: 主任 \(Director\) is rendered as 'Deputy Director': a qualifier is added" \
    "a qualifier added to a title"
like "$(cat "$OUT")" "title-2: title: 总领事 \(Consul General\) is not in the target" \
    "总领事 as Consul"
like "$(cat "$OUT")" "title-4: title: 副市长 \(Deputy Mayor or Vice Mayor\) is rendered as 'Mayor'" \
    "a qualifier dropped"
like "$(cat "$OUT")" "currency-1: currency: 5万元 is rendered with 'US dollars' \(yuan\)" \
    "元 as US dollars"
like "$(cat "$OUT")" "unit-2: unit: 48小时 is rendered with 'days' \(hours\)" \
    "小时 as days"
like "$(cat "$OUT")" "number-4: number: 3000万 \(30,000,000 or 30 million\)" \
    "万元 as yuan with the wrong magnitude"
like "$(cat "$OUT")" "number-5: number: 50,000 in the target has no counterpart in the source" \
    "a number left over from another sentence"
like "$(cat "$OUT")" "number-7: number: 一级" "Level 2 for 一级"

run tm --db m.db check "$P/acceptable.xlf"
is "$RC" 0 "acceptable renderings: exit 0"
is "$(cat "$OUT")" "" "... and no finding (no false alarm)"

# A user's titles: 处长 as Head of Division.
cat >u.xlf <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2"><file original="u" source-language="zh-CN" target-language="en-US" datatype="plaintext"><body>
<trans-unit id="1"><source>签证处处长出席。</source><target>The Deputy Head of the Visa Section attended.</target></trans-unit>
</body></file></xliff>
X
run tm --db m.db check --no-glossary u.xlf
is "$(cat "$OUT")" "u.xlf:3: trans-unit 1: title: 处长 (Division Director or Division Chief or Director) is not in the target" \
    "the built-in 处长"
printf '# the office'"'"'s own\n处长\tHead\n' >titles.tsv
run tm --db m.db check --no-glossary --titles titles.tsv u.xlf
like "$(cat "$OUT")" "处长 \(.* or Head\) is rendered as 'Deputy Head': a qualifier is added" \
    "--titles adds a form"
mkdir -p config/tm && cp titles.tsv config/tm/titles.tsv
run tm --db m.db check --no-glossary u.xlf
like "$(cat "$OUT")" "is rendered as 'Deputy Head'" \
    "\$XDG_CONFIG_HOME/tm/titles.tsv is read too"
printf '处长 Head\n' >bad.tsv
run tm --db m.db check --no-glossary --titles bad.tsv u.xlf
is "$RC" 1 "a bad titles file: exit 1"
like "$(cat "$ERR")" "'bad\.tsv': line 1: want a Chinese title, a tab" \
    "... naming the file and line"
run tm --db m.db check --no-glossary --titles missing.tsv u.xlf
is "$RC" 1 "a missing titles file: exit 1"

done_testing
