"""The book's training setups as data: one frozen :class:`Recipe` per setup, looked up by name.

Each recipe holds every hyperparameter of one run of Michael Nielsen's *Neural Networks and Deep
Learning* and the accuracy the book reports for it (the best epoch, as the book quotes it):

=========  ==============  ===============  =====  ===  ======  ======  ==========  ===========
name       sizes           cost             init   η    λ (L2)  epochs  evaluated   book
=========  ==============  ===============  =====  ===  ======  ======  ==========  ===========
ch1        [784, 30, 10]   quadratic        large  3.0  0       30      test        95.42%
ch1-100    [784, 100, 10]  quadratic        large  3.0  0       30      test        96.59%
ch3        [784, 30, 10]   cross-entropy    norm.  0.5  5.0     30      test        96.49%
ch3-100    [784, 100, 10]  cross-entropy    norm.  0.5  5.0     30      validation  97.92%
ch3-best   [784, 100, 10]  cross-entropy    norm.  0.1  5.0     60      validation  98.04%
=========  ==============  ===============  =====  ===  ======  ======  ==========  ===========

All use sigmoid neurons, mini-batches of 10 and the 50,000 training images. "large" is the
chapter-1 initialisation w, b ~ N(0, 1); "norm." (``normalized``) is chapter 3's w ~ N(0, 1/n_in),
b ~ N(0, 1). (The book ran its chapter-3 regularisation experiments before introducing the
better initialisation, with ``large_weight_initializer()``; it reports that the new one reaches
the same final accuracy, only sooner.)

>>> recipe = get("ch3").replace(epochs=5)
>>> recipe.learning_rate, recipe.epochs
(0.5, 5)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

#: The recipe ``sigmoid train`` runs when none is named.
DEFAULT = "ch1"
#: Where a recipe may report its per-epoch accuracy.
EVALUATION_SETS = ("test", "validation")


@dataclass(frozen=True)
class Recipe:
    """Every setting of one training run; ``replace(**changes)`` gives a modified copy.

    ``sizes`` are the layer sizes, input first; ``schedule`` halves η after that many epochs
    without improvement; ``book_accuracy`` is the book's best-epoch accuracy (a fraction) or None.
    """

    name: str
    sizes: tuple[int, ...]
    epochs: int
    batch_size: int
    learning_rate: float
    l2: float = 0.0
    l1: float = 0.0
    momentum: float = 0.0
    cost: str = "quadratic"
    init: str = "large"
    hidden_activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    dtype: str = "float32"
    evaluate_on: str = "test"
    early_stopping: int | None = None
    schedule: int | None = None
    book_accuracy: float | None = None
    summary: str = ""

    def __post_init__(self) -> None:
        sizes = tuple(self.sizes)
        if len(sizes) < 2 or any(not isinstance(s, int) or isinstance(s, bool) or s < 1 for s in sizes):
            raise ValueError(f"sizes must be at least two positive integers, got {list(self.sizes)!r}")
        object.__setattr__(self, "sizes", sizes)
        if self.evaluate_on not in EVALUATION_SETS:
            raise ValueError(
                f"evaluate_on must be one of {', '.join(EVALUATION_SETS)}, got {self.evaluate_on!r}"
            )

    @property
    def hidden(self) -> tuple[int, ...]:
        """The hidden-layer sizes (between input and output)."""
        return self.sizes[1:-1]

    def replace(self, **changes) -> Recipe:
        """A copy with ``changes`` applied; values of None leave a setting as it is."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise TypeError(f"unknown recipe settings {sorted(unknown)}")
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def network_options(self) -> dict:
        """Keyword arguments for :class:`sigmoid.Network` (besides ``sizes`` and ``rng``)."""
        return {
            "hidden_activation": self.hidden_activation,
            "output_activation": self.output_activation,
            "cost": self.cost,
            "init": self.init,
            "dtype": self.dtype,
        }

    def training_options(self) -> dict:
        """Keyword arguments for :func:`sigmoid.train` (besides the data, ``rng`` and callbacks)."""
        return {
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "learning_rate": self.learning_rate,
            "l2": self.l2,
            "l1": self.l1,
            "momentum": self.momentum,
            "early_stopping": self.early_stopping,
            "learning_rate_schedule": self.schedule,
        }

    def describe(self) -> str:
        """The settings on one line, as ``sigmoid train`` prints them before training."""
        parts = [
            f"sizes {list(self.sizes)}",
            f"{self.hidden_activation}/{self.output_activation}",
            f"{self.cost} cost",
            f"init {self.init}",
            f"η = {self.learning_rate:g}",
            f"mini-batch {self.batch_size}",
            f"{self.epochs} epoch{'s' if self.epochs != 1 else ''}",
        ]
        for label, value in (("λ (L2)", self.l2), ("L1", self.l1), ("momentum", self.momentum)):
            if value:
                parts.append(f"{label} = {value:g}")
        if self.early_stopping:
            parts.append(f"early stopping after {self.early_stopping}")
        if self.schedule:
            parts.append(f"halve η after {self.schedule}")
        parts += [self.dtype, f"evaluated on {self.evaluate_on} data"]
        return f"recipe {self.name}: " + ", ".join(parts)


_CH1 = Recipe(
    name="ch1",
    sizes=(784, 30, 10),
    epochs=30,
    batch_size=10,
    learning_rate=3.0,
    cost="quadratic",
    init="large",
    evaluate_on="test",
    book_accuracy=0.9542,
    summary="chapter 1: 30 hidden sigmoid neurons, quadratic cost",
)
_CH3 = _CH1.replace(
    name="ch3",
    cost="cross-entropy",
    init="normalized",
    learning_rate=0.5,
    l2=5.0,
    book_accuracy=0.9649,
    summary="chapter 3: cross-entropy, L2 regularisation λ = 5.0",
)

RECIPES: dict[str, Recipe] = {
    recipe.name: recipe
    for recipe in (
        _CH1,
        _CH1.replace(
            name="ch1-100",
            sizes=(784, 100, 10),
            book_accuracy=0.9659,
            summary="chapter 1 with 100 hidden neurons",
        ),
        _CH3,
        _CH3.replace(
            name="ch3-100",
            sizes=(784, 100, 10),
            evaluate_on="validation",
            book_accuracy=0.9792,
            summary="chapter 3 with 100 hidden neurons, on validation data",
        ),
        _CH3.replace(
            name="ch3-best",
            sizes=(784, 100, 10),
            epochs=60,
            learning_rate=0.1,
            evaluate_on="validation",
            book_accuracy=0.9804,
            summary="chapter 3's best: 100 hidden, 60 epochs, η = 0.1, on validation data",
        ),
    )
}
NAMES = tuple(RECIPES)


def get(name: str) -> Recipe:
    """The recipe called ``name`` (one of :data:`NAMES`)."""
    try:
        return RECIPES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown recipe {name!r}; choose one of {', '.join(NAMES)}") from None
