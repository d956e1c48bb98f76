"""Training: SGD steps worked out by hand on both backends, L2/L1/momentum, determinism, duplicates,
divergence, early stopping and the learning-rate schedule, Ctrl-C, the History."""

from __future__ import annotations

import json
import os
import signal

import numpy as np
import pytest

from sigmoid import History, Network, ScaledArray, train
from sigmoid import training as training_module
from sigmoid.errors import SigmoidError

BACKENDS = ("numpy", "compiled")


def _set(net: Network, weights, biases) -> Network:
    for target, value in zip(net.weights + net.biases, list(weights) + list(biases), strict=True):
        target[...] = np.asarray(value, dtype=net.dtype)
    return net


def _assert_params(net: Network, weights, biases) -> None:
    for got, expected in zip(net.weights + net.biases, list(weights) + list(biases), strict=True):
        np.testing.assert_array_equal(got, np.asarray(expected, dtype=net.dtype))


# ------------------------------------------------------------------ one step worked by hand


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_step_of_a_one_one_one_sigmoid_network(backend):
    # [1, 1, 1], sigmoid everywhere, quadratic cost; x = 1, y = 1, w1 = 0.5, b1 = −0.5, w2 = 2, b2 = −1:
    #   z1 = 0.5·1 − 0.5 = 0,  a1 = σ(0) = 0.5,  σ'(z1) = 0.25
    #   z2 = 2·0.5 − 1 = 0,    a2 = 0.5,         σ'(z2) = 0.25
    #   δ2 = (a2 − y)·σ'(z2) = (0.5 − 1)·0.25 = −0.125
    #   ∂C/∂w2 = a1·δ2 = −0.0625,  ∂C/∂b2 = −0.125
    #   δ1 = w2·δ2·σ'(z1) = 2·(−0.125)·0.25 = −0.0625
    #   ∂C/∂w1 = x·δ1 = −0.0625,   ∂C/∂b1 = −0.0625
    # η = 1: w1 = 0.5625, b1 = −0.4375, w2 = 2.0625, b2 = −0.875.
    net = _set(Network([1, 1, 1], dtype="float64", rng=0), [[[0.5]], [[2.0]]], [[-0.5], [-1.0]])
    history = train(net, ([[1.0]], [[1.0]]), epochs=1, batch_size=1, learning_rate=1.0, backend=backend)
    assert history.settings["backend"] == backend
    _assert_params(net, [[[0.5625]], [[2.0625]]], [[-0.4375], [-0.875]])


# [2, 2, 1], sigmoid hidden, cross-entropy + sigmoid output; x1 = (1, 1), y1 = 1; x2 = (2, 0), y2 = 0.5.
# W1 = [[0.5, −0.25], [0.5, −0.25]] (row k = input k), b1 = (−1, 0.5): z1 = 0 for both examples,
# a1 = (0.5, 0.5), σ'(z1) = 0.25. W2 = [[1], [−1]], b2 = 0: z2 = 0, a2 = 0.5.
#   δ2 = a2 − y: example 1: −0.5, example 2: 0.
#   ∂C/∂W2 = mean a1ᵀδ2 = (0.5·(−0.5) + 0.5·0)/2 = −0.125 for both rows; ∂C/∂b2 = −0.5/2 = −0.25.
#   δ1 = δ2·W2ᵀ ⊙ σ'(z1): example 1: −0.5·(1, −1)·0.25 = (−0.125, 0.125); example 2: (0, 0).
#   ∂C/∂W1[k] = mean x_k δ1 = (1·(−0.125, 0.125) + 0)/2 = (−0.0625, 0.0625) for k = 0, 1.
#   ∂C/∂b1 = (−0.0625, 0.0625).
TWO_EXAMPLES = ([[1.0, 1.0], [2.0, 0.0]], [[1.0], [0.5]])
W1, B1, W2, B2 = [[0.5, -0.25], [0.5, -0.25]], [-1.0, 0.5], [[1.0], [-1.0]], [0.0]


