#!/bin/sh
# tm pretranslate, text draft: a text with nothing translated comes back
# byte for byte (no space put between Chinese sentences, the lines of
# wrapped English and their indentation kept); with some sentences
# translated, the untranslated ones and the line breaks between
# sentences stay as the source has them.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

cat >m.tmx <<'EOF2'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1"
 segtype="sentence" o-tmf="t" adminlang="en" srclang="zh-CN"
 datatype="plaintext"/><body>
<tu><tuv xml:lang="zh-CN"><seg>下一步怎么办？</seg></tuv>
<tuv xml:lang="en"><seg>What next?</seg></tuv></tu>
</body></tmx>
EOF2
tm_plain --db m.db import -q m.tmx || fail "importing a memory"

# Nothing translated.
printf '会议结束。“这是好消息。”她说。明天继续。\n　　第二段第一句。第二句！\n\n标题\n' >zh.txt
run tm --db m.db pretranslate --from zh-CN --to en -o out zh.txt
is "$RC" 0 "pretranslate a Chinese text exits 0"
same_file out/zh.draft.txt zh.txt "Chinese: nothing translated, the draft is the text"

printf 'The meeting ended. "This is\ngood news," she said. It goes on\ntomorrow.\n  An indented line.\n\nHeading\n' >en.txt
run tm --db m.db pretranslate --from en --to zh-CN -o out en.txt
is "$RC" 0 "pretranslate an English text exits 0"
same_file out/en.draft.txt en.txt "English: nothing translated, line breaks kept"

# One sentence translated: the rest as written.
printf '会议结束。明天继续。下一步怎么办？\n　　第二段第一句。第二句！\n' >zh2.txt
run tm --db m.db pretranslate --from zh-CN --to en -o out zh2.txt
is "$(cat out/zh2.draft.txt)" "$(printf '会议结束。明天继续。 What next?\n　　第二段第一句。第二句！')" \
    "Chinese: untranslated sentences joined as written, the next line as written"

printf 'The meeting ended. "This is\ngood news," she said.\nWhat next?\nIt goes on\ntomorrow.\n' >en2.txt
run tm --db m.db pretranslate --from en --to zh-CN -o out en2.txt
is "$(cat out/en2.draft.txt)" "$(printf 'The meeting ended. "This is\ngood news," she said.\n下一步怎么办？\nIt goes on\ntomorrow.')" \
    "English: the source's line breaks around a translated sentence"

done_testing
