"""Saving and loading networks: bit-identical round trips, no pickle, clear refusals, atomic writes."""

from __future__ import annotations

import json
import os
import stat
import zipfile

import numpy as np
import pytest

import sigmoid
from sigmoid import History, Network, atomic, io, train
from sigmoid.errors import ModelFileError

NOT_A_MODEL = "is not a (readable )?sigmoid model file"
X = np.random.default_rng(0).normal(size=(7, 4))


def _network(dtype="float32", **options) -> Network:
    return Network([4, 5, 3], dtype=dtype, rng=1, **options)


def _arrays(path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def _metadata(arrays) -> dict:
    return json.loads(arrays["metadata"].tobytes().decode("utf-8"))


def _write(path, arrays) -> None:
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def _with_metadata(arrays, **changes) -> dict:
    meta = _metadata(arrays) | changes
    return arrays | {"metadata": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)}


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.npz"
    io.save(_network("float64"), path)
    return path


# ------------------------------------------------------------------------------ round trips


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {
            "hidden_activation": "relu",
            "output_activation": "softmax",
            "cost": "log-likelihood",
            "init": "large",
        },
        {"hidden_activation": "tanh", "cost": "cross-entropy"},
    ],
)
def test_round_trip_is_bit_identical(tmp_path, dtype, options):
    net = _network(dtype, **options)
    path = sigmoid.save(net, tmp_path / "model.npz")
    assert path == tmp_path / "model.npz"
    loaded = sigmoid.load(path)
    assert loaded.sizes == net.sizes
    assert loaded.dtype == net.dtype
    assert loaded.hidden_activation.name == net.hidden_activation.name
    assert loaded.output_activation.name == net.output_activation.name
    assert loaded.cost.name == net.cost.name
    assert loaded.init == net.init
    for a, b in zip(net.weights + net.biases, loaded.weights + loaded.biases, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
        assert a.tobytes() == b.tobytes()
    np.testing.assert_array_equal(loaded.feedforward(X), net.feedforward(X))
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))


def test_a_trained_model_round_trips_with_its_history(tmp_path):
    net = Network([4, 3, 2], dtype="float64", rng=2)
    y = np.arange(7) % 2
    history = train(net, (X, y), epochs=2, batch_size=3, learning_rate=0.5, rng=3)
    path = io.save(net, tmp_path / "trained.npz", history=history)
    loaded = io.load(path)
    np.testing.assert_array_equal(loaded.feedforward(X), net.feedforward(X))
    assert io.load_history(path) == history
    assert io.load_history(io.save(net, tmp_path / "bare.npz")) is None
    # The loaded network can be trained further (its arrays are writable and contiguous).
    train(loaded, (X, y), epochs=1, batch_size=3, learning_rate=0.5, rng=3)


def test_the_file_needs_no_pickle(saved):
    arrays = _arrays(saved)  # allow_pickle=False throughout
    assert all(array.dtype != object for array in arrays.values())
    assert set(arrays) == {"metadata", "weights_0", "biases_0", "weights_1", "biases_1"}
    meta = _metadata(arrays)
    assert meta["format"] == io.FORMAT and meta["version"] == io.VERSION
    assert meta["sizes"] == [4, 5, 3] and meta["dtype"] == "float64"
    assert zipfile.is_zipfile(saved)


def test_the_saved_path_is_used_as_given(tmp_path):
    # np.savez appends .npz to a name; save writes exactly the path it was given.
    path = io.save(_network(), tmp_path / "model.bin")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.bin"]
    np.testing.assert_array_equal(io.load(path).weights[0], _network().weights[0])


# -------------------------------------------------------------------------------- refusals


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ModelFileError, match="no model file at .*nothing.npz"):
        io.load(tmp_path / "nothing.npz")
    with pytest.raises(ModelFileError, match="is a folder, not a model file"):
        io.load(tmp_path)


@pytest.mark.parametrize(
    "content", [b"hello, I am text\n", b"", bytes(range(256)) * 4, b"PK\x03\x04 not really a zip"]
)
def test_not_a_model_file(tmp_path, content):
    path = tmp_path / "model.npz"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=NOT_A_MODEL):
        io.load(path)


def test_a_single_npy_array_is_not_a_model(tmp_path):
    path = tmp_path / "array.npy"
    np.save(path, np.zeros(3))
    with pytest.raises(ModelFileError, match=NOT_A_MODEL):
        io.load(path)


def test_a_pickled_array_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "model.npz"
    np.savez(path, metadata=np.array([{"format": "sigmoid-network"}], dtype=object))
    with pytest.raises(ModelFileError, match=NOT_A_MODEL + ".*pickled objects"):
        io.load(path)


def test_an_npz_of_other_arrays_is_not_a_model(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, x=np.zeros(3))
    with pytest.raises(ModelFileError, match="not a sigmoid model file: no metadata record"):
        io.load(path)


