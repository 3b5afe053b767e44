"""What surrounds one student process: its environment, its sandboxed command, a cgroup, a watchdog.

`Isolation` is entered around a run: it prepares the runtime copy and the IPC folder, makes a
cgroup when it can, and wraps argv with the chosen sandbox. `Watchdog` kills the process tree
when the run's deadline passes or its files outgrow the disk budget.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from grader.data import rows_index_path
from grader.execution.limits import make_cgroup, remove_cgroup
from grader.execution.liveness import KernelLiveness, describe_tree
from grader.models import ResourceLimits
from grader.execution.sandbox import LIMITS_RECORD, prepare_runtime
from grader.message import Phrase, msg

if TYPE_CHECKING:
    from grader.execution.config import RunConfig

_PASSED_ENV = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "VIRTUAL_ENV",
               "SYSTEMROOT", "TMPDIR", "HOME", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def student_env(config: RunConfig) -> dict[str, str]:
    """A small environment: the user's tokens and settings are not passed to student code."""
    env = {k: v for k, v in os.environ.items() if k in _PASSED_ENV}
    env.update(TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED=str(config.seed), PYTHONUNBUFFERED="1",
               MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1", PYTHONNOUSERSITE="1")
    if config.threads:
        env.update(OMP_NUM_THREADS=str(config.threads), TF_NUM_INTRAOP_THREADS=str(config.threads),
                   TF_NUM_INTEROP_THREADS=str(config.threads))
    # the student process must import grader.inside.runtime from this installation
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


STOP_GRACE_S = 20  # after a time limit, how long the student process has to keep its model before the kill


def write_runtime_config(config: RunConfig, time_limit_s: float | None = None) -> Path:
    """The runtime's settings; `time_limit_s` (modules) arms the runtime's own alarm, which stops
    training gracefully before the watchdog's kill at `time_limit_s + STOP_GRACE_S`."""
    path = config.out_dir / "runtime-config.json"
    path.write_text(json.dumps({"out_dir": str(config.out_dir), "data_path": str(config.data_path),
                                "seed": config.seed, "threads": config.threads,
                                "quick": dict(config.quick) if config.quick else None,
                                "predict_functions": list(config.predict_functions),
                                "accelerate": config.accelerate,
                                "rows_index": str(rows_index_path(config.data_path)),
                                "output_bytes": config.limits.output_kb * 1024,
                                "time_limit_s": time_limit_s}), encoding="utf-8")
    return path


@dataclass
class Isolation:
    """What one run needs around the student process: the wrapped command, a cgroup, a watchdog."""

    config: RunConfig
    cwd: Path
    cgroup: str | None = None

    def __enter__(self) -> "Isolation":
        prepare_runtime(self.config.workdir)
        (self.config.workdir / "ipc").mkdir(exist_ok=True)
        self.cgroup = make_cgroup(f"grader-{os.getpid()}-{id(self)}")
        return self

    def __exit__(self, *exc) -> None:
        remove_cgroup(self.cgroup)

    @property
    def writable(self) -> list[Path]:
        config = self.config
        return [config.scratch or self.cwd, config.out_dir, config.workdir / "ipc"]

    def wrap(self, argv: list[str]) -> list[str]:
        return self.config.sandbox.command(argv, workdir=self.config.workdir, writable=self.writable,
                                           readable=[self.config.data_path, *_existing(
                                               rows_index_path(self.config.data_path))], cwd=self.cwd,
                                           limits=self.config.limits, cgroup=self.cgroup)

    def limit_notes(self) -> tuple[Phrase, ...]:
        """What `grader.execution.limits` could not enforce for this run, for the report (nothing when all held)."""
        try:
            applied = json.loads((self.config.workdir / LIMITS_RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return ()
        return tuple(msg("limits: {item}", item=item) for item in applied if isinstance(item, str) and "not limited" in item)

    def disk_used(self) -> int:
        total = 0
        for root in (self.config.scratch or self.cwd, self.config.out_dir):
            for dirpath, _, names in os.walk(root):
                for name in names:
                    try:
                        total += os.lstat(os.path.join(dirpath, name)).st_size
                    except OSError:
                        continue
        return total


class Watchdog:
    """Ends the run when its deadline passes, it writes more than its disk budget, or (once a
    kernel is being watched) `KernelLiveness` finds the kernel wedged."""

    def __init__(self, pid_of, deadline: float, isolation: Isolation, limits: ResourceLimits):
        self.pid_of, self.deadline, self.isolation, self.limits = pid_of, deadline, isolation, limits
        self.reason: Phrase | None = None  # why the run was ended, for the report
        self.kind: Literal["time", "disk", "stalled"] | None = None
        self.kernel: KernelLiveness | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def watch(self, kernel: KernelLiveness) -> None:
        """From now on, a wedged kernel ends the run."""
        self.kernel = kernel.start()

    def cancel(self) -> None:
        self._stop.set()
        if self.kernel is not None:
            self.kernel.stop()

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            if time.monotonic() >= self.deadline:
                self._fire("time", msg("the run's time limit was reached"))
            elif self.isolation.disk_used() > self.limits.disk_mb * 2**20:
                self._fire("disk", msg("the run wrote more than its disk limit ({mb} MB)", mb=self.limits.disk_mb))
            elif self.kernel is not None and (why := self.kernel.verdict()):
                pid = self.pid_of()
                state = describe_tree(pid) if pid else "exited"
                process = (msg("its process had exited") if state == "exited" else
                           msg("its process is stopped by a signal") if state == "stopped by a signal" else
                           msg("its process is alive"))
                self._fire("stalled", msg("the kernel stopped responding ({why}; {process})", why=why,
                                          process=process))

    def _fire(self, kind: Literal["time", "disk", "stalled"], reason: Phrase) -> None:
        self.kind, self.reason = kind, reason
        self._stop.set()
        pid = self.pid_of()
        if pid:
            kill_tree(pid)
        remove_cgroup(self.isolation.cgroup)


def kill_tree(pid: int) -> None:
    try:
        os.killpg(os.getpgid(pid), signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _existing(path: Path) -> list[Path]:
    return [path] if path.is_file() else []

