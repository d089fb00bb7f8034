#!/usr/bin/env python3
"""Print the canonical form of a TMX file, or compare two TMX files.

usage: tmx-canon.py FILE          print the canonical form of FILE
       tmx-canon.py --diff IN OUT compare IN (what was imported) with OUT
                                  (what tm exported); print a unified diff
                                  and exit 1 when they differ
       tmx-canon.py --batch LIST  the same for many pairs in one run: each
                                  line of LIST is IN<tab>OUT<tab>REPORT;
                                  REPORT is left empty when IN and OUT say
                                  the same, else it gets the diff (or the
                                  error)
       tmx-canon.py --version FILE...
                                  print VERSION<tab>FILE for each file: the
                                  version attribute of <tmx>, "-" if none

The canonical form is what a TMX file says, independent of how it is
written: encoding, BOM, gzip, attribute order and quoting, entities and
character references, self-closing tags, indentation between elements,
comments, the DOCTYPE and the TMX version (1.1 lang= and 1.4 xml:lang=
give the same line).  It keeps everything else:

- the header's attributes (with --diff only those IN has: tm fills in the
  ones the DTD requires), then its props, notes and udes (with their
  maps) in document order;
- for every tu in document order: its attributes (sorted), its props and
  notes in order, then for every tuv: its language, its attributes
  (sorted), its props and notes in order and its seg serialised exactly:
  text with every white-space character, inline elements with sorted
  attributes.

Namespace declarations (xmlns, xmlns:*) are not data and are left out.
Only the Python standard library is used (pyexpat, no namespace
processing, so names stay as written: "xml:lang").
"""
import difflib
import gzip
import json
import sys
import xml.parsers.expat


class Node:
    __slots__ = ("name", "attrs", "children", "line")

    def __init__(self, name, attrs, line):
        self.name = name
        self.attrs = attrs
        self.children = []   # Node or str
        self.line = line


