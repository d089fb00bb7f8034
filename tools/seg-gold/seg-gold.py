#!/usr/bin/env python3
"""The segmentation gold set: hard passages of ../shared/data/zh-en with
their sentence breaks, annotated by hand.

The passages stay in ../shared (they are third-party data and are not
copied into the project); a gold file names each one by file and line,
with a hash of the line, and lists where its sentences start:

    wmt-newstest/newstest2019.en-zh.zh:17<TAB>1a2b3c4d<TAB>12,40

(code-point offsets into the line, "-" for a passage that is one
sentence).  Commands:

    seg-gold.py eval [--tm PATH] [--data DIR] [-v] GOLD...
        runs `tm segment` on the passages and counts wrong breaks (a
        break that is not in the gold, or a gold break missing), per
        100 gold sentences; exit 1 if a passage is missing or changed.
    seg-gold.py candidates --lang zh|en [--data DIR] [-n N]
        proposes passages for annotation (quotes, lists, abbreviations,
        decimals, codes, ellipses, headlines, times), each with the
        breaks `tm segment` gives today, in the gold format.
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(TOP, "..", "shared", "data", "zh-en")

SOURCES = {
    "zh": ["wmt-newstest/newstest2017.zh-en.zh",
           "wmt-newstest/newstest2018.zh-en.zh",
           "wmt-newstest/newstest2019.en-zh.zh",
           "wmt-newstest/newstest2020.en-zh.zh",
           "wmt-newstest/newstestB2020.en-zh.zh",
           "wmt21-newstest/newstest2021.zh-en.src.zh",
           "wmt22-generaltest/generaltest2022.zh-en.src.zh",
           "tico19/tico19-test.zh"],
    "en": ["wmt-newstest/newstest2019.en-zh.en",
           "wmt-newstest/newstest2020.en-zh.en",
           "wmt21-newstest/newstest2021.en-zh.src.en",
           "wmt22-generaltest/generaltest2022.en-zh.src.en",
           "wmt-newstest/newstest2018.zh-en.en",
           "tico19/tico19-test.en"],
}

# What makes a passage hard, by language (the candidates command).
HARD = {
    "zh": [r"[。！？]”", r"。“", r"[。！？][」』）】]", r"^\s*(?:\d{1,2}[.．、)]|"
           r"[（(][一二三四五六七八九十\d]{1,2}[）)]|[一二三四五六七八九十]{1,2}、)",
           r"\d\.\d", r"[A-Za-z0-9]\.[A-Za-z]", r"……|\.\.\.",
           r"\d:\d\d", r"[^。！？”’」』）)\.!?]$"],
    "en": [r"\b(?:[A-Z]\.){2,}", r"\b[ap]\.m\.", r"\b(?:Mr|Mrs|Ms|Dr|Sen|"
           r"Rep|Gov|Gen|St|Jr|Inc|Corp|Co|Ltd|No|Prof)\.", r"[.?!][\"”] ",
           r"\. [\"“(]", r"\d\.\d", r"\.\.\.|…", r"^\s*\d{1,2}[.)] ",
           r"\d:\d\d", r"[^.?!\"”’')]$"],
}


# More than one sentence, maybe (candidates --multi).
MULTI = {
    "zh": re.compile(r"[。！？…][”’」』）]*[^”’」』）。！？…\s]"),
    "en": re.compile(r"[.?!][\"”’')]*\s+[\"“(]?[A-Z]"),
}


def line_hash(text):
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def read_lines(data, rel, cache={}):
    if rel not in cache:
        with open(os.path.join(data, rel), encoding="utf-8") as f:
            cache[rel] = f.read().split("\n")
    return cache[rel]


def segment(tm, lang, passages):
    """Break offsets `tm segment` gives for each passage."""
    text = "\n\n".join(p.strip() for p in passages) + "\n"
    r = subprocess.run([tm, "segment", "--lang", lang, "--json", "-"],
                       input=text.encode("utf-8"), capture_output=True,
                       check=True)
    segs = json.loads(r.stdout)["segments"]
    byp = {}
    for s in segs:
        byp.setdefault(s["para"], []).append(s["text"])
    out = []
    for k, p in enumerate(passages):
        p = p.strip()
        lead = len(passages[k]) - len(passages[k].lstrip())
        got, pos = [], 0
        for t in byp.get(k, []):
            i = p.find(t, pos)
            if i < 0:  # lines joined differently; compare the first word
                i = p.find(t.split()[0], pos)
            if i > 0:
                got.append(lead + i)
            pos = max(pos, i + len(t))
        out.append(sorted(set(got)))
    return out


def parse_gold(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            ref, h, br = line.split("\t")[:3]
            rel, no = ref.rsplit(":", 1)
            brk = [] if br == "-" else [int(x) for x in br.split(",")]
            rows.append((path, n, rel, int(no), h, brk))
    return rows


def cmd_eval(a):
    total_wrong = total_sent = total_pass = 0
    bad = 0
    for gold in a.gold:
        rows = parse_gold(gold)
        lang = "zh" if os.path.basename(gold).startswith("zh") else "en"
        texts = []
        for (path, n, rel, no, h, brk) in rows:
            lines = read_lines(a.data, rel)
            t = lines[no - 1] if no - 1 < len(lines) else ""
            if line_hash(t) != h:
                print("%s:%d: %s:%d has changed or is missing" %
                      (path, n, rel, no), file=sys.stderr)
                bad += 1
            texts.append(t)
        got = segment(a.tm, lang, texts)
        wrong = sent = 0
        for row, t, g in zip(rows, texts, got):
            want = set(row[5])
            diff = set(g) ^ want
            wrong += len(diff)
            sent += len(want) + 1
            if diff and a.verbose:
                print("%s:%d (%s:%d): want %s got %s\n  %s" % (
                    row[0], row[1], row[2], row[3],
                    ",".join(map(str, sorted(want))) or "-",
                    ",".join(map(str, g)) or "-",
                    " | ".join(split_at(t, g))))
        print("%s: %s, %d passages, %d sentences, %d wrong breaks, "
              "%.2f per 100 sentences" % (os.path.basename(gold), lang,
                                          len(rows), sent, wrong,
                                          100.0 * wrong / max(sent, 1)))
        total_wrong += wrong
        total_sent += sent
        total_pass += len(rows)
    if len(a.gold) > 1:
        print("all: %d passages, %d sentences, %d wrong breaks, %.2f per "
              "100 sentences" % (total_pass, total_sent, total_wrong,
                                 100.0 * total_wrong / max(total_sent, 1)))
    return 1 if bad else 0


def split_at(t, brk):
    out, b = [], 0
    for e in brk:
        out.append(t[b:e].strip())
        b = e
    out.append(t[b:].strip())
    return out


def cmd_candidates(a):
    pats = [re.compile(p) for p in HARD[a.lang]]
    rows = []
    for rel in SOURCES[a.lang]:
        for no, t in enumerate(read_lines(a.data, rel), 1):
            if not t.strip() or len(t) > a.max_len:
                continue
            if a.multi and not MULTI[a.lang].search(t):
                continue
            if any(p.search(t) for p in pats):
                rows.append((rel, no, t))
    # Spread over the categories and files: every k-th.
    step = max(1, len(rows) // a.n)
    rows = rows[a.skip::step][:a.n]
    got = segment(a.tm, a.lang, [t for (_, _, t) in rows])
    for (rel, no, t), g in zip(rows, got):
        print("%s:%d\t%s\t%s" % (rel, no, line_hash(t),
                                 ",".join(map(str, g)) or "-"))
        if a.show:
            print("#\t" + " | ".join(split_at(t, g)))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tm", default=os.path.join(TOP, "build", "src", "tm"))
    ap.add_argument("--data", default=DATA)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("eval")
    e.add_argument("-v", "--verbose", action="store_true")
    e.add_argument("gold", nargs="+")
    c = sub.add_parser("candidates")
    c.add_argument("--lang", choices=["zh", "en"], required=True)
    c.add_argument("-n", type=int, default=240)
    c.add_argument("--max-len", type=int, default=160)
    c.add_argument("--show", action="store_true")
    c.add_argument("--multi", action="store_true",
                   help="only passages that may hold several sentences")
    c.add_argument("--skip", type=int, default=0,
                   help="start at the nth match (another sample)")
    a = ap.parse_args()
    return cmd_eval(a) if a.cmd == "eval" else cmd_candidates(a)


if __name__ == "__main__":
    sys.exit(main())
