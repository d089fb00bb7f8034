#!/bin/sh
# Languages: tm speaks Chinese under zh_CN.UTF-8 (help, errors, stats,
# the review page's labels), LANGUAGE and LC_MESSAGES choose as GNU
# gettext defines, and machine output (JSON, TMX, XLIFF, TSV) is byte for
# byte the same in every locale.  The catalogue po/zh_CN.po passes
# msgfmt --check and translates every message the sources mark today:
# a message added without its translation fails here, named.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

PO=$TM_SRCDIR/po
ZH=zh_CN.UTF-8

if [ -n "${TM_BUILDDIR:-}" ] && [ -f "$TM_BUILDDIR/config.h" ] &&
    ! grep -q '^#define ENABLE_NLS 1' "$TM_BUILDDIR/config.h"; then
	skip_all "built with --disable-nls: tm speaks English only"
fi
command -v msgfmt >/dev/null 2>&1 && command -v xgettext >/dev/null 2>&1 &&
    command -v msgcmp >/dev/null 2>&1 ||
	skip_all "GNU gettext's tools (msgfmt, xgettext, msgcmp) are not installed: apt install gettext"

# The catalogue: valid, complete, and what tm reads below (an uninstalled
# build finds its catalogues through TM_LOCALEDIR).
mkdir -p locale/zh_CN/LC_MESSAGES
run msgfmt --check --statistics -o locale/zh_CN/LC_MESSAGES/tm.mo \
    "$PO/zh_CN.po"
is "$RC" 0 "msgfmt --check po/zh_CN.po"
[ "$RC" = 0 ] || diag_file "$ERR"
like "$(cat "$ERR")" '^[0-9]+ translated messages\.$' \
    "msgfmt --statistics: every message translated, none fuzzy"

