"""Costs: the shared cross-entropy cases, values by mpmath and by hand, output errors δ, pairing rules."""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest
from casedata import assert_matches, case_id, case_input, numerics_cases

from sigmoid import activations, costs
from sigmoid.costs import cross_entropy, cross_entropy_from_z

FUNCTIONS = {"cross_entropy_from_z": cross_entropy_from_z, "cross_entropy": cross_entropy}
CASES = numerics_cases(*FUNCTIONS)


def test_the_cross_entropy_cases_are_there():
    assert {case["function"] for case in CASES} == set(FUNCTIONS)
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case(case):
    first, second = case_input(case, 0), case_input(case, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = FUNCTIONS[case["function"]](first, second)
    assert np.isfinite(got).all()
    assert_matches(got, case)


def _mp_cross_entropy(z: float, y: float) -> float:
    """−[y ln σ(z) + (1 − y) ln(1 − σ(z))] in 50-digit arithmetic."""
    with mpmath.workdps(50):
        s = 1 / (1 + mpmath.exp(-mpmath.mpf(z)))
        return float(-(y * mpmath.log(s) + (1 - y) * mpmath.log(1 - s)))


@pytest.mark.parametrize("z", [-30.0, -5.5, -1.0, -1e-3, 0.0, 0.25, 2.0, 17.0, 36.0])
@pytest.mark.parametrize("y", [0.0, 0.3, 1.0])
def test_cross_entropy_from_z_against_mpmath(z, y):
    got = cross_entropy_from_z(np.array([z]), np.array([y]))
    assert got == pytest.approx(_mp_cross_entropy(z, y), rel=1e-14, abs=1e-300)


def test_cross_entropy_sums_over_the_last_axis_only():
    z = np.array([[0.0, 0.0], [40.0, -50.0]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    # Row 0: ln 2 + ln 2; row 1: softplus(40) + softplus(50) = 40 + 50 to rounding.
    np.testing.assert_allclose(cross_entropy_from_z(z, y), [2 * np.log(2), 90.0], rtol=1e-14)
    a = np.array([[0.5, 0.5], [0.25, 1.0]])
    t = np.array([[1.0, 0.0], [0.0, 1.0]])
    # Row 1: −ln(1 − 0.25) − ln 1 = ln(4/3).
    np.testing.assert_allclose(cross_entropy(a, t), [2 * np.log(2), np.log(4 / 3)], rtol=1e-15)


def test_cross_entropy_keeps_float32():
    got = cross_entropy_from_z(np.array([3.0], np.float32), np.array([1.0], np.float32))
    assert got.dtype == np.float32
    assert float(got) == pytest.approx(0.04858735157374206, rel=1e-6)


def test_quadratic_value_by_hand():
    a = np.array([[0.5, 0.25], [1.0, 0.0]])
    y = np.array([[1.0, 0.0], [1.0, 1.0]])
    # Example 1: ½(0.25 + 0.0625) = 0.15625; example 2: ½(0 + 1) = 0.5; mean 0.328125.
    assert costs.get("quadratic").value(a, y) == 0.328125


def test_cross_entropy_value_with_and_without_z():
    z = np.array([[-2.0, 0.5], [3.0, -0.25]])
    y = np.array([[0.0, 1.0], [1.0, 0.4]])
    per_example = [
        sum(_mp_cross_entropy(zj, yj) for zj, yj in zip(zr, yr, strict=True))
        for zr, yr in zip(z, y, strict=True)
    ]
    expected = np.mean(per_example)
    cost = costs.get("cross-entropy")
    a = activations.get("sigmoid").value(z)
    assert cost.value(a, y, z) == pytest.approx(expected, rel=1e-14)
    assert cost.value(a, y) == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_saturated_output_is_finite_from_z():
    # σ(40) rounds to 1 in float64, so −ln(1 − a) would be inf; from z it is 40 (+ e^-40).
    z, y = np.array([[40.0]]), np.array([[0.0]])
    a = activations.get("sigmoid").value(z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert costs.get("cross-entropy").value(a, y, z) == pytest.approx(40.0, rel=1e-15)


def _mp_log_likelihood(z_row, label) -> float:
    with mpmath.workdps(50):
        terms = [mpmath.exp(mpmath.mpf(v)) for v in z_row]
        return float(-mpmath.log(terms[label] / mpmath.fsum(terms)))


def test_log_likelihood_value_against_mpmath():
    z = np.array([[1.0, 2.0, -3.0], [0.0, 0.0, 0.0], [700.0, -700.0, 0.5]])
    labels = [1, 2, 2]
    y = np.eye(3)[labels]
    expected = np.mean([_mp_log_likelihood(row, label) for row, label in zip(z, labels, strict=True)])
    cost = costs.get("log-likelihood")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cost.value(activations.get("softmax").value(z), y, z) == pytest.approx(expected, rel=1e-14)
    # Without z, from the activations: −ln a_y (finite rows only; row 3's a_y underflows to e^-699.5).
    a = np.array([[0.25, 0.5, 0.25], [0.1, 0.1, 0.8]])
    assert cost.value(a, np.eye(3)[[1, 2]]) == pytest.approx(-(np.log(0.5) + np.log(0.8)) / 2, rel=1e-15)


def test_output_errors():
    z = np.array([[0.0, 2.0]])
    y = np.array([[1.0, 0.0]])
    sig = activations.get("sigmoid")
    a = sig.value(z)
    s2 = 1 / (1 + np.exp(-2.0))
    # Quadratic: (a − y)·σ'(z); σ'(0) = 1/4, σ'(2) = s2(1 − s2).
    np.testing.assert_allclose(
        costs.get("quadratic").delta(z, a, y, sig), [[(0.5 - 1) * 0.25, s2 * s2 * (1 - s2)]], rtol=1e-14
    )
    # Cross-entropy with sigmoid: a − y (σ' cancels).
    np.testing.assert_allclose(costs.get("cross-entropy").delta(z, a, y, sig), [[-0.5, s2]], rtol=1e-15)
    # Quadratic with identity output: a − y.
    ident = activations.get("identity")
    np.testing.assert_array_equal(costs.get("quadratic").delta(z, z, y, ident), [[-1.0, 2.0]])
    # Log-likelihood with softmax: softmax(z) − y.
    soft = activations.get("softmax")
    p = np.array([[1.0, np.e**2]]) / (1 + np.e**2)
    np.testing.assert_allclose(
        costs.get("log-likelihood").delta(z, soft.value(z), y, soft), p - y, rtol=1e-15
    )


@pytest.mark.parametrize("name", ["cross-entropy", "log-likelihood"])
def test_delta_is_the_derivative_of_the_value(name):
    # Central differences of the per-example cost in z (one example, so the mean is the cost).
    output = "sigmoid" if name == "cross-entropy" else "softmax"
    act, cost = activations.get(output), costs.get(name)
    z = np.array([[0.3, -1.2, 2.0]])
    y = np.array([[0.0, 0.0, 1.0]])
    numeric = np.empty(3)
    h = 1e-6
    for j in range(3):
        plus, minus = z.copy(), z.copy()
        plus[0, j] += h
        minus[0, j] -= h
        numeric[j] = (cost.value(act.value(plus), y, plus) - cost.value(act.value(minus), y, minus)) / (2 * h)
    np.testing.assert_allclose(cost.delta(z, act.value(z), y, act)[0], numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize(
    ("cost", "output"),
    [
        ("quadratic", "softmax"),
        ("quadratic", "step"),
        ("cross-entropy", "tanh"),
        ("cross-entropy", "softmax"),
        ("log-likelihood", "sigmoid"),
    ],
)
def test_unfit_pairs_are_refused(cost, output):
    with pytest.raises(ValueError, match=output):
        costs.get(cost).check_output(activations.get(output))


@pytest.mark.parametrize(
    ("cost", "output"),
    [
        ("quadratic", "sigmoid"),
        ("quadratic", "identity"),
        ("cross-entropy", "sigmoid"),
        ("log-likelihood", "softmax"),
    ],
)
def test_fit_pairs_are_accepted(cost, output):
    costs.get(cost).check_output(activations.get(output))


def test_registry():
    assert set(costs.NAMES) == {"quadratic", "cross-entropy", "log-likelihood"}
    quadratic = costs.get("quadratic")
    assert costs.get(quadratic) is quadratic
    with pytest.raises(ValueError, match=r"unknown cost 'hinge'.*quadratic"):
        costs.get("hinge")
    with pytest.raises(ValueError, match="unknown cost"):
        costs.get(None)


def test_costs_of_infinite_z_are_the_limits():
    # σ(+inf) = 1 and σ(−inf) = 0: an output that agrees with its target costs 0 (its other term has
    # weight 0, and 0·ln 0 counts 0), one that contradicts it costs +inf; no inf·0 = NaN, no warning.
    z = np.array([[np.inf, -np.inf, np.inf, 2.0]])
    y = np.array([[1.0, 0.0, 0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(costs.cross_entropy_from_z(z[:, :2], y[:, :2]), [0.0])
        assert costs.cross_entropy_from_z(z[:, 2:], y[:, 2:]) == [np.inf]
        # softmax([inf, 0, 5]) → [1, 0, 0]: −ln 1 = 0 for label 0, +inf for label 2; a row of
        # [inf, inf, 0] gives each +inf entry 1/2: −ln(1/2) = ln 2 for label 1.
        likelihood = costs.get("log-likelihood")
        zs = np.array([[np.inf, 0.0, 5.0], [np.inf, np.inf, 0.0]])
        assert likelihood.value(None, np.eye(3)[[0, 1]], zs) == pytest.approx(np.log(2.0) / 2, rel=1e-15)
        assert likelihood.value(None, np.eye(3)[[2]], zs[:1]) == np.inf
