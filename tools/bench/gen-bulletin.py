#!/usr/bin/env python3
"""Generate a long Chinese news bulletin as a flat OpenDocument text (FODT)
for the DOCX benchmark (LibreOffice turns it into DOCX).

The text is WMT news: articles with a heading, paragraphs of sentences,
some opening with a bold name, a table of figures now and then, a
footnote per article, a letterhead header and a footer with the page
number.  Each sentence is one of
  exact  a line of WMT21 newstest (zh-en source) as it is: the benchmark
         memory holds it with its reference translation
  fuzzy  such a line with one edit (a digit or a character changed, a
         few characters dropped): a fuzzy match
  new    a line of an older newstest, which the memory does not hold
The manifest (JSON) lists the sentences with their kind and, for exact
and fuzzy ones, the memory's translation, so that what a tool inserted
can be counted in its output.  Deterministic for a given seed.

usage: gen-bulletin.py SHARED_DATA --articles N [--seed S] -o OUT.fodt
           --manifest OUT.json
"""
import argparse
import json
import random
from xml.sax.saxutils import escape

NAMES = ["王毅", "李强", "汪文斌", "华春莹", "毛宁", "秦刚", "王文涛", "马朝旭"]
LEADS = ["表示，", "指出，", "强调，", "介绍说，"]
ITEMS = ["口罩", "防护服", "护目镜", "检测试剂盒", "呼吸机", "消毒液", "医用手套"]
CITIES = ["北京", "上海", "广州", "武汉", "成都", "西安", "南京", "杭州"]
UNITS = ["万只", "套", "箱", "台", "吨"]
DIGITS = "0123456789"
SWAP = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"


def read_lines(path, limit=None):
    with open(path, encoding="utf-8") as f:
        out = [l.strip() for l in f if l.strip()]
    return out[:limit] if limit else out


def fuzzy(rng, s):
    """One small edit: a digit changed, a character replaced or a few
    characters dropped (about 3-8% of the sentence)."""
    digits = [i for i, c in enumerate(s) if c in DIGITS]
    if digits and rng.random() < 0.5:
        i = rng.choice(digits)
        return s[:i] + rng.choice([d for d in DIGITS if d != s[i]]) + s[i + 1:]
    cjk = [i for i, c in enumerate(s) if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return s + "。" if not s.endswith("。") else "据悉，" + s
    if len(s) > 30 and rng.random() < 0.5:
        i = rng.choice(cjk[len(cjk) // 4: 3 * len(cjk) // 4] or cjk)
        n = max(1, len(s) // 25)
        return s[:i] + s[i + n:]
    i = rng.choice(cjk)
    return s[:i] + rng.choice([c for c in SWAP if c != s[i]]) + s[i + 1:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("shared")
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", required=True)
    ap.add_argument("--manifest", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)

    d = a.shared + "/zh-en/"
    wzh = read_lines(d + "wmt21-newstest/newstest2021.zh-en.src.zh")
    wen = read_lines(d + "wmt21-newstest/newstest2021.zh-en.ref.A.en")
    # Whole sentences only, so that two side by side stay two segments.
    ends = tuple("。！？”")
    pairs = [(z, e) for z, e in zip(wzh, wen)
             if 8 <= len(z) <= 120 and z.endswith(ends)]
    rng.shuffle(pairs)
    wset = set(wzh)
    new = [l for l in read_lines(d + "wmt-newstest/newstest2019.zh-en.zh") +
           read_lines(d + "wmt-newstest/newstest2020.zh-en.zh")
           if 8 <= len(l) <= 120 and l.endswith(ends) and l not in wset]
    rng.shuffle(new)
    manifest = []

    def sentence(kind=None):
        kind = kind or rng.choices(["exact", "fuzzy", "new"], [4, 3, 3])[0]
        if kind == "new":
            s = new.pop()
            manifest.append({"kind": "new", "zh": s})
            return escape(s)
        z, e = pairs.pop()
        s = z if kind == "exact" else fuzzy(rng, z)
        manifest.append({"kind": kind, "zh": s, "mem_zh": z, "en": e})
        return escape(s)

    body = []
    note = 0
    for art in range(a.articles):
        h = new.pop() if rng.random() < 0.5 else None
        if h:
            manifest.append({"kind": "new", "zh": h})
        body.append('<text:h text:style-name="H2" text:outline-level="2">%s</text:h>'
                    % (escape(h) if h else sentence("exact")))
        for p in range(rng.randint(3, 6)):
            text = "".join(sentence() for _ in range(rng.randint(2, 4)))
            if rng.random() < 0.2:
                name = rng.choice(NAMES)
                lead = rng.choice(LEADS)
                s = new.pop()
                manifest.append({"kind": "new", "zh": name + lead + s})
                text = ('<text:span text:style-name="T1">%s</text:span>%s%s%s'
                        % (name, lead, escape(s), text))
            if p == 1:
                note += 1
                text += ('<text:note text:id="ftn%d" text:note-class="footnote">'
                         '<text:note-citation>%d</text:note-citation><text:note-body>'
                         '<text:p text:style-name="Footnote">%s</text:p>'
                         '</text:note-body></text:note>' % (note, note, sentence()))
            body.append('<text:p text:style-name="Body">%s</text:p>' % text)
        if art % 3 == 2:
            rows = ['<table:table-row>%s</table:table-row>' % "".join(
                '<table:table-cell office:value-type="string"><text:p text:style-name="Cell">%s</text:p></table:table-cell>'
                % c for c in ("物资", "数量", "城市"))]
            for _ in range(5):
                rows.append('<table:table-row>%s</table:table-row>' % "".join(
                    '<table:table-cell office:value-type="string"><text:p text:style-name="Cell">%s</text:p></table:table-cell>'
                    % c for c in (rng.choice(ITEMS), "%d%s" % (rng.randint(2, 900), rng.choice(UNITS)), rng.choice(CITIES))))
            body.append('<table:table table:name="表%d" table:style-name="Tbl"><table:table-column table:number-columns-repeated="3"/>%s</table:table>'
                        % (art, "".join(rows)))

    doc = '''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:styles>
  <style:style style:name="Standard" style:family="paragraph">
   <style:text-properties fo:font-size="11pt" style:font-size-asian="11pt"/>
  </style:style>
  <style:style style:name="Body" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-bottom="0.2cm" fo:text-indent="0.8cm"/>
  </style:style>
  <style:style style:name="H2" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.2cm"/>
   <style:text-properties fo:font-size="14pt" style:font-size-asian="14pt" fo:font-weight="bold" style:font-weight-asian="bold"/>
  </style:style>
  <style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard">
   <style:text-properties fo:font-size="9pt" style:font-size-asian="9pt"/>
  </style:style>
  <style:style style:name="Cell" style:family="paragraph" style:parent-style-name="Standard"/>
 </office:styles>
 <office:automatic-styles>
  <style:style style:name="T1" style:family="text">
   <style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/>
  </style:style>
  <style:style style:name="Tbl" style:family="table">
   <style:table-properties style:width="16cm" table:align="margins"/>
  </style:style>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/>
   <style:header-style/>
   <style:footer-style/>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:header><text:p text:style-name="Standard">中华人民共和国驻外使馆 新闻公报</text:p></style:header>
   <style:footer><text:p text:style-name="Standard">第<text:page-number text:select-page="current">1</text:page-number>页</text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body>
  <office:text>
%s
  </office:text>
 </office:body>
</office:document>
''' % "\n".join(body)
    with open(a.o, "w", encoding="utf-8") as f:
        f.write(doc)
    with open(a.manifest, "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=0)


if __name__ == "__main__":
    main()
