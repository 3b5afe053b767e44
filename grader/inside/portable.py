"""Which saved models the clean measuring process can rebuild, and the Keras twins that let it.

TensorFlow's own functions and classes are everyday Keras arguments (`activation=tf.nn.softmax`,
`kernel_initializer=tf.random_normal_initializer(...)`), but Keras saves them by a name its safe
loader does not know: `tf.nn.softmax` is the function `softmax_v2`, TensorFlow's initializers are
classes of `tensorflow.python.ops.init_ops_v2`. Each has a Keras built-in twin that computes the
same thing, so the clean process rebuilds them as that twin (`keras_twins`), still executing no code
of the student's. What has no twin (the student's own function, a `Lambda` layer) cannot leave the
student's process: `foreign_parts` names it, and the model is measured where it ran.

Pure: imports Keras only when called, nothing of the grader outside this folder.
"""

from __future__ import annotations

import inspect
from typing import Any

_NOT_ACTIVATIONS = {"get", "serialize", "deserialize"}
_NEVER_SAFE = {"Lambda": "a Lambda layer"}  # Keras's safe mode refuses their bytecode, whatever it is


def keras_twins(keras) -> dict[str, Any]:
    """`custom_objects` for `load_model`: the names TensorFlow's objects are saved under, mapped to
    the Keras built-ins that compute the same (`softmax_v2` -> `keras.activations.softmax`,
    TensorFlow's `RandomNormal` -> Keras's, with the config keys Keras does not take dropped)."""
    twins: dict[str, Any] = {}
    for name, fn in vars(keras.activations).items():
        if callable(fn) and not name.startswith("_") and name not in _NOT_ACTIVATIONS and not isinstance(fn, type):
            twins[name] = fn  # `swish` is an alias Keras's loader does not look up by itself
            twins[f"{name}_v2"] = fn  # TensorFlow 2's names for its softmax, log_softmax...
    for name, cls in vars(keras.initializers).items():
        if isinstance(cls, type) and issubclass(cls, keras.initializers.Initializer) and cls is not keras.initializers.Initializer:
            twins[name] = _tolerant(cls)
    return twins


def _tolerant(cls):
    """A stand-in whose `from_config` builds `cls` from the keys `cls` takes (TF1's initializers add `dtype`)."""
    try:
        accepted = set(inspect.signature(cls.__init__).parameters) - {"self"}
    except (TypeError, ValueError):
        accepted = set()

    def from_config(_, config):
        return cls(**{k: v for k, v in (config or {}).items() if k in accepted})

    return type(cls.__name__, (cls,), {"from_config": classmethod(from_config)})


def foreign_parts(config: Any, keras) -> list[str]:
    """What in a serialized model (`keras.saving.serialize_keras_object(model)`) neither Keras nor
    `keras_twins` can rebuild: `function my_relu`, `class MyLayer`, `a Lambda layer`."""
    twins = keras_twins(keras)
    builtin_functions = {name for module in (keras.activations, keras.losses, keras.metrics, keras.ops)
                         for name in vars(module) if not name.startswith("_")}
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            module, name = node.get("module"), node.get("class_name")
            if isinstance(name, str) and isinstance(module, str):
                if name in _NEVER_SAFE and module.startswith("keras"):
                    found.append(_NEVER_SAFE[name])
                elif name == "function":
                    fn = node.get("config")
                    if isinstance(fn, str) and fn not in builtin_functions and fn not in twins:
                        found.append(f"function {fn}")
                elif not (module == "keras" or module.startswith("keras.")) and node.get("registered_name") not in twins:
                    found.append(f"class {name}")
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)

    walk(config)
    return sorted(set(found))
