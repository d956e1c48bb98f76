"""Saving and loading networks: one ``.npz`` file of arrays plus JSON metadata, never pickle.

The file holds ``weights_0, biases_0, weights_1, ...`` and two uint8 arrays of UTF-8 JSON:
``metadata`` (format, version, sizes, activations, cost, init, dtype) and optionally ``history``
(the :class:`sigmoid.training.History` of the run that made it). It is read with
``allow_pickle=False`` and checked before use: a file with the wrong shapes, an unknown format
version or missing arrays is refused with :class:`sigmoid.errors.ModelFileError`.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from sigmoid.atomic import atomic_write, replaceable_path, unreadable
from sigmoid.errors import ModelFileError
from sigmoid.network import Network

FORMAT = "sigmoid-network"
VERSION = 1


def _json_array(value) -> np.ndarray:
    return np.frombuffer(json.dumps(value).encode("utf-8"), dtype=np.uint8)


def metadata(network: Network) -> dict:
    """The JSON metadata that describes ``network``'s architecture."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "sizes": network.sizes,
        "hidden_activation": network.hidden_activation.name,
        "output_activation": network.output_activation.name,
        "cost": network.cost.name,
        "init": network.init,
        "dtype": network.dtype.name,
    }


def save(network: Network, path: str | Path, history=None) -> Path:
    """Save ``network`` (and optionally its training ``history``) to ``path``, atomically."""
    from sigmoid.training import History

    if not isinstance(network, Network):
        raise TypeError(f"save() needs a sigmoid.Network, got {type(network).__name__}")
    if history is not None and not isinstance(history, History):
        raise TypeError(f"history must be a sigmoid.History or None, got {type(history).__name__}")
    if not all(np.isfinite(p).all() for p in network.weights + network.biases):
        raise ModelFileError("cannot save a network whose weights or biases contain NaN or infinity")
    path = Path(path)
    check_writable(path)
    arrays = {"metadata": _json_array(metadata(network))}
    for layer, (w, b) in enumerate(zip(network.weights, network.biases, strict=True)):
        arrays[f"weights_{layer}"], arrays[f"biases_{layer}"] = w, b
    if history is not None:
        arrays["history"] = _json_array(history.to_dict())
    try:
        with atomic_write(path) as handle:
            np.savez(handle, **arrays)
    except OSError as error:
        raise ModelFileError(f"cannot save the model to {path}: {error.strerror or error}") from None
    return path


def check_writable(path: str | Path, what: str = "the model") -> None:
    """Raise :class:`ModelFileError` unless ``what`` can be written at ``path`` (checked by trying)."""
    path = Path(path)
    if path.is_dir():
        raise ModelFileError(f"cannot save {what} to {path}: it is a folder")
    try:
        target = replaceable_path(path)
    except OSError as error:
        raise ModelFileError(f"cannot save {what} to {path}: {error.strerror}") from None
    if not target.parent.is_dir():
        problem = "is not a folder" if target.parent.exists() else "does not exist"
        raise ModelFileError(f"cannot save {what} to {path}: folder {target.parent} {problem}")
    probe = target.parent / f".{target.name}.probe"
    try:
        with atomic_write(probe) as handle:
            handle.write(b"")
        probe.unlink()
    except OSError as error:
        raise ModelFileError(f"cannot save {what} to {path}: {error.strerror or error}") from None


def _read_arrays(path: Path) -> dict[str, np.ndarray]:
    problem = unreadable(path, "model file")
    if problem:
        raise ModelFileError(problem)
    try:
        # Opened here so that the file is closed even when NumPy fails to parse it.
        with open(path, "rb") as handle:
            if not zipfile.is_zipfile(handle):
                raise ModelFileError(f"{path} is not a sigmoid model file (not an .npz archive)")
            handle.seek(0)
            with np.load(handle, allow_pickle=False) as archive:
                arrays = {name: archive[name] for name in archive.files}
    except ModelFileError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as error:
        reason = "it holds pickled objects" if "pickle" in str(error) else str(error)
        raise ModelFileError(f"{path} is not a readable sigmoid model file: {reason}") from None
    not_arrays = [name for name, value in arrays.items() if not isinstance(value, np.ndarray)]
    if not_arrays:  # NumPy hands back the raw bytes of a member that is not a .npy file
        raise ModelFileError(f"{path} is not a sigmoid model file: {not_arrays[0]} is not a NumPy array")
    return arrays


