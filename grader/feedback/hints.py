"""Hints for the ways course code breaks under TensorFlow 2 / Keras 3 and under the grader.

hint_for(cell source, one-line error, traceback) -> a short message (rendered in Korean or English
when shown; the Korean is in the catalogue), or None.
RULES is a table checked in order; the first rule that matches writes the hint.
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass
from typing import Callable, Mapping

from grader.execution.colab import colab_has
from grader.message import Message, Phrase, english, msg
from grader.models import Lang


@dataclass(frozen=True)
class FailedCell:
    """What a failing cell left behind; `text` is the error and traceback together."""

    source: str
    error: str
    traceback: str

    @property
    def text(self) -> str:
        return f"{self.error}\n{self.traceback}"

    def says(self, pattern: str) -> re.Match[str] | None:
        return re.search(pattern, self.text)

    def has(self, pattern: str) -> re.Match[str] | None:
        return re.search(pattern, self.source)


@dataclass(frozen=True)
class Rule:
    """`match` returns the values the messages are formatted with, or None when the rule does not apply."""

    name: str
    match: Callable[[FailedCell], Mapping[str, object] | None]
    message: str  # English, a str.format pattern and the catalogue's key


def hint_for(source: str, error: Phrase | None, traceback: str | None) -> Message | None:
    """The hint of the first matching rule, or None. Without an error or traceback there is nothing to explain."""
    cell = FailedCell(source or "", english(error), traceback or "")
    if not (cell.error.strip() or cell.traceback.strip()):
        return None
    for rule in RULES:
        found = rule.match(cell)
        if found is not None:
            return msg(rule.message, **found)
    return None


def default_lang() -> Lang:
    """"ko" when the first set of LC_ALL, LC_MESSAGES, LANG names a Korean locale (ko_KR.UTF-8), else "en"."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").strip()
        if value:
            return "ko" if value.casefold().startswith("ko") else "en"
    return "en"


# --------------------------------------------------------------------------- predicates

_OPTIMIZER_LR = re.compile(r"\b(\w+)\s*\(([^()]*?)\blr\s*=\s*([\w.+\-]+)")


def _keras_lr(f: FailedCell) -> Mapping[str, str] | None:
    said = f.says(r"not recognized[^\n]*['\"]lr['\"]|unexpected keyword argument ['\"]lr['\"]|has no attribute ['\"]lr['\"]")
    call = _OPTIMIZER_LR.search(f.source)
    if not said and not (call and f.says(r"not recognized|unexpected keyword")):
        return None
    value = call.group(3) if call else None
    if value is None:
        m = f.says(r"['\"]lr['\"]\s*:\s*([\w.+\-]+)")
        value = m.group(1) if m else "0.001"
    name = call.group(1) if call and call.group(1)[:1].isupper() else "Adam"
    return {"optimizer": name, "value": value}


def _eager(f: FailedCell) -> Mapping[str, str] | None:
    if f.says(r"enable_eager_execution") or (f.has(r"enable_eager_execution") and f.says(r"AttributeError")):
        return {}
    return None


@dataclass(frozen=True)
class _Tf1:
    names: tuple[str, ...]  # attribute names as an AttributeError reports them
    pattern: str  # how the call looks in source
    api: str
    fix: str  # English; the catalogue has its Korean


