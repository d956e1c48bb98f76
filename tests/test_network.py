"""Network: inputs, forward pass and backprop against a per-example column-vector computation, gradient
checks for every hidden activation × cost pair, predict, accuracy, the L2 term."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest

from sigmoid import Network, costs
from sigmoid.network import as_generator, check_dtype

HIDDEN = ("sigmoid", "tanh", "relu", "identity")
# (cost, output activation) pairs a network accepts.
OUTPUTS = (
    ("quadratic", "sigmoid"),
    ("quadratic", "identity"),
    ("quadratic", "tanh"),
    ("cross-entropy", "sigmoid"),
    ("log-likelihood", "softmax"),
)

GRID = list(itertools.product(HIDDEN, OUTPUTS))
GRID_IDS = [f"{hidden}-{cost}-{output}" for hidden, (cost, output) in GRID]

# ------------------------------------------------------------------ an independent reference
# The book's way: one example at a time as a column vector, activations written out here.


def _f(name, z):
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "softmax":
        e = np.exp(z - z.max())
        return e / e.sum()
    return z


def _f_prime(name, z):
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-z))
        return s * (1 - s)
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(float)
    return np.ones_like(z)


def _column_forward(net, x):
    """zs and activations of one example, as column vectors: z = Wᵀa + b."""
    a = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    zs, acts = [], [a]
    last = len(net.weights) - 1
    for layer, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        z = w.astype(np.float64).T @ a + b.astype(np.float64).reshape(-1, 1)
        a = _f(net.output_activation.name if layer == last else net.hidden_activation.name, z)
        zs.append(z)
        acts.append(a)
    return zs, acts


def _column_backprop(net, x, y):
    """∂C_x/∂W and ∂C_x/∂b of one example (BP1–BP4), shaped like the network's arrays."""
    zs, acts = _column_forward(net, x)
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    a, z = acts[-1], zs[-1]
    if net.cost.name == "quadratic":
        delta = (a - y) * _f_prime(net.output_activation.name, z)
    else:  # cross-entropy + sigmoid, log-likelihood + softmax
        delta = a - y
    grads_w, grads_b = [None] * len(net.weights), [None] * len(net.weights)
    for layer in range(len(net.weights) - 1, -1, -1):
        grads_w[layer] = acts[layer] @ delta.T  # (fan_in, fan_out)
        grads_b[layer] = delta.ravel()
        if layer:
            delta = (net.weights[layer].astype(np.float64) @ delta) * _f_prime(
                net.hidden_activation.name, zs[layer - 1]
            )
    return grads_w, grads_b


def _targets(cost, output, n, n_out, rng):
    if cost == "log-likelihood":
        return rng.integers(0, n_out, size=n)
    if output == "identity":
        return rng.normal(size=(n, n_out))
    if output == "tanh":
        return rng.uniform(-0.9, 0.9, size=(n, n_out))
    return rng.uniform(0, 1, size=(n, n_out))


def _min_abs_hidden_z(net, X):
    zs, _ = net.forward(np.asarray(X, dtype=net.dtype))
    return min(float(np.abs(z).min()) for z in zs[:-1])


# ------------------------------------------------------------------------- construction


def test_defaults_and_shapes():
    net = Network([5, 4, 3], rng=0)
    assert net.sizes == [5, 4, 3]
    assert net.dtype == np.float32
    assert [w.shape for w in net.weights] == [(5, 4), (4, 3)]
    assert [b.shape for b in net.biases] == [(4,), (3,)]
    assert all(p.dtype == np.float32 for p in net.weights + net.biases)
    assert net.hidden_activation.name == "sigmoid" and net.output_activation.name == "sigmoid"
    assert net.cost.name == "quadratic"
    assert "Network([5, 4, 3]" in repr(net)
    assert Network([5, 3], dtype="float64").weights[0].dtype == np.float64


def test_same_seed_same_weights_and_generators():
    first, second = Network([4, 3, 2], rng=11), Network([4, 3, 2], rng=11)
    other = Network([4, 3, 2], rng=12)
    for a, b, c in zip(
        first.weights + first.biases, second.weights + second.biases, other.weights, strict=False
    ):
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)
    from_generator = Network([4, 3, 2], rng=np.random.default_rng(11))
    np.testing.assert_array_equal(from_generator.weights[1], first.weights[1])


