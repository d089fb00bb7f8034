#!/bin/sh
# Manual pages (doc/NAME.scd, scdoc): every command of tm's table has a
# page (help and version are in tm(1)), tm(1) names every command, each
# page's NAME says what the table says, and each page's options are its
# command's: every option that 'tm CMD --help' shows is in the page's
# SYNOPSIS or OPTIONS, and every option there is one --help shows.  Those
# checks read the sources and always run; the pages as built render
# without a warning when man is installed.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

DOC=$TM_SRCDIR/doc
BUILD=${TM_BUILDDIR:-$(dirname "$(dirname "$TM_BIN")")}

# Options in a text (on standard input): -x and --long-name, once each,
# sorted.  scdoc's markup (*bold*, _underline_, \ escapes) is dropped
# first; a hyphen inside a word (zh-CN, x-align-score, 1-2) is no option.
options()
{
	sed 's/\\//g; s/[*_]//g' |
	grep -oE "(^|[^A-Za-z0-9-])(--[a-z][a-z-]*[a-z]|-[A-Za-z])([], =|')]|\$)" |
	sed -E "s/^[^-]*//; s/[], =|')]\$//" | sort -u
}

# The options a page documents: those of its SYNOPSIS, and the terms of
# its OPTIONS (the lines that start with an option).
page_options()
{
	awk '/^# /{ s = $0 } s == "# SYNOPSIS" || (s == "# OPTIONS" && /^\*-/)' \
	    "$1" | options
}

# Options every command takes without listing them.
always='-h
--help'

# check_page PAGE HELP-FILE EXTRA: the page's options against the help's.
check_page()
{
	page_options "$DOC/$1.scd" >"$1.man"
	options <"$2" >"$1.help"
	printf '%s\n' "$always" $3 | sort -u >"$1.always"
	missing=$(comm -23 "$1.help" "$1.man" | comm -23 - "$1.always" |
	    tr '\n' ' ')
	is "$missing" "" "$1(1) documents every option of its --help"
	sort -u "$1.help" "$1.always" >"$1.known"
	unknown=$(comm -23 "$1.man" "$1.known" | tr '\n' ' ')
	is "$unknown" "" "$1(1) documents no option that --help lacks"
}

run tm help
is "$RC" 0 "tm help exits 0"
awk '/^Commands:/{ c = 1; next } c && !NF { exit } c { print $1 }' "$OUT" \
    >commands
cp "$OUT" table
ok "tm help lists the commands" test -s commands

run tm --help
cp "$OUT" help-tm
ok "tm(1) exists" test -f "$DOC/tm.scd"
check_page tm help-tm --version

while read -r cmd; do
	case $cmd in
	help|version)
		like "$(cat "$DOC/tm.scd")" "^\*$cmd\*" \
		    "tm(1) documents the command '$cmd'"
		continue ;;
	esac
	page=tm-$cmd
	if [ ! -f "$DOC/$page.scd" ]; then
		fail "the command '$cmd' has a page" "no doc/$page.scd"
		continue
	fi
	pass "the command '$cmd' has a page"
	like "$(cat "$DOC/tm.scd")" "^\*$cmd\*\$" \
	    "tm(1) lists the command '$cmd'"
	is "$(sed -n 1p "$DOC/$page.scd")" "$page(1)" "$page(1): its title"
	what=$(awk -v c="$cmd" '$1 == c { $1 = ""; sub(/^ +/, ""); print }' \
	    table)
	is "$(awk '/^# NAME/{ n = 1; next } n && NF { print; exit }' \
	    "$DOC/$page.scd")" "$page - $what" \
	    "$page(1): its NAME says what tm help says"
	run tm "$cmd" --help
	cp "$OUT" "help-$cmd"
	# --db is tm's own option, which each page's SYNOPSIS shows.
	check_page "$page" "help-$cmd" --db
done <commands

# Every page is a command's, and every page named in SEE ALSO exists.
for scd in "$DOC"/*.scd; do
	page=$(basename "$scd" .scd)
	case $page in
	tm) continue ;;
	esac
	ok "$page(1) is the page of a command" grep -qx "${page#tm-}" commands
	for ref in $(grep -oE '\*tm(-[a-z-]+)?\*\(1\)' "$scd" |
	    sed 's/[*]//g; s/(1)//' | sort -u); do
		ok "$page(1) refers to $ref(1), which exists" \
		    test -f "$DOC/$ref.scd"
	done
done

# The pages as built (in the build tree, or shipped in the source tree of
# a release) render with man without a warning.
if ! command -v man >/dev/null 2>&1 || ! command -v groff >/dev/null 2>&1
then
	skip "the manual pages render" "man or groff is not installed"
else
	for scd in "$DOC"/*.scd; do
		page=$(basename "$scd" .scd)
		f=$BUILD/doc/$page.1
		[ -f "$f" ] || f=$DOC/$page.1
		if [ ! -f "$f" ]; then
			fail "$page(1) renders" "not built: no $f"
			continue
		fi
		MANWIDTH=80 man --warnings -l "$f" >"$page.txt" 2>"$page.err"
		rc=$?
		if [ "$rc" = 0 ] && [ ! -s "$page.err" ] &&
		    grep -q "^NAME" "$page.txt" &&
		    grep -q "^ *$page - " "$page.txt"; then
			pass "$page(1) renders without a warning"
		else
			fail "$page(1) renders without a warning" \
			    "man exit $rc: $(head -n 5 "$page.err")"
		fi
	done
fi

done_testing
