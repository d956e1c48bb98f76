"""The IDX format of the MNIST files (raw or gzip, recognised by the bytes).

An IDX file is a big-endian header and a payload:

- bytes 0-1: zero; byte 2: the element type code; byte 3: the number of dimensions ``d``;
- ``d`` unsigned 32-bit big-endian sizes;
- ``prod(sizes)`` elements, big-endian, in C (row-major) order.

Type codes: ``0x08`` uint8, ``0x09`` int8, ``0x0B`` int16, ``0x0C`` int32, ``0x0D`` float32,
``0x0E`` float64.
"""

from __future__ import annotations

import math
import os
import struct
from pathlib import Path

import numpy as np

from sigmoid.datasets._files import bytes_left, open_data, read_exactly
from sigmoid.errors import DataError

IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

#: The most bytes read in one go before the data has shown that it is as long as its header says.
READ_BLOCK = 1 << 24


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (raw or gzip) into a native-endian array of the shape in its header.

    Raises :class:`DataError` for a bad magic number, an unknown type code, a payload shorter
    or longer than the header says, or damaged gzip data; never returns partial data. The sizes in
    the header are not trusted with memory: a raw file's length is compared with them before any
    allocation, and gzip data is read into a buffer that grows only as far as the data goes.
    """
    path = Path(path)
    with open_data(path) as stream:
        dtype, shape = _read_header(stream, path)
        expected = math.prod(shape) * dtype.itemsize
        left = bytes_left(stream)
        if left is not None and left < expected:
            raise _truncated(path, shape, dtype, left)
        if left is not None and left > expected:
            raise _extra_bytes(path, expected)
        # A raw file of the right length is read in one go; gzip data in growing blocks.
        buffer, got = _read_payload(stream, expected, READ_BLOCK if left is None else expected)
        if got < expected:
            raise _truncated(path, shape, dtype, got)
        if stream.read(1):
            raise _extra_bytes(path, expected)
    array = buffer.view(dtype).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=False)


def _read_payload(stream, expected: int, first: int) -> tuple[np.ndarray, int]:
    """Up to ``expected`` bytes of ``stream`` and how many there were, allocating at most about twice
    what is there (or ``first`` bytes): the buffer starts at ``first`` bytes and doubles while data lasts."""
    size = min(expected, first)
    buffer = np.empty(size, dtype=np.uint8)
    got = read_exactly(stream, memoryview(buffer))
    while got == size < expected:
        size = min(expected, 2 * size)
        grown = np.empty(size, dtype=np.uint8)
        grown[:got] = buffer
        buffer = grown
        got += read_exactly(stream, memoryview(buffer)[got:])
    return buffer, got


def _truncated(path: Path, shape: tuple[int, ...], dtype: np.dtype, got: int) -> DataError:
    expected = math.prod(shape) * dtype.itemsize
    return DataError(
        f"{path}: truncated IDX data: the header says {math.prod(shape)} values of "
        f"{dtype.itemsize} byte(s) ({expected} bytes), only {got} bytes are present"
    )


def _extra_bytes(path: Path, expected: int) -> DataError:
    return DataError(
        f"{path}: not a valid IDX file: extra bytes after the {expected} bytes of data its header announces"
    )


def _read_header(stream, path: Path) -> tuple[np.dtype, tuple[int, ...]]:
    """Parse the magic number and the sizes; return the element dtype and the shape."""
    magic = stream.read(4)
    if len(magic) < 4 or magic[:2] != b"\0\0":
        raise DataError(
            f"{path}: not an IDX file (bad magic {_show(magic)}; an IDX file starts "
            f"with two zero bytes, a type code and the number of dimensions)" + _looks_like(magic)
        )
    code, ndim = magic[2], magic[3]
    if code not in IDX_TYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_TYPES)
        raise DataError(f"{path}: not an IDX file (unknown type code 0x{code:02X}; known: {known})")
    sizes = stream.read(4 * ndim)
    if len(sizes) < 4 * ndim:
        raise DataError(
            f"{path}: truncated IDX header: {ndim} dimension sizes announced, "
            f"{len(sizes)} of {4 * ndim} bytes present"
        )
    return IDX_TYPES[code], struct.unpack(f">{ndim}I", sizes)


def _show(data: bytes) -> str:
    return "0x" + data.hex().upper() if data else "(empty file)"


def _looks_like(data: bytes) -> str:
    if data.lstrip()[:1] == b"<":
        return "; it looks like an HTML page, e.g. an error page saved by a failed download"
    return ""
