#!/usr/bin/env python3
"""Writes the expectation comments (# exit/# stdout/# stderr) of golden scripts from an
actual run, the way tests/golden runs them. Review `git diff` before committing: blessing
records what the binary does, it does not decide that it is right.

Usage: python3 tests/bless.py tests/scripts/some/script.ami ...
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden"))
import golden  # noqa: E402

simulators = golden.Simulators()
try:
    for path in sys.argv[1:]:
        relative = os.path.relpath(os.path.abspath(path), golden.ROOT)
        print(f"== {relative}\n" + "\n".join(golden.bless(relative, simulators)))
finally:
    simulators.stop()
