#!/bin/sh
# tests/unit/pg-run.sh: tests/unit/pg (the PostgreSQL backend) against a
# server of its own, started by tests/pg.sh in a temporary folder and
# stopped at the end.  Skipped (TAP "1..0 # SKIP") without PostgreSQL's
# server programs.  TM_TEST_PG already set: that server is used instead.
# TM_VALGRIND=1 runs the test under valgrind (leaks and errors fail it).
#
#   TM_SRCDIR=. TM_BUILDDIR=build sh tests/unit/pg-run.sh

: "${TM_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TM_BUILDDIR:=$TM_SRCDIR/build}"
unit=$TM_BUILDDIR/tests/unit/pg
if [ ! -x "$unit" ]; then
	echo "Bail out! no $unit (make check builds it)"
	exit 1
fi

. "$TM_SRCDIR/tests/pg.sh"

dir=
if [ -z "${TM_TEST_PG:-}" ]; then
	pg_have || {
		echo "1..0 # SKIP no PostgreSQL server programs" \
		    "(initdb, pg_ctl)"
		exit 0
	}
	dir=$(mktemp -d /tmp/tm-pg.XXXXXX) || {
		echo "Bail out! cannot create a temporary directory"
		exit 1
	}
	trap 'pg_stop "$dir" >/dev/null 2>&1' EXIT
	trap 'exit 130' INT TERM
	TM_TEST_PG=$(pg_start "$dir" 2>"$dir.err") || {
		echo "Bail out! cannot start PostgreSQL:"
		sed 's/^/# /' "$dir.err"
		rm -f "$dir.err"
		exit 1
	}
	rm -f "$dir.err"
fi
export TM_TEST_PG

if [ "${TM_VALGRIND:-0}" = 1 ]; then
	valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect "$unit"
else
	"$unit"
fi
