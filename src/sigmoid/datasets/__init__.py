"""Data sets: MNIST with the book's split, its file readers and fetching, a tiny synthetic set.

>>> training, validation, test = load_mnist()       # doctest: +SKIP
>>> X, y = training                                  # X float32 (50000, 784) in [0, 1], y int64
"""

from sigmoid.datasets.fetch import ENV_VAR, mnist_cache_dir
from sigmoid.datasets.idx import read_idx
from sigmoid.datasets.mnist import (
    MNIST,
    fetch_mnist,
    load_mnist,
    load_mnist_uint8,
    pixels_to_float,
    verify_mnist,
)
from sigmoid.datasets.npz import read_npz
from sigmoid.datasets.pickle_reader import read_pickle
from sigmoid.datasets.synthetic import synthetic_digits

__all__ = [
    "ENV_VAR",
    "MNIST",
    "fetch_mnist",
    "load_mnist",
    "load_mnist_uint8",
    "mnist_cache_dir",
    "pixels_to_float",
    "read_idx",
    "read_npz",
    "read_pickle",
    "synthetic_digits",
    "verify_mnist",
]
