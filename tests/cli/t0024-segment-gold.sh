#!/bin/sh
# tm segment on the segmentation gold set: hand-annotated breaks of hard
# passages (quotes, lists, abbreviations, decimals, codes, ellipses,
# headlines, times) of ../shared/data/zh-en, at least 200 a language.
# The gold files ship (tests/data/segment-gold); the passages stay in
# ../shared, so the test is skipped without them.  At most one wrong
# break (one too many or one missing) per 100 sentences.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

G=$TM_SRCDIR/tests/data/segment-gold
[ -r "$SHARED/zh-en/wmt-newstest/newstest2018.zh-en.zh" ] ||
	skip_all "no ../shared/data/zh-en"
command -v python3 >/dev/null 2>&1 || skip_all "no python3"

for lang in zh en; do
	n=$(grep -vc '^#' "$G/$lang.gold")
	ok "$lang: $n passages (at least 200)" test "$n" -ge 200
	python3 "$TM_SRCDIR/tools/seg-gold/seg-gold.py" --tm "$TM_BIN" \
	    --data "$SHARED/zh-en" eval -v "$G/$lang.gold" >$lang.out 2>&1
	is "$?" 0 "$lang: every passage is in ../shared as annotated"
	diag_file $lang.out
	rate=$(sed -n 's/.* \([0-9.]*\) per 100 sentences$/\1/p' $lang.out)
	ok "$lang: $rate wrong breaks per 100 sentences (at most 1)" \
	    python3 -c "import sys; sys.exit(0 if float('$rate') <= 1 else 1)"
done

done_testing
