#!/bin/sh
# tests/pg-tm.sh: tm with every memory on PostgreSQL, for the CLI tests
# run with TM_TEST_BACKEND=postgresql (tests/lib.sh puts this script in
# TM_BIN then).
#
# Each memory a test names, with --db FILE, --db=FILE or TM_DB=FILE, is
# a database of its own on the test's server (TM_PG_DIR, started by
# tests/lib.sh), as pg_db() below says.  PostgreSQL URLs and libpq
# strings pass as they are; everything else on the command line too.
# TM_REAL_BIN is the tm program.

# The memory FILE stands for.  A FILE that does not exist yet is a new,
# empty database, and FILE is made to hold its libpq string, so that the
# test sees the file a memory would be (test -s, rm, cp); removing FILE
# makes the next use a new database again, as it would a new SQLite
# file, and a copy of FILE (cp) a copy of its database.  A FILE that
# holds anything else (a SQLite memory, a file that
# is no memory) is passed as it is: tests of files stay SQLite's.  A
# command that only reads gets a database that does not exist, as it
# would find no file.  One process makes each database; others wait.
pg_db()
{
	case $1 in
	postgres://* | postgresql://* | *=*)
		printf '%s\n' "$1"
		return 0
		;;
	esac
	case $1 in
	/*) _abs=$1 ;;
	*) _abs=$(pwd)/$1 ;;
	esac
	_name=t_$(printf '%s' "$_abs" | md5sum | cut -c1-20)
	if [ -f "$_abs" ] && [ "$(head -c 5 "$_abs")" = "host=" ]; then
		_was=$(sed -n 's/.* dbname=//p' "$_abs")
		if [ "$_was" != "$_name" ]; then
			# FILE is a copy (cp) of another memory's file: the
			# database is copied too.
			psql -X -q -h "$TM_PG_DIR" -U tm -d postgres \
			    -c "DROP DATABASE IF EXISTS \"$_name\" WITH (FORCE)" \
			    -c "CREATE DATABASE \"$_name\" TEMPLATE \"$_was\"" \
			    >/dev/null 2>&1
			printf 'host=%s user=tm dbname=%s\n' "$TM_PG_DIR" \
			    "$_name" >"$_abs"
		fi
		cat "$_abs"
		return 0
	fi
	if [ -e "$_abs" ] || [ "$2" = read ]; then
		[ -e "$_abs" ] && printf '%s\n' "$1" ||
		    printf 'host=%s user=tm dbname=none_%s\n' "$TM_PG_DIR" \
		    "$(printf '%s' "$_abs" | md5sum | cut -c1-20)"
		return 0
	fi
	_lock=$TM_PG_DIR/made/$_name.lock
	mkdir -p "$TM_PG_DIR/made" 2>/dev/null
	if mkdir "$_lock" 2>/dev/null; then
		psql -X -q -h "$TM_PG_DIR" -U tm -d postgres \
		    -c "DROP DATABASE IF EXISTS \"$_name\" WITH (FORCE)" \
		    -c "CREATE DATABASE \"$_name\"" >/dev/null 2>&1
		mkdir -p "$(dirname "$_abs")" 2>/dev/null
		printf 'host=%s user=tm dbname=%s\n' "$TM_PG_DIR" "$_name" \
		    >"$_abs.tmp$$" && mv "$_abs.tmp$$" "$_abs"
		rmdir "$_lock"
	else
		_i=0
		while [ -d "$_lock" ] && [ "$_i" -lt 300 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
	fi
	printf 'host=%s user=tm dbname=%s\n' "$TM_PG_DIR" "$_name"
}

# Commands that only read a memory; --help anywhere opens none, and a
# server with --read-only writes none.
_mode=write
for _a in "$@"; do
	case $_a in
	-h | --help | --read-only) _mode=read ;;
	esac
done
_prev=
for _a in "$@"; do
	case $_a in
	-*) ;;
	export | stats | lookup | concordance | history)
		_mode=read
		break
		;;
	*)
		# The first word that is no option and no --db value is the
		# command; later words are its arguments.
		[ "$_prev" = --db ] || break
		;;
	esac
	_prev=$_a
done

if [ -n "${TM_DB:-}" ]; then
	TM_DB=$(pg_db "$TM_DB" "$_mode")
	export TM_DB
fi

# Rebuild the arguments with each --db value mapped.
_n=$#
_i=0
_next_db=0
while [ "$_i" -lt "$_n" ]; do
	_a=$1
	shift
	_i=$((_i + 1))
	if [ "$_next_db" = 1 ]; then
		_a=$(pg_db "$_a" "$_mode")
		_next_db=0
	else
		case $_a in
		--db) _next_db=1 ;;
		--db=*) _a=--db=$(pg_db "${_a#--db=}" "$_mode") ;;
		esac
	fi
	set -- "$@" "$_a"
done
exec "$TM_REAL_BIN" "$@"
