"""``sigmoid plot``: every kind writes a real image; bad input is one line and a non-zero status."""

from __future__ import annotations

import types

import numpy as np
import pytest
from PIL import Image

import sigmoid.datasets as datasets
from sigmoid import io
from sigmoid.cli import main
from sigmoid.network import Network
from sigmoid.training import History

IDEAS = ["neuron", "sigmoid", "step", "compare", "weight-bias", "limit", "activations"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_png(path) -> None:
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert 300 <= image.width <= 2500 and 200 <= image.height <= 2000


def assert_one_line_error(err: str, *words: str) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("sigmoid plot: error: ")  # usage and runtime errors alike
    for word in words:
        assert word in err


@pytest.fixture
def history() -> History:
    return History(
        training_cost=[0.4, 0.3],
        evaluation_accuracy=[0.90, 0.93],
        learning_rate=[3.0, 3.0],
        seconds=[1.0, 1.0],
        stopped="completed 2 epochs",
    )


@pytest.fixture
def model(tmp_path, history):
    return io.save(Network([784, 4, 10], rng=0), tmp_path / "model.npz", history=history)


@pytest.mark.parametrize("kind", IDEAS)
def test_each_idea_kind_writes_a_png(kind, tmp_path, capsys):
    out = tmp_path / f"{kind}.png"
    status, stdout, err = run(capsys, "plot", kind, "-o", str(out))
    assert (status, err) == (0, "")
    assert str(out) in stdout
    assert_png(out)


def test_svg_is_chosen_by_the_file_name(tmp_path, capsys):
    out = tmp_path / "compare.svg"
    assert run(capsys, "plot", "compare", "--z-range", "-10", "10", "-o", str(out))[0] == 0
    assert "<svg" in out.read_text()


def test_number_lists_as_separate_words_or_commas_give_the_same_figure(tmp_path, capsys):
    spaced, commas = tmp_path / "spaced.png", tmp_path / "commas.png"
    args = ["--bias", "-0.3"]
    assert (
        run(
            capsys,
            "plot",
            "neuron",
            "--weights",
            "0.5",
            "-1",
            "2",
            *args,
            "--inputs",
            "1",
            "0",
            "0.638",
            "-o",
            str(spaced),
        )[0]
        == 0
    )
    assert (
        run(
            capsys, "plot", "neuron", "--weights", "0.5,-1,2", *args, "--inputs=1,0,0.638", "-o", str(commas)
        )[0]
        == 0
    )
    assert spaced.read_bytes() == commas.read_bytes()
    other = tmp_path / "other.png"
    assert (
        run(
            capsys,
            "plot",
            "neuron",
            "--weights",
            "0.5",
            "-1",
            "3",
            *args,
            "--inputs",
            "1",
            "0",
            "0.638",
            "-o",
            str(other),
        )[0]
        == 0
    )
    assert other.read_bytes() != spaced.read_bytes()  # the numbers really reach the figure


def test_history_from_a_json_file_and_from_a_model(tmp_path, model, history, capsys):
    history.save(tmp_path / "history.json")
    for source in (tmp_path / "history.json", model):
        out = tmp_path / f"{source.stem}.png"
        assert run(capsys, "plot", "history", str(source), "-o", str(out))[0] == 0
        assert_png(out)


def test_weights_of_a_model(tmp_path, model, capsys):
    out = tmp_path / "weights.png"
    assert run(capsys, "plot", "weights", str(model), "-o", str(out))[0] == 0
    assert_png(out)


def test_mistakes_reads_the_test_set_from_the_data_dir(tmp_path, model, monkeypatch, capsys):
    rng = np.random.default_rng(0)
    seen = []

    def fake_load_mnist(data_dir=None):
        seen.append(data_dir)
        test = (rng.random((30, 784), dtype=np.float32), rng.integers(0, 10, 30))
        return types.SimpleNamespace(training=None, validation=None, test=test)

    monkeypatch.setattr(datasets, "load_mnist", fake_load_mnist, raising=False)
    out = tmp_path / "mistakes.png"
    status, _, err = run(capsys, "plot", "mistakes", str(model), "--data-dir", str(tmp_path), "-o", str(out))
    assert (status, err) == (0, "")
    assert seen == [tmp_path]
    assert_png(out)


def test_unknown_kind_is_a_usage_error(capsys, tmp_path):
    status, _, err = run(capsys, "plot", "sigmod", "-o", str(tmp_path / "x.png"))
    assert status == 2
    assert_one_line_error(err, "sigmod", "sigmoid")


@pytest.mark.parametrize(
    "argv, words",
    [
        (["history"], ["MODEL_OR_HISTORY"]),
        (["sigmoid", "extra.npz"], ["takes no file"]),
        (["compare", "-o", "x.jpg"], [".png or .svg"]),
        (["neuron", "--weights", "1", "2", "--inputs", "1", "2", "3"], ["2 weights but 3 inputs"]),
        (["neuron", "--weights", "1", "two"], ["two"]),
        (["weight-bias", "--vary", "w9"], ["w9"]),
        (["limit", "--scales", "1", "-2"], ["finite number > 0"]),
        # nan once ended the list and was taken for a file: "plot limit takes no file, got 'nan'"
        (["limit", "--scales", "1", "nan"], ["each scale c must be a finite number > 0", "nan"]),
        (["limit", "--scales", "inf"], ["each scale c must be a finite number > 0", "inf"]),
        (["limit", "--scales", "1e308"], ["at most 1e+06", "1e+308"]),
        (["sigmoid", "--z-range", "-1e308", "1e308"], ["z range must lie within ±1e+06"]),
        (["limit", "--z-range", "0", "2e6"], ["z range must lie within ±1e+06"]),
        (["weight-bias", "--delta", "1e308"], ["delta must be a positive number at most 3"]),
        (["weight-bias", "--bias", "1e308"], ["bias must lie within ±1e+06"]),
        (
            ["neuron", "--weights", "1e308", "--bias", "0", "--inputs", "1e308"],
            ["z = w·x + b is not a finite number"],
        ),
        (["neuron", "--weights", "1", "nan", "--inputs", "1", "2"], ["weights must be finite"]),
        (["neuron", "--weights", "1", "--inputs", "-inf"], ["inputs must be finite"]),
    ],
)
def test_bad_options_are_usage_errors(argv, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, "plot", *argv)
    assert status == 2
    assert_one_line_error(err, *words)
    assert list(tmp_path.iterdir()) == []  # nothing written


# numpy's np.load leaves its file open when a file starts like a zip but is not one; the error
# the user sees is still one line, which is what this test is about.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("kind", ["weights", "mistakes", "history"])
@pytest.mark.parametrize("content", [b"this is not a model\n", b"PK\x03\x04 but not a zip"])
def test_a_file_that_is_not_a_model_is_a_one_line_error(kind, content, tmp_path, capsys):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(content)
    status, _, err = run(capsys, "plot", kind, str(junk), "-o", str(tmp_path / "x.png"))
    assert status == 1
    assert_one_line_error(err, "junk.npz")
    assert not (tmp_path / "x.png").exists()


def test_mistakes_of_a_model_that_does_not_take_images(tmp_path, monkeypatch, capsys):
    def no_mnist(data_dir=None):
        raise AssertionError("MNIST must not be loaded for a model that cannot read it")

    monkeypatch.setattr(datasets, "load_mnist", no_mnist, raising=False)
    model = io.save(Network([100, 4, 10], rng=0), tmp_path / "small.npz")
    status, _, err = run(capsys, "plot", "mistakes", str(model), "-o", str(tmp_path / "m.png"))
    assert status == 1
    assert_one_line_error(err, "the model takes 100 inputs but MNIST images have 784 pixels")
    assert "features" not in err and not (tmp_path / "m.png").exists()


@pytest.mark.parametrize("kind", ["sigmoid", "history"])
def test_a_missing_output_folder_is_refused_not_created(kind, tmp_path, history, capsys):
    history.save(tmp_path / "history.json")
    source = [str(tmp_path / "history.json")] if kind == "history" else []
    out = tmp_path / "missing" / "dir" / "x.png"
    status, stdout, err = run(capsys, "plot", kind, *source, "-o", str(out))
    assert (status, stdout) == (1, "")
    assert_one_line_error(err, f"the folder {str(out.parent)!r} does not exist")
    assert not (tmp_path / "missing").exists()


def test_a_missing_file_is_a_one_line_error(tmp_path, capsys):
    status, _, err = run(capsys, "plot", "weights", str(tmp_path / "nope.npz"), "-o", str(tmp_path / "x.png"))
    assert status == 1
    assert_one_line_error(err, "nope.npz")


def test_an_output_folder_that_cannot_be_written_is_a_one_line_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    status, _, err = run(capsys, "plot", "sigmoid", "-o", str(blocker / "sigmoid.png"))
    assert status == 1
    assert_one_line_error(err, str(blocker))
