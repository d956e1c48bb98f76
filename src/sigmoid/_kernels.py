r"""A compiled SGD step for networks with one hidden layer: the fast path of :mod:`sigmoid.training`.

It computes what :class:`sigmoid.training.NumPyStepper` computes (the tests check that the two agree
to rounding), but one example at a time inside a Numba-compiled loop, which removes the NumPy call
overhead that dominates small mini-batches (at m = 10 a step is only ~1 MFLOP), and:

- reads the inputs as sparse rows: about 80% of MNIST's pixels are 0, and a zero input adds nothing
  to z = xW + b nor to the weight gradient xᵀδ, so the first layer does a fifth of the dense work.
  The rows are indexed once per training run (:func:`sparse_rows`), not once per epoch;
- updates the weights in place from the per-example errors without forming the gradient:
  W ← (1 − ηλ/n) W − (η/m) Σ_x xᵀ δ_x;
- pads the hidden layer to a multiple of 32 neurons (zero weights in and out, activation held at 0),
  so the loops over hidden neurons run entirely in SIMD registers; the padding never changes a result.
  Those loops index rows (``w = W1[k]``), not ``W1[k, j]``: only that form does LLVM vectorise.

The Python side gathers nothing: it passes the epoch's permutation and a range of mini-batches, and
the kernel reads rows by index. From mini-batch 32 on, :func:`sgd_batches_parallel` runs the same
computation on two threads (the same bits in float32; in float64 the compiler may fuse a multiply-add
differently in the two kernels, an ulp or so).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from sigmoid.scaled import ScaledArray
from sigmoid.steppers import CHUNK_EXAMPLES, report_progress

# Codes shared by the kernel and the Python side.
SIGMOID, TANH, RELU, IDENTITY, SOFTMAX = 0, 1, 2, 3, 4
_ACTIVATION_CODES = {
    "sigmoid": SIGMOID,
    "tanh": TANH,
    "relu": RELU,
    "identity": IDENTITY,
    "softmax": SOFTMAX,
}
# Output error: δ = (a − y)·f'(z) (quadratic cost) or δ = a − y (cross-entropy/log-likelihood).
DELTA_QUADRATIC, DELTA_A_MINUS_Y = 0, 1
# Hidden layers are padded to a multiple of this many neurons: LLVM vectorises the loops over hidden
# neurons 8 float32 lanes × 4 registers at a time and leaves any remainder to scalar code.
LANES = 32

_JIT = {"nogil": True, "cache": True, "fastmath": {"contract", "nsz", "arcp"}}


def unsupported(network, settings) -> str:
    """Why the compiled kernel cannot run this network and settings, or ``""`` if it can."""
    if len(network.weights) != 2:
        return f"it handles one hidden layer, the network has {len(network.weights) - 1}"
    if settings.l1 or settings.momentum:
        return "L1 regularisation and momentum run on the NumPy path"
    return ""


def sparse_rows(X):
    """The nonzero entries of each row of ``X``: ``(indptr, indices, values)`` as in CSR.

    Row i's nonzeros are ``values[indptr[i]:indptr[i + 1]]`` at columns ``indices[...]``; the values
    keep X's dtype (uint8 pixels stay one byte) and the column indices are int16 where they fit, so
    streaming a row costs as little memory traffic as possible.
    """
    index_dtype = np.int16 if X.shape[1] <= np.iinfo(np.int16).max else np.int32
    return _sparse_rows(X, np.zeros(0, dtype=index_dtype))


@numba.njit(**_JIT)
def _sparse_rows(X, index_like):
    n, width = X.shape
    indptr = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        count = 0
        for k in range(width):
            count += X[i, k] != 0
        indptr[i + 1] = indptr[i] + count
    indices = np.empty(indptr[n], dtype=index_like.dtype)
    values = np.empty(indptr[n], dtype=X.dtype)
    for i in range(n):
        t = indptr[i]
        for k in range(width):
            if X[i, k] != 0:
                indices[t] = k
                values[t] = X[i, k]
                t += 1
    return indptr, indices, values


@numba.njit(**_JIT)
def _activate(z, code):
    if code == SIGMOID:
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)
    if code == TANH:
        return math.tanh(z)
    if code == RELU:
        return z if z > 0 else 0.0 * z
    return z


@numba.njit(**_JIT)
def _derivative(z, a, code):
    if code == SIGMOID:
        return a * (1.0 - a)
    if code == TANH:
        return 1.0 - a * a
    if code == RELU:
        return 1.0 if z > 0 else 0.0
    return 1.0


@numba.njit(**_JIT)
def _first_layer(indices, values, scale, W1, b1, z1):
    """z1 = x W1 + b1 for one example, over its nonzero inputs x_k = values·scale at ``indices``."""
    n_hidden = W1.shape[1]
    z1[:] = b1
    # Four inputs per pass: z1 is loaded and stored once per four weight rows, which shortens the
    # chain of store-to-load dependencies through z1.
    count = indices.shape[0]
    t = 0
    while t + 4 <= count:
        w0, w1, w2, w3 = W1[indices[t]], W1[indices[t + 1]], W1[indices[t + 2]], W1[indices[t + 3]]
        v0, v1 = values[t] * scale, values[t + 1] * scale
        v2, v3 = values[t + 2] * scale, values[t + 3] * scale
        for j in range(n_hidden):
            z1[j] += (v0 * w0[j] + v1 * w1[j]) + (v2 * w2[j] + v3 * w3[j])
        t += 4
    while t < count:
        w = W1[indices[t]]
        v = values[t] * scale
        for j in range(n_hidden):
            z1[j] += v * w[j]
        t += 1


@numba.njit(**_JIT)
def _dot(a, b):
    """Σ_j a_j b_j over arrays whose length is a multiple of 8 (the padded hidden layer).

    Eight running sums, combined in a fixed order: independent chains keep the CPU busy, and the
    result does not depend on how the compiler vectorises the loop (no reassociation).
    """
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    for j in range(0, a.shape[0], 8):
        s0 += a[j] * b[j]
        s1 += a[j + 1] * b[j + 1]
        s2 += a[j + 2] * b[j + 2]
        s3 += a[j + 3] * b[j + 3]
        s4 += a[j + 4] * b[j + 4]
        s5 += a[j + 5] * b[j + 5]
        s6 += a[j + 6] * b[j + 6]
        s7 += a[j + 7] * b[j + 7]
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))


@numba.njit(**_JIT)
def _output_layer(a1, W2T, b2, z2, a2, output):
    """z2 = a1 W2 + b2 (one dot product per output neuron, W2T = W2ᵀ) and a2 = g(z2)."""
    n_out = W2T.shape[0]
    for o in range(n_out):
        z2[o] = b2[o] + _dot(a1, W2T[o])
    if output == SOFTMAX:
        top = z2.max()
        total = 0.0
        for o in range(n_out):
            a2[o] = math.exp(z2[o] - top)
            total += a2[o]
        for o in range(n_out):
            a2[o] /= total
    else:
        for o in range(n_out):
            a2[o] = _activate(z2[o], output)


@numba.njit(**_JIT)
def _example(rows, scale, y, i, params, row_buffers, codes):
    """Forward pass and errors of example i: z1, a1, z2, a2, then δ2 and δ1 = (δ2 W2ᵀ) ⊙ f'(z1)."""
    indptr, indices, values = rows
    W1, b1, W2T, b2 = params
    z1, a1, d1, z2, a2, d2 = row_buffers
    hidden, output, delta_kind, n_real = codes
    row = slice(indptr[i], indptr[i + 1])
    _first_layer(indices[row], values[row], scale, W1, b1, z1)
    for j in range(n_real):  # padded neurons keep a1 = 0, so they feed nothing forward
        a1[j] = _activate(z1[j], hidden)
    _output_layer(a1, W2T, b2, z2, a2, output)
    for o in range(z2.shape[0]):
        error = a2[o] - y[o]
        if delta_kind == DELTA_QUADRATIC:
            error *= _derivative(z2[o], a2[o], output)
        d2[o] = error
    d1[:] = 0.0
    for o in range(z2.shape[0]):
        c, w2 = d2[o], W2T[o]
        for j in range(d1.shape[0]):
            d1[j] += c * w2[j]
    for j in range(n_real):
        d1[j] *= _derivative(z1[j], a1[j], hidden)


