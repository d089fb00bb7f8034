# tests/lib.sh: what the end-to-end tests (tests/cli/tNNNN-*.sh) share.
#
# A test script sources this file, makes assertions and ends with
# done_testing.  It prints TAP for build-aux/tap-driver.sh and runs just as
# well alone:
#
#   TM_BIN=build/src/tm TM_SRCDIR=. sh tests/cli/t0001-import-basic.sh
#
# Environment (set by AM_TESTS_ENVIRONMENT under make check):
#   TM_BIN       the tm program under test (default: build/src/tm of the
#                source tree, then src/tm)
#   TM_SRCDIR    the source tree (default: found from the script's path)
#   TM_BUILDDIR  the build tree (unused here, kept for scripts)
#   TM_VALGRIND  1: run tm under valgrind (the `tm` function below);
#                definite or indirect leaks and memory errors make tm exit
#                99, which fails the assertion at hand and a final
#                "valgrind" test that prints valgrind's report
#   TM_KEEP_TMP  1: keep the temporary directory (its path is printed)
#
# Tests run in the C.UTF-8 locale with English messages (LANGUAGE unset).
# Each script runs in a fresh temporary directory, removed at exit.  The
# user's memory is never touched: TM_DB is unset and HOME and
# XDG_DATA_HOME point into the temporary directory.
#
# Assertions (each prints one TAP line; NAME is free text):
#   ok NAME CMD [ARG...]        CMD exits 0
#   is GOT EXPECTED NAME        the strings are equal
#   like GOT REGEX NAME         GOT matches the extended REGEX (grep -E)
#   unlike GOT REGEX NAME       GOT does not match
#   same_file A B NAME          the files are byte-for-byte equal
#   pass NAME / fail NAME       when the script decides itself
#   skip NAME REASON            "ok N # skip REASON"
#   on_sqlite                   true unless TM_TEST_BACKEND=postgresql:
#                               guards checks of a SQLite file itself
#                               (else: skip NAME "$NOT_SQLITE")
#   skip_all REASON             the whole script is skipped ("1..0 # SKIP")
#   TODO=REASON                 while set, assertions carry "# TODO REASON"
#                               (an expected failure: an open question, not
#                               a known bug; bugs stay plain failures)
#   diag TEXT... / diag_file F  comments in the TAP stream
#   done_testing                the plan (failures are the "not ok" lines;
#                               the script exits 0 once the plan is out)
#
# Running tm:
#   tm ARG...                   "$TM_BIN" ARG... (under valgrind with
#                               TM_VALGRIND=1)
#   tm_timeout SECS ARG...      the same under timeout(1), so that a hang
#                               fails instead of blocking the suite
#   tm_plain ARG...             "$TM_BIN" ARG..., never under valgrind: for
#                               reading results back, not for what is
#                               under test
#   run CMD [ARG...]            runs CMD with stdout to "$OUT" and stderr
#                               to "$ERR" (files) and its status in $RC
#
# Helpers: bg_pid PID (a background job, killed at exit unless the
# script waited for it and cleared _bg_pids), json_valid FILE, json FILE
# EXPR (a Python expression over the document `d`), stats_state DB (stats
# --json without timings and dates), db_state DB (export + stats_state:
# what "unchanged" means), canon (tests/tmx-canon.py), dtd_errors FILE DTD
# (the validity errors xmllint finds, one per line, without file and
# line), dtd_valid FILE DTD, mem_sql DB SQL and mem_dump DB (the
# memory's rows in SQL on either backend), and the paths DATA
# (tests/data), SHARED (the third-party data in
# $TM_SRCDIR/../shared/data, read in place, may be absent: tests that
# need it skip), TMX14_DTD and TMX11_DTD (the TMX
# DTDs, shipped in tests/data/dtd with their attribution).

# English messages whatever the user's LANGUAGE (which gettext reads
# before LC_ALL), and no catalogue from an earlier run.
LC_ALL=C.UTF-8
export LC_ALL
unset TM_DB LANGUAGE TM_LOCALEDIR

