#!/bin/sh
# Generates ./configure from a git checkout.  autoreconf runs autopoint
# (Debian: autopoint), which copies gettext's build files into po/, m4/
# and build-aux/; they are not in git, the release tarball ships them.
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
autoreconf -fi
