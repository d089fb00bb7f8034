# Sourced by bench-align.sh and bench-align-free.sh: the news sets both
# score, made by align-eval's build_set.py from the shared WMT news.
#
# news_sets EVALDIR DATA SETS: dev (20 documents of newstest 2017-2018,
# in order, seed 7) and test (50 documents of newstest 2019-2021) into
# SETS/dev and SETS/test.
news_sets() {
	local evaldir=$1 data=$2 sets=$3
	local D=$data/wmt-newstest W=$data/wmt21-newstest
	python3 "$evaldir/build_set.py" --ordered --seed 7 --docs dev:20 \
		"$D/newstest2017.zh-en.zh:$D/newstest2017.zh-en.en" \
		"$D/newstest2018.zh-en.zh:$D/newstest2018.zh-en.en" \
		-o "$sets" >&2
	python3 "$evaldir/build_set.py" --docs test:50 \
		"$D/newstest2019.zh-en.zh:$D/newstest2019.zh-en.en" \
		"$D/newstest2020.zh-en.zh:$D/newstest2020.zh-en.en" \
		"$W/newstest2021.zh-en.src.zh:$W/newstest2021.zh-en.ref.A.en" \
		-o "$sets" >&2
}
