"""sigmoid: sigmoid neurons, perceptrons and feedforward networks that learn MNIST.

A sigmoid neuron with weights w and bias b outputs σ(w·x + b), σ(z) = 1/(1 + e^(−z)); a perceptron
outputs 1 if w·x + b > 0, else 0. See ``docs/ARCHITECTURE.md`` for the layout of the package.

The names below are imported on first use (PEP 562), so that ``import sigmoid`` and the ``sigmoid``
command start without loading NumPy and SciPy: a Ctrl-C in the first instants is then reported
like any other, and ``sigmoid --help`` answers at once.
"""

import importlib as _importlib
import importlib.util as _importlib_util

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_HOMES = {
    "History": "sigmoid.training",
    "Network": "sigmoid.network",
    "Neuron": "sigmoid.neuron",
    "Perceptron": "sigmoid.neuron",
    "ScaledArray": "sigmoid.scaled",
    "SigmoidNeuron": "sigmoid.neuron",
    "load": "sigmoid.io",
    "log_softmax": "sigmoid.activations",
    "save": "sigmoid.io",
    "sigmoid": "sigmoid.activations",
    "sigmoid_prime": "sigmoid.activations",
    "softmax": "sigmoid.activations",
    "train": "sigmoid.training",
}

__all__ = ["__version__", "datasets", *sorted(_HOMES)]


def __getattr__(name: str):
    if name in _HOMES:
        value = getattr(_importlib.import_module(_HOMES[name]), name)
    elif not name.startswith("_") and _importlib_util.find_spec(f"sigmoid.{name}") is not None:
        value = _importlib.import_module(f"sigmoid.{name}")  # a submodule: sigmoid.activations...
    else:
        raise AttributeError(f"module 'sigmoid' has no attribute {name!r}")
    globals()[name] = value  # found once; later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({name for name in globals() if not name.startswith("_")} | set(__all__))
