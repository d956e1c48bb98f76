"""The compiled (Numba) engine against the NumPy engine and against Network.backprop: same results to
rounding for every cost/output pair, hidden activation, L2, partial last mini-batch and scaled inputs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import sparse

from sigmoid import Network, ScaledArray, train

_kernels = pytest.importorskip("sigmoid._kernels")

HIDDEN = ("sigmoid", "tanh", "relu", "identity")
OUTPUTS = (
    ("quadratic", "sigmoid"),
    ("quadratic", "tanh"),
    ("quadratic", "identity"),
    ("quadratic", "relu"),
    ("cross-entropy", "sigmoid"),
    ("log-likelihood", "softmax"),
)
GRID = list(itertools.product(HIDDEN, OUTPUTS))
GRID_IDS = [f"{hidden}-{cost}-{output}" for hidden, (cost, output) in GRID]


def _data(n, n_in, n_out, cost, output, seed=0):
    """Inputs in [0, 1) with about half of them exactly 0 (the kernel reads rows sparsely), and targets."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 256, size=(n, n_in)).astype(np.uint8)
    values[rng.random((n, n_in)) < 0.5] = 0
    if cost == "log-likelihood" or output == "sigmoid":
        y = rng.integers(0, n_out, size=n)
    elif output == "tanh":
        y = rng.uniform(-0.8, 0.8, size=(n, n_out))
    else:
        y = rng.uniform(0, 1, size=(n, n_out))
    return values, y


def _train_both(net, data, **settings):
    results = {}
    for backend in ("numpy", "compiled"):
        trained = net.copy()
        history = train(trained, data, backend=backend, **settings)
        assert history.settings["backend"] == backend
        results[backend] = trained
    return results["numpy"], results["compiled"]


def _assert_close(a: Network, b: Network, rtol, atol):
    for x, y in zip(a.weights + a.biases, b.weights + b.biases, strict=True):
        np.testing.assert_allclose(y, x, rtol=rtol, atol=atol)


