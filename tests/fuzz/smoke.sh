#!/bin/sh
# tests/fuzz/smoke.sh SRCDIR SECONDS TARGET...: run each libFuzzer target
# for SECONDS on a copy of its seed corpus (tests/fuzz/corpus/NAME), two
# at a time, and write fuzz-smoke.log with one line a target and the
# totals ("# PASS: n", "# FAIL: n") that tools/run-tests.sh reads.  A
# crash, a sanitizer report, a leak or a timeout is a failure; its
# reproducer stays in fuzz-work/NAME/.
srcdir=$1 secs=$2
shift 2
log=fuzz-smoke.log
: >"$log"
pass=0 fail=0
one()
{
	t=$1
	name=$(basename "$t")
	corpus=${name#fuzz-}
	w=fuzz-work/$corpus
	rm -rf "$w"
	mkdir -p "$w/corpus"
	cp "$srcdir/tests/fuzz/corpus/$corpus"/* "$w/corpus/" 2>/dev/null
	if "$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2560 \
	    -artifact_prefix="$w/" -print_final_stats=1 "$w/corpus" \
	    >"$w/run.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$w/run.log")
		echo "PASS: $name ($secs s, ${runs:-?} runs)" >"$w/result"
	else
		echo "FAIL: $name (see $w/run.log)" >"$w/result"
	fi
}
while [ $# -gt 0 ]; do
	one "$1" &
	p1=$!
	p2=
	if [ $# -gt 1 ]; then
		one "$2" &
		p2=$!
		shift
	fi
	shift
	wait $p1 ${p2:+$p2}
done
for r in fuzz-work/*/result; do
	cat "$r" | tee -a "$log"
	case $(cat "$r") in
	PASS:*) pass=$((pass + 1)) ;;
	*) fail=$((fail + 1)); tail -n 30 "$(dirname "$r")/run.log" ;;
	esac
done
printf '# PASS: %d\n# FAIL: %d\n' "$pass" "$fail" | tee -a "$log"
[ "$fail" -eq 0 ]