def test_metadata_that_is_not_json(tmp_path, saved):
    _write(saved, _arrays(saved) | {"metadata": np.frombuffer(b"\xff{oops", dtype=np.uint8)})
    with pytest.raises(ModelFileError, match="its metadata is not JSON"):
        io.load(saved)


def test_another_format(saved):
    _write(saved, _with_metadata(_arrays(saved), format="something-else"))
    with pytest.raises(ModelFileError, match="format 'sigmoid-network' expected"):
        io.load(saved)


@pytest.mark.parametrize("version", [2, 0, "1", None, True, 1.0])
def test_unknown_version(saved, version):
    _write(saved, _with_metadata(_arrays(saved), version=version))
    with pytest.raises(
        ModelFileError, match=rf"model format version {version!r}; this sigmoid reads version 1"
    ):
        io.load(saved)


def test_metadata_missing_keys(saved):
    arrays = _arrays(saved)
    meta = _metadata(arrays)
    del meta["cost"], meta["dtype"]
    _write(saved, arrays | {"metadata": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)})
    with pytest.raises(ModelFileError, match="model metadata lacks cost, dtype"):
        io.load(saved)


@pytest.mark.parametrize(
    "changes",
    [
        {"sizes": [4]},
        {"cost": "hinge"},
        {"output_activation": "identity", "cost": "cross-entropy"},
        {"dtype": "int8"},
    ],
)
def test_invalid_metadata(saved, changes):
    _write(saved, _with_metadata(_arrays(saved), **changes))
    with pytest.raises(ModelFileError, match="invalid model metadata"):
        io.load(saved)


def test_wrong_shapes(saved):
    arrays = _arrays(saved)
    _write(saved, arrays | {"weights_1": np.zeros((5, 4))})
    with pytest.raises(ModelFileError, match=r"weights_1 has shape \(5, 4\) .*expected \(5, 3\)"):
        io.load(saved)
    # Sizes that disagree with the arrays are the same problem seen from the other side.
    _write(saved, _with_metadata(arrays, sizes=[4, 6, 3]))
    with pytest.raises(ModelFileError, match=r"weights_0 has shape \(4, 5\).*expected \(4, 6\)"):
        io.load(saved)


def test_wrong_dtype(saved):
    arrays = _arrays(saved)
    _write(saved, arrays | {"biases_0": arrays["biases_0"].astype(np.float32)})
    with pytest.raises(ModelFileError, match="biases_0 has shape .* and dtype float32, expected .* float64"):
        io.load(saved)


def test_missing_and_extra_arrays(saved):
    arrays = _arrays(saved)
    _write(saved, {k: v for k, v in arrays.items() if k != "biases_1"})
    with pytest.raises(ModelFileError, match="missing array biases_1"):
        io.load(saved)
    _write(saved, arrays | {"weights_2": np.zeros((3, 3))})
    with pytest.raises(ModelFileError, match=r"unexpected arrays \['weights_2'\]"):
        io.load(saved)


def test_non_finite_weights(saved):
    arrays = _arrays(saved)
    weights = arrays["weights_0"].copy()
    weights[1, 2] = np.nan
    _write(saved, arrays | {"weights_0": weights})
    with pytest.raises(ModelFileError, match="weights_0 contains NaN or infinite values"):
        io.load(saved)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.99])
def test_truncated_file(saved, fraction):
    data = saved.read_bytes()
    saved.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(ModelFileError, match=NOT_A_MODEL):
        io.load(saved)


def test_a_corrupted_history_record(tmp_path):
    path = io.save(_network(), tmp_path / "model.npz", history=History(stopped="done"))
    arrays = _arrays(path)
    _write(path, arrays | {"history": np.frombuffer(b'{"loss": 1}', dtype=np.uint8)})
    with pytest.raises(sigmoid.errors.SigmoidError, match="unknown keys"):
        io.load_history(path)
    io.load(path)  # the network itself is still readable


# ---------------------------------------------------------------------------------- saving


def test_saving_into_a_missing_folder_fails_clearly_and_writes_nothing(tmp_path):
    target = tmp_path / "no" / "such" / "model.npz"
    with pytest.raises(ModelFileError, match=r"cannot save the model to .*folder .*such does not exist"):
        io.save(_network(), target)
    assert list(tmp_path.iterdir()) == []


def test_saving_what_cannot_be_loaded_is_refused(tmp_path):
    network = _network()
    network.weights[0][0, 0] = np.nan
    with pytest.raises(ModelFileError, match="NaN or infinity"):
        io.save(network, tmp_path / "model.npz")
    with pytest.raises(TypeError, match="needs a sigmoid.Network, got str"):
        io.save("hello", tmp_path / "model.npz")
    with pytest.raises(TypeError, match="history must be a sigmoid.History or None, got str"):
        io.save(_network(), tmp_path / "model.npz", "not a history")
    assert list(tmp_path.iterdir()) == []


