r"""How the SGD steps of one epoch are computed: the engines behind :func:`sigmoid.training.train`.

Both engines apply, for every mini-batch B of m examples out of n,

.. math::
    W ← (1 − ηλ_2/n)\,W − \frac{η}{m} (a^{l-1})^T δ^l, \qquad b ← b − \frac{η}{m} \sum_{x∈B} δ^l_x

(plus L1 and momentum on the NumPy engine), with δ from backpropagation as in
:meth:`sigmoid.network.Network.backprop`, which stays the plain reference that tests compare against.

- :class:`NumPyStepper` works for every network. It gathers the batch rows into preallocated buffers,
  runs every layer in place, and lets one BLAS call apply the whole weight update:
  ``gemm`` computes αAB + βC in place, with α = −η/m, β = 1 − ηλ/n and C = W.
- :class:`sigmoid._kernels.CompiledStepper` (Numba) handles one hidden layer without L1 or momentum,
  at every mini-batch size: it skips the zero pixels and has no per-call overhead.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import special
from scipy.linalg import blas
from threadpoolctl import ThreadpoolController

from sigmoid.network import Network
from sigmoid.scaled import ScaledArray

#: Mini-batches run between two checks for Ctrl-C and two progress updates, in examples.
CHUNK_EXAMPLES = 500

#: BLAS threads while training. One: these matrices are too small to share out profitably, and NumPy
#: and SciPy each bring an OpenBLAS whose idle threads spin, so two pools on two cores thrash (measured
#: at mini-batch 1000 beside another busy process: 0.14 s per epoch on one thread, 1.2 s on two).
BLAS_THREADS = 1

BACKENDS = ("auto", "numpy", "compiled")


@functools.cache
def _thread_pools() -> ThreadpoolController:
    """The BLAS and OpenMP libraries loaded in this process, found once (a scan takes 1–5 ms)."""
    return ThreadpoolController()


def limit_blas_threads():
    """A context in which BLAS uses :data:`BLAS_THREADS` threads, as both engines train."""
    return _thread_pools().limit(limits=BLAS_THREADS, user_api="blas")


def make_stepper(network: Network, X, Y: np.ndarray, settings, backend: str = "auto"):
    """The engine for ``backend``: ``numpy``, ``compiled``, or ``auto`` (the faster that applies)."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    # ``auto`` prefers the compiled engine wherever it applies: it was measured faster at every mini-batch
    # size tried (ch1, float32, median s per epoch, compiled vs NumPy: m = 100: 0.06 vs 0.25;
    # m = 1000: 0.07 vs 0.14; m = 10000: 0.06 vs 0.17; float64, m = 1000: 0.13 vs 0.33).
    if backend == "numpy":
        return NumPyStepper(network, X, Y, settings)
    from sigmoid import _kernels  # imports Numba: only when the compiled engine may run

    reason = _kernels.unsupported(network, settings)
    if not reason:
        return _kernels.CompiledStepper(network, X, Y, settings)
    if backend == "compiled":
        raise ValueError(f"the compiled backend does not support this run: {reason}")
    return NumPyStepper(network, X, Y, settings)


def notify(callbacks, method: str, *args) -> None:
    """Call ``method(*args)`` on every callback that defines it (callbacks may define any subset)."""
    for callback in callbacks:
        function = getattr(callback, method, None)
        if function is not None:
            function(*args)


def report_progress(callbacks, examples_done: int) -> None:
    notify(callbacks, "on_progress", examples_done)


