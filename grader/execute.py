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
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Protocol

from grader.errors import ExecutionError, NoEntryPoint
from grader.models import CellResult, Entry, ResourceLimits, Run
from grader.isolate import Isolation, Watchdog, student_env, write_runtime_config
from grader.liveness import KernelLiveness
from grader.sandbox import Sandbox
from grader.trace import read_facts

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_SHELL_INSTALL = re.compile(r"^\s*[!%]\s*(pip|pip3|conda|apt|apt-get)\b.*$", re.MULTILINE)
_FINALIZE_TIMEOUT_S = 300
# what the student process wrote to its own stdout/stderr, kept in the run's workdir (which the
# sandbox does not let the student write to, so no planted symlink redirects this write)
PROCESS_OUTPUT = "process-output.log"


@dataclass(frozen=True)
class RunConfig:
    data_path: Path
    out_dir: Path  # facts.json and saved models land here; its parent is the run's private workdir
    scratch: Path | None = None  # the unpacked submission (the student's writable copy); default: the entry's folder
    cell_timeout_s: float = 900.0
    run_timeout_s: float = 3600.0
    seed: int = 0
    threads: int = 0  # 0: let TensorFlow decide
    quick: Mapping[str, int] | None = None  # {"max_epochs", "max_samples"}: cap training (--quick)
    predict_functions: tuple[str, ...] = ()  # raw tf.Variable code: functions to call on the XOR table
    sandbox: Sandbox = Sandbox("none")
    limits: ResourceLimits = ResourceLimits()

    @property
    def workdir(self) -> Path:
        return self.out_dir.parent


class Executor(Protocol):
    def run(self, entry: Entry, config: RunConfig) -> Run: ...


def execute(entry: Entry, config: RunConfig, executor: Executor | None = None,
            progress: Callable[[str], None] | None = None) -> Run:
    """Run `entry` with the executor that fits its kind (or the one given); `progress` hears what runs."""
    if executor is None:
        executor = NotebookExecutor(progress) if entry.kind == "notebook" else ScriptExecutor(progress)
    config.out_dir.mkdir(parents=True, exist_ok=True)
    return executor.run(entry, config)


# --- notebooks --------------------------------------------------------------------------


def read_notebook(path: Path):
    """The notebook as nbformat v4 (older versions converted), or NoEntryPoint."""
    import nbformat

    try:
        with warnings.catch_warnings():  # a notebook without cell ids is normal (Colab, old Jupyter)
            warnings.simplefilter("ignore")
            nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:
        raise NoEntryPoint(f"{path.name} is not a readable notebook ({type(exc).__name__}: {str(exc)[:200]})") from None
    return nb


def strip_installs(source: str) -> tuple[str, bool]:
    """Replace `!pip install ...`-style lines (never run: the grader's environment is fixed)."""
    new, count = _SHELL_INSTALL.subn("pass  # grader: package installs are not run", source)
    return new, bool(count)


class Progress:
    """Turns what the student process prints into one status line: current cell, elapsed time and,
    while Keras trains, the epoch and loss (from Keras's own progress lines)."""

    _EPOCH = re.compile(r"Epoch (\d+)/(\d+)")
    _LOSS = re.compile(r"\bloss: ([0-9.]+(?:e-?\d+)?)")

    def __init__(self, report: Callable[[str], None] | None):
        self.report = report
        self.started = time.monotonic()
        self.where = ""
        self.epoch = ""
        self.loss = ""

    def cell(self, index: int, total: int) -> None:
        self.where, self.epoch, self.loss = f"cell {index + 1}/{total}", "", ""
        self._emit()

    def text(self, text: str) -> None:
        if self.report is None:
            return
        epochs = self._EPOCH.findall(text)
        losses = self._LOSS.findall(text)
        if epochs:
            self.epoch = f"epoch {epochs[-1][0]}/{epochs[-1][1]}"
        if losses:
            self.loss = f"loss {float(losses[-1]):.4f}"
        if epochs or losses:
            self._emit()

    def _emit(self) -> None:
        if self.report is not None:
            elapsed = time.monotonic() - self.started
            parts = [self.where, f"{int(elapsed // 60):02d}:{int(elapsed % 60):02d}", self.epoch, self.loss]
            self.report("  ".join(p for p in parts if p))