@pytest.mark.parametrize(("hidden", "pair"), GRID, ids=GRID_IDS)
def test_compiled_matches_numpy_in_float64(hidden, pair):
    cost, output = pair
    values, y = _data(23, 6, 3, cost, output)
    net = Network(
        [6, 5, 3], hidden_activation=hidden, output_activation=output, cost=cost, dtype="float64", rng=1
    )
    # 23 examples in mini-batches of 5: the last mini-batch of every epoch has 3; L2 on.
    numpy_net, compiled_net = _train_both(
        net, (values / 255, y), epochs=3, batch_size=5, learning_rate=0.2, l2=0.7, rng=2
    )
    assert not np.allclose(numpy_net.weights[0], net.weights[0])  # training did something
    _assert_close(numpy_net, compiled_net, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("pair", OUTPUTS, ids=[f"{c}-{o}" for c, o in OUTPUTS])
def test_compiled_matches_numpy_in_float32(pair):
    cost, output = pair
    values, y = _data(23, 6, 3, cost, output, seed=3)
    net = Network([6, 5, 3], output_activation=output, cost=cost, dtype="float32", rng=1)
    numpy_net, compiled_net = _train_both(
        net, (values / 255, y), epochs=3, batch_size=5, learning_rate=0.2, l2=0.7, rng=2
    )
    _assert_close(numpy_net, compiled_net, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("hidden_size", [1, 31, 32, 33])
@pytest.mark.parametrize("batch_size", [1, 4, 40])
def test_padding_and_batch_sizes_change_nothing(hidden_size, batch_size):
    # The kernel pads the hidden layer to a multiple of 32; a batch larger than the data set is one batch.
    values, y = _data(17, 4, 2, "cross-entropy", "sigmoid", seed=4)
    net = Network([4, hidden_size, 2], cost="cross-entropy", dtype="float64", rng=5)
    numpy_net, compiled_net = _train_both(
        net, (values / 255, y), epochs=2, batch_size=batch_size, learning_rate=1.0, l2=0.3, rng=6
    )
    _assert_close(numpy_net, compiled_net, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_scaled_inputs_equal_the_float_inputs(dtype):
    values, y = _data(19, 5, 3, "log-likelihood", "softmax", seed=7)
    net = Network([5, 4, 3], output_activation="softmax", cost="log-likelihood", dtype=dtype, rng=8)
    settings = dict(epochs=2, batch_size=4, learning_rate=0.5, l2=1.0, rng=9)
    from_floats, from_scaled = net.copy(), net.copy()
    train(from_floats, (values / 256, y), backend="numpy", **settings)
    train(from_scaled, (ScaledArray(values, 1 / 256), y), backend="compiled", **settings)
    rtol = 1e-10 if dtype == "float64" else 1e-4
    _assert_close(from_floats, from_scaled, rtol=rtol, atol=rtol / 10)
    # The scale 1/256 is exact, so the compiled engine gives the same on floats and on scaled integers.
    compiled_floats = net.copy()
    train(compiled_floats, (values / 256, y), backend="compiled", **settings)
    _assert_close(compiled_floats, from_scaled, rtol=1e-15 if dtype == "float64" else 1e-6, atol=0)


def test_one_compiled_step_against_backprop():
    # One mini-batch, one step: W ← (1 − ηλ/n)W − η·∂W with ∂W from Network.backprop (the reference).
    values, y = _data(6, 5, 2, "quadratic", "sigmoid", seed=10)
    X = values / 255
    net = Network([5, 3, 2], hidden_activation="tanh", dtype="float64", rng=11)
    expected = net.copy()
    grad_w, grad_b = expected.backprop(X, y)
    eta, lam, n = 0.8, 1.5, 6
    for layer in range(2):
        expected.weights[layer] = (1 - eta * lam / n) * expected.weights[layer] - eta * grad_w[layer]
        expected.biases[layer] = expected.biases[layer] - eta * grad_b[layer]
    train(net, (X, y), epochs=1, batch_size=6, learning_rate=eta, l2=lam, backend="compiled", rng=0)
    _assert_close(expected, net, rtol=1e-12, atol=1e-15)


def test_auto_picks_the_compiled_engine_where_it_applies():
    values, y = _data(10, 3, 2, "quadratic", "sigmoid")
    for batch_size in (5, 2000):
        history = train(
            Network([3, 4, 2], rng=0), (values / 255, y), epochs=1, batch_size=batch_size, learning_rate=0.1
        )
        assert history.settings["backend"] == "compiled"
    for net, extra in ((Network([3, 4, 4, 2], rng=0), {}), (Network([3, 4, 2], rng=0), {"l1": 0.1})):
        history = train(net, (values / 255, y), epochs=1, batch_size=5, learning_rate=0.1, **extra)
        assert history.settings["backend"] == "numpy"


def test_unsupported_reasons():
    class Settings:
        l1 = momentum = 0.0

    assert _kernels.unsupported(Network([3, 4, 2]), Settings()) == ""
    assert "one hidden layer" in _kernels.unsupported(Network([3, 2]), Settings())
    assert "one hidden layer" in _kernels.unsupported(Network([3, 4, 4, 2]), Settings())
    Settings.momentum = 0.9
    assert "momentum" in _kernels.unsupported(Network([3, 4, 2]), Settings())


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8])
def test_sparse_rows_match_scipy(dtype):
    rng = np.random.default_rng(12)
    X = (rng.integers(0, 4, size=(9, 7)) * (rng.random((9, 7)) < 0.4)).astype(dtype)
    X[3] = 0  # an empty row
    indptr, indices, values = _kernels.sparse_rows(X)
    expected = sparse.csr_matrix(X)
    expected.sort_indices()
    np.testing.assert_array_equal(indptr, expected.indptr)
    np.testing.assert_array_equal(indices, expected.indices)
    np.testing.assert_array_equal(values, expected.data)
    assert values.dtype == X.dtype


def test_split_points_and_the_halving_input():
    # Rows of a 6-column matrix; counting nonzeros by column index: 0:2, 1:1, 2:3, 3:1, 4:0, 5:2 (9 in all).
    X = np.array(
        [
            [1, 0, 2, 0, 0, 3],
            [0, 0, 0, 0, 0, 0],
            [4, 5, 6, 7, 0, 0],
            [0, 0, 8, 0, 0, 9],
        ],
        dtype=np.uint8,
    )
    indptr, indices, _ = _kernels.sparse_rows(X)
    assert indices.dtype == np.uint16
    # 4.5 is half of 9: columns 0..1 hold 3 nonzeros, 0..2 hold 6, so the split is at column 3.
    assert _kernels._halving_input(indices, 6) == 3
    middle = _kernels.split_points(indptr, indices, 3)
    # Row 0: nonzeros at 0, 2 | 5; row 1: none; row 2: 0, 1, 2 | 3; row 3: 2 | 5.
    np.testing.assert_array_equal(middle - indptr[:-1], [2, 0, 3, 1])
    assert list(_kernels.split_points(indptr, indices, 0)) == list(indptr[:-1])
    assert list(_kernels.split_points(indptr, indices, 6)) == list(indptr[1:])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_aligned_zeros_start_a_cache_line(dtype):
    for shape in [(784, 32), (3, 5, 64), (1,)]:
        a = _kernels.aligned_zeros(shape, dtype)
        assert a.shape == shape and a.dtype == dtype and a.flags.c_contiguous and a.flags.writeable
        assert a.ctypes.data % 64 == 0
        assert not a.any()


@pytest.mark.parametrize("backend", ["numpy", "compiled"])
def test_blas_runs_on_one_thread_while_training(backend):
    # Two BLAS thread pools spinning on two cores thrash (steppers.BLAS_THREADS); both engines train
    # inside the limit, and leave the process's settings as they were.
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    before = blas_threads()
    seen = []

    class Probe:
        def on_progress(self, examples_done):
            seen.append(blas_threads())

    values, y = _data(40, 6, 3, "quadratic", "sigmoid", seed=13)
    train(Network([6, 5, 3], rng=1), (values / 255, y), epochs=1, batch_size=20, learning_rate=0.5,
          backend=backend, callbacks=[Probe()], rng=0)  # fmt: skip
    assert seen and all(threads == [1] * len(before) for threads in seen)
    assert blas_threads() == before


@pytest.mark.parametrize("gather", ["gather_parts", "gather_parts_parallel"])
def test_gather_parts_copies_a_chunk_in_order_split_at_the_input(gather):
    rng = np.random.default_rng(14)
    X = (rng.integers(1, 256, size=(12, 9)) * (rng.random((12, 9)) < 0.5)).astype(np.uint8)
    X[4] = 0  # an empty row
    X[7, :5] = 0  # a row with nothing below the split
    Y = rng.random((12, 3))
    rows = _kernels.sparse_rows(X)
    source = (*rows, _kernels.split_points(rows[0], rows[1], 5))
    order = np.array([4, 11, 0, 0, 7])
    chunk = _kernels.chunk_arrays(rows, Y, len(order))
    getattr(_kernels, gather)(source, Y, order, chunk)
    indptr, indices, values, chunk_Y = chunk
    for r, i in enumerate(order):
        # Block 0 holds row i's inputs 0-4, block 1 its inputs 5-8, each in input order.
        for part, columns in ((0, range(0, 5)), (1, range(5, 9))):
            row = slice(indptr[part, r], indptr[part, r + 1])
            assert all(k in columns for k in indices[part, row])
            assert list(indices[part, row]) == sorted(indices[part, row])
            dense = np.zeros(9, np.uint8)
            dense[indices[part, row]] = values[part, row]
            np.testing.assert_array_equal(dense[list(columns)], X[i, list(columns)])
        np.testing.assert_array_equal(chunk_Y[r], Y[i])
    # The chunk arrays hold the longest rows together, so any 5 rows fit in either block.
    assert indices.shape == (2, sum(sorted(np.count_nonzero(X, axis=1))[-5:]))
