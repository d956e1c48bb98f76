r"""Figures of the sigmoid neuron, its peers, training curves and what a network learned.

Matplotlib is imported only inside these functions, and only through
:class:`matplotlib.figure.Figure` (never ``pyplot``), so plotting needs no display and does not
change the global backend. Every single-panel function takes an optional ``ax`` and returns the
:class:`~matplotlib.axes.Axes` it drew on; the multi-panel ones take an optional ``fig`` (a
Figure or SubFigure) and return their Axes. :func:`save_figure` writes PNG or SVG, chosen by the
file name, atomically.

The neuron: :math:`z = w \cdot x + b`, output :math:`\sigma(z) = 1/(1 + e^{-z})`; the
perceptron outputs 1 if :math:`z > 0`, else 0. Small changes give
:math:`\Delta\mathrm{out} \approx \sum_j \partial\mathrm{out}/\partial w_j\,\Delta w_j +
\partial\mathrm{out}/\partial b\,\Delta b` with :math:`\partial\mathrm{out}/\partial w_j =
\sigma'(z)\,x_j` and :math:`\partial\mathrm{out}/\partial b = \sigma'(z)`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sigmoid.atomic import atomic_write, replaceable_path, unreadable
from sigmoid.errors import SigmoidError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    from sigmoid.network import Network

__all__ = [
    "COLORS",
    "FORMATS",
    "LIMIT_SCALES",
    "MAX_PARAMETER",
    "MAX_SCALE",
    "MAX_Z",
    "check_image_network",
    "check_output_folder",
    "confusion_matrix",
    "load_history",
    "new_axes",
    "new_figure",
    "plot_activations",
    "plot_compare",
    "plot_history",
    "plot_limit",
    "plot_mistakes",
    "plot_neuron",
    "plot_sigmoid",
    "plot_step",
    "plot_training_report",
    "plot_weight_bias",
    "plot_weights",
    "save_figure",
]

# One colour per concept, used by every figure so that σ is always the same blue.
COLORS = {
    "sigmoid": "#1f5fbf",
    "step": "#d1495b",
    "tanh": "#2a9d8f",
    "relu": "#8d5fd3",
    "identity": "#6c757d",
    "tangent": "#e89005",
    "training": "#1f5fbf",
    "evaluation": "#d1495b",
    "guide": "#9a9a9a",
}
FORMATS = {".png": "png", ".svg": "svg"}
LIMIT_SCALES = (1.0, 2.0, 5.0, 10.0, 100.0)
DEFAULT_SIZE = (6.4, 4.0)  # inches
DEFAULT_DPI = 120
MAX_DIAGRAM_INPUTS = 12
# Plots are of ideas, not of extreme numbers: beyond these the grids, the axis ticks or σ(c·z)
# would overflow or collapse to one float, so larger values are refused with a clear message.
MAX_Z = 1e6  # |z| on the horizontal axis of the curves
MAX_SCALE = 1e6  # the factor c of plot_limit
MAX_PARAMETER = 1e6  # |w_j|, |b|, |x_j|, Δ and the span of plot_weight_bias
IMAGE_SIDE = 28  # MNIST digits are 28×28 pixels, stored row by row in 784 inputs

_LABELS = {
    "sigmoid": r"$\sigma(z) = 1/(1+e^{-z})$",
    "step": r"step$(z) = 1$ if $z > 0$ else $0$",
    "tanh": r"$\tanh(z)$",
    "relu": r"ReLU$(z) = \max(0, z)$",
    "identity": r"$z$",
}
_TITLES = {
    "sigmoid": "sigmoid",
    "step": "step (perceptron)",
    "tanh": "tanh",
    "relu": "ReLU",
    "identity": "identity",
}


# --------------------------------------------------------------------------------------------
# Figures, axes and files


def new_figure(size: tuple[float, float] = DEFAULT_SIZE, *, dpi: int = DEFAULT_DPI) -> Figure:
    """A Matplotlib Figure that needs no display (no pyplot, no backend switch)."""
    from matplotlib.figure import Figure

    return Figure(figsize=size, dpi=dpi, layout="constrained")


def new_axes(size: tuple[float, float] = DEFAULT_SIZE, *, dpi: int = DEFAULT_DPI) -> Axes:
    """One Axes on a fresh :func:`new_figure`."""
    return new_figure(size, dpi=dpi).add_subplot()


def _axes(ax: Axes | None, size: tuple[float, float] = DEFAULT_SIZE) -> Axes:
    return new_axes(size) if ax is None else ax


def _root_figure(thing: Any) -> Figure:
    """The top-level Figure of an Axes, SubFigure or Figure."""
    fig = getattr(thing, "figure", None) if not _is_figure(thing) else thing
    if fig is None:
        raise TypeError(f"expected a Matplotlib Figure or Axes, got {type(thing).__name__}")
    while getattr(fig, "figure", fig) is not fig:  # a SubFigure's .figure is its parent
        fig = fig.figure
    return fig


def _is_figure(thing: Any) -> bool:
    from matplotlib.figure import FigureBase

    return isinstance(thing, FigureBase)


def figure_format(path: str | os.PathLike[str]) -> str:
    """``"png"`` or ``"svg"`` from the file name's extension; anything else is a ValueError."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"cannot tell the image format of {os.fspath(path)!r}: "
            f"the file name must end in {' or '.join(FORMATS)}"
        )
    return FORMATS[suffix]


