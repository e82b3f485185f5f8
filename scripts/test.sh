#!/usr/bin/env bash
# The test command of the README (and of CI): system packages, build, every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-system-packages.sh
swift build
swift test
