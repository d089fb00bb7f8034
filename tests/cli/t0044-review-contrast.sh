#!/bin/sh
# The review page's colours: a missing-term finding is drawn in the
# error colour like every other finding (not in the glossary's colour),
# and every text colour of the page has a WCAG contrast ratio of at least
# 4.5:1 with the background behind it.  The ratios are computed from the
# page's own style sheet.

. "${TM_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

DATA="$TM_SRCDIR/tests/data"
tm_plain --db m.db import -q "$DATA/sample-bulletin.tmx" \
    "$DATA/sample-bulletin-2020-02.tmx" || fail "importing the sample memory"
# A preferred term the memory does not use: a missing-term finding.
printf 'zh-CN,en-US,status\n日本,Nippon,preferred\n' >g.csv
tm_plain --db m.db glossary import g.csv >/dev/null 2>&1 || fail "a glossary"
tm_plain --db m.db pretranslate --from zh-CN --to en-US -o out \
    "$DATA/bulletin-2020-02-06.txt" >/dev/null || fail "pretranslate"
PAGE="$TEST_DIR/out/bulletin-2020-02-06.review.html"
ok "the review page is written" test -s "$PAGE"
like "$(cat "$PAGE")" '<li class="qa term">Check: ' \
    "the page has a missing-term finding"

# css.py PAGE: the page's rules, the colour of a finding, the ratios.
cat >css.py <<'PY'
import re, sys

css = re.search(r"<style>(.*?)</style>", open(sys.argv[1],
    encoding="utf-8").read(), re.S).group(1)
css = re.sub(r"@media[^{]*\{([^{}]*\{[^{}]*\})*\}", "", css)
rules = []
for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
    decl = dict((k.strip(), v.strip()) for k, v in
                (d.split(":", 1) for d in body.split(";") if ":" in d))
    for s in sel.split(","):
        rules.append((s.strip(), decl))

def hexcol(v):
    m = re.search(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", v or "")
    if not m:
        return None
    h = m.group(1)
    return (h if len(h) == 6 else "".join(c * 2 for c in h)).lower()

def lum(h):
    f = lambda c: c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (f(int(h[i:i + 2], 16) / 255) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b

def ratio(a, b):
    x, y = sorted((lum(a), lum(b)), reverse=True)
    return (x + 0.05) / (y + 0.05)

def get(sel, prop):
    for s, d in rules:
        if s == sel and prop in d:
            return d[prop]
    return None

def bgof(d):
    return hexcol(d.get("background") or d.get("background-color"))

# The colour an <li class="CLASSES"> in <ul class="notes"> gets: the
# matching rule of highest specificity, the later one on a tie.
def li_colour(classes):
    best = None
    for n, (s, d) in enumerate(rules):
        if "color" not in d:
            continue
        parts = s.split()
        if len(parts) != 2 or parts[0] != ".notes":
            continue
        m = re.fullmatch(r"(li)?((?:\.[\w-]+)+)", parts[1])
        if not m or not set(m.group(2)[1:].split(".")) <= set(classes):
            continue
        spec = (len(m.group(2).split(".")) - 1 + 1, 1 if m.group(1) else 0,
                n)
        if best is None or spec > best[0]:
            best = (spec, hexcol(d["color"]))
    return best[1]

if sys.argv[2] == "finding":
    print(li_colour(["qa", "term"]), li_colour(["qa", "number"]),
          li_colour(["term"]))
    sys.exit(0)

body_fg = hexcol(get("body", "color"))
body_bg = hexcol(get("body", "background"))
head_fg = hexcol(get("header", "color"))
head_bg = hexcol(get("header", "background"))
seg_bg = hexcol(get(".seg", "background"))
worst = []
for s, d in rules:
    fg, bg = hexcol(d.get("color")), bgof(d)
    if not fg and not bg:
        continue
    inhead = s.split()[0] == "header"
    if not fg:
        # A background alone: the colour of the rule it refines
        # (.badge for .badge.fuzzy), else the page's.
        base = re.sub(r"\.[\w-]+$", "", s)
        fg = hexcol(get(base, "color")) if base != s else None
        fg = fg or (head_fg if inhead else body_fg)
    # A colour alone: on the backgrounds of the rules that refine it
    # (.badge on .badge.fuzzy ...), else on the page's.
    subs = [bgof(e) for t, e in rules if t.startswith(s + ".") and bgof(e)]
    bgs = [bg] if bg else subs or ([head_bg] if inhead else
                                   [body_bg, seg_bg])
    for b in bgs:
        worst.append((round(ratio(fg, b), 2), s, fg, b))
for r in sorted(worst):
    print("%.2f %s #%s on #%s" % r)
PY
python3 css.py "$PAGE" finding >finding || fail "reading the page's style"
read TERM_QA QA TERM <finding
is "$TERM_QA" "$QA" "a missing-term finding has the colour of every finding"
ok "... not the glossary's colour" test "$TERM_QA" != "$TERM"

python3 css.py "$PAGE" ratios >ratios || fail "computing the ratios"
ok "there are colour pairs to check" test "$(wc -l <ratios)" -ge 15
while read -r R SEL REST; do
	ok "$SEL: contrast $R:1 ($REST) is at least 4.5:1" \
	    python3 -c "import sys; sys.exit(not $R >= 4.5)"
done <ratios

done_testing
