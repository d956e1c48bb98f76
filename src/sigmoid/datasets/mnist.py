"""MNIST with the book's split: 50,000 training, 10,000 validation and 10,000 test images.

The source files (the book's ``mnist.pkl.gz``, the four IDX files or Keras's ``mnist.npz``) are
verified by SHA-256 once, then turned into a *derived cache*, ``mnist-uint8-v1.npz``: an
uncompressed ``.npz`` of uint8 pixels and int64 labels that loads in a fraction of a second.
Pixels are stored as integers ``k`` with a denominator ``d``; the value is ``k / d``:

- the book's pickle holds float32 values that are exactly ``k/256``, ``k`` in 0..255
  (checked value by value while converting), so ``d = 256`` is lossless;
- the IDX and Keras files hold bytes 0..255, scaled to [0, 1] by ``d = 255``.

Division by ``d`` in the target dtype is correctly rounded, so a float32 pixel is the same as
the float32 nearest to ``k/d``. The validation set is the last 10,000 images of MNIST's 60,000
training images, as in the book.

The derived cache is only trusted while the record written beside it, ``mnist-uint8-v1.json``,
vouches for its contents (see :mod:`sigmoid.datasets.record`); a cache that is damaged, was
changed after it was written or has no record is rebuilt from the verified source files.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from sigmoid.datasets import fetch
from sigmoid.datasets._files import atomic_write, sha256_of
from sigmoid.datasets.fetch import KIND_FILES, mnist_cache_dir
from sigmoid.datasets.idx import read_idx
from sigmoid.datasets.npz import read_npz
from sigmoid.datasets.pickle_reader import read_pickle
from sigmoid.datasets.record import (
    Record,
    arrays_sha256,
    fingerprint,
    read_record,
    record_path,
    refresh_record,
    write_record,
)
from sigmoid.errors import DataError

Log = Callable[[str], None]
Pair = tuple[np.ndarray, np.ndarray]

DERIVED_NAME = "mnist-uint8-v1.npz"
SPLITS = {"training": 50_000, "validation": 10_000, "test": 10_000}
PIXELS = 784
_ROWS_PER_BLOCK = 1024  # rows converted at a time, to keep temporaries small


class MNIST(NamedTuple):
    """The three splits, each an ``(X, y)`` pair: ``X`` is ``(n, 784)``, ``y`` int64 ``(n,)``.

    Unpacks like the book's ``load_data()``: ``training, validation, test = load_mnist()``.
    """

    training: Pair
    validation: Pair
    test: Pair


def load_mnist(
    data_dir: str | os.PathLike | None = None,
    *,
    dtype: npt.DTypeLike = "float32",
    download: bool = True,
    log: Log | None = None,
) -> MNIST:
    """MNIST with pixels as ``dtype`` floats in [0, 1] and int64 labels 0..9.

    Fetches and verifies the files first if the cache folder (see :func:`mnist_cache_dir`)
    lacks them and ``download`` is true; otherwise a missing file is a :class:`DataError`.
    """
    target = _float_dtype(dtype)
    data, scale = load_mnist_uint8(data_dir, download=download, log=log)
    return MNIST(*((pixels_to_float(X, scale, dtype=target), y) for X, y in data))


def load_mnist_uint8(
    data_dir: str | os.PathLike | None = None,
    *,
    download: bool = True,
    log: Log | None = None,
    thorough: bool = False,
) -> tuple[MNIST, float]:
    """MNIST with uint8 pixels ``k`` and the ``scale`` (1/256 or 1/255) that maps them to [0, 1].

    The lean way to hold the data: 55 MB instead of 220 MB of float32. Convert the rows you need
    with :func:`pixels_to_float`. The derived cache is used when its record vouches for it (see
    :func:`read_derived`), else rebuilt from the verified source files with a note to ``log``;
    ``thorough`` hashes every file even when its size and times are unchanged (about 0.1 s).
    """
    folder = mnist_cache_dir(data_dir)
    log = log or _stderr
    derived = read_derived(folder / DERIVED_NAME, log=log, thorough=thorough)
    if derived is not None:
        return derived
    return _build_derived(folder, download=download, log=log)


def pixels_to_float(X: np.ndarray, scale: float, *, dtype: npt.DTypeLike = "float32") -> np.ndarray:
    r"""Integer pixels ``k`` as floats :math:`k \cdot \text{scale}`, correctly rounded.

    When ``1/scale`` is an integer ``d`` (256 or 255) the result is ``k / d`` computed in
    ``dtype``, i.e. the ``dtype`` value nearest to the exact quotient.
    """
    target = _float_dtype(dtype)
    out = np.asarray(X).astype(target)
    denominator = round(1.0 / scale)
    if abs(denominator * scale - 1.0) < 1e-12:
        out /= target.type(denominator)
    else:
        out *= target.type(scale)
    return out


def fetch_mnist(data_dir: str | os.PathLike | None = None, *, log: Log | None = None) -> Path:
    """Make sure MNIST is in the cache folder, verified and converted; return the folder."""
    folder = mnist_cache_dir(data_dir)
    load_mnist_uint8(folder, download=True, log=log)
    return folder


def verify_mnist(data_dir: str | os.PathLike | None = None) -> list[str]:
    """Check the SHA-256 of every source file present and the derived cache; return a report.

    The derived cache's arrays are hashed and compared with the SHA-256 recorded beside it when
    it was written (see :mod:`sigmoid.datasets.record`). Raises :class:`DataError` listing every
    problem found (a file with a wrong checksum, a derived cache that is damaged, was changed
    after it was written or was made from other source files, nothing cached at all), ending
    with how to repair: which files to delete before running ``sigmoid data`` again.
    """
    folder = mnist_cache_dir(data_dir)
    report: list[str] = []
    problems: list[str] = []
    bad: list[Path] = []
    present = _verify_sources(folder, report, problems, bad)
    good = {name: digest for name, digest in present.items() if folder / name not in bad}
    derived = folder / DERIVED_NAME
    if derived.is_file() and not _verify_derived(derived, good, report, problems):
        bad.append(derived)
    if not present and not derived.is_file():
        problems.append(f"nothing cached in {folder}; run `sigmoid data` to fetch MNIST")
    if problems:
        repair = (
            f" To repair: delete {' and '.join(str(path) for path in bad)}, then run `sigmoid data` again."
            if bad
            else ""
        )
        raise DataError(f"MNIST in {folder} failed verification: " + "; ".join(problems) + "." + repair)
    return report


def _verify_sources(folder: Path, report: list[str], problems: list[str], bad: list[Path]) -> dict[str, str]:
    """Hash every known source file present; return their SHA-256 by name."""
    present: dict[str, str] = {}
    for files in KIND_FILES.values():
        for name, expected in files.items():
            if (folder / name).is_file():
                digest = sha256_of(folder / name)
                present[name] = digest
                if digest == expected:
                    report.append(f"{name}: SHA-256 ok ({digest})")
                else:
                    problems.append(f"{name}: SHA-256 {digest}, expected {expected}")
                    bad.append(folder / name)
    return present


def _verify_derived(path: Path, present: dict[str, str], report: list[str], problems: list[str]) -> bool:
    """Hash the derived cache's arrays against its record; False (and a problem) if not ok."""
    try:
        arrays = _read_derived_npz(path)
        data, scale, sources = _unpack(arrays, path)
        recorded = read_record(path)
    except DataError as error:
        problems.append(str(error))
        return False
    digest = arrays_sha256(arrays)
    if digest != recorded.arrays_sha256:
        problems.append(_changed(path, digest, recorded))
        return False
    stale = [
        item
        for item in sources
        if item.partition(":")[0] in present and present[item.partition(":")[0]] != item.partition(":")[2]
    ]
    if stale:
        problems.append(f"{path.name} was made from other source files ({', '.join(stale)})")
        return False
    sizes = "/".join(str(len(y)) for _, y in data)
    report.append(
        f"{path.name}: ok (arrays' SHA-256 {digest} as recorded; {sizes} images, "
        f"pixels k/{round(1 / scale)}, made from "
        f"{', '.join(s.partition(':')[0] for s in sources)})"
    )
    return True


