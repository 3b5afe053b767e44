"""Describe a live Keras model: its layers, its inputs, its name in the student's code.

Pure inspection: nothing here patches anything, so the clean measuring process uses it too
(`flat_layers`, `describe_layer` on a loaded model).
"""

from __future__ import annotations

import gc
import sys
import types
from typing import Any

from . import state


def describe(model, record: dict[str, Any], sample) -> None:
    record["layers"] = [describe_layer(layer) for layer in flat_layers(model)]
    record["params"] = int(model.count_params())
    record["class"] = type(model).__name__
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and record.get("method") == "fit":
        record["optimizer"] = type(optimizer).__name__
        record["learning_rate"] = learning_rate(optimizer)
    loss = getattr(model, "loss", None)
    record["loss"] = loss if isinstance(loss, str) else getattr(loss, "__name__", type(loss).__name__ if loss else None)
    if sample is not None:
        import numpy as np

        sample = np.asarray(sample, dtype="float64")
        record["input_shape"] = [None, *sample.shape[1:]]
        features = int(np.prod(sample.shape[1:]))
        record["dataset"] = {784: "mnist", 2: "xor"}.get(features, "unknown")
        low, high = float(sample.min()), float(sample.max())
        record["transform"] = {"scale": (high - low) / 255.0 if high > low else 1.0, "offset": low,
                               "input_shape": list(sample.shape[1:])}
        if record["dataset"] == "mnist":
            record["trained_on"] = which_split(sample, record["transform"])
    try:
        record["output_shape"] = list(model.output_shape)
    except Exception:
        record.setdefault("output_shape", None)
    if record.get("dataset") is None:
        record["dataset"] = guess_dataset(model)


def flat_layers(model) -> list:
    """Leaf layers in order; nested models (a Sequential inside a subclassed Model) are opened."""
    layers = []
    for layer in getattr(model, "layers", []):
        if getattr(layer, "layers", None):
            layers.extend(flat_layers(layer))
        else:
            layers.append(layer)
    return layers


def describe_layer(layer) -> dict[str, Any]:
    info: dict[str, Any] = {"kind": type(layer).__name__}
    units = getattr(layer, "units", None)
    if isinstance(units, int):
        info["units"] = units
    activation = getattr(layer, "activation", None)
    if callable(activation):
        name = getattr(activation, "__name__", type(activation).__name__)
        info["activation"] = name.removesuffix("_v2")  # tf.nn.softmax is TensorFlow's softmax_v2
    elif isinstance(activation, str):
        info["activation"] = activation
    if type(layer).__name__ == "ReLU":
        info["activation"] = "relu"
    init = getattr(layer, "kernel_initializer", None)
    if init is not None:
        info["initializer"] = type(init).__name__
    rate = getattr(layer, "rate", None)
    if isinstance(rate, (int, float)):
        info["rate"] = float(rate)
    try:
        shape = list(layer.output.shape)
        info["output_shape"] = [None, *shape[1:]]  # a subclassed model's layers know the batch size too
    except Exception:
        pass
    return info


def why_not_portable(model) -> str | None:
    """None when the clean measuring process can rebuild the saved model (Keras's own classes, and
    TensorFlow's functions it has Keras twins for: `portable.py`); else why not, in one clause."""
    own = sorted({type(o).__name__ for o in [model, *all_layers(model)] if not type(o).__module__.startswith("keras.")})
    if own:
        return f"the model uses the student's own classes ({', '.join(own[:3])}), which the grader runs nowhere else"
    import keras

    from .portable import foreign_parts

    try:
        config = keras.saving.serialize_keras_object(model)
    except Exception as exc:
        return (f"Keras cannot save its configuration ({type(exc).__name__}: a lambda or another function "
                "without a name), so the clean measuring process cannot rebuild it")
    if isinstance(config, dict):  # what a clean load with compile=False never reads
        config = {k: v for k, v in config.items() if k != "compile_config"}
    foreign = foreign_parts(config, keras)
    if foreign:
        return (f"the model uses {', '.join(foreign[:3])}, which the clean measuring process cannot rebuild "
                "without running the student's code")
    return None


def all_layers(model) -> list:
    found = []
    for layer in getattr(model, "layers", []):
        found.append(layer)
        found.extend(all_layers(layer))
    return found


def owner_of(variables):
    """The outermost Keras model holding exactly these trainable variables, if any."""
    import keras

    wanted = {id(v) for v in variables}
    candidates = []
    for obj in gc.get_objects():
        try:
            if isinstance(obj, keras.Model) and wanted <= {id(v) for v in obj.variables}:
                candidates.append(obj)
        except Exception:
            continue
    inner = {id(layer) for c in candidates for layer in all_layers(c)}
    # a built Sequential keeps a Functional twin of itself (`_functional`): the same variables, but
    # not a model the student made; which of the two gc lists first is chance
    inner |= {id(twin) for c in candidates for m in (c, *all_layers(c))
              if (twin := getattr(m, "_functional", None)) is not None and twin is not m}
    outer = [c for c in candidates if id(c) not in inner]
    if not outer:
        return None
    # should another internal Functional copy slip through, the student's own class still wins the tie
    model = min(outer, key=lambda m: (len(m.variables), type(m).__name__ == "Functional"))
    state.current.objects[id(model)] = model
    return model