if [ -z "${TM_SRCDIR:-}" ]; then
	case $0 in
	*/tests/cli/*) TM_SRCDIR=${0%/tests/cli/*} ;;
	tests/cli/*) TM_SRCDIR=. ;;
	*) TM_SRCDIR=$(cd "$(dirname "$0")/../.." && pwd) ;;
	esac
fi
TM_SRCDIR=$(cd "$TM_SRCDIR" && pwd)
if [ -z "${TM_BIN:-}" ]; then
	if [ -x "$TM_SRCDIR/build/src/tm" ]; then
		TM_BIN=$TM_SRCDIR/build/src/tm
	else
		TM_BIN=$TM_SRCDIR/src/tm
	fi
fi
case $TM_BIN in
/*) ;;
*) TM_BIN=$(pwd)/$TM_BIN ;;
esac
export TM_BIN TM_SRCDIR

DATA=$TM_SRCDIR/tests/data
SHARED=$TM_SRCDIR/../shared/data
TMX14_DTD=$DATA/dtd/tmx14.dtd
TMX11_DTD=$DATA/dtd/tmx11.dtd
CANON=$TM_SRCDIR/tests/tmx-canon.py

_tap_n=0
_tap_failed=0
TODO=

TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tm-test.XXXXXX") || {
	echo "Bail out! cannot create a temporary directory"
	exit 99
}
_bg_pids=
# bg_pid PID: a background process of the script, killed if the script
# ends before it does.
bg_pid()
{
	_bg_pids="$_bg_pids $1"
}
_cleanup()
{
	for _p in $_bg_pids; do
		kill -9 "$_p" 2>/dev/null
	done
	if [ -n "${PG_DIR:-}" ]; then
		pg_stop "$PG_DIR" >/dev/null 2>&1
	fi
	if [ "${TM_KEEP_TMP:-0}" = 1 ]; then
		echo "# kept $TEST_DIR"
	else
		rm -rf "$TEST_DIR"
	fi
}
trap _cleanup EXIT
trap 'exit 130' INT TERM
HOME=$TEST_DIR/home
XDG_DATA_HOME=$TEST_DIR/home/.local/share
export HOME XDG_DATA_HOME
mkdir -p "$HOME"
cd "$TEST_DIR" || exit 99
OUT=$TEST_DIR/.out
ERR=$TEST_DIR/.err

if [ ! -x "$TM_BIN" ]; then
	echo "Bail out! no tm program at '$TM_BIN' (set TM_BIN)"
	exit 99
fi

diag()
{
	for _l in "$@"; do
		printf '%s\n' "$_l"
	done | sed 's/^/# /'
}

diag_file()
{
	if [ -f "$1" ]; then
		head -n "${2:-40}" "$1" | sed 's/^/#   /'
	fi
}

pass()
{
	_tap_n=$((_tap_n + 1))
	printf 'ok %d - %s%s\n' "$_tap_n" "$1" "${TODO:+ # TODO $TODO}"
}

fail()
{
	_tap_n=$((_tap_n + 1))
	[ -n "${TODO:-}" ] || _tap_failed=$((_tap_failed + 1))
	printf 'not ok %d - %s%s\n' "$_tap_n" "$1" "${TODO:+ # TODO $TODO}"
	shift
	[ $# -gt 0 ] && diag "$@"
	return 0
}

skip()
{
	_tap_n=$((_tap_n + 1))
	printf 'ok %d - %s # skip %s\n' "$_tap_n" "$1" "$2"
}

skip_all()
{
	echo "1..0 # SKIP $1"
	exit 0
}

ok()
{
	_name=$1
	shift
	if "$@"; then
		pass "$_name"
	else
		fail "$_name" "command failed (exit $?): $*"
	fi
}

is()
{
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3" "     got: '$1'" "expected: '$2'"
	fi
}

like()
{
	if printf '%s\n' "$1" | grep -Eq -e "$2"; then
		pass "$3"
	else
		fail "$3" "     got: '$1'" "expected to match: /$2/"
	fi
}

unlike()
{
	if printf '%s\n' "$1" | grep -Eq -e "$2"; then
		fail "$3" "     got: '$1'" "expected not to match: /$2/"
	else
		pass "$3"
	fi
}

same_file()
{
	if cmp -s "$1" "$2"; then
		pass "$3"
	else
		fail "$3" "'$1' and '$2' differ:"
		diff "$1" "$2" 2>&1 | head -n 20 | sed 's/^/#   /'
	fi
}

_tm_run()
{
	_tm_t=$1
	shift
	if [ "${TM_VALGRIND:-0}" = 1 ]; then
		set -- valgrind --leak-check=full \
		    --errors-for-leak-kinds=definite,indirect \
		    --error-exitcode=99 -q \
		    --log-file="$TEST_DIR/.valgrind.%p.log" "$TM_BIN" "$@"
		[ -n "$_tm_t" ] && _tm_t=$((_tm_t * 10))
	else
		set -- "$TM_BIN" "$@"
	fi
	if [ -n "$_tm_t" ]; then
		timeout "$_tm_t" "$@"
	else
		"$@"
	fi
	_tm_rc=$?
	if [ "$_tm_rc" = 99 ] && [ "${TM_VALGRIND:-0}" = 1 ]; then
		shift 6
		printf '%s\n' "$*" >>"$TEST_DIR/.valgrind-errors"
	fi
	return "$_tm_rc"
}

tm()
{
	_tm_run "" "$@"
}

# tm without valgrind, for bookkeeping that is not under test (reading a
# memory's state back, say), so that TM_VALGRIND=1 stays affordable.
tm_plain()
{
	"$TM_BIN" "$@"
}

tm_timeout()
{
	_tm_secs=$1
	shift
	_tm_run "$_tm_secs" "$@"
}

run()
{
	"$@" >"$OUT" 2>"$ERR"
	RC=$?
	return 0
}

json_valid()
{
	python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$1" 2>/dev/null
}

# json FILE EXPR: print the Python expression EXPR over the JSON document
# `d` in FILE (strings and numbers as they are, anything else as JSON).
json()
{
	python3 - "$1" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
v = eval(sys.argv[2])
print(v if isinstance(v, (str, int, float)) else json.dumps(v, ensure_ascii=False))
EOF
}

# What `tm stats --json` says, without what changes from run to run.
stats_state()
{
	tm_plain --db "$1" stats --json >"$TEST_DIR/.stats.json" || return 1
	python3 - "$TEST_DIR/.stats.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for m in d.get("imports", []):
    m.pop("seconds", None)
    m.pop("date", None)
print(json.dumps(d, indent=1, sort_keys=True, ensure_ascii=False))
EOF
}

# Everything a user can see of a memory: its export and its statistics.
db_state()
{
	tm_plain --db "$1" export || return 1
	stats_state "$1"
}

canon()
{
	python3 "$CANON" "$@"
}

# The errors xmllint finds validating FILE against DTD, one per line,
# without file name and line number ("element tu: validity error : ...").
dtd_errors()
{
	xmllint --noout --nonet --dtdvalid "$2" "$1" 2>&1 |
	    sed -n 's/^[^:]*:[0-9]*: \(.*error : .*\)$/\1/p'
}

# FILE is valid against DTD (xmllint's exit status; nothing printed).
dtd_valid()
{
	xmllint --noout --nonet --dtdvalid "$2" "$1" >/dev/null 2>&1
}

# pg_test_start: a PostgreSQL server of the test's own (tests/pg.sh:
# initdb into a folder under /tmp, a Unix socket there, no TCP port),
# stopped and removed when the test ends.  Returns 1 when none can run
# here (PostgreSQL not installed); the test then skips what needs it.
PG_DIR=
pg_test_start()
{
	[ -z "$PG_DIR" ] || return 0
	. "$TM_SRCDIR/tests/pg.sh"
	pg_have || return 1
	PG_DIR=$(mktemp -d /tmp/tm-pg.XXXXXX) || return 1
	if ! pg_start "$PG_DIR" >"$TEST_DIR/.pg-start" 2>&1; then
		diag_file "$TEST_DIR/.pg-start"
		rm -rf "$PG_DIR"
		PG_DIR=
		return 1
	fi
}

# pg_test_db NAME: a new, empty database NAME on the test's server;
# prints its libpq string.
pg_test_db()
{
	pg_createdb "$PG_DIR" "$1"
}

# TM_TEST_BACKEND=postgresql: the whole test on PostgreSQL.  Every
# memory the test names (--db FILE, TM_DB) becomes a database of its own
# on a server the test starts (tests/pg-tm.sh stands in for tm).
if [ "${TM_TEST_BACKEND:-sqlite}" = postgresql ]; then
	if ! pg_test_start; then
		echo "Bail out! TM_TEST_BACKEND=postgresql, but no PostgreSQL server could start"
		exit 99
	fi
	TM_PG_DIR=$PG_DIR
	TM_REAL_BIN=$TM_BIN
	TM_BIN=$TM_SRCDIR/tests/pg-tm.sh
	export TM_PG_DIR TM_REAL_BIN TM_BIN
fi

# on_sqlite: the test runs on SQLite (TM_TEST_BACKEND unset or sqlite).
# Checks of a SQLite file's own behaviour (its bytes, its -wal, Python's
# sqlite3 on it, an older schema in it) run only then; on PostgreSQL each
# such check is a `skip NAME "$NOT_SQLITE"` instead, so that the plan has
# the same count on both backends.
on_sqlite()
{
	[ "${TM_TEST_BACKEND:-sqlite}" != postgresql ]
}
NOT_SQLITE="a SQLite file's own behaviour"

# mem_sql DB SQL: run SQL (statements separated by ";", none holding
# one in a literal) on the memory DB in one transaction, whatever the
# backend: Python's sqlite3 on a SQLite file, psql on the PostgreSQL
# database that tests/pg-tm.sh made for DB.  Rows come out one a line,
# columns separated by a tab, NULL as an empty string.  Only SQL that
# both read alike belongs here.
mem_sql()
{
	if on_sqlite; then
		python3 - "$1" "$2" <<'EOT'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
with c:
    for q in sys.argv[2].split(";"):
        if q.strip():
            for r in c.execute(q):
                print("\t".join("" if v is None else str(v) for v in r))
c.close()
EOT
	else
		printf 'BEGIN;\n%s;\nCOMMIT;\n' "$2" |
		    psql -X -q -A -t -F "$(printf '\t')" -v ON_ERROR_STOP=1 \
		    -d "$(cat "$1")" -f -
	fi
}

# mem_dump DB: every row of the memory DB as SQL (SQLite's iterdump, or
# pg_dump of the PostgreSQL database), for "nothing was written".
mem_dump()
{
	if on_sqlite; then
		python3 - "$1" <<'EOT'
import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for line in c.iterdump():
    print(line)
EOT
	else
		# Without the random key of the \restrict lines (pg_dump 17+).
		pg_dump --data-only -d "$(cat "$1")" |
		    grep -v '^\\\(un\)\{0,1\}restrict '
	fi
}

# serve_start DB [OPTION...]: start `tm --db DB serve` on 127.0.0.1 with
# a port the system picks (under valgrind when TM_VALGRIND=1), and wait
# until it listens.  Sets SERVE_PID, PORT and URL; the server's standard
# error goes to $TEST_DIR/.serve.log.  Returns 1 if it did not start.
serve_start()
{
	_sdb=$1
	shift
	rm -f "$TEST_DIR/.port"
	if [ "${TM_VALGRIND:-0}" = 1 ]; then
		valgrind --leak-check=full \
		    --errors-for-leak-kinds=definite,indirect \
		    --error-exitcode=99 -q \
		    --log-file="$TEST_DIR/.valgrind.%p.log" "$TM_BIN" \
		    --db "$_sdb" serve --listen 127.0.0.1:0 \
		    --port-file "$TEST_DIR/.port" "$@" \
		    2>>"$TEST_DIR/.serve.log" &
	else
		"$TM_BIN" --db "$_sdb" serve --listen 127.0.0.1:0 \
		    --port-file "$TEST_DIR/.port" "$@" \
		    2>>"$TEST_DIR/.serve.log" &
	fi
	SERVE_PID=$!
	bg_pid "$SERVE_PID"
	_si=0
	while [ ! -s "$TEST_DIR/.port" ]; do
		kill -0 "$SERVE_PID" 2>/dev/null || return 1
		_si=$((_si + 1))
		[ "$_si" -gt 600 ] && return 1
		sleep 0.1
	done
	PORT=$(cat "$TEST_DIR/.port")
	URL=http://127.0.0.1:$PORT
	return 0
}

# serve_stop [SIGNAL]: stop the server (SIGTERM by default) and wait for
# it; SERVE_RC is its exit status.  Valgrind's findings are recorded.
serve_stop()
{
	kill "-${1:-TERM}" "$SERVE_PID" 2>/dev/null
	wait "$SERVE_PID"
	SERVE_RC=$?
	if [ "$SERVE_RC" = 99 ] && [ "${TM_VALGRIND:-0}" = 1 ]; then
		echo "serve (pid $SERVE_PID)" >>"$TEST_DIR/.valgrind-errors"
	fi
	return 0
}

# checks_from FILE: the "ok - NAME" and "not ok - NAME" lines a helper
# program wrote (Python, say) as this script's checks; other lines as
# diagnostics.
checks_from()
{
	while IFS= read -r _line; do
		case $_line in
		"ok - "*) pass "${_line#ok - }" ;;
		"not ok - "*) fail "${_line#not ok - }" ;;
		"# "*) diag "${_line#\# }" ;;
		*) diag "$_line" ;;
		esac
	done <"$1"
}

have_shared()
{
	[ -d "$SHARED/tmx" ]
}

done_testing()
{
	if [ "${TM_VALGRIND:-0}" = 1 ]; then
		if [ -s "$TEST_DIR/.valgrind-errors" ]; then
			fail "valgrind: no memory errors or leaks in tm" \
			    "valgrind reported errors running:"
			diag_file "$TEST_DIR/.valgrind-errors"
			for _f in "$TEST_DIR"/.valgrind.*.log; do
				[ -s "$_f" ] && diag_file "$_f" 60
			done
		else
			pass "valgrind: no memory errors or leaks in tm"
		fi
	fi
	echo "1..$_tap_n"
	# Failures are the "not ok" lines; a non-zero exit would make the
	# Automake TAP driver count each failing script once more as ERROR.
	[ "$_tap_failed" -eq 0 ] || diag "$_tap_failed of $_tap_n failed"
	exit 0
}