def _two_two_one(dtype="float64") -> Network:
    net = Network([2, 2, 1], cost="cross-entropy", dtype=dtype, rng=0)
    return _set(net, [W1, W2], [B1, B2])


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_step_of_a_two_two_one_cross_entropy_network(backend):
    # η = 2: W1 = W1 − 2·∂W1 = [[0.625, −0.375], [0.625, −0.375]], b1 = (−0.875, 0.375),
    #        W2 = [[1.25], [−0.75]], b2 = 0.5.
    net = _two_two_one()
    train(net, TWO_EXAMPLES, epochs=1, batch_size=2, learning_rate=2.0, backend=backend, rng=3)
    _assert_params(net, [[[0.625, -0.375], [0.625, -0.375]], [[1.25], [-0.75]]], [[-0.875, 0.375], [0.5]])


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_step_with_l2_weight_decay(backend):
    # λ = 0.5, n = 2, η = 2: W ← (1 − ηλ/n)·W − η·∂W = 0.5·W − 2·∂W; biases are not decayed.
    #   W1 = 0.5·[[0.5, −0.25], ...] − 2·[[−0.0625, 0.0625], ...] = [[0.375, −0.25], [0.375, −0.25]]
    #   W2 = 0.5·[[1], [−1]] − 2·[[−0.125], [−0.125]] = [[0.75], [−0.25]]
    net = _two_two_one()
    train(net, TWO_EXAMPLES, epochs=1, batch_size=2, learning_rate=2.0, l2=0.5, backend=backend, rng=3)
    _assert_params(net, [[[0.375, -0.25], [0.375, -0.25]], [[0.75], [-0.25]]], [[-0.875, 0.375], [0.5]])


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_step_in_float32(backend):
    net = _two_two_one("float32")
    train(net, TWO_EXAMPLES, epochs=1, batch_size=2, learning_rate=2.0, backend=backend, rng=3)
    _assert_params(net, [[[0.625, -0.375], [0.625, -0.375]], [[1.25], [-0.75]]], [[-0.875, 0.375], [0.5]])


def test_one_step_with_l1():
    # [1, 2], identity output, quadratic cost; x = 1, y = (0, 0), W = [[1, −1]], b = (0, 0):
    #   a = z = (1, −1), δ = a − y = (1, −1), ∂W = [[1, −1]], ∂b = (1, −1).
    # λ1 = 0.5, n = 1, η = 0.5: W ← W − η(∂W + λ1/n·sgn W) = [[1 − 0.5·1.5, −1 + 0.5·1.5]] = [[0.25, −0.25]];
    #   b = (0, 0) − 0.5·(1, −1) = (−0.5, 0.5).
    net = _set(
        Network([1, 2], output_activation="identity", dtype="float64", rng=0), [[[1.0, -1.0]]], [[0, 0]]
    )
    history = train(net, ([[1.0]], [[0.0, 0.0]]), epochs=1, batch_size=1, learning_rate=0.5, l1=0.5)
    assert history.settings["backend"] == "numpy"
    _assert_params(net, [[[0.25, -0.25]]], [[-0.5, 0.5]])


def test_two_steps_with_momentum():
    # [1, 1], identity output, quadratic; x = 1, y = 0, w = 1, b = 0, η = 0.5, μ = 0.5, one step per epoch.
    #   step 1: z = 1, ∂w = 1, ∂b = 1: v = −0.5·1 = −0.5, w = 0.5; b = 0 − 0.5 = −0.5
    #   step 2: z = 0.5 − 0.5 = 0, ∂w = ∂b = 0: v = 0.5·(−0.5) − 0 = −0.25, w = 0.25; b stays −0.5
    # (momentum acts on the weights only; the biases take plain steps).
    net = _set(Network([1, 1], output_activation="identity", dtype="float64", rng=0), [[[1.0]]], [[0.0]])
    history = train(net, ([[1.0]], [[0.0]]), epochs=2, batch_size=1, learning_rate=0.5, momentum=0.5)
    assert history.epochs == 2
    _assert_params(net, [[[0.25]]], [[-0.5]])