@pytest.mark.parametrize("sizes", [[784], [], [3, 0, 2], [2, -1], [2.5, 3], "abc", None, [3, "x"]])
def test_bad_sizes(sizes):
    with pytest.raises(ValueError, match="sizes must be"):
        Network(sizes)


def test_bad_settings():
    with pytest.raises(ValueError, match="hidden_activation 'softmax'"):
        Network([2, 2, 2], hidden_activation="softmax", output_activation="softmax", cost="log-likelihood")
    with pytest.raises(ValueError, match="unknown"):
        Network([2, 2], hidden_activation="swish")
    with pytest.raises(ValueError, match="cross-entropy cost is for a sigmoid output layer, got 'identity'"):
        Network([2, 2], output_activation="identity", cost="cross-entropy")
    with pytest.raises(ValueError, match="log-likelihood cost is for a softmax"):
        Network([2, 2], cost="log-likelihood")
    with pytest.raises(ValueError, match="quadratic cost needs"):
        Network([2, 2], output_activation="softmax")
    with pytest.raises(ValueError, match="dtype must be one of float32, float64, got 'float16'"):
        Network([2, 2], dtype="float16")
    with pytest.raises(ValueError, match="dtype must be"):
        check_dtype("int64")
    with pytest.raises(TypeError, match="rng must be an int seed"):
        Network([2, 2], rng=1.5)
    with pytest.raises(TypeError, match="rng must be"):
        as_generator(True)


def test_copy_is_independent():
    net = Network([2, 3, 1], rng=0)
    clone = net.copy()
    clone.weights[0][0, 0] += 1
    clone.biases[1][0] += 1
    assert clone.weights[0][0, 0] != net.weights[0][0, 0]
    assert clone.biases[1][0] != net.biases[1][0]
    np.testing.assert_array_equal(clone.weights[1], net.weights[1])


