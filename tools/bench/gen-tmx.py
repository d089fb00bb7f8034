#!/usr/bin/env python3
"""Generate a realistic zh-CN/en-US TMX file of N units for benchmarks.

The units read like a city foreign-affairs office's bulletins: meetings
with consuls, donations, notices to foreign residents, figures and dates.
Lengths vary (short headings to long sentences), about 5% of units are
near-duplicates of earlier ones (one word or number changed), about 10%
carry inline tags (bpt/ept, ph), and some carry props and notes.
The output is deterministic for a given seed.

usage: gen-tmx.py N [--seed S] [-o FILE]
"""
import argparse
import random
import sys

PEOPLE = [("张伟", "Zhang Wei"), ("王芳", "Wang Fang"), ("李强", "Li Qiang"),
          ("刘洋", "Liu Yang"), ("陈静", "Chen Jing"), ("杨明", "Yang Ming"),
          ("赵磊", "Zhao Lei"), ("黄敏", "Huang Min"), ("周涛", "Zhou Tao"),
          ("吴婷", "Wu Ting")]
TITLES = [("市外办主任", "Director of the Municipal Foreign Affairs Office"),
          ("副市长", "Vice Mayor"), ("市长", "Mayor"),
          ("市政府秘书长", "Secretary-General of the Municipal Government"),
          ("外事办公室副主任", "Deputy Director of the Foreign Affairs Office")]
COUNTRIES = [("日本", "Japan", "Japanese"), ("韩国", "the Republic of Korea", "Korean"),
             ("美国", "the United States", "American"), ("德国", "Germany", "German"),
             ("法国", "France", "French"), ("英国", "the United Kingdom", "British"),
             ("新加坡", "Singapore", "Singaporean"), ("泰国", "Thailand", "Thai"),
             ("俄罗斯", "Russia", "Russian"), ("意大利", "Italy", "Italian"),
             ("澳大利亚", "Australia", "Australian"), ("加拿大", "Canada", "Canadian")]
ITEMS = [("口罩", "masks"), ("防护服", "protective suits"), ("护目镜", "goggles"),
         ("医用手套", "medical gloves"), ("检测试剂盒", "test kits"),
         ("呼吸机", "ventilators"), ("消毒液", "disinfectant")]
PLACES = [("市政府", "the Municipal Government"), ("国际会议中心", "the International Conference Centre"),
          ("市外办", "the Municipal Foreign Affairs Office"), ("机场", "the airport"),
          ("领事馆", "the Consulate General")]