def check_output_folder(path: str | os.PathLike[str]) -> None:
    """Refuse to write ``path`` when its folder does not exist (nothing is created), when it is
    itself a folder, or when something other than a regular file is there (a device, a named pipe):
    a :class:`~sigmoid.errors.SigmoidError` naming it. A symbolic link is followed: the folder is
    its target's (:func:`sigmoid.atomic.replaceable_path`)."""
    path = Path(path)
    if path.is_dir():
        raise SigmoidError(f"cannot write the figure {str(path)!r}: it is a folder")
    try:
        folder = replaceable_path(path).parent
    except OSError as error:
        raise SigmoidError(f"cannot write the figure {str(path)!r}: {error.strerror}") from None
    if not folder.exists():
        raise SigmoidError(
            f"cannot write the figure {str(path)!r}: the folder {str(folder)!r} does not exist"
        )


def save_figure(thing: Any, path: str | os.PathLike[str], *, dpi: int | None = None) -> Path:
    """Write the figure holding ``thing`` (Figure, SubFigure or Axes) to ``path`` as PNG or SVG.

    The format follows the extension. The folder must exist (as for every file the ``sigmoid``
    commands write). The file is written to a temporary name beside it and renamed, so a failure
    never leaves half an image; a missing folder or one that cannot be written is a
    :class:`~sigmoid.errors.SigmoidError` naming it.
    """
    path = Path(path)
    fmt = figure_format(path)
    fig = _root_figure(thing)
    folder = path.parent
    check_output_folder(path)
    try:
        with atomic_write(path) as stream:
            # No date or version stamps, so the same figure gives the same file.
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            fig.savefig(stream, format=fmt, dpi=dpi or fig.dpi, metadata=metadata)
    except OSError as error:
        raise SigmoidError(
            f"cannot write the figure {str(path)!r}: {str(folder)!r} is not a writable folder "
            f"({error.strerror or error})"
        ) from error
    return path


# --------------------------------------------------------------------------------------------
# The neuron


def _activation(name: str) -> Any:
    from sigmoid import activations

    return activations.get(name)


def _sigma(z: np.ndarray | float) -> np.ndarray:
    return np.asarray(_activation("sigmoid").value(np.asarray(z, dtype=np.float64)))


def _vector(name: str, values: Sequence[float] | np.ndarray) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty list of numbers, got {values!r}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite numbers, got {values!r}")
    return array


def _check_neuron(
    weights: Sequence[float] | np.ndarray, bias: float, inputs: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, float, np.ndarray]:
    w = _vector("weights", weights)
    x = _vector("inputs", inputs)
    if w.size != x.size:
        raise ValueError(f"{w.size} weights but {x.size} inputs: give one weight per input")
    if not math.isfinite(float(bias)):
        raise ValueError(f"bias must be a finite number, got {bias!r}")
    return w, float(bias), x


def _num(value: float) -> str:
    """A short number with a real minus sign (U+2212), as in print."""
    text = f"{value:.4g}"
    return text.replace("-", "\N{MINUS SIGN}")


def plot_neuron(
    weights: Sequence[float] | None = None,
    bias: float | None = None,
    inputs: Sequence[float] | None = None,
    *,
    n_inputs: int = 3,
    ax: Axes | None = None,
) -> Axes:
    r"""Draw one neuron: inputs :math:`x_j` with weights :math:`w_j`, a bias b, output σ(w·x + b).

    Without numbers the diagram is symbolic with ``n_inputs`` inputs. With ``weights`` (and
    optionally ``bias``, default 0, and ``inputs``) the numbers are written on it and, when the
    inputs are known, the values of :math:`z = w\cdot x + b` and σ(z).
    """
    w, b, x = _diagram_numbers(weights, bias, inputs, n_inputs)
    n = len(w) if w is not None else (len(x) if x is not None else n_inputs)
    if not 1 <= n <= MAX_DIAGRAM_INPUTS:
        raise ValueError(f"the diagram draws 1 to {MAX_DIAGRAM_INPUTS} inputs, got {n}")
    ys = np.linspace(0.425 * (n - 1), -0.425 * (n - 1), n)  # 0.85 apart, centred on the neuron
    x_lim, y_lim = (-1.3, 10.2), (min(-1.15, ys[-1] - 0.5), max(1.15, ys[0] + 0.5))
    width = 7.5  # inches; the height keeps circles round without empty bands
    ax = _axes(ax, (width, width * (y_lim[1] - y_lim[0]) / (x_lim[1] - x_lim[0]) + 0.45))
    ax.set_aspect("equal")
    ax.set_axis_off()
    centre, radius = (4.2, 0.0), 0.75
    for j, y in enumerate(ys):
        _draw_input(ax, j, float(y), x, w, centre, radius)
    _draw_body(ax, centre, radius, b)
    _draw_output(ax, centre, radius, w, b, x)
    ax.set_xlim(*x_lim)
    ax.set_ylim(*y_lim)
    ax.set_title("A sigmoid neuron", fontsize=13)
    return ax


