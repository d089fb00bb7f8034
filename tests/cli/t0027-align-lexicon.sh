#!/bin/sh
# tm align with lexical evidence: a memory of sentence pairs teaches the
# aligner a lexicon that tells which of two sentences of the same length
# went untranslated (length alone picks the wrong one); the lexicon is
# kept in the memory and learned again when the memory changes; a small
# CC-CEDICT file does the same with --dict; 1-3, 3-1, 2-2 and 3-3 links
# are found where the translator joined or split sentences; hostile
# dictionary lines are refused naming file and line.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

# A memory of 240 sentence pairs over 16 words: each Chinese word always
# comes with its English one, and with each other word only twice.
zh="苹果 香蕉 河流 山峰 老师 学生 医生 城市 农村 火车 飞机 音乐 图书 花园 海洋 森林"
en="apple banana river mountain teacher student doctor city village train plane music book garden ocean forest"
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n'
	printf '<tmx version="1.4"><header creationtool="t0027" creationtoolversion="1" datatype="plaintext" segtype="sentence" adminlang="en" srclang="zh-CN" o-tmf="none"/><body>\n'
	i=0
	for a in $zh; do
		i=$((i + 1))
		ea=$(echo $en | cut -d' ' -f$i)
		j=0
		for b in $zh; do
			j=$((j + 1))
			[ "$i" = "$j" ] && continue
			eb=$(echo $en | cut -d' ' -f$j)
			printf '<tu><tuv xml:lang="zh-CN"><seg>%s和%s都很好。</seg></tuv><tuv xml:lang="en"><seg>The %s and the %s are fine.</seg></tuv></tu>\n' \
			    "$a" "$b" "$ea" "$eb"
		done
	done
	printf '</body></tmx>\n'
} >mem.tmx
run tm --db m.db import -q mem.tmx
is "$RC" 0 "the memory of 240 sentence pairs imports"

# The second Chinese sentence has no English: the first and the second
# are of a length, and length alone drops the first.
printf '香蕉在这里很好。\n苹果在这里很好。\n海洋很好。\n' >a.zh
printf 'The banana is fine, as everybody here knows.\nThe ocean is fine today.\n' >a.en
gold=$(printf '[0]:[0]\n[1]:[]\n[2]:[1]')
run tm --db m.db align --from zh --to en --lines --no-memory --links - a.zh a.en
is "$RC" 0 "--no-memory exits 0"
is "$(cat "$OUT")" "$(printf '[0]:[]\n[1]:[0]\n[2]:[1]')" \
    "--no-memory: length alone links the wrong sentence"
run tm --db m.db align --from zh --to en --lines --links - a.zh a.en
is "$RC" 0 "with the memory: exits 0"
is "$(cat "$OUT")" "$gold" "the memory's lexicon links 香蕉 with banana and leaves 苹果 out"
is "$(cat "$ERR")" "" "... quietly"
is "$(tm_plain --db m.db export | grep -c '<tu>')" 240 \
    "the memory's units are unchanged"

# The lexicon is kept in the memory: the next run reads it back and
# gives the same links; once the memory changes it is learned again.
run tm --db m.db align --from zh --to en --lines --links - a.zh a.en
is "$(cat "$OUT")" "$gold" "the kept lexicon gives the same links"
mem_sql m.db "SELECT stamp, length(data) FROM align_lexicon" >lex1
like "$(cat lex1)" "^480:" "the lexicon is kept with the memory's state"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t0027" creationtoolversion="1" datatype="plaintext" segtype="sentence" adminlang="en" srclang="zh-CN" o-tmf="none"/><body>\n<tu><tuv xml:lang="zh-CN"><seg>苹果很好吃。</seg></tuv><tuv xml:lang="en"><seg>The apple is delicious.</seg></tuv></tu>\n</body></tmx>\n' >more.tmx
run tm --db m.db import -q more.tmx
is "$RC" 0 "one more unit imports"
run tm --db m.db align --from zh --to en --lines --links - a.zh a.en
is "$(cat "$OUT")" "$gold" "after an import: the same links"
mem_sql m.db "SELECT stamp, length(data) FROM align_lexicon" >lex2
like "$(cat lex2)" "^482:" "... from a lexicon learned again ($(cat lex2))"

# A damaged kept lexicon is learned again, not believed.
# The same bytes, a blob literal as each backend writes it.
if on_sqlite; then
	damaged="x'e9a699e89589000501'"
else
	damaged="'\\xe9a699e89589000501'::bytea"
fi
mem_sql m.db "UPDATE align_lexicon SET data = $damaged"
run tm --db m.db align --from zh --to en --lines --links - a.zh a.en
is "$RC" 0 "a damaged kept lexicon: exit 0"
is "$(cat "$OUT")" "$gold" "... the lexicon is learned again"