def test_saving_onto_a_folder(tmp_path):
    with pytest.raises(ModelFileError, match="it is a folder"):
        io.save(_network(), tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_saving_onto_a_named_pipe_is_refused_and_the_pipe_stays(tmp_path):
    pipe = tmp_path / "pipe.npz"
    os.mkfifo(pipe)
    with pytest.raises(ModelFileError, match=r"cannot save the model to .*pipe.npz: a named pipe is there"):
        io.save(_network(), pipe)
    with pytest.raises(FileExistsError, match="not a regular file"), atomic.atomic_write(pipe):
        pass
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe.npz"]


def test_saving_through_a_symbolic_link_replaces_its_target_and_keeps_the_link(tmp_path):
    (tmp_path / "models").mkdir()
    target = tmp_path / "models" / "real.npz"
    target.write_bytes(b"old")
    link = tmp_path / "link.npz"
    link.symlink_to(target)
    network = _network("float64")
    io.save(network, link)
    assert link.is_symlink() and link.readlink() == target
    np.testing.assert_array_equal(io.load(target).weights[0], network.weights[0])
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["link.npz", "models", "real.npz"]


def test_a_failed_save_leaves_the_old_file_and_no_partial_file(tmp_path, monkeypatch):
    path = io.save(_network("float64"), tmp_path / "model.npz")
    before = path.read_bytes()

    def broken_savez(handle, **arrays):
        handle.write(b"PK\x03\x04 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(io.np, "savez", broken_savez)
    with pytest.raises(ModelFileError, match="cannot save the model to .*: disk full"):
        io.save(Network([4, 2], rng=9), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_saving_into_a_read_only_folder(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ModelFileError, match="cannot save the model to"):
            io.save(_network(), folder / "model.npz")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_a_permission_error_becomes_a_clear_message(tmp_path, monkeypatch):
    # The same path as a read-only folder, for a test run as root (who may write anywhere).
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    with pytest.raises(ModelFileError, match=r"cannot save the model to .*model.npz: Permission denied"):
        io.save(_network(), tmp_path / "model.npz")
    assert list(tmp_path.iterdir()) == []


def test_replacing_a_file_keeps_its_permissions_and_a_new_one_follows_the_umask(tmp_path):
    private = io.save(_network(), tmp_path / "private.npz")
    private.chmod(0o600)
    io.save(_network("float64"), private)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    mask = os.umask(0o027)
    try:
        fresh = io.save(_network(), tmp_path / "fresh.npz")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640  # 0666 less 027


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_readers_refuse_a_named_pipe_instead_of_waiting_on_it(tmp_path):
    from sigmoid import plotting
    from sigmoid.images import read_digit

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(ModelFileError, match="pipe is a named pipe, not a model file"):
        io.load(pipe)
    with pytest.raises(sigmoid.errors.DataError, match="is a named pipe, not an image file"):
        read_digit(pipe)
    with pytest.raises(sigmoid.errors.SigmoidError, match="is a named pipe, not a history or model file"):
        plotting.load_history(pipe)
    with pytest.raises(sigmoid.errors.SigmoidError, match="is a named pipe, not a history file"):
        History.load(pipe)


def test_a_member_that_is_not_a_npy_array_is_refused(tmp_path):
    path = io.save(_network(), tmp_path / "model.npz")
    with zipfile.ZipFile(path, "a") as archive:  # NumPy returns such a member's raw bytes
        archive.writestr("weights_9.npy", b"garbage")
    with pytest.raises(ModelFileError, match="weights_9 is not a NumPy array"):
        io.load(path)


def test_metadata_nested_too_deeply_for_python_is_not_json(tmp_path):
    path = io.save(_network(), tmp_path / "model.npz")
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    _write(path, _arrays(path) | {"metadata": np.frombuffer(deep, dtype=np.uint8)})
    with pytest.raises(ModelFileError, match="its metadata is not JSON"):
        io.load(path)


def test_forged_sizes_are_refused_before_a_network_of_that_size_is_built(tmp_path):
    # [4, 200_000_000, 3] would need 6 GB of weights; the stored (4, 5) array says otherwise.
    path = io.save(Network([4, 5, 3], rng=0), tmp_path / "model.npz")
    _write(path, _with_metadata(_arrays(path), sizes=[4, 200_000_000, 3]))
    with pytest.raises(
        ModelFileError, match=r"weights_0 has shape \(4, 5\) where sizes .* expected \(4, 200000000\)"
    ):
        io.load(path)
    _write(path, _with_metadata(_arrays(path), sizes=[4, -5, 3]))
    with pytest.raises(ModelFileError, match="sizes must be a list of positive integers"):
        io.load(path)