class NotebookExecutor:
    """Executes every code cell in a fresh kernel; a failing cell does not stop the next."""

    def __init__(self, progress: Callable[[str], None] | None = None):
        self.progress = progress

    def run(self, entry: Entry, config: RunConfig) -> Run:
        import nbformat
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

        deadline = started + config.run_timeout_s
        results: list[CellResult] = []
        positions: dict[int, int] = {}  # runtime._cell_number() -> the student's cell index
        with Isolation(config, entry.path.parent) as isolation:
            client = _client_class()(
                work, timeout=int(config.cell_timeout_s), allow_errors=True, interrupt_on_timeout=True,
                error_on_timeout={"ename": "CellTimeout", "evalue": f"cell ran longer than {config.cell_timeout_s:g} s",
                                  "traceback": []},
                kernel_manager_class=_kernel_manager_class(isolation), kernel_name="grader",
                resources={"metadata": {"path": str(entry.path.parent)}},
            )
            client.output_budget = config.limits.output_kb * 1024
            client.progress = progress = Progress(self.progress)
            watchdog = Watchdog(lambda: _kernel_pid(client), deadline, isolation, config.limits)
            # the kernel's own stdio is a pipe the grader drains as data, never the grader's stdout:
            # ipykernel echoes to a saved copy of the descriptors it started with, and the student can
            # write to that copy, or to any descriptor, directly
            stdio = _StdioPipe(config.limits.output_kb * 1024)
            try:
                with client.setup_kernel(env=student_env(config), stdin=subprocess.DEVNULL,
                                         stdout=stdio.write_fd, stderr=stdio.write_fd):
                    stdio.close_write_end()
                    watchdog.start()
                    liveness = KernelLiveness(client.km.get_connection_info(), config.limits.stall_s)
                    watchdog.watch(liveness)
                    run_cell = _cell_runner(client, liveness)
                    run_cell(work.cells[0], 0)
                    setup_error = _error_of(work.cells[0])
                    if setup_error:
                        raise ExecutionError(f"the grader's runtime failed to start: {setup_error[0]}")
                    dead = False
                    for position, (index, original) in enumerate(code, start=1):
                        cell = work.cells[position]
                        if dead or watchdog.reason:
                            results.append(CellResult(index, "skipped", original.source))
                            continue
                        client.timeout = max(1, int(min(config.cell_timeout_s, deadline - time.monotonic())))
                        progress.cell(index, len(nb.cells))
                        try:
                            run_cell(cell, position)
                        except DeadKernelError:
                            dead = True
                            why = watchdog.reason or _death_of(client)
                            status = "timeout" if watchdog.reason == watchdog.TIME else "error"
                            results.append(CellResult(index, status, original.source, error=why))
                            continue
                        positions[position] = index
                        results.append(_cell_result(index, original.source, cell))
                    if not dead and not watchdog.reason:
                        client.timeout = _FINALIZE_TIMEOUT_S
                        run_cell(work.cells[-1], len(work.cells) - 1)
                        final_error = _error_of(work.cells[-1])
                        if final_error:
                            messages.append(f"the grader could not finish tracing: {final_error[0]}")
            except (ExecutionError, NoEntryPoint):
                raise
            except DeadKernelError:
                messages.append(f"{watchdog.reason or 'the kernel died'} before the run finished")
            except Exception as exc:  # kernel failed to start: the grader's problem, not the student's
                if not results:
                    raise ExecutionError(f"could not run the notebook: {type(exc).__name__}: {exc}") from exc
                messages.append(f"execution stopped early: {type(exc).__name__}: {exc}")
            finally:
                watchdog.cancel()
                stdio.finish()
            if client.output_dropped:
                messages.append(f"output was truncated after {config.limits.output_kb} KB "
                                f"({client.output_dropped:,} more bytes dropped)")
        facts = read_facts(config.out_dir, positions)
        messages.extend(isolation.limit_notes())
        if watchdog.reason:
            messages.append(f"{watchdog.reason}; later cells were skipped, models trained before still count")
        messages.extend(stdio.notes(config.limits.output_kb))
        (config.workdir / PROCESS_OUTPUT).write_bytes(stdio.reader.kept)
        return Run(entry=entry, cells=tuple(results), models=facts.models, markdown=markdown,
                   duration_s=time.monotonic() - started, timed_out=watchdog.reason == watchdog.TIME,
                   messages=tuple(messages) + facts.notes, output_dir=config.out_dir,
                   saves=facts.saves, loads=facts.loads,
                   process_output=stdio.reader.kept.decode(errors="replace"))


