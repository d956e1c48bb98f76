"""File readers: IDX (raw or gzip), the book's pickle (restricted), npz; every file case."""

from __future__ import annotations

import gzip
import pickle
import shutil
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest
from casedata import FILES_DIR

from sigmoid.datasets import idx, read_idx, read_npz, read_pickle
from sigmoid.errors import DataError


def case(name: str):
    return FILES_DIR / name


# --- the file cases (tests/data/cases/README.md) ---------------------------------------------


def test_labels_uint8():
    labels = read_idx(case("labels-uint8-3.idx"))
    assert labels.dtype == np.uint8
    assert labels.tolist() == [5, 0, 4]


def test_labels_uint8_gzip():
    labels = read_idx(case("labels-uint8-3.idx.gz"))
    assert labels.dtype == np.uint8
    assert labels.tolist() == [5, 0, 4]


def test_gzip_is_detected_by_bytes_not_by_name(tmp_path):
    gz_without_suffix = tmp_path / "labels.idx"
    shutil.copy(case("labels-uint8-3.idx.gz"), gz_without_suffix)
    raw_with_gz_suffix = tmp_path / "labels.idx.gz"
    shutil.copy(case("labels-uint8-3.idx"), raw_with_gz_suffix)
    assert read_idx(gz_without_suffix).tolist() == [5, 0, 4]
    assert read_idx(raw_with_gz_suffix).tolist() == [5, 0, 4]


def test_labels_int32_big_endian():
    labels = read_idx(case("labels-int32-1.idx"))
    assert labels.dtype == np.dtype("int32")
    assert labels.dtype.isnative
    assert labels.tolist() == [5]


def test_images_uint8_shape_and_order():
    images = read_idx(case("images-uint8-2x2x2.idx"))
    assert images.shape == (2, 2, 2)
    assert images.dtype == np.uint8
    assert images.ravel().tolist() == [0, 255, 128, 1, 2, 3, 4, 5]


def test_little_endian_header_is_bad_magic():
    with pytest.raises(DataError, match="not an IDX file.*bad magic"):
        read_idx(case("bad-little-endian-header.idx"))


def test_short_payload():
    with pytest.raises(DataError, match=r"8 values.*only 3 bytes"):
        read_idx(case("bad-payload-short.idx"))


def test_html_saved_as_gz():
    with pytest.raises(DataError, match="HTML"):
        read_idx(case("bad-not-gzip.idx.gz"))


def test_truncated_gzip_is_an_error_not_partial_data():
    with pytest.raises(DataError, match="truncated"):
        read_idx(case("bad-truncated.idx.gz"))


def test_python2_pickle_of_two_arrays():
    pixels, labels = read_pickle(case("py2-two-arrays.pkl.gz"))
    assert pixels.dtype == np.float32
    assert pixels.tolist() == [0.0703125, 0.0, 0.99609375]
    assert labels.dtype == np.int64
    assert labels.tolist() == [5]


def test_evil_pickle_is_refused_without_running(capfd):
    with pytest.raises(DataError, match=r"builtins\.print"):
        read_pickle(case("evil.pkl.gz"))
    out, err = capfd.readouterr()
    assert "EVIL-PICKLE-EXECUTED" not in out + err


# --- IDX beyond the cases ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "payload", "dtype", "values"),
    [
        (0x08, b"\x00\x7f\xff", "uint8", [0, 127, 255]),
        (0x09, b"\x00\x7f\xff", "int8", [0, 127, -1]),
        (0x0B, b"\x00\x01\xff\xfe\x01\x00", "int16", [1, -2, 256]),
        (0x0C, b"\x00\x00\x01\x00\xff\xff\xff\xff\x7f\xff\xff\xff", "int32", [256, -1, 2**31 - 1]),
        (0x0D, b"\x3f\x80\x00\x00\xc0\x00\x00\x00\x3e\x80\x00\x00", "float32", [1.0, -2.0, 0.25]),
        (
            0x0E,
            b"\x3f\xf0" + b"\0" * 6 + b"\xc0\x00" + b"\0" * 6 + b"\x3f\xd0" + b"\0" * 6,
            "float64",
            [1.0, -2.0, 0.25],
        ),
    ],
)
def test_every_idx_type_code(tmp_path, code, payload, dtype, values):
    path = tmp_path / "x.idx"
    path.write_bytes(bytes([0, 0, code, 1]) + struct.pack(">I", 3) + payload)
    array = read_idx(path)
    assert array.dtype == np.dtype(dtype)
    assert array.tolist() == values


def test_unknown_type_code(tmp_path):
    path = tmp_path / "x.idx"
    path.write_bytes(bytes([0, 0, 0x0A, 1]) + struct.pack(">I", 1) + b"\0")
    with pytest.raises(DataError, match="unknown type code 0x0A"):
        read_idx(path)


def test_extra_bytes_after_payload(tmp_path):
    path = tmp_path / "x.idx"
    path.write_bytes(bytes([0, 0, 8, 1]) + struct.pack(">I", 1) + b"\x05\x06")
    with pytest.raises(DataError, match="extra bytes"):
        read_idx(path)


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gzip"])
def test_a_header_claiming_more_than_the_file_holds_allocates_nothing_like_it(tmp_path, compress):
    # 2**31 × 28 × 28 uint8 = 1_683_627_180_032 bytes (1.53 TiB) claimed, 10 present: the usual
    # truncation error, with well under the claim allocated (none for a raw file, whose length is known;
    # for gzip data the first block, and the gzip module's copy of it).
    data = bytes([0, 0, 8, 3]) + struct.pack(">3I", 2**31, 28, 28) + bytes(range(10))
    path = tmp_path / "huge.idx"
    path.write_bytes(gzip.compress(data) if compress else data)
    tracemalloc.start()
    try:
        with pytest.raises(
            DataError, match=r"1683627180032 values of 1 byte\(s\).*only 10 bytes are present"
        ):
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < (4 * idx.READ_BLOCK if compress else 2**20)


