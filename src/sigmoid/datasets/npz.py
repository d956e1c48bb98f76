"""Reading ``.npz`` archives of arrays, never with pickle."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from sigmoid.errors import DataError


def read_npz(path: str | os.PathLike, names: tuple[str, ...] | None = None
             ) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` file by name (only ``names`` if given; all must be present).

    Loaded with ``allow_pickle=False``: an archive holding object arrays is refused.
    """
    path = Path(path)
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise DataError(f"{path}: a single .npy array, not an .npz archive")
        with loaded as archive:
            wanted = archive.files if names is None else names
            missing = [name for name in wanted if name not in archive.files]
            if missing:
                raise DataError(f"{path}: no array named {', '.join(missing)} "
                                f"(it has {', '.join(archive.files) or 'none'})")
            return {name: archive[name] for name in wanted}
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise DataError(f"{path}: not a readable .npz file ({error})") from None