def test_momentum_and_l2_on_a_deeper_network_match_a_manual_loop():
    # Manual loop with Network.backprop (the reference gradients) over the same shuffled batches.
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(7, 3)), rng.integers(0, 2, size=7)
    net = Network([3, 4, 3, 2], cost="cross-entropy", dtype="float64", rng=1)
    reference = net.copy()
    eta, mu, lam, size = 0.3, 0.7, 0.2, 3
    train(net, (X, y), epochs=2, batch_size=size, learning_rate=eta, momentum=mu, l2=lam, rng=5)
    shuffle = np.random.default_rng(5)
    velocities = [np.zeros_like(w) for w in reference.weights]
    for _ in range(2):
        order = shuffle.permutation(7)
        for start in range(0, 7, size):
            batch = order[start : start + size]
            grad_w, grad_b = reference.backprop(X[batch], y[batch])
            for layer in range(3):
                velocities[layer] = mu * velocities[layer] - eta * (
                    grad_w[layer] + lam / 7 * reference.weights[layer]
                )
                reference.weights[layer] += velocities[layer]
                reference.biases[layer] -= eta * grad_b[layer]
    for got, expected in zip(net.weights + net.biases, reference.weights + reference.biases, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------ determinism, duplicates


def _problem(n=30, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    return X, (X[:, 0] + X[:, 1] > 0).astype(np.int64)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_same_seed_gives_bit_identical_weights(backend, dtype):
    data = _problem()

    def run(net_seed, train_seed):
        net = Network([4, 5, 2], dtype=dtype, rng=net_seed)
        train(net, data, epochs=3, batch_size=4, learning_rate=1.0, rng=train_seed, backend=backend)
        return net

    first, second = run(1, 2), run(1, 2)
    for a, b in zip(first.weights + first.biases, second.weights + second.biases, strict=True):
        np.testing.assert_array_equal(a, b)
    other_shuffle, other_init = run(1, 3), run(4, 2)
    assert not np.array_equal(other_shuffle.weights[0], first.weights[0])
    assert not np.array_equal(other_init.weights[0], first.weights[0])


@pytest.mark.parametrize("backend", BACKENDS)
def test_duplicate_samples_do_not_change_the_update(backend):
    x, y = [[0.3, -1.2, 0.8]], [[1.0, 0.0]]
    once = Network([3, 4, 2], cost="cross-entropy", dtype="float64", rng=2)
    twice = once.copy()
    train(once, (x, y), epochs=1, batch_size=1, learning_rate=0.7, backend=backend)
    train(twice, (x * 2, y * 2), epochs=1, batch_size=2, learning_rate=0.7, backend=backend)
    for a, b in zip(once.weights + once.biases, twice.weights + twice.biases, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-15, atol=1e-17)


def test_scaled_inputs_train_like_the_floats_they_stand_for():
    values = np.random.default_rng(3).integers(0, 256, size=(12, 4)).astype(np.uint8)
    y = np.arange(12) % 2
    scaled, floats = Network([4, 3, 2], dtype="float64", rng=0), Network([4, 3, 2], dtype="float64", rng=0)
    train(
        scaled,
        (ScaledArray(values, 1 / 256), y),
        epochs=2,
        batch_size=5,
        learning_rate=2.0,
        rng=1,
        backend="numpy",
    )
    train(floats, (values / 256, y), epochs=2, batch_size=5, learning_rate=2.0, rng=1, backend="numpy")
    for a, b in zip(scaled.weights + scaled.biases, floats.weights + floats.biases, strict=True):
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------- the History


def test_history_records_what_the_network_measures():
    X, y = _problem(20)
    Xe, ye = _problem(10, seed=1)
    net = Network([4, 3, 2], dtype="float64", rng=0)
    seen = []

    class Recorder:
        def on_epoch_begin(self, epoch, n):
            seen.append(("begin", epoch, n))

        def on_progress(self, done):
            seen.append(("progress", done))

        def on_epoch_end(self, epoch, history):
            seen.append(("end", epoch, history.epochs))

    history = train(
        net,
        (X, y),
        epochs=3,
        batch_size=6,
        learning_rate=0.5,
        l2=2.0,
        evaluation_data=(Xe, ye),
        callbacks=[Recorder()],
        rng=0,
    )
    assert history.epochs == 3
    assert history.stopped == "completed 3 epochs"
    assert not history.diverged and not history.interrupted
    assert history.learning_rate == [0.5] * 3
    assert all(s >= 0 for s in history.seconds)
    for name in History.METRICS:
        assert len(getattr(history, name)) == 3
    # The last epoch's values are those of the trained network; costs include the L2 term (n = 20 / 10).
    assert history.training_cost[-1] == pytest.approx(net.total_cost(X, y, l2=2.0), rel=1e-12)
    assert history.evaluation_cost[-1] == pytest.approx(net.total_cost(Xe, ye, l2=2.0), rel=1e-12)
    assert history.training_accuracy[-1] == net.accuracy(X, y)
    assert history.evaluation_accuracy[-1] == net.accuracy(Xe, ye)
    assert seen[0] == ("begin", 0, 20)
    assert ("progress", 20) in seen and ("end", 2, 3) in seen
    assert [event for event in seen if event[0] == "end"] == [("end", 0, 1), ("end", 1, 2), ("end", 2, 3)]
    assert history.settings["l2"] == 2.0 and history.settings["n_train"] == 20


def test_monitor_chooses_the_metrics():
    X, y = _problem(10)
    history = train(
        Network([4, 2], rng=0), (X, y), epochs=2, batch_size=5, learning_rate=0.1, monitor=["training_cost"]
    )
    assert len(history.training_cost) == 2 and history.training_accuracy == []
    with pytest.raises(ValueError, match=r"unknown metric\(s\) \['loss'\]"):
        train(Network([4, 2], rng=0), (X, y), epochs=1, batch_size=5, learning_rate=0.1, monitor=["loss"])
    with pytest.raises(ValueError, match="no evaluation_data"):
        train(
            Network([4, 2], rng=0),
            (X, y),
            epochs=1,
            batch_size=5,
            learning_rate=0.1,
            monitor=["evaluation_cost"],
        )


def test_history_round_trip(tmp_path):
    history = History(training_cost=[1.5, 0.25], learning_rate=[3.0, 1.5], seconds=[0.1, 0.2], stopped="why")
    assert History.from_dict(json.loads(json.dumps(history.to_dict()))) == history
    path = history.save(tmp_path / "history.json")
    assert History.load(path) == history
    assert [p.name for p in tmp_path.iterdir()] == ["history.json"]


def test_bad_history_files(tmp_path):
    with pytest.raises(SigmoidError, match="no history file at"):
        History.load(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(SigmoidError, match="is not a training history"):
        History.load(tmp_path / "bad.json")
    with pytest.raises(SigmoidError, match=r"unknown keys \['loss'\]"):
        History.from_dict({"loss": []})
    with pytest.raises(SigmoidError, match="must be a JSON object, got list"):
        History.from_dict([])
    with pytest.raises(SigmoidError, match="different lengths"):
        History.from_dict({"learning_rate": [1.0], "seconds": []})


# -------------------------------------------------------------------------- bad settings


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"epochs": 0}, "epochs must be >= 1, got 0"),
        ({"epochs": 2.0}, r"epochs must be an integer >= 1, got 2.0 \(float\)"),
        ({"epochs": True}, r"epochs must be an integer >= 1, got True \(bool\)"),
        ({"epochs": np.float64(3)}, r"epochs must be an integer >= 1, got np.float64\(3.0\)"),
        ({"batch_size": 0}, "batch_size must be >= 1, got 0"),
        ({"batch_size": np.int32(-1)}, "batch_size must be >= 1, got -1"),
        ({"batch_size": "2"}, r"batch_size must be an integer >= 1, got '2' \(str\)"),
        ({"learning_rate": "0.1"}, r"learning_rate must be a real number, got '0.1' \(str\)"),
        ({"learning_rate": True}, r"learning_rate must be a real number, got True \(bool\)"),
        ({"l2": False}, r"l2 must be a real number, got False \(bool\)"),
        ({"learning_rate": 0}, "learning_rate must be a finite number > 0, got 0.0"),
        ({"learning_rate": float("nan")}, "learning_rate must be a finite number > 0, got nan"),
        ({"learning_rate": -1}, "learning_rate must be"),
        ({"l2": -1}, "l2 must be a finite number >= 0, got -1.0"),
        ({"l1": float("inf")}, "l1 must be a finite number >= 0, got inf"),
        ({"momentum": 1}, r"momentum must be in \[0, 1\), got 1.0"),
        ({"early_stopping": 0}, "early_stopping must be >= 1, got 0"),
        ({"learning_rate_schedule": -2}, "learning_rate_schedule must be >= 1, got -2"),
        ({"early_stopping": True}, r"early_stopping must be an integer >= 1 or None, got True \(bool\)"),
        ({"learning_rate_schedule": 2.5}, r"learning_rate_schedule must be an integer >= 1 or None, got 2.5"),
        ({"backend": "gpu"}, "backend must be .*got 'gpu'"),
        # float32's smallest positive value is 2^-149 ≈ 1.4e-45: 1e-300 / 2 rounds to 0 there.
        ({"learning_rate": 1e-300}, r"learning_rate/batch_size = 5e-301 rounds to 0 in float32"),
    ],
)
def test_bad_settings_are_refused(settings, message):
    arguments = {"epochs": 1, "batch_size": 2, "learning_rate": 0.1} | settings
    net = Network([4, 2], rng=0)
    before = net.weights[0].copy()
    with pytest.raises(ValueError, match=message):
        train(net, _problem(6), **arguments)
    np.testing.assert_array_equal(net.weights[0], before)