# Every source file that marks messages is in POTFILES.in.
unlisted=
for f in $(cd "$TM_SRCDIR" && grep -l -E \
    '(\b_|N_|P_|tm__error(_prefix|_sqlite|_db)?|cli_error|cli_usage_error)\(' \
    src/*.c tm/*.c tm/store/*.c tm/serve/*.c); do
	grep -qx "$f" "$PO/POTFILES.in" || unlisted="$unlisted $f"
done
is "$unlisted" "" "po/POTFILES.in lists every source file with messages"

# A fresh template with the options of po/Makevars, and every msgid in
# it translated in zh_CN.po (msgcmp counts fuzzy and untranslated
# entries as missing and names each).
xopts=$(sed -n 's/^XGETTEXT_OPTIONS = //p' "$PO/Makevars")
files=$(grep -v '^#' "$PO/POTFILES.in")
# $xopts and $files unquoted: split into options and file names.
(cd "$TM_SRCDIR" && xgettext $xopts -o "$TEST_DIR/tm.pot" $files) \
    >xgettext.out 2>&1
ok "xgettext makes a template from po/POTFILES.in" test -s tm.pot
run msgcmp "$PO/zh_CN.po" tm.pot
if [ "$RC" = 0 ]; then
	pass "every message of the sources is translated in zh_CN.po"
else
	fail "every message of the sources is translated in zh_CN.po" \
	    "untranslated (add them to po/zh_CN.po):"
	grep -A3 'this message is used but not defined' "$ERR" |
	    grep -v 'this message is used' | head -n 60 | sed 's/^/#   /'
fi

TM_LOCALEDIR=$TEST_DIR/locale
export TM_LOCALEDIR

if ! locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8'; then
	skip "tm in Chinese" "the zh_CN.UTF-8 locale is not installed (tools/install-deps.sh generates it)"
	done_testing
fi

# zh: run tm in Chinese.
zh()
{
	LC_ALL=$ZH tm "$@"
}

run zh --help
is "$RC" 0 "tm --help in Chinese exits 0"
like "$(cat "$OUT")" '^用法：tm \[--db FILE\] COMMAND' "tm --help: the usage line"
like "$(cat "$OUT")" 'import +将 TMX 文件导入翻译记忆库' \
    "tm --help: the commands' summaries"
run zh import --help
like "$(cat "$OUT")" '导入 TMX 文件' "tm import --help in Chinese"
like "$(cat "$OUT")" '--duplicates=MODE' "... the option names as typed"

run zh import missing.tmx
is "$RC" 1 "a missing file: exit 1"
like "$(cat "$ERR")" "missing\\.tmx.*无法打开" "... said in Chinese, the file named"
run zh import --bogus
is "$RC" 2 "a bad option: exit 2"
like "$(cat "$ERR")" '未知选项“--bogus”' "... said in Chinese"
like "$(cat "$ERR")" '参见“tm import --help”' "... with where to look"
mkdir adir
run zh --db adir stats
is "$RC" 1 "a directory as the database: exit 1"
like "$(cat "$ERR")" '无法打开数据库“adir”：它是一个目录' "... said in Chinese"
if on_sqlite; then
	run zh --db none.db stats
	like "$(cat "$ERR")" '“none\.db”处还没有翻译记忆库' \
	    "reading a memory that does not exist, in Chinese"
else
	skip "reading a memory that does not exist, in Chinese" "$NOT_SQLITE"
fi

tm_plain --db m.db import -q "$DATA/sample-bulletin.tmx" \
    "$DATA/sample-bulletin-2020-02.tmx" || fail "importing the sample memory"
run zh --db m.db stats
is "$RC" 0 "tm stats in Chinese exits 0"
like "$(cat "$OUT")" '^翻译单元 +[0-9]+$' "tm stats: the units, in Chinese"
like "$(cat "$OUT")" '语言对' "tm stats: the language pairs, in Chinese"

# LANGUAGE comes first, but not in the C locale (gettext's rule);
# LC_MESSAGES alone chooses too.
run env LC_ALL=C.UTF-8 LANGUAGE=zh_CN "$TM_BIN" stats --bogus
like "$(cat "$ERR")" '未知选项' "LANGUAGE=zh_CN in C.UTF-8: Chinese"
run env LC_ALL=C LANGUAGE=zh_CN "$TM_BIN" stats --bogus
like "$(cat "$ERR")" "unknown option '--bogus'" \
    "LANGUAGE=zh_CN in the C locale: English, as gettext defines"
run env -u LC_ALL LANG=C.UTF-8 LC_MESSAGES=$ZH "$TM_BIN" stats --bogus
like "$(cat "$ERR")" '未知选项' "LC_MESSAGES=zh_CN.UTF-8 alone: Chinese"
run env LC_ALL=$ZH LANGUAGE=fr:zh_CN "$TM_BIN" stats --bogus
like "$(cat "$ERR")" '未知选项' "LANGUAGE: a list, the first catalogue found"

# The review page's labels in the language of the locale at hand.
BULLETIN=$DATA/bulletin-2020-02-06.txt
run zh --db m.db pretranslate --from zh-CN --to en-US -o zh "$BULLETIN"
is "$RC" 0 "pretranslate in Chinese exits 0"
like "$(cat "$OUT")" '审校页面：' "pretranslate: where the review page lies, in Chinese"
page=$(cat zh/bulletin-2020-02-06.review.html)
like "$page" '<title>审校： ' "review page: the title in Chinese"
like "$page" '>100% 完全匹配<' "review page: the exact badge in Chinese"
like "$page" '>[0-9]+% 模糊匹配<' "review page: the fuzzy badge in Chinese"
like "$page" '个语段：上下文匹配 [0-9]+ 个' "review page: the counts in Chinese"
an=$(cat zh/bulletin-2020-02-06.analysis.txt)
like "$an" '^bulletin-2020-02-06.txt 的分析（zh-CN 译为 en-US）' \
    "the analysis report: its title in Chinese"
like "$an" '无匹配 +[0-9]+ +[0-9]+ +[0-9]+' "the analysis report: the bands in Chinese"
# Columns line up by display width: the counts end where the English's do.
is "$(sed -n 's/^合计 *//p' zh/bulletin-2020-02-06.analysis.txt | wc -c)" \
    "$(tm_plain --db m.db pretranslate --from zh-CN --to en-US -o c0 \
    "$BULLETIN" >/dev/null && sed -n 's/^Total *//p' \
    c0/bulletin-2020-02-06.analysis.txt | wc -c)" \
    "the analysis report: the columns line up in Chinese as in English"
tm_plain --db m.db pretranslate --from zh-CN --to en-US -o c "$BULLETIN" \
    >/dev/null
like "$(cat c/bulletin-2020-02-06.review.html)" '>100% exact<' \
    "review page in C.UTF-8: in English"

# tm check's findings: for people in Chinese, in JSON in English.
CG=$TM_SRCDIR/tests/data/issue6
run zh --db chk.db check --no-glossary "$CG/check-wrong.xlf"
is "$RC" 1 "tm check in Chinese: exit 1 on planted errors"
like "$(cat "$OUT")" 'trans-unit 2: number: 译文中没有 5万（50,000）' \
    "tm check in Chinese: a missing number, in Chinese"
