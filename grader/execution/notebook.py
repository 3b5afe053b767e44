"""Execute a notebook's code cells in a fresh, isolated Jupyter kernel through nbclient.

Every cell runs even after one raises; cell and run time limits; `!pip install` lines are not
run; the kernel's own stdio is a pipe (`capture.py`); `liveness.py` ends a wedged kernel's run.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Callable

from grader.errors import ExecutionError, NoEntryPoint
from grader.execution.capture import PROCESS_OUTPUT, StdioPipe
from grader.execution.config import RunConfig
from grader.execution.isolate import STOP_GRACE_S, Isolation, Watchdog, student_env, write_runtime_config
from grader.execution.liveness import KernelLiveness
from grader.execution.progress import Progress
from grader.execution.trace import read_facts
from grader.models import CellResult, Entry, Run
from grader.message import Message, Phrase, msg

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_SHELL_INSTALL = re.compile(r"^\s*[!%]\s*(pip|pip3|conda|apt|apt-get)\b.*$", re.MULTILINE)
_FINALIZE_TIMEOUT_S = 300


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


class NotebookExecutor:
    """Executes every code cell in a fresh kernel; a failing cell does not stop the next."""

    def __init__(self, progress: Callable[[str], None] | None = None):
        self.progress = progress

    def run(self, entry: Entry, config: RunConfig) -> Run:
        import nbformat
        from nbclient.exceptions import DeadKernelError

        started = time.monotonic()
        nb = read_notebook(entry.path)
        messages: list[Phrase] = []
        markdown = tuple(c.source for c in nb.cells if c.cell_type == "markdown")
        code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        config_path = write_runtime_config(config)
        work = nbformat.v4.new_notebook()
        work.cells = [nbformat.v4.new_code_cell(f"import grader.inside.runtime as __grader\n__grader.install({str(config_path)!r})")]
        for index, cell in code:
            source, stripped = strip_installs(cell.source)
            if stripped:
                messages.append(msg("cell {index}: package installs (!pip ...) are not run; the grader provides "
                                    "TensorFlow", index=index))
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
                # the facts and models are on disk once the finalize cell returns: a graceful
                # shutdown would only add a second or more to every check
                shutdown_kernel="immediate",
                resources={"metadata": {"path": str(entry.path.parent)}},
            )
            client.output_budget = config.limits.output_kb * 1024
            client.progress = progress = Progress(self.progress)
            # the cell timeout interrupts the kernel at `deadline` (training keeps its last epoch);
            # the watchdog kills only a kernel that ignores the interrupt
            watchdog = Watchdog(lambda: _kernel_pid(client), deadline + STOP_GRACE_S, isolation, config.limits)
            # the kernel's own stdio is a pipe the grader drains as data, never the grader's stdout:
            # ipykernel echoes to a saved copy of the descriptors it started with, and the student can
            # write to that copy, or to any descriptor, directly
            stdio = StdioPipe(config.limits.output_kb * 1024)
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
                        began = time.monotonic()
                        try:
                            run_cell(cell, position)
                        except DeadKernelError:
                            dead = True
                            why = watchdog.reason or _death_of(client)
                            status = "timeout" if watchdog.kind == "time" else "error"
                            results.append(CellResult(index, status, original.source, error=why))
                            continue
                        positions[position] = index
                        timed_out = time.monotonic() - began >= client.timeout - 0.5
                        results.append(_cell_result(index, original.source, cell, timed_out and client.timeout))
                    if not dead and not watchdog.reason:
                        client.timeout = _FINALIZE_TIMEOUT_S
                        run_cell(work.cells[-1], len(work.cells) - 1)
                        final_error = _error_of(work.cells[-1])
                        if final_error:
                            messages.append(msg("the grader could not finish tracing: {error}",
                                                error=final_error[0]))
            except (ExecutionError, NoEntryPoint):
                raise
            except DeadKernelError:
                messages.append(msg("{why} before the run finished", why=watchdog.reason or msg("the kernel died")))
            except Exception as exc:  # kernel failed to start: the grader's problem, not the student's
                if not results:
                    raise ExecutionError(f"could not run the notebook: {type(exc).__name__}: {exc}") from exc
                messages.append(msg("execution stopped early: {error}", error=f"{type(exc).__name__}: {exc}"))
            finally:
                watchdog.cancel()
                stdio.finish()
            if client.output_dropped:
                messages.append(msg("output was truncated after {kb} KB ({dropped:,} more bytes dropped)",
                                    kb=config.limits.output_kb, dropped=client.output_dropped))
        facts = read_facts(config.out_dir, positions)
        messages.extend(isolation.limit_notes())
        if watchdog.reason:
            messages.append(msg("{why}; later cells were skipped, models trained before still count",
                                why=watchdog.reason))
        messages.extend(stdio.notes(config.limits.output_kb))
        (config.workdir / PROCESS_OUTPUT).write_bytes(stdio.reader.kept)
        return Run(entry=entry, cells=tuple(results), models=facts.models, markdown=markdown,
                   duration_s=time.monotonic() - started, timed_out=watchdog.kind == "time",
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


def _death_of(client) -> Message:
    """Why a kernel the watchdog did not kill is gone, with its exit status when the provisioner has it."""
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    code = getattr(process, "returncode", None)
    if code is None and process is not None:
        try:
            code = process.wait(timeout=2)
        except Exception:  # noqa: BLE001 - the status is only a detail of the message
            code = None
    status: Phrase = ""
    if isinstance(code, int) and code != 0:
        signum = -code if code < 0 else code - 128 if code > 128 else 0
        try:
            status = f" ({signal.Signals(signum).name})" if signum else msg(" (exit code {code})", code=code)
        except ValueError:
            status = msg(" (exit code {code})", code=code)
    return msg("the kernel died{status}: out of memory, the CPU time limit, or code that closed or broke the "
               "kernel's own connections", status=status)


def _kernel_pid(client) -> int | None:
    provisioner = getattr(client.km, "provisioner", None)
    return getattr(provisioner, "pid", None) or getattr(getattr(provisioner, "process", None), "pid", None)


_GRADER_FRAME = re.compile(r"^File [^\n]*[/\\]grader[/\\]inside[/\\]\w+\.py:\d+", re.MULTILINE)


def _error_of(cell) -> tuple[str, str] | None:
    """(one-line error, short traceback) of an executed cell, if it raised."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            line = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".strip()
            # each entry is one frame (IPython's blocks); the grader's own hooks are not the student's code
            frames = [_ANSI.sub("", str(f)) for f in output.get("traceback", [])]
            tb = "\n".join(f for f in frames if not _GRADER_FRAME.search(f))
            return line[:500], _shorten(tb)
    return None


def _cell_result(index: int, source: str, cell, timed_out_after: float = 0) -> CellResult:
    """The executed cell as data; a cell the timeout interrupted (KeyboardInterrupt, or nbclient's
    CellTimeout) is a timeout, said as such rather than as the interrupt's traceback."""
    error = _error_of(cell)
    if error is None:
        return CellResult(index, "ok", source)
    if error[0].startswith("CellTimeout") or (timed_out_after and error[0].startswith("KeyboardInterrupt")):
        return CellResult(index, "timeout", source, error=msg("cell ran longer than {s:g} s", s=timed_out_after)
                          if timed_out_after else error[0])
    return CellResult(index, "error", source, error=error[0], traceback=error[1])


def _shorten(tb: str, keep: int = 20) -> str:
    lines = [line for line in tb.splitlines() if line.strip()]
    if len(lines) > keep:
        lines = lines[:4] + ["..."] + lines[-(keep - 5):]
    return "\n".join(lines)[-4000:]