def test_numpy_integers_train_exactly_like_python_ints(tmp_path):
    # np.int64 epochs and np.int32 batch_size are integers: the same run as with 2 and 5, and the
    # settings are recorded as plain ints (the history must stay JSON).
    plain, numpy_ints = Network([4, 3, 2], rng=0), Network([4, 3, 2], rng=0)
    train(plain, _problem(), epochs=2, batch_size=5, learning_rate=0.5, early_stopping=3, rng=1)
    history = train(
        numpy_ints,
        _problem(),
        epochs=np.int64(2),
        batch_size=np.int32(5),
        learning_rate=np.float32(0.5),
        early_stopping=np.uint8(3),
        rng=1,
    )
    assert history.epochs == 2
    for got, expected in zip(
        numpy_ints.weights + numpy_ints.biases, plain.weights + plain.biases, strict=True
    ):
        np.testing.assert_array_equal(got, expected)
    assert type(history.settings["epochs"]) is int and history.settings["batch_size"] == 5
    assert History.load(history.save(tmp_path / "h.json")).settings["early_stopping"] == 3


@pytest.mark.parametrize("backend", ["auto", "numpy", "compiled"])
def test_a_learning_rate_beyond_float32_is_refused_before_training(backend):
    # 1e308 is a float64 but no float32 (largest 3.40282e38): refused up front, with no cast warning.
    net = Network([4, 3, 2], rng=0)
    before = [p.copy() for p in net.weights + net.biases]
    with pytest.raises(ValueError, match=r"learning_rate = 1e\+308 is too large for a float32 network"):
        train(net, _problem(), epochs=1, batch_size=5, learning_rate=1e308, backend=backend)
    for got, expected in zip(net.weights + net.biases, before, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_rates_beyond_float32_from_the_regularisation_are_refused():
    # l1/n = 1e40/30 = 3.3e38 fits (just); 2e40/30 = 6.7e38 does not. The L1 step η·l1/n likewise.
    net, data = Network([4, 2], rng=0), _problem()
    with pytest.raises(ValueError, match=r"l1/n = 6.66667e\+38 is too large for a float32 network"):
        train(net, data, epochs=1, batch_size=5, learning_rate=1e-3, l1=2e40)
    with pytest.raises(ValueError, match=r"the L1 step learning_rate·l1/n = 3e\+39 is too large"):
        train(net, data, epochs=1, batch_size=5, learning_rate=1e3, l1=9e37)
    with pytest.raises(ValueError, match=r"l2/n = 3.33333e\+39 is too large.*lower l2"):
        train(net, data, epochs=1, batch_size=5, learning_rate=1e-40, l2=1e41)


def test_a_negative_weight_decay_factor_is_refused_before_training():
    # n = 50, η = 3, λ = 1e5: 1 − ηλ/n = 1 − 3·100000/50 = −5999, which would flip every weight's sign.
    X, y = _problem(50)
    net = Network([4, 3, 2], rng=0)
    message = r"weight-decay factor 1 − learning_rate·l2/n = 1 − 3·100000/50 = -5999 is negative"
    with pytest.raises(ValueError, match=message):
        train(net, (X, y), epochs=1, batch_size=10, learning_rate=3, l2=1e5)
    with pytest.raises(ValueError, match="learning_rate·l2 ≤ n = 50"):
        train(net, (X, y), epochs=1, batch_size=10, learning_rate=3, l2=16.7, momentum=0.5)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_weight_decay_factor_of_zero_is_allowed(backend):
    # ηλ/n = 3·2/6 = 1 exactly: the decay zeroes W, so one full-batch step leaves W = −η ∂C/∂W,
    # with the gradient taken at the initial weights; biases are not decayed: b − η ∂C/∂b.
    X, y = _problem(6)
    net = Network([4, 3, 2], dtype="float64", rng=0)
    grad_w, grad_b = net.backprop(X, y)
    expected_w = [-3 * g for g in grad_w]
    expected_b = [b - 3 * g for b, g in zip(net.biases, grad_b, strict=True)]
    train(net, (X, y), epochs=1, batch_size=6, learning_rate=3, l2=2, backend=backend, rng=0)
    for got, expected in zip(net.weights + net.biases, expected_w + expected_b, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_bad_data_is_refused():
    net = Network([4, 2], rng=0)
    with pytest.raises(ValueError, match=r"training_data must be a pair \(X, y\)"):
        train(net, np.zeros((3, 4)), epochs=1, batch_size=1, learning_rate=0.1)
    with pytest.raises(ValueError, match="training_data has no examples"):
        train(net, (np.zeros((0, 4)), np.zeros(0, dtype=int)), epochs=1, batch_size=1, learning_rate=0.1)
    with pytest.raises(ValueError, match="training_data X must have 4 features"):
        train(net, (np.zeros((3, 5)), [0, 1, 0]), epochs=1, batch_size=1, learning_rate=0.1)
    with pytest.raises(ValueError, match="evaluation_data y has 2 rows but there are 3 inputs"):
        train(
            net,
            _problem(4),
            evaluation_data=(np.zeros((3, 4)), [0, 1]),
            epochs=1,
            batch_size=1,
            learning_rate=0.1,
        )


def test_compiled_backend_refuses_what_it_cannot_run():
    data = _problem(6)
    with pytest.raises(ValueError, match="compiled backend does not support this run: .*one hidden layer"):
        train(
            Network([4, 3, 3, 2], rng=0), data, epochs=1, batch_size=2, learning_rate=0.1, backend="compiled"
        )
    with pytest.raises(ValueError, match="compiled backend does not support this run: .*momentum"):
        train(
            Network([4, 3, 2], rng=0),
            data,
            epochs=1,
            batch_size=2,
            learning_rate=0.1,
            momentum=0.5,
            backend="compiled",
        )
    # auto falls back to NumPy for those.
    history = train(Network([4, 3, 3, 2], rng=0), data, epochs=1, batch_size=2, learning_rate=0.1)
    assert history.settings["backend"] == "numpy"


# ------------------------------------------------------------------------------ divergence


def _regression(n=20):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(n, 2))
    return X, 3 * X.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_huge_learning_rate_stops_clearly_and_keeps_finite_weights(backend, dtype):
    # ReLU hidden layer, identity output, quadratic cost: nothing saturates, so with η = 1e6 each step
    # multiplies the weights by about η·x² and they overflow within an epoch or two.
    net = Network([2, 8, 1], hidden_activation="relu", output_activation="identity", dtype=dtype, rng=0)
    kept = [[p.copy() for p in net.weights + net.biases]]

    class Keep:
        def on_epoch_end(self, epoch, history):
            kept.append([p.copy() for p in net.weights + net.biases])

    history = train(
        net,
        _regression(),
        epochs=20,
        batch_size=5,
        learning_rate=1e6,
        callbacks=[Keep()],
        backend=backend,
        rng=0,
    )
    assert history.diverged
    assert history.epochs < 20
    assert f"non-finite in epoch {history.epochs + 1}" in history.stopped
    assert "learning rate 1e+06 is probably too large" in history.stopped
    assert all(np.isfinite(p).all() for p in net.weights + net.biases)
    # The weights are those at the end of the last finite epoch (the initial ones if it was the first).
    for got, expected in zip(net.weights + net.biases, kept[-1], strict=True):
        np.testing.assert_array_equal(got, expected)
    assert np.isfinite(net.feedforward(_regression()[0])).all()
    assert all(np.isfinite(history.training_cost))


@pytest.mark.parametrize("backend", BACKENDS)
def test_non_finite_weights_in_a_later_epoch_restore_the_previous_epoch(backend):
    # A callback breaks the weights at the start of epoch 3; the model of the end of epoch 2 is kept.
    net = Network([2, 3, 1], output_activation="identity", dtype="float64", rng=0)
    at_end = {}

    class Break:
        def on_epoch_begin(self, epoch, n):
            if epoch == 2:
                net.weights[0][0, 0] = np.inf

        def on_epoch_end(self, epoch, history):
            at_end[epoch] = [p.copy() for p in net.weights + net.biases]

    history = train(
        net,
        _regression(),
        epochs=5,
        batch_size=4,
        learning_rate=0.01,
        callbacks=[Break()],
        backend=backend,
        rng=0,
    )
    assert history.diverged and history.epochs == 2
    assert "non-finite in epoch 3" in history.stopped and "end of epoch 2" in history.stopped
    for got, expected in zip(net.weights + net.biases, at_end[1], strict=True):
        np.testing.assert_array_equal(got, expected)


# ------------------------------------------------- early stopping and the learning-rate schedule


def _frozen_problem():
    # η = 1e-12 changes no prediction, so the accuracy never improves after the first epoch.
    return dict(training_data=_problem(8), batch_size=4, learning_rate=1e-12, backend="numpy", rng=0)


def test_early_stopping_after_n_epochs_without_improvement():
    net = Network([4, 3, 2], dtype="float64", rng=0)
    problem = _frozen_problem()
    history = train(net, problem.pop("training_data"), epochs=50, early_stopping=3, **problem)
    # Epoch 1 sets the best accuracy; epochs 2, 3, 4 do not improve it: stop after epoch 4.
    assert history.epochs == 4
    assert history.stopped == "early stopping: no improvement in 3 epochs"
    assert len(set(history.training_accuracy)) == 1


def test_stop_reasons_say_1_epoch_in_the_singular():
    net = Network([4, 3, 2], dtype="float64", rng=0)
    problem = _frozen_problem()
    history = train(net, problem.pop("training_data"), epochs=50, early_stopping=1, **problem)
    assert (history.epochs, history.stopped) == (2, "early stopping: no improvement in 1 epoch")
    problem = _frozen_problem()
    history = train(net, problem.pop("training_data"), epochs=1, **problem)
    assert history.stopped == "completed 1 epoch"


def test_learning_rate_schedule_halves_and_stops_at_one_128th():
    net = Network([4, 3, 2], dtype="float64", rng=0)
    problem = _frozen_problem()
    history = train(net, problem.pop("training_data"), epochs=50, learning_rate_schedule=2, **problem)
    # Epoch 1 is the best; η halves after every 2 epochs without improvement (after epochs 3, 5, ...,
    # 15); the 7th halving, after epoch 15, reaches η/128 and stops training.
    eta = 1e-12
    expected = [eta] * 3 + [eta / 2**k for k in range(1, 7) for _ in range(2)]
    assert history.learning_rate == expected
    assert history.epochs == 15
    assert "1/128" in history.stopped


def _scripted_accuracies(monkeypatch, accuracies):
    """Make training measure the given evaluation accuracies, one per epoch."""
    sequence = iter(accuracies)

    def measure(network, metrics, training, evaluation, settings):
        return {"evaluation_cost": 1.0, "evaluation_accuracy": next(sequence)}

    monkeypatch.setattr(training_module, "_measure", measure)


def test_early_stopping_counts_from_the_last_improvement(monkeypatch):
    # Best at epochs 1, 2, 4; epochs 5 and 6 do not improve on 0.7: stop after epoch 6.
    _scripted_accuracies(monkeypatch, [0.5, 0.6, 0.6, 0.7, 0.7, 0.65, 0.9])
    X, y = _problem(8)
    history = train(
        Network([4, 2], rng=0),
        (X, y),
        evaluation_data=(X, y),
        epochs=10,
        batch_size=4,
        learning_rate=0.1,
        early_stopping=2,
        backend="numpy",
    )
    assert history.evaluation_accuracy == [0.5, 0.6, 0.6, 0.7, 0.7, 0.65]
    assert history.stopped == "early stopping: no improvement in 2 epochs"


def test_schedule_resets_after_an_improvement(monkeypatch):
    # N = 2: epochs 2, 3 do not improve on 0.5 -> η/2 from epoch 4; epoch 4 improves, epochs 5, 6 do not
    # -> η/4 from epoch 7.
    _scripted_accuracies(monkeypatch, [0.5, 0.4, 0.5, 0.8, 0.8, 0.7, 0.9, 0.9])
    X, y = _problem(8)
    history = train(
        Network([4, 2], rng=0),
        (X, y),
        evaluation_data=(X, y),
        epochs=8,
        batch_size=4,
        learning_rate=1.0,
        learning_rate_schedule=2,
        backend="numpy",
    )
    assert history.learning_rate == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]
    assert history.stopped == "completed 8 epochs"