_TF1 = (
    _Tf1(("placeholder",), r"\btf\.(?:compat\.v1\.)?placeholder\b", "tf.placeholder",
         "feed data directly—build a Keras model (`tf.keras.Input(shape=(784,))`) and call `model.fit(x, y)`"),
    _Tf1(("Session", "InteractiveSession"), r"\btf\.(?:compat\.v1\.)?(?:Interactive)?Session\b", "tf.Session",
         "there is no Session; TF 2 runs eagerly, so call the model or function directly (`model(x)`, `loss.numpy()`)"),
    _Tf1(("contrib",), r"\btf\.contrib\b", "tf.contrib",
         "use `tf.keras.layers` / `tf.keras.initializers` (e.g. `tf.keras.initializers.GlorotUniform()` for xavier)"),
    _Tf1(("AdamOptimizer",), r"\btf\.(?:compat\.v1\.)?train\.AdamOptimizer\b", "tf.train.AdamOptimizer",
         "use `tf.keras.optimizers.Adam(learning_rate=0.001)`"),
    _Tf1(("GradientDescentOptimizer",), r"\btf\.(?:compat\.v1\.)?train\.GradientDescentOptimizer\b",
         "tf.train.GradientDescentOptimizer",
         "use `tf.keras.optimizers.SGD(learning_rate=0.01)`"),
    _Tf1(("MomentumOptimizer", "RMSPropOptimizer", "AdagradOptimizer"),
         r"\btf\.(?:compat\.v1\.)?train\.(?:Momentum|RMSProp|Adagrad)Optimizer\b", "tf.train.*Optimizer",
         "use the optimizers in `tf.keras.optimizers` (`SGD(momentum=0.9)`, `RMSprop`, `Adagrad`)"),
    _Tf1(("global_variables_initializer", "initialize_all_variables", "local_variables_initializer"),
         r"\btf\.(?:global_variables_initializer|initialize_all_variables|local_variables_initializer)\b",
         "tf.global_variables_initializer",
         "delete it; TF 2 variables are initialized when they are created"),
    _Tf1(("random_normal",), r"\btf\.random_normal\b", "tf.random_normal",
         "use `tf.random.normal(...)`"),
    _Tf1(("random_uniform",), r"\btf\.random_uniform\b", "tf.random_uniform",
         "use `tf.random.uniform(...)`"),
    _Tf1(("truncated_normal",), r"\btf\.truncated_normal\b", "tf.truncated_normal",
         "use `tf.random.truncated_normal(...)`"),
    _Tf1(("set_random_seed",), r"\btf\.set_random_seed\b", "tf.set_random_seed",
         "use `tf.random.set_seed(...)`"),
    _Tf1(("get_variable",), r"\btf\.get_variable\b", "tf.get_variable",
         "use `tf.Variable(initial_value)` or a Keras layer such as `tf.keras.layers.Dense`"),
    _Tf1(("softmax_cross_entropy_with_logits_v2",), r"\bsoftmax_cross_entropy_with_logits_v2\b",
         "tf.nn.softmax_cross_entropy_with_logits_v2",
         "use `tf.nn.softmax_cross_entropy_with_logits(labels=..., logits=...)` "
         "or `tf.keras.losses.CategoricalCrossentropy(from_logits=True)`"),
    _Tf1(("make_one_shot_iterator", "make_initializable_iterator"),
         r"\bmake_(?:one_shot|initializable)_iterator\b", "make_one_shot_iterator",
         "iterate the dataset directly: `for x, y in dataset:` (or `iter(dataset)`)"),
    _Tf1(("create_global_step", "get_or_create_global_step", "get_global_step"),
         r"\btf\.(?:compat\.v1\.)?train\.(?:create|get_or_create|get)_global_step\b", "tf.train.create_global_step",
         "drop the global step; `optimizer.iterations` counts the steps"),
    _Tf1(("global_step",), r"apply_gradients\s*\([^)]*\bglobal_step\s*=", "apply_gradients(..., global_step=...)",
         "drop `global_step=`: `optimizer.apply_gradients(zip(grads, model.trainable_variables))`; "
         "`optimizer.iterations` counts the steps"),
    _Tf1(("layers",), r"\btf\.layers\.", "tf.layers",
         "use `tf.keras.layers` (e.g. `tf.keras.layers.Dense(256, activation='relu')`)"),
    _Tf1(("reset_default_graph",), r"\btf\.reset_default_graph\b", "tf.reset_default_graph",
         "use `tf.keras.backend.clear_session()`"),
    _Tf1(("log",), r"\btf\.log\s*\(", "tf.log", "use `tf.math.log(...)`"),
)