TOPICS = [("经贸合作", "economic and trade cooperation"), ("疫情防控", "epidemic prevention and control"),
          ("人文交流", "people-to-people exchanges"), ("友好城市关系", "sister-city relations"),
          ("领事保护", "consular protection"), ("教育合作", "cooperation in education"),
          ("旅游推广", "tourism promotion"), ("科技创新", "scientific and technological innovation")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


def num_zh_en(r):
    """A quantity in Chinese (often with 万) and its English rendering."""
    k = r.random()
    if k < 0.4:
        n = r.randint(2, 99)
        return "%d万" % n, "{:,}".format(n * 10000)
    if k < 0.6:
        n = r.randint(11, 99)
        return "%d.%d万" % (n // 10, n % 10), "{:,}".format(n * 1000)
    n = r.randint(10, 9999)
    return str(n), "{:,}".format(n)


def date_zh_en(r):
    m = r.randint(1, 12)
    d = r.randint(1, 28)
    return "%d月%d日" % (m, d), "%s %d" % (MONTHS[m - 1], d)


def sentence(r):
    (pz, pe) = r.choice(PEOPLE)
    (tz, te) = r.choice(TITLES)
    (cz, ce, ca) = r.choice(COUNTRIES)
    (iz, ie) = r.choice(ITEMS)
    (lz, le) = r.choice(PLACES)
    (oz, oe) = r.choice(TOPICS)
    (dz, de) = date_zh_en(r)
    (nz, ne) = num_zh_en(r)
    k = r.randrange(10)
    if k == 0:
        return ("%s，%s%s在%s会见了%s驻沪总领事一行。" % (dz, tz, pz, lz, cz),
                "On %s, %s %s met the Consul General of %s in Shanghai and his delegation at %s." % (de, te, pe, ce, le))
    if k == 1:
        return ("%s向我市捐赠的%s个%s已于%s运抵。" % (cz, nz, iz, dz),
                "The %s %s donated by %s to our city arrived on %s." % (ne, ie, ce, de))
    if k == 2:
        return ("%s，双方就%s等共同关心的问题深入交换了意见。" % (dz, oz),
                "On %s, the two sides had an in-depth exchange of views on %s and other issues of common concern." % (de, oe))
    if k == 3:
        return ("%s表示，愿与%s进一步加强%s，今年已有%s人次往来。" % (pz, cz, oz, nz),
                "%s said that he was willing to further strengthen %s with %s; %s visits have been made this year." % (pe, oe, ce, ne))
    if k == 4:
        h = r.randint(10000, 99999)
        return ("请在华%s公民注意个人防护，如有需要请拨打热线电话%d。" % (cz, h),
                "%s citizens in China are advised to take personal precautions and to call the hotline %d if needed." % (ca, h))
    if k == 5:
        return ("%s，%s%s出席%s活动并致辞。" % (dz, tz, pz, oz),
                "On %s, %s %s attended an event on %s and delivered a speech." % (de, te, pe, oe))
    if k == 6:
        return ("截至%s，全市累计接收境外捐赠物资%s件。" % (dz, nz),
                "As of %s, the city had received a total of %s items of donated supplies from abroad." % (de, ne))
    if k == 7:
        n = r.randint(1, 999)
        return ("%s（%s，第%d期）" % (oz, dz, n), "%s (%s, No. %d)" % (oe.capitalize(), de, n))
    if k == 8:
        return ("%s会后，%s一行参观了%s，并与%s等有关部门负责人就%s进行了座谈，双方一致同意建立定期沟通机制。" % (dz, cz, lz, pz, oz),
                "After the meeting on %s, the %s delegation visited %s and held talks with %s and other officials of the relevant departments on %s; both sides agreed to set up a regular communication mechanism." % (de, ca, le, pe, oe))
    return ("%s驻华大使馆向%s赠送了%s只%s。" % (cz, lz, nz, iz),
            "The Embassy of %s in China presented %s %s to %s." % (ce, ne, ie, le))


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def tagged(zh, en, r):
    """Wrap a word of each side in a bold pair, or add a placeholder."""
    if r.random() < 0.5:
        return ('<bpt i="1" x="1">&lt;b&gt;</bpt>' + esc(zh) + '<ept i="1">&lt;/b&gt;</ept>',
                '<bpt i="1" x="1">&lt;b&gt;</bpt>' + esc(en) + '<ept i="1">&lt;/b&gt;</ept>')
    return (esc(zh) + '<ph x="1">&lt;br/&gt;</ph>', esc(en) + '<ph x="1">&lt;br/&gt;</ph>')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output")
    a = ap.parse_args()
    r = random.Random(a.seed)
    out = open(a.output, "w", encoding="utf-8") if a.output else sys.stdout
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n'
      '  <header creationtool="gen-tmx" creationtoolversion="1" segtype="sentence" o-tmf="gen" '
      'adminlang="en-US" srclang="zh-CN" datatype="plaintext">\n'
      '    <prop type="x-generator">tools/bench/gen-tmx.py</prop>\n  </header>\n  <body>\n')
    recent = []
    for i in range(a.n):
        if recent and r.random() < 0.05:
            zh, en = r.choice(recent)
            zh = zh.replace("。", "！", 1) if r.random() < 0.5 else "据悉，" + zh
            en = "Reportedly, " + en
        else:
            zh, en = sentence(r)
            if r.random() < 0.3:
                z2, e2 = sentence(r)
                zh, en = zh + z2, en + " " + e2
        recent.append((zh, en))
        if len(recent) > 1000:
            recent.pop(0)
        if r.random() < 0.1:
            zs, es = tagged(zh, en, r)
        else:
            zs, es = esc(zh), esc(en)
        day = 1 + i % 28
        w('    <tu tuid="%d" creationdate="2019%02d%02dT%02d%02d00Z" creationid="gen" changedate="2020%02d%02dT100000Z">\n'
          % (i + 1, 1 + i % 12, day, i % 24, i % 60, 1 + (i // 28) % 12, day))
        if i % 20 == 0:
            w('      <prop type="x-document">bulletin-%d.docx</prop>\n' % (i // 20))
        if i % 50 == 0:
            w('      <note>checked by the reviser</note>\n')
        w('      <tuv xml:lang="zh-CN"><seg>%s</seg></tuv>\n' % zs)
        w('      <tuv xml:lang="en-US"><seg>%s</seg></tuv>\n    </tu>\n' % es)
    w('  </body>\n</tmx>\n')
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
