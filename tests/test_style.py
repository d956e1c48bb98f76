"""The code stays ruff-clean: the linter and the formatter's check run as part of the suite."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> list[str] | None:
    beside_python = Path(sys.executable).with_name("ruff")
    if beside_python.exists():
        return [str(beside_python)]
    found = shutil.which("ruff")
    return [found] if found else None


@pytest.mark.skipif(_ruff() is None, reason="ruff is not installed (pip install -e '.[test]')")
def test_ruff_check_passes():
    folders = [name for name in ("src", "tests", "bench", "scripts") if (ROOT / name).is_dir()]
    result = subprocess.run(
        [*_ruff(), "check", *folders],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(_ruff() is None, reason="ruff is not installed (pip install -e '.[test]')")
def test_ruff_format_leaves_the_code_as_it_is():
    folders = [name for name in ("src", "tests", "bench", "scripts") if (ROOT / name).is_dir()]
    result = subprocess.run(
        [*_ruff(), "format", "--check", *folders],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
