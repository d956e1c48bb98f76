"""``sigmoid train``, ``sigmoid evaluate`` and ``sigmoid predict``: networks that learn MNIST.

``sigmoid train`` runs one of the book's setups (:mod:`sigmoid.recipes`, chapter 1 by default),
each setting overridable by its own option; it shows a progress bar and one line per epoch, then
saves the model. The pixels stay uint8 (:class:`~sigmoid.scaled.ScaledArray`): a float32 copy of
MNIST would take 220 MB. :func:`run_recipe` is the whole training run without the printing, shared
with ``scripts/reproduce.py``.

Ctrl-C stops training after the current mini-batch; the model is still saved and the exit status is
130. A run whose cost becomes non-finite saves the last finite weights and exits with status 1. Either
way, a run that ended before its first epoch was complete replaces no model or history file.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path
from typing import NamedTuple

import click
import numpy as np

from sigmoid import recipes
from sigmoid.cli import EXIT_FAILURE
from sigmoid.errors import ModelFileError, TrainingDiverged
from sigmoid.training import Hyperparameters, epochs_text, suspects

PIXELS, CLASSES = 784, 10
#: A run whose best accuracy is no better than this has not learned (chance is 10% for 10 digits).
CHANCE_LEVEL = 0.15
EVALUATION_SETS = ("test", "validation", "training")
DATA_DIR_HELP = "folder holding the MNIST files (default: $SIGMOID_DATA_DIR or the user cache)"
_LIST_OPTIONS = ("--hidden", "--sizes")
_INTEGER = re.compile(r"^\d+,?$")


# ------------------------------------------------------------------ the run, without printing


def load_data(data_dir: Path | None = None):
    """MNIST as ``(MNIST of uint8 pixels, scale)``, fetched into the cache first if needed."""
    from sigmoid.datasets import load_mnist_uint8

    return load_mnist_uint8(data_dir, download=True, log=_log)


def split(data, scale: float, name: str):
    """The split ``name`` of :func:`load_data`'s result as ``(ScaledArray, labels)``."""
    from sigmoid.scaled import ScaledArray

    X, y = getattr(data, name)
    return ScaledArray(X, scale), y


def run_recipe(
    recipe: recipes.Recipe, data, scale: float, *, seed: int = 0, backend: str = "auto", callbacks=()
):
    """Build ``recipe``'s network and train it on ``data``'s training split; ``(network, history)``.

    The network is evaluated after every epoch on the split ``recipe.evaluate_on`` (cost and
    accuracy only: monitoring the training set would cost another pass over 50,000 images).
    ``seed`` fixes both the initial weights and the order of the examples, so the same seed gives a
    bit-identical model.
    """
    from sigmoid.network import Network
    from sigmoid.training import train

    init_seed, shuffle_seed = np.random.SeedSequence(seed).spawn(2)
    network = Network(recipe.sizes, **recipe.network_options(), rng=np.random.default_rng(init_seed))
    history = train(
        network,
        split(data, scale, "training"),
        evaluation_data=split(data, scale, recipe.evaluate_on),
        monitor=("evaluation_cost", "evaluation_accuracy"),
        rng=np.random.default_rng(shuffle_seed),
        callbacks=callbacks,
        backend=backend,
        **recipe.training_options(),
    )
    history.settings.update(
        recipe=recipe.name,
        seed=seed,
        sizes=list(recipe.sizes),
        cost=recipe.cost,
        init=recipe.init,
        hidden_activation=recipe.hidden_activation,
        output_activation=recipe.output_activation,
        dtype=recipe.dtype,
        evaluation_data=recipe.evaluate_on,
    )
    return network, history