# --dict: a small CC-CEDICT file does what the memory did.
D=$TM_SRCDIR/tests/data/align/lexicon.u8
run tm align --from zh --to en --lines --no-memory --dict "$D" --links - a.zh a.en
is "$RC" 0 "--dict exits 0"
is "$(cat "$OUT")" "$gold" "--dict: 香蕉 is banana, 苹果 is left out"

# Links the translator made by joining and splitting sentences.
cat >o.zh <<'EOT'
市外办举行新闻发布会。
今年共接待了120个代表团，签署了35项协议，举办了8场展览。
下届大会将在北京举行。
EOT
cat >o.en <<'EOT'
The City Foreign Affairs Office held a press conference.
This year it received 120 delegations.
It signed 35 agreements.
It held 8 exhibitions.
The next conference will be held in Beijing.
EOT
run tm align --from zh --to en --lines --no-memory --links - o.zh o.en
is "$(cat "$OUT")" "$(printf '[0]:[0]\n[1]:[1,2,3]\n[2]:[4]')" "a 1-3 link"
run tm align --from en --to zh --lines --no-memory --links - o.en o.zh
is "$(cat "$OUT")" "$(printf '[0]:[0]\n[1,2,3]:[1]\n[4]:[2]')" "a 3-1 link"
cat >c.zh <<'EOT'
市外办举行新闻发布会。
今年共接待了120个代表团，签署了35项协议，举办了8场展览。
参观人数达到4000人。
下届大会将在北京举行。
EOT
cat >c.en <<'EOT'
The City Foreign Affairs Office held a press conference.
This year it received 120 delegations.
It signed 35 agreements and held 8 exhibitions, which 4000 people visited.
The next conference will be held in Beijing.
EOT
run tm align --from zh --to en --lines --no-memory --links - c.zh c.en
is "$(cat "$OUT")" "$(printf '[0]:[0]\n[1,2]:[1,2]\n[3]:[3]')" \
    "a 2-2 link (the sentences split at different places)"
cat >t.zh <<'EOT'
市外办举行新闻发布会。
今年共接待了120个代表团。
签署了35项协议，举办了8场展览，开展了16次交流活动。
参观人数达到4000人。
下届大会将在北京举行。
EOT
cat >t.en <<'EOT'
The City Foreign Affairs Office held a press conference.
This year it received 120 delegations and signed 35 agreements.
It held 8 exhibitions.
It organised 16 exchanges, and 4000 people visited.
The next conference will be held in Beijing.
EOT
run tm align --from zh --to en --lines --no-memory --links - t.zh t.en
is "$(cat "$OUT")" "$(printf '[0]:[0]\n[1,2,3]:[1,2,3]\n[4]:[4]')" "a 3-3 link"

# Hostile dictionaries: an error naming file and line, no output.
# bad_dict NAME LINE PATTERN DESCRIPTION: the file NAME was written.
bad_dict()
{
	run tm align --from zh --to en --lines --no-memory --dict "$1" \
	    --links - a.zh a.en
	is "$RC" 1 "$4: exit 1"
	like "$(cat "$ERR")" "'$1': line $2: $3" "$4: the message ($(cat "$ERR"))"
	is "$(cat "$OUT")" "" "$4: no output"
}
{
	printf '香蕉 香蕉 [xiang1 jiao1] /banana/\n'
	python3 -c 'print("長 长 [chang2] /" + "long/" * 20000)'
} >huge.u8
bad_dict huge.u8 2 "longer than 65536 bytes" "a 100 KB line"
printf '# ok\n香蕉 香蕉 [xiang1 jiao1] /ba\000nana/\n' >nul.u8
bad_dict nul.u8 2 "a NUL byte" "a NUL byte"
printf '香蕉 香蕉 [xiang1 jiao1] /banana/\n\n\n\377\376 x [y] /z/\n' >utf.u8
bad_dict utf.u8 4 "invalid UTF-8" "invalid UTF-8"
printf '香蕉 香蕉 xiang1 jiao1 /banana/\n' >nopin.u8
bad_dict nopin.u8 1 "not a CC-CEDICT entry" "no pinyin"
printf '香蕉 香蕉 [xiang1 jiao1] /banana\n' >open.u8
bad_dict open.u8 1 "not a CC-CEDICT entry" "an unclosed gloss"
# A headword too long to look for, and glosses of stop words only, are
# no error: nothing to learn from them.
printf '一二三四五六七八九十 一二三四五六七八九十 [x] /counting/\n的的 的的 [de5] /of/the/\n' >odd.u8
run tm align --from zh --to en --lines --no-memory --dict odd.u8 --links - a.zh a.en
is "$RC" 0 "long headwords and stop-word glosses are skipped quietly"

done_testing
