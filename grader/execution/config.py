"""What one run of the student's code is given: data, folders, limits, sandbox (a frozen value)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from grader.execution.sandbox import Sandbox
from grader.models import ResourceLimits


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
    accelerate: bool = True  # the runtime's training fast path, where it gives Keras's own result
    predict_functions: tuple[str, ...] = ()  # raw tf.Variable code: functions to call on the XOR table
    sandbox: Sandbox = Sandbox("none")
    limits: ResourceLimits = ResourceLimits()

    @property
    def workdir(self) -> Path:
        return self.out_dir.parent
