#!/bin/sh
# Round trip of every third-party TMX file in ../shared/data/tmx (*.tmx,
# *.TMX, *.tmx.gz, *.xml, recursively; described in ../shared/data/
# SOURCES.md), one TAP line per file.  Skipped when ../shared is absent.
#
# A file that imports must come back (import --duplicates=keep, so that
# duplicates inside the file stay; export):
#   - saying what the input said (tests/tmx-canon.py --diff);
#   - valid against the TMX 1.4 DTD when the input is valid against the
#     DTD of its version (tmx14.dtd, or tmx11.dtd for version="1.1");
#     when the input is not valid, the export may only have errors of the
#     kinds the input has (the test prints the kinds it carried over;
#     today: attributes the DTD does not declare, such as <tu id>, <ph id>,
#     <bpt isTranslate>, <prop type2>, and <it> without pos, <prop>
#     without type);
#   - unchanged by a second round trip (byte-identical re-export).
# The files that must NOT import are exactly those SOURCES.md describes
# as empty, not well-formed or breaking the DTD at unit level; they are
# listed below with the reason, and each must fail with exit 1 and a
# message naming the file and the line.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

have_shared || skip_all "no third-party data in $SHARED"
TMX=$SHARED/tmx
SOURCES=$SHARED/SOURCES.md

# path (under tmx/) | why it cannot import | what SOURCES.md says
REFUSED="
heartsome/ImportTMXTest0_empty.tmx|a zero-byte file|0 B
eu/dgt-tm_tmxtract_2010-5K.xml|a truncated slice that ends inside <body>|NOT well-formed
eu/dgt-tm_tmxtract_2011-2014-1K.xml|a truncated slice that ends inside <body>|NOT well-formed
softcatala/omegat_empty_tu.tmx|an empty <tu></tu>, a unit that breaks the DTD (imports with --skip-invalid)|empty <tu></tu> element (DTD-invalid)
"
printf '%s\n' "$REFUSED" | awk 'NF' >refused.txt

(cd "$TMX" && find . -type f \( -name '*.tmx' -o -name '*.TMX' \
    -o -name '*.tmx.gz' -o -name '*.xml' \) | sed 's|^\./||' | LC_ALL=C sort) \
    >files.txt

# The list of refused files agrees with SOURCES.md.
while IFS='|' read -r f why says; do
	if ! grep -qxF "$f" files.txt; then
		fail "$f: listed as refused, and present" "no such file in $TMX"
	elif grep -F "\`tmx/$f\`" "$SOURCES" | grep -qF "$says"; then
		pass "$f: SOURCES.md describes it as refused ($says)"
	else
		fail "$f: SOURCES.md describes it as refused ($says)"
	fi
done <refused.txt
grep -F 'NOT well-formed' "$SOURCES" | sed -n 's/^- `tmx\/\([^`]*\)`.*/\1/p' |
    while read -r f; do
	grep -qxF "$f" files.txt || continue
	grep -q "^$f|" refused.txt || echo "$f"
    done >unlisted.txt
if [ -s unlisted.txt ]; then
	fail "every file SOURCES.md calls not well-formed is listed as refused"
	diag_file unlisted.txt
else
	pass "every file SOURCES.md calls not well-formed is listed as refused"
fi

# Phase 1: tm does its part for every file (no assertions yet).  Under
# TM_VALGRIND=1 valgrind watches the first file under 1 MB of each folder
# (and every refused one), so that check-valgrind stays within minutes;
# the other files still make the whole round trip.
n=0
: >batch.txt
: >valgrind-dirs.txt
while read -r f; do
	n=$((n + 1))
	w=w/$n
	mkdir -p "$w"
	printf '%s\n' "$f" >"$w/name"
	t=tm
	if [ "${TM_VALGRIND:-0}" = 1 ]; then
		d=$(dirname "$f")
		if grep -q "^$f|" refused.txt; then
			:
		elif ! grep -qxF "$d" valgrind-dirs.txt &&
		    [ "$(wc -c <"$TMX/$f")" -lt 1000000 ]; then
			echo "$d" >>valgrind-dirs.txt
		else
			t=tm_plain
		fi
	fi
	$t --db "$w/a.db" import --duplicates=keep -q "$TMX/$f" \
	    >/dev/null 2>"$w/import.err"
	echo $? >"$w/import.rc"
	grep -q "^$f|" refused.txt && continue
	[ "$(cat "$w/import.rc")" = 0 ] || continue
	$t --db "$w/a.db" export -q -o "$w/out1.tmx" 2>"$w/export.err"
	echo $? >"$w/export.rc"
	$t --db "$w/b.db" import --duplicates=keep -q "$w/out1.tmx" \
	    >/dev/null 2>"$w/reimport.err"
	echo $? >"$w/reimport.rc"
	$t --db "$w/b.db" export -q -o "$w/out2.tmx" 2>>"$w/reimport.err"
	rm -f "$w"/a.db* "$w"/b.db*
	printf '%s\t%s\t%s\n' "$TMX/$f" "$w/out1.tmx" "$w/canon.txt" >>batch.txt