@numba.njit(**_JIT)
def _update(rows, scale, i, params, a1, d1, d2, step):
    """W2 −= step·a1ᵀδ2, b2 −= step·δ2, W1 −= step·xᵀδ1 (rows of nonzero inputs only), b1 −= step·δ1."""
    indptr, indices, values = rows
    W1, b1, W2T, b2 = params
    n_hidden = W1.shape[1]
    for o in range(W2T.shape[0]):
        c, w2 = step * d2[o], W2T[o]
        for j in range(n_hidden):
            w2[j] -= c * a1[j]
        b2[o] -= c
    for t in range(indptr[i], indptr[i + 1]):
        w = W1[indices[t]]
        c = step * (values[t] * scale)
        for j in range(n_hidden):
            w[j] -= c * d1[j]
    for j in range(n_hidden):
        b1[j] -= step * d1[j]


@numba.njit(**_JIT)
def sgd_batches(rows, scale, Y, order, first, last, batch_size, params, eta, decay, codes, buffers):
    """Run SGD on mini-batches ``first`` to ``last - 1`` of the permutation ``order``, in place.

    Row r of a mini-batch is example ``i = order[batch * batch_size + r]``: inputs the sparse row i
    of ``rows = (indptr, indices, values)`` (times ``scale``), targets ``Y[i]``.
    ``params = (W1, b1, W2ᵀ, b2)`` with the hidden layer padded; ``decay`` = 1 − ηλ/n;
    ``codes = (hidden, output, delta_kind, n_real)``; ``buffers = (Z1, A1, D1, Z2, A2, D2)``, each
    with ``batch_size`` rows.
    """
    W1, _, W2T, _ = params
    Z1, A1, D1, Z2, A2, D2 = buffers
    n = order.shape[0]
    for batch in range(first, last):
        start = batch * batch_size
        m = min(batch_size, n - start)
        # Forward pass and errors for every row, all with the weights from before this step.
        for r in range(m):
            i = order[start + r]
            row_buffers = (Z1[r], A1[r], D1[r], Z2[r], A2[r], D2[r])
            _example(rows, scale, Y[i], i, params, row_buffers, codes)
        if decay != 1.0:
            W1 *= decay
            W2T *= decay
        for r in range(m):
            _update(rows, scale, order[start + r], params, A1[r], D1[r], D2[r], eta / m)


