"""Initialisers: shapes, dtypes, the spread of N(0, 1) and N(0, 1/n_in), determinism by seed."""

from __future__ import annotations

import numpy as np
import pytest

from sigmoid import initializers
from sigmoid.network import Network

# A sample of N values from N(0, s²) has a standard deviation within about s·(1 ± 1/√(2N)) and a mean
# within about ± s/√N; the tolerances below are more than five of those standard errors.
FAN_IN, FAN_OUT = 400, 250  # 100,000 weights


@pytest.mark.parametrize(("name", "weight_std"), [("large", 1.0), ("normalized", 1 / np.sqrt(FAN_IN))])
def test_spread(name, weight_std):
    weights, biases = initializers.get(name)(FAN_IN, FAN_OUT, rng=np.random.default_rng(7))
    assert weights.shape == (FAN_IN, FAN_OUT)
    assert biases.shape == (FAN_OUT,)
    n = weights.size
    assert abs(weights.std() / weight_std - 1) < 5 / np.sqrt(2 * n)
    assert abs(weights.mean() / weight_std) < 5 / np.sqrt(n)
    # Biases are N(0, 1) for both (250 values: a looser check of the spread).
    assert abs(biases.std() - 1) < 5 / np.sqrt(2 * FAN_OUT)


@pytest.mark.parametrize("name", initializers.NAMES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_and_determinism(name, dtype):
    init = initializers.get(name)
    first = init(3, 2, rng=np.random.default_rng(1), dtype=dtype)
    second = init(3, 2, rng=np.random.default_rng(1), dtype=dtype)
    other = init(3, 2, rng=np.random.default_rng(2), dtype=dtype)
    for a, b, c in zip(first, second, other, strict=True):
        assert a.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)


def test_normalized_is_large_scaled_by_one_over_root_fan_in():
    # The same draws, divided by √n_in: an independent statement of the two definitions.
    w_large, b_large = initializers.large(9, 4, rng=np.random.default_rng(3))
    w_norm, b_norm = initializers.normalized(9, 4, rng=np.random.default_rng(3))
    np.testing.assert_allclose(w_norm, w_large / 3, rtol=1e-15)
    np.testing.assert_array_equal(b_norm, b_large)


def test_network_uses_the_named_initialiser():
    large = Network([900, 40, 10], init="large", dtype="float64", rng=5)
    normalized = Network([900, 40, 10], init="normalized", dtype="float64", rng=5)
    assert abs(large.weights[0].std() - 1) < 0.02
    assert abs(normalized.weights[0].std() * 30 - 1) < 0.02
    assert abs(normalized.weights[1].std() * np.sqrt(40) - 1) < 0.1


def test_unknown_name():
    with pytest.raises(ValueError, match=r"unknown init 'xavier'.*large, normalized"):
        initializers.get("xavier")
    with pytest.raises(ValueError, match="unknown init"):
        Network([2, 1], init="zeros")
