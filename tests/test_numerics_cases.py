"""Every case of ``numerics.json`` for σ, σ', softmax and log-softmax, via the public functions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from casedata import assert_matches, case_id, case_input, numerics_cases

import sigmoid

FUNCTIONS = {
    "sigmoid": sigmoid.sigmoid,
    "sigmoid_prime": sigmoid.sigmoid_prime,
    "softmax": sigmoid.softmax,
    "log_softmax": sigmoid.log_softmax,
}
CASES = numerics_cases(*FUNCTIONS)


def test_the_cases_are_there():
    assert {case["function"] for case in CASES} == set(FUNCTIONS)
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(case):
    z = case_input(case)
    with warnings.catch_warnings():
        if not case["warnings_allowed"]:
            warnings.simplefilter("error")
        got = FUNCTIONS[case["function"]](z)
    assert_matches(got, case)
    expected_dtype = z.dtype if z.dtype.kind == "f" else np.dtype(np.float64)
    assert np.asarray(got).dtype == expected_dtype


SCALAR_FLOAT64_CASES = [c for c in CASES if np.ndim(c["args"][0]) == 0 and c["dtype"] == "float64"]


@pytest.mark.parametrize("case", SCALAR_FLOAT64_CASES, ids=case_id)
def test_case_as_a_python_number(case):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = FUNCTIONS[case["function"]](float(case["args"][0]))
    assert_matches(got, case)
