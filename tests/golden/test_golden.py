"""Every script under tests/scripts, run by the built amiscript against amisim, is its own
test case (`pytest tests/golden -q`, `pytest --collect-only` lists them by path): its
stdout, stderr and exit code must be exactly what its comments say (tests/golden/golden.py)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden  # noqa: E402

SCRIPTS = golden.scripts()


@pytest.fixture(scope="module")
def simulators():
    pool = golden.Simulators()
    yield pool
    pool.stop()


def test_the_suite_is_whole():
    assert len(SCRIPTS) > 60
    malformed = [s for s in SCRIPTS if golden.expectation(open(os.path.join(golden.ROOT, s)).read()).exit == 65]
    assert len(malformed) >= 30, "at least 30 malformed scripts with their diagnostics"


@pytest.mark.parametrize("script", SCRIPTS, ids=[s[len("tests/scripts/"):] for s in SCRIPTS])
def test_golden_script(script, simulators):
    expected, result = golden.run(script, simulators)
    assert result.stdout == expected.stdout, f"{script}: stdout"
    assert result.stderr == expected.stderr, f"{script}: stderr"
    assert result.returncode == expected.exit, f"{script}: exit code"
