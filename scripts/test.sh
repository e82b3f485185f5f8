#!/usr/bin/env bash
# The test command of the README (and of CI): system packages, build, every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-system-packages.sh
swift build
swift test
# The REPL through a real pseudo-terminal (pexpect), against the binaries just built.
python3 -c "import pexpect, pytest" 2>/dev/null || python3 -m pip install -q pexpect pytest
python3 -m pytest tests/repl -q
