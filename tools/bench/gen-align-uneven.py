#!/usr/bin/env python3
"""Make an uneven pair of long documents for tm align, with gold links.

usage: gen-align-uneven.py [--pairs N] [--drop D] [--merge M] [--keep K]
           [--seed S] -o OUTDIR ZH:EN [ZH:EN ...]

Reads sentence-aligned files (one sentence a line, line i of ZH the
translation of line i of EN), takes the first N pairs in order, drops D
Chinese sentences at random (0-1 links: English with no counterpart) and
joins M random pairs of neighbouring Chinese sentences (2-1 links), so
that N pairs give N - D - M Chinese lines against N English lines (the
defaults: 13,000 pairs, 10,000 Chinese lines against 13,000 English).
With --keep K the English stops after the first K pairs (a partial
translation: the Chinese goes on alone).  Writes OUTDIR/long.zh,
OUTDIR/long.en and OUTDIR/gold/long.align in align-eval's format.
"""
import argparse
import os
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=13000)
    ap.add_argument("--drop", type=int, default=2000)
    ap.add_argument("--merge", type=int, default=1000)
    ap.add_argument("--keep", type=int, default=0)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("-o", required=True)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    zh, en = [], []
    for spec in a.files:
        fz, fe = spec.split(":")
        with open(fz, encoding="utf-8") as z, open(fe, encoding="utf-8") as e:
            for lz, le in zip(z, e):
                lz, le = lz.strip(), le.strip()
                if lz and le:
                    zh.append(lz)
                    en.append(le)
    n = min(a.pairs, len(zh))
    zh, en = zh[:n], en[:n]
    rng = random.Random(a.seed)
    drop = set(rng.sample(range(n), min(a.drop, n)))
    # Joins: a kept sentence with the next kept one, never overlapping.
    cand = [i for i in range(n - 1) if i not in drop and i + 1 not in drop]
    rng.shuffle(cand)
    join, used = set(), set()
    for i in cand:
        if len(join) >= a.merge:
            break
        if i in used or i + 1 in used:
            continue
        join.add(i)
        used.update((i, i + 1))
    keep = a.keep if a.keep else n
    outz, oute, gold = [], [], []
    i = 0
    while i < n:
        if i in drop:
            if i < keep:
                gold.append(([], [len(oute)]))
                oute.append(en[i])
            i += 1
            continue
        if i in join:
            src = [len(outz)]
            outz.append(zh[i] + zh[i + 1])
            tgt = []
            for k in (i, i + 1):
                if k < keep:
                    tgt.append(len(oute))
                    oute.append(en[k])
            gold.append((src, tgt))
            i += 2
            continue
        src = [len(outz)]
        outz.append(zh[i])
        tgt = []
        if i < keep:
            tgt = [len(oute)]
            oute.append(en[i])
        gold.append((src, tgt))
        i += 1
    os.makedirs(os.path.join(a.o, "gold"), exist_ok=True)
    with open(os.path.join(a.o, "long.zh"), "w", encoding="utf-8") as f:
        f.write("".join(s + "\n" for s in outz))
    with open(os.path.join(a.o, "long.en"), "w", encoding="utf-8") as f:
        f.write("".join(s + "\n" for s in oute))
    with open(os.path.join(a.o, "gold", "long.align"), "w") as f:
        for s, t in gold:
            f.write("[%s]:[%s]\n" % (",".join(map(str, s)),
                                     ",".join(map(str, t))))
    print("%d Chinese lines, %d English lines, %d links"
          % (len(outz), len(oute), len(gold)))


if __name__ == "__main__":
    main()
