#!/usr/bin/env bash
# The README's first command: the main job on the embedded simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-system-packages.sh
swift build -c release --product amiscript >&2
exec .build/release/amiscript --sim examples/vmcount.ami 123@default
