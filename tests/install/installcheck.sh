#!/bin/sh
# tests/install/installcheck.sh: what `make installcheck` (and so
# `make distcheck`) checks of an installed tm: a program outside the
# project builds against libtm with `pkg-config --cflags --libs tm`
# (tm.pc and its private requirements resolve and name every library
# libtm needs, tm.h compiles alone) and runs; the installed tm runs; every manual page is installed and, when
# man is there, renders.
#   installcheck.sh SRCDIR DESTDIR BINDIR LIBDIR MANDIR CC CFLAGS
set -u
srcdir=$1 destdir=$2 bindir=$2$3 libdir=$2$4 mandir=$2$5 cc=$6 cflags=$7
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tm-installcheck.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "installcheck: $*" >&2; failed=1; }

PKG_CONFIG_PATH=$libdir/pkgconfig
export PKG_CONFIG_PATH
# A DESTDIR install: pkg-config puts DESTDIR before the paths of tm.pc.
if [ -n "$destdir" ]; then
	PKG_CONFIG_SYSROOT_DIR=$destdir
	export PKG_CONFIG_SYSROOT_DIR
fi
pkg-config --exists --print-errors tm ||
	fail "pkg-config does not find tm in $PKG_CONFIG_PATH"
pkg-config --exists --print-errors --static tm ||
	fail "tm.pc's private requirements do not resolve"
flags=$(pkg-config --cflags --libs tm) || fail "pkg-config --cflags --libs tm"
# A static link needs every library libtm.so was linked with: each one
# it needs (but the C library and the loader) is in tm.pc's private
# requirements.
static=" $(pkg-config --static --libs tm) "
if command -v readelf >/dev/null 2>&1 && [ -f "$libdir/libtm.so" ]; then
	for lib in $(readelf -d "$libdir/libtm.so" |
	    sed -n 's/.*Shared library: \[lib\([^.]*\)\.so.*/\1/p'); do
		case $lib in c|ld-linux*) continue ;; esac
		case $static in
		*" -l$lib "*) ;;
		*) fail "libtm needs lib$lib, which tm.pc does not name" ;;
		esac
	done
fi
# shellcheck disable=SC2086
$cc $cflags -o "$tmp/use-libtm" "$srcdir/tests/install/use-libtm.c" \
    $flags -Wl,-rpath,"$libdir" ||
	fail "cannot build a program with pkg-config --cflags --libs tm"

cat >"$tmp/mini.tmx" <<'TMX'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
<header creationtool="installcheck" creationtoolversion="1" datatype="plaintext" segtype="sentence" adminlang="en-US" srclang="zh-CN" o-tmf="tm"/>
<body>
<tu><tuv xml:lang="zh-CN"><seg>双方深入交换了意见。</seg></tuv><tuv xml:lang="en-US"><seg>The two sides had an in-depth exchange of views.</seg></tuv></tu>
<tu><tuv xml:lang="zh-CN"><seg>口罩已运抵本市。</seg></tuv><tuv xml:lang="en-US"><seg>The masks have arrived in the city.</seg></tuv></tu>
</body>
</tmx>
TMX
if [ -x "$tmp/use-libtm" ]; then
	LD_LIBRARY_PATH=$libdir "$tmp/use-libtm" "$tmp/mini.tmx" \
	    '双方深入交换了意见。' >"$tmp/out" || fail "use-libtm failed"
	printf '%s\n' "tm $("$bindir/tm" --version | sed 's/^tm //'): 2 units" \
	    "$(printf '100\tThe two sides had an in-depth exchange of views.')" \
	    >"$tmp/expected"
	cmp -s "$tmp/out" "$tmp/expected" ||
		fail "use-libtm printed '$(cat "$tmp/out")'"
fi

"$bindir/tm" --version | grep -q '^tm [0-9]' ||
	fail "the installed tm does not run"

for scd in "$srcdir"/doc/*.scd; do
	page=$(basename "$scd" .scd)
	[ -f "$mandir/man1/$page.1" ] || fail "$page(1) is not installed"
done
if command -v man >/dev/null 2>&1; then
	man -l "$mandir/man1/tm-import.1" 2>"$tmp/err" | grep -q 'tm-import' ||
		fail "man -l does not render tm-import(1): $(cat "$tmp/err")"
fi
[ "$failed" = 0 ] && echo "installcheck: libtm, tm and the manual pages work"
exit "$failed"
