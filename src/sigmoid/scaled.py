"""Integer data that stands for ``values · scale``, converted to floats only a few rows at a time.

MNIST's pixels are integers k in 0..255 with a scale of 1/256 (the book's file) or 1/255 (the IDX
files). Kept as uint8 the 70,000 images take 55 MB; as float32 they take 220 MB. Networks and
training accept a :class:`ScaledArray` wherever they accept a float array of inputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ScaledArray:
    """``values`` (an integer array) standing for ``values * scale``.

    Converting a row gives ``values[i].astype(dtype) * dtype(scale)``: exact when ``scale`` is a
    power of two such as 1/256; otherwise within 1.5 ulp of the exact ``values · scale`` (two roundings:
    of the scale, then of the product; for 1/255 about half the values differ from ``values / 255``).
    """

    values: np.ndarray
    scale: float

    def __post_init__(self) -> None:
        if not isinstance(self.values, np.ndarray) or self.values.dtype.kind not in "biu":
            raise TypeError(
                f"ScaledArray values must be an integer NumPy array, got "
                f"{getattr(self.values, 'dtype', type(self.values).__name__)}"
            )
        if not (isinstance(self.scale, (int, float)) and math.isfinite(self.scale) and self.scale > 0):
            raise ValueError(f"ScaledArray scale must be a finite number > 0, got {self.scale!r}")

    @property
    def shape(self) -> tuple[int, ...]:
        return self.values.shape

    @property
    def ndim(self) -> int:
        return self.values.ndim

    def __len__(self) -> int:
        return len(self.values)

    def rows(self, index, dtype="float32") -> np.ndarray:
        """Rows ``values[index]`` as floats of ``dtype``, multiplied by the scale."""
        dtype = np.dtype(dtype)
        converted = self.values[index].astype(dtype)
        converted *= dtype.type(self.scale)
        return converted

    def to_float(self, dtype="float32") -> np.ndarray:
        """The whole array as floats of ``dtype``."""
        return self.rows(slice(None), dtype)
