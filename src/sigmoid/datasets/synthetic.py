"""A tiny synthetic digit-like data set for tests and examples that must not touch MNIST."""

from __future__ import annotations

import numpy as np

from sigmoid.datasets.mnist import PIXELS


def synthetic_digits(
    n: int,
    *,
    n_classes: int = 10,
    n_features: int = PIXELS,
    noise: float = 0.1,
    rng: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` MNIST-like rows: float32 ``X`` in [0, 1], shape ``(n, n_features)``; int64 ``y``.

    Each class has a fixed random prototype (pixels 0 or 1, drawn from ``rng``); a sample is its
    class prototype plus uniform noise in [−noise, noise], clipped to [0, 1]. Linearly
    separable for small ``noise``, so a network should learn it quickly.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if n_classes < 1 or n_features < 1:
        raise ValueError(f"n_classes and n_features must be >= 1, got {n_classes}, {n_features}")
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise must be in [0, 1], got {noise}")
    generator = np.random.default_rng(rng)
    prototypes = (generator.random((n_classes, n_features)) < 0.3).astype(np.float32)
    y = generator.integers(0, n_classes, size=n, dtype=np.int64)
    jitter = generator.uniform(-noise, noise, size=(n, n_features)).astype(np.float32)
    X = np.clip(prototypes[y] + jitter, 0.0, 1.0).astype(np.float32)
    return X, y