@numba.njit(**_JIT)
def _forward_rows(rows, scale, Y, order, start, r_from, r_to, params, buffers, codes):
    """:func:`_example` for batch rows ``r_from`` to ``r_to - 1``."""
    Z1, A1, D1, Z2, A2, D2 = buffers
    for r in range(r_from, r_to):
        i = order[start + r]
        _example(rows, scale, Y[i], i, params, (Z1[r], A1[r], D1[r], Z2[r], A2[r], D2[r]), codes)


@numba.njit(**_JIT)
def _update_part(rows, scale, order, start, m, params, buffers, step, decay, part, split):
    """Part 0 of the update: W1 rows k < split, b1 and b2; part 1: W1 rows k ≥ split and W2ᵀ.

    Each number is updated by one part, row by row of the batch in order, exactly as
    :func:`_update` does, so the two parts together compute what one thread computes.
    """
    indptr, indices, values = rows
    W1, b1, W2T, b2 = params
    _, A1, D1, _, _, D2 = buffers
    n_hidden = W1.shape[1]
    if decay != 1.0:
        if part == 0:
            W1[:split] *= decay
        else:
            W1[split:] *= decay
            W2T *= decay
    for r in range(m):
        a1, d1, d2 = A1[r], D1[r], D2[r]
        if part == 1:
            for o in range(W2T.shape[0]):
                c, w2 = step * d2[o], W2T[o]
                for j in range(n_hidden):
                    w2[j] -= c * a1[j]
        else:
            for o in range(b2.shape[0]):
                b2[o] -= step * d2[o]
        i = order[start + r]
        first, last = indptr[i], indptr[i + 1]
        middle = first + np.searchsorted(indices[first:last], split)
        t_from, t_to = (first, middle) if part == 0 else (middle, last)
        for t in range(t_from, t_to):
            w = W1[indices[t]]
            c = step * (values[t] * scale)
            for j in range(n_hidden):
                w[j] -= c * d1[j]
        if part == 0:
            for j in range(n_hidden):
                b1[j] -= step * d1[j]


@numba.njit(parallel=True, **_JIT)
def sgd_batches_parallel(
    rows, scale, Y, order, first, last, batch_size, params, eta, decay, codes, buffers, split
):
    """:func:`sgd_batches` on two threads: every number is computed by one thread, in the same order.

    The forward pass is split by rows of the mini-batch (each row needs only the weights, which no
    one writes then); the update by rows of W1, at input ``split`` (each weight is written by one
    thread, in the same order as by one thread), so no lock is ever needed.
    """
    n = order.shape[0]
    for batch in range(first, last):
        start = batch * batch_size
        m = min(batch_size, n - start)
        half = (m + 1) // 2
        for part in numba.prange(2):
            _forward_rows(
                rows, scale, Y, order, start, part * half, min(m, (part + 1) * half), params, buffers, codes
            )
        for part in numba.prange(2):
            _update_part(rows, scale, order, start, m, params, buffers, eta / m, decay, part, split)


@numba.njit(**_JIT)
def _halving_input(indices, n_in):
    """The input k such that about half of all nonzero inputs have an index below k."""
    counts = np.zeros(n_in, dtype=np.int64)
    for t in range(indices.shape[0]):
        counts[indices[t]] += 1
    half, seen = indices.shape[0] / 2, 0
    for k in range(n_in):
        if seen >= half:
            return k
        seen += counts[k]
    return n_in


#: From this mini-batch size on, the two-thread kernel is used where it can run: it starts two
#: parallel regions per mini-batch (about 1.5 µs each with OpenMP), which smaller batches do not repay
#: (measured on ch1, median s per epoch, one vs two threads: m = 10: 0.19 vs 0.26; m = 50: 0.22 vs 0.16;
#: m = 100: 0.21 vs 0.17).
PARALLEL_MIN_BATCH = 32


