#!/usr/bin/env python3
"""Made-up parallel text for the aligner's tests, with its gold links.

usage: align-synth.py [--pairs N] [--keep K] [--extra E] [--seed S] OUT

Writes OUT.zh and OUT.en (one sentence a line) and OUT.gold (links in
align-eval's format).  Each Chinese sentence is a few words of a small
vocabulary and the English sentence their glosses, so that lengths
follow each other as in a translation; every third pair carries a
number of its own.  --keep K: the English stops after K sentences (a
partial translation).  --extra E: E English sentences with no Chinese
counterpart are put in at random places (an uneven pair).
"""
import argparse
import random

WORDS = [
    ("政府", "the government"), ("经济", "the economy"), ("发展", "development"),
    ("合作", "cooperation"), ("会议", "the meeting"), ("代表", "delegates"),
    ("城市", "the city"), ("项目", "the project"), ("投资", "investment"),
    ("企业", "companies"), ("市场", "the market"), ("增长", "growth"),
    ("交流", "exchanges"), ("文化", "culture"), ("教育", "education"),
    ("旅游", "tourism"), ("贸易", "trade"), ("地区", "the region"),
    ("国际", "international"), ("领事", "the consul"), ("访问", "visited"),
    ("签署", "signed"), ("协议", "an agreement"), ("举行", "held"),
    ("提高", "raised"), ("服务", "services"), ("安全", "security"),
    ("环境", "the environment"), ("青年", "young people"), ("科技", "technology"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=40)
    ap.add_argument("--keep", type=int, default=0)
    ap.add_argument("--extra", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("out")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    keep = a.keep or a.pairs
    extra = set(rng.sample(range(keep), min(a.extra, keep)))
    zh, en, gold = [], [], []
    for i in range(a.pairs):
        ws = [rng.choice(WORDS) for _ in range(rng.randint(2, 12))]
        z = "".join(w[0] for w in ws)
        e = " ".join(w[1] for w in ws)
        if i % 3 == 0:
            z += "，共%d人" % (1000 + 7 * i)
            e += ", %d people in all" % (1000 + 7 * i)
        z += "。"
        e = e[0].upper() + e[1:] + "."
        if i < keep and i in extra:
            ws = [rng.choice(WORDS) for _ in range(rng.randint(2, 8))]
            x = " ".join(w[1] for w in ws)
            gold.append("[]:[%d]" % len(en))
            en.append(x[0].upper() + x[1:] + ".")
        if i < keep:
            gold.append("[%d]:[%d]" % (len(zh), len(en)))
            en.append(e)
        else:
            gold.append("[%d]:[]" % len(zh))
        zh.append(z)
    for ext, lines in (("zh", zh), ("en", en), ("gold", gold)):
        with open("%s.%s" % (a.out, ext), "w", encoding="utf-8") as f:
            f.write("".join(s + "\n" for s in lines))


if __name__ == "__main__":
    main()
