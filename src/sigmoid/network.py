r"""Feedforward networks of sigmoid (or other) neurons, trained by backpropagation.

Conventions (row-major, as in scikit-learn):

- a batch of inputs ``X`` has shape ``(n, sizes[0])``, one example per row;
- ``weights[l]`` has shape ``(sizes[l], sizes[l+1])`` = (fan_in, fan_out) and ``biases[l]``
  ``(sizes[l+1],)``, so the book's :math:`w^{l}_{jk}` (from neuron k to neuron j) is ``weights[l][k, j]``;
- a layer computes :math:`z = a W + b` and :math:`a' = f(z)`, row by row; with the sigmoid
  :math:`σ(z) = 1/(1 + e^{-z})`, so σ(z) → 0 as z → −∞ and σ(z) → 1 as z → +∞.

Backpropagation for a mini-batch of m rows, all rows at once (the book's equations BP1–BP4):

.. math::
    δ^L = ∂C/∂z^L \quad\text{(from the cost)},\qquad
    δ^l = (δ^{l+1} W_{l+1}^T) ⊙ f'(z^l),\qquad
    ∂C/∂W_l = \tfrac1m (a^{l-1})^T δ^l,\qquad ∂C/∂b_l = \tfrac1m \sum_{rows} δ^l.

The gradient is that of the mean cost over the batch, so repeating an example in a batch
leaves the gradient unchanged.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from sigmoid import activations, costs, initializers
from sigmoid.scaled import ScaledArray

DTYPES = ("float32", "float64")


def as_generator(rng: int | np.random.Generator | None) -> np.random.Generator:
    """A ``numpy.random.Generator`` from a seed, a generator (returned as is) or None (fresh entropy)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be an int seed, a numpy.random.Generator or None, got {rng!r}")


def check_dtype(dtype) -> np.dtype:
    """``dtype`` as a NumPy float dtype, refusing anything but float32 and float64."""
    try:
        checked = np.dtype(dtype)
    except TypeError:
        checked = None
    if checked is None or checked.name not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
    return checked


def _check_count(name: str, value) -> int:
    """``value`` as an int >= 1 (any integer, not a bool)."""
    if not isinstance(value, numbers.Integral) or isinstance(value, (bool, np.bool_)) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def _check_real(name: str, value, *, positive: bool = False) -> float:
    """``value`` as a finite float, >= 0 (or > 0 when ``positive``)."""
    bound = "> 0" if positive else ">= 0"
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        number = float(value)
        if math.isfinite(number) and (number > 0 or (number == 0 and not positive)):
            return number
    raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")


def _check_sizes(sizes: Sequence[int]) -> list[int]:
    try:
        checked = [int(size) for size in sizes]
    except (TypeError, ValueError):
        raise ValueError(
            f"sizes must be a list of layer sizes such as [784, 30, 10], got {sizes!r}"
        ) from None
    if len(checked) < 2 or any(size < 1 for size in checked) or checked != list(sizes):
        raise ValueError(f"sizes must be at least two positive integers such as [784, 30, 10], got {sizes!r}")
    return checked