def read_derived(path: Path, *, log: Log | None = None, thorough: bool = False) -> tuple[MNIST, float] | None:
    """The derived cache, or None if it is missing, damaged or changed (then it is rebuilt).

    Its record vouches for it: when the file's fingerprint (size, mtime, ctime, inode) is the
    recorded one its arrays are trusted without hashing; otherwise, or when ``thorough``, they
    are hashed and compared with the recorded SHA-256. The source files it was made from are
    checked the same way; one that fails its SHA-256 gets a warning (MNIST still loads).
    """
    log = log or _stderr
    if not path.is_file():
        return None
    try:
        before = fingerprint(path)
        arrays = _read_derived_npz(path)
        data, scale, sources = _unpack(arrays, path)
        recorded = _vouched(path, arrays, before, thorough=thorough)
    except (DataError, OSError) as error:
        log(f"{error}; rebuilding {path.name} from the verified source files")
        return None
    _check_sources(path, sources, recorded, log=log, thorough=thorough)
    return data, scale


def _vouched(path: Path, arrays: dict[str, np.ndarray], before: list[int], *, thorough: bool) -> Record:
    """The record of ``path`` once it vouches for ``arrays``; a DataError if it does not."""
    recorded = read_record(path)
    if thorough or before != recorded.fingerprint:
        digest = arrays_sha256(arrays)
        if digest != recorded.arrays_sha256:
            raise DataError(_changed(path, digest, recorded))
        if before != recorded.fingerprint:  # e.g. the folder was copied: same arrays
            recorded.fingerprint = before
            refresh_record(path, recorded)
    return recorded