def _diagram_numbers(
    weights: Sequence[float] | None,
    bias: float | None,
    inputs: Sequence[float] | None,
    n_inputs: int,
) -> tuple[np.ndarray | None, float | None, np.ndarray | None]:
    w = _vector("weights", weights) if weights is not None else None
    x = _vector("inputs", inputs) if inputs is not None else None
    if w is not None and x is not None and w.size != x.size:
        raise ValueError(f"{w.size} weights but {x.size} inputs: give one weight per input")
    if bias is not None and not math.isfinite(float(bias)):
        raise ValueError(f"bias must be a finite number, got {bias!r}")
    if bias is None and w is not None:
        bias = 0.0
    if n_inputs < 1:
        raise ValueError(f"n_inputs must be at least 1, got {n_inputs}")
    if w is not None and x is not None and bias is not None:
        from sigmoid.neuron import SigmoidNeuron

        SigmoidNeuron(w, bias).z(x)  # z = w·x + b too large for a float is a ValueError
    return w, (None if bias is None else float(bias)), x


def _draw_input(
    ax: Axes,
    j: int,
    y: float,
    x: np.ndarray | None,
    w: np.ndarray | None,
    centre: tuple[float, float],
    radius: float,
) -> None:
    from matplotlib.patches import Circle, FancyArrowPatch

    colour = COLORS["sigmoid"]
    ax.add_patch(Circle((0.0, y), 0.32, facecolor="white", edgecolor="0.25", lw=1.4))
    ax.text(0.0, y, rf"$x_{{{j + 1}}}$", ha="center", va="center", fontsize=12)
    if x is not None:
        ax.text(-0.45, y, _num(x[j]), ha="right", va="center", fontsize=10, color="0.2")
    start, end = np.array([0.32, y]), np.array(centre)
    direction = (end - start) / np.linalg.norm(end - start)
    tip = end - direction * radius
    ax.add_patch(
        FancyArrowPatch(tuple(start), tuple(tip), arrowstyle="-|>", mutation_scale=12, lw=1.3, color="0.35")
    )
    label = rf"$w_{{{j + 1}}}$" + ("" if w is None else f" = {_num(w[j])}")
    mid = start + (tip - start) * 0.4
    ax.text(
        mid[0],
        mid[1] + 0.12,
        label,
        ha="center",
        va="bottom",
        fontsize=10,
        color=colour,
        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
    )


def _draw_body(ax: Axes, centre: tuple[float, float], radius: float, b: float | None) -> None:
    from matplotlib.patches import Circle

    ax.add_patch(Circle(centre, radius, facecolor="#e8f0fb", edgecolor=COLORS["sigmoid"], lw=2))
    ax.text(
        centre[0],
        centre[1] + 0.12,
        r"$\sigma$",
        ha="center",
        va="center",
        fontsize=20,
        color=COLORS["sigmoid"],
    )
    bias = r"$b$" if b is None else f"b = {_num(b)}"
    ax.text(centre[0], centre[1] - 0.33, bias, ha="center", va="center", fontsize=9, color="0.2")


def _draw_output(
    ax: Axes,
    centre: tuple[float, float],
    radius: float,
    w: np.ndarray | None,
    b: float | None,
    x: np.ndarray | None,
) -> None:
    from matplotlib.patches import FancyArrowPatch

    start = (centre[0] + radius, centre[1])
    end = (centre[0] + radius + 1.3, centre[1])
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, lw=1.6, color="0.25"))
    lines = [r"output $\sigma(w \cdot x + b)$", r"$= 1/(1 + \exp(-\sum_j w_j x_j - b))$"]
    if w is not None and x is not None and b is not None:
        z = float(w @ x + b)
        out = float(_sigma(z))
        lines = [rf"$z = w \cdot x + b$ = {_num(z)}", rf"output $\sigma(z)$ = {_num(out)}"]
    text_x = end[0] + 0.15
    for k, line in enumerate(lines):
        ax.text(text_x, centre[1] + 0.3 - 0.65 * k, line, ha="left", va="center", fontsize=11)


# --------------------------------------------------------------------------------------------
# σ, the step and their comparison


def _z_grid(z_range: tuple[float, float], num: int) -> np.ndarray:
    low, high = (float(v) for v in z_range)
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"z range must be two finite numbers, low < high, got {z_range!r}")
    if max(abs(low), abs(high)) > MAX_Z:
        raise ValueError(f"z range must lie within ±{MAX_Z:g}, got {z_range!r}")
    if num < 2:
        raise ValueError(f"num must be at least 2, got {num}")
    grid = np.linspace(low, high, num)
    if low < 0 < high:  # include z = 0 exactly, where σ = 1/2 and the step jumps
        grid = np.union1d(grid, [0.0])
    return grid


def _style_z_axes(ax: Axes, title: str, ylabel: str = "output") -> None:
    ax.set_xlabel(r"$z = w \cdot x + b$")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.set_ylim(-0.08, 1.08)


def _asymptotes(ax: Axes) -> None:
    for level in (0.0, 1.0):
        ax.axhline(
            level,
            color=COLORS["guide"],
            lw=1,
            ls="--",
            zorder=0,
            gid="asymptote",
            label="asymptotes 0 and 1" if level == 1.0 else None,
        )


def _draw_sigmoid(ax: Axes, z: np.ndarray) -> None:
    ax.plot(z, _sigma(z), color=COLORS["sigmoid"], lw=2.4, label=_LABELS["sigmoid"], gid="sigmoid")


def _draw_step(ax: Axes, z: np.ndarray) -> None:
    """The step as two flat pieces, a filled dot at (0, 0) and an open one at (0, 1)."""
    step = _activation("step").value
    left = z[z <= 0]
    right = np.concatenate([[np.nextafter(0.0, 1.0)], z[z > 0]]) if z[-1] > 0 else z[z > 0]
    colour = COLORS["step"]
    ax.plot(left, step(left), color=colour, lw=2.4, label=_LABELS["step"], gid="step")
    ax.plot(right, step(right), color=colour, lw=2.4, gid="step")
    if z[0] <= 0 <= z[-1]:
        ax.plot([0, 0], [0, 1], color=colour, lw=1, ls=":", gid="step-jump")
        ax.plot([0], [0], "o", color=colour, ms=6, gid="step-jump")
        ax.plot([0], [1], "o", mfc="white", mec=colour, ms=6, gid="step-jump")


