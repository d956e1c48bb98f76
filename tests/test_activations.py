"""Tests for sigmoid.activations, with reference values from mpmath (40 significant digits)."""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest

from sigmoid import activations
from sigmoid.activations import (
    NAMES,
    NoDerivativeError,
    as_float_array,
    get,
    log_softmax,
    sigmoid,
    sigmoid_prime,
    softmax,
)

MP = mpmath.MPContext()
MP.dps = 40

# Past these |z| the results are 0 or 1 (or subnormal), and the band where e^z is near the unit
# roundoff, where rounding 1 + e^z (as scipy.special.expit does) costs up to 2.5 ulp.
RANGES = {np.float64: 750.0, np.float32: 110.0}
HARD_BANDS = {np.float64: (-37.5, -35.5), np.float32: (-17.5, -15.5)}


def _points(dtype: type) -> np.ndarray:
    """Over 10,000 points spread over the whole range of ``dtype``, both signs."""
    rng = np.random.default_rng(20240601)
    edge = RANGES[dtype]
    huge = np.log10(np.finfo(dtype).max) - 0.01
    tiny = np.log10(np.finfo(dtype).smallest_subnormal)
    magnitudes = np.concatenate(
        [
            np.logspace(-12, np.log10(edge), 3000),  # the interesting part, densely
            np.logspace(tiny, huge, 300),  # everything else a float can be
        ]
    )
    points = np.concatenate(
        [
            magnitudes,
            -magnitudes,
            rng.uniform(-edge, edge, 2000),
            rng.uniform(-40.0, 40.0, 2000),
            rng.uniform(*HARD_BANDS[dtype], 2000),
            [0.0, -0.0],
        ]
    )
    return np.unique(points.astype(dtype))


def _mp_sigmoid(z: float) -> mpmath.mpf:
    return 1 / (1 + MP.exp(-MP.mpf(z)))


class Reference:
    """mpmath values of σ(z) and σ'(z) = σ(z)σ(−z) at the points, as float64 hi + lo pairs."""

    def __init__(self, dtype: type) -> None:
        self.z = _points(dtype)
        sig = [_mp_sigmoid(float(v)) for v in self.z]
        prime = [s * _mp_sigmoid(-float(v)) for s, v in zip(sig, self.z, strict=True)]
        self.sigmoid = self._split(sig)
        self.prime = self._split(prime)

    @staticmethod
    def _split(values: list) -> tuple[np.ndarray, np.ndarray]:
        hi = np.array([float(v) for v in values])
        lo = np.array([float(v - MP.mpf(h)) for v, h in zip(values, hi, strict=True)])
        return hi, lo


@pytest.fixture(scope="module", params=[np.float64, np.float32], ids=["float64", "float32"])
def reference(request) -> tuple[type, Reference]:
    return request.param, Reference(request.param)


def _ulps(got: np.ndarray, exact: tuple[np.ndarray, np.ndarray], dtype: type) -> np.ndarray:
    """|got − exact| in units in the last place of ``dtype`` at the correctly rounded value."""
    hi, lo = exact
    error = np.abs((got.astype(np.float64) - hi) - lo)
    return error / np.spacing(np.abs(hi).astype(dtype)).astype(np.float64)


def test_points_cover_the_range(reference):
    dtype, ref = reference
    assert ref.z.size >= 10_000
    assert ref.z.min() <= -np.finfo(dtype).max / 10 and ref.z.max() >= np.finfo(dtype).max / 10


def test_sigmoid_within_2_ulp_where_normal(reference):
    dtype, ref = reference
    got = sigmoid(ref.z)
    assert got.dtype == dtype
    normal = np.abs(ref.sigmoid[0]) >= np.finfo(dtype).tiny
    ulps = _ulps(got, ref.sigmoid, dtype)
    worst = np.argmax(np.where(normal, ulps, 0))
    assert ulps[normal].max() <= 2.0, f"sigmoid({ref.z[worst]!r}) is {ulps[worst]} ulp off"
    assert normal.sum() > 9_000


def test_sigmoid_subnormal_tail_is_small_and_never_negative(reference):
    dtype, ref = reference
    got = sigmoid(ref.z).astype(np.float64)
    tail = np.abs(ref.sigmoid[0]) < np.finfo(dtype).tiny
    assert tail.any()
    assert (got[tail] >= 0).all()
    assert (np.abs(got[tail] - ref.sigmoid[0][tail]) <= np.finfo(dtype).smallest_subnormal).all()


