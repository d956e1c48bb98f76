"""The record that vouches for the derived MNIST cache: a small JSON file written beside it.

``mnist-uint8-v1.npz`` is made from source files whose SHA-256 was checked, but it is only a
file in a folder: it can be damaged on disk or rewritten by hand into another valid ``.npz``
(say, with every label set to 0). So when it is written, a record ``mnist-uint8-v1.json`` is
written after it (atomically) holding

- ``arrays_sha256``: the SHA-256 of the arrays' contents (see :func:`arrays_sha256`), the same
  for every build from the same source, so it does not depend on zip timestamps;
- ``fingerprint``: the cache file's ``[size, mtime_ns, ctime_ns, inode]`` (see
  :func:`fingerprint`);
- ``sources``: the same fingerprint for each source file it was made from.

Why a fingerprint and not a hash on every load: hashing the 55 MB of arrays costs about 0.06 s
(0.15 s on a slow machine), as much again as reading them. Any write to a file changes its
``mtime``; ``ctime`` changes on every write *and* on every ``os.utime``, so even a rewrite that
puts the old ``mtime`` back (``touch -r``) is caught; replacing the file changes its inode. So
an ordinary load compares the fingerprint (one ``stat``), and hashes only when it differs (then
a matching hash just refreshes the record, as after copying the folder). ``sigmoid data`` and
``sigmoid data --verify`` always hash. What the fingerprint cannot catch is someone who changes
the bytes *and* the clock to forge ``ctime``; the full hash in ``--verify`` still does.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sigmoid.datasets._files import atomic_write
from sigmoid.errors import DataError

FORMAT = "sigmoid-mnist-derived-record-v1"

Fingerprint = list[int]


@dataclass
class Record:
    """What was true of the derived cache and its sources when it was written."""

    arrays_sha256: str
    fingerprint: Fingerprint
    sources: dict[str, Fingerprint] = field(default_factory=dict)


def record_path(derived: Path) -> Path:
    """The record beside the derived cache: ``mnist-uint8-v1.npz`` -> ``mnist-uint8-v1.json``."""
    return derived.with_suffix(".json")


def fingerprint(path: Path) -> Fingerprint:
    """``[size, mtime_ns, ctime_ns, inode]`` of a file: any write or replacement changes it."""
    info = os.stat(path)
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def arrays_sha256(arrays: Mapping[str, np.ndarray]) -> str:
    """SHA-256 over the arrays in name order: each name, dtype, shape and C-order bytes."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.asarray(arrays[name])
        header = f"{name}\0{array.dtype.str}\0{list(array.shape)}\0"
        digest.update(header.encode())
        digest.update(np.ascontiguousarray(array).reshape(-1).view(np.uint8))
    return digest.hexdigest()


def write_record(derived: Path, record: Record) -> None:
    """Write the record beside ``derived`` atomically."""
    text = json.dumps(
        {
            "format": FORMAT,
            "file": derived.name,
            "arrays_sha256": record.arrays_sha256,
            "fingerprint": record.fingerprint,
            "sources": record.sources,
        },
        indent=1,
    )
    with atomic_write(record_path(derived)) as out:
        out.write(text.encode() + b"\n")


def refresh_record(derived: Path, record: Record) -> None:
    """Rewrite the record after its fingerprints were updated; a read-only folder is fine."""
    with contextlib.suppress(OSError):
        write_record(derived, record)


def read_record(derived: Path) -> Record:
    """The record of ``derived``; a :class:`DataError` if it is missing or damaged."""
    path = record_path(derived)
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"the cache file {derived} has no record of its contents ({path.name} is missing)"
        ) from None
    except (OSError, ValueError, RecursionError) as error:
        raise DataError(f"the record {path} of {derived.name} is unreadable ({error})") from None
    try:
        return _parse(loaded, derived.name)
    except (KeyError, TypeError, ValueError):
        raise DataError(
            f"the record {path} of {derived.name} is damaged (not a {FORMAT} file for it)"
        ) from None


def _parse(loaded: dict, name: str) -> Record:
    if loaded["format"] != FORMAT or loaded["file"] != name:
        raise ValueError("another format or file")
    digest = str(loaded["arrays_sha256"])
    if len(digest) != 64:
        raise ValueError("not a SHA-256")
    sources = {str(key): [int(v) for v in value] for key, value in loaded["sources"].items()}
    return Record(digest, [int(v) for v in loaded["fingerprint"]], sources)
