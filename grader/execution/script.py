"""Run a `.py` module as `__main__` in a child interpreter, traced, isolated, with a watchdog."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from typing import Callable

from grader.execution.capture import PROCESS_OUTPUT, CappedReader
from grader.execution.config import RunConfig
from grader.execution.isolate import STOP_GRACE_S, Isolation, Watchdog, student_env, write_runtime_config
from grader.execution.progress import Progress
from grader.execution.trace import read_facts
from grader.models import CellResult, Entry, Run
from grader.message import Phrase, msg


class ScriptExecutor:
    """Runs a `.py` module as `__main__` in a child interpreter, with tracing installed."""

    def __init__(self, progress: Callable[[str], None] | None = None):
        self.progress = progress

    def run(self, entry: Entry, config: RunConfig) -> Run:
        started = time.monotonic()
        limit = min(config.run_timeout_s, config.cell_timeout_s)
        config_path = write_runtime_config(config, time_limit_s=limit)
        messages: list[Phrase] = []
        with Isolation(config, entry.path.parent) as isolation:
            argv = isolation.wrap([sys.executable, "-m", "grader.inside.runtime", str(config_path), str(entry.path)])
            proc = subprocess.Popen(argv, cwd=entry.path.parent, env=student_env(config), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
            progress = Progress(self.progress)
            progress.cell(0, 1)
            output = CappedReader(proc.stdout, config.limits.output_kb * 1024, progress.text)
            output.start()
            # the runtime's own alarm stops the module at `limit`, keeping the model in training;
            # the watchdog kills only what ignores it
            watchdog = Watchdog(lambda: proc.pid, started + limit + STOP_GRACE_S, isolation, config.limits)
            watchdog.start()
            try:
                proc.wait()
            finally:
                watchdog.cancel()
                output.join(timeout=5)
        (config.workdir / PROCESS_OUTPUT).write_bytes(output.kept)
        if output.dropped:
            messages.append(msg("output was truncated after {kb} KB ({dropped:,} more bytes dropped)",
                                kb=config.limits.output_kb, dropped=output.dropped))
        facts = read_facts(config.out_dir, {})
        messages.extend(isolation.limit_notes())
        cells = facts.cells
        source = entry.path.read_text(errors="replace")
        if watchdog.reason:
            status = "timeout" if watchdog.kind == "time" else "error"
            cells = (CellResult(0, status, source, error=msg("{why} ({s:g} s)", why=watchdog.reason, s=limit)
                                if status == "timeout" else watchdog.reason),)
            messages.append(msg("{why}; models trained before that still count", why=watchdog.reason))
        elif any(c.status == "timeout" for c in cells):  # the runtime's alarm: stopped, models kept
            cells = tuple(replace(c, error=msg("{why} ({s:g} s)", why=msg("the run's time limit was reached"), s=limit))
                          if c.status == "timeout" else c for c in cells)
            messages.append(msg("{why}; models trained before that still count",
                                why=msg("the run's time limit was reached")))
        elif not cells:
            tail = output.kept.decode(errors="replace")[-1500:]
            cells = (CellResult(0, "error", source,
                                error=msg("the module's process ended abnormally (exit code {code})",
                                          code=proc.returncode),
                                traceback=tail),)
        return Run(entry=entry, cells=cells, models=facts.models, markdown=(),
                   duration_s=time.monotonic() - started, timed_out=watchdog.kind == "time" or any(c.status == "timeout" for c in cells),
                   messages=tuple(messages) + facts.notes, output_dir=config.out_dir,
                   saves=facts.saves, loads=facts.loads, process_output=output.kept.decode(errors="replace"))