def _changed(path: Path, digest: str, recorded: Record) -> str:
    return (
        f"the cache file {path} was changed after it was written (its arrays' SHA-256 is "
        f"{digest}, {record_path(path).name} recorded {recorded.arrays_sha256})"
    )


def _check_sources(path: Path, sources: list[str], recorded: Record, *, log: Log, thorough: bool) -> None:
    """Warn about each source file of the derived cache that is present but fails its SHA-256."""
    refreshed = False
    for item in sources:
        name, _, expected = item.partition(":")
        source = path.parent / name
        if not source.is_file():
            continue  # the derived cache alone is enough
        now = fingerprint(source)
        if not thorough and recorded.sources.get(name) == now:
            continue
        got = sha256_of(source)
        if got != expected:
            log(
                f"warning: {source} fails its SHA-256 check (SHA-256 {got}, expected "
                f"{expected}); MNIST still loads from the verified {path.name}; to repair, "
                f"delete {source} and run `sigmoid data` again"
            )
        elif recorded.sources.get(name) != now:
            recorded.sources[name] = now
            refreshed = True
    if refreshed:
        refresh_record(path, recorded)


def _read_derived_npz(path: Path) -> dict[str, np.ndarray]:
    names = tuple(f"{split}_{part}" for split in SPLITS for part in ("images", "labels"))
    try:
        return read_npz(path, names + ("pixel_denominator", "sources"))
    except DataError as error:
        reason = str(error).removeprefix(f"{path}: ")
        raise DataError(f"the cache file {path} is damaged ({reason})") from None


def _unpack(arrays: dict[str, np.ndarray], path: Path) -> tuple[MNIST, float, list[str]]:
    data = MNIST(
        *(_checked(arrays[f"{split}_images"], arrays[f"{split}_labels"], split, path) for split in SPLITS)
    )
    denominator = int(arrays["pixel_denominator"])
    if denominator not in (255, 256):
        raise DataError(
            f"the cache file {path} is damaged: pixel denominator {denominator}, expected 255 or 256"
        )
    return data, 1.0 / denominator, [str(s) for s in arrays["sources"]]


def _checked(X: np.ndarray, y: np.ndarray, split: str, path: Path) -> Pair:
    """Check one split's shapes, dtypes and label range."""
    n = SPLITS[split]
    if X.shape != (n, PIXELS) or X.dtype != np.uint8:
        raise DataError(f"{path}: {split} images are {X.dtype} {X.shape}, expected uint8 ({n}, {PIXELS})")
    if y.shape != (n,) or y.dtype != np.int64:
        raise DataError(f"{path}: {split} labels are {y.dtype} {y.shape}, expected int64 ({n},)")
    if n and (y.min() < 0 or y.max() > 9):
        raise DataError(f"{path}: {split} labels outside 0..9 ({y.min()}..{y.max()})")
    return X, y


def _build_derived(folder: Path, *, download: bool, log: Log) -> tuple[MNIST, float]:
    kind = fetch.cached_kind(folder)
    if kind is None:
        if not download:
            raise DataError(
                f"MNIST is not in {folder} and downloading is off; " + fetch.manual_instructions(folder)
            )
        kind = fetch.fetch_sources(folder, log=log)
    log(f"converting {', '.join(KIND_FILES[kind])} into {DERIVED_NAME}")
    data, denominator = _READERS[kind](folder)
    sources = [f"{name}:{digest}" for name, digest in KIND_FILES[kind].items()]
    try:
        _write_derived(folder / DERIVED_NAME, data, denominator, sources)
    except OSError as error:
        log(f"could not save {DERIVED_NAME} in {folder} ({error}); MNIST will be converted again next time")
    return data, 1.0 / denominator