like "$(cat "$OUT")" 'date: 译文中没有 1月28日（January 28 or 28 January）' \
    "tm check in Chinese: a wrong date, in Chinese"
run zh --db chk.db check --no-glossary --json "$CG/check-wrong.xlf"
like "$(cat "$OUT")" '"5万 \(50,000\) is not in the target"' \
    "tm check --json in Chinese: the findings in English"

# Machine output is the same in every locale: scores with a decimal
# point, dates, JSON field names and values.  zh_CN writes numbers as C
# does; de_DE (a decimal comma), with Chinese messages, when installed.
DE=
locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8' && DE=de_DE.UTF-8
same_in_both()
{
	_name=$1
	shift
	LC_ALL=C.UTF-8 tm "$@" >c.out 2>/dev/null
	LC_ALL=$ZH tm "$@" >zh.out 2>/dev/null
	if [ -s c.out ]; then
		same_file c.out zh.out "$_name: the same in C.UTF-8 and zh_CN.UTF-8"
	else
		fail "$_name: the same in C.UTF-8 and zh_CN.UTF-8" "no output"
	fi
	[ -n "$DE" ] || return 0
	LC_ALL=$DE LANGUAGE=zh_CN tm "$@" >de.out 2>/dev/null
	same_file c.out de.out "$_name: the same in de_DE.UTF-8 (decimal comma)"
}
cp "$DATA/align/bulletin.zh" b.zh
cp "$DATA/align/bulletin.en" b.en
same_in_both "align (TSV, scores)" align --from zh-CN --to en-US b.zh b.en
same_in_both "align --json" align --from zh-CN --to en-US --json b.zh b.en
same_in_both "segment --json" segment --lang zh-CN --json "$BULLETIN"
[ -n "$DE" ] && LC_ALL=$DE tm_plain --db m.db pretranslate --from zh-CN \
    --to en-US -o de "$BULLETIN" >/dev/null
for f in xlf analysis.json analysis.csv draft.txt; do
	same_file "c/bulletin-2020-02-06.$f" "zh/bulletin-2020-02-06.$f" \
	    "pretranslate's $f: the same in C.UTF-8 and zh_CN.UTF-8"
	[ -z "$DE" ] || same_file "c/bulletin-2020-02-06.$f" \
	    "de/bulletin-2020-02-06.$f" "pretranslate's $f: the same in de_DE.UTF-8"
done
# An import's JSON names its error in English; stderr speaks Chinese.
printf '<tmx version="1.4"><header' >bad.tmx
run zh --db m.db import --json bad.tmx
is "$RC" 1 "a broken TMX: exit 1"
json_valid "$OUT" && err=$(json "$OUT" 'd[0]["error"]') || err=
like "$err" '^[ -~]+$' "import --json: the error in English in zh_CN.UTF-8"
unlike "$err" '行' "... no Chinese in it"
run zh --db m.db import --json missing.tmx
json_valid "$OUT" && err=$(json "$OUT" 'd[0]["error"]') || err=
like "$err" "^'.*missing\\.tmx': cannot open: [ -~]+$" \
    "import --json: a system error (strerror) in English too"
like "$(cat "$ERR")" '无法打开' "... while stderr says it in Chinese"

# tm serve in zh_CN.UTF-8: its notes on stderr in Chinese, its JSON
# answers (errors included) in English for every client.
if command -v curl >/dev/null 2>&1; then
	LC_ALL=$ZH
	serve_start m.db --quiet || fail "tm serve starts in zh_CN.UTF-8"
	LC_ALL=C.UTF-8
	curl -s "$URL/api/v1/lookup?q=x&from=zz-!!&to=en" >answer.json
	like "$(cat answer.json)" "\"'zz-!!' is not a language tag\"" \
	    "tm serve: a library error answered in English"
	curl -s "$URL/api/v1/units/99999" >answer.json
	like "$(cat answer.json)" '"no unit 99999"' \
	    "tm serve: not found, in English"
	serve_stop
	like "$(cat "$TEST_DIR/.serve.log")" '正在提供服务，地址 http://127\.0\.0\.1:' \
	    "tm serve: its notes on stderr in Chinese"
else
	skip "tm serve's answers in English" "no curl"
fi

done_testing
