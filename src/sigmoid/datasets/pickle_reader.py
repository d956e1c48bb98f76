"""A safe reader for the book's ``mnist.pkl.gz``: a Python-2 pickle of NumPy arrays.

Unpickling can call any function the file names, so a crafted pickle can run code. This
reader's :meth:`_NumpyOnlyUnpickler.find_class` allows only the globals a pickled ``ndarray``
needs (``numpy.core.multiarray._reconstruct`` or ``numpy._core.multiarray._reconstruct``,
``numpy.ndarray``, ``numpy.dtype``) and refuses anything else with a :class:`DataError` naming
the global, before anything is called. Even the allowed names are not handed NumPy's own
functions: they map to small stand-ins that only record shape, dtype and the raw bytes, from
which the array is rebuilt with :func:`numpy.frombuffer` for plain numeric dtypes only.

The Python-2 ``str`` payloads are read as ``bytes`` (``encoding="bytes"``, equivalent here to the
usual ``latin1`` but without decoding 157 MB of pixels into a text string and back), and the
pure-Python unpickler is used because it hands the bytes it read to :meth:`__setstate__` without
the extra copy the C unpickler makes: loading the book's file then peaks near 200 MB, not 450 MB.
"""

from __future__ import annotations

import math
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sigmoid.datasets._files import open_data
from sigmoid.errors import DataError

ArrayHook = Callable[[np.ndarray], np.ndarray]

_RECONSTRUCT = {
    ("numpy.core.multiarray", "_reconstruct"),  # written by NumPy 1.x (the book's file)
    ("numpy._core.multiarray", "_reconstruct"),  # written by NumPy 2.x
}
_NDARRAY = ("numpy", "ndarray")
_DTYPE = ("numpy", "dtype")
# Plain numeric kinds only: b(ool), i(nt), u(nsigned), f(loat). Never O(bject).
_NUMERIC_KINDS = "biuf"


def read_pickle(path: str | os.PathLike, *, convert: ArrayHook | None = None) -> Any:
    """Load a (possibly gzipped) pickle made only of tuples, lists and NumPy numeric arrays.

    ``convert`` is applied to each array as soon as it is rebuilt (default: a native-endian,
    writable copy), so a caller can shrink big arrays (e.g. float32 pixels to uint8) before the
    next one is read. A pickle that names any other global is refused without running anything.
    """
    path = Path(path)
    with open_data(path) as stream:
        unpickler = _NumpyOnlyUnpickler(stream, path, convert or _native_copy)
        try:
            result = unpickler.load()
        except DataError:
            raise
        except (pickle.UnpicklingError, EOFError) as error:
            raise DataError(f"{path}: not a readable pickle ({error or 'unexpected end of data'})") from None
        except (TypeError, ValueError, AttributeError, IndexError, KeyError) as error:
            raise DataError(f"{path}: not a pickle of NumPy arrays ({error})") from None
        if stream.read(1):
            raise DataError(f"{path}: unexpected bytes after the end of the pickle")
    return _finish(result, path)


def _native_copy(array: np.ndarray) -> np.ndarray:
    return array.astype(array.dtype.newbyteorder("="), copy=True)


class _NumpyOnlyUnpickler(pickle._Unpickler):  # the pure-Python unpickler: see module docstring
    """An unpickler whose only callables are the stand-ins for NumPy's array reconstruction."""

    def __init__(self, stream, path: Path, convert: ArrayHook) -> None:
        super().__init__(stream, encoding="bytes")
        self._path = path
        self._convert = convert

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _RECONSTRUCT:
            return self._reconstruct
        if (module, name) == _NDARRAY:
            return _NDARRAY_MARKER
        if (module, name) == _DTYPE:
            return self._dtype
        raise DataError(
            f"{self._path}: refused to load: the pickle asks for the global "
            f"{module}.{name}, which a file of NumPy arrays never needs (a crafted "
            f"pickle can run code this way); nothing was run"
        )

    def persistent_load(self, pid: Any) -> Any:
        raise DataError(f"{self._path}: refused to load: the pickle uses persistent ids")

    def _reconstruct(self, cls: Any, shape: Any, typecode: Any) -> _ArrayStub:
        if cls is not _NDARRAY_MARKER:
            raise DataError(f"{self._path}: refused to load: _reconstruct of {cls!r}, not ndarray")
        return _ArrayStub(self._path, self._convert)

    def _dtype(self, name: Any, align: Any = 0, copy: Any = 0) -> _DTypeStub:
        # A bound method, not the class itself: the pickle's BUILD could set class attributes.
        return _DTypeStub(name)


class _NdarrayMarker:
    """Stands for ``numpy.ndarray`` inside the pickle; not callable, no attributes to set."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "numpy.ndarray"


_NDARRAY_MARKER = _NdarrayMarker()


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("ascii")
    if isinstance(value, str):
        return value
    raise TypeError(f"expected a string, got {type(value).__name__}")


class _DTypeStub:
    """Records ``numpy.dtype(name, align, copy)`` and the byte order from its state."""

    def __init__(self, name: Any) -> None:
        self.name = _text(name)
        self.order = "="

    def __setstate__(self, state: Any) -> None:
        # state = (version, byte order, subdtype, names, fields, itemsize, alignment, flags)
        if not isinstance(state, tuple) or len(state) < 2:
            raise TypeError(f"unexpected dtype state {state!r}")
        self.order = _text(state[1])

    def resolve(self) -> np.dtype:
        order = self.order if self.order in "<>=|" else "="
        dtype = np.dtype(self.name).newbyteorder(order) if order != "|" else np.dtype(self.name)
        if dtype.kind not in _NUMERIC_KINDS:
            raise TypeError(f"dtype {dtype.str!r} is not a plain numeric type")
        return dtype


class _ArrayStub:
    """Receives an ndarray's pickled state and turns it into a real array."""

    def __init__(self, path: Path, convert: ArrayHook) -> None:
        self._path = path
        self._convert = convert
        self.array: np.ndarray | None = None

    def __setstate__(self, state: Any) -> None:
        # state = (version, shape, dtype, is_fortran, raw bytes)
        if not isinstance(state, tuple) or len(state) != 5:
            raise TypeError("unexpected ndarray state")
        _, shape, dtype_stub, fortran, data = state
        if not isinstance(dtype_stub, _DTypeStub) or not isinstance(data, (bytes, str)):
            raise TypeError("ndarray state without a numeric dtype and raw bytes")
        if isinstance(data, str):
            data = data.encode("latin1")
        shape = tuple(int(n) for n in shape)
        dtype = dtype_stub.resolve()
        expected = math.prod(shape) * dtype.itemsize
        if len(data) != expected:
            raise ValueError(
                f"array of shape {shape} and dtype {dtype.str} needs {expected} "
                f"bytes, the pickle holds {len(data)}"
            )
        flat = np.frombuffer(data, dtype=dtype)
        del data, state
        self.array = self._convert(flat.reshape(shape, order="F" if fortran else "C"))


def _finish(value: Any, path: Path) -> Any:
    """Replace the stand-ins in the loaded structure by the arrays they rebuilt."""
    if isinstance(value, _ArrayStub):
        if value.array is None:
            raise DataError(f"{path}: not a pickle of NumPy arrays (an array without data)")
        return value.array
    if isinstance(value, tuple):
        return tuple(_finish(item, path) for item in value)
    if isinstance(value, list):
        return [_finish(item, path) for item in value]
    if isinstance(value, (int, float, bytes, str, type(None))):
        return value
    raise DataError(f"{path}: not a pickle of NumPy arrays (found {type(value).__name__})")