def plot_sigmoid(
    z_range: tuple[float, float] = (-6.0, 6.0), *, num: int = 601, ax: Axes | None = None
) -> Axes:
    r"""σ(z) = 1/(1 + e^(−z)) over ``z_range``, with its asymptotes 0 (z → −∞) and 1 (z → +∞)."""
    ax = _axes(ax)
    z = _z_grid(z_range, num)
    _asymptotes(ax)
    _draw_sigmoid(ax, z)
    ax.plot([0], [0.5], "o", color=COLORS["sigmoid"], ms=5, gid="half")
    ax.annotate(r"$\sigma(0) = 1/2$", (0, 0.5), xytext=(12, -14), textcoords="offset points", fontsize=10)
    _style_z_axes(ax, "The sigmoid function")
    ax.legend(loc="upper left", frameon=False)
    return ax


def plot_step(z_range: tuple[float, float] = (-6.0, 6.0), *, num: int = 601, ax: Axes | None = None) -> Axes:
    """The perceptron's step: 1 if z > 0, else 0 (a filled dot marks step(0) = 0)."""
    ax = _axes(ax)
    z = _z_grid(z_range, num)
    _asymptotes(ax)
    _draw_step(ax, z)
    _style_z_axes(ax, "The step function of a perceptron")
    ax.legend(loc="upper left", frameon=False)
    return ax


def plot_compare(
    z_range: tuple[float, float] = (-6.0, 6.0), *, num: int = 601, ax: Axes | None = None
) -> Axes:
    """σ(z) overlaid on the perceptron's step: the sigmoid is a smoothed-out step."""
    ax = _axes(ax)
    z = _z_grid(z_range, num)
    _asymptotes(ax)
    _draw_step(ax, z)
    _draw_sigmoid(ax, z)
    _style_z_axes(ax, "Sigmoid neuron vs perceptron")
    ax.legend(loc="upper left", frameon=False)
    return ax


# --------------------------------------------------------------------------------------------
# Small changes: the linear approximation


def _parameter_index(parameter: str, n_weights: int) -> int | None:
    """``"b"`` → None (the bias); ``"w3"`` → 2 (the third weight, counted from 1 as in the book)."""
    name = parameter.strip().lower()
    if name in ("b", "bias"):
        return None
    if name.startswith("w") and name[1:].isdigit() and 1 <= int(name[1:]) <= n_weights:
        return int(name[1:]) - 1
    raise ValueError(f"cannot vary {parameter!r}: name the bias 'b' or a weight 'w1'…'w{n_weights}'")


def plot_weight_bias(
    weights: Sequence[float] = (0.6, -0.4, 0.9),
    bias: float = -0.5,
    inputs: Sequence[float] = (1.0, 0.5, 1.0),
    *,
    parameter: str = "w1",
    delta: float = 0.5,
    span: float = 3.0,
    num: int = 401,
    ax: Axes | None = None,
) -> Axes:
    r"""The neuron's output as one weight or the bias varies, with the tangent at the current value.

    For parameter p (a weight :math:`w_j` or the bias b) at its current value :math:`p_0`, the
    curve is :math:`\sigma(z(p))` for :math:`p \in [p_0 - \text{span}, p_0 + \text{span}]`; the
    tangent is :math:`\sigma(z_0) + s\,(p - p_0)` with slope
    :math:`s = \partial\mathrm{out}/\partial w_j = \sigma'(z_0)\,x_j` (or :math:`\sigma'(z_0)`
    for b). A change ``delta`` is marked with the predicted :math:`s\,\Delta p` and the actual
    change of the output.
    """
    w, b, x = _check_neuron(weights, bias, inputs)
    index = _parameter_index(parameter, w.size)
    for name, values in (("weights", w), ("bias", b), ("inputs", x)):
        if np.max(np.abs(values)) > MAX_PARAMETER:
            raise ValueError(
                f"{name} must lie within ±{MAX_PARAMETER:g} to be plotted, got "
                f"{values.tolist() if np.ndim(values) else values!r}"
            )
    if not (math.isfinite(span) and 0 < span <= MAX_PARAMETER):
        raise ValueError(f"span must be a positive number at most {MAX_PARAMETER:g}, got {span!r}")
    if not (math.isfinite(delta) and 0 < delta <= span):
        raise ValueError(
            f"delta must be a positive number at most {span:g} (the half-width of the plotted "
            f"range), got {delta!r}"
        )
    from sigmoid.neuron import SigmoidNeuron

    neuron = SigmoidNeuron(w, b)
    gradient = neuron.gradient(x)  # ∂out/∂w_j = σ'(z)·x_j, ∂out/∂b = σ'(z)
    slope = float(gradient.bias if index is None else gradient.weights[index])
    dw = np.zeros_like(w)
    if index is not None:
        dw[index] = delta
    change = neuron.change(x, dw, 0.0 if index is not None else delta)
    ax = _axes(ax)
    p0 = b if index is None else float(w[index])
    dz_dp = 1.0 if index is None else float(x[index])
    z0 = float(neuron.z(x))
    out0 = float(neuron.output(x))
    p = np.linspace(p0 - span, p0 + span, num)
    symbol = "b" if index is None else f"w_{{{index + 1}}}"
    ax.plot(
        p,
        _sigma(z0 + dz_dp * (p - p0)),
        color=COLORS["sigmoid"],
        lw=2.4,
        gid="output",
        label=rf"output $\sigma(w \cdot x + b)$ as ${symbol}$ varies",
    )
    ax.plot(
        p,
        out0 + slope * (p - p0),
        color=COLORS["tangent"],
        lw=1.8,
        ls="--",
        gid="tangent",
        label=rf"tangent: slope $\partial\,\mathrm{{out}}/\partial {symbol}$ = {_num(slope)}",
    )
    ax.plot(
        [p0],
        [out0],
        "o",
        color="0.15",
        ms=6,
        zorder=5,
        gid="current",
        label=rf"current ${symbol}$ = {_num(p0)}, output {_num(out0)}",
    )
    _mark_change(ax, p0, out0, delta, float(change.predicted), float(change.actual), symbol)
    ax.set_xlabel(rf"${symbol}$")
    ax.set_ylabel("output")
    ax.set_ylim(-0.08, 1.08)
    ax.grid(True, alpha=0.3)
    ax.set_title(rf"A small change in ${symbol}$ gives a small change in the output")
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    return ax


