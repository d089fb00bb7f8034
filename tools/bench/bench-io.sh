#!/usr/bin/env bash
# Benchmark of tm import and tm export, and of tm import against
# translate-toolkit's build_tmdb on the same file.
#
# usage: tools/bench/bench-io.sh [-n UNITS] [-p PEER_UNITS] [-r RUNS]
#            [-o OUTDIR] [--seed S] [--tm PATH] [--no-peer]
#
# Generates its data with tools/bench/gen-tmx.py into OUTDIR (a file is
# reused when one of the same size, seed and generator already exists),
# then, RUNS times, on a fresh database each time:
#   - tm import of the UNITS-unit file, then tm export of that database;
#   - tm import and build_tmdb of the PEER_UNITS-unit file (unless --no-peer).
# Each command runs under GNU time (wall, user, sys, peak RSS).  The
# Markdown report (medians, min-max) goes to standard output and to
# OUTDIR/bench-io-DATE.md; the raw figures go to OUTDIR/bench-io-DATE.tsv;
# progress goes to standard error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

usage() {
	sed -n '5,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	cat <<'EOF'

  -n UNITS        units of the import/export file (default 1000000)
  -p PEER_UNITS   units of the file for the build_tmdb comparison (default 100000)
  -r RUNS         runs of each measurement; the report gives medians (default 3)
  -o OUTDIR       data, databases and reports (default tools/bench/out)
  --seed S        seed of gen-tmx.py (default 1)
  --tm PATH       the tm program (default $TM_BIN, else build/src/tm)
  --no-peer       skip the build_tmdb comparison
EOF
}

die() { echo "bench-io: $*" >&2; exit 1; }
say() { echo "bench-io: $*" >&2; }

