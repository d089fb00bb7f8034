#!/usr/bin/env python3
"""Build lookup queries (kind TAB query a line) for bench-lookup.

usage: make-queries.py DB OUT [--shared DIR] [--seed S]

Kinds: exact (copies of stored Chinese sources), edited (copies with 1-5
character edits), new (sentences of the same kind from gen-tmx.py with
another seed), unrelated (everyday sentences: Tatoeba or WMT22 general
test, when ../shared is there, else shuffled characters), news (WMT21
news sentences, stored in the memory by bench-lookup.sh, with 1-3 edits).
Also writes OUT.terms: two-character and longer concordance terms.
"""
import argparse, os, random, sqlite3, subprocess, sys

COMMON = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"


def edit(s, r, n):
    s = list(s)
    for _ in range(n):
        k = r.random()
        i = r.randrange(len(s)) if s else 0
        if k < 0.5 and s:
            s[i] = r.choice(COMMON)
        elif k < 0.75:
            s.insert(i, r.choice(COMMON))
        elif len(s) > 2:
            del s[i]
    return "".join(s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("out")
    ap.add_argument("--shared")
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    r = random.Random(a.seed)
    db = sqlite3.connect(a.db)
    maxid = db.execute("select max(id) from tuv").fetchone()[0]
    stored = []
    while len(stored) < 120:
        row = db.execute("select coalesce(text, seg) from tuv where id = ? "
                         "and lang_key = 'zh-cn'",
                         (r.randint(1, maxid),)).fetchone()
        if row and "<" not in row[0]:
            stored.append(row[0])
    q = [("exact", s) for s in stored[:60]]
    q += [("edited", edit(s, r, r.randint(1, 5))) for s in stored[60:120]]
    gen = subprocess.run([sys.executable, os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "gen-tmx.py"), "60", "--seed", "99"],
        capture_output=True, text=True, check=True).stdout
    news = []
    for line in gen.splitlines():
        if 'xml:lang="zh-CN"' in line and "<" not in line.split("<seg>")[1].split("</seg>")[0]:
            news.append(line.split("<seg>")[1].split("</seg>")[0])
    q += [("new", s) for s in news[:50]]
    unrelated = []
    shared = a.shared
    if shared and os.path.exists(os.path.join(shared, "zh-en/tatoeba/cmn-eng_manythings.txt")):
        lines = open(os.path.join(shared, "zh-en/tatoeba/cmn-eng_manythings.txt"),
                     encoding="utf-8").read().splitlines()
        for line in r.sample(lines, 200):
            parts = line.split("\t")
            if len(parts) >= 2 and len(parts[1]) >= 8:
                unrelated.append(parts[1])
    while len(unrelated) < 30:
        unrelated.append("".join(r.choice(COMMON) for _ in range(r.randint(8, 30))))
    q += [("unrelated", s) for s in unrelated[:30]]
    wmt = os.path.join(shared or "", "zh-en/wmt21-newstest/newstest2021.zh-en.src.zh")
    if shared and os.path.exists(wmt):
        lines = [l.strip() for l in open(wmt, encoding="utf-8") if len(l.strip()) > 10]
        for s in r.sample(lines, 60):
            q.append(("news", edit(s, r, r.randint(0, 3))))
    with open(a.out, "w", encoding="utf-8") as f:
        for kind, s in q:
            f.write("%s\t%s\n" % (kind, s.replace("\t", " ")))
    with open(a.out + ".terms", "w", encoding="utf-8") as f:
        for t in ["口罩", "总领", "捐赠", "防护服", "市外办", "疫情防控", "会见", "呼吸机",
                  "友好城市", "热线电话", "新闻", "经济"]:
            f.write(t + "\n")


if __name__ == "__main__":
    main()
