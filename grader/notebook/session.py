"""The live session being self-checked: tracing started by `%load_ext grader`, the outcome of each
cell it ran, and the Keras models still alive in it.

`start(shell)` installs the runtime's tracers in the student's own kernel
(`inside.runtime.install_live`): every model trained from then on is recorded and saved, as in a
grading run. A session loaded late (after training) still finds the models its variables hold
(`adopt_live_models`), but not the ones overwritten before.
"""

from __future__ import annotations

import tempfile
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.inside import describe, runtime, state


@dataclass
class CellOutcome:
    """One cell the session ran after the extension was loaded (IPython's post_run_cell)."""

    count: int | None  # IPython's execution count (In [n])
    source: str
    error: str | None = None  # "NameError: name 'np' is not defined"
    traceback: str | None = None


@dataclass
class Session:
    shell: Any
    out_dir: Path
    data_path: Path | None
    traced: bool  # TensorFlow imported and the tracers installed
    ran_before: int  # cells the session had run before the extension was loaded
    outcomes: list[CellOutcome] = field(default_factory=list)
    adopted: int = 0  # live models found by a late check, not seen training

    def after_cell(self, result) -> None:
        """IPython's post_run_cell event; its own failure is a grader note, never an error in the cell."""
        try:
            self._keep_outcome(result)
        except Exception as exc:
            state.note_hook_failure("cell outcome", exc)

    def _keep_outcome(self, result) -> None:
        info = getattr(result, "info", None)
        source = getattr(info, "raw_cell", "") or ""
        error = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
        outcome = CellOutcome(getattr(result, "execution_count", None), source)
        if error is not None:
            outcome.error = f"{type(error).__name__}: {error}"[:500]
            frames = traceback.format_exception(type(error), error, error.__traceback__)
            outcome.traceback = "".join(frames[-6:])[-3000:]
        self.outcomes.append(outcome)


current: Session | None = None


def start(shell) -> Session:
    """Trace this session from now on (once: loading the extension again changes nothing)."""
    global current
    if current is not None and current.shell is shell:
        return current
    stop()  # another shell's session (or none)
    from grader.data import find_mnist
    from grader.errors import DatasetError

    try:
        data_path: Path | None = find_mnist()
    except DatasetError:
        data_path = None  # fetched when the check needs it (Keras's own download, verified)
    out_dir = Path(tempfile.mkdtemp(prefix="grader-session-"))
    traced = runtime.install_live({"out_dir": str(out_dir), "data_path": str(data_path) if data_path else None})
    inputs = shell.user_ns.get("In") if shell is not None else None
    ran_before = max(0, len(inputs) - 2) if isinstance(inputs, list) else 0  # In[0] is "", and this cell
    current = Session(shell, out_dir, data_path, traced, ran_before)
    if shell is not None:
        shell.events.register("post_run_cell", current.after_cell)
    return current


def stop() -> None:
    global current
    if current is not None and current.shell is not None:
        try:
            current.shell.events.unregister("post_run_cell", current.after_cell)
        except ValueError:
            pass
    current = None


def adopt_live_models(namespace: dict[str, Any]) -> int:
    """Record the Keras models the session's variables hold that were fit before the tracing
    began (the extension came after them): their layers, their own `history`, their inputs' scaling
    learned from the MNIST-shaped arrays in the namespace. Returns how many were adopted."""
    try:
        import keras
    except ImportError:
        return 0
    arrays = describe.input_arrays(namespace)
    adopted = 0
    for name, model in live_models(namespace, keras.Model):
        if state.current.knows(model) or not getattr(model, "built", False):
            continue  # seen training, or read back by load_model: not a model trained unseen
        history = getattr(getattr(model, "history", None), "history", None)
        if not isinstance(history, dict) or not history:
            continue  # never fit in this session (read back from a file, or only built)
        runtime.adopt(model, name, describe.sample_for(model, arrays))
        adopted += 1
    return adopted


def live_models(namespace: dict[str, Any], model_cls) -> list[tuple[str, Any]]:
    """(name, model) for each distinct Keras model reachable from the namespace: globals,
    attributes of modules (`tf.model = ...`) and of objects, items of lists and dicts, and the
    model a `History` belongs to; one level deep."""
    found: dict[int, tuple[str, Any]] = {}

    def see(name: str, value: Any) -> None:
        if isinstance(value, model_cls) and id(value) not in found:
            found[id(value)] = (name, value)

    for name, value in list(namespace.items()):
        if name.startswith("_") or name in ("In", "Out", "exit", "quit", "get_ipython"):
            continue
        see(name, value)
        if isinstance(value, model_cls):
            continue
        if isinstance(value, types.ModuleType):
            members = vars(value).items()
        elif isinstance(value, (list, tuple)):
            members = ((f"{name}[{i}]", v) for i, v in enumerate(value[:50]))
        elif isinstance(value, dict):
            members = ((f"{name}[{k!r}]", v) for k, v in list(value.items())[:50])
        elif hasattr(value, "__dict__") and not isinstance(value, type):
            members = vars(value).items()
        else:
            continue
        for key, member in list(members):
            see(key if key.startswith(name) else f"{name}.{key}", member)
    return list(found.values())
