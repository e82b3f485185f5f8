#!/usr/bin/env bash
# Installs the Debian packages amiscript's build, tests and checks need, when missing.
# `ensure-system-packages.sh build`: only what building needs (make, the quick start);
# with no argument: everything the tests need too (scripts/test.sh).
# libedit-dev: the REPL's line editor; libpcre2-dev: expect's regexes;
# expect + telnet: the seed's vmcount.exp, which shared/checks/seed-vmcount.sh compares with,
# and the Expect originals tests/convert runs beside their conversions;
# openssl: the TLS tests make a throw-away certificate with it;
# vim: the editor test loads editors/vim in it; parallel + jq: the fleet recipe's test
# (docs/fleet.md); groff-base + man-db: the man page test renders the pages.
set -euo pipefail
packages=(libedit-dev libpcre2-dev)
[ "${1:-}" = build ] || packages+=(expect telnet openssl vim parallel jq groff-base man-db)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    echo "amiscript: installing ${missing[*]} with sudo (not running as root)" >&2
    sudo apt-get update -q >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
    exit 0
  fi
  echo "amiscript: missing packages ${missing[*]}; not root and no sudo: run 'apt-get install ${missing[*]}' as root" >&2
  exit 1
fi
echo "amiscript: installing ${missing[*]}" >&2
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