def _tf1_found(entry: _Tf1) -> dict[str, object]:
    return {"api": entry.api, "fix": msg(entry.fix)}


def _tf1_by_error(f: FailedCell) -> Mapping[str, str] | None:
    m = f.says(r"module ['\"]tensorflow[\w.]*['\"] has no attribute ['\"](\w+)['\"]")
    name = m.group(1) if m else None
    if name is None and (m := f.says(r"has no attribute ['\"](make_(?:one_shot|initializable)_iterator)['\"]")):
        name = m.group(1)  # a Dataset method, not a module attribute
    if name is None and f.says(r"unexpected keyword argument ['\"]global_step['\"]"):
        name = "global_step"
    if name is None and f.says(r"placeholder\(\) is not compatible with eager execution"):
        name = "placeholder"
    for entry in _TF1:
        if name in entry.names:
            return _tf1_found(entry)
    return None


def _tf1_by_source(f: FailedCell) -> Mapping[str, str] | None:
    hits = [(m.start(), i) for i, e in enumerate(_TF1) if (m := re.search(e.pattern, f.source))]
    return _tf1_found(_TF1[min(hits)[1]]) if hits else None


def _tf1_mnist(f: FailedCell) -> Mapping[str, object] | None:
    said = f.says(r"No module named ['\"]tensorflow\.examples|has no attribute ['\"](?:examples|read_data_sets)['\"]")
    if said or (f.has(r"tensorflow\.examples\.tutorials|input_data\.read_data_sets") and
                f.says(r"ModuleNotFoundError|ImportError|AttributeError")):
        return {}
    return None


def _predict_classes(f: FailedCell) -> Mapping[str, object] | None:
    if f.says(r"has no attribute ['\"]predict_(?:classes|proba)['\"]"):
        return {}
    return None


def _colab(f: FailedCell) -> Mapping[str, str] | None:
    if f.says(r"No module named ['\"]google(?:\.colab)?['\"]"):
        return {}
    if f.has(r"\bgoogle\.colab\b") and f.says(r"ModuleNotFoundError|ImportError"):
        return {}
    return None


def _colab_preinstalled(f: FailedCell) -> Mapping[str, str] | None:
    """An import Colab answers from its preinstalled set and the grading environment cannot."""
    m = f.says(r"No module named ['\"]([\w.]+)['\"]")
    if not m:
        return None
    top = m.group(1).split(".")[0]
    if colab_has(top) and top != "google" and importlib.util.find_spec(top) is None:
        return {"module": top}
    return None


def _download(f: FailedCell) -> Mapping[str, str] | None:
    pattern = (
        r"URLError|URL fetch failure|urlopen error|HTTPError|Name or service not known|"
        r"Temporary failure in name resolution|Max retries exceeded|gaierror|Network is unreachable|"
        r"ConnectionError|ConnectionRefusedError"
    )
    return {} if f.says(pattern) else None


def _memory(f: FailedCell) -> Mapping[str, str] | None:
    pattern = r"ResourceExhaustedError|MemoryError|OOM when allocating|out of memory|Unable to allocate"
    return {} if f.says(pattern) else None


def _labels(f: FailedCell) -> Mapping[str, str] | None:
    pattern = (
        r"[Ss]hapes \([^)]*\) and \([^)]*\) are incompatible|`target` and `output`|target\.shape=|"
        r"logits and labels must|Received a label value"
    )
    return {} if f.says(pattern) else None


def _input_shape(f: FailedCell) -> Mapping[str, str] | None:
    pattern = (
        r"Input \d+ of layer .* is incompatible|is incompatible with the layer|expected shape|"
        r"expected axis -?\d+ of input shape|cannot reshape array|Matrix size-incompatible"
    )
    return {} if f.says(pattern) else None


