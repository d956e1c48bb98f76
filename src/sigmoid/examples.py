"""Ready-made perceptron circuits from chapter 1: the NAND gate and an adder built only of NANDs.

The perceptron with weights −2, −2 and bias 3 computes NAND: z = 3 − 2x₁ − 2x₂ is 3, 1, 1 and −1
for the inputs 00, 01, 10 and 11, so the output is 1, 1, 1, 0. NAND is universal, so any logical
function can be built from such perceptrons; :func:`add_bits` adds two bits with five of them:

    g = NAND(x₁, x₂)
    sum   = NAND(NAND(x₁, g), NAND(x₂, g))     (x₁ XOR x₂)
    carry = NAND(g, g)                          (x₁ AND x₂)
"""

from __future__ import annotations

import numpy as np

from sigmoid.neuron import Perceptron

__all__ = ["add_bits", "nand", "nand_perceptron"]


def nand_perceptron() -> Perceptron:
    """A new NAND perceptron: weights (−2, −2), bias 3."""
    return Perceptron([-2.0, -2.0], 3.0)


_NAND = nand_perceptron()


def _bits(name: str, value: object) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "biuf" or not np.isin(array, (0, 1)).all():
        raise ValueError(f"{name} must be a bit (0 or 1) or an array of bits, got {value!r}")
    return array.astype(np.int64)


def nand(a: object, b: object) -> np.ndarray | int:
    """NAND of two bits (or of two arrays of bits, elementwise), computed by the NAND perceptron."""
    a, b = np.broadcast_arrays(_bits("a", a), _bits("b", b))
    out = np.asarray(_NAND.output(np.stack([a, b], axis=-1).reshape(-1, 2))).astype(np.int64)
    out = out.reshape(a.shape)
    return int(out) if out.ndim == 0 else out


def add_bits(x1: object, x2: object) -> tuple[np.ndarray | int, np.ndarray | int]:
    """(sum, carry) of the bits ``x1 + x2``, by a circuit of five NAND perceptrons.

    Works elementwise on arrays of bits; for two ints it returns two ints.
    """
    x1, x2 = _bits("x1", x1), _bits("x2", x2)
    gate = nand(x1, x2)
    total = nand(nand(x1, gate), nand(x2, gate))
    carry = nand(gate, gate)
    return total, carry
