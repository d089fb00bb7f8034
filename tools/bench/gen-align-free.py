#!/usr/bin/env python3
"""Build a synthetic "free translation" alignment set and a memory to
learn from, out of line-parallel zh-en sentence pairs.

This is NOT a literary set.  It imitates the link types of free
translation (a translator who joins and splits sentences differently on
each side, and leaves some out) on news sentences that were translated
one to one: runs of neighbouring pairs are regrouped so that their
minimal links are 1-2, 2-1, 1-3, 3-1, 2-2, 2-3, 3-2 or 3-3, and some
sentences lose their partner (1-0, 0-1).  What it does not imitate:
reordering within a link, paraphrase, lengths that drift apart because
the translator rewrote a sentence.

usage: gen-align-free.py --out DIR [--seed N] [--docs N]
           --test ZH:EN [--test ZH:EN ...] --memory ZH:EN [--memory ...]

Writes DIR/free/NNN.zh, NNN.en (one segment a line), DIR/free/gold/
NNN.align (links as [0]:[0], [1,2]:[1], [3]:[]) and DIR/memory.tmx (a
TMX 1.4b file of the --memory pairs, one unit a pair).  A --memory
file whose name ends in .segmented has its spaces between CJK
characters removed; a .txt file of three tab-separated columns
(English, Chinese, attribution) is read as Tatoeba's export.
Everything is deterministic given --seed.
"""
import argparse
import random
import re
import sys
from xml.sax.saxutils import escape

# How a run of base pairs is regrouped: (zh groups, en groups), each a
# list of group sizes over the same number of base pairs, and a weight.
# A 2-2 link from three pairs: zh {1}{2,3}, en {1,2}{3}.
SHAPES = [
    (([1], [1]), 52),
    (([2], [1, 1]), 7),      # 1-2
    (([1, 1], [2]), 7),      # 2-1
    (([3], [1, 1, 1]), 4),   # 1-3
    (([1, 1, 1], [3]), 4),   # 3-1
    (([1, 2], [2, 1]), 6),   # 2-2
    (([1, 2, 1], [2, 2]), 3),  # 3-2
    (([2, 2], [1, 2, 1]), 3),  # 2-3
    (([1, 3, 1], [2, 1, 2]), 2),  # 3-3
    ("zh-only", 4),          # 1-0
    ("en-only", 4),          # 0-1
]

CJK_SPACE = re.compile(r'(?<=[\u3000-\u9fff\uff00-\uffef]) +|'
                       r' +(?=[\u3000-\u9fff\uff00-\uffef])')


def clean(s):
    return re.sub(r'\s+', ' ', s.replace('\u3000', ' ')).strip()


def read_pairs(spec):
    if spec.endswith('.txt') and ':' not in spec:
        out = []
        with open(spec, encoding='utf-8') as f:
            for line in f:
                col = line.rstrip('\n').split('\t')
                if len(col) >= 2:
                    out.append((clean(col[1]), clean(col[0])))
        return out
    zf, ef = spec.split(':')
    with open(zf, encoding='utf-8') as f:
        zl = f.read().split('\n')
    with open(ef, encoding='utf-8') as f:
        el = f.read().split('\n')
    while zl and zl[-1] == '':
        zl.pop()
    while el and el[-1] == '':
        el.pop()
    if len(zl) != len(el):
        sys.exit('%s: %d vs %d lines' % (spec, len(zl), len(el)))
    if zf.endswith('.segmented'):
        zl = [CJK_SPACE.sub('', z) for z in zl]
    return [(clean(z), clean(e)) for z, e in zip(zl, el)]


def usable(z, e):
    return (4 <= len(z) <= 200 and 8 <= len(e) <= 600 and
            re.search(r'[\u4e00-\u9fff]', z) and re.search(r'[A-Za-z]', e))


def regroup(base, rng):
    """The documents' segments and gold links from a run of base pairs."""
    shapes = [s for s, _ in SHAPES]
    weights = [w for _, w in SHAPES]
    zh, en, links = [], [], []
    k = 0
    while k < len(base):
        shape = rng.choices(shapes, weights)[0]
        if shape == 'zh-only':
            links.append(([len(zh)], []))
            zh.append(base[k][0])
            k += 1
            continue
        if shape == 'en-only':
            links.append(([], [len(en)]))
            en.append(base[k][1])
            k += 1
            continue
        zg, eg = shape
        n = sum(zg)
        if k + n > len(base):
            zg, eg, n = [1], [1], 1
        run = base[k:k + n]
        zl, el = [], []
        i = 0
        for g in zg:
            zl.append(len(zh))
            zh.append(''.join(p[0] for p in run[i:i + g]))
            i += g
        i = 0
        for g in eg:
            el.append(len(en))
            en.append(' '.join(p[1] for p in run[i:i + g]))
            i += g
        links.append((zl, el))
        k += n
    return zh, en, links


def fmt(link):
    return '[%s]:[%s]' % (','.join(map(str, link[0])),
                          ','.join(map(str, link[1])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=int, default=11)
    ap.add_argument('--docs', type=int, default=40)
    ap.add_argument('--test', action='append', required=True)
    ap.add_argument('--memory', action='append', default=[])
    a = ap.parse_args()
    import os
    rng = random.Random(a.seed)
    test = [p for s in a.test for p in read_pairs(s) if usable(*p)]
    d = os.path.join(a.out, 'free')
    os.makedirs(os.path.join(d, 'gold'), exist_ok=True)
    # Documents: contiguous runs of 20-60 pairs, spread over the input.
    step = len(test) // a.docs
    counts = {}
    for n in range(a.docs):
        size = rng.randint(20, 60)
        start = n * step + rng.randint(0, max(0, step - size))
        zh, en, links = regroup(test[start:start + size], rng)
        for l in links:
            t = '%d-%d' % (len(l[0]), len(l[1]))
            counts[t] = counts.get(t, 0) + 1
        name = '%03d' % n
        with open(os.path.join(d, name + '.zh'), 'w', encoding='utf-8') as f:
            f.write(''.join(z + '\n' for z in zh))
        with open(os.path.join(d, name + '.en'), 'w', encoding='utf-8') as f:
            f.write(''.join(e + '\n' for e in en))
        with open(os.path.join(d, 'gold', name + '.align'), 'w') as f:
            f.write(''.join(fmt(l) + '\n' for l in links))
    print('free set: %d documents, links by type: %s' % (a.docs, ', '.join(
        '%s %d' % kv for kv in sorted(counts.items()))), file=sys.stderr)
    if a.memory:
        seen = set(test)
        n = 0
        with open(os.path.join(a.out, 'memory.tmx'), 'w',
                  encoding='utf-8') as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<tmx version="1.4"><header creationtool="gen-align-free"'
                    ' creationtoolversion="1" datatype="plaintext"'
                    ' segtype="sentence" adminlang="en" srclang="zh-CN"'
                    ' o-tmf="none"/><body>\n')
            for s in a.memory:
                for z, e in read_pairs(s):
                    if not z or not e or (z, e) in seen:
                        continue
                    seen.add((z, e))
                    n += 1
                    f.write('<tu><tuv xml:lang="zh-CN"><seg>%s</seg></tuv>'
                            '<tuv xml:lang="en"><seg>%s</seg></tuv></tu>\n'
                            % (escape(z), escape(e)))
            f.write('</body></tmx>\n')
        print('memory: %d units' % n, file=sys.stderr)


if __name__ == '__main__':
    main()
