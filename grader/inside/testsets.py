"""The grader's own test data, shaped the way a traced model expects it.

Used both by the clean measuring process and, for models that need the student's own
classes, inside the student process. NumPy only: no TensorFlow import here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import numpy as np

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
XOR_Y = np.array([0, 1, 1, 0], dtype="int64")


def load_testset(dataset: str, data_path: Path | str | None, transform: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and integer labels of `dataset`'s test set, scaled and reshaped per `transform`.

    `transform` holds what the runtime observed in the student's training inputs:
    `scale` and `offset` (raw pixel p becomes p*scale + offset) and `input_shape`.
    """
    if dataset == "xor":
        return XOR_X.copy(), XOR_Y.copy()
    if dataset != "mnist":
        raise ValueError(f"no test set for dataset {dataset!r}")
    if data_path is None:
        raise ValueError("no MNIST data path")
    with np.load(data_path, allow_pickle=False) as f:
        x, y = f["x_test"], f["y_test"]
    scale = float(transform.get("scale", 1.0 / 255.0))
    offset = float(transform.get("offset", 0.0))
    x = x.astype("float32") * np.float32(scale) + np.float32(offset)
    shape = transform.get("input_shape")
    if shape:
        x = x.reshape((-1, *[int(d) for d in shape]))
    return x, y.astype("int64")


SPLITS = ("train", "test")


def row_digests(rows: np.ndarray) -> np.ndarray:
    """An 8-byte digest of each raw image row (uint8, 784 values), as uint64: what the MNIST row
    index (`rows_index`) is keyed by."""
    import hashlib

    rows = np.ascontiguousarray(rows, dtype="uint8").reshape(len(rows), -1)
    return np.array([int.from_bytes(hashlib.blake2b(row.tobytes(), digest_size=8).digest(), "little")
                     for row in rows], dtype="uint64")


def rows_index(data_path: Path | str) -> dict[str, np.ndarray]:
    """{"digest": sorted row digests, "split": 0 train / 1 test} of every MNIST image, a row
    seen in both splits counted as train (as a first-seen table would)."""
    with np.load(data_path, allow_pickle=False) as f:
        digests = np.concatenate([row_digests(f[f"x_{split}"]) for split in SPLITS])
        splits = np.concatenate([np.full(len(f[f"y_{split}"]), i, dtype="uint8") for i, split in enumerate(SPLITS)])
    unique, first = np.unique(digests, return_index=True)
    return {"digest": unique, "split": splits[first]}


def split_of_rows(index: Mapping[str, np.ndarray], rows: np.ndarray) -> list[str]:
    """"train", "test" or "other" for each raw image row."""
    digests = row_digests(rows)
    positions = np.minimum(np.searchsorted(index["digest"], digests), len(index["digest"]) - 1)
    found = index["digest"][positions] == digests
    return [SPLITS[int(index["split"][p])] if hit else "other" for p, hit in zip(positions, found)]


def predicted_labels(outputs: np.ndarray) -> np.ndarray:
    """Class labels from model outputs: argmax for several units, 0.5 threshold for one."""
    outputs = np.asarray(outputs)
    if outputs.ndim == 1 or outputs.shape[-1] == 1:
        return (outputs.reshape(len(outputs), -1)[:, 0] > 0.5).astype("int64")
    return outputs.reshape(len(outputs), -1).argmax(axis=-1).astype("int64")


def accuracy(outputs: np.ndarray, labels: np.ndarray) -> float:
    pred = predicted_labels(outputs)
    return float((pred == np.asarray(labels).reshape(-1)).mean())
