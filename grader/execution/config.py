"""What one run of the student's code is given: data, folders, limits, sandbox (a frozen value)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from grader.execution.sandbox import Sandbox
from grader.models import CELL_TIMEOUT_S, RUN_TIMEOUT_S, Assignment, ResourceLimits


@dataclass(frozen=True)
class RunConfig:
    data_path: Path
    out_dir: Path  # facts.json and saved models land here; its parent is the run's private workdir
    scratch: Path | None = None  # the unpacked submission (the student's writable copy); default: the entry's folder
    cell_timeout_s: float = CELL_TIMEOUT_S
    run_timeout_s: float = RUN_TIMEOUT_S
    seed: int = 0
    threads: int = 0  # 0: let TensorFlow decide
    quick: Mapping[str, int] | None = None  # {"max_epochs", "max_samples"}: cap training (--quick)
    accelerate: bool = True  # the runtime's training fast path, where it gives Keras's own result
    predict_functions: tuple[str, ...] = ()  # raw tf.Variable code: functions to call on the XOR table
    sandbox: Sandbox = Sandbox("none")
    limits: ResourceLimits = ResourceLimits()

    @property
    def workdir(self) -> Path:
        return self.out_dir.parent

    @classmethod
    def from_assignment(cls, assignment: Assignment, *, data_path: Path, out_dir: Path, scratch: Path | None,
                        sandbox: Sandbox, timeout_s: float | None = None, seed: int = 0, threads: int = 0,
                        quick: Mapping[str, int] | None = None, faithful: bool = False) -> "RunConfig":
        """The one way a run is configured, for a student's submission and a reference solution
        alike: the assignment's limits (a `timeout_s` given replaces the per-cell limit and allows
        four cells' worth for the run), one TensorFlow thread pool per CPU this process may use, and
        the fast path unless the assignment or `faithful` turns it off."""
        return cls(data_path=data_path, out_dir=out_dir, scratch=scratch, sandbox=sandbox,
                   limits=assignment.limits.resources,
                   cell_timeout_s=timeout_s or assignment.limits.cell_timeout_s,
                   run_timeout_s=timeout_s * 4 if timeout_s else assignment.limits.run_timeout_s,
                   seed=seed, threads=threads or available_cpus(), quick=quick,
                   predict_functions=assignment.predict_functions,
                   accelerate=assignment.accelerate and not faithful)


def available_cpus() -> int:
    """CPUs this process may run on (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1
