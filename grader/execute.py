"""Run the student's code in its own process and collect what happened, as a `Run`.

The executor is a seam (like an HTTP transport): `NotebookExecutor` drives a real Jupyter
kernel through nbclient, `ScriptExecutor` runs a module as `__main__`; tests may pass a fake.
Both install `grader.runtime` in the student process first and `trace.read_facts` afterwards.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Protocol

from grader.errors import ExecutionError, NoEntryPoint
from grader.models import CellResult, Entry, Run
from grader.trace import read_facts

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_SHELL_INSTALL = re.compile(r"^\s*[!%]\s*(pip|pip3|conda|apt|apt-get)\b.*$", re.MULTILINE)
_FINALIZE_TIMEOUT_S = 300


@dataclass(frozen=True)
class RunConfig:
    data_path: Path
    out_dir: Path  # grader-owned: facts.json and saved models land here
    cell_timeout_s: float = 900.0
    run_timeout_s: float = 3600.0
    seed: int = 0
    threads: int = 0  # 0: let TensorFlow decide
    quick: Mapping[str, int] | None = None  # {"max_epochs", "max_samples"}: cap training (--quick)
    predict_functions: tuple[str, ...] = ()  # raw tf.Variable code: functions to call on the XOR table


class Executor(Protocol):
    def run(self, entry: Entry, config: RunConfig) -> Run: ...


def execute(entry: Entry, config: RunConfig, executor: Executor | None = None) -> Run:
    """Run `entry` with the executor that fits its kind (or the one given)."""
    if executor is None:
        executor = NotebookExecutor() if entry.kind == "notebook" else ScriptExecutor()
    config.out_dir.mkdir(parents=True, exist_ok=True)
    return executor.run(entry, config)


def student_env(config: RunConfig) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED=str(config.seed), PYTHONUNBUFFERED="1",
               MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    if config.threads:
        env.update(OMP_NUM_THREADS=str(config.threads), TF_NUM_INTRAOP_THREADS=str(config.threads),
                   TF_NUM_INTEROP_THREADS=str(config.threads))
    # the student process must import grader.runtime from this installation
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def write_runtime_config(config: RunConfig) -> Path:
    path = config.out_dir / "runtime-config.json"
    path.write_text(json.dumps({"out_dir": str(config.out_dir), "data_path": str(config.data_path),
                                "seed": config.seed, "threads": config.threads,
                                "quick": dict(config.quick) if config.quick else None,
                                "predict_functions": list(config.predict_functions)}), encoding="utf-8")
    return path


# --- notebooks --------------------------------------------------------------------------


def read_notebook(path: Path):
    """The notebook as nbformat v4 (older versions converted), or NoEntryPoint."""
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:
        raise NoEntryPoint(f"{path.name} is not a readable notebook ({type(exc).__name__}: {str(exc)[:200]})") from None
    return nb


def strip_installs(source: str) -> tuple[str, bool]:
    """Replace `!pip install ...`-style lines (never run: the grader's environment is fixed)."""
    new, count = _SHELL_INSTALL.subn("pass  # grader: package installs are not run", source)
    return new, bool(count)


class NotebookExecutor:
    """Executes every code cell in a fresh kernel; a failing cell does not stop the next."""

    def run(self, entry: Entry, config: RunConfig) -> Run:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import DeadKernelError

        started = time.monotonic()
        nb = read_notebook(entry.path)
        messages: list[str] = []
        markdown = tuple(c.source for c in nb.cells if c.cell_type == "markdown")
        code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        config_path = write_runtime_config(config)
        work = nbformat.v4.new_notebook()
        work.cells = [nbformat.v4.new_code_cell(f"import grader.runtime as __grader\n__grader.install({str(config_path)!r})")]
        for index, cell in code:
            source, stripped = strip_installs(cell.source)
            if stripped:
                messages.append(f"cell {index}: package installs (!pip ...) are not run; the grader provides TensorFlow")
            work.cells.append(nbformat.v4.new_code_cell(source))
        work.cells.append(nbformat.v4.new_code_cell("__grader.finalize(globals())"))

        client = NotebookClient(
            work, timeout=int(config.cell_timeout_s), allow_errors=True, interrupt_on_timeout=True,
            error_on_timeout={"ename": "CellTimeout", "evalue": f"cell ran longer than {config.cell_timeout_s:g} s",
                              "traceback": []},
            kernel_manager_class=_kernel_manager_class(), kernel_name="grader",
            resources={"metadata": {"path": str(entry.path.parent)}},
        )
        deadline = started + config.run_timeout_s
        results: list[CellResult] = []
        counts: dict[int, int] = {}
        timed_out = False
        try:
            with client.setup_kernel(env=student_env(config), stderr=subprocess.DEVNULL):
                watchdog = _Watchdog(client, deadline)
                watchdog.start()
                try:
                    client.execute_cell(work.cells[0], 0)
                    setup_error = _error_of(work.cells[0])
                    if setup_error:
                        raise ExecutionError(f"the grader's runtime failed to start: {setup_error[0]}")
                    dead = False
                    for position, (index, original) in enumerate(code, start=1):
                        cell = work.cells[position]
                        if dead or time.monotonic() >= deadline:
                            timed_out = timed_out or time.monotonic() >= deadline
                            results.append(CellResult(index, "skipped", original.source))
                            continue
                        client.timeout = max(1, int(min(config.cell_timeout_s, deadline - time.monotonic())))
                        try:
                            client.execute_cell(cell, position)
                        except DeadKernelError:
                            dead = True
                            timed_out = watchdog.fired
                            why = "the run's time limit was reached" if watchdog.fired else "the kernel died (out of memory or killed)"
                            results.append(CellResult(index, "timeout" if watchdog.fired else "error", original.source,
                                                      error=why))
                            continue
                        if cell.get("execution_count"):
                            counts[int(cell["execution_count"])] = index
                        results.append(_cell_result(index, original.source, cell))
                    if not dead:
                        client.timeout = _FINALIZE_TIMEOUT_S
                        client.execute_cell(work.cells[-1], len(work.cells) - 1)
                        final_error = _error_of(work.cells[-1])
                        if final_error:
                            messages.append(f"the grader could not finish tracing: {final_error[0]}")
                finally:
                    watchdog.cancel()
        except (ExecutionError, NoEntryPoint):
            raise
        except DeadKernelError:
            messages.append("the kernel died before the run finished")
        except Exception as exc:  # kernel failed to start: the grader's problem, not the student's
            if not results:
                raise ExecutionError(f"could not run the notebook: {type(exc).__name__}: {exc}") from exc
            messages.append(f"execution stopped early: {type(exc).__name__}: {exc}")
        facts = read_facts(config.out_dir, counts)
        if timed_out:
            messages.append(f"the whole run hit its time limit of {config.run_timeout_s:g} s; later cells were skipped")
        return Run(entry=entry, cells=tuple(results), models=facts.models, markdown=markdown,
                   duration_s=time.monotonic() - started, timed_out=timed_out,
                   messages=tuple(messages) + facts.notes, output_dir=config.out_dir,
                   saves=facts.saves, loads=facts.loads)


def _kernel_manager_class():
    """A kernel manager that always starts this interpreter's ipykernel, whatever specs are installed."""
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class GraderKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self):
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                              display_name="grader", language="python", env={})

    return GraderKernelManager


