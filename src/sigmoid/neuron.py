r"""One neuron: the perceptron, the sigmoid neuron that replaces it, and a neuron of any activation.

A neuron with weights :math:`w_j` and bias :math:`b` computes :math:`z = \sum_j w_j x_j + b` and
outputs :math:`f(z)`:

- the perceptron: :math:`f(z) = 1` if :math:`z > 0`, else :math:`0`;
- the sigmoid neuron: :math:`\sigma(z) = 1/(1 + \exp(-\sum_j w_j x_j - b))`, which tends to 0 as
  :math:`z \to -\infty` and to 1 as :math:`z \to +\infty`.

Because σ is smooth, a small change of the weights and bias changes the output a little, to first
order by

.. math:: \Delta\,\mathrm{output} \approx \sum_j \frac{\partial\,\mathrm{output}}{\partial w_j}
          \Delta w_j + \frac{\partial\,\mathrm{output}}{\partial b} \Delta b,
          \qquad \frac{\partial\,\mathrm{output}}{\partial w_j} = f'(z)\,x_j,
          \quad \frac{\partial\,\mathrm{output}}{\partial b} = f'(z),

with an error that shrinks like the square of the change. Multiplying all weights and the bias by
:math:`c > 0` does not change the sign of z, and as :math:`c \to \infty` the sigmoid neuron becomes
the perceptron wherever :math:`z \ne 0` (and stays at :math:`\sigma(0) = 1/2` where :math:`z = 0`).

Inputs ``x`` are one vector of shape ``(n_inputs,)`` or a batch of rows ``(n_samples, n_inputs)``;
results have shape ``x.shape[:-1]`` (a Python float for one vector). Everything is float64.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from sigmoid import activations
from sigmoid.activations import Activation, as_float_array

__all__ = [
    "Gradient",
    "Neuron",
    "OutputChange",
    "Perceptron",
    "PerceptronLearning",
    "SigmoidNeuron",
    "learn_perceptron",
]


class Gradient(NamedTuple):
    """∂output/∂w_j = f'(z)·x_j (shape of x) and ∂output/∂b = f'(z) (shape ``x.shape[:-1]``)."""

    weights: np.ndarray
    bias: float | np.ndarray


class OutputChange(NamedTuple):
    """The first-order (``predicted``) and the true (``actual``) change of the output."""

    predicted: float | np.ndarray
    actual: float | np.ndarray


def _check_vector(name: str, values: object) -> np.ndarray:
    """``values`` as a finite 1-D float64 array with at least one element."""
    array = as_float_array(values).astype(np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of numbers, got shape {array.shape}")
    _check_finite(name, array)
    return array


def _check_finite(name: str, array: np.ndarray) -> None:
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        index = tuple(int(i) for i in np.unravel_index(bad[0], array.shape))
        where = index[0] if len(index) == 1 else index
        raise ValueError(f"{name} must be finite, got {array[index]} at index {where}")


def _check_number(name: str, value: object) -> float:
    if isinstance(value, (str, bytes)) or np.ndim(value) != 0:
        raise TypeError(f"{name} must be a single number, got {value!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a single number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    return number


def _scalar_or_array(values: np.ndarray) -> float | np.ndarray:
    return float(values) if np.ndim(values) == 0 else values


class Neuron:
    r"""A neuron with weights ``w``, bias ``b`` and activation f: output :math:`f(w \cdot x + b)`.

    ``activation`` is a name from :data:`sigmoid.activations.NAMES` or an
    :class:`~sigmoid.activations.Activation` (softmax is a layer function, not a neuron's).
    """

    def __init__(self, weights: object, bias: object, activation: str | Activation = "sigmoid") -> None:
        self._weights = _check_vector("weights", weights)
        self._weights.flags.writeable = False
        self._bias = _check_number("bias", bias)
        self._activation = activations.get(activation)
        if self._activation.name == "softmax":
            raise ValueError("softmax acts on a whole layer, not on one neuron; choose another")

    @property
    def weights(self) -> np.ndarray:
        """The weights w_j, a read-only float64 array of shape ``(n_inputs,)``."""
        return self._weights

    @property
    def bias(self) -> float:
        """The bias b."""
        return self._bias

    @property
    def activation(self) -> Activation:
        """The activation function f."""
        return self._activation

    @property
    def n_inputs(self) -> int:
        """How many inputs (and weights) the neuron has."""
        return self._weights.size

    def __repr__(self) -> str:
        weights = ", ".join(f"{w:g}" for w in self._weights)
        return f"{type(self).__name__}(weights=[{weights}], bias={self._bias:g}{self._extra_repr()})"

    def _extra_repr(self) -> str:
        return f", activation={self._activation.name!r}"

    def _inputs(self, x: object) -> np.ndarray:
        array = as_float_array(x).astype(np.float64)
        if array.ndim not in (1, 2):
            raise ValueError(
                f"x must be one input vector or a batch of rows (1-D or 2-D), got shape {array.shape}"
            )
        if array.shape[-1] != self.n_inputs:
            raise ValueError(
                f"x has {array.shape[-1]} values per input but the neuron has {self.n_inputs} weights"
            )
        _check_finite("x", array)
        return array

    def _z(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            z = x @ self._weights + self._bias
        if not np.isfinite(z).all():
            raise ValueError(
                f"z = w·x + b is not a finite number ({z.flat[np.argmin(np.isfinite(z))]}): "
                "the weights, bias and inputs are too large"
            )
        return z

    def z(self, x: object) -> float | np.ndarray:
        r""":math:`z = \sum_j w_j x_j + b`, the weighted input."""
        return _scalar_or_array(self._z(self._inputs(x)))

    def output(self, x: object) -> float | np.ndarray:
        """f(z), the neuron's output."""
        return _scalar_or_array(self._activation.value(self._z(self._inputs(x))))

    def gradient(self, x: object) -> Gradient:
        r"""Partial derivatives of the output: :math:`\partial/\partial w_j = f'(z) x_j`,
        :math:`\partial/\partial b = f'(z)`.

        Raises :class:`~sigmoid.activations.NoDerivativeError` for the perceptron's step function.
        """
        x = self._inputs(x)
        slope = np.asarray(self._activation.derivative(self._z(x)))
        return Gradient(weights=slope[..., np.newaxis] * x, bias=_scalar_or_array(slope))

    def _changes(self, dw: object, db: object) -> tuple[np.ndarray, float]:
        dw = _check_vector("dw", dw)
        if dw.size != self.n_inputs:
            raise ValueError(f"dw has {dw.size} values but the neuron has {self.n_inputs} weights")
        return dw, _check_number("db", db)

    def predicted_change(self, x: object, dw: object, db: object = 0.0) -> float | np.ndarray:
        r"""First-order change of the output: :math:`\sum_j f'(z) x_j \Delta w_j + f'(z)\Delta b`.

        Raises :class:`~sigmoid.activations.NoDerivativeError` for a perceptron.
        """
        dw, db = self._changes(dw, db)
        gradient = self.gradient(x)
        with np.errstate(over="ignore", invalid="ignore"):
            predicted = gradient.weights @ dw + np.multiply(gradient.bias, db)
        if not np.isfinite(predicted).all():
            raise ValueError(
                "the predicted change f'(z)·(x·Δw + Δb) overflows: the inputs and the changes are too large"
            )
        return _scalar_or_array(predicted)

    def actual_change(self, x: object, dw: object, db: object = 0.0) -> float | np.ndarray:
        """The true change of the output when the weights become w + dw and the bias b + db."""
        dw, db = self._changes(dw, db)
        x = self._inputs(x)
        moved = self._replaced(*self._moved(dw, db))
        before = self._activation.value(self._z(x))
        try:
            z = moved._z(x)
        except ValueError:  # this neuron's z is finite: the changes made it overflow
            raise ValueError(
                "the changed neuron's z = (w + Δw)·x + (b + Δb) is not a finite number: "
                "the changes Δw, Δb are too large for these inputs"
            ) from None
        return _scalar_or_array(moved._activation.value(z) - before)

    def _moved(self, dw: np.ndarray, db: float) -> tuple[np.ndarray, float]:
        """``(w + Δw, b + Δb)``; a sum too large for a float is an error naming it."""
        with np.errstate(over="ignore", invalid="ignore"):
            weights = self._weights + dw
        _require_finite(
            weights,
            lambda j: (
                f"the changed weight w + Δw overflows at index {j}: "
                f"{float(self._weights[j])!r} + {float(dw[j])!r} is too large for a float"
            ),
        )
        bias = self._bias + db
        if not math.isfinite(bias):
            raise ValueError(
                f"the changed bias b + Δb overflows: {self._bias!r} + {db!r} is too large for a float"
            )
        return weights, bias

    def change(self, x: object, dw: object, db: object = 0.0) -> OutputChange:
        """The predicted (first-order) and the actual change of the output, side by side."""
        return OutputChange(self.predicted_change(x, dw, db), self.actual_change(x, dw, db))

    def scaled(self, c: float) -> Neuron:
        """A copy with every weight and the bias multiplied by ``c > 0`` (the sign of z is kept).

        A product c·w or c·b too large for a float is a ``ValueError`` naming c.
        """
        c = _check_number("c", c)
        if c <= 0:
            raise ValueError(f"c must be > 0, got {c}")
        with np.errstate(over="ignore"):
            weights = self._weights * c
        _require_finite(
            weights,
            lambda j: (
                f"the scaled weight c·w overflows at index {j} for c = {c!r}: "
                f"{c!r}·{float(self._weights[j])!r} is too large for a float"
            ),
        )
        bias = self._bias * c
        if not math.isfinite(bias):
            raise ValueError(
                f"the scaled bias c·b overflows for c = {c!r}: {c!r}·{self._bias!r} is too large for a float"
            )
        return self._replaced(weights, bias)

    def _replaced(self, weights: np.ndarray, bias: float) -> Neuron:
        new = copy.copy(self)
        new._weights = _check_vector("weights", weights)
        new._weights.flags.writeable = False
        new._bias = _check_number("bias", bias)
        return new


class Perceptron(Neuron):
    r"""Output 1 if :math:`\sum_j w_j x_j + b > 0`, else 0 (Rosenblatt's perceptron).

    Its output jumps, so it has no useful derivative: :meth:`gradient` raises
    :class:`~sigmoid.activations.NoDerivativeError`. It learns with :func:`learn_perceptron`.
    """

    def __init__(self, weights: object, bias: object) -> None:
        super().__init__(weights, bias, activation="step")

    def _extra_repr(self) -> str:
        return ""


class SigmoidNeuron(Neuron):
    r"""Output :math:`\sigma(z) = 1/(1 + \exp(-\sum_j w_j x_j - b))`, between 0 and 1."""

    def __init__(self, weights: object, bias: object) -> None:
        super().__init__(weights, bias, activation="sigmoid")

    def _extra_repr(self) -> str:
        return ""


@dataclass(frozen=True)
class PerceptronLearning:
    """What :func:`learn_perceptron` did: the perceptron at the end, whether it classifies every
    example correctly (``converged``), how many passes it made and how many mistakes in each."""

    perceptron: Perceptron
    converged: bool
    epochs: int
    mistakes: list[int] = field(default_factory=list)


def learn_perceptron(
    X: object, y: object, *, learning_rate: float = 1.0, max_epochs: int = 100
) -> PerceptronLearning:
    r"""Rosenblatt's perceptron rule, from zero weights and bias, over the examples in order.

    For each example with target :math:`y \in \{0, 1\}` and prediction :math:`\hat y`:
    :math:`w \leftarrow w + \eta (y - \hat y) x` and :math:`b \leftarrow b + \eta (y - \hat y)`.
    Stops after the first pass without a mistake (``converged=True``) or after ``max_epochs``
    passes (``converged=False``): the rule converges when a line (hyperplane) separates the two
    classes, as for AND, OR and NAND, and never for XOR.

    ``X`` is ``(n_samples, n_inputs)``, ``y`` is ``(n_samples,)`` of 0s and 1s. A z, weight or
    bias too large for a float is a ``ValueError`` naming the learning rate, not a warning.
    """
    X = as_float_array(X).astype(np.float64)
    if X.ndim != 2 or X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must be a non-empty (n_samples, n_inputs) array, got shape {X.shape}")
    _check_finite("X", X)
    targets = as_float_array(y).astype(np.float64)
    if targets.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {targets.shape}")
    if not np.isin(targets, (0.0, 1.0)).all():
        raise ValueError(f"y must hold only 0 and 1, got {np.unique(targets)}")
    learning_rate = _check_number("learning_rate", learning_rate)
    if learning_rate <= 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate}")
    if isinstance(max_epochs, bool) or not isinstance(max_epochs, (int, np.integer)) or max_epochs < 1:
        raise ValueError(f"max_epochs must be an integer >= 1, got {max_epochs!r}")

    weights = np.zeros(X.shape[1])
    bias = 0.0
    mistakes: list[int] = []
    for epoch in range(1, int(max_epochs) + 1):
        wrong = 0
        for x, target in zip(X, targets, strict=True):
            error = target - (1.0 if _perceptron_z(x, weights, bias, learning_rate, epoch) > 0 else 0.0)
            if error:
                with np.errstate(over="ignore"):
                    weights += learning_rate * error * x
                bias += learning_rate * error
                wrong += 1
                if not (np.isfinite(weights).all() and math.isfinite(bias)):
                    _perceptron_overflow("w + η(y − ŷ)x or b + η(y − ŷ)", learning_rate, epoch)
        mistakes.append(wrong)
        if wrong == 0:
            break
    return PerceptronLearning(
        perceptron=Perceptron(weights, bias),
        converged=mistakes[-1] == 0,
        epochs=len(mistakes),
        mistakes=mistakes,
    )


def _perceptron_z(x: np.ndarray, weights: np.ndarray, bias: float, learning_rate: float, epoch: int) -> float:
    """z = w·x + b for the perceptron rule; an overflow is an error naming the learning rate."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = float(x @ weights) + bias
    if not math.isfinite(z):
        _perceptron_overflow("z = w·x + b", learning_rate, epoch)
    return z


def _perceptron_overflow(what: str, learning_rate: float, epoch: int) -> None:
    raise ValueError(
        f"the perceptron rule overflows in epoch {epoch}: {what} with learning_rate η = "
        f"{learning_rate!r} is too large for a float; lower learning_rate or scale X"
    )


def _require_finite(values: np.ndarray, message) -> None:
    """Raise ``ValueError(message(j))`` for the first index j where ``values`` is not finite."""
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise ValueError(message(int(bad[0])))
