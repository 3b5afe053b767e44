"""Pure logic: does a traced model do what a part of an assignment asks, and if not, how not.

A model's layers are read as blocks: each Dense starts a block and owns the
BatchNormalization / activation / Dropout layers that follow it. The last block is the
output layer; the others are hidden layers. Every rule returns a `Criterion` whose
message says, layer by layer, what differs from the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence, get_args

from grader.grading.schema import ArchitectureRules, DefiningTrait, RunCheck
from grader.message import Phrase, join, msg
from grader.models import Block, Layer, TracedModel

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
class Criterion:
    name: str
    ok: bool
    message: Phrase  # why it failed (or what passed)
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


def architecture_criteria(model: TracedModel, rules: ArchitectureRules) -> list[Criterion]:
    """One criterion per architecture rule `rules` sets (a rule left at None asks nothing)."""
    blocks = blocks_of(model.layers)
    hidden, output = blocks[:-1], (blocks[-1] if blocks else None)
    found: list[Criterion] = []
    if not blocks:
        return [Criterion("layers", False, msg("the model has no Dense layers"))]
    if rules.hidden_units is not None:
        want = list(rules.hidden_units)
        got = [b.units for b in hidden]
        problems = []
        if len(got) != len(want):
            problems.append(msg("{got} hidden layers, expected {want}", got=len(got), want=len(want)))
        for i, (g, w) in enumerate(zip(got, want), start=1):
            if g != w:
                problems.append(msg("hidden layer {i}: {got} units, expected {want}", i=i, got=g, want=w))
        found.append(Criterion("hidden_units", not problems, join(problems) if problems else msg("hidden layers {widths}", widths=got)))
    if rules.min_hidden is not None or rules.max_hidden is not None:
        low, high = _depth_bounds(rules)
        ok = low <= len(hidden) <= high
        if rules.max_hidden is None:
            message = msg("{got} hidden layers, expected at least {low}", got=len(hidden), low=low)
        elif low == high:
            message = msg("{got} hidden layers, expected {want}", got=len(hidden), want=low)
        else:
            message = msg("{got} hidden layers, expected {low} to {high}", got=len(hidden), low=low, high=high)
        found.append(Criterion("hidden_count", ok, message))
    if rules.min_hidden_units is not None:
        low = rules.min_hidden_units
        small = [msg("hidden layer {i}: {got} units, expected at least {low}", i=i, got=b.units, low=low)
                 for i, b in enumerate(hidden, 1) if (b.units or 0) < low]
        found.append(Criterion("hidden_width", not small, join(small) if small else msg("hidden layers wide enough")))
    if rules.hidden_activation is not None:
        want = _names(rules.hidden_activation)
        bad = [msg("hidden layer {i}: activation {got}, expected {want}", i=i, got=b.activation or "linear",
                   want=" or ".join(want)) for i, b in enumerate(hidden, 1) if (b.activation or "linear") not in want]
        found.append(Criterion("hidden_activation", bool(hidden) and not bad, join(bad) if bad else (
            msg("no hidden layers") if not hidden else msg("activations right"))))
    if rules.output_units is not None:
        want = rules.output_units
        found.append(Criterion("output_units", output.units == want,
                               msg("output layer: {got} units, expected {want}", got=output.units, want=want)))
    if rules.output_activation is not None:
        want = _names(rules.output_activation)
        got = output.activation or "linear"
        found.append(Criterion("output_activation", got in want,
                               msg("output layer: activation {got}, expected {want}", got=got,
                                   want=" or ".join(want))))
    if rules.initializer is not None:
        families = _names(rules.initializer)
        allowed = {name.lower() for f in families for name in INITIALIZER_FAMILIES.get(f, (f,))}
        bad = [msg("hidden layer {i}: kernel_initializer {got}", i=i, got=b.initializer)
               for i, b in enumerate(hidden, 1) if (b.initializer or "").lower() not in allowed]
        asked = " or ".join(f.capitalize() if f != "he" else "He" for f in families)
        found.append(Criterion("initializer", bool(hidden) and not bad,
                               (join(bad) + msg(", the part asks for {want}", want=asked)) if bad
                               else msg("{want} initialisation", want=asked)))
    if rules.dropout == "after_every_hidden":
        missing = [str(i) for i, b in enumerate(hidden, 1) if not b.dropout]
        rate = rules.dropout_rate
        wrong = []
        if rate is not None:
            low, high = (rate, rate) if isinstance(rate, (int, float)) else (rate[0], rate[1])
            wrong = [msg("hidden layer {i}: dropout rate {got:g}, expected {low:g}", i=i, got=b.dropout, low=low)
                     if high == low else
                     msg("hidden layer {i}: dropout rate {got:g}, expected {low:g} to {high:g}", i=i,
                         got=b.dropout, low=low, high=high)
                     for i, b in enumerate(hidden, 1) if b.dropout and not low <= b.dropout <= high]
        parts = ([msg("no Dropout after hidden layer {layers}", layers=", ".join(missing))]
                 if missing else []) + wrong
        found.append(Criterion("dropout", bool(hidden) and not missing and not wrong,
                               join(parts) if parts else msg("Dropout after every hidden layer")))
    if rules.dropout == "none":
        has = [str(i) for i, b in enumerate(hidden, 1) if b.dropout]
        found.append(Criterion("dropout", not has, msg("Dropout after hidden layer {layers}; this part has none",
                                                       layers=", ".join(has)) if has else msg("no Dropout")))
    if rules.batchnorm == "before_activation":
        bad = []
        for i, b in enumerate(hidden, 1):
            if b.batchnorm is None:
                bad.append(msg("hidden layer {i}: no BatchNormalization", i=i))
            elif b.batchnorm == "after_activation":
                bad.append(msg("hidden layer {i}: BatchNormalization after {act}; the lab puts it between Dense "
                                     "and ReLU", i=i, act=b.activation or msg("the activation")))
        found.append(Criterion("batchnorm", bool(hidden) and not bad, join(bad) if bad else msg("Dense > BatchNorm > ReLU")))
    if rules.optimizer is not None:
        want = _names(rules.optimizer)
        got = (model.optimizer or "none").lower()
        found.append(Criterion("optimizer", got in want, msg("optimizer {got}, expected {want}",
                                                             got=model.optimizer, want=" or ".join(want))))
    if rules.min_epochs is not None:
        want = rules.min_epochs
        found.append(Criterion("epochs", model.epochs >= want,
                               msg("{got} epochs, expected at least {want}", got=model.epochs, want=want)))
    return found


DEFINING_TRAITS: tuple[str, ...] = get_args(DefiningTrait)  # the schema's `defining` names them


def _depth_bounds(rules: ArchitectureRules) -> tuple[int, int]:
    """How many hidden layers `min_hidden`/`max_hidden` allow (an unset bound does not bound)."""
    return (rules.min_hidden or 0, 10**6 if rules.max_hidden is None else rules.max_hidden)


def part_traits(rules: RunCheck) -> tuple[str, ...]:
    """The traits that say which part a model is for (its depth, Dropout or none, initialiser,
    batch norm): those the part has rules for, or the part's own `defining` list."""
    names = DEFINING_TRAITS if rules.defining is None else tuple(rules.defining)
    has = {"depth": rules.hidden_units is not None or rules.min_hidden is not None or rules.max_hidden is not None,
           "dropout": rules.dropout in ("none", "after_every_hidden"),
           "initializer": rules.initializer is not None, "batchnorm": rules.batchnorm is not None}
    return tuple(name for name in names if has.get(name))


