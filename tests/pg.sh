#!/bin/sh
# tests/pg.sh: a PostgreSQL server of the tests' own, in a temporary
# folder, reachable only through a Unix socket there (no TCP port).
#
#   tests/pg.sh have                  exit 0 when initdb and pg_ctl exist
#   tests/pg.sh start [DIR]           initdb into DIR/data, start the
#                                     server, print its conninfo:
#                                       host=DIR user=tm dbname=postgres
#                                     (DIR: a new mktemp -d under /tmp
#                                     when not given; keep it short, a
#                                     socket path holds ~107 bytes)
#   tests/pg.sh createdb DIR NAME     a new empty database NAME on it;
#                                     prints its conninfo
#   tests/pg.sh stop DIR              stop the server, remove DIR
#
# Sourced (. tests/pg.sh), it defines pg_have, pg_start, pg_createdb and
# pg_stop with the same arguments and output.
#
# The superuser is "tm", trusted without a password (only this user
# can reach the socket folder).  initdb refuses to run as root: as root
# the server runs as the "postgres" user of Debian's package, which then
# owns DIR.  fsync is off: a test's data need not survive a crash.  The
# server's log is DIR/log.  PG_BINDIR overrides where the programs are
# looked for (/usr/lib/postgresql/15/bin, pg_config --bindir, PATH).

pg_bindir()
{
	for _d in "${PG_BINDIR:-}" /usr/lib/postgresql/15/bin \
	    "$(pg_config --bindir 2>/dev/null)"; do
		if [ -n "$_d" ] && [ -x "$_d/initdb" ] &&
		    [ -x "$_d/pg_ctl" ]; then
			echo "$_d"
			return 0
		fi
	done
	_d=$(command -v initdb 2>/dev/null) || return 1
	_d=$(dirname "$_d")
	[ -x "$_d/pg_ctl" ] || return 1
	echo "$_d"
}

# Run a server program as the user that owns the cluster.
pg_as()
{
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_have()
{
	pg_bindir >/dev/null || return 1
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 && command -v runuser >/dev/null ||
		    return 1
	fi
	return 0
}

pg_start()
{
	_bin=$(pg_bindir) || {
		echo "pg.sh: no initdb and pg_ctl (apt install postgresql)" >&2
		return 1
	}
	_dir=${1:-}
	if [ -z "$_dir" ]; then
		_dir=$(mktemp -d /tmp/tm-pg.XXXXXX) || return 1
	fi
	mkdir -p "$_dir" || return 1
	_dir=$(cd "$_dir" && pwd)
	if [ "$(id -u)" = 0 ]; then
		chown postgres "$_dir" || return 1
	fi
	chmod 700 "$_dir"
	pg_as "$_bin/initdb" -D "$_dir/data" --auth=trust -U tm -E UTF8 \
	    --locale=C >"$_dir/initdb.log" 2>&1 || {
		echo "pg.sh: initdb failed:" >&2
		cat "$_dir/initdb.log" >&2
		return 1
	}
	# The settings go into the file, where no shell quoting reaches them.
	pg_as sh -c 'cat >>"$1/data/postgresql.conf"' sh "$_dir" <<EOF
listen_addresses = ''
unix_socket_directories = '$_dir'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 40
EOF
	pg_as "$_bin/pg_ctl" -D "$_dir/data" -l "$_dir/log" -w -t 60 start \
	    >/dev/null 2>&1 || {
		echo "pg.sh: the server did not start:" >&2
		cat "$_dir/log" >&2
		return 1
	}
	echo "host=$_dir user=tm dbname=postgres"
}

# The folder is ours only if pg_start made a cluster there (or tried:
# its initdb.log), or it is empty.
pg_ours()
{
	[ -n "$1" ] && [ -d "$1" ] && case $1 in /|/tmp|/tmp/) false ;; esac &&
	    { [ -f "$1/data/PG_VERSION" ] || [ -f "$1/initdb.log" ] ||
	    [ -z "$(ls -A "$1")" ]; }
}

pg_createdb()
{
	[ -n "${2:-}" ] || { echo "pg.sh: createdb DIR NAME" >&2; return 1; }
	_dir=$(cd "$1" && pwd) || return 1
	_bin=$(pg_bindir) || return 1
	_psql=$_bin/psql
	[ -x "$_psql" ] || _psql=psql
	"$_psql" -X -q -v ON_ERROR_STOP=1 -h "$_dir" -U tm -d postgres \
	    -c "CREATE DATABASE \"$2\"" >/dev/null || return 1
	echo "host=$_dir user=tm dbname=$2"
}

pg_stop()
{
	_dir=${1:-}
	pg_ours "$_dir" || {
		echo "pg.sh: '$_dir' is not a test server's folder" >&2
		return 1
	}
	if [ -f "$_dir/data/postmaster.pid" ] && _bin=$(pg_bindir); then
		pg_as "$_bin/pg_ctl" -D "$_dir/data" -m immediate -w stop \
		    >/dev/null 2>&1
	fi
	rm -rf "$_dir"
}

case ${0##*/} in
pg.sh)
	set -u
	_cmd=${1:-}
	[ $# -gt 0 ] && shift
	case $_cmd in
	have) pg_have ;;
	start) pg_start "$@" ;;
	createdb) pg_createdb "$@" ;;
	stop) pg_stop "$@" ;;
	*)
		echo "usage: tests/pg.sh have | start [DIR] |" \
		    "createdb DIR NAME | stop DIR" >&2
		exit 2
		;;
	esac
	;;
esac
