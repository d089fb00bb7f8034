#!/bin/sh
# tm align on a long pair of uneven length (10,000 made-up Chinese
# sentences against 13,000 English, 3,000 of them with no counterpart):
# the search is placed by the ties (anchors found once in each text), so
# it no longer grows with the difference in counts: about 1 s of CPU and
# 40 MB, where the band around the diagonal took minutes and 500 MB.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

python3 "$TM_SRCDIR/tests/align-synth.py" --pairs 10000 --extra 3000 u ||
	fail "align-synth.py"
is "$(wc -l <u.zh | tr -d ' '):$(wc -l <u.en | tr -d ' ')" 10000:13000 \
    "10,000 Chinese lines against 13,000 English"
# Generous for sanitizer builds and a loaded machine; the old band
# needed minutes of wall time there.
run tm_timeout 60 align --from zh --to en --lines --no-memory --links u.out u.zh u.en
is "$RC" 0 "the uneven pair aligns within 60 s"
# The sentences with no counterpart are mostly joined to a neighbour as
# 1-2 links (as with the old band): the others must be found.
right=$(grep '^\[[0-9][0-9]*\]:\[[0-9][0-9]*\]$' u.gold | grep -Fxc -f - u.out)
ok "$right of the 10,000 1-1 links found, 6,000 or more" test "$right" -ge 6000
unlike "$(cat "$ERR")" "." "nothing on stderr"

done_testing