def _mark_change(
    ax: Axes, p0: float, out0: float, delta: float, predicted: float, actual: float, symbol: str
) -> None:
    """Mark Δp, the predicted change ∂out/∂p·Δp (on the tangent) and the actual change."""
    p1 = p0 + delta
    ax.plot([p0, p1], [out0, out0], color="0.3", lw=1, gid="delta")
    ax.plot([p1, p1], [out0, out0 + predicted], color=COLORS["tangent"], lw=2.5, gid="predicted-change")
    ax.plot(
        [p1],
        [out0 + actual],
        "o",
        mfc="white",
        mec=COLORS["sigmoid"],
        ms=6,
        gid="actual",
        label=rf"output after ${symbol}$ + $\Delta {symbol}$",
    )
    text = (
        rf"$\Delta {symbol}$ = {_num(delta)}"
        "\n"
        rf"predicted $\Delta$out $\approx \partial\,\mathrm{{out}}/\partial {symbol}"
        rf"\cdot\Delta {symbol}$ = {_num(predicted)}"
        "\n"
        rf"actual $\Delta$out = {_num(actual)}"
    )
    ax.text(
        0.98,
        0.04,
        text,
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=9,
        bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "0.8"},
    )


# --------------------------------------------------------------------------------------------
# The limit c → ∞ and the family of activations


def plot_limit(
    scales: Sequence[float] = LIMIT_SCALES,
    z_range: tuple[float, float] = (-3.0, 3.0),
    *,
    num: int = 1201,
    ax: Axes | None = None,
) -> Axes:
    r"""σ(c·z) for each scale c: multiplying all weights and the bias by c multiplies z by c.

    As c → ∞ the curve tends to the perceptron's step wherever z ≠ 0 and stays at 1/2 at z = 0.
    """
    c = np.asarray(scales, dtype=np.float64)
    if c.ndim != 1 or c.size == 0:
        raise ValueError(f"scales must be a non-empty list of numbers, got {scales!r}")
    if not np.all(np.isfinite(c) & (c > 0) & (c <= MAX_SCALE)):
        raise ValueError(
            f"each scale c must be a finite number > 0 and at most {MAX_SCALE:g}, got {c.tolist()!r}"
        )
    ax = _axes(ax)
    z = _z_grid(z_range, num)
    _asymptotes(ax)
    _draw_step(ax, z)
    from matplotlib import colormaps

    shades = colormaps["Blues"](np.linspace(0.35, 1.0, c.size))
    for scale, shade in zip(c, shades, strict=True):
        ax.plot(
            z,
            _sigma(scale * z),
            color=shade,
            lw=1.9,
            gid=f"limit-{scale:g}",
            label=rf"$\sigma(c z)$, $c$ = {scale:g}",
        )
    ax.set_xlabel(r"$z = w \cdot x + b$ of the unscaled neuron")
    ax.set_ylabel("output")
    ax.set_ylim(-0.08, 1.08)
    ax.grid(True, alpha=0.3)
    ax.set_title(r"Weights and bias $\times c$: as $c \to \infty$ the sigmoid becomes a step")
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    return ax


ACTIVATION_PANELS = ("sigmoid", "tanh", "relu", "step")


def plot_activations(
    names: Sequence[str] = ACTIVATION_PANELS,
    z_range: tuple[float, float] = (-4.0, 4.0),
    *,
    num: int = 401,
    fig: Figure | SubFigure | None = None,
) -> list[Axes]:
    """One panel per activation: its value (solid) and its derivative with respect to z (dashed).

    The step's derivative is 0 wherever it exists and undefined at z = 0, which is why a
    perceptron cannot learn by gradient descent; it is drawn as 0 with the gap marked.
    """
    if len(names) == 0:
        raise ValueError("give at least one activation to plot")
    fig = fig if fig is not None else new_figure((3.0 * len(names) + 0.4, 3.4))
    z = _z_grid(z_range, num)
    axes = list(np.atleast_1d(fig.subplots(1, len(names), sharey=False)))
    for ax, name in zip(axes, names, strict=True):
        _draw_activation(ax, name, z)
    fig.suptitle("Activation functions (solid) and their derivatives (dashed)", fontsize=12)
    return axes


