"""The runtime's state in the student process: what it has traced so far, and how it is written.

`current` is set by `runtime.install` and read by the tracing hooks at call time. Every write
replaces `facts.json` atomically, so work done before a crash or a limit still counts.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .facts import FACTS_FILE, FACTS_VERSION, FactsDocument, ModelRecord

current: "State | None" = None


class TimeLimitReached(BaseException):
    """Raised in the student's module by the runtime's own alarm at the run's time limit, so the
    model in training is kept (a BaseException: the student's `except Exception` cannot swallow it)."""
SAMPLE_ROWS = 256  # training inputs kept per model, to learn their scaling and shape


class State:
    def __init__(self, config: dict[str, Any]):
        self.config = config
        self.out_dir = Path(config["out_dir"])
        self.data_path = config.get("data_path")
        self.records: list[ModelRecord] = []
        self.by_model: dict[int, ModelRecord] = {}  # id(model) -> record
        self.objects: dict[int, Any] = {}  # id(model) -> model, kept alive so overwritten models still count
        self.loops: dict[tuple, dict[str, Any]] = {}  # custom loops by (optimizer, variables)
        self.cells: list[dict[str, Any]] = []
        self.original_save = None
        self.saves: list[dict[str, Any]] = []
        self.loads: list[dict[str, Any]] = []
        self.call_samples: dict[int, Any] = {}  # id(model) -> first training batch it was called on
        self.notes: list[str] = []
        self.in_fit = 0
        self.cell_position = 0  # the executor's cells after the setup cell, counted by runtime._next_cell
        self.accelerate: bool = config.get("accelerate", True)  # the training fast path (fastfit.py)
        self.quick: dict[str, Any] | None = config.get("quick")  # {"max_epochs", "max_samples"} or None
        self.live: bool = bool(config.get("live"))  # the student's own session (the self-check), not a grading run
        self.cell_sources: dict[int, str] = {}  # live: cell position -> the source that ran
        self.loaded: set[int] = set()  # id() of the models load_model returned (not trained here)
        self._rows_index: dict | None = None  # testsets.rows_index, loaded on first use
        self.stack: dict[str, str] = {}  # the versions that ran the student's code (runtime.record_stack)

    def write(self) -> None:
        document: FactsDocument = {"version": FACTS_VERSION, "models": self.records, "cells": self.cells,
                                   "notes": self.notes[-50:], "saves": self.saves[-100:], "loads": self.loads[-100:],
                                   "stack": self.stack}
        tmp = self.out_dir / (FACTS_FILE + ".tmp")
        tmp.write_text(json.dumps(document, default=jsonable), encoding="utf-8")
        os.replace(tmp, self.out_dir / FACTS_FILE)

    # The runtime's API for the self-check (grader/notebook/), which reads this state but never
    # writes it directly.

    def set_predict_functions(self, names) -> None:
        """The assignment's prediction functions (raw tf.Variable code) that `finalize` calls."""
        self.config["predict_functions"] = [str(n) for n in names]

    def use_data(self, path) -> None:
        """The verified MNIST copy to serve and measure with, once the session has fetched one."""
        self.data_path = str(path)

    def loads_mark(self) -> int:
        return len(self.loads)

    def forget_loads_since(self, mark: int) -> None:
        """Drop the `load_model` calls recorded after `mark`: the grader's own, not the student's."""
        del self.loads[mark:]

    def snapshot(self) -> list[ModelRecord]:
        """The model records as they are now, for `keep_traced_since`."""
        return list(self.records)

    def keep_traced_since(self, snapshot: list[ModelRecord]) -> None:
        """Take back the records added since `snapshot` that belong to no traced model (a custom
        loop or a prediction function recorded by `finalize` for one check), so that checking the
        session again does not count them twice; write the facts."""
        kept = {id(r) for r in self.by_model.values()}
        self.records[:] = snapshot + [r for r in self.records[len(snapshot):] if id(r) in kept]
        self.write()

    def knows(self, model) -> bool:
        """Whether `model` was seen training, or read back by `load_model` (not a model trained unseen)."""
        return id(model) in self.by_model or id(model) in self.loaded

    def splits_of(self, raw_rows) -> list[str]:
        """"train", "test" or "other" for each raw MNIST image row, to tell what the student trained
        on: from the row index the grader prepared beside its MNIST copy, else built from the copy."""
        if self._rows_index is None:
            import numpy as np

            from .testsets import rows_index

            if not self.data_path:  # a live session without the grader's copy: the split is not told
                return ["other"] * len(raw_rows)
            prepared = self.config.get("rows_index")
            try:
                with np.load(prepared, allow_pickle=False) as f:
                    self._rows_index = {"digest": f["digest"], "split": f["split"]}
            except (OSError, TypeError, ValueError, KeyError):
                self._rows_index = rows_index(self.data_path)
        from .testsets import split_of_rows

        return split_of_rows(self._rows_index, raw_rows)


FAILED = object()  # what `attempt` returns when the grader's part of a hook failed


def attempt(hook: str, fn, *args, **kwargs):
    """The grader's part of a hook (`fn(*args, **kwargs)`), or FAILED with a note: a hook's own
    failure is the grader's, and the student's call must go on as plain Keras would."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        note_hook_failure(hook, exc)
        return FAILED


def note_hook_failure(hook: str, exc: BaseException) -> None:
    """One grader note per hook (a hook failing every epoch must not flood the report); never raises."""
    try:
        if current is None:
            return
        note = (f"grader note: the grader's {hook} hook failed ({type(exc).__name__}: {str(exc)[:160]}); "
                "the student's code ran on as plain Keras would")
        if not any(n.startswith(f"grader note: the grader's {hook} hook failed") for n in current.notes):
            current.notes.append(note)
    except Exception:
        pass


def jsonable(obj):
    if hasattr(obj, "item"):
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    return str(obj)


def cell_number() -> int | None:
    """The position of the running cell in the executor's notebook (None outside a kernel)."""
    return current.cell_position or None
