r"""Cost functions: the value of the cost and the output error δ = ∂C/∂z of the output layer.

Every cost has the same two methods (as in the book's ``network2.py``):

- ``value(a, y, z=None)``: the mean over the batch of the per-example cost, where ``a`` are the
  output activations ``(n, k)``, ``y`` the targets ``(n, k)`` and ``z`` the output pre-activations.
- ``delta(z, a, y, activation)``: the output error δ^L = ∂C_x/∂z^L for every example, ``(n, k)``.

Which pairs make the output error simply ``a - y``:

- cross-entropy with a sigmoid output: δ = σ(z) − y (the σ′(z) of the quadratic cost cancels);
- log-likelihood with a softmax output: δ = softmax(z) − y.

The quadratic cost works with any elementwise output activation f: δ = (a − y)·f′(z).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from sigmoid.activations import Activation, log_softmax


def cross_entropy_from_z(z, y):
    r"""Cross-entropy of sigmoid outputs computed from the pre-activation ``z``, summed over the last axis.

    .. math::
        C = -\sum_j [y_j \ln σ(z_j) + (1 - y_j) \ln(1 - σ(z_j))]
          = \sum_j [y_j\,\mathrm{softplus}(-z_j) + (1 - y_j)\,\mathrm{softplus}(z_j)]

    with softplus(t) = ln(1 + e^t). Written this way it stays finite (and exact) for saturated
    outputs, where σ(z) rounds to 0 or 1 and the form with logarithms of ``a`` gives inf or NaN.
    An infinite z costs the limit: 0 where it agrees with its target (z = +inf, y = 1), +inf where
    it contradicts it; a term whose weight y or 1 − y is 0 counts 0, as 0·ln 0 does below.
    """
    z = np.asarray(z)
    y = np.asarray(y, dtype=z.dtype if np.issubdtype(z.dtype, np.floating) else np.float64)
    with np.errstate(invalid="ignore"):  # logaddexp warns on NaN, which gives NaN anyway
        softplus_minus, softplus_plus = np.logaddexp(0, -z), np.logaddexp(0, z)
    per_output = _times(y, softplus_minus) + _times(1 - y, softplus_plus)
    return per_output.sum(axis=-1)


def _times(weight: np.ndarray, value: np.ndarray) -> np.ndarray:
    """weight·value, with 0·inf taken as 0: a term of weight 0 is absent (as in ``xlogy(0, 0)``)."""
    with np.errstate(invalid="ignore"):
        product = weight * value
    return np.where(weight == 0, 0, product)


def cross_entropy(a, y):
    r"""Cross-entropy of outputs ``a`` already in [0, 1], summed over the last axis.

    .. math:: C = -\sum_j [y_j \ln a_j + (1 - y_j) \ln(1 - a_j)]

    with 0·ln 0 taken as 0 (``scipy.special.xlogy``), so an output of exactly 0 or 1 that agrees
    with its target costs 0, never NaN. Prefer :func:`cross_entropy_from_z` when ``z`` is known.
    """
    a = np.asarray(a)
    y = np.asarray(y, dtype=a.dtype if np.issubdtype(a.dtype, np.floating) else np.float64)
    per_output = -(special.xlogy(y, a) + special.xlogy(1 - y, 1 - a))
    return per_output.sum(axis=-1)


@dataclass(frozen=True)
class Cost:
    """Base class: a cost function of the output layer; see the module docstring."""

    name: str = ""

    def value(self, a: np.ndarray, y: np.ndarray, z: np.ndarray | None = None) -> float:
        raise NotImplementedError

    def delta(self, z: np.ndarray, a: np.ndarray, y: np.ndarray, activation: Activation):
        raise NotImplementedError

    def check_output(self, activation: Activation) -> None:
        """Raise ``ValueError`` if this cost cannot be used with ``activation`` on the output layer."""


@dataclass(frozen=True)
class QuadraticCost(Cost):
    r"""Quadratic cost :math:`C_x = \tfrac12 \lVert a - y \rVert^2`; δ = (a − y)·f′(z)."""

    name: str = "quadratic"

    def value(self, a, y, z=None) -> float:
        return float(0.5 * np.mean(np.sum((a - y) ** 2, axis=-1)))

    def delta(self, z, a, y, activation):
        return (a - y) * activation.derivative(z)

    def check_output(self, activation):
        if activation.name in ("softmax", "step"):
            raise ValueError(
                f"the quadratic cost needs an elementwise, differentiable output activation, "
                f"got {activation.name!r} (use cost='log-likelihood' with softmax)"
            )


@dataclass(frozen=True)
class CrossEntropyCost(Cost):
    r"""Cross-entropy :math:`C_x = -\sum_j [y_j \ln a_j + (1-y_j)\ln(1-a_j)]`, sigmoid outputs; δ = a − y."""

    name: str = "cross-entropy"

    def value(self, a, y, z=None) -> float:
        per_example = cross_entropy(a, y) if z is None else cross_entropy_from_z(z, y)
        return float(np.mean(per_example))

    def delta(self, z, a, y, activation):
        return a - y

    def check_output(self, activation):
        if activation.name != "sigmoid":
            raise ValueError(f"the cross-entropy cost is for a sigmoid output layer, got {activation.name!r}")


@dataclass(frozen=True)
class LogLikelihoodCost(Cost):
    r"""Log-likelihood :math:`C_x = -\ln a_{y}` = −Σ_j y_j ln softmax(z)_j for a softmax output; δ = a − y."""

    name: str = "log-likelihood"

    def value(self, a, y, z=None) -> float:
        if z is not None:  # ln softmax(z), exact where softmax(z) rounds to 0, and the limit for infinite z
            return float(-np.mean(np.sum(_times(y, log_softmax(z)), axis=-1)))
        return float(-np.mean(np.sum(special.xlogy(y, a), axis=-1)))

    def delta(self, z, a, y, activation):
        return a - y

    def check_output(self, activation):
        if activation.name != "softmax":
            raise ValueError(
                f"the log-likelihood cost is for a softmax output layer, got {activation.name!r}"
            )


COSTS: dict[str, Cost] = {
    cost.name: cost for cost in (QuadraticCost(), CrossEntropyCost(), LogLikelihoodCost())
}
NAMES = tuple(COSTS)


def get(name: str | Cost) -> Cost:
    """The cost called ``name`` (one of :data:`NAMES`), or ``name`` itself if it is a :class:`Cost`."""
    if isinstance(name, Cost):
        return name
    try:
        return COSTS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown cost {name!r}; choose one of {', '.join(NAMES)}") from None
