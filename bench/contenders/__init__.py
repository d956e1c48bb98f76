"""The contenders of the speed benchmark, one module each, all behind one small interface.

Every contender is a class built from the same :class:`Setup` (data, starting weights,
hyperparameters) that offers

* ``train_epoch(epoch_seed)``: one epoch of mini-batch SGD over the training set, visiting the
  examples in the order ``numpy.random.default_rng(epoch_seed).permutation(n)`` where the
  contender lets us choose the order (scikit-learn shuffles with its own generator); it returns
  None, or the seconds of the epoch proper when the call also does one-off setup (ours);
* ``accuracy()``: the fraction of the test set classified correctly (not timed).

Constructing a contender may fail with :class:`Unavailable` (library not installed, our
``training.train`` not written yet); the benchmark then skips it with the message as a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

LEARNING_RATE = 3.0
SIZES = (784, 30, 10)


class Unavailable(Exception):
    """A contender cannot run here; the message says why (shown in the results as a note)."""


@dataclass
class Data:
    """Training and test data, kept contiguous once per dtype so no contender pays for a copy.

    ``X`` is ``(n, 784)`` in [0, 1], ``y`` the digit labels; ``X_as(dtype)`` and ``Y_as(dtype)``
    (one-hot ``(n, 10)``) are cached views in the requested dtype.
    """

    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    _cache: dict = field(default_factory=dict, repr=False)

    def X_as(self, dtype: str) -> np.ndarray:
        return self._cached(("X", dtype), lambda: np.ascontiguousarray(self.X, dtype=dtype))

    def Y_as(self, dtype: str) -> np.ndarray:
        def one_hot() -> np.ndarray:
            Y = np.zeros((self.y.size, SIZES[-1]), dtype=dtype)
            Y[np.arange(self.y.size), self.y] = 1
            return Y

        return self._cached(("Y", dtype), one_hot)

    def X_test_as(self, dtype: str) -> np.ndarray:
        return self._cached(("Xt", dtype), lambda: np.ascontiguousarray(self.X_test, dtype=dtype))

    def _cached(self, key: tuple, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]


@dataclass(frozen=True)
class Setup:
    """What one timed run shares with its peers: data, hyperparameters, starting point.

    ``weights[l]`` is ``(fan_in, fan_out)`` and ``biases[l]`` is ``(fan_out,)`` (row-major, as in
    ``sigmoid.Network``), in float64; every contender that can start from given weights copies them.
    """

    data: Data
    batch_size: int
    dtype: str
    seed: int
    weights: tuple
    biases: tuple
    sklearn_learning_rate: float = 0.5


def permutation(epoch_seed: int, n: int) -> np.ndarray:
    """The order of the training examples in the epoch seeded by ``epoch_seed``."""
    return np.random.default_rng(epoch_seed).permutation(n)
