"""The ``sigmoid neuron`` subcommand: evaluate one neuron from the shell.

    sigmoid neuron --weights 0.5 -1 2 --bias -0.3 --inputs 1 0 0.638 [--dw 0.01 0 0 --db 0.01]

prints z = w·x + b, the sigmoid neuron's output σ(z) = 1/(1 + exp(−z)), the perceptron's output
(1 if z > 0 else 0), the partial derivatives ∂σ/∂w_j = σ'(z)·x_j and ∂σ/∂b = σ'(z) and, given a
change of the weights (``--dw``) and/or of the bias (``--db``), the first-order predicted change of
the output beside the actual one.

Options taking several numbers read every following word up to the next option, so negative numbers
need no quoting. Click cannot do that for options, so the words are parsed here (:func:`parse_args`)
and every mistake becomes a :class:`click.UsageError`: one line, exit status 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import click

from sigmoid.neuron import Perceptron, SigmoidNeuron

VECTOR_OPTIONS = ("--weights", "--inputs", "--dw")
NUMBER_OPTIONS = ("--bias", "--db")


@dataclass(frozen=True)
class NeuronArgs:
    """The parsed command line."""

    weights: list[float]
    bias: float
    inputs: list[float]
    dw: list[float] | None = None
    db: float | None = None


def _number(option: str, word: str) -> float:
    try:
        value = float(word)
    except ValueError:
        raise click.BadParameter(f"{word!r} is not a number", param_hint=option) from None
    if not math.isfinite(value):
        raise click.BadParameter(f"{word!r} is not a finite number", param_hint=option)
    return value


def _group_words(words: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    current: str | None = None
    for word in words:
        name, equals, value = word.partition("=")
        if name in VECTOR_OPTIONS + NUMBER_OPTIONS:
            if name in groups:
                raise click.UsageError(f"option {name} given twice")
            current = name
            groups[name] = [value] if equals else []
        elif word.startswith("--") or (word.startswith("-") and not _looks_numeric(word)):
            raise click.UsageError(f"no such option: {word}")
        elif current is None:
            raise click.UsageError(f"unexpected value {word!r} before any option")
        else:
            groups[current].append(word)
    return groups


def _looks_numeric(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def parse_args(words: list[str]) -> NeuronArgs:
    """Parse the words after ``sigmoid neuron``; raise :class:`click.UsageError` on any mistake."""
    groups = _group_words(words)
    for option in ("--weights", "--bias", "--inputs"):
        if option not in groups:
            raise click.UsageError(f"missing option {option}")
    for option, values in groups.items():
        if not values:
            raise click.UsageError(f"option {option} needs a value")
        if option in NUMBER_OPTIONS and len(values) > 1:
            raise click.UsageError(f"option {option} takes one number, got {len(values)}")
    numbers = {option: [_number(option, word) for word in values] for option, values in groups.items()}
    args = NeuronArgs(
        weights=numbers["--weights"],
        bias=numbers["--bias"][0],
        inputs=numbers["--inputs"],
        dw=numbers.get("--dw"),
        db=numbers["--db"][0] if "--db" in numbers else None,
    )
    for option, values in (("--inputs", args.inputs), ("--dw", args.dw)):
        if values is not None and len(values) != len(args.weights):
            raise click.UsageError(
                f"{option} has {len(values)} numbers but --weights has {len(args.weights)}"
            )
    return args


def report(args: NeuronArgs) -> list[str]:
    """The lines ``sigmoid neuron`` prints for ``args``."""
    neuron = SigmoidNeuron(args.weights, args.bias)
    perceptron = Perceptron(args.weights, args.bias)
    gradient = neuron.gradient(args.inputs)
    lines = [
        f"z = w.x + b = {neuron.z(args.inputs)!r}",
        f"sigmoid output = 1/(1 + exp(-z)) = {neuron.output(args.inputs)!r}",
        f"perceptron output = {int(perceptron.output(args.inputs))}",
    ]
    for j, partial in enumerate(gradient.weights, start=1):
        lines.append(f"d output/d w{j} = {float(partial)!r}")
    lines.append(f"d output/d b = {gradient.bias!r}")
    if args.dw is not None or args.db is not None:
        dw = args.dw if args.dw is not None else [0.0] * len(args.weights)
        db = args.db if args.db is not None else 0.0
        change = neuron.change(args.inputs, dw, db)
        lines.append(f"predicted change = {change.predicted!r}")
        lines.append(f"actual change = {change.actual!r}")
    return lines


HELP = """Evaluate one neuron: z = w.x + b, sigmoid and perceptron outputs, partial derivatives.

\b
  --weights W1 W2 ...   the weights w_j (one number per input)
  --bias B              the bias b
  --inputs X1 X2 ...    the inputs x_j
  --dw D1 D2 ...        optional change of the weights
  --db D                optional change of the bias

With --dw and/or --db it also prints the first-order predicted change of the sigmoid output,
sum_j dout/dw_j * dw_j + dout/db * db, beside the actual change.

\b
Example:
  sigmoid neuron --weights 0.5 -1 2 --bias -0.3 --inputs 1 0 0.638 --dw 0.01 0 0 --db 0.01
"""


@click.command(
    "neuron",
    help=HELP,
    options_metavar="--weights W... --bias B --inputs X... [--dw D... --db D]",
    context_settings={"ignore_unknown_options": True, "help_option_names": ["-h", "--help"]},
)
@click.argument("words", nargs=-1, type=click.UNPROCESSED, metavar="")
def neuron_command(words: tuple[str, ...]) -> None:
    for line in report(parse_args(list(words))):
        click.echo(line)


COMMANDS = [neuron_command]
