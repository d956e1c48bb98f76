r"""Weight initialisation. Each initialiser returns ``(weights, biases)`` for one layer.

``weights`` has shape ``(fan_in, fan_out)`` and ``biases`` ``(fan_out,)``; every initialiser takes
an explicit ``numpy.random.Generator`` so that the same seed gives the same network.

- ``"large"``: w, b ~ N(0, 1), the book's chapter 1. With 784 inputs z has a standard deviation
  near √(n_in/2 + 1) ≈ 20, so hidden sigmoids start saturated and learning starts slowly.
- ``"normalized"``: w ~ N(0, 1/n_in), b ~ N(0, 1), the book's chapter 3 default; z then has a
  standard deviation near √(3/2) whatever n_in is.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Initializer = Callable[..., tuple[np.ndarray, np.ndarray]]


def large(fan_in: int, fan_out: int, *, rng: np.random.Generator, dtype="float64"):
    """Weights and biases drawn from N(0, 1)."""
    weights = rng.standard_normal((fan_in, fan_out)).astype(dtype)
    biases = rng.standard_normal(fan_out).astype(dtype)
    return weights, biases


def normalized(fan_in: int, fan_out: int, *, rng: np.random.Generator, dtype="float64"):
    """Weights drawn from N(0, 1/fan_in), biases from N(0, 1)."""
    weights = (rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(dtype)
    biases = rng.standard_normal(fan_out).astype(dtype)
    return weights, biases


INITIALIZERS: dict[str, Initializer] = {"large": large, "normalized": normalized}
NAMES = tuple(INITIALIZERS)


def get(name: str) -> Initializer:
    """The initialiser called ``name`` (one of :data:`NAMES`)."""
    try:
        return INITIALIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown init {name!r}; choose one of {', '.join(NAMES)}") from None