done <files.txt
nfiles=$n

# Phase 2: the canonical comparisons and the TMX versions, one Python run
# each.
canon --batch batch.txt
(cd "$TMX" && canon --version $(cat "$TEST_DIR/files.txt")) >versions.txt

# Phase 3: one line per file.
n=0
while [ "$n" -lt "$nfiles" ]; do
	n=$((n + 1))
	w=w/$n
	f=$(cat "$w/name")
	rc=$(cat "$w/import.rc")
	refused=$(grep "^$f|" refused.txt | cut -d'|' -f2)
	if [ -n "$refused" ]; then
		msg=$(head -n 1 "$w/import.err")
		if [ "$rc" = 1 ] && printf '%s\n' "$msg" |
		    grep -qF "'$TMX/$f': line "; then
			pass "$f: refused ($refused): exit 1, file and line named"
		else
			fail "$f: refused ($refused): exit 1, file and line named" \
			    "exit $rc, stderr:"
			diag_file "$w/import.err"
		fi
		continue
	fi
	if [ "$rc" != 0 ]; then
		fail "$f: round trip" "import failed (exit $rc):"
		diag_file "$w/import.err"
		continue
	fi
	problems=
	if [ "$(cat "$w/export.rc")" != 0 ]; then
		problems="$problems export-failed"
		diag_file "$w/export.err"
	fi
	if [ -s "$w/canon.txt" ]; then
		problems="$problems content-differs"
	fi
	version=$(awk -F'\t' -v f="$f" '$2 == f { print $1 }' versions.txt)
	case $version in
	1.1) dtd=$TMX11_DTD ;;
	*) dtd=$TMX14_DTD ;;
	esac
	[ "$version" = - ] && version="version unset"
	dtd_errors "$w/out1.tmx" "$TMX14_DTD" | sort -u >"$w/out.kinds"
	carried=
	if dtd_valid "$TMX/$f" "$dtd"; then
		if [ -s "$w/out.kinds" ] || ! dtd_valid "$w/out1.tmx" "$TMX14_DTD"; then
			problems="$problems invalid-export-of-valid-input"
		fi
	else
		dtd_errors "$TMX/$f" "$dtd" | sort -u >"$w/in.kinds"
		comm -13 "$w/in.kinds" "$w/out.kinds" >"$w/new.kinds"
		[ -s "$w/new.kinds" ] && problems="$problems new-dtd-errors"
		comm -12 "$w/in.kinds" "$w/out.kinds" >"$w/carried.kinds"
		[ -s "$w/carried.kinds" ] && carried=yes
	fi
	if [ "$(cat "$w/reimport.rc")" != 0 ]; then
		problems="$problems reimport-failed"
	elif ! cmp -s "$w/out1.tmx" "$w/out2.tmx"; then
		problems="$problems second-export-differs"
	fi
	if [ -z "$problems" ]; then
		pass "$f: round trip (TMX $version)"
		if [ -n "$carried" ]; then
			diag "input not DTD-valid; the export keeps these of its errors:"
			diag_file "$w/carried.kinds"
		fi
		continue
	fi
	fail "$f: round trip (TMX $version)" "problems:$problems"
	case $problems in
	*content-differs*)
		diag "the export does not say what the input said:"
		diag_file "$w/canon.txt" 30 ;;
	esac
	case $problems in
	*invalid-export-of-valid-input*)
		diag "the input is valid, the export is not:"
		diag_file "$w/out.kinds" ;;
	esac
	case $problems in
	*new-dtd-errors*)
		diag "DTD errors the input did not have:"
		diag_file "$w/new.kinds" ;;
	esac
	case $problems in
	*reimport-failed*) diag_file "$w/reimport.err" ;;
	*second-export-differs*)
		diag "the second export differs:"
		diff "$w/out1.tmx" "$w/out2.tmx" | head -n 10 | sed 's/^/#   /' ;;
	esac
done

# The unit that breaks the DTD is skipped with --skip-invalid, the rest
# comes back.
f=softcatala/omegat_empty_tu.tmx
if [ -f "$TMX/$f" ]; then
	run tm --db skip.db import --skip-invalid "$TMX/$f"
	is "$RC" 0 "$f: --skip-invalid imports it"
	like "$(cat "$OUT")" "2 units read, 1 imported, 0 duplicates, 1 invalid skipped" \
	    "$f: --skip-invalid: one unit imported, one skipped"
	like "$(cat "$ERR")" "'$TMX/$f': line [0-9]+: <tu> has no <tuv> \\(skipped\\)" \
	    "$f: --skip-invalid lists the skipped unit with its line and reason"
	tm --db skip.db export -q -o skip.tmx
	ok "$f: --skip-invalid: the export is valid TMX 1.4" \
	    dtd_valid skip.tmx "$TMX14_DTD"
fi

done_testing