def _client_class():
    """nbclient's client, keeping at most `output_budget` bytes of the student's output."""
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        output_budget = 2 * 2**20
        output_kept = 0
        output_dropped = 0

        progress: Progress | None = None

        def output(self, outs, msg, display_id, cell_index):
            if self.progress is not None and msg.get("msg_type") == "stream":
                self.progress.text(str(msg.get("content", {}).get("text", ""))[-2000:])
            size = len(json.dumps(msg.get("content", {})))
            if self.output_kept + size > self.output_budget and msg.get("msg_type") != "error":
                self.output_dropped += size
                return None
            self.output_kept += size
            return super().output(outs, msg, display_id, cell_index)

    return CappedClient


def _kernel_manager_class(isolation: "Isolation"):
    """A kernel manager that starts this interpreter's ipykernel inside the isolation, over IPC sockets
    (the sandbox has no network, not even loopback), interrupted by message (signals cannot cross it)."""
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    ipc = isolation.config.workdir / "ipc"

    class NoHeartbeatClient(AsyncKernelClient):
        """jupyter_client's heartbeat thread blocks for ever in `send` once a wedged kernel's socket is gone
        (a REQ socket without a peer), and nbclient's clean-up joins that thread: the run would never end.
        Liveness is judged by `KernelLiveness`, whose pinger never blocks; this client starts no heartbeat."""

        def start_channels(self, shell=True, iopub=True, stdin=True, hb=True, control=True):
            super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=False, control=control)

    class GraderKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = str(ipc / "kernel")
            self.connection_file = str(ipc / "kernel.json")

        def client(self, **kwargs):
            settings = {**self.get_connection_info(session=True), "connection_file": self.connection_file,
                        "parent": self, **kwargs}
            return NoHeartbeatClient(**settings)

        @property
        def kernel_spec(self):
            argv = isolation.wrap([sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"])
            return KernelSpec(argv=argv, display_name="grader", language="python", env={}, interrupt_mode="message")

    return GraderKernelManager


def _cell_runner(client, liveness: KernelLiveness):
    """`client.execute_cell`, telling `liveness` when a cell is in flight (only then can a reply be lost)."""
    def run_cell(cell, position: int):
        liveness.cell_started()
        try:
            return client.execute_cell(cell, position)
        finally:
            liveness.cell_finished()
    return run_cell


class _StdioPipe:
    """A pipe for a child's stdout and stderr, drained by a `_CappedReader` from before the child starts."""

    def __init__(self, budget: int):
        read_fd, self.write_fd = os.pipe()
        self.reader = _CappedReader(os.fdopen(read_fd, "rb"), budget)
        self.reader.start()

    def close_write_end(self) -> None:
        """Once the child holds its copy: the reader then sees end-of-file when the child is gone."""
        if self.write_fd is not None:
            os.close(self.write_fd)
            self.write_fd = None

    def finish(self) -> None:
        self.close_write_end()
        # a process the student left behind may hold the pipe open; what was read so far is kept
        self.reader.join(timeout=5)

    def notes(self, budget_kb: int) -> tuple[str, ...]:
        """A note when the kernel flooded its own descriptors (TensorFlow's start-up log lands there too,
        so a few KB are normal and not worth a line in every report)."""
        if not self.reader.dropped:
            return ()
        return (f"the kernel process wrote more than {budget_kb} KB outside the notebook's cells, straight to "
                f"its file descriptors ({self.reader.dropped:,} bytes dropped)",)


def _death_of(client) -> str:
    """Why a kernel the watchdog did not kill is gone, with its exit status when the provisioner has it."""
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    code = getattr(process, "returncode", None)
    if code is None and process is not None:
        try:
            code = process.wait(timeout=2)
        except Exception:  # noqa: BLE001 - the status is only a detail of the message
            code = None
    status = ""
    if isinstance(code, int) and code != 0:
        signum = -code if code < 0 else code - 128 if code > 128 else 0
        try:
            status = f" ({signal.Signals(signum).name})" if signum else f" (exit code {code})"
        except ValueError:
            status = f" (exit code {code})"
    return (f"the kernel died{status}: out of memory, the CPU time limit, or code that closed or broke the "
            "kernel's own connections")


def _kernel_pid(client) -> int | None:
    provisioner = getattr(client.km, "provisioner", None)
    return getattr(provisioner, "pid", None) or getattr(getattr(provisioner, "process", None), "pid", None)


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

    def __init__(self, progress: Callable[[str], None] | None = None):
        self.progress = progress

    def run(self, entry: Entry, config: RunConfig) -> Run:
        started = time.monotonic()
        config_path = write_runtime_config(config)
        messages: list[str] = []
        limit = min(config.run_timeout_s, config.cell_timeout_s)
        with Isolation(config, entry.path.parent) as isolation:
            argv = isolation.wrap([sys.executable, "-m", "grader.runtime", str(config_path), str(entry.path)])
            proc = subprocess.Popen(argv, cwd=entry.path.parent, env=student_env(config), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
            progress = Progress(self.progress)
            progress.cell(0, 1)
            output = _CappedReader(proc.stdout, config.limits.output_kb * 1024, progress.text)
            output.start()
            watchdog = Watchdog(lambda: proc.pid, started + limit, isolation, config.limits)
            watchdog.start()
            try:
                proc.wait()
            finally:
                watchdog.cancel()
                output.join(timeout=5)
        (config.workdir / PROCESS_OUTPUT).write_bytes(output.kept)
        if output.dropped:
            messages.append(f"output was truncated after {config.limits.output_kb} KB "
                            f"({output.dropped:,} more bytes dropped)")
        facts = read_facts(config.out_dir, {})
        messages.extend(isolation.limit_notes())
        cells = facts.cells
        source = entry.path.read_text(errors="replace")
        if watchdog.reason:
            status = "timeout" if watchdog.reason == watchdog.TIME else "error"
            cells = (CellResult(0, status, source, error=f"{watchdog.reason} ({limit:g} s)" if status == "timeout"
                                else watchdog.reason),)
            messages.append(f"{watchdog.reason}; models trained before that still count")
        elif not cells:
            tail = output.kept.decode(errors="replace")[-1500:]
            cells = (CellResult(0, "error", source,
                                error=f"the module's process ended abnormally (exit code {proc.returncode})",
                                traceback=tail),)
        return Run(entry=entry, cells=cells, models=facts.models, markdown=(),
                   duration_s=time.monotonic() - started, timed_out=watchdog.reason == watchdog.TIME,
                   messages=tuple(messages) + facts.notes, output_dir=config.out_dir,
                   saves=facts.saves, loads=facts.loads, process_output=output.kept.decode(errors="replace"))


class _CappedReader(threading.Thread):
    """Drains a pipe, keeping the first `budget` bytes (a flood must neither block nor fill memory)."""

    def __init__(self, stream, budget: int, listen: Callable[[str], None] | None = None):
        super().__init__(daemon=True)
        self.stream, self.budget, self.listen = stream, budget, listen
        self._kept = bytearray()
        self.dropped = 0

    @property
    def kept(self) -> bytes:
        """What was kept so far (also while a process the student left behind still holds the pipe)."""
        return bytes(self._kept)

    def run(self) -> None:
        try:
            for chunk in iter(lambda: self.stream.read1(65536), b""):
                if self.listen is not None and len(self._kept) < self.budget:
                    self.listen(chunk[-2000:].decode(errors="replace"))
                room = max(0, self.budget - len(self._kept))
                self._kept += chunk[:room]
                self.dropped += len(chunk) - min(room, len(chunk))
        except (OSError, ValueError):
            pass  # the pipe was closed under us: what was read is kept
        finally:
            self.stream.close()