# ------------------------------------------------------------------------------- inputs


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_lists_batches_and_single_examples_agree(dtype):
    net = Network([3, 4, 2], dtype=dtype, rng=3)
    rows = [[0.1, -0.2, 0.3], [1.0, 0.0, 2.0]]
    batch = net.feedforward(np.array(rows))
    assert batch.shape == (2, 2) and batch.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(net.feedforward(rows), batch)
    single = net.feedforward(np.array(rows[1]))
    assert single.shape == (2,)
    np.testing.assert_array_equal(single, batch[1])
    np.testing.assert_array_equal(net.feedforward(rows[1]), batch[1])
    np.testing.assert_array_equal(
        net.feedforward(np.array(rows, dtype=np.int64) * 0 + [[0, 1, 2]]),
        net.feedforward([[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]),
    )
    assert net.predict(rows[0]).shape == ()
    assert net.predict(rows).shape == (2,)


@pytest.mark.parametrize("bad", [np.zeros((2, 4)), np.zeros(2), [[1.0, 2.0]], np.zeros((1, 2, 3))])
def test_wrong_feature_count_names_both_sizes(bad):
    net = Network([3, 2], rng=0)
    given = np.shape(bad)[-1]
    with pytest.raises(ValueError, match=rf"must have 3 features per example.*got {given}\b"):
        net.feedforward(bad)


def test_scalar_and_non_numbers_refused():
    net = Network([3, 2], rng=0)
    with pytest.raises(ValueError, match="must have 3 features.*got a scalar"):
        net.feedforward(1.0)
    with pytest.raises(TypeError, match="must hold real numbers"):
        net.feedforward(["a", "b", "c"])


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_refused(value):
    net = Network([2, 1], rng=0)
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.feedforward([[0.0, value]])
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.backprop([[0.0, 1.0]], [[value]])


def test_targets_checked():
    net = Network([2, 3], rng=0)
    with pytest.raises(ValueError, match=r"labels must lie in 0..2, got values from 0 to 3"):
        net.accuracy([[0, 0], [1, 1]], [0, 3])
    with pytest.raises(ValueError, match="y has 1 rows but there are 2 inputs"):
        net.accuracy([[0, 0], [1, 1]], [0])
    with pytest.raises(ValueError, match=r"targets \(n, 3\)"):
        net.backprop([[0, 0]], [[0.0, 1.0]])
    with pytest.raises(ValueError, match="empty"):
        net.evaluate(np.zeros((0, 2)), np.zeros(0, dtype=int))


# -------------------------------------------------------------------------- forward pass


@pytest.mark.parametrize(("hidden", "pair"), GRID, ids=GRID_IDS)
def test_feedforward_matches_the_column_computation(hidden, pair):
    cost, output = pair
    net = Network(
        [3, 5, 4, 3], hidden_activation=hidden, output_activation=output, cost=cost, dtype="float64", rng=4
    )
    X = np.random.default_rng(5).normal(size=(6, 3))
    expected = np.array([_column_forward(net, x)[1][-1].ravel() for x in X])
    np.testing.assert_allclose(net.feedforward(X), expected, rtol=1e-13, atol=1e-15)


def test_sigmoid_network_by_hand():
    net = Network([2, 1, 1], dtype="float64", rng=0)
    net.weights = [np.array([[1.0], [-1.0]]), np.array([[2.0]])]
    net.biases = [np.array([0.5]), np.array([-1.0])]
    # x = (1.5, 1): z1 = 1.5 − 1 + 0.5 = 1, a1 = σ(1); z2 = 2σ(1) − 1, a2 = σ(z2).
    s1 = 1 / (1 + math.exp(-1))
    expected = 1 / (1 + math.exp(-(2 * s1 - 1)))
    assert net.feedforward([1.5, 1.0])[0] == pytest.approx(expected, rel=1e-15)


def test_predict_takes_the_argmax_of_the_outputs():
    # Identity output, W = I, b = 0: the outputs are the inputs, so predict sees the given rows.
    net = Network([2, 2], output_activation="identity", dtype="float64", rng=0)
    net.weights[0][...] = np.eye(2)
    net.biases[0][...] = 0
    rows = [[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]
    np.testing.assert_array_equal(net.feedforward(rows), rows)
    np.testing.assert_array_equal(net.predict(rows), [1, 0, 1])
    assert net.accuracy(rows, [1, 0, 1]) == 1.0
    assert net.accuracy(rows, [1, 1, 1]) == pytest.approx(2 / 3)
    assert net.accuracy(rows, np.eye(2)[[1, 1, 0]]) == pytest.approx(1 / 3)


# ----------------------------------------------------------------------------- backprop


@pytest.mark.parametrize(("hidden", "pair"), GRID, ids=GRID_IDS)
def test_backprop_is_the_mean_of_per_example_gradients(hidden, pair):
    cost, output = pair
    net = Network(
        [3, 5, 4, 3], hidden_activation=hidden, output_activation=output, cost=cost, dtype="float64", rng=6
    )
    rng = np.random.default_rng(7)
    X = rng.normal(size=(5, 3))
    Y = _targets(cost, output, 5, 3, rng)
    Y_rows = np.eye(3)[Y] if Y.ndim == 1 else Y
    per_example = [_column_backprop(net, x, y) for x, y in zip(X, Y_rows, strict=True)]
    grad_w, grad_b = net.backprop(X, Y)
    for layer in range(3):
        expected_w = np.mean([g[0][layer] for g in per_example], axis=0)
        expected_b = np.mean([g[1][layer] for g in per_example], axis=0)
        assert grad_w[layer].shape == net.weights[layer].shape
        np.testing.assert_allclose(grad_w[layer], expected_w, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(grad_b[layer], expected_b, rtol=1e-12, atol=1e-15)


def test_duplicate_examples_leave_the_gradient_unchanged():
    net = Network([3, 4, 2], cost="cross-entropy", dtype="float64", rng=8)
    x, y = np.array([[0.3, -1.0, 2.0]]), np.array([[1.0, 0.0]])
    once = net.backprop(x, y)
    twice = net.backprop(np.vstack([x, x]), np.vstack([y, y]))
    for a, b in zip(once[0] + once[1], twice[0] + twice[1], strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-15, atol=0)


def test_gradient_check_detects_a_wrong_gradient():
    class HalfDelta(costs.QuadraticCost):
        def delta(self, z, a, y, activation):
            return 0.5 * super().delta(z, a, y, activation)

    net = Network([2, 3, 2], dtype="float64", rng=0)
    net.cost = HalfDelta()
    X = np.random.default_rng(1).normal(size=(4, 2))
    assert net.check_gradient(X, np.array([0, 1, 1, 0])) > 0.1


@pytest.mark.parametrize("l2", [0.0, 2.5])
@pytest.mark.parametrize(("hidden", "pair"), GRID, ids=GRID_IDS)
def test_gradient_check(hidden, pair, l2):
    cost, output = pair
    net = Network(
        [3, 4, 3, 3], hidden_activation=hidden, output_activation=output, cost=cost, dtype="float64", rng=21
    )
    rng = np.random.default_rng(22)
    X = rng.normal(size=(6, 3))
    Y = _targets(cost, output, 6, 3, rng)
    # ReLU has a kink at 0: central differences with ε = 1e-6 are only valid if no z is that near it.
    assert _min_abs_hidden_z(net, X) > 1e-3
    assert net.check_gradient(X, Y, l2=l2) <= 1e-6


def test_gradient_check_of_a_float32_network_runs_in_float64():
    net = Network([3, 4, 2], cost="cross-entropy", rng=2)
    X = np.random.default_rng(3).normal(size=(5, 3))
    assert net.check_gradient(X, [0, 1, 1, 0, 1], l2=1.0) <= 1e-6
    assert net.weights[0].dtype == np.float32  # the network itself is untouched


# ---------------------------------------------------------------------- cost and L2 term


def test_l2_term_is_counted_once():
    # n = 2 examples, λ = 1, one weight matrix [[1.0]]: ½·λ/n·Σw² = ½·1/2·1 = 0.25.
    net = Network([1, 1], output_activation="identity", dtype="float64", rng=0)
    net.weights[0][...] = 1.0
    net.biases[0][...] = 0.0
    assert net.regularization_cost(2, l2=1.0) == 0.25
    # The outputs equal the targets, so the data cost is 0 and the total is the L2 term alone.
    X, y = [[1.0], [2.0]], [[1.0], [2.0]]
    assert net.total_cost(X, y) == 0.0
    assert net.total_cost(X, y, l2=1.0) == 0.25
    # L1: λ/n·Σ|w| = 1/2.
    assert net.total_cost(X, y, l1=1.0) == 0.5


def test_regularisation_sums_over_all_weights_not_biases():
    net = Network([2, 2, 1], dtype="float64", rng=0)
    net.weights = [np.array([[1.0, -2.0], [0.0, 3.0]]), np.array([[-1.0], [1.0]])]
    net.biases = [np.array([100.0, 100.0]), np.array([100.0])]
    # Σw² = 1 + 4 + 9 + 1 + 1 = 16; Σ|w| = 8; n = 4, λ2 = 2, λ1 = 0.5: 2/(2·4)·16 + 0.5/4·8 = 4 + 1.
    assert net.regularization_cost(4, l2=2.0, l1=0.5) == 5.0


def test_total_cost_by_hand():
    # Quadratic cost, identity output [1, 1], w = 2, b = 0.5: outputs 2.5 and −1.5 against 2 and 0:
    # C = mean(½·0.25, ½·2.25) = 0.625; with λ = 3, n = 2: + ½·3/2·4 = 3.
    net = Network([1, 1], output_activation="identity", dtype="float64", rng=0)
    net.weights[0][...] = 2.0
    net.biases[0][...] = 0.5
    assert net.total_cost([[1.0], [-1.0]], [[2.0], [0.0]]) == 0.625
    assert net.total_cost([[1.0], [-1.0]], [[2.0], [0.0]], l2=3.0) == 3.625


def test_evaluate_by_chunks_equals_one_pass():
    net = Network([3, 4, 3], cost="cross-entropy", dtype="float64", rng=1)
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(25, 3)), rng.integers(0, 3, size=25)
    whole = net.evaluate(X, y)
    chunked = net.evaluate(X, y, chunk_size=4)
    assert chunked[0] == pytest.approx(whole[0], rel=1e-14)
    assert chunked[1] == whole[1] == np.mean(net.predict(X) == y)


def test_hidden_weights_as_images():
    net = Network([6, 3, 2], rng=0)
    images = net.hidden_weights_as_images((2, 3))
    assert images.shape == (3, 2, 3)
    np.testing.assert_array_equal(images[1].ravel(), net.weights[0][:, 1])
    with pytest.raises(ValueError, match="6 inputs cannot be drawn as 28x28"):
        net.hidden_weights_as_images()


def test_evaluate_by_hand_at_every_chunk_size():
    # Identity output [1, 1], w = 2, b = 0.5, quadratic cost: outputs 2.5, −1.5, 0.5 against 2, 0, 1:
    # C = mean(½·0.25, ½·2.25, ½·0.25) = 2.75/6. A single output is a binary classifier (label 1 where
    # the output exceeds 0.5): predicted 1, 0, 0 against 1, 0, 1 -> accuracy 2/3.
    net = Network([1, 1], output_activation="identity", dtype="float64", rng=0)
    net.weights[0][...] = 2.0
    net.biases[0][...] = 0.5
    X, y = [[1.0], [-1.0], [0.0]], [[2.0], [0.0], [1.0]]
    for chunk_size in (1, 2, 3, np.int64(4), 10**9):
        cost, accuracy = net.evaluate(X, y, chunk_size=chunk_size)
        assert cost == pytest.approx(2.75 / 6, rel=1e-15)
        assert accuracy == pytest.approx(2 / 3, rel=1e-15)


@pytest.mark.parametrize("chunk_size", [0, -1, 2.0, True, None])
def test_evaluate_refuses_a_chunk_size_that_is_not_a_positive_integer(chunk_size):
    net = Network([2, 2], rng=0)
    with pytest.raises(ValueError, match=rf"chunk_size must be an integer >= 1, got {chunk_size!r}"):
        net.evaluate(np.zeros((3, 2)), [0, 1, 0], chunk_size=chunk_size)


@pytest.mark.parametrize("epsilon", [0, -1e-6, float("nan"), float("inf"), True])
def test_gradient_check_refuses_a_bad_epsilon(epsilon):
    net = Network([2, 2], dtype="float64", rng=0)
    with pytest.raises(ValueError, match=rf"epsilon must be a finite number > 0, got {epsilon!r}"):
        net.check_gradient(np.zeros((3, 2)), [0, 1, 0], epsilon=epsilon)


@pytest.mark.parametrize(
    ("name", "value"), [("l2", float("nan")), ("l2", -1), ("l1", float("inf")), ("l1", -0.5)]
)
def test_regularisation_strengths_must_be_finite_and_not_negative(name, value):
    net = Network([1, 1], output_activation="identity", dtype="float64", rng=0)
    message = rf"{name} must be a finite number >= 0, got {value!r}"
    with pytest.raises(ValueError, match=message):
        net.total_cost([[1.0]], [[1.0]], **{name: value})
    with pytest.raises(ValueError, match=message):
        net.regularization_cost(2, **{name: value})
    if name == "l2":
        with pytest.raises(ValueError, match=message):
            net.check_gradient([[1.0]], [[1.0]], l2=value)
    with pytest.raises(ValueError, match="n must be an integer >= 1, got 0"):
        net.regularization_cost(0, l2=1.0)


def test_outputs_that_overflow_are_an_error_not_a_warning_or_a_silent_inf():
    # Weights 1e38 on four inputs of 1: z = 4e38 > 3.4e38, the largest float32, so a linear output
    # layer gives inf. Every public method says so; none warns (warnings are errors here).
    network = Network([4, 2], output_activation="identity", rng=0)
    network.weights[0][...] = 1e38
    X, y = np.ones((5, 4), np.float32), np.array([0, 1, 0, 1, 0])
    calls = (
        network.feedforward,
        network.predict,
        lambda X: network.evaluate(X, y),
        lambda X: network.accuracy(X, y),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for call in calls:
            with pytest.raises(
                ValueError, match=r"outputs or cost overflow float32 .*largest weight is 1e\+38"
            ):
                call(X)
    # Outputs of 1e38·3 = 3e38 are finite, but the quadratic cost ½(a − y)² ≈ 4.5e76 is not.
    network.weights[0][...] = 1e38 / 4 * 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(network.feedforward(X)).all()
        with pytest.raises(ValueError, match="outputs or cost overflow float32"):
            network.evaluate(X, y)
    # z = 2e38 is finite, and so is everything but the cost.
    network.weights[0][...] = 5e37
    assert np.array_equal(network.feedforward(X), np.full((5, 2), 2e38, np.float32))