class _Watchdog:
    """Kills the kernel when the whole run's deadline passes (a cell may ignore interrupts)."""

    def __init__(self, client, deadline: float):
        self.client = client
        self.deadline = deadline
        self.fired = False
        self._timer: threading.Timer | None = None

    def start(self) -> None:
        self._timer = threading.Timer(max(0.0, self.deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer:
            self._timer.cancel()

    def _fire(self) -> None:
        self.fired = True
        provisioner = getattr(self.client.km, "provisioner", None)
        pid = getattr(provisioner, "pid", None) or getattr(getattr(provisioner, "process", None), "pid", None)
        if pid:
            _kill_tree(pid)


def _kill_tree(pid: int) -> None:
    try:
        os.killpg(os.getpgid(pid), signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _error_of(cell) -> tuple[str, str] | None:
    """(one-line error, short traceback) of an executed cell, if it raised."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            line = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip()
            tb = _ANSI.sub("", "\n".join(output.get("traceback", [])))
            return line[:500], _shorten(tb)
    return None


def _cell_result(index: int, source: str, cell) -> CellResult:
    error = _error_of(cell)
    if error is None:
        return CellResult(index, "ok", source)
    status = "timeout" if error[0].startswith("CellTimeout") else "error"
    return CellResult(index, status, source, error=error[0], traceback=error[1])


def _shorten(tb: str, keep: int = 20) -> str:
    lines = [line for line in tb.splitlines() if line.strip()]
    if len(lines) > keep:
        lines = lines[:4] + ["..."] + lines[-(keep - 5):]
    return "\n".join(lines)[-4000:]


# --- modules ----------------------------------------------------------------------------


class ScriptExecutor:
    """Runs a `.py` module as `__main__` in a child interpreter, with tracing installed."""

    def run(self, entry: Entry, config: RunConfig) -> Run:
        started = time.monotonic()
        config_path = write_runtime_config(config)
        log_path = config.out_dir / "output.log"
        messages: list[str] = []
        timed_out = False
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "grader.runtime", str(config_path), str(entry.path)],
                cwd=entry.path.parent, env=student_env(config), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
            try:
                proc.wait(timeout=min(config.run_timeout_s, config.cell_timeout_s))
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill_tree(proc.pid)
                proc.wait()
        facts = read_facts(config.out_dir, {})
        cells = facts.cells
        if timed_out:
            limit = min(config.run_timeout_s, config.cell_timeout_s)
            cells = (CellResult(0, "timeout", entry.path.read_text(errors="replace"),
                                error=f"the module ran longer than {limit:g} s"),)
            messages.append(f"the module hit its time limit of {limit:g} s; models trained before that still count")
        elif not cells:
            tail = log_path.read_text(errors="replace")[-1500:]
            cells = (CellResult(0, "error", entry.path.read_text(errors="replace"),
                                error=f"the module's process ended abnormally (exit code {proc.returncode})",
                                traceback=tail),)
        return Run(entry=entry, cells=cells, models=facts.models, markdown=(),
                   duration_s=time.monotonic() - started, timed_out=timed_out,
                   messages=tuple(messages) + facts.notes, output_dir=config.out_dir,
                   saves=facts.saves, loads=facts.loads)
