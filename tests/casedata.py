"""The hand-checked cases of ``../shared/cases``, read from the tests' own copy in ``tests/data/cases``.

A plain clone carries the copy, so the suite is complete without ``../shared``;
``test_cases_copy.py`` checks that the copy still matches the original wherever that exists.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

CASES_DIR = Path(__file__).parent / "data" / "cases"
FILES_DIR = CASES_DIR / "files"


def numerics_cases(*functions: str) -> list[dict]:
    """The cases of ``numerics.json`` whose ``function`` is one of ``functions``."""
    cases = json.loads((CASES_DIR / "numerics.json").read_text())
    return [case for case in cases if case["function"] in functions]


def case_id(case: dict) -> str:
    return case["id"]


def ulp_distance(got: np.ndarray, expected: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Distance in units in the last place of ``dtype``, counting 0 as 1 ulp from the smallest subnormal."""
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    spacing = np.spacing(np.abs(expected).astype(dtype)).astype(np.float64)
    return np.abs(got - expected) / spacing


def assert_matches(got, case: dict) -> None:
    """Assert ``got`` matches ``case['expected']`` under the case's ``compare`` rule."""
    expected = np.asarray(case["expected"], dtype=np.float64)
    got = np.asarray(got)
    assert got.shape == expected.shape, f"{case['id']}: shape {got.shape} != {expected.shape}"
    assert not np.isnan(got).any(), f"{case['id']}: got NaN"
    values = got.astype(np.float64)
    rule = case["compare"]
    if rule.startswith("ulp:"):
        dtype = np.dtype(case["dtype"]) if case["dtype"].startswith("float") else np.dtype("float64")
        limit = float(rule[4:])
        distance = ulp_distance(values, expected, dtype)
        assert (distance <= limit).all(), f"{case['id']}: {values} is {distance} ulp from {expected}"
        return
    absolute, relative = 0.0, 0.0
    for part in rule.split("+"):
        kind, _, amount = part.partition(":")
        if kind == "abs":
            absolute = float(amount)
        elif kind == "rel":
            relative = float(amount)
        else:
            raise ValueError(f"unknown compare rule {rule!r}")
    error = np.abs(values - expected)
    bound = absolute + relative * np.abs(expected)
    assert (error <= bound).all(), f"{case['id']}: {values} differs from {expected} by {error}"


def case_input(case: dict, index: int = 0) -> np.ndarray:
    """Argument ``index`` of ``case`` as an array of the case's dtype (a 0-d array for a number)."""
    return np.asarray(case["args"][index], dtype=case["dtype"])