def parse(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    p = xml.parsers.expat.ParserCreate()
    p.buffer_text = True
    p.ordered_attributes = False
    root = Node("#document", {}, 0)
    stack = [root]

    def start(name, attrs):
        n = Node(name, attrs, p.CurrentLineNumber)
        stack[-1].children.append(n)
        stack.append(n)

    def end(name):
        stack.pop()

    def text(s):
        kids = stack[-1].children
        if kids and isinstance(kids[-1], str):
            kids[-1] += s
        else:
            kids.append(s)

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = text
    p.Parse(data, True)
    tmx = [c for c in root.children if isinstance(c, Node)]
    if not tmx:
        raise ValueError("%s: no root element" % path)
    return tmx[0]


def elems(node, name=None):
    for c in node.children:
        if isinstance(c, Node) and (name is None or c.name == name):
            yield c


def q(s):
    """A value with every character visible."""
    return json.dumps(s, ensure_ascii=False)


def data_attrs(attrs, drop=()):
    return sorted((k, v) for k, v in attrs.items()
                  if k not in drop and k != "xmlns"
                  and not k.startswith("xmlns:"))


def text_of(node):
    return "".join(c for c in node.children if isinstance(c, str))


def lang_of(attrs):
    """The language of a tuv, prop or note and the attribute it came from."""
    if "xml:lang" in attrs:
        return attrs["xml:lang"], "xml:lang"
    if "lang" in attrs:
        return attrs["lang"], "lang"
    return None, None


def annot(node, ind):
    lang, used = lang_of(node.attrs)
    a = ["%s=%s" % (k, q(v)) for k, v in data_attrs(node.attrs, (used,))]
    if lang is not None:
        a.insert(0, "lang=%s" % q(lang))
    return "%s%s %s: %s" % (ind, node.name, " ".join(a), q(text_of(node)))


def esc_text(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace("\r", "&#13;"))


def esc_attr(s):
    return (esc_text(s).replace('"', "&quot;").replace("\t", "&#9;")
            .replace("\n", "&#10;"))


def serialise(node):
    out = []
    for c in node.children:
        if isinstance(c, str):
            out.append(esc_text(c))
            continue
        out.append("<" + c.name)
        for k, v in data_attrs(c.attrs):
            out.append(' %s="%s"' % (k, esc_attr(v)))
        inner = serialise(c)
        out.append(">%s</%s>" % (inner, c.name) if inner else "/>")
    return "".join(out)


def canon(path, header_keep=None):
    tmx = parse(path)
    if tmx.name != "tmx":
        raise ValueError("%s: root element is <%s>" % (path, tmx.name))
    lines = []
    for h in elems(tmx, "header"):
        for k, v in data_attrs(h.attrs):
            if header_keep is None or k in header_keep:
                lines.append("header @%s=%s" % (k, q(v)))
        for c in elems(h):
            if c.name in ("prop", "note"):
                lines.append(annot(c, "header "))
            elif c.name == "ude":
                a = " ".join("%s=%s" % (k, q(v))
                             for k, v in data_attrs(c.attrs))
                lines.append("header ude %s" % a)
                for m in elems(c, "map"):
                    a = " ".join("%s=%s" % (k, q(v))
                                 for k, v in data_attrs(m.attrs))
                    lines.append("header   map %s" % a)
            else:
                lines.append("header ?<%s>" % c.name)
    n = 0
    for body in elems(tmx, "body"):
        for tu in elems(body, "tu"):
            n += 1
            lines.append("tu #%d" % n)
            for k, v in data_attrs(tu.attrs):
                lines.append("  @%s=%s" % (k, q(v)))
            for c in elems(tu):
                if c.name in ("prop", "note"):
                    lines.append(annot(c, "  "))
            for tuv in elems(tu, "tuv"):
                lang, used = lang_of(tuv.attrs)
                lines.append("  tuv %s" % q(lang))
                for k, v in data_attrs(tuv.attrs, (used,)):
                    lines.append("    @%s=%s" % (k, q(v)))
                for c in elems(tuv):
                    if c.name in ("prop", "note"):
                        lines.append(annot(c, "    "))
                for seg in elems(tuv, "seg"):
                    lines.append("    seg %s" % q(serialise(seg)))
    return lines


def diff(src, out):
    """The unified diff of the canonical forms, "" when they are equal."""
    keep = set()
    for h in elems(parse(src), "header"):
        keep.update(h.attrs)
    a = canon(src)
    b = canon(out, keep)
    if a == b:
        return ""
    return "".join(l + "\n" for l in difflib.unified_diff(
        a, b, src, out, lineterm="", n=2))


def main(argv):
    if len(argv) == 2 and not argv[1].startswith("-"):
        sys.stdout.write("\n".join(canon(argv[1])) + "\n")
        return 0
    if len(argv) == 4 and argv[1] == "--diff":
        d = diff(argv[2], argv[3])
        sys.stdout.write(d)
        return 1 if d else 0
    if len(argv) == 3 and argv[1] == "--batch":
        with open(argv[2], encoding="utf-8") as f:
            for line in f:
                src, out, report = line.rstrip("\n").split("\t")
                try:
                    d = diff(src, out)
                except (OSError, ValueError,
                        xml.parsers.expat.ExpatError) as e:
                    d = "error: %s\n" % e
                with open(report, "w", encoding="utf-8") as r:
                    r.write(d)
        return 0
    if len(argv) >= 3 and argv[1] == "--version":
        for path in argv[2:]:
            try:
                v = parse(path).attrs.get("version", "-")
            except (OSError, ValueError, xml.parsers.expat.ExpatError):
                v = "-"
            sys.stdout.write("%s\t%s\n" % (v, path))
        return 0
    sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, ValueError, xml.parsers.expat.ExpatError) as e:
        sys.stderr.write("tmx-canon.py: %s\n" % e)
        sys.exit(2)
