#!/bin/sh
# Installs what is needed, builds and runs every test: the whole suite in
# a warnings-as-errors build, again under AddressSanitizer and UBSan, the
# CLI tests under valgrind, the threads stress test under ThreadSanitizer,
# make distcheck (the tarball builds, passes its tests and installs), and
# each fuzz target for a minute (clang).
# Ends with "N passed, N failed, N skipped".
#   tools/run-tests.sh [--quick]   --quick: the first build only
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
quick=${1-}

sh tools/install-deps.sh || { echo "cannot install dependencies" >&2; exit 1; }
[ -x configure ] && [ configure -nt configure.ac ] && [ configure -nt Makefile.am ] ||
	./autogen.sh >/dev/null 2>&1 || { echo "autogen failed" >&2; exit 1; }

jobs=$(nproc 2>/dev/null || echo 2)
pass=0 fail=0 skip=0 broken=0

# run NAME CONFIGURE-ARGS [MAKE-TARGET [ENVIRONMENT...]]
# MAKE-TARGET may carry make variables after the target, split on
# spaces: "check TESTS=tests/unit/threads".
run() {
	name=$1 args=$2 target=${3:-check}
	if [ $# -ge 3 ]; then shift 3; else shift $#; fi
	dir="$top/build-$name"
	echo "== $name: configure $args; make $target $*"
	mkdir -p "$dir"
	if ! (cd "$dir" && ../configure -q --enable-warnings --enable-werror \
	    $args >configure.out 2>&1); then
		cat "$dir/configure.out"; broken=$((broken + 1)); return
	fi
	# make distcheck builds the tarball, configures it in a read-only
	# tree and runs its own build, check and installcheck: one pass or
	# one failure (its test-suite.log goes with its build tree).
	if [ "$target" = distcheck ]; then
		# The plain build runs every test; the tarball's own check
		# runs the unit tests and a few end-to-end ones, to stay
		# within CI's time.
		if make -C "$dir" -j"$jobs" distcheck TESTS="$dist_tests" \
		    >"$dir/check.out" 2>&1
		then
			pass=$((pass + 1))
		else
			grep -E '^(FAIL|ERROR|XPASS):' "$dir/check.out" | head -n 50
			tail -n 40 "$dir/check.out"; fail=$((fail + 1))
		fi
		return
	fi
	if ! make -C "$dir" -j"$jobs" >"$dir/build.out" 2>&1; then
		tail -n 40 "$dir/build.out"; broken=$((broken + 1)); return
	fi
	rm -f "$dir"/test-suite.log "$dir"/fuzz-smoke.log
	# $target unquoted: the target and its make variables.
	env "$@" make -C "$dir" -j"$jobs" $target >"$dir/check.out" 2>&1
	grep -E '^(FAIL|ERROR|XPASS):' "$dir/check.out" | head -n 50
	sed -n '/^# TOTAL/,/^# ERROR/p' "$dir/check.out"
	log="$dir/test-suite.log"
	[ "$target" = fuzz-smoke ] && log="$dir/fuzz-smoke.log"
	if [ ! -f "$log" ]; then
		tail -n 40 "$dir/check.out"; broken=$((broken + 1)); return
	fi
	p=$(sed -n 's/^# PASS: *//p' "$log"); f=$(sed -n 's/^# FAIL: *//p' "$log")
	s=$(sed -n 's/^# SKIP: *//p' "$log"); e=$(sed -n 's/^# ERROR: *//p' "$log")
	x=$(sed -n 's/^# XPASS: *//p' "$log")
	pass=$((pass + ${p:-0})) fail=$((fail + ${f:-0} + ${e:-0} + ${x:-0}))
	skip=$((skip + ${s:-0}))
}

dist_tests="tests/unit/buf tests/unit/store tests/unit/tmx tests/unit/match
	tests/cli/t0001-import-basic.sh tests/cli/t0002-roundtrip-fixtures.sh
	tests/cli/t0009-help.sh tests/cli/t0090-man.sh tests/cli/t0091-i18n.sh"
run plain ""
if [ "$quick" != "--quick" ]; then
	run sanitize "--enable-asan --enable-ubsan --enable-debug" check \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
	run valgrind "--enable-debug" check-valgrind
	# The release tarball: built, checked and installed from itself.
	run dist "" distcheck
	run tsan "--enable-tsan" "check TESTS=tests/unit/threads" \
		TSAN_OPTIONS=halt_on_error=1
	# Each fuzz target for 60 s, when clang can build them.
	if command -v clang >/dev/null 2>&1; then
		run fuzz "--enable-fuzzing CC=clang" fuzz-smoke
	fi
fi

fail=$((fail + broken))
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
