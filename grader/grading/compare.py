"""Pure logic: each trained model beside the reference model it should be compared with.

The reference models are the ones `grader reference` recorded in the assignment's
`reference.json` (layers and per-epoch history). A student model is paired with the
reference of the part whose architecture rules it fits best, and the two are aligned
hidden layer by hidden layer (Dense blocks, see `rules.blocks_of`) so the report can
highlight what differs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Mapping, Sequence

from grader.message import Authored, Phrase, join, msg, to_json
from grader.grading.rules import INITIALIZER_FAMILIES, architecture_criteria, blocks_of
from grader.grading.schema import ArchitectureRules, RunCheck
from grader.models import Assignment, Block, BlockRow, Comparison, Layer, ReferenceRun, TracedModel, describe

__all__ = ["BlockRow", "Comparison", "ReferenceRun", "compare_models", "comparison_dict", "summarize"]

BLOCK_FIELDS = ("units", "activation", "initializer", "dropout", "batchnorm")
GAP_COST = 3  # an extra or missing layer counts like three differing fields
# the rule keys (assignment.toml) that constrain each field, of the hidden layers and of the output layer;
# a field no rule of the part constrains is the student's free choice, and a difference there is only shown
_HIDDEN_RULES = {"units": ("hidden_units", "min_hidden_units"), "activation": ("hidden_activation",),
                 "initializer": ("initializer",), "dropout": ("dropout", "dropout_rate"), "batchnorm": ("batchnorm",)}
_OUTPUT_RULES = {"units": ("output_units",), "activation": ("output_activation",)}
_FAMILY = {name: family for family, names in INITIALIZER_FAMILIES.items() if family != "xavier" for name in names}


def reference_runs(assignment: Assignment) -> tuple[ReferenceRun, ...]:
    """The recorded reference models, one per part with a named threshold; an entry recorded before
    layers were (or damaged by hand) is left out rather than compared wrongly."""
    found = []
    for spec in assignment.checks:
        rules = spec.rules
        if not isinstance(rules, RunCheck) or rules.min_accuracy is None:
            continue
        name = rules.min_accuracy if isinstance(rules.min_accuracy, str) else spec.id
        facts = assignment.reference.get(name)
        layers = _layers(facts.get("layers")) if isinstance(facts, Mapping) else ()
        if not blocks_of(layers):
            continue
        found.append(ReferenceRun(
            name=name, check_id=spec.id, check_title=spec.title, check_titles=dict(spec.titles), layers=layers,
            history=_history(facts.get("history")), accuracy=_float(facts.get("accuracy")),
            epochs=int(_float(facts.get("epochs")) or 0), dataset=rules.dataset or assignment.dataset))
    return tuple(found)


def _layers(recorded: Any) -> tuple[Layer, ...]:
    if not isinstance(recorded, list):
        return ()
    return tuple(Layer.from_dict(d) for d in recorded if isinstance(d, Mapping) and isinstance(d.get("kind"), str))


def _history(recorded: Any) -> dict[str, tuple[float, ...]]:
    """Only whole series of numbers: a curve with a hole in it is not drawn at all."""
    if not isinstance(recorded, Mapping):
        return {}
    series = {str(k): [_float(x) for x in v] for k, v in recorded.items() if isinstance(v, list)}
    return {k: tuple(v) for k, v in series.items() if v and None not in v}  # type: ignore[misc]


def compare_models(models: Sequence[TracedModel], assignment: Assignment) -> tuple[Comparison, ...]:
    """Each model with layers, beside the reference it resembles most (nothing when none was recorded)."""
    references = reference_runs(assignment)
    rules = {spec.id: spec.rules for spec in assignment.checks}  # a reference's part is a `run` part
    comparisons = []
    for model in models:
        if not model.layers or not blocks_of(model.layers):
            continue
        ranked = []
        for ref in references:
            if model.dataset not in (ref.dataset, "unknown"):
                continue  # the XOR net of a Lab 10 notebook has no MNIST reference to stand beside
            criteria = architecture_criteria(model, rules[ref.check_id])
            met = sum(c.ok for c in criteria)
            rows = diff_blocks(blocks_of(model.layers), blocks_of(ref.layers))
            differing = alignment_cost(rows)
            # the part whose rules it fits best; among those the most specific one, then the closest layers
            ranked.append((met / len(criteria) if criteria else 0.0, met, -differing, -len(ranked), ref, rows))
        if ranked:
            *_, ref, rows = max(ranked, key=lambda item: item[:4])  # ties go to the earlier part
            comparisons.append(Comparison(model.index, ref, mark_free(rows, rules[ref.check_id])))
    return tuple(comparisons)


def diff_blocks(yours: Sequence[Block], reference: Sequence[Block]) -> tuple[BlockRow, ...]:
    """Hidden layers aligned at the least cost (a differing field costs 1, an extra or missing layer
    costs GAP_COST; ties keep layers paired by position); the output layers are paired with each other."""
    mine, theirs = list(yours[:-1]), list(reference[:-1])
    n, m = len(mine), len(theirs)
    # cost[i][j]: the cheapest alignment of mine[i:] with theirs[j:]
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n or j == m:
                cost[i][j] = (n - i + m - j) * GAP_COST
            else:
                cost[i][j] = min(cost[i + 1][j + 1] + len(_differs(mine[i], theirs[j])),
                                 cost[i + 1][j] + GAP_COST, cost[i][j + 1] + GAP_COST)
    rows: list[BlockRow] = []
    i = j = 0
    while i < n or j < m:  # walk forward, preferring a pair over a gap so equal-cost alignments stay positional
        if i < n and j < m and cost[i][j] == cost[i + 1][j + 1] + len(_differs(mine[i], theirs[j])):
            rows.append(_row(mine[i], theirs[j]))
            i, j = i + 1, j + 1
        elif i < n and cost[i][j] == cost[i + 1][j] + GAP_COST:
            rows.append(BlockRow("extra", mine[i], None))
            i += 1
        else:
            rows.append(BlockRow("missing", None, theirs[j]))
            j += 1
    if yours and reference:
        rows.append(_row(yours[-1], reference[-1]))
    elif yours or reference:
        rows.append(BlockRow("extra", yours[-1], None) if yours else BlockRow("missing", None, reference[-1]))
    return tuple(rows)


def mark_free(rows: Sequence[BlockRow], rules: ArchitectureRules) -> tuple[BlockRow, ...]:
    """The rows with each differing field the part's rules leave open marked free (the last row is the output)."""
    marked = []
    for k, row in enumerate(rows):
        table = _OUTPUT_RULES if _is_output(rows, k) else _HIDDEN_RULES
        free = tuple(f for f in row.differs if not any(getattr(rules, key) is not None for key in table.get(f, ())))
        marked.append(replace(row, free=free))
    return tuple(marked)


