"""Runs inside the student's process: serves data, seeds, and traces every training run.

`install(config_path)` is executed before the student's first cell (or module line);
`finalize()` after the last one; `python -m grader.inside.runtime CONFIG SCRIPT` runs a module.
`install_live(config)` is the self-check's: the student's own session, where only the tracers go
in (no seeds, threads, determinism or output cap: their session stays theirs; `load_data()` gets
the grader's verified MNIST when it has one, the very arrays Keras would download).
Facts are written as JSON (`facts.py`) after every training run, so work done before a crash or
a limit still counts. Nothing here may break the student's code: tracing errors are recorded,
never raised. Imports nothing of the grader outside this folder.
"""

from __future__ import annotations

import json
import random
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

from . import describe, state, tracing


def install(config_path: str) -> None:
    """Prepare the student process: seeds, threads, offline MNIST, tracers."""
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    state.current = state.State(config)
    state.current.out_dir.mkdir(parents=True, exist_ok=True)
    _count_cells()
    _keep_probes_off_the_seed()
    if config.get("output_bytes"):
        budget = _Budget(int(config["output_bytes"]))
        sys.stdout, sys.stderr = _CappedStream(sys.stdout, budget), _CappedStream(sys.stderr, budget)
    seed = int(config.get("seed", 0))
    random.seed(seed)
    try:
        import numpy as np

        np.random.seed(seed)
    except ImportError:
        pass
    try:
        import keras
        import tensorflow as tf
    except ImportError as exc:  # the report will show the student's own import error
        state.current.notes.append(f"TensorFlow unavailable: {exc}")
        state.current.write()
        return
    _record_stack(keras, tf)
    threads = int(config.get("threads", 0))
    if threads > 0:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(max(1, threads))
    keras.utils.set_random_seed(seed)
    try:  # same submission, same grade: deterministic kernels where TensorFlow has them
        tf.config.experimental.enable_op_determinism()
    except Exception as exc:
        state.current.notes.append(f"op determinism unavailable: {exc!r}")
    _serve_mnist(keras)
    tracing.patch_training(keras, tf)
    tracing.patch_saving(keras)
    state.current.write()


def install_live(config: dict[str, Any]) -> bool:
    """Trace the training of the student's own, running session (`%load_ext grader`); False when
    TensorFlow cannot be imported. Training runs by Keras's own loop, as it would without us."""
    config = {**config, "live": True, "accelerate": False}
    state.current = state.State(config)
    state.current.out_dir.mkdir(parents=True, exist_ok=True)
    _number_live_cells()
    try:
        import keras
        import tensorflow as tf
    except ImportError as exc:
        state.current.notes.append(f"TensorFlow unavailable: {exc}")
        return False
    _record_stack(keras, tf)
    if getattr(keras.Model.fit, "grader_traced", False):  # `%reload_ext grader`: the hooks read the new state
        state.current.write()
        return True
    if state.current.data_path:  # the same arrays as Keras's download, verified, and offline
        _serve_mnist(keras)
    tracing.patch_training(keras, tf)
    tracing.patch_saving(keras)
    keras.Model.fit.grader_traced = True
    state.current.write()
    return True


def _record_stack(keras, tf) -> None:
    """The versions the student's code runs on, for the report (a grade says what graded it)."""
    state.current.stack = {"python": ".".join(map(str, sys.version_info[:3])),
                           "tensorflow": str(getattr(tf, "__version__", "?")), "keras": str(getattr(keras, "__version__", "?"))}


SELF_CHECK_SKIPPED = "[grader] the self-check does not run while the notebook is being graded"


def skip_self_check(shell) -> None:
    """In a grading run, the notebook's own `%load_ext grader` / `%grader check ...` (its bottom
    self-check cell) is kept but does nothing: this run is the grade."""
    if shell is not None:
        shell.register_magic_function(lambda line: print(SELF_CHECK_SKIPPED), magic_kind="line",
                                      magic_name="grader")


def _number_live_cells() -> None:
    """Each cell the session runs from now on gets a position, and its source is kept: the
    self-check maps a model to the notebook cell that trained it by that source."""
    _on_each_cell(_next_live_cell)


def _shell():
    """The IPython shell this process runs in, or None (a module run, a plain interpreter)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _on_each_cell(callback) -> None:
    """`callback` before each cell, once (a reloaded extension does not count cells twice)."""
    shell = _shell()
    if shell is not None and callback not in shell.events.callbacks.get("pre_run_cell", []):
        shell.events.register("pre_run_cell", callback)


def _never_raises(hook: str):
    """A cell event callback whose failure is a grader note, never an error shown in the student's cell."""
    def decorate(callback):
        def guarded(info=None):
            try:
                callback(info)
            except Exception as exc:
                state.note_hook_failure(hook, exc)
        guarded.__name__ = callback.__name__
        return guarded
    return decorate


@_never_raises("cell counter")
def _next_live_cell(info=None) -> None:
    if state.current is None or not state.current.live:
        return
    state.current.cell_position += 1
    source = getattr(info, "raw_cell", None)
    state.current.cell_sources[state.current.cell_position] = source if isinstance(source, str) else ""


class _Budget:
    def __init__(self, size: int):
        self.left = size
        self.noted = False


