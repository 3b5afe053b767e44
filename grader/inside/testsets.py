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


def predicted_labels(outputs: np.ndarray) -> np.ndarray:
    """Class labels from model outputs: argmax for several units, 0.5 threshold for one."""
    outputs = np.asarray(outputs)
    if outputs.ndim == 1 or outputs.shape[-1] == 1:
        return (outputs.reshape(len(outputs), -1)[:, 0] > 0.5).astype("int64")
    return outputs.reshape(len(outputs), -1).argmax(axis=-1).astype("int64")


def accuracy(outputs: np.ndarray, labels: np.ndarray) -> float:
    pred = predicted_labels(outputs)
    return float((pred == np.asarray(labels).reshape(-1)).mean())
