"""Reading ``.npz`` archives of arrays, never with pickle."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from sigmoid.errors import DataError

NPY_MAGIC = b"\x93NUMPY"


def read_npz(path: str | os.PathLike, names: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` file by name (only ``names`` if given; all must be present).

    The file must be a zip archive (checked with :func:`zipfile.is_zipfile` before NumPy sees
    it) of ``.npy`` members; it is loaded with ``allow_pickle=False``, so an archive holding
    object arrays is refused. Every failure is a :class:`DataError` starting with the path.
    """
    path = Path(path)
    _check_is_zip(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            wanted = archive.files if names is None else names
            missing = [name for name in wanted if name not in archive.files]
            if missing:
                raise DataError(
                    f"{path}: no array named {', '.join(missing)} "
                    f"(it has {', '.join(archive.files) or 'none'})"
                )
            return {name: _array(archive, name, path) for name in wanted}
    except ValueError as error:
        reason = (
            "it holds an object array, which could only be read by unpickling"
            if "pickle" in str(error)
            else str(error)
        )
        raise DataError(f"{path}: not a readable .npz file ({reason})") from None
    except (OSError, EOFError, zipfile.BadZipFile) as error:
        raise DataError(f"{path}: not a readable .npz file ({error})") from None


def _check_is_zip(path: Path) -> None:
    """Refuse a missing file, a single ``.npy`` array or anything else that is not a zip."""
    try:
        with open(path, "rb") as file:
            head = file.read(len(NPY_MAGIC))
            is_zip = zipfile.is_zipfile(file)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror or error})") from None
    if head == NPY_MAGIC:
        raise DataError(f"{path}: a single .npy array, not an .npz archive")
    if not is_zip:
        raise DataError(f"{path}: not a readable .npz file (it is not a zip archive)")


def _array(archive: np.lib.npyio.NpzFile, name: str, path: Path) -> np.ndarray:
    value = archive[name]
    if not isinstance(value, np.ndarray):  # NumPy hands back the raw bytes of a non-.npy member
        raise DataError(f"{path}: not a readable .npz file (member {name} is not a .npy array)")
    return value
