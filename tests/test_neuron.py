"""Tests for sigmoid.neuron; expected values by hand or from mpmath."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from sigmoid import Neuron, Perceptron, SigmoidNeuron
from sigmoid.activations import NoDerivativeError
from sigmoid.neuron import learn_perceptron

MP = mpmath.MPContext()
MP.dps = 40

WEIGHTS, BIAS, X = [0.5, -1.0, 2.0], -0.3, [1.0, 0.0, 0.638]
Z = 1.476  # 0.5·1 − 1·0 + 2·0.638 − 0.3, by hand


def mp_sigmoid(z) -> mpmath.mpf:
    return 1 / (1 + MP.exp(-MP.mpf(z)))


def mp_sigmoid_prime(z) -> mpmath.mpf:
    return mp_sigmoid(z) * mp_sigmoid(-MP.mpf(z))


def test_z_and_outputs_by_hand():
    neuron = SigmoidNeuron(WEIGHTS, BIAS)
    assert neuron.z(X) == pytest.approx(Z, rel=1e-15)
    assert neuron.output(X) == pytest.approx(float(mp_sigmoid(Z)), rel=1e-15)
    assert Perceptron(WEIGHTS, BIAS).output(X) == 1.0
    assert Perceptron(WEIGHTS, BIAS).output([0.0, 1.0, 0.0]) == 0.0  # z = −1.3
    assert isinstance(neuron.output(X), float)


def test_a_batch_of_rows_gives_one_result_per_row():
    neuron = SigmoidNeuron(WEIGHTS, BIAS)
    rows = np.array([X, [0.0, 1.0, 0.0], [0.0, 0.0, 0.15]])
    z = neuron.z(rows)
    np.testing.assert_allclose(z, [Z, -1.3, 0.0], rtol=1e-15, atol=1e-16)
    outputs = neuron.output(rows)
    assert outputs.shape == (3,)
    for row, out in zip(rows, outputs, strict=True):
        assert out == neuron.output(row)
    np.testing.assert_array_equal(Perceptron(WEIGHTS, BIAS).output(rows[:2]), [1.0, 0.0])


def test_integer_and_list_inputs():
    neuron = Neuron([1, 2], 0, activation="identity")
    assert neuron.z([3, 4]) == 11.0
    assert neuron.output(np.array([3, 4], dtype=np.uint8)) == 11.0
    assert neuron.weights.dtype == np.float64


def test_other_activations():
    neuron = Neuron([1.0, -1.0], 0.5, activation="tanh")
    assert neuron.output([1.0, 0.25]) == pytest.approx(float(MP.tanh(1.25)), rel=1e-15)
    relu = Neuron([1.0, -1.0], 0.0, activation="relu")
    np.testing.assert_array_equal(relu.output([[1.0, 3.0], [3.0, 1.0]]), [0.0, 2.0])
    with pytest.raises(ValueError, match="softmax acts on a whole layer"):
        Neuron([1.0], 0.0, activation="softmax")
    with pytest.raises(ValueError, match="unknown activation 'sigma'"):
        Neuron([1.0], 0.0, activation="sigma")


def test_gradient_is_sigma_prime_times_inputs():
    neuron = SigmoidNeuron(WEIGHTS, BIAS)
    gradient = neuron.gradient(X)
    slope = float(mp_sigmoid_prime(Z))
    np.testing.assert_allclose(gradient.weights, [slope * x for x in X], rtol=1e-14)
    assert gradient.bias == pytest.approx(slope, rel=1e-14)
    batch = neuron.gradient([X, X])
    assert batch.weights.shape == (2, 3) and batch.bias.shape == (2,)


def test_gradient_matches_central_differences():
    neuron = Neuron([0.3, -0.7, 1.1], 0.2, activation="sigmoid")
    x = np.array([0.9, 0.4, -0.5])
    h = 1e-6
    numeric = []
    for j in range(3):
        dw = np.zeros(3)
        dw[j] = h
        numeric.append((neuron.actual_change(x, dw) - neuron.actual_change(x, -dw)) / (2 * h))
    np.testing.assert_allclose(neuron.gradient(x).weights, numeric, rtol=1e-8)
    db = (neuron.actual_change(x, np.zeros(3), h) - neuron.actual_change(x, np.zeros(3), -h)) / (2 * h)
    assert neuron.gradient(x).bias == pytest.approx(db, rel=1e-8)


def test_perceptron_has_no_gradient():
    perceptron = Perceptron(WEIGHTS, BIAS)
    with pytest.raises(NoDerivativeError, match="gradient descent"):
        perceptron.gradient(X)
    with pytest.raises(NoDerivativeError):
        perceptron.predicted_change(X, [0.1, 0.0, 0.0])


def test_predicted_and_actual_change_by_hand():
    neuron = SigmoidNeuron(WEIGHTS, BIAS)
    dw, db = [0.01, -0.02, 0.03], -0.01
    dz = 0.01 * 1.0 + 0.03 * 0.638 - 0.01  # = 0.01914, Δx₂ does not count since x₂ = 0
    change = neuron.change(X, dw, db)
    assert change.predicted == pytest.approx(float(mp_sigmoid_prime(Z)) * dz, rel=1e-12)
    assert change.actual == pytest.approx(float(mp_sigmoid(Z + dz) - mp_sigmoid(Z)), rel=1e-12)


def test_linear_approximation_error_shrinks_like_delta_squared():
    neuron = SigmoidNeuron(WEIGHTS, BIAS)
    direction, bias_direction = np.array([1.0, -0.5, 0.25]), 0.5
    errors = []
    for k in range(8):
        delta = 0.1 / 2**k
        change = neuron.change(X, delta * direction, delta * bias_direction)
        errors.append(abs(change.actual - change.predicted))
    ratios = np.array(errors[:-1]) / np.array(errors[1:])
    np.testing.assert_allclose(ratios, 4.0, rtol=0.06)


def test_scaling_towards_the_perceptron():
    # z = x₁ − x₂: positive, negative and exactly 0 (at x₁ = x₂; inputs whose products with c are
    # exact, so that z is exactly 0 in floating point too, even if the dot product uses an FMA).
    neuron = SigmoidNeuron([1.0, -1.0], 0.0)
    perceptron = Perceptron([1.0, -1.0], 0.0)
    rows = np.array([[0.3, 0.1], [0.1, 0.3], [0.75, 0.75], [1.0, 0.0], [0.0, 0.0]])
    target = perceptron.output(rows)
    np.testing.assert_array_equal(target, [1.0, 0.0, 0.0, 1.0, 0.0])
    gaps = []
    for c in (1.0, 10.0, 100.0, 1e3, 1e4):
        scaled = neuron.scaled(c)
        assert isinstance(scaled, SigmoidNeuron)
        out = scaled.output(rows)
        assert out[2] == 0.5 and out[4] == 0.5  # z = 0 stays at σ(0) for every c
        gaps.append(np.abs(out - target)[[0, 1, 3]].max())
    assert all(later < earlier for earlier, later in zip(gaps, gaps[1:], strict=False))
    assert gaps[-1] < 1e-300  # c = 10⁴, |z| ≥ 0.2·10⁴: σ is 0 or 1 to within e^−2000
    np.testing.assert_array_equal(neuron.scaled(1e4).output(rows[[0, 1, 3]]), target[[0, 1, 3]])


def test_scaled_multiplies_weights_and_bias():
    neuron = Neuron([1.0, -2.0], 0.5, activation="tanh")
    scaled = neuron.scaled(3.0)
    np.testing.assert_array_equal(scaled.weights, [3.0, -6.0])
    assert scaled.bias == 1.5 and scaled.activation is neuron.activation
    np.testing.assert_array_equal(neuron.weights, [1.0, -2.0])  # the original is untouched
    assert isinstance(Perceptron([1.0], 0.0).scaled(2.0), Perceptron)


@pytest.mark.parametrize("c", [0.0, -1.0, float("nan"), float("inf")])
def test_scaled_needs_a_positive_finite_c(c):
    with pytest.raises(ValueError, match="c must be"):
        SigmoidNeuron([1.0], 0.0).scaled(c)


def test_scaled_names_c_when_c_times_a_weight_or_the_bias_overflows():
    # 1e308·2 = 2e308 exceeds the largest float (1.798e308); 1e308·1 does not. With the weights
    # in range, 1e308·2 on the bias overflows instead. No overflow warning (warnings are errors here).
    with pytest.raises(
        ValueError, match=r"c·w overflows at index 1 for c = 1e\+308: 1e\+308·2.0 is too large"
    ):
        SigmoidNeuron([1, 2], 1).scaled(1e308)
    with pytest.raises(ValueError, match=r"c·b overflows for c = 1e\+308: 1e\+308·-2.0 is too large"):
        Perceptron([1.0, -1.0], -2.0).scaled(1e308)
    # Just in range: c·w = 1e308 and c·b = −1e308 exactly as float64 products.
    scaled = Perceptron([1.0, 0.5], -1.0).scaled(1e308)
    np.testing.assert_array_equal(scaled.weights, [1e308, 5e307])
    assert scaled.bias == -1e308


def test_weights_cannot_be_changed_in_place():
    neuron = SigmoidNeuron([1.0, 2.0], 0.0)
    with pytest.raises(ValueError, match="read-only"):
        neuron.weights[0] = 5.0


@pytest.mark.parametrize(
    ("weights", "bias", "error", "message"),
    [
        ([], 0.0, ValueError, "weights must be a non-empty 1-D"),
        ([[1.0, 2.0]], 0.0, ValueError, r"weights must be a non-empty 1-D .* shape \(1, 2\)"),
        ([1.0, float("nan")], 0.0, ValueError, "weights must be finite, got nan at index 1"),
        ([1.0], float("inf"), ValueError, "bias must be finite"),
        ([1.0], "0.5", TypeError, "bias must be a single number, got '0.5'"),
        ([1.0], [0.5, 1.0], TypeError, "bias must be a single number"),
        (["a"], 0.0, TypeError, "expected real numbers"),
    ],
)
def test_bad_parameters(weights, bias, error, message):
    with pytest.raises(error, match=message):
        SigmoidNeuron(weights, bias)


@pytest.mark.parametrize(
    ("x", "message"),
    [
        ([1.0, 2.0], "x has 2 values per input but the neuron has 3 weights"),
        ([[1.0, 2.0, 3.0, 4.0]], "x has 4 values per input but the neuron has 3 weights"),
        ([1.0, float("nan"), 0.0], "x must be finite, got nan at index 1"),
        (
            [[1.0, 0.0, 0.0], [0.0, 0.0, float("inf")]],
            r"x must be finite, got inf at index \(1, 2\)",
        ),
        (1.0, r"x must be one input vector or a batch of rows .* shape \(\)"),
    ],
)
def test_bad_inputs(x, message):
    with pytest.raises(ValueError, match=message):
        SigmoidNeuron(WEIGHTS, BIAS).output(x)


def test_overflowing_z_is_an_error_not_a_nan():
    neuron = SigmoidNeuron([1e308, -1e308], 0.0)
    with pytest.raises(ValueError, match="z = w·x \\+ b is not a finite number"):
        neuron.output([10.0, 10.0])
    with pytest.raises(ValueError, match="not a finite number \\(inf\\)"):
        neuron.output([10.0, 0.0])


@pytest.mark.parametrize(
    "weights, bias, dw, db, message",
    [
        ([1e308], 0.0, [1e308], 0.0, r"changed weight w \+ Δw overflows at index 0: 1e\+308 \+ 1e\+308"),
        ([1.0, -1e308], 0.0, [0.0, -1e308], 0.0, "changed weight w \\+ Δw overflows at index 1"),
        ([1.0], 1e308, [0.0], 1e308, r"changed bias b \+ Δb overflows: 1e\+308 \+ 1e\+308"),
    ],
)
def test_a_change_that_overflows_is_named_without_a_warning(weights, bias, dw, db, message):
    # w + Δw = 2e308 once raised a RuntimeWarning and then blamed the (finite) weights.
    neuron = SigmoidNeuron(weights, bias)
    x = [1.0] + [0.0] * (len(weights) - 1)  # z = w_1 = 1 or 1e308: finite before the change
    with pytest.raises(ValueError, match=message):
        neuron.actual_change(x, dw, db)


def test_a_change_whose_new_z_overflows_blames_the_change_not_z():
    # w + Δw = 1 + 1e308 and b + Δb = 1e308 are finite, but z = 2·1e308 + 1e308 is not; the
    # neuron's own z = 1 + 1 + 0 = 2 is fine.
    neuron = SigmoidNeuron([1.0, 1.0], 0.0)
    assert neuron.z([1.0, 1.0]) == 2.0
    with pytest.raises(
        ValueError, match=r"changed neuron's z = \(w \+ Δw\)·x \+ \(b \+ Δb\) is not a finite"
    ):
        neuron.actual_change([1.0, 1.0], [1e308, 1e308], 1e308)


def test_a_predicted_change_that_overflows_is_an_error():
    # z = 1e-300·1e300 = 1, ∂out/∂w = σ'(1)·1e300 ≈ 0.197e300, times Δw = 1e300: beyond 1.8e308.
    neuron = SigmoidNeuron([1e-300], 0.0)
    with pytest.raises(ValueError, match="predicted change .* overflows"):
        neuron.predicted_change([1e300], [1e300])


def test_changes_up_to_the_largest_float_are_fine():
    neuron = SigmoidNeuron([1e308], 0.0)  # z = 1e308 · 0 = 0
    change = neuron.change([0.0], [7e307], 0.0)  # w + Δw = 1.7e308 < 1.797e308: still z = 0
    assert (change.predicted, change.actual) == (0.0, 0.0)


def test_bad_changes():
    neuron = SigmoidNeuron(WEIGHTS, BIAS)
    with pytest.raises(ValueError, match="dw has 2 values but the neuron has 3 weights"):
        neuron.change(X, [0.1, 0.2])
    with pytest.raises(ValueError, match="db must be finite"):
        neuron.change(X, [0.1, 0.2, 0.3], float("nan"))


TRUTH_TABLE = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0]}


@pytest.mark.parametrize("gate", GATES)
def test_perceptron_rule_learns_linearly_separable_gates(gate):
    result = learn_perceptron(TRUTH_TABLE, GATES[gate], max_epochs=100)
    assert result.converged
    assert result.epochs < 100 and result.epochs == len(result.mistakes)
    assert result.mistakes[-1] == 0 and result.mistakes[0] > 0
    np.testing.assert_array_equal(result.perceptron.output(TRUTH_TABLE), GATES[gate])


def test_perceptron_rule_on_and_by_hand():
    # Epoch 1, from w = (0, 0), b = 0: only (1, 1) is wrong → w = (1, 1), b = 1.
    # Epoch 2: (0, 0) → z = 1 wrong → b = 0; (0, 1) → z = 1 wrong → w = (1, 0), b = −1;
    # (1, 0) → z = 0 right; (1, 1) → z = 0 wrong → w = (2, 1), b = 0. Epochs 3 to 5 (traced the
    # same way) make 3, 2 and 1 mistakes and end at w = (2, 1), b = −2, which epoch 6 leaves alone.
    result = learn_perceptron(TRUTH_TABLE, GATES["AND"])
    assert result.mistakes == [1, 3, 3, 2, 1, 0]
    np.testing.assert_array_equal(result.perceptron.weights, [2.0, 1.0])
    assert result.perceptron.bias == -2.0


def test_perceptron_rule_gives_up_on_xor():
    result = learn_perceptron(TRUTH_TABLE, [0, 1, 1, 0], max_epochs=50)
    assert not result.converged
    assert result.epochs == 50 and len(result.mistakes) == 50
    assert min(result.mistakes) > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"X": [0, 1], "y": [0, 1]}, r"X must be a non-empty \(n_samples, n_inputs\)"),
        ({"X": TRUTH_TABLE, "y": [0, 1, 1]}, r"y must have shape \(4,\) to match X"),
        ({"X": TRUTH_TABLE, "y": [0, 1, 2, 0]}, "y must hold only 0 and 1"),
        ({"X": TRUTH_TABLE, "y": [0, 1, 1, 0], "max_epochs": 0}, "max_epochs must be an integer"),
        ({"X": TRUTH_TABLE, "y": [0, 1, 1, 0], "learning_rate": -1.0}, "learning_rate must be > 0"),
        ({"X": [[0.0, float("nan")]], "y": [1]}, "X must be finite"),
    ],
)
def test_perceptron_rule_checks_its_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        learn_perceptron(kwargs.pop("X"), kwargs.pop("y"), **kwargs)


def test_repr():
    assert repr(Perceptron([-2, -2], 3)) == "Perceptron(weights=[-2, -2], bias=3)"
    assert repr(Neuron([1.5], 0, "relu")) == "Neuron(weights=[1.5], bias=0, activation='relu')"


def test_docstring_formula_has_the_right_signs():
    import sigmoid.neuron as module

    assert r"\sigma(z) = 1/(1 + \exp(-\sum_j w_j x_j - b))" in module.__doc__
    assert r"tends to 0 as" in module.__doc__ and r"z \to -\infty` and to 1" in module.__doc__


def test_the_perceptron_rule_names_the_learning_rate_when_it_overflows():
    # AND with η = 1e308, by hand. Epoch 1: only (1, 1) is wrong -> w = [1e308, 1e308], b = 1e308.
    # Epoch 2: (0, 0) -> b = 0; (0, 1) -> w = [1e308, 0], b = −1e308; (1, 0): z = 0, right;
    # (1, 1): z = 0, wrong -> w_0 = 1e308 + 1e308, too large for a float.
    X, y = [[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1]
    with pytest.raises(
        ValueError, match=r"overflows in epoch 2: w \+ η\(y − ŷ\)x .* η = 1e\+308 is too large"
    ):
        learn_perceptron(X, y, learning_rate=1e308)
    # Inputs 1e200, η = 1e100: epoch 1 ends with w = [1e300, 1e300]; in epoch 2, z = 1e200·1e300 overflows.
    with pytest.raises(
        ValueError, match=r"overflows in epoch 2: z = w·x \+ b with learning_rate η = 1e\+100"
    ):
        learn_perceptron(np.array(X) * 1e200, y, learning_rate=1e100)