def _draw_activation(ax: Axes, name: str, z: np.ndarray) -> None:
    activation = _activation(name)
    key = activation.name
    colour = COLORS.get(key, "0.2")
    if key == "step":
        _draw_step(ax, z)
        ax.plot(z[z < 0], np.zeros(np.count_nonzero(z < 0)), color=colour, lw=1.6, ls="--", gid="derivative")
        ax.plot(z[z > 0], np.zeros(np.count_nonzero(z > 0)), color=colour, lw=1.6, ls="--", gid="derivative")
        ax.annotate(
            "no derivative\nat z = 0",
            (0, 0),
            xytext=(8, 24),
            textcoords="offset points",
            fontsize=8,
            color="0.3",
        )
    else:
        ax.plot(z, activation.value(z), color=colour, lw=2.2, gid="value", label="value")
        z_gaps, derivative = _break_jumps(z, activation.derivative(z))
        ax.plot(z_gaps, derivative, color=colour, lw=1.6, ls="--", gid="derivative", label="derivative")
    ax.axhline(0, color=COLORS["guide"], lw=0.8, zorder=0)
    ax.axvline(0, color=COLORS["guide"], lw=0.8, zorder=0)
    ax.set_title(_TITLES.get(key, key))
    ax.set_xlabel(r"$z$")
    ax.grid(True, alpha=0.3)


