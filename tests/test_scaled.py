"""ScaledArray: integer values standing for values · scale, converted row by row."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from sigmoid import Network, ScaledArray


def test_rows_with_a_power_of_two_scale_are_exact():
    data = ScaledArray(np.array([[0, 128, 255], [1, 64, 32]], dtype=np.uint8), 1 / 256)
    assert data.shape == (2, 3)
    assert data.ndim == 2
    assert len(data) == 2
    row = data.rows(0)
    assert row.dtype == np.float32
    np.testing.assert_array_equal(row, [0.0, 0.5, 255 / 256])
    np.testing.assert_array_equal(
        data.rows([1, 0], "float64"), [[1 / 256, 0.25, 0.125], [0.0, 0.5, 255 / 256]]
    )
    np.testing.assert_array_equal(data.rows(slice(1, 2), "float64"), [[1 / 256, 0.25, 0.125]])
    whole = data.to_float("float64")
    assert whole.dtype == np.float64
    np.testing.assert_array_equal(whole, data.values / 256)


def test_rows_leave_the_values_alone():
    values = np.array([[3, 4]], dtype=np.uint8)
    data = ScaledArray(values, 0.5)
    data.rows(slice(None))
    data.to_float()
    np.testing.assert_array_equal(values, [[3, 4]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_scale_one_over_255_is_close_to_the_exact_quotient(dtype):
    # Every pixel value k: k·fl(1/255) against k/255 computed exactly, in units of the last place.
    k = np.arange(256, dtype=np.uint8)
    got = ScaledArray(k, 1 / 255).rows(slice(None), dtype)
    for value, result in zip(k, got, strict=True):
        exact = Fraction(int(value), 255)
        spacing = Fraction(float(np.spacing(np.asarray(float(exact), dtype=dtype))))
        assert abs(Fraction(float(result)) - exact) <= Fraction(3, 2) * spacing, (value, result)


def test_integer_kinds_accepted():
    for dtype in (np.int8, np.int64, np.uint16, np.bool_):
        ScaledArray(np.zeros((2, 2), dtype=dtype), 0.1)


@pytest.mark.parametrize(
    "values", [np.zeros((2, 2)), np.zeros((2, 2), np.float32), [[1, 2]], np.array([["a"]])]
)
def test_non_integer_values_refused(values):
    with pytest.raises(TypeError, match="integer NumPy array"):
        ScaledArray(values, 1 / 255)


@pytest.mark.parametrize("scale", [0, 0.0, -1 / 255, float("nan"), float("inf"), "1/255", None])
def test_bad_scale_refused(scale):
    with pytest.raises(ValueError, match=r"scale must be a finite number > 0, got"):
        ScaledArray(np.zeros((1, 1), np.uint8), scale)


def test_network_accepts_scaled_inputs_like_floats():
    values = np.array([[0, 255, 17], [100, 3, 0]], dtype=np.uint8)
    data = ScaledArray(values, 1 / 256)
    for dtype in ("float32", "float64"):
        net = Network([3, 4, 2], dtype=dtype, rng=0)
        floats = values.astype(dtype) / 256
        np.testing.assert_array_equal(net.feedforward(data), net.feedforward(floats))
        assert net.accuracy(data, [1, 0]) == net.accuracy(floats, [1, 0])
        assert net.total_cost(data, [1, 0], l2=3.0) == net.total_cost(floats, [1, 0], l2=3.0)
    with pytest.raises(ValueError, match=r"must have 4 features .*got shape \(2, 3\)"):
        Network([4, 2]).feedforward(data)
