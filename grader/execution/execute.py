"""Run the student's code in its own process and collect what happened, as a `Run`.

The executor is a seam (like an HTTP transport): `NotebookExecutor` (notebook.py) drives a real
Jupyter kernel through nbclient, `ScriptExecutor` (script.py) runs a module as `__main__`; tests
may pass a fake. Both install `grader.inside.runtime` in the student process first and read its
facts (`trace.read_facts`) afterwards.
"""

from __future__ import annotations

from typing import Callable, Protocol

from grader.errors import ExecutionError
from grader.execution.config import RunConfig
from grader.execution.notebook import NotebookExecutor
from grader.execution.script import ScriptExecutor
from grader.models import Entry, Run

__all__ = ["Executor", "RunConfig", "execute"]


class Executor(Protocol):
    """Runs one entry and returns what happened. `ReplayExecutor` (replay.py) returns a recorded run,
    already measured: the pipeline then finds no MNIST file and starts no measuring process."""

    def run(self, entry: Entry, config: RunConfig) -> Run: ...


def execute(entry: Entry, config: RunConfig, executor: Executor | None = None,
            progress: Callable[[str], None] | None = None) -> Run:
    """Run `entry` with the executor that fits its kind (or the one given); `progress` hears what runs."""
    if executor is None:
        require_grading_stack(entry.kind)
        executor = NotebookExecutor(progress) if entry.kind == "notebook" else ScriptExecutor(progress)
    config.out_dir.mkdir(parents=True, exist_ok=True)
    return executor.run(entry, config)


def require_grading_stack(kind: str) -> None:
    """A plain `pip install keras-course-grader` (the notebook self-check's) has no TensorFlow or kernel stack of
    its own: say what to install before anything runs, rather than grade every cell as an error."""
    import importlib.util

    needed = ("tensorflow", "keras") + (("nbclient", "ipykernel") if kind == "notebook" else ())
    missing = [name for name in needed if importlib.util.find_spec(name) is None]
    if missing:
        raise ExecutionError(f"grading needs {', '.join(missing)}, which this environment lacks: "
                             "pip install 'keras-course-grader[tf]'")