def _break_jumps(z: np.ndarray, y: np.ndarray, jump: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """``(z, y)`` with a NaN point where y jumps by more than ``jump``: no vertical line there."""
    gaps = np.flatnonzero(np.abs(np.diff(y)) > jump) + 1
    return np.insert(z, gaps, np.nan), np.insert(np.asarray(y, dtype=np.float64), gaps, np.nan)


# --------------------------------------------------------------------------------------------
# Training history


_SERIES = (
    ("training_cost", "cost", "training data", "training"),
    ("evaluation_cost", "cost", "evaluation data", "evaluation"),
    ("training_accuracy", "accuracy", "training data", "training"),
    ("evaluation_accuracy", "accuracy", "evaluation data", "evaluation"),
)


def _history_dict(history: Any) -> dict[str, Any]:
    if isinstance(history, Mapping):
        return dict(history)
    if hasattr(history, "to_dict"):
        return dict(history.to_dict())
    raise TypeError(f"expected a training History or its dict, got {type(history).__name__}")


def _series(data: Mapping[str, Any], key: str) -> np.ndarray:
    values = data.get(key) or []
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        message = f"history field {key!r} must be a list of numbers, got {values!r}"
        raise ValueError(message) from error
    if array.ndim != 1:
        raise ValueError(f"history field {key!r} must be a list of numbers, got {values!r}")
    if not np.isfinite(array).all():  # training records only finite epochs: this was edited
        raise ValueError(f"history field {key!r} holds NaN or infinite values")
    return array


def _percent(values: np.ndarray) -> np.ndarray:
    """Accuracies as percentages: fractions in [0, 1] are scaled by 100."""
    finite = values[np.isfinite(values)]
    return values * 100.0 if finite.size and finite.max() <= 1.0 else values


def plot_history(
    history: Any, *, fig: Figure | SubFigure | None = None, title: str | None = None
) -> tuple[Axes, Axes]:
    """Cost and accuracy per epoch (epochs counted from 1) for training and evaluation data.

    ``history`` is a :class:`sigmoid.training.History` or its ``to_dict()``; series that were not
    monitored (empty lists) are left out. Accuracy is drawn in percent. Returns (cost, accuracy).
    """
    data = _history_dict(history)
    fig = fig if fig is not None else new_figure((10.0, 4.0))
    cost_ax, accuracy_ax = fig.subplots(1, 2)
    drawn = 0
    for key, kind, label, colour in _SERIES:
        values = _series(data, key)
        if values.size == 0:
            continue
        ax = cost_ax if kind == "cost" else accuracy_ax
        y = values if kind == "cost" else _percent(values)
        epochs = np.arange(1, values.size + 1)
        if colour == "evaluation":  # the settings may say which data: "test" or "validation"
            label = f"{(data.get('settings') or {}).get('evaluation_data') or 'evaluation'} data"
        ax.plot(epochs, y, "o-", color=COLORS[colour], ms=3.5, lw=1.8, label=label, gid=key)
        drawn += 1
    if drawn == 0:
        raise ValueError(
            "the history holds no cost or accuracy to plot (no epoch was complete, or nothing was monitored)"
        )
    _mark_best(accuracy_ax, _percent(_series(data, "evaluation_accuracy")))
    for ax, name in ((cost_ax, "cost"), (accuracy_ax, "accuracy (%)")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(True, alpha=0.3)
        if ax.get_lines():
            ax.legend(frameon=False)
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    cost_ax.set_title("Cost per epoch")
    accuracy_ax.set_title("Accuracy per epoch")
    fig.suptitle(title or _history_title(data))
    return cost_ax, accuracy_ax


def _history_title(data: Mapping[str, Any]) -> str:
    """The title: "Training history", the network and settings when known, why it stopped early."""
    settings = data.get("settings") or {}
    described = ", ".join(
        part
        for part in (
            " ".join(str(settings[key]) for key in ("recipe", "sizes") if settings.get(key)),
            f"{settings['cost']} cost" if settings.get("cost") else "",
            f"η = {settings['learning_rate']:g}" if settings.get("learning_rate") else "",
            f"mini-batch {settings['batch_size']}" if settings.get("batch_size") else "",
        )
        if part
    )
    title = "Training history" + (f" — {described}" if described else "")
    stopped = str(data.get("stopped") or "")
    if stopped and not stopped.startswith("completed"):
        title += f" (stopped: {stopped})"
    return title


def _mark_best(ax: Axes, accuracy: np.ndarray) -> None:
    """Ring the best evaluation accuracy (the book reports the best epoch)."""
    if accuracy.size == 0 or not np.isfinite(accuracy).any():
        return
    best = int(np.nanargmax(accuracy))
    ax.plot(
        [best + 1],
        [accuracy[best]],
        "o",
        ms=11,
        mfc="none",
        mec=COLORS["evaluation"],
        mew=1.5,
        gid="best",
        label=f"best: {accuracy[best]:.2f}% at epoch {best + 1}",
    )


def load_history(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The training history in ``path``: a History JSON file, or a model file that embeds one.

    Returns the history as a dict (the keys of ``History.to_dict()``). A file that is neither is
    a :class:`~sigmoid.errors.SigmoidError` naming it.
    """
    from sigmoid import io
    from sigmoid.training import History

    path = Path(path)
    problem = unreadable(path, "history or model file")
    if problem:
        raise SigmoidError(problem)
    with open(path, "rb") as stream:
        head = stream.read(4)
    if head.startswith(b"PK"):  # .npz (a zip): a model file saved by sigmoid.io.save
        history = io.load_history(path)
        if history is None:
            raise SigmoidError(
                f"the model file {str(path)!r} holds no training history: "
                "train with `sigmoid train --history FILE` and plot that file"
            )
        return _history_dict(history)
    try:
        return _history_dict(History.load(path))
    except (TypeError, ValueError) as error:  # a JSON object with the wrong kind of values
        raise SigmoidError(f"{str(path)!r} is not a valid training history: {error}") from None


# --------------------------------------------------------------------------------------------
# What the network learned: hidden weights, mistakes, confusion


def _hidden_images(network: Network) -> np.ndarray:
    """The first layer's weights as images: ``(n_hidden, 28, 28)``, neuron j from column j."""
    first = np.asarray(network.weights[0], dtype=np.float64)  # (fan_in, fan_out)
    if first.shape[0] != IMAGE_SIDE * IMAGE_SIDE:
        raise ValueError(
            f"weights can only be drawn as {IMAGE_SIDE}×{IMAGE_SIDE} images for "
            f"{IMAGE_SIDE * IMAGE_SIDE} inputs, this network has {first.shape[0]}"
        )
    return first.T.reshape(-1, IMAGE_SIDE, IMAGE_SIDE)


def _grid_shape(n: int) -> tuple[int, int]:
    cols = max(1, math.ceil(math.sqrt(n)))
    return math.ceil(n / cols), cols


def plot_weights(
    network: Network, *, fig: Figure | SubFigure | None = None, max_panels: int = 400
) -> list[Axes]:
    """Each hidden neuron's 784 input weights drawn as a 28×28 image, one panel per neuron.

    Red is a positive weight (ink there excites the neuron), blue a negative one; each panel is
    scaled symmetrically to its own largest |w| so that its pattern shows.
    """
    images = _hidden_images(network)
    n = images.shape[0]
    if n > max_panels:
        raise ValueError(f"{n} hidden neurons is more than max_panels={max_panels} panels")
    rows, cols = _grid_shape(n)
    side = min(1.15, 11.0 / cols)
    size = (max(4.8, cols * side + 0.3), rows * side * max(1.0, 4.5 / (cols * side)) + 0.7)
    fig = fig if fig is not None else new_figure(size)
    axes = list(np.ravel(fig.subplots(rows, cols, squeeze=False)))
    for j, ax in enumerate(axes):
        ax.set_axis_off()
        if j >= n:
            continue
        limit = float(np.max(np.abs(images[j]))) or 1.0
        ax.imshow(images[j], cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        if n <= 49:
            ax.set_title(str(j + 1), fontsize=8, pad=2)
    fig.suptitle(f"Input weights of the {n} hidden neurons (red > 0, blue < 0)", fontsize=11)
    return axes[:n]


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """``m[i, j]`` = how many examples of true class i were predicted as j; sums to len(y_true)."""
    t = np.asarray(y_true).astype(np.int64, copy=False).ravel()
    p = np.asarray(y_pred).astype(np.int64, copy=False).ravel()
    if t.shape != p.shape:
        raise ValueError(f"{t.size} true labels but {p.size} predictions")
    for name, labels in (("true", t), ("predicted", p)):
        if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
            raise ValueError(f"{name} labels must be in 0..{n_classes - 1}, got {labels.max()}")
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (t, p), 1)
    return matrix


def plot_confusion(
    y_true: np.ndarray, y_pred: np.ndarray, *, n_classes: int = 10, ax: Axes | None = None
) -> Axes:
    """The confusion matrix as an image, each cell labelled with its count."""
    matrix = confusion_matrix(y_true, y_pred, n_classes)
    ax = _axes(ax, (5.0, 4.6))
    image = ax.imshow(matrix, cmap="Blues", norm=_count_norm(matrix), gid="confusion")
    high = matrix.max() if matrix.size else 0
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            dark = count > 0.3 * high and high > 0
            ax.text(j, i, str(count), ha="center", va="center", fontsize=7, color="white" if dark else "0.15")
    ax.set_xticks(range(n_classes))
    ax.set_yticks(range(n_classes))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    accuracy = np.trace(matrix) / max(1, matrix.sum())
    ax.set_title(f"Confusion matrix ({matrix.sum()} images, {100 * accuracy:.2f}% right)")
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label="count")
    return ax


def _count_norm(matrix: np.ndarray) -> Any:
    """A log scale for counts so the few mistakes show beside the large diagonal."""
    from matplotlib.colors import Normalize, SymLogNorm

    if matrix.max() <= 10:
        return Normalize(vmin=0, vmax=max(1, int(matrix.max())))
    return SymLogNorm(linthresh=1.0, vmin=0, vmax=float(matrix.max()))


def plot_mistakes(
    network: Network,
    X: np.ndarray,
    y: np.ndarray,
    *,
    max_images: int = 24,
    fig: Figure | SubFigure | None = None,
) -> tuple[list[Axes], Axes]:
    """A gallery of misclassified digits (true → predicted) beside the confusion matrix.

    ``X`` is ``(n, 784)`` test images, ``y`` their labels. Returns (gallery panels, confusion Axes).
    """
    X, y = _check_images(X, y)
    check_image_network(network)
    predicted = np.asarray(network.predict(X)).astype(np.int64).ravel()
    wrong = np.flatnonzero(predicted != y)
    fig = fig if fig is not None else new_figure((12.0, 5.6))
    left, right = fig.subfigures(1, 2, width_ratios=[1.15, 1.0])
    gallery = _gallery(
        left, X[wrong[:max_images]], y[wrong[:max_images]], predicted[wrong[:max_images]], len(wrong), len(y)
    )
    confusion = plot_confusion(y, predicted, ax=right.add_subplot())
    return gallery, confusion


def check_image_network(network: Network) -> None:
    """Refuse a network that does not take 28×28 = 784 pixel images as its inputs."""
    n_inputs = int(np.asarray(network.weights[0]).shape[0])
    if n_inputs != IMAGE_SIDE * IMAGE_SIDE:
        raise ValueError(
            f"the model takes {n_inputs} inputs but MNIST images have "
            f"{IMAGE_SIDE * IMAGE_SIDE} pixels ({IMAGE_SIDE}×{IMAGE_SIDE})"
        )


def _check_images(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X)
    y = np.asarray(y).astype(np.int64).ravel()
    if X.ndim != 2 or X.shape[1] != IMAGE_SIDE * IMAGE_SIDE:
        raise ValueError(f"images must be (n, {IMAGE_SIDE * IMAGE_SIDE}), got shape {X.shape}")
    if X.shape[0] != y.size or y.size == 0:
        raise ValueError(f"need as many labels as images, at least one: {X.shape[0]} images, {y.size} labels")
    return X, y


def _gallery(
    fig: SubFigure, X: np.ndarray, y: np.ndarray, predicted: np.ndarray, n_wrong: int, n: int
) -> list[Axes]:
    shown = X.shape[0]
    fig.suptitle(
        f"{n_wrong} of {n} test digits misclassified"
        + (f" (first {shown} shown: true → predicted)" if shown else ""),
        fontsize=11,
    )
    if shown == 0:
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no mistakes", ha="center", va="center", fontsize=14)
        return []
    cols = 6 if shown > 16 else _grid_shape(shown)[1]
    rows = math.ceil(shown / cols)
    axes = list(np.ravel(fig.subplots(rows, cols, squeeze=False)))
    for k, ax in enumerate(axes):
        ax.set_axis_off()
        if k >= shown:
            continue
        ax.imshow(
            X[k].reshape(IMAGE_SIDE, IMAGE_SIDE), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest"
        )
        ax.set_title(f"{y[k]} → {predicted[k]}", fontsize=9, color=COLORS["step"], pad=2)
    return axes[:shown]


# --------------------------------------------------------------------------------------------
# Everything after training


def plot_training_report(
    network: Network,
    history: Any,
    test_data: tuple[np.ndarray, np.ndarray] | None,
    out_dir: str | os.PathLike[str],
) -> list[Path]:
    """Write ``history.png``, ``weights.png`` and ``mistakes.png`` into ``out_dir``.

    The history figure is skipped when ``history`` is None (or monitored nothing); the mistakes
    figure when ``test_data`` (an ``(X, y)`` pair) is None; the weights figure when the network's
    inputs are not 28×28 images. Returns the paths written. A folder that cannot be created or
    written is a :class:`~sigmoid.errors.SigmoidError`, raised before anything is drawn.
    """
    folder = Path(out_dir)
    _writable_folder(folder)
    written = []
    if history is not None and any(_series(_history_dict(history), k).size for k, *_ in _SERIES):
        cost_ax, _ = plot_history(history)
        written.append(save_figure(cost_ax, folder / "history.png"))
    if np.asarray(network.weights[0]).shape[0] == IMAGE_SIDE * IMAGE_SIDE:
        written.append(save_figure(plot_weights(network)[0], folder / "weights.png"))
        if test_data is not None:
            gallery, confusion = plot_mistakes(network, *test_data)
            written.append(save_figure(confusion, folder / "mistakes.png"))
    return written


def _writable_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SigmoidError(
            f"cannot create the figure folder {str(folder)!r}: {error.strerror or error}"
        ) from error
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SigmoidError(f"the figure folder {str(folder)!r} is not writable")