class EpochReporter:
    """Training callbacks: a tqdm bar per epoch on stderr, then one line per epoch on stdout."""

    def __init__(self, epochs: int, evaluate_on: str, n_evaluation: int, *, progress: bool | None):
        self.epochs, self.evaluate_on, self.n_evaluation = epochs, evaluate_on, n_evaluation
        self.disable = None if progress else True  # None: tqdm shows the bar only on a terminal
        self.bar = None

    def on_epoch_begin(self, epoch: int, n_examples: int) -> None:
        from tqdm import tqdm

        self.close()
        self.bar = tqdm(
            total=n_examples,
            desc=f"epoch {epoch + 1}/{self.epochs}",
            unit="img",
            unit_scale=True,
            leave=False,
            file=sys.stderr,
            disable=self.disable,
        )

    def on_progress(self, n_examples: int) -> None:
        if self.bar is not None:
            self.bar.update(n_examples - self.bar.n)

    def on_epoch_end(self, epoch: int, history) -> None:
        self.close()
        click.echo(epoch_line(epoch, self.epochs, history, self.evaluate_on, self.n_evaluation))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def epoch_line(epoch: int, epochs: int, history, evaluate_on: str, n: int) -> str:
    """``epoch  3/30: test accuracy 93.41% (9341/10000), cost 0.0512 [1.2 s]``.

    The cost is the one training minimises, so with L2 it includes the term λ/(2n)·Σw² (and says
    so); a learning rate halved by the schedule is shown in the line of the first epoch it ran.
    """
    accuracy = history.evaluation_accuracy[-1]
    penalty = " (with the L2 term)" if history.settings.get("l2") else ""
    rates = history.learning_rate
    halved = f", η = {rates[-1]:g}" if len(rates) > 1 and rates[-1] != rates[-2] else ""
    return (
        f"epoch {epoch + 1:>{len(str(epochs))}}/{epochs}: {evaluate_on} accuracy {accuracy:.2%} "
        f"({round(accuracy * n)}/{n}), cost{penalty} {_cost(history.evaluation_cost[-1])}{halved} "
        f"[{history.seconds[-1]:.1f} s]"
    )


def best_epoch(history) -> tuple[int, float]:
    """The 1-based epoch with the highest evaluation accuracy (the first of equals), and that accuracy."""
    accuracies = history.evaluation_accuracy
    best = int(np.argmax(accuracies))
    return best + 1, accuracies[best]


# ------------------------------------------------------------------------------ sigmoid train


def _cost(value: float) -> str:
    """4 decimals, as the book prints costs; a huge cost (a run about to diverge) in 4 digits."""
    return f"{value:.4f}" if abs(value) < 1e6 else f"{value:.4g}"


