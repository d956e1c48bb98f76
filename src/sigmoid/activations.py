r"""Activation functions: σ and its peers, each with its value and its derivative with respect to z.

A neuron with weights :math:`w` and bias :math:`b` computes :math:`z = \sum_j w_j x_j + b` and
outputs :math:`f(z)`. The sigmoid neuron uses

.. math:: \sigma(z) = \frac{1}{1 + e^{-z}} = \frac{1}{1 + \exp(-\sum_j w_j x_j - b)},

so :math:`\sigma(z) \to 0` as :math:`z \to -\infty` and :math:`\sigma(z) \to 1` as
:math:`z \to +\infty`; its derivative is
:math:`\sigma'(z) = \sigma(z)\,\sigma(-z) = \sigma(z)(1 - \sigma(z))`.

Every activation is an :class:`Activation` object with ``.name``, ``.value(z)`` and
``.derivative(z)``, looked up by name with :func:`get` (names in :data:`NAMES`). Derivatives are
elementwise, except softmax's, whose Jacobian is not diagonal: networks use softmax only as an
output layer paired with the log-likelihood cost, whose output error is :math:`\delta = a - y`.

Dtype rules, shared by every function here: float16, float32 and float64 arrays give the same dtype
back; integer and bool inputs (and Python numbers) are promoted to float64 *before* anything else
(``-z`` of a uint8 wraps around); complex, object and string inputs raise :class:`TypeError`. No
input, finite or infinite, raises a floating-point warning, and NaN in gives NaN out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from sigmoid.errors import SigmoidError

__all__ = [
    "NAMES",
    "Activation",
    "NoDerivativeError",
    "get",
    "identity",
    "log_softmax",
    "relu",
    "sigmoid",
    "sigmoid_prime",
    "softmax",
    "step",
    "tanh",
]

_FLOAT_CHARS = "efd"  # float16, float32, float64


class NoDerivativeError(SigmoidError, NotImplementedError):
    """The activation has no elementwise derivative that gradient descent could use."""


def as_float_array(z: object) -> np.ndarray:
    """``z`` as a float16/32/64 array: floats keep their dtype, integers and bools become float64.

    Raises :class:`TypeError` for complex, object, string and other non-real inputs.
    """
    array = np.asarray(z)
    char = array.dtype.char
    if char in _FLOAT_CHARS:
        return array
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    raise TypeError(
        f"expected real numbers (float16, float32, float64, integers or bools), "
        f"got an array of dtype {array.dtype} ({_preview(array)})"
    )


def _preview(array: np.ndarray) -> str:
    text = np.array2string(array.ravel()[:4], threshold=4, max_line_width=60)
    return text if len(text) <= 60 else text[:57] + "..."


def _result(array: np.ndarray) -> np.ndarray:
    # Like a NumPy ufunc: a 0-d result becomes a NumPy scalar (np.float64 is a Python float).
    return array[()] if array.ndim == 0 else array


# -------------------------------------------------------------------------------------------------
# σ in float64, to within about 1.5 ulp
#
# With e = exp(−|z|) in (0, 1], σ(|z|) = 1/(1 + e) and σ(−|z|) = e/(1 + e): no overflow anywhere.
# scipy.special.expit evaluates the same quotients but rounds 1 + e, which costs up to 2.5 ulp
# near z ≈ −36.7 (float64) and z ≈ −16.6 (float32), where e is close to the unit roundoff. Here the
# rounding error t of s = fl(1 + e) is recovered exactly (Fast2Sum, valid since 1 ≥ e) and the
# quotient is corrected to first order: 1/(s + t) = (1/s)(1 − t/s + O(t²)). What is left is the
# error of exp and of one division (measured: at most 1.9 ulp over 3·10⁷ random points).
# -------------------------------------------------------------------------------------------------


def _one_plus_exp64(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """e = exp(−|z|), s = fl(1 + e) and c = t/s where s + t = 1 + e exactly."""
    e = np.abs(z, out=np.empty_like(z))  # an array even for 0-d z, so the next steps work in place
    np.negative(e, out=e)
    np.exp(e, out=e)
    s = e + 1.0
    c = 1.0 - s
    c += e  # t, exact (Fast2Sum)
    c /= s
    return e, s, c


def _sigmoid64(z: np.ndarray) -> np.ndarray:
    e, s, c = _one_plus_exp64(z)
    r = np.where(z < 0, e, 1.0)  # numerator: σ(−|z|) = e/(1 + e), σ(|z|) = 1/(1 + e); NaN gives NaN
    r /= s
    c *= r
    r -= c  # r·(1 − t/s)
    return r


def _sigmoid_prime64(z: np.ndarray) -> np.ndarray:
    # σ(z)σ(−z) = e/(1 + e)² = (e/s/s)(1 − 2t/s + O(t²)), even in z.
    e, s, c = _one_plus_exp64(z)
    e /= s
    e /= s
    c *= 2.0
    c *= e
    e -= c
    return e


def _sigmoid_narrow(z: np.ndarray) -> np.ndarray:
    # float16/float32: expit in float64 (error ≤ 2.5 ulp of float64) rounded once to the narrow
    # dtype is within 0.5 ulp of it plus a hair, and much faster than the compensated kernel.
    return expit(z.astype(np.float64)).astype(z.dtype)


def _sigmoid_prime_narrow(z: np.ndarray) -> np.ndarray:
    # e/(1 + e)² with e = exp(−|z|), in float64: a few ulp of float64, rounded once.
    e = np.abs(z, out=np.empty(z.shape, dtype=np.float64))
    np.negative(e, out=e)
    np.exp(e, out=e)
    e /= np.square(e + 1.0)
    return e.astype(z.dtype)


def _sigmoid_any(z: np.ndarray) -> np.ndarray:
    return _sigmoid64(z) if z.dtype.char == "d" else _sigmoid_narrow(z)


def _sigmoid_prime_any(z: np.ndarray) -> np.ndarray:
    return _sigmoid_prime64(z) if z.dtype.char == "d" else _sigmoid_prime_narrow(z)


def _in_float64(kernel: Callable[[np.ndarray], np.ndarray], z: np.ndarray) -> np.ndarray:
    # float16 and float32 are computed in float64 and rounded once.
    if z.dtype.char == "d":
        return kernel(z)
    return kernel(z.astype(np.float64)).astype(z.dtype)


def sigmoid(z: object) -> np.ndarray:
    r"""The logistic function :math:`\sigma(z) = 1/(1 + e^{-z})`, elementwise.

    For a neuron, :math:`\sigma(w \cdot x + b) = 1/(1 + \exp(-\sum_j w_j x_j - b))`.
    :math:`\sigma(z) \to 0` as :math:`z \to -\infty`, :math:`\sigma(z) \to 1` as
    :math:`z \to +\infty`, and :math:`\sigma(0) = 1/2`.

    Accuracy: within 2 ulp of the correctly rounded value wherever the result is a normal float
    (measured: 1.9 ulp at worst in float64; float16 and float32 are computed in float64 and rounded
    once, so within 0.5 ulp plus a hair). In the subnormal tail (z < −708.4 in float64, z < −87.3
    in float32) the result carries the reduced precision of subnormals, and it is 0 below half the
    smallest subnormal (z < −745.1 in float64, z < −103.9 in float32); no warning is raised there.

    ``z`` may be a Python number, a list or an array of any shape; the dtype rules are in the module
    docstring. A 0-d input gives a NumPy scalar.
    """
    return _result(_sigmoid_any(as_float_array(z)))


def sigmoid_prime(z: object) -> np.ndarray:
    r"""The derivative :math:`\sigma'(z) = \sigma(z)\,\sigma(-z)`, elementwise.

    Equal to :math:`\sigma(z)(1 - \sigma(z)) = e^{-|z|}/(1 + e^{-|z|})^2`, and computed in that
    last form, so it does not round to 0 once :math:`\sigma(z)` rounds to 1 (z > 36.7 in float64,
    z > 16.6 in float32): within 4 ulp wherever the result is a normal float (measured: 2.6 ulp at
    worst in float64, 0.5 in float32), 0 only below the smallest subnormal. Even in z, with
    maximum :math:`\sigma'(0) = 1/4`.
    """
    return _result(_sigmoid_prime_any(as_float_array(z)))


def _shifted_last_axis(z: np.ndarray, function: str) -> np.ndarray:
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"{function} needs at least one value along the last axis, got shape {z.shape}")
    # Subtracting the row maximum leaves the result unchanged and keeps every exp() ≤ 1. A row
    # spanning more than the largest float (say [1e308, -1e308]) gives −inf, whose exp() is 0.
    top = z.max(axis=-1, keepdims=True)
    infinite = np.isinf(top)
    with np.errstate(over="ignore"):
        shifted = z - np.where(infinite, 0, top)
    if infinite.any():
        # inf − inf is NaN, so a row whose maximum is ±inf takes the limit instead: its entries equal
        # to the maximum become 0 (exp 1, shared evenly) and the others −inf (exp 0). A row of +inf
        # and finite values tends to the +inf entries; a row of −inf only is treated as equal entries.
        shifted = np.where(infinite, np.where(z == top, 0.0, -np.inf), shifted).astype(z.dtype, copy=False)
    return shifted


def _softmax64(z: np.ndarray) -> np.ndarray:
    exps = np.exp(_shifted_last_axis(z, "softmax"))
    return exps / exps.sum(axis=-1, keepdims=True)


def _log_softmax64(z: np.ndarray) -> np.ndarray:
    shifted = _shifted_last_axis(z, "log_softmax")
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z: object) -> np.ndarray:
    r"""Softmax over the last axis: :math:`a_j = e^{z_j} / \sum_k e^{z_k}`.

    Stable for any finite input: the row maximum is subtracted first, so no exp() overflows; each
    row sums to 1 within rounding. float16/float32 rows are computed in float64 and rounded once.
    A row containing NaN gives a row of NaN. ``z`` must have at least one dimension.

    Infinities give the limit, without a warning: the k entries of a row equal to +inf share the
    whole mass (``softmax([inf, 0]) == [1, 0]``, ``softmax([inf, inf, 0]) == [0.5, 0.5, 0]``), a
    −inf entry gets 0 (``softmax([-inf, 0]) == [0, 1]``), and a row of −inf only, whose limit
    depends on how its entries approach −inf, is taken as k equal entries: 1/k each.
    """
    return _in_float64(_softmax64, as_float_array(z))


def log_softmax(z: object) -> np.ndarray:
    r"""Log-softmax over the last axis: :math:`z_j - \max z - \log\sum_k e^{z_k - \max z}`.

    Exact where softmax would round to 0 (``log_softmax([1000, 0]) == [0, -1000]``). A value below
    the dtype's most negative float (a row spanning more than the float range) is −inf, silently.
    Infinities give the log of :func:`softmax`'s limit: −ln k for each of k +inf entries and −inf for
    the others (``log_softmax([inf, 0]) == [0, -inf]``), −ln k throughout a row of k −inf entries.
    """
    with np.errstate(over="ignore"):
        return _in_float64(_log_softmax64, as_float_array(z))


# -------------------------------------------------------------------------------------------------
# The Activation objects
# -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Activation:
    """An activation function f with its derivative f'(z); both take and return arrays.

    ``value(z)`` and ``derivative(z)`` accept anything :func:`as_float_array` accepts and keep the
    dtype of float16/32/64 arrays, so a network can call them on float32 batches in its inner loop.
    ``formula`` is the definition, for help texts.
    """

    name: str
    formula: str
    _value: Callable[[np.ndarray], np.ndarray]
    _derivative: Callable[[np.ndarray], np.ndarray]

    def value(self, z: object) -> np.ndarray:
        """f(z), elementwise (softmax: over the last axis)."""
        return self._value(as_float_array(z))

    def derivative(self, z: object) -> np.ndarray:
        """f'(z) = df/dz, elementwise."""
        return self._derivative(as_float_array(z))

    def __repr__(self) -> str:
        return f"<Activation {self.name}: {self.formula}>"


