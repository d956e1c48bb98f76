"""Writing files all at once or not at all.

Every file the library writes (models, histories, figures, downloaded and converted data) goes
through :func:`atomic_write`, so that a failure or a Ctrl-C never leaves half a file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open a temporary file beside ``path`` for writing; when the block ends, rename it to ``path``.

    The rename (:func:`os.replace`) is atomic on POSIX and Windows. On any exception, Ctrl-C
    included, the temporary file is removed and ``path`` is left as it was. A file that replaces
    another keeps its permissions; a new one gets the usual 0666 less the umask (not ``mkstemp``'s
    private 0600). The folder must exist.
    A symbolic link is followed (its target is replaced, the link stays); anything at ``path`` that
    is not a regular file (a folder, a device, a named pipe, a socket) is refused, not replaced.
    """
    path = replaceable_path(path)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        os.chmod(temporary, _mode_for(path))
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def replaceable_path(path: str | os.PathLike) -> Path:
    """The file that writing ``path`` replaces: ``path`` itself, or the target of a symbolic link.

    Raises :class:`FileExistsError` if something other than a regular file is there: renaming over
    ``/dev/null`` or a named pipe would destroy it instead of writing into it.
    """
    path = Path(path)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode = target.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # nothing there: writing it fails or succeeds later
        return target
    if not stat.S_ISREG(mode):
        raise FileExistsError(errno.EEXIST, f"{_kind(mode)} is there, not a regular file", str(path))
    return target


def unreadable(path: str | os.PathLike, noun: str) -> str:
    """Why ``path`` cannot be read as the ``noun`` ("model file"...), or ``""`` if it is a regular file.

    Readers check it first: opening a named pipe or a device would wait or read forever.
    """
    article = "an" if noun[0] in "aeiou" else "a"
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return f"no {noun} at {path}"
    except OSError as error:
        return f"cannot read {path}: {error.strerror}"
    if stat.S_ISREG(mode):
        return ""
    return f"{path} is {_kind(mode)}, not {article} {noun}"


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return 0o666 & ~_umask()


def _kind(mode: int) -> str:
    kinds = {stat.S_ISDIR: "a folder", stat.S_ISFIFO: "a named pipe", stat.S_ISSOCK: "a socket"}
    found = [name for test, name in kinds.items() if test(mode)]
    return found[0] if found else "a device"


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    with atomic_write(path) as handle:
        handle.write(data)
    return Path(path)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