# The command line as given, shell-quoted, with the script named relative
# to the repository when it lies in it.
cmd_name=${BASH_SOURCE[0]}
case $(cd "$(dirname "$cmd_name")" && pwd)/$(basename "$cmd_name") in
"$repo"/*) cmd_name=${here#"$repo"/}/$(basename "$cmd_name") ;;
esac
cmdline=$cmd_name
for a in "$@"; do cmdline+=" $(printf '%q' "$a")"; done

units=1000000
peer_units=100000
runs=3
outdir=$repo/tools/bench/out
seed=1
tm=${TM_BIN:-$repo/build/src/tm}
peer=1

posint() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive integer, not '$2'"; }
while [ $# -gt 0 ]; do
	case $1 in
	-n) [ $# -ge 2 ] || die "-n needs a value"; posint -n "$2"; units=$2; shift 2 ;;
	-p) [ $# -ge 2 ] || die "-p needs a value"; posint -p "$2"; peer_units=$2; shift 2 ;;
	-r) [ $# -ge 2 ] || die "-r needs a value"; posint -r "$2"; runs=$2; shift 2 ;;
	-o) [ $# -ge 2 ] || die "-o needs a value"; outdir=$2; shift 2 ;;
	--seed) [ $# -ge 2 ] || die "--seed needs a value"
		[[ $2 =~ ^[0-9]+$ ]] || die "--seed needs an integer, not '$2'"; seed=$2; shift 2 ;;
	--tm) [ $# -ge 2 ] || die "--tm needs a value"; tm=$2; shift 2 ;;
	--no-peer) peer=0; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown option '$1'" ;;
	esac
done

# ---- tools -------------------------------------------------------------
python=${PYTHON:-python3}
gen=$here/gen-tmx.py
stat=$here/benchstat.py
gnutime=${GNU_TIME:-/usr/bin/time}
build_tmdb=${BUILD_TMDB:-/usr/bin/build_tmdb}
peer_python=/usr/bin/python3   # the interpreter with the translate package

# GNU time, checked by what it does: -o and -f with the four fields used.
gnutime_ok() {
	local f
	f=$(mktemp) || return 1
	"$gnutime" -o "$f" -f '%e %U %S %M' true >/dev/null 2>&1 &&
		grep -Eq '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$' "$f"
	local rc=$?
	rm -f "$f"
	return $rc
}
if ! [ -x "$gnutime" ] || ! gnutime_ok; then
	die "GNU time is missing ($gnutime); install it: apt-get install time"
fi
command -v "$python" >/dev/null ||
	die "python3 is missing (needed by gen-tmx.py); install it: apt-get install python3"
[ -f "$gen" ] || die "generator not found: $gen"
[ -f "$stat" ] || die "helper not found: $stat"
[ -x "$tm" ] || die "tm program not found or not executable: $tm (build it: cd build && make -j2; or pass --tm PATH or set TM_BIN)"
tm=$(cd "$(dirname "$tm")" && pwd)/$(basename "$tm")
command -v pkg-config >/dev/null ||
	die "pkg-config is missing (needed to report the library versions); install it: apt-get install pkg-config"
if [ "$peer" = 1 ]; then
	if ! [ -x "$build_tmdb" ] || ! [ -x "$peer_python" ]; then
		die "build_tmdb is missing ($build_tmdb); install it: apt-get install translate-toolkit, or pass --no-peer"
	fi
	"$peer_python" -c 'import translate.storage.tmdb, lxml.etree' 2>/dev/null ||
		die "$peer_python cannot import translate.storage.tmdb and lxml; install: apt-get install translate-toolkit python3-lxml, or pass --no-peer"
fi

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
mkdir -p "$outdir/logs"

# ---- machine -----------------------------------------------------------
date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
cpu_model=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n1)
[ -n "$cpu_model" ] || cpu_model=unknown
ncpu=$(nproc)
mem_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 }' /proc/meminfo)
kernel=$(uname -sr)
tm_version=$("$tm" --version 2>&1 | head -n1) || die "'$tm --version' failed"
sqlite_version=$(pkg-config --modversion sqlite3 2>/dev/null || echo unknown)
libxml_version=$(pkg-config --modversion libxml-2.0 2>/dev/null || echo unknown)
git_rev=$(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)
build_cflags=unknown
tm_dir=$(dirname "$tm")
for mk in "$tm_dir/Makefile" "$tm_dir/../Makefile"; do
	if [ -f "$mk" ]; then
		build_cflags=$(sed -n 's/^CFLAGS = //p' "$mk" | head -n1)
		break
	fi
done
if [ "$peer" = 1 ]; then
	peer_version=$("$peer_python" -c 'import sys, translate.__version__ as v, lxml.etree as e; print("translate-toolkit %s (Python %d.%d.%d, lxml %s)" % ((v.sver,) + tuple(sys.version_info[:3]) + (e.__version__,)))')
fi

# ---- disk ------------------------------------------------------------
# About 0.5 KB of TMX, 0.8 KB of database and 0.5 KB of export per unit
# (measured at 20,000 units), plus the peer's file and two databases.
need_kb=$(( (units * 18 + (peer ? peer_units * 25 : 0)) / 10 ))
free_kb=$(df -Pk "$outdir" | awk 'NR == 2 { print $4 }')
if [ -n "$free_kb" ] && [ "$free_kb" -lt "$need_kb" ]; then
	say "warning: $outdir has $((free_kb / 1024)) MB free; this run may need about $((need_kb / 1024)) MB"
fi

# ---- data --------------------------------------------------------------
# The file's name carries its size, its seed and a hash of the generator,
# so a changed generator never reuses stale data.  It is written under a
# temporary name and renamed, so a broken run leaves no partial file.
gen_hash=$(sha256sum "$gen" | cut -c1-8)
make_data() {
	local n=$1 f="$outdir/gen-$1-s$seed-$gen_hash.tmx"
	if [ -s "$f" ]; then
		say "reusing $f"
	else
		say "generating $n units into $f"
		"$python" "$gen" "$n" --seed "$seed" -o "$f.tmp" || die "gen-tmx.py failed"
		mv "$f.tmp" "$f"
	fi
	printf '%s\n' "$f"
}
count_units() { grep -c '<tu ' "$1"; }

data=$(make_data "$units")
data_units=$(count_units "$data")
[ "$data_units" = "$units" ] || die "$data holds $data_units units, not $units; delete it and rerun"
if [ "$peer" = 1 ]; then
	pdata=$(make_data "$peer_units")
	pdata_units=$(count_units "$pdata")
	[ "$pdata_units" = "$peer_units" ] || die "$pdata holds $pdata_units units, not $peer_units; delete it and rerun"
fi

# ---- measuring ---------------------------------------------------------
[ ! -e "$outdir/bench-io-$stamp.tsv" ] || stamp=$stamp-$$
tsv=$outdir/bench-io-$stamp.tsv
md=$outdir/bench-io-$stamp.md
printf 'case\trun\tunits\tstored\twall_s\tuser_s\tsys_s\tmaxrss_kb\tbytes\n' >"$tsv"

# measure NAME LOG CMD...: run CMD under GNU time, its stdout and stderr
# to LOG; sets wall user sys rss.
measure() {
	local name=$1 log=$2 tf=$outdir/logs/time.out
	shift 2
	rm -f "$tf"
	if ! "$gnutime" -o "$tf" -f '%e %U %S %M' "$@" >"$log" 2>&1; then
		echo "bench-io: $name failed; its output ($log):" >&2
		tail -n 20 "$log" >&2
		exit 1
	fi
	[ -s "$tf" ] || die "$gnutime wrote no figures for $name"
	read -r wall user sys rss < <(tail -n1 "$tf")
}

# json_field FILE KEY: the first numeric value of "KEY": in tm's --json output.
json_field() {
	sed -n "s/.*\"$2\": *\([0-9.]*\).*/\1/p" "$1" | head -n1
}