def _step_value(z: np.ndarray) -> np.ndarray:
    return np.heaviside(z, 0.0)  # 1 if z > 0 else 0 (also at z = 0); NaN stays NaN


def _step_derivative(z: np.ndarray) -> np.ndarray:
    raise NoDerivativeError(
        "the step function has no useful derivative: it is 0 wherever it is defined, so a "
        "perceptron cannot learn by gradient descent (a small change in a weight never changes its "
        "output a little). Use the sigmoid, whose smooth output is the point of a sigmoid neuron, "
        "or learn the perceptron with Rosenblatt's rule (sigmoid.neuron.learn_perceptron)."
    )


def _tanh_derivative(z: np.ndarray) -> np.ndarray:
    # 1 − tanh²(z) = sech²(z) = 4e/(1 + e)² with e = exp(−2|z|): no cancellation, no overflow
    # (e is formed as exp(−|z|)², since −2|z| itself overflows for |z| > 9e307).
    e = np.exp(-np.abs(z))
    e *= e
    return (4.0 * e) / np.square(1.0 + e)


def _relu_value(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)  # NaN propagates


def _relu_derivative(z: np.ndarray) -> np.ndarray:
    return np.heaviside(z, 0.0)  # 0 for z ≤ 0 (ReLU'(0) is taken to be 0), 1 for z > 0