def test_sigmoid_prime_within_4_ulp_where_normal(reference):
    dtype, ref = reference
    got = sigmoid_prime(ref.z)
    assert got.dtype == dtype
    normal = np.abs(ref.prime[0]) >= np.finfo(dtype).tiny
    ulps = _ulps(got, ref.prime, dtype)
    worst = np.argmax(np.where(normal, ulps, 0))
    assert ulps[normal].max() <= 4.0, f"sigmoid_prime({ref.z[worst]!r}) is {ulps[worst]} ulp off"
    assert normal.sum() > 9_000


def test_float16_is_correctly_rounded_or_nearly():
    z = np.linspace(-20, 20, 801).astype(np.float16)
    got = sigmoid(z)
    assert got.dtype == np.float16
    exact = np.array([float(_mp_sigmoid(float(v))) for v in z])
    spacing = np.spacing(np.abs(exact).astype(np.float16)).astype(np.float64)
    assert (np.abs(got.astype(np.float64) - exact) <= spacing).all()


def test_hand_values():
    # σ(0) = 1/2, σ'(0) = 1/4, σ(ln 3) = 3/4 and σ'(ln 3) = 3/16: exact in binary.
    assert sigmoid(0.0) == 0.5
    assert sigmoid_prime(0.0) == 0.25
    assert sigmoid(np.log(3.0)) == pytest.approx(0.75, rel=1e-15)
    assert sigmoid_prime(np.log(3.0)) == pytest.approx(3 / 16, rel=1e-15)


def test_limits_and_symmetry():
    assert sigmoid(-1e308) == 0.0 and sigmoid(1e308) == 1.0
    assert sigmoid(-np.inf) == 0.0 and sigmoid(np.inf) == 1.0
    z = np.linspace(-30, 30, 121)
    np.testing.assert_allclose(sigmoid(-z), 1 - sigmoid(z), rtol=0, atol=3e-16)
    np.testing.assert_array_equal(sigmoid_prime(-z), sigmoid_prime(z))
    assert (np.diff(sigmoid(z)) > 0).all()


def test_sigmoid_prime_does_not_round_to_zero_where_sigma_rounds_to_one():
    assert sigmoid(40.0) == 1.0
    assert sigmoid_prime(40.0) == pytest.approx(float(MP.exp(-40) / (1 + MP.exp(-40)) ** 2), rel=1e-15)
    assert sigmoid_prime(np.float32(20.0)) > 0


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_float_dtype_is_kept(dtype, name):
    activation = get(name)
    z = np.array([[-2.0, 0.0, 3.0]], dtype=dtype)
    assert activation.value(z).dtype == dtype
    if name not in ("step", "softmax"):
        assert activation.derivative(z).dtype == dtype
    for function in (sigmoid, sigmoid_prime, softmax, log_softmax):
        assert function(z).dtype == dtype


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int32, np.int64, np.uint64, np.bool_])
def test_integers_and_bools_become_float64_before_anything(dtype):
    z = np.array([1, 0], dtype=dtype)
    np.testing.assert_allclose(sigmoid(z), [float(_mp_sigmoid(1.0)), 0.5], rtol=1e-16)
    assert sigmoid(z).dtype == np.float64
    # uint8: −200 must not wrap around to 56.
    assert sigmoid(np.array([200], dtype=np.uint8))[0] == 1.0


def test_python_numbers_and_lists():
    assert isinstance(sigmoid(1), float)
    assert sigmoid(True) == sigmoid(1.0)
    np.testing.assert_array_equal(sigmoid([0, 0.0]), [0.5, 0.5])
    np.testing.assert_array_equal(softmax([[0, 0], [5, 5]]), [[0.5, 0.5], [0.5, 0.5]])


@pytest.mark.parametrize(
    "bad",
    [np.array([1.0, "x"], dtype=object), ["a", "b"], np.array([1 + 2j]), np.array(["1.0"])],
    ids=["object", "strings", "complex", "numeric-string"],
)
@pytest.mark.parametrize("function", [sigmoid, sigmoid_prime, softmax, log_softmax])
def test_non_numbers_are_a_clear_type_error(function, bad):
    with pytest.raises(TypeError, match="expected real numbers.*dtype"):
        function(bad)


def test_as_float_array_keeps_float_arrays_without_copy():
    z = np.zeros((3, 4), dtype=np.float32)
    assert as_float_array(z) is z


