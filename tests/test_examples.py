"""Tests for sigmoid.examples: the NAND perceptron and the adder made of NAND perceptrons."""

from __future__ import annotations

import numpy as np
import pytest

from sigmoid import Perceptron
from sigmoid.examples import add_bits, nand, nand_perceptron


def test_nand_perceptron_by_hand():
    gate = nand_perceptron()
    assert isinstance(gate, Perceptron)
    np.testing.assert_array_equal(gate.weights, [-2.0, -2.0])
    assert gate.bias == 3.0
    inputs = [[0, 0], [0, 1], [1, 0], [1, 1]]
    np.testing.assert_array_equal(gate.z(inputs), [3.0, 1.0, 1.0, -1.0])
    np.testing.assert_array_equal(gate.output(inputs), [1.0, 1.0, 1.0, 0.0])


@pytest.mark.parametrize(("a", "b", "expected"), [(0, 0, 1), (0, 1, 1), (1, 0, 1), (1, 1, 0)])
def test_nand(a, b, expected):
    assert nand(a, b) == expected


@pytest.mark.parametrize(
    ("x1", "x2", "total", "carry"),
    [(0, 0, 0, 0), (0, 1, 1, 0), (1, 0, 1, 0), (1, 1, 0, 1)],
)
def test_adder_sum_and_carry(x1, x2, total, carry):
    assert add_bits(x1, x2) == (total, carry)
    assert all(isinstance(bit, int) for bit in add_bits(x1, x2))
    assert 2 * carry + total == x1 + x2


def test_adder_on_arrays_of_bits():
    total, carry = add_bits(np.array([0, 0, 1, 1]), [0, 1, 0, 1])
    np.testing.assert_array_equal(total, [0, 1, 1, 0])
    np.testing.assert_array_equal(carry, [0, 0, 0, 1])


@pytest.mark.parametrize(
    ("x1", "x2", "message"),
    [(2, 0, "x1 must be a bit"), (0, 0.5, "x2 must be"), (0, "1", "x2 must be a bit")],
)
def test_adder_rejects_non_bits(x1, x2, message):
    with pytest.raises(ValueError, match=message):
        add_bits(x1, x2)
