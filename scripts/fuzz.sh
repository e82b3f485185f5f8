#!/usr/bin/env bash
# scripts/fuzz.sh TARGET SECONDS: runs one libFuzzer target (parser, decoder, expect or convert) for
# SECONDS, building it first if needed (docs/fuzzing.md).
#
# Exit 0: nothing found. Exit 1: a finding (crash, failed check, ASan report, leak,
# timeout of 10 s, more than 2 GB): its input's path is printed last, under fuzz/findings/.
# Exit 2: the build failed; 64: bad arguments.
#
# Environment: FUZZ_BUILD_PATH (default .build-fuzz), FUZZ_CONFIGURATION (release or debug;
# default release), FUZZ_ARGS (more libFuzzer options, e.g. "-jobs=2" or "-seed=1").
set -uo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: scripts/fuzz.sh parser|decoder|expect|convert SECONDS" >&2; exit 64; }
[ $# -eq 2 ] || usage
target=$1
seconds=$2
case "$target" in
  parser) product=FuzzParser ;;
  decoder) product=FuzzDecoder ;;
  expect) product=FuzzExpect ;;
  convert) product=FuzzConvert ;;
  *) usage ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

build_path=${FUZZ_BUILD_PATH:-$PWD/.build-fuzz}
configuration=${FUZZ_CONFIGURATION:-release}
scripts/ensure-system-packages.sh build || true

echo "== fuzz: building $product ($configuration, -sanitize=fuzzer,address) in $build_path"
build_start=$(date +%s)
if ! swift build -c "$configuration" --package-path fuzz --build-path "$build_path" --product "$product" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library; then
  echo "== fuzz: the build of $product failed" >&2
  exit 2
fi
echo "== fuzz: built in $(( $(date +%s) - build_start ))s"
binary="$build_path/$configuration/$product"

# The seeds (in git) are read; what libFuzzer adds goes to the first folder, outside git,
# and is kept between runs.
work_corpus="$build_path/corpus/$target"
mkdir -p "$work_corpus" fuzz/findings
[ -n "$(ls -A "fuzz/corpus/$target" 2>/dev/null)" ] || fuzz/seed.sh
dict=()
[ -f "fuzz/dict/$target.dict" ] && dict=(-dict="fuzz/dict/$target.dict")
log="$build_path/logs/$target-$(date +%Y%m%d-%H%M%S).log"
mkdir -p "$(dirname "$log")"

# Swift's own crash reporter would wait for a debugger-style backtrace: libFuzzer and ASan
# print the stack instead. Leaks are findings (LeakSanitizer, on with ASan on Linux).
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:symbolize=1}

echo "== fuzz: $target for ${seconds}s (log: $log)"
# shellcheck disable=SC2086
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="fuzz/findings/$target-" -print_final_stats=1 "${dict[@]}" ${FUZZ_ARGS:-} \
  "$work_corpus" "fuzz/corpus/$target" >"$log" 2>&1
status=$?

grep -E "^(#[0-9]+ +(INITED|DONE)|Done [0-9]+ runs|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)" "$log" | tail -6
if [ "$status" = 0 ]; then
  echo "== fuzz: $target: nothing found in ${seconds}s"
  exit 0
fi
# The finding: libFuzzer's report, then the file it wrote.
grep -E -m1 -B2 -A40 "^(==[0-9]+==|ERROR: libFuzzer|.*Fatal error|SUMMARY)" "$log" | head -60 >&2
finding=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
echo "== fuzz: $target: FINDING (libFuzzer exit $status); full log: $log" >&2
if [ -n "$finding" ]; then
  echo "$finding"
else
  echo "== fuzz: no input was written (see the log)" >&2
fi
exit 1
