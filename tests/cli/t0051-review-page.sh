#!/bin/sh
# The review page of tm pretranslate in headless Chromium (Debian
# chromium, installed by tools/install-deps.sh): screenshots on a phone
# and a desktop width, the DOM after loading (segments, badges, the
# marked diff), one column on a narrow screen and two on a wide one, and
# nothing external and no script in the page itself.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || skip_all "chromium is not installed"

DATA="$TM_SRCDIR/tests/data"
tm_plain --db m.db import -q "$DATA/sample-bulletin.tmx" \
    "$DATA/sample-bulletin-2020-02.tmx" || fail "importing the sample memory"
# A preferred term the memory does not use: findings for the page.
printf 'zh-CN,en-US,status\n日本,Nippon,preferred\n' >g.csv
tm_plain --db m.db glossary import g.csv >/dev/null 2>&1 || fail "a glossary"
tm_plain --db m.db pretranslate --from zh-CN --to en-US -o out \
    "$DATA/bulletin-2020-02-06.txt" >/dev/null || fail "pretranslate"
PAGE="$TEST_DIR/out/bulletin-2020-02-06.review.html"
ok "the review page is written" test -s "$PAGE"

# The page as written: self-contained, no script.
unlike "$(cat "$PAGE")" "<script" "no script in the page"
unlike "$(cat "$PAGE")" "<link|src=|url\(|@import|https?:" "no external resource"
like "$(cat "$PAGE")" '<meta name="viewport" content="width=device-width' "a viewport for phones"

chromium()
{
	HOME="$TEST_DIR/home" timeout 120 "$CHROMIUM" --headless --no-sandbox \
	    --disable-gpu --no-first-run --disable-extensions \
	    --user-data-dir="$TEST_DIR/profile" --hide-scrollbars "$@" \
	    2>>"$TEST_DIR/chromium.log"
}

# png_size FILE: "WIDTH HEIGHT" from the PNG header, or nothing.
png_size()
{
	python3 - "$1" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read(24)
if b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR":
    print("%d %d" % struct.unpack(">II", b[16:24]))
PY
}

for w in 390 1280; do
	chromium --window-size=$w,2400 --screenshot="$TEST_DIR/review-$w.png" \
	    "file://$PAGE" >/dev/null
	ok "screenshot at width $w" test -s "review-$w.png"
	is "$(png_size review-$w.png)" "$w 2400" "... a $w x 2400 PNG"
	size=$(wc -c <review-$w.png)
	ok "... of plausible size ($size bytes)" test "$size" -gt 20000
done

chromium --dump-dom "file://$PAGE" >dom.html
ok "the DOM is dumped" test -s dom.html
python3 - dom.html >dom.txt <<'PY'
import sys
from html.parser import HTMLParser

class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []
        self.n = {}
        self.text = {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = tuple((a.get("class") or "").split())
        self.stack.append((tag, cls))
        key = tag + "." + ".".join(cls) if cls else tag
        self.n[key] = self.n.get(key, 0) + 1
        if tag in ("del", "ins") and any("diff" in c for _, c in self.stack):
            self.n["diff-" + tag] = self.n.get("diff-" + tag, 0) + 1
    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
    def handle_data(self, data):
        for t, c in self.stack:
            if "badge" in c:
                k = "badge-text." + ".".join(c)
                self.text.setdefault(k, []).append(data.strip())

p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
for k in sorted(p.n):
    print(k, p.n[k])
for k in sorted(p.text):
    print(k, "|".join(p.text[k]))
PY
count()
{
	sed -n "s/^$1 //p" dom.txt
}
is "$(count 'section\.seg\.o-context')" 1 "DOM: one context segment"
is "$(count 'section\.seg\.o-exact')" 12 "DOM: twelve exact segments"
is "$(count 'section\.seg\.o-fuzzy')" 9 "DOM: nine fuzzy segments"
is "$(count 'section\.seg\.o-none')" 8 "DOM: eight without translation"
is "$(count 'span\.badge\.context')" 1 "DOM: a context badge"
is "$(count 'span\.badge\.rep')" 1 "DOM: a repetition badge"
like "$(count 'badge-text\.badge\.context')" "101% context" "DOM: the context badge says 101%"
like "$(count 'badge-text\.badge\.fuzzy')" "99% fuzzy" "DOM: a fuzzy badge with its percentage"
ok "DOM: the diff marks what only the memory has" test "$(count diff-del)" -ge 5
ok "DOM: ... and what only the segment has" test "$(count diff-ins)" -ge 5
ok "DOM: the checks' findings listed (a preferred term not used)" \
    test "$(count 'li\.qa\.term')" -ge 2
is "$(count 'div\.src')" 30 "DOM: 30 sources"
is "$(count 'div\.tgt')" 30 "DOM: 30 targets"

# Layout: a copy of the page with a script that writes the grid's
# columns into the DOM, loaded at phone and desktop widths.
sed 's#</body>#<script>var s = getComputedStyle(document.querySelector(".seg")); document.body.setAttribute("data-cols", s.gridTemplateColumns.split(" ").length);</script></body>#' \
    "$PAGE" >layout.html
chromium --window-size=390,800 --dump-dom "file://$TEST_DIR/layout.html" >phone.html
like "$(cat phone.html)" 'data-cols="1"' "one column on a phone (390 px)"
chromium --window-size=1280,800 --dump-dom "file://$TEST_DIR/layout.html" >desk.html
like "$(cat desk.html)" 'data-cols="2"' "source and draft side by side at 1280 px"

done_testing