EXTREMES = np.array(
    [
        -np.finfo(np.float64).max,
        -1e300,
        -745.5,
        -710.0,
        -40.0,
        -5e-324,
        -0.0,
        0.0,
        5e-324,
        1e-300,
        36.7,
        710.0,
        1e300,
        np.finfo(np.float64).max,
    ]
)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_no_floating_point_warning_for_any_finite_input(name, dtype):
    activation = get(name)
    z = EXTREMES.astype(dtype) if dtype == np.float64 else _finite_extremes(dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        values = [activation.value(z), activation.value(z.reshape(2, -1))]
        if name not in ("step", "softmax"):
            values.append(activation.derivative(z))
        values += [sigmoid(z), sigmoid_prime(z), softmax(z), log_softmax(z)[:-1]]
    for value in values[:-1]:
        assert not np.isnan(value).any()


def _finite_extremes(dtype: type) -> np.ndarray:
    info = np.finfo(dtype)
    values = [
        -info.max,
        -100.0,
        -20.0,
        -info.smallest_subnormal,
        0.0,
        info.smallest_subnormal,
        20.0,
        100.0,
        info.max,
        1.0,
    ]
    return np.array(values, dtype=dtype)


def test_softmax_of_a_row_wider_than_the_float_range():
    big = np.finfo(np.float64).max
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(softmax([big, -big]), [1.0, 0.0])
        assert log_softmax([big, -big])[0] == 0.0


@pytest.mark.parametrize("name", NAMES)
def test_nan_in_gives_nan_out(name):
    activation = get(name)
    z = np.array([np.nan, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(activation.value(z)[0])
        if name not in ("step", "softmax"):
            assert np.isnan(activation.derivative(z)[0])
            assert activation.derivative(z)[1] == activation.derivative(np.array([1.0]))[0]
        if name != "softmax":
            assert activation.value(z)[1] == activation.value(np.array([1.0]))[0]
    assert np.isnan(sigmoid(np.nan)) and np.isnan(sigmoid_prime(np.nan))
    assert np.isnan(softmax(z)).all() and np.isnan(log_softmax(z)).all()


def test_softmax_against_mpmath_over_the_last_axis():
    z = np.array([[1.0, 2.0, 3.0], [-5.0, 0.5, 0.25], [700.0, 699.0, -700.0]])
    got = softmax(z)
    got_log = log_softmax(z)
    for row, out, out_log in zip(z, got, got_log, strict=True):
        total = sum(MP.exp(MP.mpf(v)) for v in row)
        exact = [MP.exp(MP.mpf(v)) / total for v in row]
        np.testing.assert_allclose(out, [float(v) for v in exact], rtol=1e-15, atol=1e-300)
        np.testing.assert_allclose(out_log, [float(MP.log(v)) for v in exact], rtol=1e-15)
    np.testing.assert_allclose(got.sum(axis=-1), 1.0, rtol=2e-16)


def test_softmax_is_shift_invariant_and_rowwise():
    rng = np.random.default_rng(5)
    z = rng.normal(size=(4, 7))
    np.testing.assert_allclose(softmax(z + 1000.0), softmax(z), rtol=1e-12)
    np.testing.assert_allclose(softmax(z)[2], softmax(z[2]), rtol=0)
    np.testing.assert_allclose(np.exp(log_softmax(z)), softmax(z), rtol=1e-14)
    assert softmax(z.reshape(2, 2, 7)).shape == (2, 2, 7)


@pytest.mark.parametrize("function", [softmax, log_softmax])
def test_softmax_needs_a_last_axis(function):
    with pytest.raises(ValueError, match="at least one value along the last axis"):
        function(3.0)
    with pytest.raises(ValueError, match="at least one value along the last axis"):
        function(np.zeros((2, 0)))


def test_step():
    step = get("step")
    np.testing.assert_array_equal(step.value([-1.0, -0.0, 0.0, 5e-324, 2.0]), [0, 0, 0, 1, 1])
    with pytest.raises(NoDerivativeError, match="cannot learn by gradient descent"):
        step.derivative([1.0])


def test_relu_and_its_derivative_at_zero():
    relu = get("relu")
    np.testing.assert_array_equal(relu.value([-2.0, 0.0, 3.0]), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(relu.derivative([-2.0, 0.0, -0.0, 3.0]), [0.0, 0.0, 0.0, 1.0])


def test_tanh_derivative_far_out_does_not_round_to_zero():
    tanh = get("tanh")
    for z in (0.5, -3.0, 20.0, -300.0):
        exact = 1 / MP.cosh(MP.mpf(z)) ** 2
        assert tanh.derivative(z) == pytest.approx(float(exact), rel=4e-16)
    assert tanh.value(20.0) == 1.0  # 1 − tanh² would give 0 here


def test_identity():
    identity = get("identity")
    z = np.array([-3.0, 0.0, 7.5])
    out = identity.value(z)
    np.testing.assert_array_equal(out, z)
    out[0] = 99.0
    assert z[0] == -3.0  # a copy, not a view of the input
    np.testing.assert_array_equal(identity.derivative(z), [1.0, 1.0, 1.0])


def test_softmax_derivative_explains_the_pairing():
    with pytest.raises(NoDerivativeError, match="a − y"):
        get("softmax").derivative([[1.0, 2.0]])
    np.testing.assert_allclose(get("softmax").value([1.0, 1.0]), [0.5, 0.5])


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity"])
def test_derivatives_match_central_differences(name):
    activation = get(name)
    z = np.array([-6.0, -1.3, -0.2, 0.37, 1.0, 4.5])
    h = 1e-6
    numeric = (activation.value(z + h) - activation.value(z - h)) / (2 * h)
    np.testing.assert_allclose(activation.derivative(z), numeric, rtol=1e-8, atol=1e-10)


def test_registry():
    assert NAMES == ("sigmoid", "step", "tanh", "relu", "identity", "softmax")
    for name in NAMES:
        assert get(name).name == name
        assert get(name.upper()) is get(name)
        assert get(get(name)) is get(name)
    with pytest.raises(ValueError, match="unknown activation 'sigmod'.*sigmoid, step, tanh"):
        get("sigmod")
    with pytest.raises(ValueError, match="unknown activation 3"):
        get(3)


def test_module_docstring_states_the_formula_with_its_signs():
    doc = activations.__doc__ + sigmoid.__doc__
    assert r"\frac{1}{1 + e^{-z}}" in doc and r"\exp(-\sum_j w_j x_j - b)" in doc
    assert r"\sigma(z) \to 0` as :math:`z \to -\infty" in doc


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize(
    ("z", "expected"),
    [
        # The limits: the +inf entries share the mass evenly, −inf entries get none; a row of −inf
        # only counts as equal entries (as softmax([c, c]) for any c).
        ([np.inf, 0.0], [1.0, 0.0]),
        ([0.0, np.inf], [0.0, 1.0]),
        ([np.inf, np.inf, 0.0], [0.5, 0.5, 0.0]),
        ([np.inf, -np.inf, np.inf, 5.0], [0.5, 0.0, 0.5, 0.0]),
        ([-np.inf, 0.0], [0.0, 1.0]),
        ([-np.inf, 0.0, 0.0], [0.0, 0.5, 0.5]),
        ([-np.inf, -np.inf], [0.5, 0.5]),
        ([-np.inf, -np.inf, -np.inf, -np.inf], [0.25, 0.25, 0.25, 0.25]),
        ([np.inf], [1.0]),
        ([-np.inf], [1.0]),
    ],
)
def test_softmax_of_infinite_entries_is_the_limit(z, expected, dtype):
    z = np.array(z, dtype=dtype)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        got, got_log = softmax(z), log_softmax(z)
    assert got.dtype == got_log.dtype == dtype
    np.testing.assert_array_equal(got, np.array(expected, dtype=dtype))
    # log of the limit: −ln k for k entries sharing the mass, −inf where softmax is 0.
    with np.errstate(divide="ignore"):
        np.testing.assert_array_equal(got_log, np.log(np.array(expected)).astype(dtype))


def test_softmax_of_infinite_entries_row_by_row():
    # Each row is treated on its own: an infinite row does not disturb its finite neighbour, and a
    # row holding NaN stays NaN even beside +inf.
    z = np.array([[np.inf, 0.0], [0.0, np.log(3.0)], [np.nan, np.inf], [-np.inf, -np.inf]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got, got_log = softmax(z), log_softmax(z)
    np.testing.assert_allclose(got[[0, 1, 3]], [[1.0, 0.0], [0.25, 0.75], [0.5, 0.5]], rtol=1e-15)
    np.testing.assert_allclose(got_log[1], [np.log(0.25), np.log(0.75)], rtol=1e-15)
    assert got_log[0].tolist() == [0.0, -np.inf]
    assert got_log[3].tolist() == [-np.log(2.0)] * 2
    assert np.isnan(got[2]).all() and np.isnan(got_log[2]).all()