def _write_derived(path: Path, data: MNIST, denominator: int, sources: list[str]) -> None:
    """Write the derived cache, then (so that a crash in between is noticed) its record."""
    arrays: dict[str, np.ndarray] = {}
    for split, (X, y) in zip(SPLITS, data, strict=True):
        arrays[f"{split}_images"] = X
        arrays[f"{split}_labels"] = y
    arrays["pixel_denominator"] = np.array(denominator, dtype=np.int64)
    arrays["sources"] = np.array(sources)
    with atomic_write(path) as out:
        np.savez(out, **arrays)
    names = (item.partition(":")[0] for item in sources)
    write_record(
        path,
        Record(
            arrays_sha256(arrays),
            fingerprint(path),
            {name: fingerprint(path.parent / name) for name in names},
        ),
    )


def _from_pickle(folder: Path) -> tuple[MNIST, int]:
    path = folder / fetch.BOOK_PICKLE
    loaded = read_pickle(path, convert=_quantize_256)
    if not (
        isinstance(loaded, tuple)
        and len(loaded) == 3
        and all(isinstance(p, tuple) and len(p) == 2 for p in loaded)
    ):
        raise DataError(f"{path}: not the book's MNIST pickle (expected three (images, labels) pairs)")
    return MNIST(*(_checked(X, y, split, path) for split, (X, y) in zip(SPLITS, loaded, strict=True))), 256


def _quantize_256(array: np.ndarray) -> np.ndarray:
    """Float pixels that are exactly ``k/256`` as uint8 ``k``; integer labels as int64."""
    if array.dtype.kind in "iub":
        return array.astype(np.int64)
    out = np.empty(array.shape, dtype=np.uint8)
    flat_in, flat_out = array.reshape(len(array), -1), out.reshape(len(out), -1)
    for start in range(0, len(array), _ROWS_PER_BLOCK):
        block = flat_in[start : start + _ROWS_PER_BLOCK] * np.float32(256)  # exact: a power of 2
        k = np.rint(block)
        if not ((k == block) & (k >= 0) & (k <= 255)).all():
            raise DataError(
                "pixel values are not all of the form k/256 with k in 0..255: not the book's mnist.pkl.gz"
            )
        flat_out[start : start + _ROWS_PER_BLOCK] = k
    return out


def _from_idx(folder: Path) -> tuple[MNIST, int]:
    images = read_idx(folder / "train-images-idx3-ubyte.gz")
    labels = read_idx(folder / "train-labels-idx1-ubyte.gz")
    test_images = read_idx(folder / "t10k-images-idx3-ubyte.gz")
    test_labels = read_idx(folder / "t10k-labels-idx1-ubyte.gz")
    return _split_60k(images, labels, test_images, test_labels, folder), 255


def _from_npz(folder: Path) -> tuple[MNIST, int]:
    arrays = read_npz(folder / "mnist.npz", ("x_train", "y_train", "x_test", "y_test"))
    return _split_60k(arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"], folder), 255


def _split_60k(
    images: np.ndarray, labels: np.ndarray, test_images: np.ndarray, test_labels: np.ndarray, folder: Path
) -> MNIST:
    """The book's split of MNIST's 60,000 training images: the last 10,000 validate."""
    for name, array in (("training images", images), ("test images", test_images)):
        if array.dtype != np.uint8 or array.ndim != 3 or array.shape[1:] != (28, 28):
            raise DataError(
                f"{folder}: MNIST {name} are {array.dtype} {array.shape}, expected uint8 (n, 28, 28)"
            )
    X = images.reshape(len(images), PIXELS)
    y = np.asarray(labels).astype(np.int64)
    cut = SPLITS["training"]
    pairs = (
        (X[:cut], y[:cut]),
        (X[cut:], y[cut:]),
        (test_images.reshape(len(test_images), PIXELS), test_labels.astype(np.int64)),
    )
    return MNIST(*(_checked(Xs, ys, split, folder) for split, (Xs, ys) in zip(SPLITS, pairs, strict=True)))


_READERS = {"pickle": _from_pickle, "idx": _from_idx, "npz": _from_npz}


def _float_dtype(dtype: npt.DTypeLike) -> np.dtype:
    try:
        target = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"dtype must be a floating type such as 'float32', got {dtype!r}") from None
    if target.kind != "f":
        raise ValueError(f"dtype must be a floating type such as 'float32', got {dtype!r}")
    return target


def _stderr(message: str) -> None:
    print(f"sigmoid: {message}", file=sys.stderr, flush=True)


__all__ = [
    "MNIST",
    "fetch_mnist",
    "load_mnist",
    "load_mnist_uint8",
    "mnist_cache_dir",
    "pixels_to_float",
    "verify_mnist",
]
