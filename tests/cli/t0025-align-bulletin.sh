#!/bin/sh
# tm align on what bulletins hold: end marks and credits with no
# counterpart stay 1-0 links (（完）, （记者 张三）, 【编辑：王五】,
# 责任编辑：李四), a blank line under --lines is no segment, a 2-3 link
# when two sentences are told as three, and a partial translation (the
# English stops a third of the way) keeps its links.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

printf 'Title\nFirst sentence.\nSecond sentence.\n' >t.en
for end in '（完）' '(完)' '（记者 张三）' '【编辑：王五】' '责任编辑：李四' \
    '来源：新华社'; do
	printf '标题\n第一句。\n第二句。\n%s\n' "$end" >t.zh
	run tm align --from zh --to en --lines --no-memory --links - t.zh t.en
	is "$(cat "$OUT")" "$(printf '[0]:[0]\n[1]:[1]\n[2]:[2]\n[3]:[]')" \
	    "--lines: $end is a 1-0 link, not merged into the last sentence"
	run tm align --from zh --to en --no-memory --links - t.zh t.en
	is "$(tail -n 2 "$OUT")" "$(printf '[2]:[2]\n[3]:[]')" \
	    "segmented: $end is a 1-0 link"
done

# A credit line in the middle of a sentence's text is no byline.
printf '记者会上，他说明了情况。\n' >c.zh
printf 'At the press conference, he explained the situation.\n' >c.en
run tm align --from zh --to en --lines --no-memory --links - c.zh c.en
is "$(cat "$OUT")" "[0]:[0]" "a sentence beginning with 记者会 is linked"

# --lines: blank lines (spaces, ideographic spaces) are no segments.
printf '第一句。\n\n第二句。\n\343\200\200\n第三句。\n' >b.zh
printf 'First sentence.\n\nSecond sentence.\n \nThird sentence.\n' >b.en
run tm align --from zh --to en --lines --no-memory --tsv - b.zh b.en
is "$RC" 0 "--lines with blank lines exits 0"
is "$(awk -F'\t' 'NR > 1 && ($3 == "" || $4 == "")' "$OUT")" "" \
    "no link with an empty side"
is "$(sed 1d "$OUT" | wc -l | tr -d ' ')" 3 "three links for three sentences"
run tm align --from zh --to en --lines --no-memory --links - b.zh b.en
is "$(cat "$OUT")" "$(printf '[0]:[0]\n[1]:[1]\n[2]:[2]')" \
    "--links numbers the segments, not the blank lines"

# Two sentences told as three: the numbers cross, only 2-3 holds them.
cat >x.zh <<'EOT'
市外办举行新闻发布会。
大会于2019年举行，闭幕时通过了12项决议。
共有350名代表出席了本次会议。
下届大会将在北京举行。
EOT
cat >x.en <<'EOT'
The City Foreign Affairs Office held a press conference.
The conference was held in 2019.
It was attended by 350 delegates.
At its close, it adopted 12 resolutions.
The next conference will be held in Beijing.
EOT
run tm align --from zh --to en --lines --no-memory --links - x.zh x.en
is "$(cat "$OUT")" "$(printf '[0]:[0]\n[1,2]:[1,2,3]\n[3]:[4]')" "a 2-3 link"
run tm align --from en --to zh --lines --no-memory --links - x.en x.zh
is "$(cat "$OUT")" "$(printf '[0]:[0]\n[1,2,3]:[1,2]\n[4]:[3]')" "a 3-2 link"

# A partial translation: 60 Chinese sentences, the first 20 in English.
python3 "$TM_SRCDIR/tests/align-synth.py" --pairs 60 --keep 20 p ||
	fail "align-synth.py"
run tm align --from zh --to en --lines --no-memory --links p.out p.zh p.en
is "$RC" 0 "partial translation: exits 0"
ok "partial translation: 18 or more of the 20 English sentences rightly linked" \
    test "$(sed -n '1,20p' p.gold | grep -Fxc -f - p.out)" -ge 18
ok "partial translation: the untranslated sentences are 1-0 links" \
    test "$(grep -c ':\[\]$' p.out)" -ge 38

done_testing