class Network:
    """A fully connected feedforward network.

    Parameters
    ----------
    sizes:
        Neurons per layer, input first: ``[784, 30, 10]``.
    hidden_activation, output_activation:
        Names from :mod:`sigmoid.activations` (``sigmoid``, ``tanh``, ``relu``, ``identity``;
        ``softmax`` on the output only).
    cost:
        ``quadratic``, ``cross-entropy`` (sigmoid output) or ``log-likelihood`` (softmax output).
    init:
        ``normalized`` (w ~ N(0, 1/n_in), chapter 3) or ``large`` (w ~ N(0, 1), chapter 1).
    dtype:
        ``float32`` (default: twice as fast, same accuracy) or ``float64``.
    rng:
        Seed or ``numpy.random.Generator`` for the initial weights.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        *,
        hidden_activation: str = "sigmoid",
        output_activation: str = "sigmoid",
        cost: str = "quadratic",
        init: str = "normalized",
        dtype="float32",
        rng: int | np.random.Generator | None = None,
    ) -> None:
        self.sizes = _check_sizes(sizes)
        self.hidden_activation = activations.get(hidden_activation)
        self.output_activation = activations.get(output_activation)
        if self.hidden_activation.name in ("softmax", "step"):
            raise ValueError(
                f"hidden_activation {self.hidden_activation.name!r} cannot be trained by backprop; "
                f"choose one of sigmoid, tanh, relu, identity"
            )
        self.cost = costs.get(cost)
        self.cost.check_output(self.output_activation)
        self.init = init
        self.dtype = check_dtype(dtype)
        initialize = initializers.get(init)
        generator = as_generator(rng)
        layers = [
            initialize(fan_in, fan_out, rng=generator, dtype=self.dtype)
            for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:], strict=True)
        ]
        self.weights = [np.ascontiguousarray(w) for w, _ in layers]
        self.biases = [np.ascontiguousarray(b) for _, b in layers]

    def __repr__(self) -> str:
        return (
            f"Network({self.sizes}, hidden_activation={self.hidden_activation.name!r}, "
            f"output_activation={self.output_activation.name!r}, cost={self.cost.name!r}, "
            f"dtype={self.dtype.name!r})"
        )

    @property
    def n_inputs(self) -> int:
        return self.sizes[0]

    @property
    def n_outputs(self) -> int:
        return self.sizes[-1]

    def layer_activation(self, layer: int) -> activations.Activation:
        """The activation of weight layer ``layer`` (0-based): hidden, or output for the last."""
        last = len(self.weights) - 1
        return self.output_activation if layer == last else self.hidden_activation

    def copy(self) -> Network:
        """A deep copy: same architecture, independent arrays."""
        clone = object.__new__(Network)
        clone.__dict__.update(self.__dict__)
        clone.sizes = list(self.sizes)
        clone.weights = [w.copy() for w in self.weights]
        clone.biases = [b.copy() for b in self.biases]
        return clone

    # ----------------------------------------------------------------- inputs

    def as_batch(self, X, *, name: str = "X") -> tuple[np.ndarray | ScaledArray, bool]:
        """``X`` as a 2-D array of this network's dtype, and whether it was a single example.

        A 2-D :class:`~sigmoid.scaled.ScaledArray` is checked and returned as it is.
        """
        if isinstance(X, ScaledArray):
            if X.ndim != 2 or X.shape[1] != self.n_inputs:
                raise ValueError(
                    f"{name} must have {self.n_inputs} features per example (shape (n, {self.n_inputs})), "
                    f"got shape {X.shape}"
                )
            return X, False
        array = np.asarray(X)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold real numbers, got an array of dtype {array.dtype}")
        single = array.ndim == 1
        if single:
            array = array[np.newaxis, :]
        if array.ndim != 2 or array.shape[1] != self.n_inputs:
            given = array.shape[-1] if array.ndim >= 1 else "a scalar"
            raise ValueError(
                f"{name} must have {self.n_inputs} features per example (shape (n, {self.n_inputs}) "
                f"or ({self.n_inputs},)), got {given} (shape {np.shape(X)})"
            )
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            raise ValueError(f"{name} contains NaN or infinite values")
        with np.errstate(over="ignore"):
            converted = np.ascontiguousarray(array, dtype=self.dtype)
        if converted.dtype != array.dtype and not np.isfinite(converted).all():
            raise ValueError(
                f"{name} has values too large for {self.dtype.name} (up to {np.abs(array).max():g}); "
                f"use dtype='float64' or scale the inputs"
            )
        return converted, single

    def as_targets(self, y, n_examples: int, *, name: str = "y") -> np.ndarray:
        """Targets as an ``(n, n_outputs)`` array: integer labels become one-hot rows."""
        targets = np.asarray(y)
        if targets.ndim == 1 and targets.dtype.kind in "biu":
            labels = targets.astype(np.int64)
            if labels.size and (labels.min() < 0 or labels.max() >= self.n_outputs):
                raise ValueError(
                    f"{name} labels must lie in 0..{self.n_outputs - 1}, "
                    f"got values from {labels.min()} to {labels.max()}"
                )
            targets = np.zeros((labels.size, self.n_outputs), dtype=self.dtype)
            targets[np.arange(labels.size), labels] = 1
        elif targets.ndim == 1 and self.n_outputs == 1:
            targets = targets[:, np.newaxis]
        if targets.ndim != 2 or targets.shape[1] != self.n_outputs or targets.dtype.kind not in "biuf":
            raise ValueError(
                f"{name} must be integer labels (n,) or targets (n, {self.n_outputs}), "
                f"got shape {np.shape(y)} and dtype {np.asarray(y).dtype}"
            )
        if targets.shape[0] != n_examples:
            raise ValueError(f"{name} has {targets.shape[0]} rows but there are {n_examples} inputs")
        targets = np.ascontiguousarray(targets, dtype=self.dtype)
        if not np.isfinite(targets).all():
            raise ValueError(f"{name} contains NaN or infinite values")
        return targets

    # ----------------------------------------------------------- forward pass

    def rows(self, batch: np.ndarray | ScaledArray, index) -> np.ndarray:
        """Rows ``index`` of a checked batch, as floats of this network's dtype."""
        if isinstance(batch, ScaledArray):
            return batch.rows(index, self.dtype)
        return batch[index]

    def feedforward(self, X) -> np.ndarray:
        """Output activations: a batch ``(n, n_inputs)`` → ``(n, n_outputs)``, one row → ``(n_outputs,)``."""
        batch, single = self.as_batch(X)
        outputs = self.forward(self.rows(batch, slice(None)))[1][-1]
        if not np.isfinite(outputs).all():
            raise ValueError(self._overflow_message())
        return outputs[0] if single else outputs

    def forward(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Pre-activations ``zs`` and activations (input first) for a checked 2-D batch.

        Weights so large that z = a·W + b overflows give inf or NaN here without a warning; the
        public methods turn that into an error, and training into a stop that keeps the last
        finite weights.
        """
        a = X
        zs, activations_ = [], [a]
        with np.errstate(over="ignore", invalid="ignore"):
            for layer, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
                z = a @ w
                z += b
                a = self.layer_activation(layer).value(z)
                zs.append(z)
                activations_.append(a)
        return zs, activations_

    def _overflow_message(self) -> str:
        largest = max(float(np.abs(w).max(initial=0)) for w in self.weights)
        return (
            f"the network's outputs or cost overflow {self.dtype.name} on these inputs (the largest "
            f"weight is {largest:.3g}): they are not finite numbers"
        )

    def predict(self, X) -> np.ndarray:
        """Predicted labels: the index of the largest output activation (argmax over the last axis).

        A network with a single output neuron is a binary classifier: label 1 where its output
        exceeds 0.5, else 0.
        """
        return _labels(self.feedforward(X))

    def accuracy(self, X, y) -> float:
        """Fraction of examples whose predicted label equals ``y`` (labels or one-hot rows)."""
        return self.evaluate(X, y)[1]

    def total_cost(self, X, y, *, l2: float = 0.0, l1: float = 0.0) -> float:
        r"""Mean cost over the examples plus the regularisation terms, counted once.

        .. math:: C = \frac1n \sum_x C_x + \frac{λ_2}{2n} \sum_w w^2 + \frac{λ_1}{n} \sum_w |w|

        over all weights (not biases), with n the number of examples given; λ₂, λ₁ ≥ 0.
        """
        l2, l1 = _check_real("l2", l2), _check_real("l1", l1)
        cost, _ = self.evaluate(X, y)
        n = self.as_batch(X)[0].shape[0]
        return cost + self.regularization_cost(n, l2=l2, l1=l1)

    def regularization_cost(self, n: int, *, l2: float = 0.0, l1: float = 0.0) -> float:
        """½·λ₂/n·Σw² + λ₁/n·Σ|w| over all weight matrices, computed in float64.

        ``n`` (the number of examples) must be an integer >= 1, λ₂ and λ₁ finite numbers >= 0.
        """
        n = _check_count("n", n)
        l2, l1 = _check_real("l2", l2), _check_real("l1", l1)
        total = 0.0
        for w in self.weights:
            if l2:
                total += 0.5 * l2 / n * float(np.sum(np.square(w, dtype=np.float64)))
            if l1:
                total += l1 / n * float(np.sum(np.abs(w), dtype=np.float64))
        return total

    def evaluate(self, X, y, *, chunk_size: int = 2_000) -> tuple[float, float]:
        """Mean cost (without regularisation) and accuracy over ``(X, y)``, in one pass by chunks.

        ``chunk_size`` (an integer >= 1) examples go through the network at a time.
        """
        batch, _ = self.as_batch(X)
        if batch.shape[0] == 0:
            raise ValueError("cannot evaluate on an empty set of examples")
        cost, accuracy = self.evaluate_checked(
            batch, self.as_targets(y, batch.shape[0]), chunk_size=chunk_size
        )
        if not np.isfinite(cost):
            raise ValueError(self._overflow_message())
        return cost, accuracy

    def evaluate_checked(self, batch: np.ndarray, targets: np.ndarray, *, chunk_size: int = 2_000):
        """:meth:`evaluate` for inputs already checked by :meth:`as_batch` and :meth:`as_targets`."""
        chunk_size = _check_count("chunk_size", chunk_size)
        n = batch.shape[0]
        cost_sum, correct = 0.0, 0
        for start in range(0, n, chunk_size):
            stop = min(start + chunk_size, n)
            zs, activations_ = self.forward(self.rows(batch, slice(start, stop)))
            a, t = activations_[-1], targets[start:stop]
            with np.errstate(over="ignore", invalid="ignore"):  # a cost too large is inf: the caller checks
                cost_sum += self.cost.value(a, t, zs[-1]) * (stop - start)
            correct += int(np.count_nonzero(_labels(a) == _labels(t)))
        return cost_sum / n, correct / n

    # ------------------------------------------------------- backpropagation

    def backprop(self, X, Y) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Gradients of the mean cost over the batch with respect to every weight and bias.

        ``X`` is ``(m, n_inputs)``, ``Y`` labels ``(m,)`` or targets ``(m, n_outputs)``. Returns
        ``(grad_w, grad_b)`` shaped like ``weights`` and ``biases``. No regularisation term.
        """
        batch, _ = self.as_batch(X)
        return self._backprop(batch, self.as_targets(Y, batch.shape[0]))

    def _backprop(self, X: np.ndarray, Y: np.ndarray):
        zs, activations_ = self.forward(X)
        m = X.shape[0]
        delta = self.cost.delta(zs[-1], activations_[-1], Y, self.output_activation)
        grad_w = [np.empty(0)] * len(self.weights)
        grad_b = [np.empty(0)] * len(self.biases)
        for layer in range(len(self.weights) - 1, -1, -1):
            grad_w[layer] = activations_[layer].T @ delta / m
            grad_b[layer] = delta.sum(axis=0) / m
            if layer > 0:
                # δ^l = (δ^{l+1} W^T) ⊙ f'(z^l): z^l is the input of weight layer `layer`.
                derivative = self.layer_activation(layer - 1).derivative(zs[layer - 1])
                delta = (delta @ self.weights[layer].T) * derivative
        return grad_w, grad_b

    def check_gradient(self, X, Y, *, l2: float = 0.0, epsilon: float = 1e-6) -> float:
        r"""Relative error between backprop's gradient and central differences, in float64.

        Every weight and bias θ is perturbed in turn:
        :math:`∂C/∂θ ≈ (C(θ + ε) − C(θ − ε)) / 2ε`, with C the mean cost over ``(X, Y)`` plus
        ½·λ/n·Σw². Returns :math:`‖g_{bp} − g_{num}‖ / (‖g_{bp}‖ + ‖g_{num}‖)`; below about 1e-7
        the two agree to the precision of the differences. Meant for small networks.
        ``epsilon`` must be a finite number > 0 and ``l2`` a finite number >= 0.
        """
        epsilon, l2 = _check_real("epsilon", epsilon, positive=True), _check_real("l2", l2)
        net = self.copy()
        net.dtype = np.dtype(np.float64)
        net.weights = [w.astype(np.float64) for w in self.weights]
        net.biases = [b.astype(np.float64) for b in self.biases]
        batch, _ = net.as_batch(X)
        targets = net.as_targets(Y, batch.shape[0])
        n = batch.shape[0]

        def cost() -> float:
            zs, activations_ = net.forward(batch)
            value = net.cost.value(activations_[-1], targets, zs[-1])
            return value + net.regularization_cost(n, l2=l2)

        grad_w, grad_b = net._backprop(batch, targets)
        analytic, numeric = [], []
        for params, grads, decay in ((net.weights, grad_w, l2), (net.biases, grad_b, 0.0)):
            for param, grad in zip(params, grads, strict=True):
                analytic.append((grad + decay / n * param).ravel())
                numeric.append(_central_differences(param, cost, epsilon))
        a, b = np.concatenate(analytic), np.concatenate(numeric)
        scale = np.linalg.norm(a) + np.linalg.norm(b)
        return float(np.linalg.norm(a - b) / scale) if scale else 0.0

    def hidden_weights_as_images(self, shape: tuple[int, int] = (28, 28)) -> np.ndarray:
        """The first layer's weights into each hidden neuron as images ``(n_hidden, *shape)``."""
        if self.n_inputs != shape[0] * shape[1]:
            raise ValueError(f"{self.n_inputs} inputs cannot be drawn as {shape[0]}x{shape[1]} images")
        return self.weights[0].T.reshape(-1, *shape)


def _labels(outputs: np.ndarray) -> np.ndarray:
    """Labels from output rows: argmax over the last axis, or output > 0.5 for a single output."""
    if outputs.shape[-1] == 1:
        return (outputs[..., 0] > 0.5).astype(np.int64)
    return np.argmax(outputs, axis=-1)


def _central_differences(param: np.ndarray, cost, epsilon: float) -> np.ndarray:
    """∂cost/∂param by central differences, perturbing ``param`` in place one entry at a time."""
    numeric = np.empty(param.size)
    flat = param.reshape(-1)
    for index in range(flat.size):
        saved = flat[index]
        flat[index] = saved + epsilon
        plus = cost()
        flat[index] = saved - epsilon
        minus = cost()
        flat[index] = saved
        numeric[index] = (plus - minus) / (2 * epsilon)
    return numeric