rm_db() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal" "$1-import"; }
db_bytes() {
	local s=0 f
	for f in "$1" "$1-wal"; do
		[ -f "$f" ] && s=$((s + $(stat -c %s "$f")))
	done
	echo "$s"
}

row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$tsv"; }

# tm_import CASE RUN FILE DB
tm_import() {
	local log=$outdir/logs/$1-$2.log
	rm_db "$4"
	measure "tm import" "$log" "$tm" --db "$4" import --json "$3"
	local nread stored
	nread=$(json_field "$log" units_read)
	stored=$(json_field "$log" imported)
	[ -n "$nread" ] || die "no units_read in the output of tm import ($log)"
	row "$1" "$2" "$nread" "$stored" "$wall" "$user" "$sys" "$rss" "$(db_bytes "$4")"
}

# Read the inputs once so that every run starts with them in the page cache.
cat "$data" >/dev/null
if [ "$peer" = 1 ]; then cat "$pdata" >/dev/null; fi

db=$outdir/bench-tm.db
out_tmx=$outdir/bench-export.tmx
pdb=$outdir/bench-tm-peerfile.db
peer_db=$outdir/bench-build_tmdb.db

for ((i = 1; i <= runs; i++)); do
	say "run $i/$runs: tm import of $units units"
	tm_import import "$i" "$data" "$db"

	say "run $i/$runs: tm export"
	rm -f "$out_tmx"
	log=$outdir/logs/export-$i.log
	measure "tm export" "$log" "$tm" --db "$db" export --json -o "$out_tmx"
	n=$(json_field "$log" units)
	[ -n "$n" ] || die "no units in the output of tm export ($log)"
	row export "$i" "$n" "$n" "$wall" "$user" "$sys" "$rss" "$(stat -c %s "$out_tmx")"

	if [ "$peer" = 1 ]; then
		say "run $i/$runs: tm import of $peer_units units (peer file)"
		tm_import peer-tm "$i" "$pdata" "$pdb"

		say "run $i/$runs: build_tmdb of $peer_units units"
		rm_db "$peer_db"
		log=$outdir/logs/peer-build_tmdb-$i.log
		measure "build_tmdb" "$log" "$build_tmdb" -d "$peer_db" -s zh-CN -t en-US "$pdata"
		stored=$("$peer_python" -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from sources").fetchone()[0])' "$peer_db")
		row peer-build_tmdb "$i" "$peer_units" "$stored" "$wall" "$user" "$sys" "$rss" "$(db_bytes "$peer_db")"
	fi
done
rm -f "$outdir/logs/time.out"

# ---- report ------------------------------------------------------------
{
	echo "### Run of $date_utc"
	echo
	echo "Command: \`$cmdline\`"
	echo
	echo "- Machine: $ncpu CPUs (nproc), $cpu_model, $mem_mb MB RAM, $kernel"
	echo "- tm: $tm_version, git $git_rev, CFLAGS \`$build_cflags\`; SQLite $sqlite_version, libxml2 $libxml_version (pkg-config --modversion)"
	if [ "$peer" = 1 ]; then
		echo "- Peer: build_tmdb of $peer_version"
	fi
	echo "- Data: \`tools/bench/gen-tmx.py N --seed $seed\`; $units units ($(( $(stat -c %s "$data") / 1048576 )) MB)$(
		[ "$peer" = 1 ] && echo " and $peer_units units ($(( $(stat -c %s "$pdata") / 1048576 )) MB)")"
	echo "- $runs runs, a fresh database each run; inputs in the page cache; GNU time: wall, user+sys CPU, peak RSS"
	echo
	"$python" "$stat" "$tsv"
} | tee "$md"
say "report: $md; raw figures: $tsv"
