"""The ``sigmoid plot`` subcommand: draw the neuron, σ and its peers, or what a model learned.

``sigmoid plot KIND [SOURCE] -o FILE``; the format (PNG or SVG) follows the file name. Lists of
numbers are written as the ``sigmoid neuron`` command takes them, ``--weights 0.5 -1 2``
(``--weights 0.5,-1,2`` works too).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

# The kinds that draw an idea from numbers on the command line, and those that read a file.
IDEA_KINDS = ("neuron", "sigmoid", "step", "compare", "weight-bias", "limit", "activations")
FILE_KINDS = {"history": "MODEL_OR_HISTORY", "weights": "MODEL", "mistakes": "MODEL"}
KINDS = IDEA_KINDS + tuple(FILE_KINDS)
LIST_OPTIONS = ("--weights", "--inputs", "--scales")
# A number as a word: decimals, exponents, and nan/inf (refused later with a message that says
# the number must be finite, rather than being mistaken for a file name).
_NUMBER = re.compile(r"^[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|nan|inf|infinity)$", re.IGNORECASE)


class _ListOptionsCommand(click.Command):
    """Lets ``--weights 0.5 -1 2`` give three numbers: they are joined into one value first."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _join_number_lists(args))


def _join_number_lists(args: list[str]) -> list[str]:
    joined: list[str] = []
    k = 0
    while k < len(args):
        token = args[k]
        joined.append(token)
        k += 1
        if token == "--":
            joined.extend(args[k:])
            break
        if token in LIST_OPTIONS:
            numbers = []
            while k < len(args) and _NUMBER.match(args[k]):
                numbers.append(args[k])
                k += 1
            if numbers:
                joined.append(" ".join(numbers))
    return joined


def _numbers(ctx: click.Context, param: click.Parameter, value: str | None) -> list[float] | None:
    """Parse ``"0.5 -1 2"`` or ``"0.5,-1,2"`` into floats (a click callback)."""
    if value is None:
        return None
    parts = [part for part in re.split(r"[,\s]+", value.strip()) if part]
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise click.BadParameter(f"expected numbers, got {value!r}") from None
    if not numbers:
        raise click.BadParameter("expected at least one number")
    return numbers


@click.command("plot", cls=_ListOptionsCommand)
@click.argument("kind", type=click.Choice(KINDS), metavar="KIND")
@click.argument(
    "source", required=False, type=click.Path(dir_okay=False, path_type=Path), metavar="[MODEL_OR_HISTORY]"
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Image to write; .png or .svg (default: KIND.png).",
)
@click.option(
    "--weights", callback=_numbers, metavar="NUMBERS", help="Neuron weights, e.g. --weights 0.5 -1 2."
)
@click.option("--bias", type=float, default=None, help="Neuron bias.")
@click.option("--inputs", callback=_numbers, metavar="NUMBERS", help="Neuron inputs, one per weight.")
@click.option(
    "--vary", default="w1", show_default=True, help="weight-bias: the parameter to vary, b or w1, w2, ..."
)
@click.option(
    "--delta", type=float, default=0.5, show_default=True, help="weight-bias: the small change to mark."
)
@click.option(
    "--scales", callback=_numbers, metavar="NUMBERS", help="limit: the factors c (default 1 2 5 10 100)."
)
@click.option(
    "--z-range",
    type=(float, float),
    default=None,
    metavar="LOW HIGH",
    help="Range of z for sigmoid, step, compare, limit and activations.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="mistakes: where MNIST is cached (default: the usual cache).",
)
@click.option("--dpi", type=click.IntRange(30, 600), default=None, help="PNG resolution.")
def plot_command(kind: str, source: Path | None, output: Path | None, **options: Any) -> None:
    """Draw a figure of KIND into a PNG or SVG file.

    \b
    Ideas:  neuron, sigmoid, step, compare, weight-bias, limit, activations
    Files:  history MODEL_OR_HISTORY   cost and accuracy per epoch
            weights MODEL              each hidden neuron's weights as a 28x28 image
            mistakes MODEL             misclassified test digits and the confusion matrix
    """
    from sigmoid import plotting

    output = output if output is not None else Path(f"{kind}.png")
    _check_source(kind, source)
    try:
        plotting.figure_format(output)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="'-o' / '--output'") from None
    plotting.check_output_folder(output)  # before drawing, or loading MNIST for mistakes
    if kind in FILE_KINDS:
        drawn = _draw_from_file(kind, source, options["data_dir"])
    else:
        try:
            drawn = _IDEAS[kind](options)
        except ValueError as error:  # a bad combination of options: a usage error
            raise click.UsageError(str(error)) from None
    written = plotting.save_figure(drawn, output, dpi=options["dpi"])
    click.echo(f"wrote {written}")


def _check_source(kind: str, source: Path | None) -> None:
    if kind in FILE_KINDS and source is None:
        raise click.UsageError(f"plot {kind} needs a {FILE_KINDS[kind]} file")
    if kind not in FILE_KINDS and source is not None:
        raise click.UsageError(f"plot {kind} takes no file, got {str(source)!r}")


def _z(options: dict[str, Any], default: tuple[float, float]) -> tuple[float, float]:
    return options["z_range"] if options["z_range"] is not None else default


def _neuron(options: dict[str, Any]) -> Any:
    from sigmoid import plotting

    return plotting.plot_neuron(options["weights"], options["bias"], options["inputs"])


def _weight_bias(options: dict[str, Any]) -> Any:
    from sigmoid import plotting

    given = {name: options[name] for name in ("weights", "bias", "inputs") if options[name] is not None}
    return plotting.plot_weight_bias(**given, parameter=options["vary"], delta=options["delta"])


def _curve(function_name: str, default: tuple[float, float]) -> Callable[[dict[str, Any]], Any]:
    def draw(options: dict[str, Any]) -> Any:
        from sigmoid import plotting

        return getattr(plotting, function_name)(_z(options, default))

    return draw


def _limit(options: dict[str, Any]) -> Any:
    from sigmoid import plotting

    scales = options["scales"] or plotting.LIMIT_SCALES
    return plotting.plot_limit(scales, _z(options, (-3.0, 3.0)))


def _activations(options: dict[str, Any]) -> Any:
    from sigmoid import plotting

    return plotting.plot_activations(z_range=_z(options, (-4.0, 4.0)))[0]


_IDEAS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "neuron": _neuron,
    "sigmoid": _curve("plot_sigmoid", (-6.0, 6.0)),
    "step": _curve("plot_step", (-6.0, 6.0)),
    "compare": _curve("plot_compare", (-6.0, 6.0)),
    "weight-bias": _weight_bias,
    "limit": _limit,
    "activations": _activations,
}


def _draw_from_file(kind: str, source: Path, data_dir: Path | None) -> Any:
    from sigmoid import io, plotting

    if kind == "history":
        return plotting.plot_history(plotting.load_history(source))[0]
    network = io.load(source)
    if kind == "weights":
        return plotting.plot_weights(network)[0]
    plotting.check_image_network(network)  # before loading MNIST
    from sigmoid import datasets

    X, y = datasets.load_mnist(data_dir).test
    return plotting.plot_mistakes(network, X, y)[1]


COMMANDS = [plot_command]
