"""Turn the facts the runtime wrote (JSON, never pickle) into frozen `TracedModel` values.

The file comes from the student's process, so every field is read defensively:
a malformed record is dropped with a note instead of crashing the grader.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from grader.inside.facts import FACTS_FILE, FACTS_VERSION, MAX_FACTS_BYTES, FactsDocument, ModelRecord
from grader.execution.colab import COLAB_PAIR
from grader.models import CellResult, Layer, TracedModel
from grader.message import Message, Phrase, msg


@dataclass(frozen=True)
class Traced:
    """What `read_facts` found in the runtime's facts document: the traced models, a module's cell, notes."""

    models: tuple[TracedModel, ...] = ()
    cells: tuple[CellResult, ...] = ()  # only for modules: the runtime reports the module as one cell
    notes: tuple[Phrase, ...] = ()  # the runtime's own notes are English strings (inside/ has no catalogue)
    saves: tuple[str, ...] = ()  # file names passed to model.save
    loads: tuple[str, ...] = ()  # file names passed to load_model


def read_facts(out_dir: Path, cell_of_position: Mapping[int, int]) -> Traced:
    """What the runtime recorded in `out_dir/facts.json`, with the runtime's cell positions
    (`inside.state.cell_number`) mapped to notebook cell indices."""
    path = Path(out_dir) / FACTS_FILE
    if not path.is_file():
        return Traced(notes=(msg("no training was traced (the grader's runtime left no facts)"),))
    if path.stat().st_size > MAX_FACTS_BYTES:
        return Traced(notes=(msg("the trace file was too large and was ignored"),))
    try:
        facts = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return Traced(notes=(msg("the trace file was unreadable and was ignored"),))
    if not isinstance(facts, dict):
        return Traced(notes=(msg("the trace file was malformed and was ignored"),))
    if facts.get("version") != FACTS_VERSION:
        return Traced(notes=(msg("the trace file has version {got}, not {want}, and was ignored",
                                got=str(facts.get("version"))[:20], want=FACTS_VERSION),))
    return _from_document(facts, cell_of_position)


def _from_document(facts: FactsDocument, cell_of_position: Mapping[int, int]) -> Traced:
    notes: list[Phrase] = []
    models = []
    for raw in facts.get("models", []) if isinstance(facts.get("models"), list) else []:
        try:
            models.append(model_from_facts(raw, len(models), cell_of_position))
        except (KeyError, TypeError, ValueError) as exc:
            notes.append(msg("a traced model record was malformed and ignored ({error})", error=repr(exc)))
            continue
        stopped = models[-1].stopped
        if stopped:
            notes.append(msg("model #{n}: training stopped by the time limit at epoch {epoch:,} of {of}; this model was "
                             "graded as it was then", n=len(models), epoch=stopped["epoch"],
                             of=f"{stopped['of']:,}" if "of" in stopped else "?"))
    cells = []
    for raw in facts.get("cells", []) if isinstance(facts.get("cells"), list) else []:
        if isinstance(raw, dict) and raw.get("status") in ("ok", "error", "timeout"):
            cells.append(CellResult(int(raw.get("index", 0)), raw["status"], _str(raw.get("source")) or "",
                                    error=_str(raw.get("error")), traceback=_str(raw.get("traceback"))))
    for note in _list(facts, "notes"):
        if isinstance(note, str):
            notes.append(note[:300])
    stack = facts.get("stack")
    if isinstance(stack, dict) and all(isinstance(stack.get(k), str) for k in ("tensorflow", "keras")):
        notes.append(msg("TensorFlow {tensorflow} and Keras {keras} ran this code (Colab runs TensorFlow {colab_tf} "
                         "and Keras {colab_keras})", tensorflow=stack["tensorflow"][:20], keras=stack["keras"][:20],
                         colab_tf=COLAB_PAIR[0], colab_keras=COLAB_PAIR[1]))
    return Traced(tuple(models), tuple(cells), tuple(notes), _files(facts, "saves"), _files(facts, "loads"))


def _list(facts: Mapping[str, Any], key: str) -> list:
    value = facts.get(key)
    return value if isinstance(value, list) else []


def _files(facts: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(e["file"])[:200] for e in _list(facts, key) if isinstance(e, dict) and isinstance(e.get("file"), str))


def model_from_facts(raw: ModelRecord, index: int, cell_of_position: Mapping[int, int]) -> TracedModel:
    if not isinstance(raw, dict):
        raise TypeError("record is not an object")
    history = {
        str(k): tuple(float(x) for x in v)
        for k, v in (raw.get("history") or {}).items()
        if isinstance(v, list)
    }
    position = raw.get("cell")
    cell = cell_of_position.get(int(position)) if isinstance(position, int) else None
    accuracy = raw.get("in_process_accuracy")
    measured_by = "student-process" if isinstance(accuracy, (int, float)) else "none"
    transform = raw.get("transform") if isinstance(raw.get("transform"), dict) else {}
    return TracedModel(
        index=index,
        name=_str(raw.get("name")) or f"model {index}",
        method="custom_loop" if raw.get("method") == "custom_loop" else "fit",
        layers=_layers(raw.get("layers")),
        params=int(raw.get("params") or 0),
        input_shape=_shape(raw.get("input_shape")),
        output_shape=_shape(raw.get("output_shape")),
        optimizer=_str(raw.get("optimizer")),
        learning_rate=_float(raw.get("learning_rate")),
        loss=_str(raw.get("loss")),
        epochs=int(raw.get("epochs") or 0),
        batch_size=int(raw["batch_size"]) if isinstance(raw.get("batch_size"), int) else None,
        history=history,
        cell=cell,
        steps=int(raw.get("steps") or 0),
        dataset=raw.get("dataset") if raw.get("dataset") in ("mnist", "xor") else "unknown",
        function=_str(raw.get("function")),
        trained_on_test=raw.get("trained_on") == "test",
        test_accuracy=float(accuracy) if measured_by != "none" else None,
        measured_by=measured_by,
        measure_note=_str(raw.get("measure_note")),
        reported_accuracy=_reported(raw.get("student_evaluate")),
        artifact=_artifact(raw.get("artifact")),
        transform={k: transform[k] for k in ("scale", "offset", "input_shape") if k in transform},
        capped={k: v for k, v in (raw.get("capped") or {}).items() if k in ("epochs", "samples")}
        if isinstance(raw.get("capped"), dict) else {},
        stopped=_stopped(raw.get("stopped")),
        accelerated=raw["accelerated"] if isinstance(raw.get("accelerated"), bool) else None,
        not_accelerated=_declined(raw.get("not_accelerated")),
    )


def _declined(value: Any) -> Phrase | None:
    """The runtime's reason for Keras's own loop, as a catalogue message (its values are literals)."""
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        return None
    values = value.get("values") if isinstance(value.get("values"), dict) else {}
    try:
        value["id"].format(**{k: str(v) for k, v in values.items()})
    except (KeyError, IndexError, ValueError):
        return _str(value["id"])
    # the ids are the Declined templates of inside/fastfit.py (tests/test_i18n.py holds them to the catalogue)
    return Message(value["id"][:200], {str(k)[:40]: str(v)[:200] for k, v in values.items()})


def _stopped(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    epoch, asked = value.get("epoch"), value.get("of")
    if isinstance(epoch, int) and not isinstance(epoch, bool) and epoch > 0:
        return {"epoch": epoch, **({"of": asked} if isinstance(asked, int) and not isinstance(asked, bool) else {})}
    return {}


def _layers(value: Any) -> tuple[Layer, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise TypeError("layers is not a list of objects")
    return tuple(Layer.from_dict(layer) for layer in value)


def _artifact(name: Any) -> str | None:
    # only a bare file name the runtime chose; never a path the student could point elsewhere
    if isinstance(name, str) and name.startswith("model") and name.endswith(".keras") and "/" not in name and ".." not in name:
        return name
    return None


def _reported(value: Any) -> float | None:
    if isinstance(value, list) and len(value) >= 2:
        return _float(value[1])
    return None


def _shape(value: Any) -> tuple[int | None, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(int(v) if isinstance(v, int) else None for v in value)


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
