#!/usr/bin/env bash
# Builds the three Debian packages (unitclock-server, unitclock, unitclock-cli) into build/debs/ from a
# release build installed under /usr (the `deb` preset: no tests, no benchmarks), then runs lintian.
#
#   packaging/build-debs.sh            # build/debs/*.deb, lintian must report no errors
set -euo pipefail
cd "$(dirname "$0")/.."
./packaging/install-deps.sh
cmake --preset deb >/dev/null
cmake --build --preset deb
rm -rf build/debs
cpack --preset deb
ls -l build/debs/*.deb
# lintian: errors fail the build; warnings are printed for the record.
lintian --fail-on error --suppress-tags-from-file packaging/debian/lintian-overrides.txt build/debs/*.deb
echo "build-debs: $(ls build/debs/*.deb | wc -l) packages, lintian reports no errors"
