"""Opening data files whatever their compression, and writing files atomically.

Gzip is recognised by its first two bytes (``1f 8b``, RFC 1952), never by the file name: a
failed download saved as ``something.gz`` is often an HTML page, and a file un-gzipped by a
browser often keeps its ``.gz`` name.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sigmoid.atomic import atomic_write as shared_atomic_write
from sigmoid.errors import DataError

GZIP_MAGIC = b"\x1f\x8b"
# Exceptions the gzip and zlib modules raise for damaged or cut-off data.
CORRUPT_GZIP = (EOFError, gzip.BadGzipFile, zlib.error)


def is_gzip(path: str | os.PathLike) -> bool:
    """True when the file starts with the gzip magic bytes ``1f 8b``."""
    with open(path, "rb") as file:
        return file.read(2) == GZIP_MAGIC


@contextlib.contextmanager
def open_data(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open ``path`` for reading bytes, decompressing on the fly if its content is gzip.

    A missing file or damaged gzip data is a :class:`DataError` that names the file.
    """
    path = Path(path)
    try:
        compressed = is_gzip(path)
        raw = open(path, "rb")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror or error})") from None
    with raw:
        stream: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw
        try:
            yield stream
        except CORRUPT_GZIP as error:
            if not compressed:
                raise
            raise DataError(f"{path}: {describe_gzip_error(error)}") from None
        finally:
            if compressed:
                stream.close()


def describe_gzip_error(error: BaseException) -> str:
    """A short sentence for an exception raised while decompressing gzip data."""
    if isinstance(error, EOFError):
        return "the gzip data is truncated (the file was cut off, e.g. by an interrupted download)"
    return f"the gzip data is corrupt ({error})"


def read_exactly(stream: BinaryIO, buffer: memoryview) -> int:
    """Fill ``buffer`` from ``stream`` (without an intermediate copy); return the bytes read."""
    filled = 0
    total = len(buffer)
    while filled < total:
        count = stream.readinto(buffer[filled:])
        if not count:
            break
        filled += count
    return filled


def bytes_left(stream: BinaryIO) -> int | None:
    """The bytes from the position of ``stream`` to the end of its file, known without reading them:
    for a plain regular file only; None for gzip data (the size is known once decompressed) or a pipe.
    """
    if isinstance(stream, gzip.GzipFile):
        return None
    try:
        status = os.fstat(stream.fileno())
        position = stream.tell()
    except (AttributeError, OSError, ValueError):  # no file descriptor, or not seekable
        return None
    return status.st_size - position if stat.S_ISREG(status.st_mode) else None


def sha256_of(path: str | os.PathLike, *, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a file's bytes as 64 lowercase hex digits (read in 1 MiB chunks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(chunk):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """:func:`sigmoid.atomic.atomic_write`, creating the folder first (the cache may not exist yet)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with shared_atomic_write(path) as handle:
        yield handle
