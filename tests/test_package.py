"""The package and the command start light: NumPy loads on first use, so Ctrl-C is answered at once."""

from __future__ import annotations

import subprocess
import sys

import pytest

import sigmoid
from sigmoid import cli


def test_importing_the_package_and_the_command_loads_no_numpy():
    code = "import sys, sigmoid, sigmoid.cli; print(sorted({'numpy', 'scipy'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_public_names_resolve_on_first_use():
    from sigmoid.network import Network
    from sigmoid.training import train

    assert sigmoid.Network is Network and sigmoid.train is train
    assert set(sigmoid.__all__) <= set(dir(sigmoid))
    assert sigmoid.datasets.load_mnist is not None
    with pytest.raises(AttributeError, match="no attribute 'Netwrok'"):
        sigmoid.Netwrok  # noqa: B018


def test_ctrl_c_while_the_commands_load_is_one_line(monkeypatch, capsys):
    def pressed():
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_register_subcommands", pressed)
    assert cli.main(["train"]) == cli.EXIT_INTERRUPTED
    assert capsys.readouterr().err == "sigmoid: interrupted\n"


def test_submodules_are_attributes_as_before():
    code = "import sigmoid as s; print(s.activations.tanh.name, s.costs.__name__, s.examples.__name__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["tanh", "sigmoid.costs", "sigmoid.examples"]
    assert "_HOMES" not in dir(sigmoid) and "Network" in dir(sigmoid)
