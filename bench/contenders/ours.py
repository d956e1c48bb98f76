"""Our library: ``sigmoid.Network`` trained by ``sigmoid.training.train``, one epoch per call.

Each call gets ``rng=numpy.random.default_rng(epoch_seed)``; ``train`` draws the epoch's order
from it as ``rng.permutation(n)``, so our order is exactly the one the other contenders use.
Nothing is monitored during the timed epochs (``monitor=()``: no cost or accuracy per epoch).

``train_epoch`` returns the epoch proper, timed from ``on_epoch_begin`` to ``on_epoch_end`` by a
callback: what each epoch of a many-epoch ``train`` call costs. The benchmark also records the
whole call, whose extra is ``train``'s one-off setup (checking and converting the data, preparing
the backend), paid once per call, i.e. once per run of ``sigmoid train``.

Two variants: ``Ours`` lets ``train`` choose its backend (``"auto"``: the compiled kernel where it
supports the network), ``OursNumPy`` forces the pure NumPy reference path (``backend="numpy"``).
"""

from __future__ import annotations

import time

import numpy as np

from contenders import LEARNING_RATE, SIZES, Setup, Unavailable


def _import_sigmoid():
    try:
        from sigmoid import network, training
    except ImportError as error:
        raise Unavailable(f"sigmoid.training is not importable ({error})") from error
    if not hasattr(network, "Network") or not hasattr(training, "train"):
        raise Unavailable("sigmoid.network.Network or sigmoid.training.train does not exist yet")
    return network.Network, training.train


def starting_point(seed: int, dtype: str) -> tuple[tuple, tuple]:
    """Weights and biases (float64) of ``Network([784, 30, 10], init="large", rng=seed)``.

    Falls back to our own N(0, 1) draws when the library cannot be imported, so the peers can
    still be compared with one another.
    """
    try:
        Network, _ = _import_sigmoid()
        net = Network(list(SIZES), init="large", cost="quadratic", dtype=dtype, rng=seed)
        weights, biases = net.weights, net.biases
    except Unavailable:
        rng = np.random.default_rng(seed)
        weights = [rng.standard_normal((i, o)) for i, o in zip(SIZES[:-1], SIZES[1:], strict=True)]
        biases = [rng.standard_normal(o) for o in SIZES[1:]]
    return (
        tuple(np.array(W, dtype=np.float64) for W in weights),
        tuple(np.array(b, dtype=np.float64) for b in biases),
    )


def start_our_threads() -> None:
    """Load Numba's OpenMP threading layer now, before PyTorch (a later contender) loads its own.

    PyTorch makes its bundled OpenMP runtime global when imported; a Numba parallel layer started
    after that runs its parallel regions there, and ours then cost more (ch1 at mini-batch 100,
    median s per epoch, one process, torch imported and used first: 0.081 instead of 0.064). A
    program that uses only sigmoid never meets this; one that imports PyTorch first does.
    """
    try:
        from sigmoid import _kernels
    except ImportError:  # no Numba: ours runs on NumPy, with no threads of its own
        return
    _kernels.threading_layer()


class _EpochTimer:
    """A ``train`` callback that times the epoch from its begin to its end."""

    def __init__(self) -> None:
        self.started: float | None = None
        self.seconds: float | None = None

    def on_epoch_begin(self, epoch: int, n_examples: int) -> None:
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch: int, history) -> None:
        self.seconds = time.perf_counter() - self.started


class Ours:
    """``sigmoid.Network`` + ``sigmoid.training.train``."""

    name = "sigmoid (ours)"
    backend = "auto"

    def __init__(self, setup: Setup) -> None:
        Network, self.train = _import_sigmoid()
        self.setup = setup
        self.net = Network(list(SIZES), init="large", cost="quadratic", dtype=setup.dtype, rng=setup.seed)
        for mine, given in zip(self.net.weights, setup.weights, strict=True):
            mine[...] = given
        for mine, given in zip(self.net.biases, setup.biases, strict=True):
            mine[...] = given
        self.training_data = (setup.data.X_as(setup.dtype), setup.data.y)

    def train_epoch(self, epoch_seed: int) -> float:
        timer = _EpochTimer()
        self.train(
            self.net,
            self.training_data,
            epochs=1,
            batch_size=self.setup.batch_size,
            learning_rate=LEARNING_RATE,
            monitor=(),
            rng=np.random.default_rng(epoch_seed),
            backend=self.backend,
            callbacks=(timer,),
        )
        if timer.seconds is None:
            raise RuntimeError("train() did not call on_epoch_begin/on_epoch_end")
        return timer.seconds

    def accuracy(self) -> float:
        data = self.setup.data
        correct = float(self.net.accuracy(data.X_test_as(self.setup.dtype), data.y_test))
        return correct / data.y_test.size if correct > 1 else correct


class OursNumPy(Ours):
    """Ours, forced onto the pure NumPy path (the reference for the compiled kernel)."""

    name = "sigmoid, NumPy path"
    backend = "numpy"