# Activations in place, for the hidden and output layers: value into `out`, and f'(z) from z and a = f(z).
def _value(name: str, z: np.ndarray, out: np.ndarray) -> None:
    if name == "sigmoid":
        special.expit(z, out=out)
    elif name == "tanh":
        np.tanh(z, out=out)
    elif name == "relu":
        np.maximum(z, 0, out=out)
    elif name == "softmax":
        np.subtract(z, z.max(axis=1, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)
    else:
        out[...] = z


def _multiply_by_derivative(name: str, z: np.ndarray, a: np.ndarray, delta: np.ndarray) -> None:
    """δ ← δ ⊙ f'(z), using a = f(z) where that is cheaper: σ' = a(1 − a), tanh' = 1 − a²."""
    if name == "sigmoid":
        delta *= a
        delta -= delta * a
    elif name == "tanh":
        delta -= delta * a * a
    elif name == "relu":
        delta *= z > 0


class NumPyStepper:
    """SGD on whole mini-batches with NumPy and BLAS, for any network; see the module docstring."""

    name = "numpy"

    def __init__(self, network: Network, X, Y: np.ndarray, settings) -> None:
        self.network, self.X, self.Y, self.settings = network, X, Y, settings
        dtype, m = network.dtype, min(settings.batch_size, len(Y))
        self.inputs = np.empty((m, network.n_inputs), dtype)
        self.zs = [np.empty((m, size), dtype) for size in network.sizes[1:]]
        self.activations = [np.empty((m, size), dtype) for size in network.sizes[1:]]
        self.deltas = [np.empty((m, size), dtype) for size in network.sizes[1:]]
        self.gradients = [np.empty_like(w) for w in network.weights]
        self.velocities = [np.zeros_like(w) for w in network.weights] if settings.momentum else []
        self.gemm = blas.get_blas_funcs("gemm", dtype=dtype)

    def state(self) -> list[np.ndarray]:
        """Arrays besides the weights that training changes (momentum), for snapshots."""
        return self.velocities

    def run_epoch(self, order: np.ndarray, eta: float, stop, callbacks) -> bool:
        """One pass over the examples in ``order``; False if stopped by Ctrl-C."""
        size = self.settings.batch_size
        per_chunk = max(1, CHUNK_EXAMPLES // size)
        # Divergence is detected after the epoch, not by warnings.
        with np.errstate(all="ignore"), limit_blas_threads():
            for number, start in enumerate(range(0, len(order), size), start=1):
                self.step(order[start : start + size], eta)
                done = min(start + size, len(order))
                if number % per_chunk == 0 or done == len(order) or stop.requested:
                    report_progress(callbacks, done)
                if stop.requested:
                    return done == len(order)
        return True

    def step(self, batch: np.ndarray, eta: float) -> None:
        """One SGD step on the examples with indices ``batch``."""
        m = len(batch)
        x = self._gather(batch)
        layers = len(self.network.weights)
        zs = [z[:m] for z in self.zs]
        activations = [x] + [a[:m] for a in self.activations]
        self._forward(zs, activations)
        delta = self._output_error(zs[-1], activations[-1], self.Y[batch], self.deltas[-1][:m])
        for layer in range(layers - 1, -1, -1):
            previous = None
            if layer > 0:  # δ^{l-1} needs W^l before its update
                previous = np.matmul(delta, self.network.weights[layer].T, out=self.deltas[layer - 1][:m])
                name = self.network.hidden_activation.name
                _multiply_by_derivative(name, zs[layer - 1], activations[layer], previous)
            self._update(layer, activations[layer], delta, eta, m)
            delta = previous

    def _gather(self, batch: np.ndarray) -> np.ndarray:
        """Copy the batch rows into the input buffer, as floats of the network's dtype."""
        out = self.inputs[: len(batch)]
        if isinstance(self.X, ScaledArray):
            np.multiply(self.X.values[batch], out.dtype.type(self.X.scale), out=out)
        else:
            np.take(self.X, batch, axis=0, out=out)
        return out

    def _forward(self, zs: list[np.ndarray], activations: list[np.ndarray]) -> None:
        network = self.network
        for layer, (w, b) in enumerate(zip(network.weights, network.biases, strict=True)):
            np.matmul(activations[layer], w, out=zs[layer])
            zs[layer] += b
            _value(network.layer_activation(layer).name, zs[layer], activations[layer + 1])

    def _output_error(self, z, a, y, out) -> np.ndarray:
        """δ^L: a − y for cross-entropy/log-likelihood, (a − y)·f'(z) for the quadratic cost."""
        np.subtract(a, y, out=out)
        if self.network.cost.name == "quadratic":
            name = self.network.output_activation.name
            _multiply_by_derivative(name, z, a, out)
        return out

    def _update(self, layer: int, a_in: np.ndarray, delta: np.ndarray, eta: float, m: int) -> None:
        settings, network = self.settings, self.network
        w, b = network.weights[layer], network.biases[layer]
        n = len(self.Y)
        if settings.l1 or settings.momentum:
            gradient = np.matmul(a_in.T, delta, out=self.gradients[layer])
            gradient *= 1 / m
            if settings.l2:
                gradient += (settings.l2 / n) * w
            if settings.l1:
                gradient += (settings.l1 / n) * np.sign(w)
            if settings.momentum:
                velocity = self.velocities[layer]
                velocity *= settings.momentum
                velocity -= eta * gradient
                w += velocity
            else:
                w -= eta * gradient
        else:
            # W ← (1 − ηλ/n) W − (η/m) a_inᵀ δ as one gemm on the transposes, which are
            # Fortran-ordered views of the C-ordered arrays: Wᵀ ← β Wᵀ + α δᵀ a_in.
            result = self.gemm(
                -eta / m, delta.T, a_in.T, beta=1 - eta * settings.l2 / n, c=w.T, trans_b=1, overwrite_c=1
            )
            if not np.shares_memory(result, w):
                w[...] = result.T
        b -= (eta / m) * delta.sum(axis=0)
