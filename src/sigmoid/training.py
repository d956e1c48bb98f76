r"""Mini-batch stochastic gradient descent, with the book's regularisation and schedules.

One step on a mini-batch of m examples out of a training set of n, learning rate η:

.. math::
    v &← μ v − η\,(∇_W C_{batch} + \tfrac{λ_2}{n} W + \tfrac{λ_1}{n}\,\mathrm{sgn}(W)),
    \qquad W ← W + v, \\
    b &← b − η\,∇_b C_{batch},

where :math:`∇C_{batch} = \tfrac1m \sum_x ∇C_x` comes from backpropagation. With momentum μ = 0 the
weight step is the book's :math:`W ← (1 − ηλ_2/n) W − \tfrac{η}{m}\sum_x ∇_W C_x` (weight decay).
Biases are not regularised. The settings are checked before the first step: integers must be
integers (NumPy's too, bools not), η must be finite in the network's dtype, and the weight-decay factor
:math:`1 − ηλ_2/n` must not be negative (below 0 it would flip the sign of every weight at every step).

Training returns a :class:`History` of per-epoch costs and accuracies. It stops early when

- the cost or the weights become non-finite (the weights of the last finite epoch are kept),
- ``early_stopping=N``: the monitored accuracy has not improved for N epochs,
- ``learning_rate_schedule=N``: η is halved after N epochs without improvement, and training
  stops once η has fallen to 1/128 of its first value (the book's chapter 3 schedule),
- Ctrl-C: training stops at a mini-batch boundary (the NumPy engine after the current mini-batch,
  the compiled one within 500 examples, about a millisecond) and keeps the model; a second Ctrl-C
  interrupts at once.
"""

from __future__ import annotations

import contextlib
import json
import math
import numbers
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from sigmoid.errors import SigmoidError
from sigmoid.network import Network, as_generator
from sigmoid.steppers import make_stepper, notify

#: Training stops once the learning rate falls to this fraction of its start (book, chapter 3).
SCHEDULE_FLOOR = 1 / 128