_IMPORTS = {
    "tf": "import tensorflow as tf",
    "np": "import numpy as np",
    "plt": "import matplotlib.pyplot as plt",
    "keras": "from tensorflow import keras",
    "pd": "import pandas as pd",
}


def _missing_import(f: FailedCell) -> Mapping[str, str] | None:
    m = f.says(r"NameError: name '(\w+)' is not defined")
    if m and m.group(1) in _IMPORTS:
        return {"name": m.group(1), "statement": _IMPORTS[m.group(1)]}
    return None


def _name_error(f: FailedCell) -> Mapping[str, str] | None:
    m = f.says(r"NameError: name '(\w+)' is not defined")
    return {"name": m.group(1)} if m else None


RULES: tuple[Rule, ...] = (
    Rule(
        "keras3-lr",
        _keras_lr,
        "Keras 3 renamed `lr` to `learning_rate`: write `{optimizer}(learning_rate={value})`.",
    ),
    Rule(
        "tf1-eager",
        _eager,
        "TensorFlow 2 runs eagerly by default; delete the `tf.enable_eager_execution()` line.",
    ),
    Rule(
        "tf1-api",
        _tf1_by_error,
        "This is TensorFlow 1 API (`{api}`), gone in TF 2: {fix}.",
    ),
    Rule(
        "tf1-mnist",
        _tf1_mnist,
        "`tensorflow.examples.tutorials.mnist` (`input_data.read_data_sets`) was removed with TensorFlow 1: load "
        "MNIST with `(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()`, then "
        "`x_train = x_train.reshape(-1, 784) / 255.0` (and the same for `x_test`); the labels are digits, "
        "so use `sparse_categorical_crossentropy` or `tf.keras.utils.to_categorical(y, 10)`.",
    ),
    Rule(
        "predict-classes",
        _predict_classes,
        "`predict_classes` was removed from Keras: use `np.argmax(model.predict(x), axis=1)` "
        "(for one sigmoid output, `(model.predict(x) > 0.5).astype(int)`).",
    ),
    Rule(
        "colab-only",
        _colab,
        "`google.colab` exists only inside Colab. Remove `drive.mount(...)`/`files.upload()` and read files "
        "by relative path from your submission folder (put them in the zip).",
    ),
    Rule(
        "colab-preinstalled",
        _colab_preinstalled,
        "Colab has `{module}` preinstalled, but the grading environment does not, so this import fails only "
        "when graded: remove it if the lab does not need it (grading has TensorFlow, Keras, NumPy, matplotlib, "
        "pandas, scikit-learn, Pillow and TensorBoard).",
    ),
    Rule(
        "download",
        _download,
        "The grader runs without internet. It provides MNIST through `tf.keras.datasets.mnist.load_data()`; use that "
        "instead of downloading.",
    ),
    Rule(
        "memory",
        _memory,
        "Out of memory: use a smaller `batch_size` (e.g. 100) or a smaller model, and don't keep extra copies of the data.",
    ),
    Rule(
        "label-shape",
        _labels,
        "Labels and outputs don't match: with integer labels (0-9) use `sparse_categorical_crossentropy`; "
        "for `categorical_crossentropy` one-hot encode them with `tf.keras.utils.to_categorical(y, 10)`.",
    ),
    Rule(
        "input-shape",
        _input_shape,
        "The input shape doesn't match the model: MNIST images are 28x28, so flatten them with `x.reshape(-1, 784)` "
        "(or a `Flatten` layer) and give the model the input shape (784,).",
    ),
    Rule(
        "missing-import",
        _missing_import,
        "`{name}` is not imported: add `{statement}` to the first cell.",
    ),
    Rule(
        "name-error",
        _name_error,
        "`{name}` is not defined: run the cells in order from the top; `{name}` is defined in a later, removed "
        "or earlier failing cell.",
    ),
    Rule(
        "tf1-source",
        _tf1_by_source,
        "This is TensorFlow 1 API (`{api}`), gone in TF 2: {fix}.",
    ),
)