class _NumberListCommand(click.Command):
    """Lets ``--hidden 100 30`` give two sizes: the numbers after the option are joined first."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        joined: list[str] = []
        k = 0
        while k < len(args):
            joined.append(args[k])
            k += 1
            if joined[-1] == "--":
                joined.extend(args[k:])
                break
            if joined[-1] in _LIST_OPTIONS:
                numbers = []
                while k < len(args) and _INTEGER.match(args[k]):
                    numbers.append(args[k])
                    k += 1
                if numbers:
                    joined.append(" ".join(numbers))
        return super().parse_args(ctx, joined)


def _sizes(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, ...] | None:
    """Parse ``"100 30"`` or ``"100,30"`` into positive integers (a click callback)."""
    if value is None:
        return None
    parts = [part for part in re.split(r"[,\s]+", value.strip()) if part]
    try:
        sizes = tuple(int(part) for part in parts)
    except ValueError:
        raise click.BadParameter(f"expected layer sizes such as 100 or 100,30, got {value!r}") from None
    if not sizes or any(size < 1 for size in sizes):
        raise click.BadParameter(f"layer sizes must be positive integers, got {value!r}")
    return sizes


@click.command("train", cls=_NumberListCommand)
@click.option(
    "--recipe",
    "recipe_name",
    type=click.Choice(recipes.NAMES),
    default=recipes.DEFAULT,
    show_default=True,
    help="the book's setup: ch1, ch1-100 (chapter 1, 30 or 100 hidden neurons), ch3, ch3-100, "
    "ch3-best (chapter 3: cross-entropy, λ = 5.0); the options below override its values.",
)
@click.option(
    "--hidden",
    callback=_sizes,
    metavar="SIZES",
    help="hidden-layer sizes, e.g. --hidden 100 or --hidden 100 30 (input 784, output 10)",
)
@click.option(
    "--sizes",
    callback=_sizes,
    metavar="SIZES",
    help="all layer sizes, e.g. --sizes 784 100 10 (instead of --hidden)",
)
@click.option("--epochs", type=click.IntRange(min=1), help="passes over the training images")
@click.option("--batch-size", type=click.IntRange(min=1), help="mini-batch size m")
@click.option(
    "--learning-rate",
    "--eta",
    "learning_rate",
    type=click.FloatRange(min=0, min_open=True),
    help="learning rate η",
)
@click.option("--l2", "--lmbda", "l2", type=click.FloatRange(min=0), help="L2 regularisation λ")
@click.option("--l1", type=click.FloatRange(min=0), help="L1 regularisation λ₁")
@click.option(
    "--momentum", type=click.FloatRange(min=0, max=1, max_open=True), help="momentum coefficient μ in [0, 1)"
)
@click.option("--cost", type=click.Choice(("quadratic", "cross-entropy", "log-likelihood")))
@click.option(
    "--init",
    type=click.Choice(("large", "normalized")),
    help="large: w, b ~ N(0, 1); normalized: w ~ N(0, 1/n_in), b ~ N(0, 1)",
)
@click.option("--hidden-activation", type=click.Choice(("sigmoid", "tanh", "relu", "identity")))
@click.option("--output-activation", type=click.Choice(("sigmoid", "tanh", "relu", "identity", "softmax")))
@click.option("--dtype", type=click.Choice(("float32", "float64")))
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="seed of the initial weights and the shuffling: the same seed gives the same model",
)
@click.option(
    "--early-stopping",
    type=click.IntRange(min=1),
    metavar="N",
    help="stop after N epochs without a better evaluation accuracy",
)
@click.option(
    "--schedule",
    type=click.IntRange(min=1),
    metavar="N",
    help="halve η after N epochs without improvement; stop at 1/128 of its start",
)
@click.option(
    "--evaluate-on",
    type=click.Choice(recipes.EVALUATION_SETS),
    help="data scored after each epoch (ch1, ch1-100, ch3: test; ch3-100, ch3-best: validation)",
)
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), help=DATA_DIR_HELP)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="model file to write (default: sigmoid-RECIPE.npz in the current folder, or "
    "sigmoid-RECIPE-custom.npz when any setting is changed)",
)
@click.option(
    "--history",
    "history_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="also write the training history as JSON to FILE",
)
@click.option(
    "--plot",
    "plot_dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="draw history.png, weights.png and mistakes.png into DIR at the end",
)
@click.option(
    "--backend",
    type=click.Choice(("auto", "numpy", "compiled")),
    default="auto",
    show_default=True,
    help="compiled: the Numba kernel (one hidden layer); numpy: whole mini-batches in NumPy/BLAS (any "
    "network); auto: compiled wherever it applies (one hidden layer, no L1, no momentum)",
)
@click.option("--no-progress", is_flag=True, help="no progress bar (the per-epoch lines remain)")
def train_command(
    recipe_name: str,
    hidden,
    sizes,
    data_dir: Path | None,
    output: Path | None,
    history_path: Path | None,
    plot_dir: Path | None,
    seed: int,
    backend: str,
    no_progress: bool,
    **overrides,
) -> None:
    """Train a network on MNIST: by default the book's chapter 1 network.

    With no options: [784, 30, 10] sigmoid neurons, quadratic cost, N(0, 1) weights, η = 3.0,
    mini-batches of 10, 30 epochs, scored on the 10,000 test images after each epoch (the book
    reports 95.42% at its best epoch). MNIST is fetched into the cache on first use. Ctrl-C stops
    after the current mini-batch and still saves the model (exit status 130), but replaces no file
    if the first epoch was not complete.
    """
    recipe = build_recipe(recipe_name, hidden=hidden, sizes=sizes, backend=backend, **overrides)
    if output is None:  # a run with changed settings never replaces the recipe's own model
        changed = recipe != recipes.get(recipe_name)
        output = Path(f"sigmoid-{recipe.name}{'-custom' if changed else ''}.npz")
    _check_writable(output, history_path, plot_dir)
    click.echo(f"sigmoid train: {recipe.describe()}, seed {seed}, backend {backend}")
    data, scale = load_data(data_dir)
    needed = {"training", recipe.evaluate_on} | ({"test"} if plot_dir is not None else set())
    # Dropping the split not needed frees 8 MB towards the 300 MiB budget of a default run.
    data = data._replace(**{name: None for name in data._fields if name not in needed})
    n_evaluation = len(getattr(data, recipe.evaluate_on)[1])
    reporter = EpochReporter(recipe.epochs, recipe.evaluate_on, n_evaluation, progress=not no_progress)
    started = time.perf_counter()
    try:
        network, history = run_recipe(recipe, data, scale, seed=seed, backend=backend, callbacks=[reporter])
    except ValueError as error:  # settings that only the data's size rules out (the weight decay)
        raise ValueError(_option_names(str(error))) from None
    finally:
        reporter.close()
    elapsed = time.perf_counter() - started
    _finish(recipe, network, history, Outputs(output, history_path, plot_dir), data, scale, elapsed)


def build_recipe(
    recipe_name: str, *, hidden=None, sizes=None, backend: str = "auto", **overrides
) -> recipes.Recipe:
    """The recipe ``recipe_name`` with the command line's overrides (None: keep the recipe's).

    The network it describes is built once here, so that a bad combination (such as the
    log-likelihood cost on sigmoid outputs, or momentum on the compiled backend) is refused before
    MNIST is loaded.
    """
    from sigmoid.network import Network

    recipe = recipes.get(recipe_name)
    if hidden is not None and sizes is not None:
        raise click.UsageError("give either --hidden or --sizes, not both")
    if hidden is not None:
        sizes = (PIXELS, *hidden, CLASSES)
    if sizes is not None and (len(sizes) < 2 or sizes[0] != PIXELS or sizes[-1] != CLASSES):
        raise click.BadParameter(
            f"must start with {PIXELS} (pixels) and end with {CLASSES} (digits), got "
            f"{' '.join(map(str, sizes))}",
            param_hint="'--sizes'",
        )
    recipe = recipe.replace(sizes=sizes, **overrides)
    try:
        network = Network(recipe.sizes, **recipe.network_options(), rng=0)
    except ValueError as error:  # a cost that does not fit the output layer, a layer too large
        message = re.sub(r"cost='([\w-]+)'", r"--cost \1", str(error))
        if "cost" in message:
            message += f" (here --cost {recipe.cost}, --output-activation {recipe.output_activation})"
        else:
            message += f" (layer sizes {' '.join(map(str, recipe.sizes))})"
        raise click.UsageError(message) from None
    try:
        settings = Hyperparameters(**{k: v for k, v in recipe.training_options().items()})
    except ValueError as error:
        raise click.UsageError(_option_names(str(error))) from None
    if backend == "compiled":
        from sigmoid import _kernels

        reason = _kernels.unsupported(network, settings)
        if reason:
            message = f"the compiled engine cannot run this: {reason}"
            raise click.BadParameter(message, param_hint="'--backend'")
    return recipe


#: The options of ``sigmoid train`` that set each :class:`Hyperparameters` field.
_OPTIONS = {
    "learning_rate": "--learning-rate",
    "batch_size": "--batch-size",
    "learning_rate_schedule": "--schedule",
    "early_stopping": "--early-stopping",
    "momentum": "--momentum",
    "epochs": "--epochs",
    "l2": "--l2",
    "l1": "--l1",
}


def _option_names(message: str) -> str:
    """A :class:`Hyperparameters` message with its field names spelled as the options that set them
    (inside a formula, as the symbols η and λ)."""
    for formula, symbols in (
        ("learning_rate·l2", "η·λ"),
        ("learning_rate·l1", "η·λ₁"),
        ("learning_rate/batch_size", "η/m"),
    ):
        message = message.replace(formula, symbols)
    return re.sub(r"\b(" + "|".join(_OPTIONS) + r")\b", lambda m: _OPTIONS[m.group(1)], message)


class Outputs(NamedTuple):
    """Where ``sigmoid train`` writes: the model, and optionally the history and the figures."""

    model: Path
    history: Path | None = None
    plots: Path | None = None


#: The figures ``sigmoid train --plot DIR`` draws into DIR.
FIGURES = ("history.png", "weights.png", "mistakes.png")


def _check_writable(output: Path, history_path: Path | None, plot_dir: Path | None) -> None:
    """Refuse before training, not after it, to write where no file can go (checked by trying),
    or to write two of the outputs onto one file."""
    from sigmoid import io

    if output.suffix.lower() != ".npz" or output.stem in ("", ".npz"):
        raise click.BadParameter(
            f"a model file's name ends in .npz (such as model.npz), got {str(output)!r}", param_hint="'-o'"
        )
    io.check_writable(output, "the model")
    if history_path is not None:
        if _same_file(history_path, output):
            raise click.UsageError(f"--history {history_path} would overwrite the model file {output}")
        io.check_writable(history_path, "the history")
    if plot_dir is not None:
        for option, path in (("-o", output), ("--history", history_path)):
            if path is None:
                continue
            if _same_file(path, plot_dir):
                raise click.UsageError(f"--plot {plot_dir} is the file {option} writes")
            for name in FIGURES:
                if _same_file(path, plot_dir / name):
                    raise click.UsageError(
                        f"{option} {path} would be overwritten by the figure {name} of --plot"
                    )
        _check_plot_dir(plot_dir)


def _check_plot_dir(plot_dir: Path) -> None:
    """The folder ``--plot`` draws into must be one, or be creatable in an existing folder."""
    from sigmoid import io

    if plot_dir.is_dir():
        for name in FIGURES:
            io.check_writable(plot_dir / name, "a figure")
        return
    if plot_dir.exists():
        raise ModelFileError(f"cannot write figures to {plot_dir}: it is not a folder")
    parent = plot_dir.parent
    if not parent.is_dir():
        problem = "is not a folder" if parent.exists() else "does not exist"
        raise ModelFileError(f"cannot write figures to {plot_dir}: {parent} {problem}")
    try:
        io.check_writable(parent / f"{plot_dir.name}.probe", "figures")
    except ModelFileError as error:
        reason = str(error).rpartition(": ")[2]
        raise ModelFileError(f"cannot create the folder {plot_dir} for the figures: {reason}") from None


def _same_file(a: Path, b: Path) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def _finish(recipe, network, history, outputs: Outputs, data, scale, elapsed: float) -> None:
    """Report how training ended, save the model (and history, figures); exit 130 or 1 if it must.

    An interrupted run still gets its figures (of the model it saves); a diverged one does not. A
    run that ended (Ctrl-C, divergence) before its first epoch was complete replaces no file that
    is already there: a fraction of an epoch is not worth a model trained before.
    """
    if history.epochs:
        click.echo(_accuracy_line(recipe, history, elapsed))
        _, best = best_epoch(history)
        if best <= CHANCE_LEVEL:
            learned = f"at best {best:.2%}, about chance for 10 digits"
            advice = (
                f"the {suspects(recipe.learning_rate, recipe.l2, recipe.l1)} may be too large or too small"
            )
            click.echo(f"warning: the network did not learn ({learned}); {advice}", err=True)
    existing = [str(path) for path in outputs[:2] if path is not None and path.exists()]
    if not history.epochs and (history.interrupted or history.diverged) and existing:
        _keep_existing(history, existing)
    if history.interrupted or (history.epochs < recipe.epochs and not history.diverged):
        click.echo(f"training stopped: {history.stopped}")
    _save(network, history, outputs)
    if history.diverged:
        raise TrainingDiverged(history.stopped)
    if outputs.plots is not None:
        _draw(recipe, network, history, outputs.plots, data, scale)
    if history.interrupted:
        raise click.Abort()  # sigmoid.cli.main reports "interrupted" and returns EXIT_INTERRUPTED (130)


def _keep_existing(history, existing: list[str]) -> None:
    """Stop without saving: the run ended before an epoch was complete and its files exist."""
    why = history.stopped.partition(";")[0]  # the rest says which weights the network holds
    click.echo(f"training stopped: {why}")
    click.echo(f"nothing saved (no epoch was complete): {' and '.join(existing)} not replaced")
    if history.diverged:
        raise TrainingDiverged(f"{why}; nothing saved")
    raise click.Abort()


def _save(network, history, outputs: Outputs) -> None:
    from sigmoid import io

    io.save(network, outputs.model, history=history)
    kept = ""
    if history.diverged:
        kept = " (the last finite weights)" if history.epochs else " (the initial weights: epoch 1 diverged)"
    click.echo(f"model saved to {outputs.model}{kept}")
    if outputs.history is not None:
        history.save(outputs.history)
        click.echo(f"history saved to {outputs.history}")


def _draw(recipe, network, history, folder: Path, data, scale) -> None:
    if not history.epochs:
        click.echo(f"no figures drawn into {folder}: no epoch was complete")
        return
    from sigmoid.plotting import plot_training_report

    X, y = split(data, scale, "test")
    for path in plot_training_report(network, history, (X.to_float(recipe.dtype), y), folder):
        click.echo(f"figure saved to {path}")


def _accuracy_line(recipe, history, elapsed: float) -> str:
    """``final test accuracy: 95.06% after 30 epochs (best 95.32% in epoch 23); 3.1 s``.

    After Ctrl-C the saved model may have trained past the last evaluation, so the line names the
    epoch it was measured at instead of calling it final.
    """
    epoch, best = best_epoch(history)
    accuracy = history.evaluation_accuracy[-1]
    if history.interrupted:
        when = f"{recipe.evaluate_on} accuracy at the end of epoch {history.epochs}: {accuracy:.2%}"
    else:
        when = f"final {recipe.evaluate_on} accuracy: {accuracy:.2%} after {epochs_text(history.epochs)}"
    return f"{when} (best {best:.2%} in epoch {epoch}); {elapsed:.1f} s"


def _log(message: str) -> None:
    click.echo(f"sigmoid: {message}", err=True)


# --------------------------------------------------------------------------- sigmoid evaluate


@click.command("evaluate")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--on",
    "on",
    type=click.Choice(EVALUATION_SETS),
    default="test",
    show_default=True,
    help="the MNIST split to score the model on",
)
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), help=DATA_DIR_HELP)
def evaluate_command(model: Path, on: str, data_dir: Path | None) -> None:
    """Print a saved model's accuracy and cost on an MNIST split."""
    from sigmoid import io

    network = io.load(model)
    _require_mnist_shape(network, model)
    data, scale = load_data(data_dir)
    X, y = split(data, scale, on)
    cost, accuracy = network.evaluate(X, y)
    click.echo(
        f"{model} on {on} data ({len(y)} images): accuracy {accuracy:.2%} "
        f"({round(accuracy * len(y))}/{len(y)}), cost {cost:.4f}"
    )


