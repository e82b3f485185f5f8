#!/usr/bin/env python3
"""One closing line for CI from everything a run printed: XCTest, Swift Testing, pytest and
the plain `N passed, M failed` lines of the shell checks (seed check, install test).

Usage: python3 .ci/summarize.py LOG  ->  prints `tests: N passed, M failed`
"""
import re
import sys

text = open(sys.argv[1], errors="replace").read()
passed = failed = 0

# XCTest: the last "All tests" suite line is followed by its totals.
xc = re.findall(r"Test Suite 'All tests' (?:passed|failed).*\n\s*Executed (\d+) tests?, with (\d+) failures?", text)
if xc:
    run, failures = map(int, xc[-1])
    passed += run - failures
    failed += failures

# Swift Testing: "Test run with N tests ... passed" or "... failed ... with M issues".
for match in re.finditer(r"Test run with (\d+) tests?(?: in \d+ suites?)? (passed|failed)[^\n]*", text):
    count = int(match.group(1))
    issues = re.search(r"with (\d+) issues?", match.group(0))
    bad = int(issues.group(1)) if match.group(2) == "failed" and issues else 0
    passed += count - min(bad, count)
    failed += min(bad, count)

for line in text.splitlines():
    line = line.strip()
    # pytest's closing line: "12 passed, 1 skipped in 3.2s" (with or without = borders).
    if re.fullmatch(r"=*\s*((\d+ \w+(, )?)+) in [\d.]+s( \([\d:]+\))?\s*=*", line):
        counts = dict((word, int(number)) for number, word in re.findall(r"(\d+) (\w+)", line))
        passed += counts.get("passed", 0)
        failed += counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    # The plain line of the shell checks.
    elif re.fullmatch(r"(\d+) passed, (\d+) failed", line):
        a, b = map(int, re.findall(r"\d+", line))
        passed += a
        failed += b

print(f"tests: {passed} passed, {failed} failed")
