"""The two-thread compiled kernel gives the same results as the one-thread kernel.

Both split every mini-batch into the same two parts (by input pixel for the weight updates and the
layer-1 sums, by batch row for the errors) and combine them in the same order; two threads run the
parts at once, one thread runs them in turn. So float32 results are the same bits; in float64 the
compiler may fuse a multiply-add differently in the two kernels, which leaves differences of an ulp or so.
"""

from __future__ import annotations

import numpy as np
import pytest

from sigmoid import Network, ScaledArray
from sigmoid.training import Hyperparameters

_kernels = pytest.importorskip("sigmoid._kernels")

needs_threads = pytest.mark.skipif(
    _kernels.threading_layer() not in ("omp", "tbb"), reason="Numba has no OpenMP or TBB threading layer here"
)


class _NoStop:
    requested = False


def _trained(parallel: bool, *, dtype, batch_size, l2, cost, output, n=203):
    rng = np.random.default_rng(5)
    values = rng.integers(0, 256, size=(n, 60)).astype(np.uint8)
    values[rng.random((n, 60)) < 0.6] = 0
    y = rng.integers(0, 4, size=n)
    network = Network([60, 37, 4], cost=cost, output_activation=output, dtype=dtype, rng=3)
    stepper = _kernels.CompiledStepper(
        network,
        ScaledArray(values, 1 / 256),
        network.as_targets(y, n),
        Hyperparameters(2, batch_size, 0.7, l2=l2),
    )
    stepper.parallel = parallel
    for epoch in range(2):
        order = np.random.default_rng(epoch).permutation(n)
        assert stepper.run_epoch(order, 0.7, _NoStop(), ())
    return network


@needs_threads
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("batch_size", [1, 32, 50])
@pytest.mark.parametrize("l2", [0.0, 3.0])
@pytest.mark.parametrize(
    ("cost", "output"),
    [("quadratic", "sigmoid"), ("cross-entropy", "sigmoid"), ("log-likelihood", "softmax")],
)
def test_two_threads_give_the_same_results_as_one(dtype, batch_size, l2, cost, output):
    # 203 examples: the last mini-batch is partial for every batch size here.
    one = _trained(False, dtype=dtype, batch_size=batch_size, l2=l2, cost=cost, output=output)
    two = _trained(True, dtype=dtype, batch_size=batch_size, l2=l2, cost=cost, output=output)
    for a, b in zip(one.weights + one.biases, two.weights + two.biases, strict=True):
        if dtype == "float32":
            assert np.array_equal(a, b)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    assert not np.array_equal(one.weights[0], Network([60, 37, 4], dtype=dtype, rng=3).weights[0])


def test_small_batches_stay_on_one_thread():
    assert not _kernels.two_threads_pay(_kernels.PARALLEL_MIN_BATCH - 1)
    if _kernels.threading_layer() in ("omp", "tbb"):
        assert _kernels.two_threads_pay(_kernels.PARALLEL_MIN_BATCH)
