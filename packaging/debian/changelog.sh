#!/bin/sh
# The Debian changelog of a native package, made from the one version string: one entry
# for the version being built, dated by the last commit (so a rebuild gives the same bytes).
set -eu
version=$1
date=$(git log -1 --format=%aD 2>/dev/null || date -R)
date=$(LC_ALL=C date -R -d "$date")
cat <<EOT
amiscript ($version) unstable; urgency=medium

  * Release $version. What changed: /usr/share/doc/amiscript/README.md and
    the project's history.

 -- amiscript developers <amiscript@users.noreply.github.com>  $date
EOT
