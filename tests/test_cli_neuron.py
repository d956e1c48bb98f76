"""Tests for ``sigmoid neuron``; expected numbers from mpmath, not from the library."""

from __future__ import annotations

import subprocess
import sys

import mpmath
import pytest

from sigmoid.cli import main

MP = mpmath.MPContext()
MP.dps = 40

EXAMPLE = ["neuron", "--weights", "0.5", "-1", "2", "--bias", "-0.3", "--inputs", "1", "0", "0.638"]
Z = MP.mpf("1.476")  # 0.5·1 − 1·0 + 2·0.638 − 0.3


def sigma(z):
    return 1 / (1 + MP.exp(-z))


def sigma_prime(z):
    return sigma(z) * sigma(-z)


def run(argv: list[str], capsys) -> tuple[int, dict[str, str], str]:
    status = main(argv)
    out, err = capsys.readouterr()
    values = {}
    for line in out.splitlines():
        key, _, value = line.rpartition(" = ")
        values[key] = value
    return status, values, err


def test_the_example_from_the_issue(capsys):
    status, values, err = run(EXAMPLE, capsys)
    assert status == 0 and err == ""
    assert float(values["z = w.x + b"]) == pytest.approx(float(Z), rel=1e-15)
    assert float(values["sigmoid output = 1/(1 + exp(-z))"]) == pytest.approx(float(sigma(Z)), rel=1e-15)
    assert values["perceptron output"] == "1"
    slope = sigma_prime(Z)
    for j, x in enumerate(["1", "0", "0.638"], start=1):
        expected = float(slope * MP.mpf(x))
        assert float(values[f"d output/d w{j}"]) == pytest.approx(expected, rel=1e-14, abs=0)
    assert float(values["d output/d b"]) == pytest.approx(float(slope), rel=1e-14)
    assert "predicted change" not in values


def test_predicted_and_actual_change(capsys):
    status, values, _ = run(EXAMPLE + ["--dw", "0.01", "0", "0", "--db", "0.01"], capsys)
    assert status == 0
    dz = MP.mpf("0.02")  # 0.01·1 + 0.01
    predicted = float(values["predicted change"])
    actual = float(values["actual change"])
    assert predicted == pytest.approx(float(sigma_prime(Z) * dz), rel=1e-13)
    assert actual == pytest.approx(float(sigma(Z + dz) - sigma(Z)), rel=1e-12)


def test_db_alone_and_equals_form(capsys):
    argv = ["neuron", "--weights=-2", "-2", "--bias=3", "--inputs", "1", "1", "--db", "-0.5"]
    status, values, _ = run(argv, capsys)
    assert status == 0
    assert float(values["z = w.x + b"]) == -1.0  # the NAND perceptron on (1, 1)
    assert values["perceptron output"] == "0"
    actual = sigma(MP.mpf("-1.5")) - sigma(MP.mpf(-1))
    assert float(values["actual change"]) == pytest.approx(float(actual), rel=1e-13)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--weights", "0.5", "-1", "--bias", "0", "--inputs", "1", "2", "3"], "--inputs has 3"),
        (["--weights", "1", "2", "--bias", "0", "--inputs", "1", "2", "--dw", "1"], "--dw has 1"),
        (["--weights", "0.5", "abc", "--bias", "0", "--inputs", "1", "2"], "'abc' is not a number"),
        (["--weights", "1", "--bias", "x", "--inputs", "1"], "'x' is not a number"),
        (["--weights", "1", "--bias", "nan", "--inputs", "1"], "not a finite number"),
        (["--weights", "1", "--bias", "1", "2", "--inputs", "1"], "--bias takes one number"),
        (["--weights", "1", "--inputs", "1"], "missing option --bias"),
        (["--weights", "--bias", "1", "--inputs", "1"], "--weights needs a value"),
        (["--weights", "1", "--bias", "1", "--inputs", "1", "--colour", "red"], "no such option"),
        (["3", "--weights", "1", "--bias", "1", "--inputs", "1"], "unexpected value '3'"),
        (["--weights", "1", "--weights", "2", "--bias", "1", "--inputs", "1"], "given twice"),
    ],
)
def test_bad_arguments_give_one_line_and_status_2(argv, message, capsys):
    status = main(["neuron", *argv])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("sigmoid neuron: error: ")
    assert message in err
    assert "Traceback" not in err


def test_a_change_that_overflows_is_one_line_naming_it(capsys):
    argv = ["neuron", "--weights", "1e308", "--bias", "0", "--inputs", "1", "--dw", "1e308"]
    status = main(argv)  # once a RuntimeWarning (an error in this suite) and "weights must be finite"
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert err == (
        "sigmoid neuron: error: the changed weight w + Δw overflows at index 0: "
        "1e+308 + 1e+308 is too large for a float\n"
    )


def test_a_z_that_overflows_is_one_line(capsys):
    status = main(["neuron", "--weights", "1e308", "--bias", "0", "--inputs", "10"])
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert err.startswith("sigmoid neuron: error: z = w·x + b is not a finite number")
    assert err.count("\n") == 1


def test_help(capsys):
    assert main(["neuron", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--weights" in out and "--dw" in out


def test_python_dash_m():
    completed = subprocess.run(
        [sys.executable, "-m", "sigmoid", *EXAMPLE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "perceptron output = 1" in completed.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "sigmoid", "neuron", "--weights", "1", "--bias", "oops"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "Traceback" not in bad.stderr


def test_sigmoid_alone_prints_the_help_and_succeeds(capsys):
    assert main([]) == 0  # once "sigmoid: error: Usage: ..." with the help, and status 2
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("Usage: sigmoid [OPTIONS] COMMAND [ARGS]...")
    for command in ("neuron", "train", "data", "plot"):
        assert f"  {command} " in out
    completed = subprocess.run(
        [sys.executable, "-m", "sigmoid"], capture_output=True, text=True, timeout=60, check=False
    )
    assert (completed.returncode, completed.stderr) == (0, "")
    assert completed.stdout == out


def test_an_unknown_subcommand_is_a_usage_error_of_sigmoid(capsys):
    assert main(["nueron"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sigmoid: error: No such command 'nueron'") and err.count("\n") == 1
