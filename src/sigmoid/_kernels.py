r"""A compiled SGD step for networks with one hidden layer: the fast path of :mod:`sigmoid.training`.

It computes what :class:`sigmoid.steppers.NumPyStepper` computes (the tests check that the two agree
to rounding), in a Numba-compiled loop over mini-batches, which removes the NumPy call overhead
that dominates small mini-batches (at m = 10 a step is only ~1 MFLOP), and:

- reads the inputs as sparse rows: about 80% of MNIST's pixels are 0, and a zero input adds nothing
  to z = xW + b nor to the weight gradient xᵀδ, so the first layer does a fifth of the dense work,
  one 32-float "row operation" (a weight row times a pixel, added somewhere) per nonzero pixel.
  The rows are indexed once per training run (:func:`sparse_rows`), not once per epoch;
- updates the weights in place from the per-example errors without forming the gradient:
  W ← (1 − ηλ/n) W − (η/m) Σ_x xᵀ δ_x;
- pads the hidden layer to a multiple of 32 neurons (zero weights in and out, activation held at 0),
  so the loops over hidden neurons run entirely in SIMD registers; the padding never changes a result.
  Those loops index rows (``w = W1[k]``), not ``W1[k, j]``: only that form does LLVM vectorise;
- splits every mini-batch into two parts that two cores can run at once, and that one core runs one
  after the other with the same results to the bit. The inputs are split at the pixel ``split`` that
  halves the nonzeros: part p owns W1's rows on its side, updates them, and forms the next batch's
  partial sums z_p = Σ_{k in part p} x_k W1[k] from them, so W1's rows never move between the cores'
  caches. The per-example work in between (z1 = b1 + z_0 + z_1, activations, output layer, errors) is
  split by rows of the batch, with the small products a1 W2 and δ2 W2ᵀ done by BLAS.

For each example x of a mini-batch, with s = ``split`` and W1_k the weight row of input k:

.. math::
    z^1_x = b^1 + \sum_{k<s} x_k W^1_k + \sum_{k≥s} x_k W^1_k, \quad
    δ^2_x = (a^2_x − y_x) ⊙ g'(z^2_x), \quad δ^1_x = (δ^2_x W^{2T}) ⊙ f'(z^1_x)

Between chunks of about 500 examples (where Ctrl-C is checked and progress reported),
:func:`gather_parts` copies the chunk's sparse rows in the epoch's order into two blocks, one per
part (each row's inputs below the split into block 0, the rest into block 1), so that the kernel's
passes over them read memory in sequence instead of at random. On two threads each thread copies
the block of its own part, which it then finds in its own core's cache. (ch1 at mini-batch 100: the
copy takes about 7 ms of a 35–45 ms epoch on two cores.)
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba.core.compiler import CompilerBase, DefaultPassBuilder

from sigmoid.scaled import ScaledArray
from sigmoid.steppers import CHUNK_EXAMPLES, limit_blas_threads, report_progress

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


class _NoAliasCompiler(CompilerBase):
    """Numba's usual pipeline, with every array argument marked ``noalias`` for LLVM (as C's ``restrict``).

    Only for the small loops below (:func:`_accumulate`, :func:`_subtract`, :func:`_add_multiple`,
    :func:`_copy`), whose callers pass arrays that do not overlap. Knowing that a
    store to one weight row cannot change the other operand, LLVM drops the run-time overlap checks
    around each 32-float loop and keeps the loop invariants in registers: the weight update ran 1.4×
    faster (CPU time per ch1 epoch at mini-batch 100, 0.055 → 0.038 s).
    """

    def define_pipelines(self):
        self.state.flags.noalias = True
        return [DefaultPassBuilder.define_nopython_pipeline(self.state)]


_ROW_LOOP = dict(_JIT, pipeline_class=_NoAliasCompiler)


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
    keep X's dtype (uint8 pixels stay one byte) and the column indices are uint16 where they fit, so
    streaming a row costs as little memory traffic as possible (and, unsigned, they need no check for
    negative indices).
    """
    index_dtype = np.uint16 if X.shape[1] <= np.iinfo(np.uint16).max + 1 else np.int32
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
def split_points(indptr, indices, split):
    """For every sparse row i, the position of its first nonzero input with index ≥ ``split``."""
    middle = np.empty(indptr.shape[0] - 1, dtype=indptr.dtype)
    for i in range(middle.shape[0]):
        t = indptr[i]
        while t < indptr[i + 1] and indices[t] < split:
            t += 1
        middle[i] = t
    return middle