def two_threads_pay(batch_size: int) -> bool:
    """Whether to run :func:`sgd_batches_parallel`: 2+ cores, OpenMP (or TBB), batches big enough.

    Numba's fallback threading layer (workqueue) takes ~100 µs to start a parallel region, more than
    the second thread saves, so without OpenMP or TBB the one-thread kernel runs.
    """
    if batch_size < PARALLEL_MIN_BATCH or numba.config.NUMBA_NUM_THREADS < 2:
        return False
    return threading_layer() in ("omp", "tbb")


_LAYER: list[str] = []


def threading_layer() -> str:
    """The threading layer Numba uses (found once, by running a tiny parallel function), or "none"."""
    if not _LAYER:
        try:
            _probe_parallel(np.zeros(2))
            _LAYER.append(numba.threading_layer())
        except (ValueError, ImportError):  # no threading layer can be loaded
            _LAYER.append("none")
    return _LAYER[0]


@numba.njit(parallel=True, cache=True)
def _probe_parallel(a):
    for part in numba.prange(2):
        a[part] += 1.0
    return a


class CompiledStepper:
    """Runs :func:`sgd_batches` chunk by chunk, checking for Ctrl-C and reporting progress between chunks.

    It trains padded copies of the weights (and W2 transposed, so that every loop over hidden
    neurons is contiguous) and writes them back into the network at the end of every epoch and
    when stopped, so the network always holds the state after whole mini-batches.
    """

    name = "compiled"

    def __init__(self, network, X, Y, settings):
        self.network, self.Y, self.settings = network, Y, settings
        if isinstance(X, ScaledArray):
            self.rows, self.scale = sparse_rows(X.values), network.dtype.type(X.scale)
        else:
            self.rows, self.scale = sparse_rows(X), network.dtype.type(1)
        dtype = network.dtype
        (n_in, n_hidden, n_out), m = network.sizes, min(settings.batch_size, len(Y))
        self.n_real = n_hidden
        padded = -(-n_hidden // LANES) * LANES
        self.W1 = np.zeros((n_in, padded), dtype)
        self.W2T = np.zeros((n_out, padded), dtype)
        self.b1 = np.zeros(padded, dtype)
        self.buffers = tuple(np.zeros((m, size), dtype) for size in (padded,) * 3 + (n_out,) * 3)
        self.parallel = two_threads_pay(settings.batch_size)
        # The two threads of the update share W1's rows at the input that halves the nonzeros.
        self.split = _halving_input(self.rows[1], n_in) if self.parallel else 0
        names = network.hidden_activation.name, network.output_activation.name
        self.codes = (
            _ACTIVATION_CODES[names[0]],
            _ACTIVATION_CODES[names[1]],
            DELTA_QUADRATIC if network.cost.name == "quadratic" else DELTA_A_MINUS_Y,
            n_hidden,
        )

    def state(self) -> list[np.ndarray]:
        return []

    def run_epoch(self, order, eta, stop, callbacks) -> bool:
        """One pass over the examples in ``order``; False if stopped by Ctrl-C."""
        size, dtype = self.settings.batch_size, self.network.dtype.type
        batches = -(-len(order) // size)
        per_chunk = max(1, CHUNK_EXAMPLES // size)
        decay = dtype(1.0 - eta * self.settings.l2 / len(order))
        self._load()
        params = (self.W1, self.b1, self.W2T, self.network.biases[1])
        for first in range(0, batches, per_chunk):
            last = min(first + per_chunk, batches)
            if self.parallel:
                sgd_batches_parallel(
                    self.rows, self.scale, self.Y, order, first, last, size, params, dtype(eta), decay,
                    self.codes, self.buffers, self.split,
                )  # fmt: skip
            else:
                sgd_batches(
                    self.rows, self.scale, self.Y, order, first, last, size, params, dtype(eta), decay,
                    self.codes, self.buffers,
                )  # fmt: skip
            report_progress(callbacks, min(last * size, len(order)))
            if stop.requested and last < batches:
                self._store()
                return False
        self._store()
        return True

    def _load(self) -> None:
        """Copy the network's hidden-layer weights into the padded arrays."""
        (W1, W2), b1, n = self.network.weights, self.network.biases[0], self.n_real
        self.W1[:, :n], self.W2T[:, :n], self.b1[:n] = W1, W2.T, b1

    def _store(self) -> None:
        """Copy the padded arrays back into the network."""
        (W1, W2), b1, n = self.network.weights, self.network.biases[0], self.n_real
        W1[...], W2[...], b1[...] = self.W1[:, :n], self.W2T[:, :n].T, self.b1[:n]
