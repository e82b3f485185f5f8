#!/usr/bin/env bash
# The README's first command: the main job on the embedded simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-system-packages.sh build
# The same flags as the Makefile and the benchmark, so they share one release build.
swift build -c release --static-swift-stdlib --product amiscript >&2
exec .build/release/amiscript --sim examples/vmcount.ami 123@default
