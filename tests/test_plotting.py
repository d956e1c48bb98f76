"""The figures draw what they claim: checked against values worked out here, independently."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from sigmoid import plotting
from sigmoid.activations import sigmoid
from sigmoid.errors import SigmoidError
from sigmoid.network import Network
from sigmoid.neuron import SigmoidNeuron
from sigmoid.training import History


def sigma(z: float) -> float:
    """σ(z) = 1/(1 + e^(−z)), written out with math for a reference independent of the library."""
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def sigma_prime(z: float) -> float:
    return sigma(z) * (1.0 - sigma(z))


def lines(ax, gid: str):
    return [line for line in ax.get_lines() if line.get_gid() == gid]


def the_line(ax, gid: str):
    found = lines(ax, gid)
    assert len(found) == 1, f"expected one line {gid!r}, found {len(found)}"
    return found[0]


def texts(ax) -> str:
    return "\n".join(text.get_text() for text in ax.texts)


# ------------------------------------------------------------------ σ, step, compare


def test_sigmoid_curve_is_sigma_on_the_plotted_z():
    ax = plotting.plot_sigmoid((-6.0, 6.0))
    line = the_line(ax, "sigmoid")
    z, y = line.get_xdata(), line.get_ydata()
    assert z.min() == -6.0 and z.max() == 6.0 and 0.0 in z
    np.testing.assert_array_equal(y, sigmoid(z))
    np.testing.assert_allclose(y, [sigma(v) for v in z], rtol=1e-15, atol=0)
    assert y[z == 0.0][0] == 0.5


def test_sigmoid_marks_the_asymptotes_0_and_1():
    ax = plotting.plot_sigmoid()
    levels = sorted(float(line.get_ydata()[0]) for line in lines(ax, "asymptote"))
    assert levels == [0.0, 1.0]


def test_step_is_one_only_for_positive_z_with_the_jump_marked():
    ax = plotting.plot_step((-2.0, 3.0))
    pieces = lines(ax, "step")
    assert len(pieces) == 2
    for line in pieces:
        z, y = line.get_xdata(), line.get_ydata()
        np.testing.assert_array_equal(y, np.where(z > 0, 1.0, 0.0))
    z = np.concatenate([line.get_xdata() for line in pieces])
    assert z.min() == -2.0 and z.max() == 3.0
    # the filled dot says step(0) = 0, the open dot that 1 is only approached
    dots = [line for line in lines(ax, "step-jump") if line.get_marker() == "o"]
    filled = [line for line in dots if line.get_markerfacecolor() != "white"]
    hollow = [line for line in dots if line.get_markerfacecolor() == "white"]
    assert [tuple(d.get_xydata()[0]) for d in filled] == [(0.0, 0.0)]
    assert [tuple(d.get_xydata()[0]) for d in hollow] == [(0.0, 1.0)]


def test_compare_overlays_sigma_and_step_on_the_same_z_range():
    ax = plotting.plot_compare((-5.0, 5.0))
    assert len(lines(ax, "sigmoid")) == 1 and len(lines(ax, "step")) == 2
    assert len(lines(ax, "asymptote")) == 2
    sig = the_line(ax, "sigmoid")
    np.testing.assert_array_equal(sig.get_ydata(), sigmoid(sig.get_xdata()))


@pytest.mark.parametrize("bad", [(1.0, 1.0), (2.0, -2.0), (0.0, float("inf"))])
def test_a_bad_z_range_is_refused(bad):
    with pytest.raises(ValueError, match="z range"):
        plotting.plot_sigmoid(bad)


@pytest.mark.parametrize(
    "function", [plotting.plot_sigmoid, plotting.plot_step, plotting.plot_compare, plotting.plot_limit]
)
@pytest.mark.parametrize("bad", [(-1e308, 1e308), (0.0, 1.0000001e6), (-2e6, -1e6)])
def test_a_z_range_beyond_a_million_is_refused_without_a_warning(function, bad):
    # −1e308…1e308 once overflowed inside numpy.linspace and Matplotlib's ticker (warnings as
    # errors make any such warning fail this test before the ValueError is checked).
    with pytest.raises(ValueError, match="z range must lie within ±1e\\+06"):
        function(z_range=bad)


def test_a_z_range_of_exactly_a_million_is_drawn(tmp_path):
    ax = plotting.plot_sigmoid((-1e6, 1e6))
    z = the_line(ax, "sigmoid").get_xdata()
    assert z[0] == -1e6 and z[-1] == 1e6
    plotting.save_figure(ax, tmp_path / "wide.png")  # the ticks are drawn without a warning


# ------------------------------------------------------------------ the linear approximation


@pytest.mark.parametrize("parameter, j", [("w1", 0), ("w3", 2), ("b", None)])
def test_weight_bias_tangent_has_the_neurons_derivative_as_slope(parameter, j):
    w, b, x = [0.6, -0.4, 0.9], -0.5, [1.0, 0.5, 2.0]
    ax = plotting.plot_weight_bias(w, b, x, parameter=parameter, delta=0.25)
    z0 = sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b  # 0.6 − 0.2 + 1.8 − 0.5 = 1.7
    assert z0 == pytest.approx(1.7)
    dz_dp = 1.0 if j is None else x[j]
    p0 = b if j is None else w[j]
    tangent = the_line(ax, "tangent")
    p, t = tangent.get_xdata(), tangent.get_ydata()
    slope = (t[-1] - t[0]) / (p[-1] - p[0])
    assert slope == pytest.approx(sigma_prime(z0) * dz_dp, rel=1e-12)
    gradient = SigmoidNeuron(w, b).gradient(x)  # and the product's neuron agrees
    assert slope == pytest.approx(gradient.bias if j is None else gradient.weights[j], rel=1e-12)
    np.testing.assert_allclose(np.interp(p0, p, t), sigma(z0), rtol=1e-12)
    # the curve is the neuron's output as that one parameter moves
    curve = the_line(ax, "output")
    expected = [sigma(z0 + dz_dp * (q - p0)) for q in curve.get_xdata()]
    np.testing.assert_allclose(curve.get_ydata(), expected, rtol=1e-13)
    # the marked small change: predicted ∂out/∂p·Δp beside the actual change
    predicted = the_line(ax, "predicted-change").get_ydata()
    assert predicted[1] - predicted[0] == pytest.approx(sigma_prime(z0) * dz_dp * 0.25, rel=1e-12)
    actual = the_line(ax, "actual").get_ydata()[0]
    assert actual == pytest.approx(sigma(z0 + dz_dp * 0.25), rel=1e-13)


def test_weight_bias_refuses_an_unknown_parameter_and_mismatched_lengths():
    with pytest.raises(ValueError, match="'w4'"):
        plotting.plot_weight_bias([1.0, 2.0, 3.0], 0.0, [1.0, 1.0, 1.0], parameter="w4")
    with pytest.raises(ValueError, match="2 weights but 3 inputs"):
        plotting.plot_weight_bias([1.0, 2.0], 0.0, [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="delta"):
        plotting.plot_weight_bias(delta=0.0)


@pytest.mark.parametrize("delta", [1e308, 3.5, float("nan"), -0.1])
def test_weight_bias_refuses_a_delta_outside_the_plotted_range(delta):
    # The curve spans p0 ± 3 (the default span), so Δ must lie in (0, 3].
    with pytest.raises(ValueError, match="delta must be a positive number at most 3 "):
        plotting.plot_weight_bias(delta=delta)


def test_weight_bias_marks_a_delta_equal_to_the_span(tmp_path):
    ax = plotting.plot_weight_bias([1.0], 0.0, [1.0], delta=3.0)  # z0 = 1, the change moves z to 4
    assert the_line(ax, "actual").get_ydata()[0] == pytest.approx(sigma(4.0), rel=1e-14)
    plotting.save_figure(ax, tmp_path / "wb.png")


@pytest.mark.parametrize(
    "weights, bias, inputs, name",
    [([1e308], 0.0, [1.0], "weights"), ([1.0], -2e6, [1.0], "bias"), ([1.0], 0.0, [1e7], "inputs")],
)
def test_weight_bias_refuses_numbers_beyond_a_million(weights, bias, inputs, name):
    with pytest.raises(ValueError, match=f"{name} must lie within ±1e\\+06"):
        plotting.plot_weight_bias(weights, bias, inputs)


# ------------------------------------------------------------------ the limit and the activations


@pytest.mark.parametrize("scales", [(1, 2, 5, 10, 100), (0.5, 3)])
def test_limit_draws_one_curve_per_scale(scales):
    ax = plotting.plot_limit(scales)
    curves = [line for line in ax.get_lines() if str(line.get_gid()).startswith("limit-")]
    assert len(curves) == len(scales)
    for c, line in zip(scales, curves, strict=True):
        z = line.get_xdata()
        np.testing.assert_allclose(line.get_ydata(), [sigma(c * v) for v in z], rtol=1e-14)
    # the step the curves approach is drawn as well
    assert len(lines(ax, "step")) == 2


@pytest.mark.parametrize(
    "scales", [[1.0, 0.0], [-2.0], [1.0, float("nan")], [float("inf")], [1e308], [1.0000001e6]]
)
def test_limit_refuses_scales_that_are_not_finite_positive_and_at_most_a_million(scales):
    # 1e308 once overflowed in c·z (a RuntimeWarning, an error under this suite's settings).
    with pytest.raises(ValueError, match="each scale c must be a finite number > 0 and at most"):
        plotting.plot_limit(scales)


def test_limit_draws_a_scale_of_a_million():
    ax = plotting.plot_limit([1e6], (-1.0, 1.0))
    curve = the_line(ax, "limit-1e+06")
    z, y = curve.get_xdata(), curve.get_ydata()
    assert np.all(y[z <= -1e-3] == 0.0) and np.all(y[z >= 1e-3] == 1.0)  # σ(±1000) in float64
    assert y[z == 0.0][0] == 0.5


def test_activations_panels_show_values_and_derivatives():
    axes = plotting.plot_activations(("sigmoid", "tanh", "relu", "step"))
    assert [ax.get_title() for ax in axes] == ["sigmoid", "tanh", "ReLU", "step (perceptron)"]
    sig, tanh, relu, step = axes
    z = the_line(sig, "derivative").get_xdata()
    values = the_line(sig, "value").get_ydata()
    np.testing.assert_allclose(values, [sigma(v) for v in z], rtol=1e-14)
    np.testing.assert_allclose(
        the_line(sig, "derivative").get_ydata(), [sigma_prime(v) for v in z], rtol=1e-12
    )
    z = the_line(tanh, "derivative").get_xdata()
    np.testing.assert_allclose(
        the_line(tanh, "derivative").get_ydata(), [1.0 - math.tanh(v) ** 2 for v in z], rtol=1e-12, atol=1e-15
    )
    z, d = the_line(relu, "derivative").get_xdata(), the_line(relu, "derivative").get_ydata()
    assert np.all(d[z < 0] == 0.0) and np.all(d[z > 0] == 1.0)
    assert np.count_nonzero(z < 0) + np.count_nonzero(z > 0) + 1 == 401  # all but z = 0 drawn
    for line in lines(step, "derivative"):
        assert np.all(line.get_ydata() == 0.0) and 0.0 not in line.get_xdata()


# ------------------------------------------------------------------ the neuron diagram


def test_neuron_diagram_is_symbolic_without_numbers():
    ax = plotting.plot_neuron(n_inputs=4)
    words = texts(ax)
    for j in range(1, 5):
        assert f"$x_{{{j}}}$" in words and f"$w_{{{j}}}$" in words
    assert "$x_{5}$" not in words
    assert r"\sigma(w \cdot x + b)" in words


def test_neuron_diagram_shows_the_numbers_and_the_output():
    ax = plotting.plot_neuron([0.5, -1.0, 2.0], -0.3, [1.0, 0.0, 0.638])
    words = texts(ax)
    # z = 0.5·1 + (−1)·0 + 2·0.638 − 0.3 = 1.476; σ(1.476) = 0.8140 (to 4 figures)
    assert "1.476" in words
    assert f"{sigma(1.476):.4g}" == "0.814" and "0.814" in words
    assert "\N{MINUS SIGN}0.3" in words and "\N{MINUS SIGN}1" in words and "0.638" in words


def test_neuron_diagram_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="2 weights but 3 inputs"):
        plotting.plot_neuron([1.0, 2.0], 0.0, [1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    "weights, bias, inputs",
    [([1e308], 0.0, [1e308]), ([1e308, 1e308], 0.0, [1.0, 1.0]), ([1.0], 1e308, [1e308])],
)
def test_neuron_diagram_refuses_a_z_too_large_for_a_float(weights, bias, inputs):
    # 1e308·1e308 once overflowed in the matmul and the diagram said z = inf.
    with pytest.raises(ValueError, match="z = w·x \\+ b is not a finite number"):
        plotting.plot_neuron(weights, bias, inputs)


def test_neuron_diagram_draws_large_numbers_whose_z_is_finite():
    ax = plotting.plot_neuron([1e300, -1e300], 0.0, [1.0, 1.0])  # z = 0 exactly
    assert "z = w \\cdot x + b$ = 0" in texts(ax) and "= 0.5" in texts(ax)


# ------------------------------------------------------------------ history


def three_epochs() -> History:
    return History(
        training_cost=[0.50, 0.30, 0.20],
        training_accuracy=[0.80, 0.90, 0.95],
        evaluation_cost=[0.60, 0.40, 0.35],
        evaluation_accuracy=[0.78, 0.85, 0.88],
        learning_rate=[0.5, 0.5, 0.5],
        seconds=[1.0, 1.0, 1.0],
        stopped="completed 3 epochs",
    )


def test_history_has_one_point_per_epoch_for_each_monitored_series():
    cost, accuracy = plotting.plot_history(three_epochs())
    for ax, keys in (
        (cost, ("training_cost", "evaluation_cost")),
        (accuracy, ("training_accuracy", "evaluation_accuracy")),
    ):
        for key in keys:
            line = the_line(ax, key)
            np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(the_line(cost, "evaluation_cost").get_ydata(), [0.60, 0.40, 0.35])
    np.testing.assert_allclose(the_line(accuracy, "training_accuracy").get_ydata(), [80, 90, 95])
    assert the_line(cost, "evaluation_cost").get_label() == "evaluation data"
    named = three_epochs()
    named.settings = {"evaluation_data": "test"}
    named_accuracy = plotting.plot_history(named)[1]
    assert the_line(named_accuracy, "evaluation_accuracy").get_label() == "test data"
    # the best evaluation accuracy, 88% in epoch 3, is ringed
    np.testing.assert_allclose(the_line(accuracy, "best").get_xydata(), [[3, 88.0]])


def test_history_title_gives_the_settings_and_an_early_stop():
    history = three_epochs()
    history.settings = {
        "recipe": "ch1",
        "sizes": [784, 30, 10],
        "cost": "quadratic",
        "learning_rate": 3.0,
        "batch_size": 10,
    }
    title = plotting.plot_history(history)[0].figure.get_suptitle()
    assert title == "Training history \N{EM DASH} ch1 [784, 30, 10], quadratic cost, η = 3, mini-batch 10"
    history.stopped = "no improvement in 10 epochs"
    title = plotting.plot_history(history)[0].figure.get_suptitle()
    assert title.endswith("mini-batch 10 (stopped: no improvement in 10 epochs)")


def test_history_leaves_out_what_was_not_monitored():
    history = History(evaluation_accuracy=[0.9, 0.92], learning_rate=[3.0, 3.0], seconds=[1, 1])
    cost, accuracy = plotting.plot_history(history.to_dict())
    gids = [line.get_gid() for line in accuracy.get_lines()]
    assert cost.get_lines() == [] and gids == ["evaluation_accuracy", "best"]
    np.testing.assert_allclose(the_line(accuracy, "best").get_xydata(), [[2, 92.0]])
    with pytest.raises(ValueError, match="nothing was monitored"):
        plotting.plot_history(History())


def test_load_history_from_json_and_from_a_model_file(tmp_path):
    from sigmoid import io

    history = three_epochs()
    history.save(tmp_path / "h.json")
    assert plotting.load_history(tmp_path / "h.json") == history.to_dict()
    network = Network([784, 4, 10], rng=0)
    io.save(network, tmp_path / "with.npz", history=history)
    assert plotting.load_history(tmp_path / "with.npz") == history.to_dict()
    io.save(network, tmp_path / "without.npz")
    with pytest.raises(SigmoidError, match="holds no training history"):
        plotting.load_history(tmp_path / "without.npz")
    (tmp_path / "junk.json").write_text("[1, 2]")
    with pytest.raises(SigmoidError):
        plotting.load_history(tmp_path / "junk.json")
    with pytest.raises(SigmoidError, match="no history or model file at .*missing.json"):
        plotting.load_history(tmp_path / "missing.json")
    with pytest.raises(SigmoidError, match="is a folder, not a history or model file"):
        plotting.load_history(tmp_path)


def test_a_history_edited_to_hold_nan_is_refused_not_drawn_empty():
    edited = three_epochs().to_dict()
    edited["evaluation_accuracy"] = [0.9, float("nan"), 0.95]
    with pytest.raises(ValueError, match="'evaluation_accuracy' holds NaN or infinite values"):
        plotting.plot_history(edited)


# ------------------------------------------------------------------ weights, mistakes, confusion


def test_weights_grid_has_one_panel_per_hidden_neuron_with_its_weights():
    network = Network([784, 4, 10], rng=0)
    panels = plotting.plot_weights(network)
    assert len(panels) == 4
    for j, ax in enumerate(panels):
        (image,) = ax.get_images()
        column = np.asarray(network.weights[0])[:, j]  # the 784 weights into hidden neuron j
        np.testing.assert_array_equal(image.get_array(), column.reshape(28, 28))
        np.testing.assert_array_equal(image.get_array()[1, 0], column[28])  # row-major pixels
    # 5 neurons fill 5 cells of a 2×3 grid; the sixth stays blank
    five = plotting.plot_weights(Network([784, 5, 10], rng=1))
    assert len(five) == 5 and len(five[0].figure.axes) == 6
    assert [len(ax.get_images()) for ax in five[0].figure.axes] == [1, 1, 1, 1, 1, 0]


def test_weights_needs_28x28_inputs():
    with pytest.raises(ValueError, match="784"):
        plotting.plot_weights(Network([10, 3, 2], rng=0))


def test_confusion_matrix_by_hand():
    m = plotting.confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], n_classes=3)
    np.testing.assert_array_equal(m, [[1, 0, 0], [0, 1, 1], [1, 0, 2]])
    with pytest.raises(ValueError, match="0..2"):
        plotting.confusion_matrix([0, 3], [0, 1], n_classes=3)


def reference_predictions(network: Network, X: np.ndarray) -> np.ndarray:
    """argmax of σ(σ(X W0 + b0) W1 + b1), computed here in float64."""
    a = np.asarray(X, dtype=np.float64)
    for W, b in zip(network.weights, network.biases, strict=True):
        a = 1.0 / (1.0 + np.exp(-(a @ np.asarray(W, np.float64) + np.asarray(b, np.float64))))
    return a.argmax(axis=1)


def test_mistakes_gallery_and_confusion_count_every_test_image():
    rng = np.random.default_rng(5)
    network = Network([784, 4, 10], rng=0)
    X = rng.random((40, 784), dtype=np.float32)
    y = rng.integers(0, 10, size=40)
    gallery, confusion = plotting.plot_mistakes(network, X, y, max_images=12)
    predicted = reference_predictions(network, X)
    wrong = np.flatnonzero(predicted != y)
    assert len(wrong) > 12  # an untrained network on noise gets most wrong
    assert len(gallery) == 12
    for ax, k in zip(gallery, wrong[:12], strict=True):
        assert ax.get_title() == f"{y[k]} → {predicted[k]}"
        np.testing.assert_array_equal(ax.get_images()[0].get_array(), X[k].reshape(28, 28))
    (image,) = confusion.get_images()
    counts = np.asarray(image.get_array())
    assert counts.sum() == 40 and np.trace(counts) == 40 - len(wrong)


def test_mistakes_refuses_a_network_that_does_not_take_784_pixels():
    X = np.zeros((3, 784), dtype=np.float32)
    with pytest.raises(ValueError, match="the model takes 100 inputs but MNIST images have 784 "):
        plotting.plot_mistakes(Network([100, 4, 10], rng=0), X, np.zeros(3, dtype=np.int64))


def test_mistakes_says_so_when_there_are_none():
    network = Network([784, 4, 10], rng=0)
    X = np.random.default_rng(1).random((6, 784), dtype=np.float32)
    gallery, confusion = plotting.plot_mistakes(network, X, reference_predictions(network, X))
    assert gallery == [] and np.trace(np.asarray(confusion.get_images()[0].get_array())) == 6


# ------------------------------------------------------------------ files: PNG, SVG, headless


DRAW = {
    "neuron": lambda: plotting.plot_neuron([0.5, -1, 2], -0.3, [1, 0, 0.638]),
    "compare": plotting.plot_compare,
    "weight-bias": plotting.plot_weight_bias,
    "limit": plotting.plot_limit,
    "activations": lambda: plotting.plot_activations()[0],
    "history": lambda: plotting.plot_history(three_epochs())[0],
}


@pytest.mark.parametrize("kind", sorted(DRAW))
def test_png_and_svg_render_at_a_sensible_size(kind, tmp_path):
    ax = DRAW[kind]()
    width, height = (v * ax.figure.dpi for v in ax.figure.get_size_inches())
    png = plotting.save_figure(ax, tmp_path / f"{kind}.png")
    with Image.open(png) as image:
        assert image.format == "PNG"
        assert abs(image.width - width) <= 1 and abs(image.height - height) <= 1
        assert 500 <= image.width <= 2000 and 250 <= image.height <= 1200
        assert np.unique(np.asarray(image.convert("L"))).size > 10  # something was drawn
    svg = plotting.save_figure(ax, tmp_path / f"{kind}.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and svg.rstrip().endswith("</svg>")


def test_save_figure_refuses_unknown_formats_and_unwritable_folders(tmp_path):
    ax = plotting.plot_sigmoid()
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        plotting.save_figure(ax, tmp_path / "sigmoid.jpg")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SigmoidError, match="not a writable folder"):
        plotting.save_figure(ax, blocker / "sigmoid.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # no half-written files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_save_figure_refuses_to_replace_a_named_pipe(tmp_path):
    os.mkfifo(tmp_path / "pipe.png")
    with pytest.raises(SigmoidError, match="pipe.png': a named pipe is there, not a regular file"):
        plotting.save_figure(plotting.plot_step(), tmp_path / "pipe.png")
    assert [p.name for p in tmp_path.iterdir()] == ["pipe.png"] and not (tmp_path / "pipe.png").is_file()


def test_save_figure_through_a_link_into_a_missing_folder_names_that_folder(tmp_path):
    (tmp_path / "link.png").symlink_to(tmp_path / "nowhere" / "x.png")
    with pytest.raises(SigmoidError, match="the folder '.*nowhere' does not exist"):
        plotting.save_figure(plotting.plot_step(), tmp_path / "link.png")


def test_save_figure_gives_a_normal_file_mode(tmp_path):
    path = plotting.save_figure(plotting.plot_step(), tmp_path / "step.png")
    assert path.is_file() and sorted(p.name for p in path.parent.iterdir()) == ["step.png"]
    assert path.stat().st_mode & 0o044 == 0o044 or os.name == "nt"


def test_save_figure_refuses_a_missing_folder_and_creates_none(tmp_path):
    # As `sigmoid train -o` does: a typo in the folder is an error, not a new folder.
    with pytest.raises(SigmoidError, match="the folder '.*a/b' does not exist"):
        plotting.save_figure(plotting.plot_step(), tmp_path / "a" / "b" / "step.png")
    assert list(tmp_path.iterdir()) == []


def test_plotting_is_headless_and_imports_matplotlib_lazily(tmp_path):
    script = (
        "import sys; import sigmoid.plotting as p\n"
        "assert 'matplotlib' not in sys.modules\n"
        f"p.save_figure(p.plot_compare(), {str(tmp_path / 'c.png')!r})\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["MPLBACKEND"] = "tkagg"  # an interactive backend that would need a display
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    assert (tmp_path / "c.png").stat().st_size > 1000


# ------------------------------------------------------------------ after training


def test_training_report_writes_history_weights_and_mistakes(tmp_path):
    network = Network([784, 4, 10], rng=0)
    rng = np.random.default_rng(2)
    test = (rng.random((20, 784), dtype=np.float32), rng.integers(0, 10, 20))
    # The report's folder is created, parents included (sigmoid train --plot DIR).
    written = plotting.plot_training_report(network, three_epochs(), test, tmp_path / "a" / "figs")
    assert [p.name for p in written] == ["history.png", "weights.png", "mistakes.png"]
    for path in written:
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width >= 400
    assert [p.name for p in plotting.plot_training_report(network, None, None, tmp_path)] == ["weights.png"]


def test_training_report_refuses_a_folder_it_cannot_write(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(SigmoidError, match="figure folder"):
        plotting.plot_training_report(Network([784, 4, 10], rng=0), None, None, blocker / "x")