def _read_json(arrays: dict[str, np.ndarray], name: str, path: Path):
    array = arrays.get(name)
    if array is None or array.dtype != np.uint8 or array.ndim != 1:
        raise ModelFileError(f"{path} is not a sigmoid model file: no {name} record")
    try:
        return json.loads(array.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ModelFileError(f"{path} is not a sigmoid model file: its {name} is not JSON") from None


def _check_metadata(meta, path: Path) -> None:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not a sigmoid model file (format {FORMAT!r} expected)")
    if type(meta.get("version")) is not int or meta["version"] != VERSION:
        raise ModelFileError(
            f"{path} has model format version {meta.get('version')!r}; this sigmoid reads version "
            f"{VERSION} (upgrade sigmoid to read it)"
        )
    required = ("sizes", "hidden_activation", "output_activation", "cost", "init", "dtype")
    missing = [key for key in required if key not in meta]
    if missing:
        raise ModelFileError(f"{path}: model metadata lacks {', '.join(missing)}")


def load(path: str | Path) -> Network:
    """Load a network saved by :func:`save`; bit-identical weights, the same predictions."""
    path = Path(path)
    arrays = _read_arrays(path)
    meta = _read_json(arrays, "metadata", path)
    _check_metadata(meta, path)
    _check_stored_shapes(meta["sizes"], arrays, path)
    try:
        network = Network(
            meta["sizes"],
            hidden_activation=meta["hidden_activation"],
            output_activation=meta["output_activation"],
            cost=meta["cost"],
            init=meta["init"],
            dtype=meta["dtype"],
            rng=0,
        )
    except (TypeError, ValueError) as error:
        raise ModelFileError(f"{path}: invalid model metadata: {error}") from None
    for layer in range(len(network.weights)):
        network.weights[layer] = _layer_array(arrays, f"weights_{layer}", network.weights[layer], path)
        network.biases[layer] = _layer_array(arrays, f"biases_{layer}", network.biases[layer], path)
    extra = sorted(set(arrays) - {"metadata", "history"} - _layer_names(len(network.weights)))
    if extra:
        raise ModelFileError(f"{path}: unexpected arrays {extra} for sizes {network.sizes}")
    return network


def _check_stored_shapes(sizes, arrays: dict[str, np.ndarray], path: Path) -> None:
    """The stored weights and biases must have the shapes ``sizes`` says, checked before a network
    of those sizes is built (a forged size would otherwise allocate gigabytes first)."""
    if not isinstance(sizes, list) or len(sizes) < 2 or not all(type(n) is int and n >= 1 for n in sizes):
        raise ModelFileError(f"{path}: invalid model metadata: sizes must be a list of positive integers")
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        for name, shape in ((f"weights_{layer}", (fan_in, fan_out)), (f"biases_{layer}", (fan_out,))):
            if name in arrays and arrays[name].shape != shape:
                raise ModelFileError(
                    f"{path}: {name} has shape {arrays[name].shape} where sizes {sizes} expected {shape}"
                )


def _layer_names(layers: int) -> set[str]:
    return {f"{kind}_{layer}" for layer in range(layers) for kind in ("weights", "biases")}


def _layer_array(arrays, name: str, like: np.ndarray, path: Path) -> np.ndarray:
    array = arrays.get(name)
    if array is None:
        raise ModelFileError(f"{path}: missing array {name}")
    if array.shape != like.shape or array.dtype != like.dtype:
        raise ModelFileError(
            f"{path}: {name} has shape {array.shape} and dtype {array.dtype}, expected "
            f"{like.shape} and {like.dtype}"
        )
    if not np.isfinite(array).all():
        raise ModelFileError(f"{path}: {name} contains NaN or infinite values")
    return np.ascontiguousarray(array)


def load_history(path: str | Path):
    """The training history stored in a model file, or ``None`` if it has none."""
    from sigmoid.training import History

    path = Path(path)
    arrays = _read_arrays(path)
    _check_metadata(_read_json(arrays, "metadata", path), path)
    if "history" not in arrays:
        return None
    return History.from_dict(_read_json(arrays, "history", path))