def _identity_value(z: np.ndarray) -> np.ndarray:
    return z.copy()


def _identity_derivative(z: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(z), z, np.ones_like(z))


def _softmax_value(z: np.ndarray) -> np.ndarray:
    return softmax(z)


def _softmax_derivative(z: np.ndarray) -> np.ndarray:
    raise NoDerivativeError(
        "softmax has no elementwise derivative: its Jacobian da_j/dz_k = a_j(δ_jk − a_k) is not "
        "diagonal. Use softmax as the output layer with the log-likelihood cost, whose output "
        "error is simply a − y."
    )


sigmoid_activation = Activation("sigmoid", "1/(1 + exp(-z))", _sigmoid_any, _sigmoid_prime_any)
step = Activation("step", "1 if z > 0 else 0", _step_value, _step_derivative)
tanh = Activation("tanh", "(e^z - e^-z)/(e^z + e^-z)", np.tanh, _tanh_derivative)
relu = Activation("relu", "max(z, 0)", _relu_value, _relu_derivative)
identity = Activation("identity", "z", _identity_value, _identity_derivative)
softmax_activation = Activation("softmax", "exp(z_j)/sum_k exp(z_k)", _softmax_value, _softmax_derivative)

_REGISTRY: dict[str, Activation] = {
    activation.name: activation
    for activation in (sigmoid_activation, step, tanh, relu, identity, softmax_activation)
}
NAMES: tuple[str, ...] = tuple(_REGISTRY)
"""The names :func:`get` accepts."""


def get(name: str | Activation) -> Activation:
    """The activation called ``name`` (one of :data:`NAMES`); an :class:`Activation` is returned."""
    if isinstance(name, Activation):
        return name
    try:
        return _REGISTRY[name.lower()] if isinstance(name, str) else _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}; choose one of: {', '.join(NAMES)}") from None