@numba.njit(**_JIT)
def _padded_width(W1):
    """The hidden width as LLVM should see it: a multiple of 32, so no scalar remainder loop is made."""
    return (W1.shape[1] // LANES) * LANES


@numba.njit(**_ROW_LOOP)
def _accumulate(z, W1, indices, values, scale, t, end):
    """z += Σ_t x_t W1[k_t] over nonzeros t to end − 1 (x_t = values·scale at input k_t = indices[t]).

    Four inputs per pass: z is loaded and stored once per four weight rows, which shortens the chain
    of store-to-load dependencies through z.
    """
    n_hidden = _padded_width(W1)
    while t + 4 <= end:
        w0, w1, w2, w3 = W1[indices[t]], W1[indices[t + 1]], W1[indices[t + 2]], W1[indices[t + 3]]
        v0, v1 = values[t] * scale, values[t + 1] * scale
        v2, v3 = values[t + 2] * scale, values[t + 3] * scale
        for j in range(n_hidden):
            z[j] += (v0 * w0[j] + v1 * w1[j]) + (v2 * w2[j] + v3 * w3[j])
        t += 4
    while t < end:
        w = W1[indices[t]]
        v = values[t] * scale
        for j in range(n_hidden):
            z[j] += v * w[j]
        t += 1


@numba.njit(**_ROW_LOOP)
def _subtract(W1, indices, values, scale, step, d, t, end):
    """W1[k_t] −= step·x_t·d for nonzeros t to end − 1: one example's share of −(η/m) xᵀδ."""
    n_hidden = _padded_width(W1)
    for s in range(t, end):
        w = W1[indices[s]]
        c = step * (values[s] * scale)
        for j in range(n_hidden):
            w[j] -= c * d[j]


@numba.njit(**_ROW_LOOP)
def _add_multiple(y, c, x):
    """y += c·x."""
    for j in range(y.shape[0]):
        y[j] += c * x[j]


@numba.njit(**_ROW_LOOP)
def _copy(destination, source):
    """destination[:] = source[:] for 1-D arrays of one length.

    A loop over an unsigned counter, which needs no check for negative indices: LLVM turns it into
    a block copy, about 9 times faster than Numba's slice assignment (which copies one element at a time).
    """
    for c in range(numba.uint64(destination.shape[0])):
        destination[c] = source[c]


@numba.njit(**_JIT)
def _scale_rows(W, first, last, factor):
    """W[first:last] *= factor (the weight decay), as a loop: quicker to compile than the array form."""
    for k in range(first, last):
        w = W[k]
        for j in range(w.shape[0]):
            w[j] *= factor


@numba.njit(**_JIT)
def _forward_part(chunk, start, m, W1, partial, part):
    """partial[r] = Σ x_k W1[k] over the inputs k of ``part`` of each batch row r (layer 1 without b1)."""
    indptr, indices, values, scale, _ = chunk
    bounds, part_indices, part_values = indptr[part], indices[part], values[part]
    for r in range(m):
        z = partial[r]
        z[:] = 0.0
        _accumulate(z, W1, part_indices, part_values, scale, bounds[start + r], bounds[start + r + 1])


@numba.njit(**_JIT)
def _output_errors(z2, a2, d2, y, output, delta_kind):
    """a2 = g(z2) and δ2 = (a2 − y)·g'(z2) (quadratic cost) or a2 − y, for one example."""
    if output == SOFTMAX:
        top = z2[0]  # max(z2), as a loop: quicker to compile than z2.max()
        for o in range(1, z2.shape[0]):
            top = max(top, z2[o])
        total = 0.0
        for o in range(z2.shape[0]):
            a2[o] = math.exp(z2[o] - top)
            total += a2[o]
        for o in range(z2.shape[0]):
            a2[o] /= total
    else:
        for o in range(z2.shape[0]):
            a2[o] = _activate(z2[o], output)
    for o in range(z2.shape[0]):
        error = a2[o] - y[o]
        if delta_kind == DELTA_QUADRATIC:
            error *= _derivative(z2[o], a2[o], output)
        d2[o] = error


@numba.njit(**_JIT)
def _errors(Y, start, r_from, r_to, params, buffers, codes):
    """Batch rows r_from to r_to − 1: z1, a1, z2 = a1 W2 + b2, a2, δ2, δ1 = (δ2 W2ᵀ) ⊙ f'(z1).

    z1 = b1 + partial₀ + partial₁, always summed in that order, so the result does not depend on
    whether the two parts ran on one thread or two. The two small products go to BLAS.
    """
    _, b1, W2T, b2 = params
    partials, Z1, A1, D1, Z2, A2, D2, _ = buffers
    hidden, output, delta_kind, n_real = codes
    if r_to <= r_from:
        return
    for r in range(r_from, r_to):
        z1, a1 = Z1[r], A1[r]
        for j in range(z1.shape[0]):
            z1[j] = (b1[j] + partials[0, r, j]) + partials[1, r, j]
        for j in range(n_real):  # padded neurons keep a1 = 0, so they feed nothing forward
            a1[j] = _activate(z1[j], hidden)
    rows = slice(r_from, r_to)
    np.dot(A1[rows], W2T.T, Z2[rows])
    for r in range(r_from, r_to):
        z2 = Z2[r]
        for o in range(z2.shape[0]):
            z2[o] += b2[o]
        _output_errors(z2, A2[r], D2[r], Y[start + r], output, delta_kind)
    np.dot(D2[rows], W2T, D1[rows])
    for r in range(r_from, r_to):
        z1, a1, d1 = Z1[r], A1[r], D1[r]
        for j in range(n_real):
            d1[j] *= _derivative(z1[j], a1[j], hidden)


@numba.njit(**_JIT)
def _update_part(chunk, start, m, params, buffers, step, decay, part):
    """Part 0: W1 rows below ``split``, b1 and b2; part 1: W1 rows from ``split`` on, and W2.

    W ← decay·W − step·Σ_x xᵀδ_x, b ← b − step·Σ_x δ_x. Each W1 row receives the examples'
    contributions in batch order, whichever thread runs the part.
    """
    indptr, indices, values, scale, split = chunk
    W1, b1, W2T, b2 = params
    _, _, A1, D1, _, _, D2, G2 = buffers
    if decay != 1.0:
        if part == 0:
            _scale_rows(W1, 0, split, decay)
        else:
            _scale_rows(W1, split, W1.shape[0], decay)
            _scale_rows(W2T, 0, W2T.shape[0], decay)
    bounds, part_indices, part_values = indptr[part], indices[part], values[part]
    for r in range(m):
        t, end = bounds[start + r], bounds[start + r + 1]
        _subtract(W1, part_indices, part_values, scale, step, D1[r], t, end)
    if part == 0:
        for r in range(m):
            d1, d2 = D1[r], D2[r]
            for j in range(b1.shape[0]):
                b1[j] -= step * d1[j]
            for o in range(b2.shape[0]):
                b2[o] -= step * d2[o]
    else:
        G2[:] = 0.0  # ∂C/∂W2ᵀ = Σ_x δ2ᵀ a1
        for r in range(m):
            a1, d2 = A1[r], D2[r]
            for o in range(G2.shape[0]):
                _add_multiple(G2[o], d2[o], a1)
        for o in range(W2T.shape[0]):
            w2, g2 = W2T[o], G2[o]
            for j in range(w2.shape[0]):
                w2[j] -= step * g2[j]


@numba.njit(**_JIT)
def _step_part(chunk, start, m, next_m, params, buffers, step, decay, part):
    """The update of ``part``, then the next mini-batch's layer-1 partial sums over the same W1 rows."""
    _update_part(chunk, start, m, params, buffers, step, decay, part)
    if next_m > 0:
        _forward_part(chunk, start + m, next_m, params[0], buffers[0][part], part)


@numba.njit(**_JIT)
def _step(rates, m, batch_size):
    """η/m for a mini-batch of m examples, in the weights' dtype (η/m computed here would be float64)."""
    return rates[0] if m == batch_size else rates[1]


@numba.njit(**_JIT)
def _bounds(n, batch, batch_size, last):
    """Mini-batch ``batch`` of n examples: its first example, its size, and the next one's (0 if last)."""
    start = batch * batch_size
    m = min(batch_size, n - start)
    next_m = min(batch_size, n - start - m) if batch + 1 < last else 0
    return start, m, next_m


@numba.njit(**_JIT)
def sgd_batches(chunk, Y, n, batch_size, params, rates, codes, buffers):
    """Run SGD, in place, on examples 0 to n − 1 of a chunk taken in turn in mini-batches of ``batch_size``.

    ``chunk = (indptr, indices, values, scale, split)`` holds the chunk's sparse rows as
    :func:`gather_parts` lays them out, two CSR blocks side by side: example i (row r of mini-batch b,
    i = b·batch_size + r) has its inputs below ``split`` at ``indices[0, indptr[0, i]:indptr[0, i + 1]]``
    with the values ``values[0, ...]·scale``, the others in block 1; its targets are ``Y[i]``.
    ``params = (W1, b1, W2ᵀ, b2)`` with the hidden layer padded; ``rates = (η/batch_size, η/m_last,
    1 − ηλ/n)`` in the weights' dtype (m_last: the size of the epoch's last mini-batch);
    ``codes = (hidden, output, delta_kind, n_real)``; ``buffers`` from :func:`make_buffers`.
    Every step comes in two parts; here one thread runs them in turn, :func:`sgd_batches_parallel`
    runs them at once.
    """
    batches = (n + batch_size - 1) // batch_size
    for part in range(2):
        _forward_part(chunk, 0, min(batch_size, n), params[0], buffers[0][part], part)
    for batch in range(batches):
        start, m, next_m = _bounds(n, batch, batch_size, batches)
        half = (m + 1) // 2
        for part in range(2):
            _errors(Y, start, part * half, min(m, (part + 1) * half), params, buffers, codes)
        step = _step(rates, m, batch_size)
        for part in range(2):
            _step_part(chunk, start, m, next_m, params, buffers, step, rates[2], part)


@numba.njit(parallel=True, **_JIT)
def sgd_batches_parallel(chunk, Y, n, batch_size, params, rates, codes, buffers):
    """:func:`sgd_batches` on two threads, with the same results to the bit.

    The errors are split by rows of the mini-batch (each needs only weights that no one writes then);
    the update and the next forward pass by rows of W1 (each thread writes, and reads, only its own
    rows of W1: they stay in its core's cache). No number is written by both threads.
    """
    batches = (n + batch_size - 1) // batch_size
    for part in numba.prange(2):
        _forward_part(chunk, 0, min(batch_size, n), params[0], buffers[0][part], part)
    for batch in range(batches):
        start, m, next_m = _bounds(n, batch, batch_size, batches)
        half = (m + 1) // 2
        for part in numba.prange(2):
            _errors(Y, start, part * half, min(m, (part + 1) * half), params, buffers, codes)
        step = _step(rates, m, batch_size)
        for part in numba.prange(2):
            _step_part(chunk, start, m, next_m, params, buffers, step, rates[2], part)


@numba.njit(**_JIT)
def _gather_part(source, Y, order, out, part):
    """Block ``part`` of ``out``: part ``part`` of the sparse rows of examples ``order``, in that order.

    ``source = (indptr, indices, values, middle)``: the training set's sparse rows and their split
    points (:func:`split_points`); part 0 of row i is its nonzeros before ``middle[i]``, part 1 the
    rest. ``out = (indptr, indices, values, Y)`` as :func:`chunk_arrays` makes them; part 0 also
    copies the targets.
    """
    indptr, indices, values, middle = source
    chunk_indptr, chunk_indices, chunk_values, chunk_Y = out
    bounds, to_indices, to_values = chunk_indptr[part], chunk_indices[part], chunk_values[part]
    t = 0
    for r in range(order.shape[0]):
        i = order[r]
        first, end = (indptr[i], middle[i]) if part == 0 else (middle[i], indptr[i + 1])
        count = end - first
        _copy(to_indices[t : t + count], indices[first:end])
        _copy(to_values[t : t + count], values[first:end])
        t += count
        bounds[r + 1] = t
    if part == 0:
        for r in range(order.shape[0]):
            _copy(chunk_Y[r], Y[order[r]])


@numba.njit(**_JIT)
def gather_parts(source, Y, order, out):
    """Copy both parts of the rows of examples ``order`` into ``out`` in turn (see :func:`_gather_part`)."""
    for part in range(2):
        _gather_part(source, Y, order, out, part)


@numba.njit(parallel=True, **_JIT)
def gather_parts_parallel(source, Y, order, out):
    """:func:`gather_parts` on two threads: each copies one part (the same bytes as one thread)."""
    for part in numba.prange(2):
        _gather_part(source, Y, order, out, part)


def chunk_arrays(rows, Y, examples: int):
    """Arrays for :func:`gather_parts`: room for ``examples`` rows in each part, however long they are."""
    indptr, indices, values = rows
    examples = min(examples, len(Y))
    room = np.sort(np.diff(indptr))[::-1][:examples].sum()  # the longest rows, together
    return (
        np.zeros((2, examples + 1), indptr.dtype),
        np.empty((2, room), indices.dtype),
        np.empty((2, room), values.dtype),
        np.empty((examples, Y.shape[1]), Y.dtype),
    )


def make_buffers(batch_size: int, padded: int, n_out: int, dtype) -> tuple[np.ndarray, ...]:
    """Work arrays: the two parts' layer-1 sums, Z1, A1, D1, Z2, A2, D2 (one row per example), ∂W2ᵀ."""
    return (
        aligned_zeros((2, batch_size, padded), dtype),
        *(aligned_zeros((batch_size, padded), dtype) for _ in range(3)),
        *(np.zeros((batch_size, n_out), dtype) for _ in range(3)),
        np.zeros((n_out, padded), dtype),
    )


#: Bytes in a cache line (x86-64 and most ARM cores).
CACHE_LINE = 64


def aligned_zeros(shape: tuple[int, ...], dtype) -> np.ndarray:
    """Zeros whose first byte starts a cache line, so every padded row fills whole lines.

    NumPy only promises 16-byte alignment; a 128-byte weight row that starts 16 bytes into a line
    spans three lines, and every other 32-byte load straddles two.
    """
    dtype = np.dtype(dtype)
    size = int(np.prod(shape)) * dtype.itemsize
    raw = np.zeros(size + CACHE_LINE, np.uint8)
    start = -raw.ctypes.data % CACHE_LINE
    return raw[start : start + size].view(dtype).reshape(shape)


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
#: parallel regions per mini-batch (about 2 µs each with OpenMP), which smaller batches do not repay
#: (ch1, float32, median s per epoch over two interleaved runs, one vs two threads: m = 10: 0.060 vs
#: 0.056–0.069 for twice the CPU time; m = 20: 0.055–0.058 vs 0.044–0.054; m = 100: 0.053–0.068 vs
#: 0.044–0.050).
PARALLEL_MIN_BATCH = 20


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
            rows, scale = sparse_rows(X.values), network.dtype.type(X.scale)
        else:
            rows, scale = sparse_rows(X), network.dtype.type(1)
        dtype = network.dtype
        (n_in, n_hidden, n_out), m = network.sizes, min(settings.batch_size, len(Y))
        self.n_real = n_hidden
        padded = -(-n_hidden // LANES) * LANES
        self.W1 = aligned_zeros((n_in, padded), dtype)
        self.W2T = np.zeros((n_out, padded), dtype)
        self.b1 = np.zeros(padded, dtype)
        self.buffers = make_buffers(m, padded, n_out, dtype)
        # A mini-batch larger than the data is the whole data (and may not fit in an int64).
        self.size = m
        self.parallel = two_threads_pay(m)
        # The work is split at the input that halves the nonzeros, on one thread as on two.
        self.scale, self.split = scale, _halving_input(rows[1], n_in)
        self.source = (*rows, split_points(rows[0], rows[1], self.split))
        chunk_examples = max(1, CHUNK_EXAMPLES // m) * m
        self.chunk = chunk_arrays(rows, Y, chunk_examples)
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
        size, dtype = self.size, self.network.dtype.type
        batches = -(-len(order) // size)
        per_chunk = max(1, CHUNK_EXAMPLES // size)
        last_size = len(order) - (batches - 1) * size
        rates = (dtype(eta / size), dtype(eta / last_size), dtype(1.0 - eta * self.settings.l2 / len(order)))
        self._load()
        params = (self.W1, self.b1, self.W2T, self.network.biases[1])
        kernel, gather = (
            (sgd_batches_parallel, gather_parts_parallel) if self.parallel else (sgd_batches, gather_parts)
        )
        with limit_blas_threads():
            for first in range(0, batches, per_chunk):
                last = min(first + per_chunk, batches)
                examples = order[first * size : last * size]
                gather(self.source, self.Y, examples, self.chunk)
                indptr, indices, values, Y = self.chunk
                chunk = (indptr, indices, values, self.scale, self.split)
                kernel(chunk, Y, len(examples), size, params, rates, self.codes, self.buffers)
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