class _CappedStream:
    """sys.stdout/sys.stderr that stop passing text on once the run's output budget is spent
    (a flood of prints costs nothing then; the grader caps what reaches it independently)."""

    def __init__(self, stream, budget: _Budget):
        self._stream, self._budget = stream, budget

    def write(self, text):
        budget = self._budget
        if budget.left <= 0:
            if not budget.noted:
                budget.noted = True
                self._stream.write("\n[grader: output truncated here]\n")
            return len(text)
        budget.left -= len(text)
        return self._stream.write(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def finalize(namespace: dict[str, Any] | None = None) -> None:
    """Describe and save the models trained by custom loops, call the assignment's named
    prediction functions on the truth table; write the facts."""
    if state.current is None:
        return
    for loop in list(state.current.loops.values()):
        try:
            tracing.record_loop(loop, namespace)
        except Exception as exc:  # never fail the student's run because tracing failed
            state.current.notes.append(f"could not describe a custom training loop: {exc!r}")
    for name in state.current.config.get("predict_functions") or []:
        state.attempt("prediction function", tracing.record_function, name, namespace or {})
    state.attempt("finalize", state.current.write)


def adopt(model, name: str, sample) -> None:
    """Record a model the self-check found alive in the session, trained before the tracing began:
    its layers, Keras's own `history` of it, and its inputs' scaling from `sample` (arrays found in
    the namespace). Saved for measuring like a traced model; marked `adopted` in the facts."""
    record = tracing.new_record(model, "fit")
    record["name"], record["cell"], record["adopted"] = name, None, True
    history = getattr(getattr(model, "history", None), "history", None) or {}
    try:
        for key, values in history.items():
            record["history"][str(key)] = describe.floats(values)
        record["epochs"] = len(next(iter(history.values()), []))
    except (TypeError, ValueError):
        record["history"] = {}
    describe.describe(model, record, sample)
    state.attempt("adopt", tracing.save_or_measure, model, record)
    state.current.write()


def _serve_mnist(keras) -> None:
    """Make every `load_data()` spelling return the grader's verified copy, offline."""
    import keras.src.datasets.mnist as mnist_module
    import keras.src.utils.file_utils as file_utils

    original = file_utils.get_file

    def get_file(fname=None, origin=None, *args, **kwargs):
        __tracebackhide__ = True
        served = state.attempt("load_data", _served_mnist, fname, origin)
        if served not in (None, state.FAILED):
            return served
        return original(fname, origin, *args, **kwargs)

    mnist_module.get_file = get_file
    file_utils.get_file = get_file
    keras.utils.get_file = get_file


def _served_mnist(fname, origin) -> str | None:
    """The grader's verified MNIST for Keras's MNIST download, else None (Keras's own get_file)."""
    if state.current.data_path and (str(origin or "").endswith("mnist.npz") or str(fname or "").endswith("mnist.npz")):
        return str(state.current.data_path)
    return None


def _keep_probes_off_the_seed() -> None:
    """The grader's liveness probe is a kernel_info request, and IPython answers it with a banner
    whose tip is drawn by `random.choice`: a probe landing between two cells moved the student's
    seeded random state, and so every later model's initial weights, by when it happened to
    arrive. The banner gets no tip. (The reply itself is left alone: the probe must see it.)"""
    shell = _shell()
    if shell is not None and hasattr(shell, "enable_tip"):
        shell.enable_tip = False


def _count_cells() -> None:
    """Number the cells the executor sends after the setup cell 1, 2, ... ourselves: IPython's own
    execution_count is the running cell's in IPython 8 but one ahead of it in IPython 9."""
    _on_each_cell(_next_cell)


@_never_raises("cell counter")
def _next_cell(info=None) -> None:
    state.current.cell_position += 1


def run_script(config_path: str, script: str) -> int:
    """Run a student module as `__main__` with tracing installed; record it as one cell."""
    import types

    install(config_path)
    source = Path(script).read_text(encoding="utf-8", errors="replace")
    cell: dict[str, Any] = {"index": 0, "status": "ok", "source": source}
    sys.argv = [script]
    module = types.ModuleType("__main__")
    module.__file__ = script
    sys.modules["__main__"] = module  # the module's globals outlive an exception, for finalize()
    namespace = module.__dict__
    limit = float(state.current.config.get("time_limit_s") or 0)
    if limit > 0:  # our own alarm comes first, so a model in training is kept; the grader's kill is the backstop
        signal.signal(signal.SIGALRM, _time_is_up)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        exec(compile(source, script, "exec"), namespace)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            cell.update(status="error", error=f"SystemExit: {exc.code}")
    except state.TimeLimitReached:
        cell.update(status="timeout", error="TimeLimitReached")
    except BaseException as exc:  # the student's failure is data, not our crash
        cell.update(status="error", error=f"{type(exc).__name__}: {exc}"[:500],
                    traceback=_student_traceback(exc, script))
    finally:
        if limit > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
    state.current.cells.append(cell)
    finalize(namespace)
    return 0


def _time_is_up(signum, frame):
    raise state.TimeLimitReached()


def _student_traceback(exc: BaseException, script: str) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == script]
    lines = traceback.format_list(frames[-5:]) + traceback.format_exception_only(type(exc), exc)
    return "".join(lines)[-3000:]


if __name__ == "__main__":
    sys.exit(run_script(sys.argv[1], sys.argv[2]))