def sample_inputs(x):
    """Up to state.SAMPLE_ROWS rows of the training inputs, as NumPy, whatever form they came in."""
    import numpy as np

    try:
        if is_dataset(x):
            batch = next(iter(x.take(1)))
            x = batch[0] if isinstance(batch, (tuple, list)) else batch
        if hasattr(x, "numpy") and not isinstance(x, np.ndarray):
            x = x.numpy()
        if isinstance(x, (np.ndarray, list)):
            x = np.asarray(x)
            step = max(1, len(x) // state.SAMPLE_ROWS)
            return x[::step][:state.SAMPLE_ROWS]
    except Exception as exc:
        state.current.notes.append(f"could not sample training inputs: {exc!r}")
    return None


def which_split(sample, transform) -> str:
    """'train', 'test' or 'other': where most of the sampled training images come from."""
    import numpy as np

    raw = np.rint((sample.reshape(len(sample), -1) - transform["offset"]) / (transform["scale"] or 1.0))
    raw = np.clip(raw, 0, 255).astype("uint8")
    counts = {"train": 0, "test": 0, "other": 0}
    for split in state.current.splits_of(raw):
        counts[split] += 1
    return max(counts, key=counts.get)


def is_dataset(x) -> bool:
    return type(x).__name__.endswith("Dataset") or hasattr(x, "element_spec")


def guess_dataset(model) -> str:
    try:
        features = 1
        for d in model.input_shape[1:]:
            features *= int(d)
        return {784: "mnist", 2: "xor"}.get(features, "unknown")
    except Exception:
        return "unknown"


def name_of(model) -> str:
    """The student's name for the model: `model`, `tf.model`, `network`..."""
    frame = sys._getframe(0)
    for _ in range(12):
        frame = frame.f_back
        if frame is None:
            break
        for name, value in frame.f_globals.items():
            if value is model and not name.startswith("_"):
                return name
        tf_module = frame.f_globals.get("tf")
        if tf_module is not None and getattr(tf_module, "model", None) is model:
            return "tf.model"
    return type(model).__name__


def learning_rate(optimizer) -> float | None:
    try:
        return float(optimizer.learning_rate.numpy())
    except Exception:
        try:
            return float(optimizer.learning_rate)
        except Exception:
            return None


def floats(values) -> list:
    """Numbers as a list of floats: a list of them, or one; what is not a number is left out."""
    try:
        items = list(values)
    except TypeError:
        items = [values]
    result = []
    for item in items:
        try:
            result.append(float(item))
        except (TypeError, ValueError):
            continue
    return result


def numpy(outputs):
    return outputs.numpy() if hasattr(outputs, "numpy") else outputs


def input_arrays(namespace: dict[str, Any]) -> list[Any]:
    """The namespace's arrays that look like MNIST inputs (rows of 784 values, however shaped),
    largest first: the training set (60,000 rows) before the test set."""
    import numpy as np

    arrays = []
    for name, value in list(namespace.items()):
        if name.startswith("_") or isinstance(value, (type, types.ModuleType)) or not hasattr(value, "dtype"):
            continue
        try:
            shape = tuple(int(d) for d in value.shape)
        except (TypeError, ValueError, AttributeError):  # not an array, or one of unknown shape
            continue
        if len(shape) >= 2 and int(np.prod(shape[1:])) == 784 and shape[0] >= 100:
            arrays.append(value)
    return sorted(arrays, key=lambda a: -int(a.shape[0]))


def sample_for(model, arrays: list[Any]):
    """Training-like inputs for `model`: an array shaped as its input, else any MNIST array
    reshaped (the scaling is what matters; the student scales train and test alike)."""
    import numpy as np

    if not arrays:
        return None
    try:
        wanted = tuple(model.input_shape[1:])
    except Exception:
        wanted = None
    for array in arrays:
        if wanted is not None and tuple(array.shape[1:]) == wanted:
            return sample_inputs(array)
    sample = sample_inputs(arrays[0])
    if sample is not None and wanted and all(isinstance(d, int) for d in wanted):
        sample = np.asarray(sample).reshape((len(sample), *wanted))
    return sample


def name_in(namespace: dict[str, Any], model) -> str | None:
    """The student's name for `model` among the namespace's globals (`model`, `network`, `tf.model`)."""
    for name, value in list(namespace.items()):
        if value is model and not name.startswith("_"):
            return name
    tf_module = namespace.get("tf")
    if tf_module is not None and getattr(tf_module, "model", None) is model:
        return "tf.model"
    return None