def missing_traits(model: TracedModel, rules: RunCheck) -> tuple[str, ...]:
    """The part's defining traits this model lacks: a model lacking any is not an attempt at the
    part, so it earns the part nothing (its closeness in other respects is no evidence)."""
    hidden = blocks_of(model.layers)[:-1]
    missing = []
    for trait in part_traits(rules):
        if trait == "depth":
            if rules.hidden_units is not None:
                ok = len(hidden) == len(rules.hidden_units)
            else:
                low, high = _depth_bounds(rules)
                ok = low <= len(hidden) <= high
        elif trait == "dropout":
            with_dropout = any(b.dropout for b in hidden)
            ok = with_dropout == (rules.dropout == "after_every_hidden")
        elif trait == "initializer":
            allowed = {n.lower() for f in _names(rules.initializer) for n in INITIALIZER_FAMILIES.get(f, (f,))}
            ok = bool(hidden) and all((b.initializer or "").lower() in allowed for b in hidden)
        else:  # batchnorm
            ok = any(b.batchnorm for b in hidden)
        if not ok:
            missing.append(trait)
    return tuple(missing)


def trait_words(rules: RunCheck, traits: Sequence[str]) -> Phrase:
    """What kind of model a part asks for, in the terms of `traits` ("8 hidden layers, no Dropout")."""
    words = []
    for trait in traits:
        if trait == "depth":
            low, high = _depth_bounds(rules)
            if rules.hidden_units is not None:
                words.append(msg("{n} hidden layers", n=len(rules.hidden_units)))
            elif low == high:
                words.append(msg("{n} hidden layers", n=high))
            else:
                words.append(msg("at least {n} hidden layers", n=low))
        elif trait == "dropout":
            words.append(msg("Dropout after the hidden layers") if rules.dropout == "after_every_hidden"
                         else msg("no Dropout"))
        elif trait == "initializer":
            families = _names(rules.initializer)
            words.append(msg("{want} initialisation",
                             want=" or ".join(f.capitalize() if f != "he" else "He" for f in families)))
        else:
            words.append(msg("BatchNormalization"))
    return join(words, ", ")


def accuracy_criterion(model: TracedModel, threshold: float) -> Criterion:
    """Credit for the grader's own measurement; partial below the threshold, none if untrusted."""
    if model.trained_on_test:
        return Criterion("accuracy", False, msg("trained on the test set: no accuracy credit"), 0.0)
    if model.test_accuracy is None:
        return Criterion("accuracy", False, model.measure_note or msg("accuracy could not be measured"), 0.0)
    acc = model.test_accuracy
    if acc >= threshold:
        return Criterion("accuracy", True, msg("measured test accuracy {acc:.4f} >= {threshold:.4f}", acc=acc,
                                               threshold=threshold))
    credit = max(0.0, (acc - (threshold - ACCURACY_BAND)) / ACCURACY_BAND)
    return Criterion("accuracy", False, msg("measured test accuracy {acc:.4f} < {threshold:.4f}", acc=acc,
                                            threshold=threshold), round(credit, 3))


def _names(value: Any) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else list(value)
    return tuple(str(v).lower() for v in values)
