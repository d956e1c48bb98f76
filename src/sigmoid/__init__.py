"""sigmoid: sigmoid neurons, perceptrons and feedforward networks that learn MNIST.

A sigmoid neuron with weights w and bias b outputs σ(w·x + b), σ(z) = 1/(1 + e^(−z)); a perceptron
outputs 1 if w·x + b > 0, else 0. See ``docs/ARCHITECTURE.md`` for the layout of the package.
"""

__version__ = "0.1.0"

from sigmoid.activations import log_softmax, sigmoid, sigmoid_prime, softmax
from sigmoid.neuron import Neuron, Perceptron, SigmoidNeuron

__all__ = [
    "__version__",
    "Neuron",
    "Perceptron",
    "SigmoidNeuron",
    "log_softmax",
    "sigmoid",
    "sigmoid_prime",
    "softmax",
]