@dataclass
class History:
    """What happened in each epoch of training; lists hold one value per completed epoch.

    A metric that was not monitored stays an empty list. ``stopped`` says why training ended.
    """

    training_cost: list[float] = field(default_factory=list)
    training_accuracy: list[float] = field(default_factory=list)
    evaluation_cost: list[float] = field(default_factory=list)
    evaluation_accuracy: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    stopped: str = ""
    diverged: bool = False
    interrupted: bool = False
    settings: dict = field(default_factory=dict)

    METRICS = ("training_cost", "training_accuracy", "evaluation_cost", "evaluation_accuracy")

    @property
    def epochs(self) -> int:
        """Number of completed epochs."""
        return len(self.seconds)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> History:
        if not isinstance(data, dict):
            raise SigmoidError(f"a training history must be a JSON object, got {type(data).__name__}")
        known = {name for name in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise SigmoidError(f"not a training history: unknown keys {sorted(unknown)}")
        for name in (*cls.METRICS, "learning_rate", "seconds"):
            values = data.get(name, [])
            if not isinstance(values, list) or not all(isinstance(v, (int, float)) for v in values):
                raise SigmoidError(f"corrupt training history: {name} must be a list of numbers")
        kinds = {"stopped": str, "diverged": bool, "interrupted": bool, "settings": dict}
        for name, kind in kinds.items():
            if name in data and not isinstance(data[name], kind):
                raise SigmoidError(f"corrupt training history: {name} must be a {kind.__name__}")
        history = cls(**data)
        _check_series(history)
        return history

    def save(self, path: str | Path) -> Path:
        """Write the history as JSON, atomically (a temporary file renamed into place)."""
        from sigmoid.atomic import atomic_write_bytes

        return atomic_write_bytes(Path(path), json.dumps(self.to_dict(), indent=1).encode())

    @classmethod
    def load(cls, path: str | Path) -> History:
        from sigmoid.atomic import unreadable

        path = Path(path)
        problem = unreadable(path, "history file")
        if problem:
            raise SigmoidError(problem)
        try:
            data = json.loads(path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise SigmoidError(f"{path} is not a training history (JSON): {error}") from None
        except RecursionError:
            raise SigmoidError(f"{path} is not a training history: its JSON is nested too deeply") from None
        return cls.from_dict(data)


def _check_series(history: History) -> None:
    """Per-epoch lists of one length (a metric not monitored is empty), costs ≥ 0, accuracies in [0, 1]."""
    lengths = {len(history.learning_rate), len(history.seconds)}
    lengths |= {len(getattr(history, name)) for name in History.METRICS if getattr(history, name)}
    if len(lengths) != 1:
        raise SigmoidError("corrupt training history: per-epoch lists have different lengths")
    for name in (*History.METRICS, "learning_rate", "seconds"):
        values = getattr(history, name)
        high = 1.0 if name.endswith("accuracy") else _LARGEST_COST
        if not all(_within(v, 0.0, high) for v in values):
            what = "fractions in [0, 1]" if name.endswith("accuracy") else f"numbers from 0 to {high:g}"
            raise SigmoidError(f"corrupt training history: {name} must hold {what}")
    if _depth(history.settings) > 32:
        raise SigmoidError("corrupt training history: its settings are nested too deeply")


#: No cost a finite training run records comes near this; drawing a larger one overflows the axes.
_LARGEST_COST = 1e300


def _within(value, low: float, high: float) -> bool:
    """``low <= value <= high`` for a real number that is not a bool (an int too large for a float fails)."""
    if isinstance(value, bool):
        return False
    try:
        return low <= float(value) <= high
    except OverflowError:
        return False


def _depth(value) -> int:
    """How deeply lists and dicts nest in ``value`` (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


@dataclass(frozen=True)
class Hyperparameters:
    """The settings of one SGD run, checked once."""

    epochs: int
    batch_size: int
    learning_rate: float
    l2: float = 0.0
    l1: float = 0.0
    momentum: float = 0.0
    early_stopping: int | None = None
    learning_rate_schedule: int | None = None

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "early_stopping", "learning_rate_schedule"):
            optional = name in ("early_stopping", "learning_rate_schedule")
            object.__setattr__(self, name, _integer(name, getattr(self, name), optional=optional))
        for name in ("learning_rate", "l2", "l1", "momentum"):
            object.__setattr__(self, name, _real(name, getattr(self, name)))
        _require(
            math.isfinite(self.learning_rate) and self.learning_rate > 0,
            "learning_rate must be a finite number > 0",
            self.learning_rate,
        )
        for name in ("l2", "l1"):
            value = getattr(self, name)
            _require(math.isfinite(value) and value >= 0, f"{name} must be a finite number >= 0", value)
        _require(0 <= self.momentum < 1, "momentum must be in [0, 1)", self.momentum)

    def check_step_sizes(self, dtype: np.dtype, n: int) -> None:
        r"""Refuse steps that a network of ``dtype`` trained on n examples cannot take.

        The engines hold η, :math:`λ_2/n`, :math:`λ_1/n` and :math:`ηλ_1/n` in the weights' dtype,
        so each must be finite there (float32 ends at about 3.4e38), and η/m must not round to 0
        there (float32's smallest is about 1.4e-45). And each step multiplies the
        weights by the weight-decay factor :math:`1 − ηλ_2/n`: below 0 it flips the sign of every
        weight at every step (the decay alone overshoots w = 0), so :math:`ηλ_2/n ≤ 1` is required,
        with or without momentum.
        """
        eta, largest = self.learning_rate, float(np.finfo(dtype).max)
        with np.errstate(over="ignore"):
            rates = {
                "learning_rate": (eta, "learning_rate"),
                "l2/n": (self.l2 / n, "l2"),
                "l1/n": (self.l1 / n, "l1"),
                "the L1 step learning_rate·l1/n": (eta * self.l1 / n, "learning_rate or l1"),
            }
        for what, (value, lower) in rates.items():
            if value > largest:
                raise ValueError(
                    f"{what} = {value:g} is too large for a {dtype.name} network (the largest "
                    f"{dtype.name} is {largest:g}); lower {lower}"
                )
        step = eta / min(self.batch_size, n)
        if np.dtype(dtype).type(step) == 0:
            raise ValueError(
                f"the step learning_rate/batch_size = {step:g} rounds to 0 in {dtype.name}: the weights "
                "would never move; raise learning_rate"
            )
        decay = eta * self.l2 / n
        if decay > 1:
            raise ValueError(
                f"the weight-decay factor 1 − learning_rate·l2/n = 1 − {eta:g}·{self.l2:g}/{n} = "
                f"{1 - decay:g} is negative: every step would flip the sign of every weight; "
                f"lower l2 or learning_rate so that learning_rate·l2 ≤ n = {n}"
            )


def _integer(name: str, value, *, optional: bool = False) -> int | None:
    """``value`` as an int >= 1: any integer (``numpy.int64`` too) but not a bool or a float."""
    if value is None and optional:
        return None
    integral = isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
    if not integral:
        kind = "an integer >= 1 or None" if optional else "an integer >= 1"
        raise ValueError(f"{name} must be {kind}, got {value!r} ({type(value).__name__})")
    _require(value >= 1, f"{name} must be >= 1", int(value))
    return int(value)


def _real(name: str, value) -> float:
    """``value`` as a float: any real number (``numpy.float32`` too) but not a bool or a string."""
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    return float(value)


def _require(ok: bool, message: str, value) -> None:
    if not ok:
        raise ValueError(f"{message}, got {value!r}")


class _StopFlag:
    """Set by the first Ctrl-C while training runs; a second Ctrl-C interrupts at once."""

    def __init__(self) -> None:
        self.requested = False

    @contextlib.contextmanager
    def installed(self):
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = signal.getsignal(signal.SIGINT)

        def on_interrupt(signum, frame):
            self.requested = True
            signal.signal(signal.SIGINT, previous)

        signal.signal(signal.SIGINT, on_interrupt)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)


def train(
    network: Network,
    training_data: tuple,
    *,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    l2: float = 0.0,
    l1: float = 0.0,
    momentum: float = 0.0,
    evaluation_data: tuple | None = None,
    monitor: Sequence[str] | None = None,
    early_stopping: int | None = None,
    learning_rate_schedule: int | None = None,
    rng: int | np.random.Generator | None = None,
    callbacks: Sequence = (),
    backend: str = "auto",
) -> History:
    """Train ``network`` in place by mini-batch SGD and return the :class:`History`.

    ``training_data`` and ``evaluation_data`` are ``(X, y)`` pairs, ``X`` of shape
    ``(n, n_inputs)`` and ``y`` labels ``(n,)`` or targets ``(n, n_outputs)``. ``monitor`` names the
    metrics to record each epoch (default: all of :attr:`History.METRICS` that the data allows).
    ``rng`` (seed or Generator) shuffles the examples. ``backend``: ``"numpy"`` (the reference),
    ``"compiled"`` (the Numba kernel) or ``"auto"`` (compiled where it supports the network).
    Each callback may define ``on_epoch_begin(epoch, n_examples)``, ``on_progress(n_examples)``
    and ``on_epoch_end(epoch, history)``.
    """
    settings = Hyperparameters(
        epochs, batch_size, learning_rate, l2, l1, momentum, early_stopping, learning_rate_schedule
    )
    X, Y = _training_arrays(network, training_data, "training_data")
    settings.check_step_sizes(network.dtype, len(X))
    evaluation = None
    if evaluation_data is not None:
        evaluation = _training_arrays(network, evaluation_data, "evaluation_data")
    metrics = _metrics(monitor, evaluation is not None)
    if (early_stopping or learning_rate_schedule) and not any(m.endswith("accuracy") for m in metrics):
        raise ValueError("early stopping and the learning-rate schedule need a monitored accuracy")
    generator = as_generator(rng)
    stop = _StopFlag()
    # Installed before the engine is built: the first run compiles it (seconds), and a Ctrl-C that
    # raised KeyboardInterrupt inside Numba's compiler would be lost or leave it half-initialised.
    with stop.installed():
        stepper = make_stepper(network, X, Y, settings, backend)
        history = History(settings=asdict(settings) | {"backend": stepper.name, "n_train": len(X)})
        tracker = _Tracker(settings, history)
        eta = settings.learning_rate
        for epoch in range(settings.epochs):
            started = time.perf_counter()
            snapshot = _parameters_copy(network, stepper)
            notify(callbacks, "on_epoch_begin", epoch, len(X))
            order = generator.permutation(len(X))
            finished = stepper.run_epoch(order, eta, stop, callbacks)
            if not finished:
                history.interrupted = True
                history.stopped = (
                    f"interrupted during epoch {epoch + 1}; the model after the last "
                    f"complete mini-batch is kept"
                )
                break
            values = _measure(network, metrics, (X, Y), evaluation, settings)
            if not _all_finite(network, values):
                _restore(network, stepper, snapshot)
                history.diverged = True
                kept = f"the end of epoch {epoch}" if epoch else "before training (the initial ones)"
                blame = suspects(eta, settings.l2, settings.l1)
                history.stopped = (
                    f"the cost became non-finite in epoch {epoch + 1} ({blame} is probably too large); "
                    f"kept the weights from {kept}"
                )
                break
            _record(history, values, eta, time.perf_counter() - started)
            notify(callbacks, "on_epoch_end", epoch, history)
            eta, reason = tracker.after_epoch(eta)
            if stop.requested and not reason:
                history.interrupted = True
                reason = f"interrupted at the end of epoch {epoch + 1}; the model is kept"
            if reason:
                history.stopped = reason
                break
    if not history.stopped:
        history.stopped = f"completed {epochs_text(history.epochs)}"
    return history


def suspects(learning_rate: float, l2: float = 0.0, l1: float = 0.0) -> str:
    """What to blame for a run that diverged or did not learn: ``"learning rate 3"``, or
    ``"learning rate 3 or L1 λ₁ = 1000"`` with regularisation."""
    terms = [f"learning rate {learning_rate:g}"]
    terms += [f"{name} = {value:g}" for name, value in (("L2 λ", l2), ("L1 λ₁", l1)) if value]
    return " or ".join(terms)


def epochs_text(count: int) -> str:
    """``"1 epoch"``, ``"2 epochs"``."""
    return f"{count} epoch" if count == 1 else f"{count} epochs"


def _training_arrays(network: Network, data, name: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        X, y = data
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (X, y)") from None
    batch, _ = network.as_batch(X, name=f"{name} X")
    if batch.shape[0] == 0:
        raise ValueError(f"{name} has no examples")
    return batch, network.as_targets(y, batch.shape[0], name=f"{name} y")


def _metrics(monitor: Sequence[str] | None, has_evaluation: bool) -> tuple[str, ...]:
    if monitor is None:
        monitor = History.METRICS if has_evaluation else History.METRICS[:2]
    unknown = set(monitor) - set(History.METRICS)
    if unknown:
        raise ValueError(f"unknown metric(s) {sorted(unknown)}; choose from {', '.join(History.METRICS)}")
    if not has_evaluation and any(name.startswith("evaluation") for name in monitor):
        raise ValueError("evaluation metrics were asked for but no evaluation_data was given")
    return tuple(monitor)


def _measure(network: Network, metrics, training, evaluation, settings) -> dict[str, float]:
    """The monitored metrics; costs include the regularisation terms, as in the book."""
    values: dict[str, float] = {}
    for prefix, data in (("training", training), ("evaluation", evaluation)):
        if any(name.startswith(prefix) for name in metrics):
            with np.errstate(all="ignore"):
                cost, accuracy = network.evaluate_checked(*data)
            cost += network.regularization_cost(len(data[0]), l2=settings.l2, l1=settings.l1)
            values[f"{prefix}_cost"], values[f"{prefix}_accuracy"] = cost, accuracy
    return {name: values[name] for name in metrics}


def _all_finite(network: Network, values: dict[str, float]) -> bool:
    return all(math.isfinite(v) for v in values.values()) and all(
        np.isfinite(w).all() for w in network.weights + network.biases
    )


def _record(history: History, values: dict[str, float], eta: float, seconds: float) -> None:
    for name, value in values.items():
        getattr(history, name).append(float(value))
    history.learning_rate.append(eta)
    history.seconds.append(seconds)


class _Tracker:
    """Early stopping and the halve-on-plateau learning-rate schedule, on the monitored accuracy."""

    def __init__(self, settings: Hyperparameters, history: History) -> None:
        self.settings, self.history = settings, history
        self.best = -math.inf
        self.since_best = 0

    def accuracy(self) -> float | None:
        for name in ("evaluation_accuracy", "training_accuracy"):
            values = getattr(self.history, name)
            if values:
                return values[-1]
        return None

    def after_epoch(self, eta: float) -> tuple[float, str]:
        settings = self.settings
        if settings.early_stopping is None and settings.learning_rate_schedule is None:
            return eta, ""
        accuracy = self.accuracy()
        if accuracy is None:
            raise ValueError("early stopping and the learning-rate schedule need a monitored accuracy")
        if accuracy > self.best:
            self.best, self.since_best = accuracy, 0
            return eta, ""
        self.since_best += 1
        if settings.early_stopping is not None and self.since_best >= settings.early_stopping:
            return eta, f"early stopping: no improvement in {epochs_text(settings.early_stopping)}"
        if settings.learning_rate_schedule is not None and self.since_best >= settings.learning_rate_schedule:
            eta /= 2
            self.since_best = 0
            if eta <= settings.learning_rate * SCHEDULE_FLOOR * (1 + 1e-12):
                return eta, f"learning rate fell to 1/128 of its start ({eta:g})"
        return eta, ""


def _parameters_copy(network: Network, stepper) -> list[np.ndarray]:
    return [p.copy() for p in network.weights + network.biases + stepper.state()]


def _restore(network: Network, stepper, snapshot: list[np.ndarray]) -> None:
    for target, saved in zip(network.weights + network.biases + stepper.state(), snapshot, strict=True):
        target[...] = saved
