"""The status line while the student's code runs: cell, elapsed time, and Keras's epoch and loss."""

from __future__ import annotations

import re
import time
from typing import Callable


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
