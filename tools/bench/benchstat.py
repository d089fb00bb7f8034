#!/usr/bin/env python3
"""Summarise the raw figures of bench-io.sh as Markdown tables.

usage: benchstat.py RESULTS.tsv

The TSV has one row per measured command: case, run, units (read, or
written for an export), stored (units in the database or file), wall_s,
user_s, sys_s (GNU time, 0.01 s resolution), maxrss_kb, bytes (size of
the database or file produced).  Medians are over the runs of a case; an
even number of runs gives the mean of the two middle ones.
"""
import csv
import statistics
import sys

LABELS = {
    "import": "tm import",
    "export": "tm export",
    "peer-tm": "tm import",
    "peer-build_tmdb": "build_tmdb",
}


def load(path):
    cases = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            c = cases.setdefault(r["case"], [])
            c.append({
                "units": int(r["units"]),
                "stored": int(r["stored"]) if r["stored"] else None,
                "wall": float(r["wall_s"]),
                "cpu": float(r["user_s"]) + float(r["sys_s"]),
                "rss": int(r["maxrss_kb"]) / 1024.0,
                "mb": int(r["bytes"]) / 1048576.0,
            })
    return cases


def spread(xs, fmt):
    """median (min–max), or the single value for one run."""
    m = statistics.median(xs)
    if len(xs) == 1:
        return fmt(m)
    return "%s (%s–%s)" % (fmt(m), fmt(min(xs)), fmt(max(xs)))


def sec(x):
    return "%.2f" % x


def mb(x):
    return "%.0f" % x if x >= 100 else "%.1f" % x


def rate(units, wall):
    return "%s" % "{:,}".format(round(units / wall)) if wall > 0 else "n/a"


def summary(rows):
    units = rows[0]["units"]
    walls = [r["wall"] for r in rows]
    stored = sorted({r["stored"] for r in rows if r["stored"] is not None})
    w = statistics.median(walls)
    speed = rate(units, w)
    if len(rows) > 1 and min(walls) > 0:
        speed += " (%s–%s)" % (rate(units, max(walls)), rate(units, min(walls)))
    return {
        "units": "{:,}".format(units),
        "stored": "/".join("{:,}".format(s) for s in stored) or "–",
        "wall": spread(walls, sec),
        "cpu": spread([r["cpu"] for r in rows], sec),
        "rss": spread([r["rss"] for r in rows], mb),
        "speed": speed,
        "out": mb(statistics.median(r["mb"] for r in rows)),
        "wall_m": w,
        "cpu_m": statistics.median(r["cpu"] for r in rows),
        "rss_m": statistics.median(r["rss"] for r in rows),
    }


HEAD = ("| Step | Units | Stored | Wall s | CPU s (user+sys) | Peak RSS MB "
        "| Units/s (wall) | Output MB |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")


def line(label, s):
    return "| %s | %s | %s | %s | %s | %s | %s | %s |" % (
        label, s["units"], s["stored"], s["wall"], s["cpu"], s["rss"],
        s["speed"], s["out"])


def ratio(a, b):
    return "%.1f×" % (a / b) if b > 0 else "n/a (too fast to time)"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    cases = load(sys.argv[1])
    runs = max(len(v) for v in cases.values())
    print("Medians of %d run%s, (min–max) where more than one. Units: units read "
          "(import) or written (export); Stored: units in the database or file; "
          "Output: size of the database or TMX file produced."
          % (runs, "" if runs == 1 else "s"))
    print()
    print(HEAD)
    for c in ("import", "export"):
        if c in cases:
            print(line(LABELS[c], summary(cases[c])))
    if "peer-tm" in cases and "peer-build_tmdb" in cases:
        t = summary(cases["peer-tm"])
        p = summary(cases["peer-build_tmdb"])
        print()
        print("Against translate-toolkit's `build_tmdb -d OUT.db -s zh-CN -t en-US FILE.tmx`, "
              "same file, same runs (interleaved):")
        print()
        print(HEAD)
        print(line(LABELS["peer-tm"], t))
        print(line(LABELS["peer-build_tmdb"], p))
        print()
        print("| tm vs build_tmdb (ratios of medians) | Ratio |")
        print("| --- | ---: |")
        print("| Speed, units/s (wall): tm ÷ build_tmdb | %s |" % ratio(p["wall_m"], t["wall_m"]))
        print("| CPU seconds: build_tmdb ÷ tm | %s |" % ratio(p["cpu_m"], t["cpu_m"]))
        print("| Peak RSS: build_tmdb ÷ tm | %s |" % ratio(p["rss_m"], t["rss_m"]))

if __name__ == "__main__":
    main()
