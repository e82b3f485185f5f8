#!/usr/bin/env bash
# The test command of the README (and of CI): system packages, build, every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-system-packages.sh
swift build
swift test
# The REPL through a real pseudo-terminal (pexpect), the man pages, the editor grammars and
# the fleet recipe (GNU parallel against 20 amisims), against the binaries just built.
python3 -c "import pexpect, pytest, yaml" 2>/dev/null || python3 -m pip install -q pexpect pytest pyyaml
python3 -m pytest tests -q
# The seed's vmcount.exp (Expect + telnet) against examples/vmcount.ami, byte for byte
# (the repository's copy of the seed check).
tests/fixtures/seed-check/seed-vmcount.sh
