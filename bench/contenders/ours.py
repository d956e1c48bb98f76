"""Our library: ``sigmoid.Network`` trained by ``sigmoid.training.train``, one epoch per call.

Each call gets ``rng=numpy.random.default_rng(epoch_seed)``; ``train`` draws the epoch's order
from it as ``rng.permutation(n)``, so our order is exactly the one the other contenders use.
Nothing is monitored during the timed epochs (no cost or accuracy per epoch): the timing is the
training alone.
"""

from __future__ import annotations

import numpy as np

from contenders import LEARNING_RATE, SIZES, Setup, Unavailable


def _import_sigmoid():
    try:
        import sigmoid
        from sigmoid import training
    except ImportError as error:
        raise Unavailable(f"sigmoid.training is not importable ({error})") from error
    if not hasattr(sigmoid, "Network") or not hasattr(training, "train"):
        raise Unavailable("sigmoid.Network or sigmoid.training.train does not exist yet")
    return sigmoid, training


def starting_point(seed: int, dtype: str) -> tuple[tuple, tuple]:
    """Weights and biases (float64) of ``Network([784, 30, 10], init="large", rng=seed)``.

    Falls back to our own N(0, 1) draws when the library cannot be imported, so the peers can
    still be compared with one another.
    """
    try:
        sigmoid, _ = _import_sigmoid()
        net = sigmoid.Network(list(SIZES), init="large", cost="quadratic", dtype=dtype, rng=seed)
        weights, biases = net.weights, net.biases
    except Unavailable:
        rng = np.random.default_rng(seed)
        weights = [
            rng.standard_normal((i, o)) for i, o in zip(SIZES[:-1], SIZES[1:], strict=True)
        ]
        biases = [rng.standard_normal(o) for o in SIZES[1:]]
    return (
        tuple(np.array(W, dtype=np.float64) for W in weights),
        tuple(np.array(b, dtype=np.float64) for b in biases),
    )


class Ours:
    """``sigmoid.Network`` + ``sigmoid.training.train``."""

    name = "sigmoid (ours)"

    def __init__(self, setup: Setup) -> None:
        sigmoid, training = _import_sigmoid()
        self.train = training.train
        self.setup = setup
        self.net = sigmoid.Network(
            list(SIZES), init="large", cost="quadratic", dtype=setup.dtype, rng=setup.seed
        )
        for mine, given in zip(self.net.weights, setup.weights, strict=True):
            mine[...] = given
        for mine, given in zip(self.net.biases, setup.biases, strict=True):
            mine[...] = given
        self.training_data = (setup.data.X_as(setup.dtype), setup.data.y)

    def train_epoch(self, epoch_seed: int) -> None:
        self.train(
            self.net,
            self.training_data,
            epochs=1,
            batch_size=self.setup.batch_size,
            learning_rate=LEARNING_RATE,
            rng=np.random.default_rng(epoch_seed),
        )

    def accuracy(self) -> float:
        data = self.setup.data
        correct = float(self.net.accuracy(data.X_test_as(self.setup.dtype), data.y_test))
        return correct / data.y_test.size if correct > 1 else correct
