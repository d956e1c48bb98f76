"""sigmoid: sigmoid neurons, perceptrons and feedforward networks that learn MNIST.

A sigmoid neuron with weights w and bias b outputs σ(w·x + b), σ(z) = 1/(1 + e^(−z)); a perceptron
outputs 1 if w·x + b > 0, else 0. See ``docs/ARCHITECTURE.md`` for the layout of the package.
"""

__version__ = "0.1.0"

from sigmoid import datasets
from sigmoid.activations import log_softmax, sigmoid, sigmoid_prime, softmax
from sigmoid.io import load, save
from sigmoid.network import Network
from sigmoid.neuron import Neuron, Perceptron, SigmoidNeuron
from sigmoid.scaled import ScaledArray
from sigmoid.training import History, train

__all__ = [
    "__version__",
    "History",
    "Network",
    "Neuron",
    "Perceptron",
    "ScaledArray",
    "SigmoidNeuron",
    "datasets",
    "load",
    "log_softmax",
    "save",
    "sigmoid",
    "sigmoid_prime",
    "softmax",
    "train",
]