# ----------------------------------------------------------------------------------- Ctrl-C


class _CtrlC:
    """Sends SIGINT to this process at the first progress report (the first check for a stop)."""

    def __init__(self):
        self.sent_at = None

    def on_progress(self, done):
        if self.sent_at is None:
            self.sent_at = done
            os.kill(os.getpid(), signal.SIGINT)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ctrl_c_stops_at_a_mini_batch_boundary_and_keeps_the_model(backend):
    # Enough examples that the stop is checked before the end of the epoch.
    rng = np.random.default_rng(0)
    n, size = 5000, 50
    X, y = rng.normal(size=(n, 3)), rng.integers(0, 2, size=n)
    net = Network([3, 4, 2], dtype="float64", rng=1)
    reference = net.copy()
    handler = signal.getsignal(signal.SIGINT)
    ctrl_c = _CtrlC()
    history = train(
        net, (X, y), epochs=3, batch_size=size, learning_rate=0.5, callbacks=[ctrl_c], backend=backend, rng=2
    )
    assert signal.getsignal(signal.SIGINT) is handler
    assert history.interrupted and not history.diverged
    assert "interrupted during epoch 1" in history.stopped
    assert history.epochs == 0
    assert 0 < ctrl_c.sent_at < n and ctrl_c.sent_at % size == 0
    # The model is the one after exactly the mini-batches done when the signal came.
    order = np.random.default_rng(2).permutation(n)
    for start in range(0, ctrl_c.sent_at, size):
        batch = order[start : start + size]
        grad_w, grad_b = reference.backprop(X[batch], y[batch])
        for layer in range(2):
            reference.weights[layer] -= 0.5 * grad_w[layer]
            reference.biases[layer] -= 0.5 * grad_b[layer]
    for got, expected in zip(net.weights + net.biases, reference.weights + reference.biases, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_ctrl_c_stops_training_on_a_small_data_set(backend):
    net = Network([4, 3, 2], dtype="float64", rng=1)
    history = train(
        net,
        _problem(40),
        epochs=5,
        batch_size=10,
        learning_rate=0.5,
        callbacks=[_CtrlC()],
        backend=backend,
        rng=2,
    )
    assert history.interrupted
    assert history.epochs <= 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_ctrl_c_while_the_engine_is_built_stops_after_the_first_chunk(backend, monkeypatch):
    # The first run compiles the kernel while the engine is built: a KeyboardInterrupt raised
    # inside Numba's compiler was lost or broke it, so the signal must only set the stop flag.
    real = training_module.make_stepper

    def built_while_ctrl_c(*args):
        os.kill(os.getpid(), signal.SIGINT)
        return real(*args)

    monkeypatch.setattr(training_module, "make_stepper", built_while_ctrl_c)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5000, 3)), rng.integers(0, 2, size=5000)
    net = Network([3, 4, 2], dtype="float64", rng=1)
    history = train(net, (X, y), epochs=3, batch_size=50, learning_rate=0.5, backend=backend, rng=2)
    assert history.interrupted and history.epochs == 0
    assert "interrupted during epoch 1" in history.stopped


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_mini_batch_larger_than_the_data_is_the_whole_data(backend):
    # 10**20 examples per mini-batch do not fit in an int64 (the compiled kernel's integers); with
    # 40 examples it is one step over all 40, as batch_size=40 takes.
    whole, huge = (Network([4, 3, 2], dtype="float64", rng=0) for _ in range(2))
    for net, size in ((whole, 40), (huge, 10**20)):
        train(net, _problem(40), epochs=2, batch_size=size, learning_rate=0.5, backend=backend, rng=1)
    for got, expected in zip(huge.weights + huge.biases, whole.weights + whole.biases, strict=True):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"settings": "x"}, "settings must be a dict"),
        ({"stopped": 3}, "stopped must be a str"),
        ({"evaluation_accuracy": [1.5]}, "evaluation_accuracy must hold fractions in"),
        ({"training_cost": [-1.0]}, "training_cost must hold numbers from 0 to 1e"),
        ({"evaluation_cost": [10**400]}, "evaluation_cost must hold numbers from 0 to 1e"),  # no float
        ({"evaluation_cost": [1e308]}, "evaluation_cost must hold numbers from 0 to 1e"),
        ({"evaluation_accuracy": [True]}, "evaluation_accuracy must hold fractions"),
        ({"seconds": [-0.1]}, "seconds must hold numbers from 0"),
        ({"settings": {"x": json.loads("[" * 40 + "]" * 40)}}, "nested too deeply"),
        ({"evaluation_accuracy": [0.5, 0.6]}, "per-epoch lists have different lengths"),
    ],
)
def test_a_corrupt_history_is_refused(changes, message):
    good = {"learning_rate": [1.0], "seconds": [0.1], "evaluation_accuracy": [0.5], "training_cost": [0.2]}
    History.from_dict(good)
    with pytest.raises(SigmoidError, match=message):
        History.from_dict(good | changes)


def test_a_history_file_nested_too_deeply_is_refused(tmp_path):
    path = tmp_path / "h.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(SigmoidError, match="nested too deeply"):
        History.load(path)


def test_a_divergence_with_regularisation_names_it_too():
    # λ₁ = 1e307 in float64: the L1 term of the cost λ₁/n·Σ|w| overflows at once.
    history = train(
        Network([4, 3, 2], dtype="float64", rng=0), _problem(40), epochs=2, batch_size=10,
        learning_rate=0.5, l1=1e307, rng=1, backend="numpy",
    )  # fmt: skip
    assert history.diverged
    assert "(learning rate 0.5 or L1 λ₁ = 1e+307 is probably too large)" in history.stopped