def test_gzip_data_is_read_in_growing_blocks(tmp_path, monkeypatch):
    # With 4-byte first blocks, 37 bytes of gzip data take blocks of 4, 8, 16, 32 and then 37 bytes.
    monkeypatch.setattr(idx, "READ_BLOCK", 4)
    payload = bytes(range(37))
    path = tmp_path / "x.idx.gz"
    path.write_bytes(gzip.compress(bytes([0, 0, 8, 1]) + struct.pack(">I", 37) + payload))
    assert read_idx(path).tolist() == list(range(37))
    path.write_bytes(gzip.compress(bytes([0, 0, 8, 1]) + struct.pack(">I", 100) + payload))
    with pytest.raises(DataError, match=r"the header says 100 values .* only 37 bytes are present"):
        read_idx(path)
    path.write_bytes(gzip.compress(bytes([0, 0, 8, 1]) + struct.pack(">I", 36) + payload))
    with pytest.raises(DataError, match="extra bytes after the 36 bytes"):
        read_idx(path)


def test_gzip_with_bad_crc_is_refused(tmp_path):
    data = bytearray(gzip.compress(bytes([0, 0, 8, 1]) + struct.pack(">I", 2) + b"\x05\x06"))
    data[-8] ^= 0xFF  # the CRC-32 of the trailer
    path = tmp_path / "x.idx.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(DataError, match="corrupt"):
        read_idx(path)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_idx(tmp_path / "absent.idx")


# --- pickle beyond the cases -------------------------------------------------------------------


def test_python3_pickle_of_arrays(tmp_path):
    # NumPy 2 names numpy._core.multiarray._reconstruct; protocol 4 stores bytes as BINBYTES.
    X = np.array([[0.5, 0.25], [1.0, 0.0]], dtype=np.float32)
    y = np.array([3, 7], dtype=np.int64)
    path = tmp_path / "data.pkl.gz"
    path.write_bytes(gzip.compress(pickle.dumps([(X, y)], protocol=4)))
    [(X2, y2)] = read_pickle(path)
    assert X2.tolist() == [[0.5, 0.25], [1.0, 0.0]]
    assert y2.tolist() == [3, 7]
    assert X2.flags.writeable


def test_object_array_pickle_is_refused(tmp_path):
    path = tmp_path / "objects.pkl"
    path.write_bytes(pickle.dumps(np.array([1, "a"], dtype=object), protocol=4))
    with pytest.raises(DataError, match="not a pickle of NumPy arrays"):
        read_pickle(path)


def test_pickle_of_another_global_is_refused(tmp_path, capfd):
    path = tmp_path / "other.pkl"
    # protocol 2 spells it the Python-2 way, __builtin__.print; loading would return the function
    path.write_bytes(pickle.dumps(print, protocol=2))
    with pytest.raises(DataError, match=r"global __builtin__\.print"):
        read_pickle(path)


def test_truncated_pickle(tmp_path):
    path = tmp_path / "cut.pkl.gz"
    data = pickle.dumps(np.arange(100, dtype=np.int64), protocol=4)
    path.write_bytes(gzip.compress(data[: len(data) // 2]))
    with pytest.raises(DataError):
        read_pickle(path)


# --- npz ---------------------------------------------------------------------------------------


def test_npz_round_trip_and_missing_name(tmp_path):
    path = tmp_path / "a.npz"
    np.savez(path, a=np.array([1, 2], dtype=np.int64))
    assert read_npz(path)["a"].tolist() == [1, 2]
    with pytest.raises(DataError, match="no array named b"):
        read_npz(path, ("a", "b"))


def test_npz_with_object_array_is_refused(tmp_path):
    path = tmp_path / "obj.npz"
    np.savez(path, a=np.array([{"x": 1}], dtype=object))
    with pytest.raises(DataError, match="not a readable .npz.*object array") as raised:
        read_npz(path)
    assert "allow_pickle" not in str(raised.value)


@pytest.mark.parametrize("content", [b"<html>not found</html>\n", b"hello world", b""])
def test_npz_that_is_not_a_zip(tmp_path, content):
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(DataError, match="not a readable .npz file \\(it is not a zip archive\\)") as raised:
        read_npz(path)
    assert "pickle" not in str(raised.value)


def test_npz_that_is_a_single_npy(tmp_path):
    path = tmp_path / "one.npz"
    with open(path, "wb") as out:
        np.save(out, np.arange(3))
    with pytest.raises(DataError, match="a single .npy array, not an .npz archive"):
        read_npz(path)


def test_npz_member_that_is_not_npy(tmp_path):
    path = tmp_path / "odd.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.npy", b"not an array")
    with pytest.raises(DataError, match="member a is not a .npy array"):
        read_npz(path)


def test_pickle_cannot_set_attributes_on_the_stand_ins(tmp_path):
    # GLOBAL numpy ndarray, then BUILD with a slot state that would set an attribute on it.
    crafted = b"\x80\x02cnumpy\nndarray\nN}X\x04\x00\x00\x00evilK\x01s\x86b."
    path = tmp_path / "build.pkl"
    path.write_bytes(crafted)
    with pytest.raises(DataError):
        read_pickle(path)
    assert read_pickle(case("py2-two-arrays.pkl.gz"))[1].tolist() == [5]
