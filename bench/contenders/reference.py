r"""The reference baseline: the book's algorithm written the straightforward way.

Column vectors ``(784, 1)``, weights stored as the book's ``w[l]`` of shape ``(fan_out, fan_in)``,
and a Python loop over the examples of each mini-batch: for every example, a forward pass and
backpropagation,

.. math::

    \delta^L = (a^L - y) \odot \sigma'(z^L), \qquad
    \delta^l = (w^{l+1})^T \delta^{l+1} \odot \sigma'(z^l), \qquad
    \partial C/\partial w^l = \delta^l (a^{l-1})^T, \qquad \partial C/\partial b^l = \delta^l,

summed over the mini-batch, then one step ``w -= (eta / m) * sum``. This is the speed a reader
gets from a literal transcription of chapter 1; every other contender is compared with it.
"""

from __future__ import annotations

import numpy as np

from contenders import LEARNING_RATE, Setup, permutation


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) as the book writes it; exp(−z) overflows to inf for z ≪ 0, giving exactly 0 (callers
    silence that warning once per epoch, not per call, so as not to slow the baseline)."""
    return 1.0 / (1.0 + np.exp(-z))


class Reference:
    """Per-example backpropagation with column vectors (the chapter-1 algorithm)."""

    name = "reference (per-example)"

    def __init__(self, setup: Setup) -> None:
        dtype = np.dtype(setup.dtype)
        self.setup = setup
        self.w = [np.ascontiguousarray(W.T, dtype=dtype) for W in setup.weights]
        self.b = [np.asarray(b, dtype=dtype).reshape(-1, 1) for b in setup.biases]
        self.X = setup.data.X_as(setup.dtype)
        self.Y = setup.data.Y_as(setup.dtype)
        self.eta = dtype.type(LEARNING_RATE)

    def train_epoch(self, epoch_seed: int) -> None:
        order = permutation(epoch_seed, self.X.shape[0])
        m = self.setup.batch_size
        with np.errstate(over="ignore"):
            for start in range(0, order.size, m):
                self._update_mini_batch(order[start : start + m])

    def _update_mini_batch(self, batch: np.ndarray) -> None:
        nabla_w = [np.zeros_like(w) for w in self.w]
        nabla_b = [np.zeros_like(b) for b in self.b]
        for i in batch:
            x = self.X[i].reshape(-1, 1)
            y = self.Y[i].reshape(-1, 1)
            delta_w, delta_b = self._backprop(x, y)
            nabla_w = [nw + dw for nw, dw in zip(nabla_w, delta_w, strict=True)]
            nabla_b = [nb + db for nb, db in zip(nabla_b, delta_b, strict=True)]
        step = self.eta / len(batch)
        self.w = [w - step * nw for w, nw in zip(self.w, nabla_w, strict=True)]
        self.b = [b - step * nb for b, nb in zip(self.b, nabla_b, strict=True)]

    def _backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
        activation, activations = x, [x]
        for w, b in zip(self.w, self.b, strict=True):
            activation = _sigmoid(w @ activation + b)
            activations.append(activation)
        a = activations[-1]
        delta = (a - y) * a * (1 - a)  # quadratic cost: dC/da = a - y; sigma' = a(1 - a)
        nabla_w = [None] * len(self.w)
        nabla_b = [None] * len(self.b)
        nabla_w[-1], nabla_b[-1] = delta @ activations[-2].T, delta
        for layer in range(2, len(self.w) + 1):
            a = activations[-layer]
            delta = (self.w[-layer + 1].T @ delta) * a * (1 - a)
            nabla_w[-layer], nabla_b[-layer] = delta @ activations[-layer - 1].T, delta
        return nabla_w, nabla_b

    def accuracy(self) -> float:
        """Test accuracy, computed for the whole test set at once (not timed)."""
        a = self.setup.data.X_test_as(self.setup.dtype).T
        with np.errstate(over="ignore"):
            for w, b in zip(self.w, self.b, strict=True):
                a = _sigmoid(w @ a + b)
        return float(np.mean(np.argmax(a, axis=0) == self.setup.data.y_test))
