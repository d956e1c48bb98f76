"""``sigmoid train``, ``evaluate`` and ``predict`` on a tiny synthetic MNIST (never the real one)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image

from sigmoid import io, training
from sigmoid.cli import main
from sigmoid.cli import train as cli_train
from sigmoid.datasets import MNIST, synthetic_digits
from sigmoid.network import Network
from sigmoid.training import History

SCALE = 1 / 255
N_TRAIN, N_VALIDATION, N_TEST = 200, 50, 60


def tiny_mnist(n_train: int = N_TRAIN) -> MNIST:
    """Synthetic digits as uint8 pixels, split like MNIST but 200/50/60 images."""
    X, y = synthetic_digits(n_train + N_VALIDATION + N_TEST, noise=0.2, rng=7)
    pixels = np.round(X * 255).astype(np.uint8)
    cuts = np.cumsum([n_train, N_VALIDATION])
    return MNIST(*zip(np.split(pixels, cuts), np.split(y, cuts), strict=True))


@pytest.fixture(autouse=True)
def fake_mnist(monkeypatch):
    data = tiny_mnist()
    calls = []

    def load_data(data_dir=None):
        calls.append(data_dir)
        return data, SCALE

    monkeypatch.setattr(cli_train, "load_data", load_data)
    return data, calls


@pytest.fixture
def recipes_run(monkeypatch):
    """Records the recipe and seed that ``sigmoid train`` trains with (training still runs)."""
    seen = []
    real = cli_train.run_recipe

    def spy(recipe, data, scale, **options):
        seen.append((recipe, options))
        return real(recipe, data, scale, **options)

    monkeypatch.setattr(cli_train, "run_recipe", spy)
    return seen


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_line_error(status: int, err: str, *words: str) -> None:
    assert status != 0
    assert err.count("\n") == 1 and "Traceback" not in err and "error" in err, err
    for word in words:
        assert word in err, err


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward64(network: Network, X: np.ndarray) -> np.ndarray:
    """An independent sigmoid forward pass in float64."""
    a = X.astype(np.float64)
    for w, b in zip(network.weights, network.biases, strict=True):
        a = sigmoid(a @ w.astype(np.float64) + b)
    return a


# ------------------------------------------------------------------------------ sigmoid train


def test_no_options_train_the_books_chapter_1_network(tmp_path, monkeypatch, capsys, recipes_run):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "train", "--no-progress")
    assert (status, err) == (0, "")
    [(recipe, options)] = recipes_run
    # The book: Network([784, 30, 10]); SGD(training_data, 30 epochs, mini-batch 10, η = 3.0, test_data).
    assert recipe.sizes == (784, 30, 10) and recipe.epochs == 30 and recipe.batch_size == 10
    assert recipe.learning_rate == 3.0 and recipe.l2 == 0 and recipe.evaluate_on == "test"
    assert (recipe.cost, recipe.init, recipe.hidden_activation) == ("quadratic", "large", "sigmoid")
    assert options["seed"] == 0
    network = io.load(tmp_path / "sigmoid-ch1.npz")  # the default output name
    assert network.sizes == [784, 30, 10] and network.cost.name == "quadratic"
    assert network.init == "large" and network.dtype == np.float32
    history = io.load_history(tmp_path / "sigmoid-ch1.npz")
    assert history.epochs == 30 and history.settings["learning_rate"] == 3.0
    assert history.settings["batch_size"] == 10 and history.settings["evaluation_data"] == "test"
    assert "model saved to sigmoid-ch1.npz" in out


def test_output_lines_settings_epochs_final_accuracy_and_path(tmp_path, capsys, fake_mnist):
    model = tmp_path / "m.npz"
    status, out, err = run(capsys, "train", "--no-progress", "--epochs", "3", "-o", str(model))
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 1 + 3 + 2
    assert lines[0].startswith("sigmoid train: recipe ch1: sizes [784, 30, 10]")
    assert "η = 3" in lines[0] and "mini-batch 10" in lines[0] and "seed 0" in lines[0]
    # The last epoch's line and the final line give the accuracy of the saved model on the test
    # split, worked out here by an independent float64 forward pass.
    X, y = fake_mnist[0].test
    network = io.load(model)
    correct = int(np.sum(forward64(network, X * SCALE).argmax(axis=1) == y))
    expected = f"{correct / N_TEST:.2%}"
    for k in (1, 2, 3):
        assert re.match(
            rf"epoch {k}/3: test accuracy \d+\.\d\d% \(\d+/{N_TEST}\), cost \d\.\d{{4}} ", lines[k]
        ), lines[k]
    assert f"test accuracy {expected} ({correct}/{N_TEST})" in lines[3]
    assert lines[4].startswith(f"final test accuracy: {expected} after 3 epochs (best ")
    assert lines[5] == f"model saved to {model}"


def test_every_option_overrides_the_recipe(tmp_path, capsys, recipes_run):
    model, history_file = tmp_path / "m.npz", tmp_path / "h.json"
    status, out, err = run(
        capsys,
        "train",
        "--recipe",
        "ch3",
        "--hidden",
        "6",
        "5",
        "--epochs",
        "2",
        "--batch-size",
        "7",
        "--eta",
        "0.25",
        "--lmbda",
        "1.5",
        "--l1",
        "0.1",
        "--momentum",
        "0.5",
        "--cost",
        "quadratic",
        "--init",
        "large",
        "--hidden-activation",
        "tanh",
        "--output-activation",
        "sigmoid",
        "--dtype",
        "float64",
        "--seed",
        "3",
        "--early-stopping",
        "4",
        "--schedule",
        "3",
        "--evaluate-on",
        "validation",
        "--backend",
        "numpy",
        "--no-progress",
        "--data-dir",
        str(tmp_path),
        "-o",
        str(model),
        "--history",
        str(history_file),
    )
    assert (status, err) == (0, "")
    [(recipe, options)] = recipes_run
    assert recipe.sizes == (784, 6, 5, 10)
    assert (recipe.epochs, recipe.batch_size, recipe.learning_rate) == (2, 7, 0.25)
    assert (recipe.l2, recipe.l1, recipe.momentum) == (1.5, 0.1, 0.5)
    assert (recipe.cost, recipe.init, recipe.hidden_activation, recipe.dtype) == (
        "quadratic",
        "large",
        "tanh",
        "float64",
    )
    assert (recipe.early_stopping, recipe.schedule, recipe.evaluate_on) == (4, 3, "validation")
    assert options == {"seed": 3, "backend": "numpy", "callbacks": options["callbacks"]}
    network = io.load(model)
    assert network.sizes == [784, 6, 5, 10] and network.dtype == np.float64
    assert network.hidden_activation.name == "tanh"
    history = History.load(history_file)
    assert history.settings["l1"] == 0.1 and history.settings["learning_rate_schedule"] == 3
    assert history.settings["backend"] == "numpy" and history.settings["n_train"] == N_TRAIN
    assert "validation accuracy" in out and f"/{N_VALIDATION})" in out
    assert f"history saved to {history_file}" in out


def test_learning_rate_and_l2_long_names_and_sizes_option(tmp_path, capsys, recipes_run):
    status, _, err = run(
        capsys,
        "train",
        "--sizes",
        "784,8,10",
        "--learning-rate",
        "1.5",
        "--l2",
        "2",
        "--epochs",
        "1",
        "--no-progress",
        "-o",
        str(tmp_path / "m.npz"),
    )
    assert (status, err) == (0, "")
    recipe = recipes_run[0][0]
    assert (recipe.sizes, recipe.learning_rate, recipe.l2) == ((784, 8, 10), 1.5, 2.0)


def test_history_file_matches_the_history_in_the_model(tmp_path, capsys):
    model, history_file = tmp_path / "m.npz", tmp_path / "h.json"
    status, _, err = run(
        capsys,
        "train",
        "--recipe",
        "ch3",
        "--hidden",
        "5",
        "--epochs",
        "2",
        "-o",
        str(model),
        "--history",
        str(history_file),
    )
    assert (status, err) == (0, "")  # no progress bar when stderr is not a terminal
    saved = History.load(history_file)
    assert saved.epochs == 2 and len(saved.evaluation_accuracy) == 2
    assert saved.to_dict() == io.load_history(model).to_dict()
    assert saved.settings["recipe"] == "ch3" and saved.settings["l2"] == 5.0


def test_same_seed_gives_identical_weights_and_another_seed_differs(tmp_path, capsys):
    paths = {}
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        paths[name] = tmp_path / f"{name}.npz"
        status, _, _ = run(
            capsys,
            "train",
            "--hidden",
            "8",
            "--epochs",
            "2",
            "--seed",
            seed,
            "--no-progress",
            "-o",
            str(paths[name]),
        )
        assert status == 0
    a, b, c = (io.load(paths[name]) for name in "abc")
    for wa, wb, wc in zip(a.weights + a.biases, b.weights + b.biases, c.weights + c.biases, strict=True):
        assert wa.tobytes() == wb.tobytes()
        assert not np.array_equal(wa, wc)


def test_plot_writes_the_training_report(tmp_path, capsys):
    figures = tmp_path / "figures"
    status, out, err = run(
        capsys,
        "train",
        "--hidden",
        "4",
        "--epochs",
        "2",
        "--no-progress",
        "-o",
        str(tmp_path / "m.npz"),
        "--plot",
        str(figures),
    )
    assert (status, err) == (0, "")
    for name in ("history.png", "weights.png", "mistakes.png"):
        with Image.open(figures / name) as image:
            assert image.format == "PNG"
        assert f"figure saved to {figures / name}" in out


def test_ctrl_c_stops_saves_the_model_and_exits_130(tmp_path, capsys, monkeypatch):
    class PressedAtOnce(training._StopFlag):
        """Ctrl-C as if pressed before the first mini-batch: training stops at the first check."""

        def __init__(self) -> None:
            super().__init__()
            self.requested = True

    monkeypatch.setattr(training, "_StopFlag", PressedAtOnce)
    # Training checks for Ctrl-C every ~2,000 images: 4,000 give a check before the epoch ends.
    bigger = tiny_mnist(4_000)
    monkeypatch.setattr(cli_train, "load_data", lambda data_dir=None: (bigger, SCALE))
    model, history_file = tmp_path / "m.npz", tmp_path / "h.json"
    status, out, err = run(
        capsys,
        "train",
        "--hidden",
        "4",
        "--epochs",
        "3",
        "--no-progress",
        "-o",
        str(model),
        "--history",
        str(history_file),
    )
    assert status == 130, (out, err)
    assert err == "sigmoid: interrupted\n"
    assert "training stopped: interrupted during epoch 1" in out
    assert f"model saved to {model}" in out and f"history saved to {history_file}" in out
    history = io.load_history(model)
    assert history.interrupted and history.epochs == 0
    assert History.load(history_file).interrupted
    # The model holds the weights after the 5 mini-batches run: not the initial ones.
    untrained = Network(
        [784, 4, 10], init="large", rng=np.random.default_rng(np.random.SeedSequence(0).spawn(2)[0])
    )
    assert not np.array_equal(io.load(model).weights[1], untrained.weights[1])
    assert not list(tmp_path.glob("*.part"))  # nothing half-written left behind
    # Run again onto the same file: a fraction of an epoch does not replace the model already there.
    before = model.read_bytes()
    status, out, err = run(
        capsys, "train", "--hidden", "4", "--epochs", "3", "--no-progress", "-o", str(model)
    )
    assert (status, err) == (130, "sigmoid: interrupted\n")
    assert "training stopped: interrupted during epoch 1\n" in out
    assert f"nothing saved (no epoch was complete): {model} not replaced" in out
    assert "model saved" not in out and model.read_bytes() == before


def test_ctrl_c_at_the_end_of_an_epoch_still_draws_the_figures(tmp_path, capsys, monkeypatch):
    class PressedDuringEpoch1(training._StopFlag):
        """Ctrl-C as if pressed after the last check of epoch 1: it ends at the end of that epoch."""

        checks = 0

        @property
        def requested(self) -> bool:
            return self.checks > 0

        @requested.setter
        def requested(self, value: bool) -> None:
            pass

    real_epoch_line = cli_train.epoch_line

    def epoch_line(*args):
        PressedDuringEpoch1.checks += 1
        return real_epoch_line(*args)

    monkeypatch.setattr(training, "_StopFlag", PressedDuringEpoch1)
    monkeypatch.setattr(cli_train, "epoch_line", epoch_line)
    figures, model = tmp_path / "figures", tmp_path / "m.npz"
    argv = ("--hidden", "4", "--epochs", "3", "--no-progress", "-o", str(model), "--plot", str(figures))
    status, out, err = run(capsys, "train", *argv)
    assert (status, err) == (130, "sigmoid: interrupted\n")
    assert re.search(r"^test accuracy at the end of epoch 1: \d+\.\d\d% \(best ", out, re.M), out
    assert "training stopped: interrupted at the end of epoch 1" in out
    assert sorted(p.name for p in figures.iterdir()) == ["history.png", "mistakes.png", "weights.png"]
    assert io.load_history(model).epochs == 1


#: η = 10⁶ on linear neurons: each step multiplies the error by about 1 − η·|x|²/m ≈ −10⁸.
DIVERGING = (
    "--hidden",
    "4",
    "--eta",
    "1e6",
    "--hidden-activation",
    "identity",
    "--output-activation",
    "identity",
)


def test_a_run_that_diverges_in_epoch_1_replaces_no_existing_file(tmp_path, capsys):
    model, history_file = tmp_path / "m.npz", tmp_path / "h.json"
    model.write_bytes(b"a model trained before")
    history_file.write_text("{}")
    status, out, err = run(
        capsys, "train", *DIVERGING, "--no-progress", "-o", str(model), "--history", str(history_file)
    )
    assert_one_line_error(status, err, "non-finite in epoch 1", "nothing saved")
    assert f"nothing saved (no epoch was complete): {model} and {history_file} not replaced" in out
    assert model.read_bytes() == b"a model trained before" and history_file.read_text() == "{}"


def test_a_weight_decay_that_flips_the_weights_is_refused_in_the_options_terms(tmp_path, capsys):
    # 1 − η·λ/n = 1 − 10⁶·1/200 (the tiny MNIST's 200 training images) = −4999 < 0.
    argv = ("--hidden", "4", "--eta", "1e6", "--l2", "1", "--no-progress", "-o", str(tmp_path / "m.npz"))
    status, out, err = run(capsys, "train", *argv)
    assert_one_line_error(status, err, "1 − η·λ/n = 1 − 1e+06·1/200 = -4999", "lower --l2 or --learning-rate")
    assert "learning_rate" not in err and not list(tmp_path.iterdir())


def test_a_diverging_run_keeps_the_last_finite_model_and_exits_1(tmp_path, capsys):
    model = tmp_path / "m.npz"
    status, out, err = run(
        capsys,
        "train",
        *DIVERGING,
        "--epochs",
        "3",
        "--no-progress",
        "-o",
        str(model),
    )
    assert_one_line_error(status, err, "non-finite", "learning rate 1e+06")
    assert status == 1
    assert f"model saved to {model} (the initial weights: epoch 1 diverged)" in out
    network = io.load(model)  # io.load refuses non-finite arrays
    assert all(np.isfinite(w).all() for w in network.weights)
    assert io.load_history(model).diverged


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--epochs", "0"], ["--epochs", "0"]),
        (["--eta", "-1"], ["--learning-rate", "-1"]),
        (["--momentum", "1"], ["--momentum"]),
        (["--recipe", "ch2"], ["--recipe", "ch2"]),
        (["--hidden", "0"], ["--hidden", "positive"]),
        (["--hidden", "x"], ["--hidden", "'x'"]),
        (["--hidden"], ["sigmoid train: error:", "'--hidden' requires an argument"]),
        (["--hidden", "5", "--sizes", "784", "5", "10"], ["--hidden", "--sizes"]),
        (["--sizes", "100", "10"], ["--sizes", "784", "100 10"]),
        (["--cost", "hinge"], ["--cost", "hinge"]),
        (["--output", "missing-folder/m.npz"], ["missing-folder", "does not exist"]),
        (["--history", "."], ["--history", "directory"]),
        (["--cost", "log-likelihood"], ["log-likelihood", "softmax"]),
    ],
)
def test_bad_train_options_are_one_line_errors(argv, words, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "train", "--epochs", "1", "--no-progress", *argv)
    assert_one_line_error(status, err, *words)
    assert not list(tmp_path.glob("*.npz"))


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["-o", "model.txt"], ["'-o'", ".npz", "model.txt"]),
        (["-o", "m.npz", "--history", "m.npz"], ["m.npz would overwrite the model file"]),
        (["--seed", "-1"], ["--seed", "-1"]),
        (["--backend", "compiled", "--momentum", "0.5"], ["--backend", "momentum"]),
        (["--backend", "compiled", "--hidden", "5", "5"], ["--backend", "one hidden layer"]),
        (["--schedule", "2", "--early-stopping", "0"], ["--early-stopping"]),
    ],
)
def test_bad_combinations_are_usage_errors_before_mnist_is_loaded(argv, words, capsys, fake_mnist, tmp_path):
    (tmp_path / "m.npz").write_bytes(b"untouched")
    status, out, err = run(
        capsys, "train", "--no-progress", *[str(tmp_path / a) if a.endswith(".npz") else a for a in argv]
    )
    assert_one_line_error(status, err, *words)
    assert status == 2 and out == "" and fake_mnist[1] == []
    assert (tmp_path / "m.npz").read_bytes() == b"untouched"


def test_outputs_that_would_land_on_one_file_are_refused(tmp_path, capsys, fake_mnist):
    figures = tmp_path / "figures"
    figures.mkdir()
    history = figures / "history.png"
    status, _, err = run(
        capsys, "train", "--plot", str(figures), "--history", str(history), "-o", str(tmp_path / "m.npz")
    )
    assert_one_line_error(status, err, f"--history {history} would be overwritten by the figure history.png")
    assert status == 2 and fake_mnist[1] == []
    (tmp_path / "afile").write_text("x")
    for plot_dir, words in [
        (tmp_path / "afile" / "plots", ["afile is not a folder"]),
        (tmp_path / "missing" / "plots", ["missing does not exist"]),
    ]:
        status, _, err = run(capsys, "train", "--plot", str(plot_dir), "-o", str(tmp_path / "m2.npz"))
        assert_one_line_error(status, err, f"cannot write figures to {plot_dir}", *words)


def test_plot_onto_the_model_or_history_file_is_refused(tmp_path, capsys, fake_mnist):
    for option in ("-o", "--history"):
        target = tmp_path / ("same.npz" if option == "-o" else "same.json")
        argv = [option, str(target)] + (["-o", str(tmp_path / "m.npz")] if option == "--history" else [])
        status, _, err = run(capsys, "train", "--plot", str(target), *argv)
        assert_one_line_error(status, err, f"--plot {target} is the file {option} writes")
    status, _, err = run(capsys, "train", "-o", str(tmp_path / "afile" / "m.npz"))
    assert_one_line_error(status, err, "does not exist")
    (tmp_path / "afile").write_text("x")
    status, _, err = run(capsys, "train", "-o", str(tmp_path / "afile" / "m.npz"))
    assert_one_line_error(status, err, "afile is not a folder")
    assert fake_mnist[1] == []


def test_a_huge_cost_is_printed_in_four_digits_not_seventy():
    history = History(evaluation_accuracy=[0.5], evaluation_cost=[1.8e72], learning_rate=[3.0], seconds=[0.1])
    assert "cost 1.8e+72 [0.1 s]" in cli_train.epoch_line(0, 1, history, "test", 10)
    history.evaluation_cost = [0.0512]
    assert "cost 0.0512 [0.1 s]" in cli_train.epoch_line(0, 1, history, "test", 10)


def test_early_stopping_and_the_schedule_say_why_training_ended(tmp_path, capsys):
    # η = 1e-9 learns nothing: epoch 1 sets the best accuracy and no later epoch beats it, so from
    # epoch 2 on each epoch halves η (--schedule 1); epoch k ≥ 3 runs at 1e-9 / 2^(k - 2), and the
    # run stops when η reaches 1/128 of its start, after epoch 8.
    argv = (
        "--epochs",
        "30",
        "--eta",
        "1e-9",
        "--schedule",
        "1",
        "--no-progress",
        "-o",
        str(tmp_path / "m.npz"),
    )
    status, out, err = run(capsys, "train", *argv)
    assert status == 0
    lines = out.splitlines()
    assert all("η" not in line for line in lines[1:3]), lines
    assert ", η = 5e-10 [" in lines[3] and ", η = 1.5625e-11 [" in lines[8], lines
    assert "final test accuracy" in out and "after 8 epochs" in out
    assert re.search(r"^training stopped: .*1/128", out, re.M), out


def test_a_closed_standard_output_loses_no_model(tmp_path, capsys, monkeypatch):
    class ClosedPipe:
        """What ``sigmoid train | head -1`` writes into once head has exited."""

        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            pass

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    model = tmp_path / "m.npz"
    status = main(["train", "--hidden", "4", "--epochs", "2", "--no-progress", "-o", str(model)])
    err = capsys.readouterr().err
    assert status == 0
    assert err == "sigmoid: cannot write to standard output (Broken pipe); going on without it\n"
    assert io.load_history(model).epochs == 2


class FullDisk:
    """A stream on a full disk, as ``sigmoid train > /dev/full 2>&1`` gets."""

    def write(self, text):
        raise OSError(28, "No space left on device")

    def flush(self):
        raise OSError(28, "No space left on device")

    def isatty(self):
        return False


@pytest.mark.parametrize("stdout", [None, FullDisk()], ids=["closed", "full"])
def test_losing_both_output_streams_still_saves_the_model(stdout, tmp_path, monkeypatch):
    # None is what Python makes of a closed descriptor (`sigmoid train >&- 2>&-`). The run without a
    # progress bar option shows one on a terminal only: here neither stream is one.
    monkeypatch.setattr("sys.stdout", stdout)
    monkeypatch.setattr("sys.stderr", FullDisk() if stdout else None)
    model = tmp_path / "m.npz"
    status = main(["train", "--hidden", "4", "--epochs", "2", "--learning-rate", "1e-9", "-o", str(model)])
    assert status == 0  # the warning that the network did not learn was lost, not fatal
    assert io.load_history(model).epochs == 2


def test_a_result_that_cannot_be_printed_is_a_failure(tmp_path, capsys, monkeypatch):
    # evaluate's only product is its line: losing it exits 1 (train's product is its file: 0).
    model = io.save(Network([784, 6, 10], rng=1), tmp_path / "m.npz")
    monkeypatch.setattr("sys.stdout", FullDisk())
    assert main(["evaluate", str(model)]) == 1
    monkeypatch.setattr("sys.stdout", None)
    assert main(["evaluate", str(model)]) == 1
    assert capsys.readouterr().err.endswith(
        "sigmoid: cannot write to standard output (it is closed); going on without it\n"
    )
    monkeypatch.setattr("sys.stdout", FullDisk())
    assert main(["train", "--help"]) == 1  # the help is what train --help makes, not a model


def test_a_bad_combination_is_refused_before_mnist_is_loaded(capsys, fake_mnist):
    status, out, err = run(capsys, "train", "--cost", "log-likelihood")
    assert_one_line_error(status, err, "log-likelihood", "softmax", "--output-activation sigmoid")
    assert status == 2
    status, out, err = run(capsys, "train", "--output-activation", "softmax")
    assert_one_line_error(status, err, "use --cost log-likelihood with softmax", "here --cost quadratic")
    assert out == "" and fake_mnist[1] == []


def test_help_names_the_default_output_file(capsys):
    status, out, _ = run(capsys, "train", "--help")
    assert status == 0
    text = re.sub(r"-\s+", "-", " ".join(out.split()))  # undo the wrapping, even after a hyphen
    assert "sigmoid-RECIPE.npz in the current folder" in text


# --------------------------------------------------------------------------- sigmoid evaluate


def test_evaluate_prints_accuracy_and_cost(tmp_path, capsys, fake_mnist):
    network = Network([784, 6, 10], init="large", rng=1)
    model = io.save(network, tmp_path / "m.npz")
    status, out, err = run(capsys, "evaluate", str(model), "--on", "validation")
    assert (status, err) == (0, "")
    X, y = fake_mnist[0].validation
    a = forward64(network, X * SCALE)
    correct = int(np.sum(a.argmax(axis=1) == y))
    cost = 0.5 * np.mean(np.sum((a - np.eye(10)[y]) ** 2, axis=1))  # quadratic, mean over images
    assert out == (
        f"{model} on validation data ({N_VALIDATION} images): accuracy {correct / N_VALIDATION:.2%} "
        f"({correct}/{N_VALIDATION}), cost {cost:.4f}\n"
    )


def test_evaluate_defaults_to_the_test_set_and_passes_the_data_dir(tmp_path, capsys, fake_mnist):
    model = io.save(Network([784, 3, 10], rng=0), tmp_path / "m.npz")
    status, out, _ = run(capsys, "evaluate", str(model), "--data-dir", str(tmp_path))
    assert status == 0 and f"on test data ({N_TEST} images)" in out
    assert fake_mnist[1] == [tmp_path]


def test_evaluate_errors_are_one_line(tmp_path, capsys):
    status, _, err = run(capsys, "evaluate", str(tmp_path / "none.npz"))
    assert_one_line_error(status, err, "no model file")
    text = tmp_path / "notes.npz"
    text.write_text("hello")
    status, _, err = run(capsys, "evaluate", str(text))
    assert_one_line_error(status, err, "not a sigmoid model file")
    small = io.save(Network([100, 5, 10], rng=0), tmp_path / "small.npz")
    status, _, err = run(capsys, "evaluate", str(small))
    assert_one_line_error(status, err, "100 inputs", "784")
    status, _, err = run(capsys, "evaluate", str(small), "--on", "holdout")
    assert_one_line_error(status, err, "--on", "holdout")


# ---------------------------------------------------------------------------- sigmoid predict


def digit_picture(path, rows: slice, cols: slice):
    """Black ink on white paper, 28x28: the dark-on-light case that must be inverted."""
    image = np.full((28, 28), 255, dtype=np.uint8)
    image[rows, cols] = 0
    Image.fromarray(image).save(path)
    return path


@pytest.fixture
def block_reader(tmp_path):
    """A one-layer network whose weights make it answer 3 for ink at the top left, 8 at the bottom right.

    Its output j is σ(Σ_i x_i w_ij): with w = 1 from the 12x12 top-left block to output 3 and from
    the bottom-right block to output 8, a picture with ink (1.0) on one block gives σ(144) ≈ 1 there
    and σ(0) = 0.5 everywhere else.
    """
    network = Network([784, 10], rng=0)
    network.weights[0][...] = 0
    network.biases[0][...] = 0
    top_left = np.zeros((28, 28), bool)
    top_left[2:14, 2:14] = True
    network.weights[0][top_left.ravel(), 3] = 1
    network.weights[0][np.flipud(np.fliplr(top_left)).ravel(), 8] = 1
    return io.save(network, tmp_path / "blocks.npz")


def test_predict_prints_each_digit_and_its_ten_outputs(tmp_path, capsys, block_reader):
    three = digit_picture(tmp_path / "three.png", slice(2, 14), slice(2, 14))
    eight = digit_picture(tmp_path / "eight.png", slice(14, 26), slice(14, 26))
    status, out, err = run(capsys, "predict", str(block_reader), str(three), str(eight))
    assert (status, err) == (0, "")
    expected = []
    for path, digit in ((three, 3), (eight, 8)):
        outputs = " ".join(f"{k}:{1.0 if k == digit else 0.5:.3f}" for k in range(10))
        expected.append(f"{path}: {digit}   outputs {outputs}")
    assert out.splitlines() == expected


def test_predict_errors_are_one_line(tmp_path, capsys, block_reader):
    status, _, err = run(capsys, "predict", str(block_reader), str(tmp_path / "missing.png"))
    assert_one_line_error(status, err, "no image file", "missing.png")
    text = tmp_path / "text.png"
    text.write_text("not an image")
    status, _, err = run(capsys, "predict", str(block_reader), str(text))
    assert_one_line_error(status, err, "text.png", "not an image")
    picture = digit_picture(tmp_path / "d.png", slice(2, 14), slice(2, 14))
    status, _, err = run(capsys, "predict", str(text), str(picture))
    assert_one_line_error(status, err, "not a sigmoid model file")
    for sizes in ([30, 10], [784, 2], [4, 10]):  # 4 inputs would be a 2x2 picture: not MNIST either
        odd = io.save(Network(sizes, rng=0), tmp_path / "odd.npz")
        status, _, err = run(capsys, "predict", str(odd), str(picture))
        assert_one_line_error(status, err, f"{sizes[0]} inputs to {sizes[1]} outputs", "MNIST needs 784")
    status, _, err = run(capsys, "predict", str(block_reader))
    assert_one_line_error(status, err, "IMAGE")


def test_changed_settings_never_replace_the_recipes_own_model(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "train", "--epochs", "1", "--no-progress")
    assert status == 0 and "model saved to sigmoid-ch1-custom.npz" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sigmoid-ch1-custom.npz"]


def test_a_run_that_learns_nothing_says_so(capsys, tmp_path):
    # η = 1e-9 leaves the N(0, 1) network where it started: near 10% on ten digits.
    status, out, err = run(
        capsys, "train", "--epochs", "1", "--learning-rate", "1e-9", "--no-progress",
        "-o", str(tmp_path / "m.npz"),
    )  # fmt: skip
    assert status == 0
    assert "after 1 epoch " in out
    assert "warning: the network did not learn" in err and "learning rate 1e-09" in err


@pytest.mark.parametrize("value", ["nan", "inf", "0"])
def test_a_bad_learning_rate_is_refused_before_the_data_is_loaded(capsys, fake_mnist, value):
    status, _, err = run(capsys, "train", "--learning-rate", value)
    assert_one_line_error(status, err, "learning")
    assert re.search(r"finite number > 0|range x>0", err), err
    assert status == 2 and fake_mnist[1] == []


def test_an_output_that_cannot_be_written_is_refused_before_training(capsys, fake_mnist, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for option in ("-o", "--history"):
        status, _, err = run(capsys, "train", option, str(blocker / "x.npz"))
        assert_one_line_error(status, err, "cannot save", str(blocker))
    status, _, err = run(capsys, "train", "--plot", str(blocker / "sub" / "plots"))
    assert_one_line_error(status, err, "cannot write figures")
    assert fake_mnist[1] == []


def test_predict_answers_the_readable_pictures_and_names_each_other_one(tmp_path, capsys, block_reader):
    three = digit_picture(tmp_path / "three.png", slice(2, 14), slice(2, 14))
    blank = tmp_path / "blank.png"
    Image.new("L", (40, 40), 255).save(blank)
    eight = digit_picture(tmp_path / "eight.png", slice(14, 26), slice(14, 26))
    status, out, err = run(capsys, "predict", str(block_reader), str(three), str(blank), str(eight))
    assert_one_line_error(status, err, "sigmoid predict: error: no digit in", "blank.png")
    assert status == 1
    assert [line.split("   ")[0] for line in out.splitlines()] == [f"{three}: 3", f"{eight}: 8"]


def test_a_blank_picture_holds_no_digit(capsys, tmp_path):
    model = tmp_path / "m.npz"
    io.save(Network([784, 30, 10], rng=0), model)
    blank = tmp_path / "blank.png"
    Image.new("L", (40, 40), 255).save(blank)
    status, _, err = run(capsys, "predict", str(model), str(blank))
    assert_one_line_error(status, err, "no digit", "blank")