def _require_mnist_shape(network, path: Path) -> None:
    if network.n_inputs != PIXELS or network.n_outputs != CLASSES:
        raise ModelFileError(
            f"{path} maps {network.n_inputs} inputs to {network.n_outputs} outputs; MNIST needs "
            f"{PIXELS} inputs (28x28 pixels) and {CLASSES} outputs (digits)"
        )


# ---------------------------------------------------------------------------- sigmoid predict


@click.command("predict")
@click.argument("model", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("images", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="IMAGE...")
def predict_command(model: Path, images: tuple[Path, ...]) -> None:
    """Print the digit a saved model sees in each picture (PNG, JPEG...) and its 10 outputs.

    Each picture is made greyscale, inverted if it is dark ink on a light background (MNIST's
    digits are light on black), fitted into 28x28 pixels and scaled to [0, 1]. A picture that
    cannot be read gets an error line on stderr and the others are still answered (exit status 1).
    """
    from sigmoid import io
    from sigmoid.errors import SigmoidError
    from sigmoid.images import read_digit

    network = io.load(model)
    _require_mnist_shape(network, model)
    failed = False
    for path in images:
        try:
            pixels = read_digit(path)  # 28x28: the MNIST shape was required above
        except (SigmoidError, OSError) as error:
            click.echo(f"sigmoid predict: error: {' '.join(str(error).split())}", err=True)
            failed = True
            continue
        activations = network.feedforward(pixels)
        listed = " ".join(f"{k}:{value:.3f}" for k, value in enumerate(activations))
        click.echo(f"{path}: {int(np.argmax(activations))}   outputs {listed}")
    if failed:
        raise click.exceptions.Exit(EXIT_FAILURE)


COMMANDS = [train_command, evaluate_command, predict_command]
