"""The tests' copy of the hand-checked cases must match ``../shared/cases`` wherever that exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from casedata import CASES_DIR

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "cases"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/cases is not beside this clone")
def test_copy_matches_shared_cases():
    assert _files(CASES_DIR) == _files(SHARED)


def test_copy_is_complete():
    names = set(_files(CASES_DIR))
    assert "numerics.json" in names
    assert "files/evil.pkl.gz" in names
