"""Pure logic: does a traced model do what a part of an assignment asks, and if not, how not.

A model's layers are read as blocks: each Dense starts a block and owns the
BatchNormalization / activation / Dropout layers that follow it. The last block is the
output layer; the others are hidden layers. Every rule returns a `Criterion` whose
message says, layer by layer, what differs from the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from grader.models import Layer, TracedModel

INITIALIZER_FAMILIES = {
    "he": ("HeNormal", "HeUniform"),
    "glorot": ("GlorotNormal", "GlorotUniform"),
    "xavier": ("GlorotNormal", "GlorotUniform"),
    "random_normal": ("RandomNormal", "TruncatedNormal"),
    "random_uniform": ("RandomUniform",),
}
_ACTIVATION_LAYERS = {"ReLU": "relu", "LeakyReLU": "leaky_relu", "Softmax": "softmax", "ELU": "elu"}
ACCURACY_BAND = 0.05  # below the threshold, credit falls linearly to zero over this many points


@dataclass(frozen=True)
class Block:
    units: int | None
    activation: str | None
    initializer: str | None
    dropout: float | None  # rate of a Dropout inside the block
    batchnorm: str | None  # None | "before_activation" | "after_activation"


@dataclass(frozen=True)
class Criterion:
    name: str
    ok: bool
    message: str  # why it failed (or what passed)
    credit: float = 1.0  # 0..1, partial for accuracy


def blocks_of(layers: Sequence[Layer]) -> tuple[Block, ...]:
    blocks: list[dict[str, Any]] = []
    for layer in layers:
        if layer.kind == "Dense":
            own = None if layer.activation in (None, "linear") else layer.activation
            blocks.append({"units": layer.units, "activation": own, "initializer": layer.initializer,
                           "dropout": None, "batchnorm": None, "seen_activation": own is not None})
        elif not blocks:
            continue  # Flatten, InputLayer, preprocessing before the first Dense
        elif layer.kind == "BatchNormalization":
            current = blocks[-1]
            current["batchnorm"] = "after_activation" if current["seen_activation"] else "before_activation"
        elif layer.kind in _ACTIVATION_LAYERS or layer.kind == "Activation":
            current = blocks[-1]
            current["activation"] = _ACTIVATION_LAYERS.get(layer.kind) or layer.activation
            current["seen_activation"] = True
        elif layer.kind in ("Dropout", "AlphaDropout", "GaussianDropout"):
            blocks[-1]["dropout"] = layer.rate if layer.rate is not None else 0.0
    return tuple(Block(b["units"], b["activation"], b["initializer"], b["dropout"], b["batchnorm"]) for b in blocks)


def architecture_criteria(model: TracedModel, rules: Mapping[str, Any]) -> list[Criterion]:
    """One criterion per architecture rule present in `rules` (the check's parameters)."""
    blocks = blocks_of(model.layers)
    hidden, output = blocks[:-1], (blocks[-1] if blocks else None)
    found: list[Criterion] = []
    if not blocks:
        return [Criterion("layers", False, "the model has no Dense layers")]
    if "hidden_units" in rules:
        want = [int(u) for u in rules["hidden_units"]]
        got = [b.units for b in hidden]
        problems = []
        if len(got) != len(want):
            problems.append(f"{len(got)} hidden layers, expected {len(want)}")
        for i, (g, w) in enumerate(zip(got, want), start=1):
            if g != w:
                problems.append(f"hidden layer {i}: {g} units, expected {w}")
        found.append(Criterion("hidden_units", not problems, "; ".join(problems) or f"hidden layers {got}"))
    if "min_hidden" in rules or "max_hidden" in rules:
        low, high = int(rules.get("min_hidden", 0)), int(rules.get("max_hidden", 10**6))
        ok = low <= len(hidden) <= high
        need = f"at least {low}" if "max_hidden" not in rules else (f"{low}" if low == high else f"{low} to {high}")
        found.append(Criterion("hidden_count", ok, f"{len(hidden)} hidden layers, expected {need}"))
    if "min_hidden_units" in rules:
        low = int(rules["min_hidden_units"])
        small = [f"hidden layer {i}: {b.units} units, expected at least {low}" for i, b in enumerate(hidden, 1)
                 if (b.units or 0) < low]
        found.append(Criterion("hidden_width", not small, "; ".join(small) or "hidden layers wide enough"))
    if "hidden_activation" in rules:
        want = _names(rules["hidden_activation"])
        bad = [f"hidden layer {i}: activation {b.activation or 'linear'}, expected {' or '.join(want)}"
               for i, b in enumerate(hidden, 1) if (b.activation or "linear") not in want]
        found.append(Criterion("hidden_activation", bool(hidden) and not bad,
                               "; ".join(bad) or ("no hidden layers" if not hidden else "activations right")))
    if "output_units" in rules:
        want = int(rules["output_units"])
        found.append(Criterion("output_units", output.units == want,
                               f"output layer: {output.units} units, expected {want}"))
    if "output_activation" in rules:
        want = _names(rules["output_activation"])
        got = output.activation or "linear"
        found.append(Criterion("output_activation", got in want,
                               f"output layer: activation {got}, expected {' or '.join(want)}"))
    if "initializer" in rules:
        families = _names(rules["initializer"])
        allowed = {name.lower() for f in families for name in INITIALIZER_FAMILIES.get(f, (f,))}
        bad = [f"hidden layer {i}: kernel_initializer {b.initializer}" for i, b in enumerate(hidden, 1)
               if (b.initializer or "").lower() not in allowed]
        asked = " or ".join(f.capitalize() if f != "he" else "He" for f in families)
        found.append(Criterion("initializer", bool(hidden) and not bad,
                               ("; ".join(bad) + f", the part asks for {asked}") if bad else f"{asked} initialisation"))
    if rules.get("dropout") == "after_every_hidden":
        missing = [str(i) for i, b in enumerate(hidden, 1) if not b.dropout]
        rate = rules.get("dropout_rate")
        wrong = []
        if rate is not None:
            low, high = (rate, rate) if isinstance(rate, (int, float)) else (rate[0], rate[1])
            wrong = [f"hidden layer {i}: dropout rate {b.dropout:g}, expected {low:g}" + (f" to {high:g}" if high != low else "")
                     for i, b in enumerate(hidden, 1) if b.dropout and not low <= b.dropout <= high]
        message = "; ".join(([f"no Dropout after hidden layer {', '.join(missing)}"] if missing else []) + wrong)
        found.append(Criterion("dropout", bool(hidden) and not missing and not wrong, message or "Dropout after every hidden layer"))
    if rules.get("dropout") == "none":
        has = [str(i) for i, b in enumerate(hidden, 1) if b.dropout]
        found.append(Criterion("dropout", not has, f"Dropout after hidden layer {', '.join(has)}; this part has none" if has else "no Dropout"))
    if rules.get("batchnorm") == "before_activation":
        bad = []
        for i, b in enumerate(hidden, 1):
            if b.batchnorm is None:
                bad.append(f"hidden layer {i}: no BatchNormalization")
            elif b.batchnorm == "after_activation":
                bad.append(f"hidden layer {i}: BatchNormalization after {b.activation or 'the activation'}; "
                           "the lab puts it between Dense and ReLU")
        found.append(Criterion("batchnorm", bool(hidden) and not bad, "; ".join(bad) or "Dense > BatchNorm > ReLU"))
    if "optimizer" in rules:
        want = _names(rules["optimizer"])
        got = (model.optimizer or "none").lower()
        found.append(Criterion("optimizer", got in want, f"optimizer {model.optimizer}, expected {' or '.join(want)}"))
    if "min_epochs" in rules:
        want = int(rules["min_epochs"])
        found.append(Criterion("epochs", model.epochs >= want, f"{model.epochs} epochs, expected at least {want}"))
    return found


def accuracy_criterion(model: TracedModel, threshold: float) -> Criterion:
    """Credit for the grader's own measurement; partial below the threshold, none if untrusted."""
    if model.trained_on_test:
        return Criterion("accuracy", False, "trained on the test set: no accuracy credit", 0.0)
    if model.test_accuracy is None:
        return Criterion("accuracy", False, model.measure_note or "accuracy could not be measured", 0.0)
    acc = model.test_accuracy
    if acc >= threshold:
        return Criterion("accuracy", True, f"measured test accuracy {acc:.4f} >= {threshold:.4f}")
    credit = max(0.0, (acc - (threshold - ACCURACY_BAND)) / ACCURACY_BAND)
    return Criterion("accuracy", False, f"measured test accuracy {acc:.4f} < {threshold:.4f}", round(credit, 3))


def _names(value: Any) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else list(value)
    return tuple(str(v).lower() for v in values)