def alignment_cost(rows: Sequence[BlockRow]) -> int:
    """What `diff_blocks` minimised: differing fields plus GAP_COST per extra or missing layer."""
    return sum(GAP_COST if row.status in ("extra", "missing") else len(row.differs) for row in rows)


def layer_numbers(rows: Sequence[BlockRow]) -> list[tuple[int | None, int | None]]:
    """Each row's layer number in the student's model and in the reference's (None where it has none),
    counting hidden layers from 1; the output row gets (0, 0). The terminal summary and the HTML table
    both name rows this way, so "layer 3" means the same layer in both."""
    numbers: list[tuple[int | None, int | None]] = []
    mine = theirs = 0
    for k, row in enumerate(rows):
        if _is_output(rows, k):
            numbers.append((0, 0))
            continue
        mine += row.yours is not None
        theirs += row.reference is not None
        numbers.append((mine if row.yours is not None else None, theirs if row.reference is not None else None))
    return numbers


def _is_output(rows: Sequence[BlockRow], k: int) -> bool:
    """`diff_blocks` ends with the two output layers paired, when both models have one."""
    return k == len(rows) - 1 and rows[k].yours is not None and rows[k].reference is not None


def _differs(a: Block, b: Block) -> tuple[str, ...]:
    return tuple(f for f in BLOCK_FIELDS if _value(a, f) != _value(b, f))


def _row(a: Block, b: Block) -> BlockRow:
    differs = _differs(a, b)
    return BlockRow("changed" if differs else "same", a, b, differs)


def comparison_dict(comparison: Comparison) -> dict[str, Any]:
    """The JSON form the report documents carry (and the HTML page renders); `summary_phrase` is the
    summary as a message, which the report renders into `summary` in its reader's language."""
    ref = comparison.reference
    return {
        "name": ref.name, "check": ref.check_id, "check_title": ref.check_title, "check_title_en": ref.check_title,
        "check_titles": dict(ref.check_titles),
        "accuracy": ref.accuracy, "epochs": ref.epochs,
        "architecture": describe(ref.layers),
        "history": {k: list(v) for k, v in ref.history.items()},
        "differences": comparison.differences, "faults": comparison.faults, "summary_phrase": to_json(summarize(comparison)),
        "rows": [{"status": row.status, "differs": list(row.differs), "free": list(row.free),
                  "layer": mine, "reference_layer": theirs,
                  "yours": _block_dict(row.yours), "reference": _block_dict(row.reference)}
                 for row, (mine, theirs) in zip(comparison.rows, layer_numbers(comparison.rows))],
    }


def _value(block: Block, name: str) -> Any:
    value = getattr(block, name)
    if name == "initializer":
        return _FAMILY.get(value, value)  # HeUniform and HeNormal are the same choice for the course
    if name == "dropout" and value is not None:
        return round(value, 3)
    return value


def _block_dict(block: Block | None) -> dict[str, Any] | None:
    return None if block is None else {f: getattr(block, f) for f in BLOCK_FIELDS}


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def summarize(comparison: Comparison) -> Phrase:
    """One line for the terminal and Markdown reports: what differs from the reference, layer by layer."""
    ref = comparison.reference
    part = Authored({**ref.check_titles, "en": ref.check_title})
    if not comparison.differences:
        return msg("same layers as the reference of '{part}'", part=part)
    notes: list[Phrase] = []
    for row, (mine, theirs) in zip(comparison.rows, layer_numbers(comparison.rows)):
        if row.status == "extra":
            notes.append(msg("hidden layer {n} is not in the reference", n=mine))
        elif row.status == "missing":
            notes.append(msg("reference hidden layer {n} is missing", n=theirs))
        elif row.status == "changed":
            where = msg("output layer") if mine == 0 else msg("hidden layer {n}", n=mine)
            fields = [msg("{field} {yours} ≠ {reference}", field=f, yours=_show(getattr(row.yours, f)),
                          reference=_show(getattr(row.reference, f)))
                      + (msg(" (your choice)") if f in row.free else "") for f in row.differs]
            notes.append(msg("{where}: {fields}", where=where, fields=join(fields, ", ")))
    return msg("vs the reference of '{part}': {notes}", part=part, notes=join(notes))


def _show(value: Any) -> Phrase:
    return msg("none") if value is None else f"{value:g}" if isinstance(value, float) else str(value)
