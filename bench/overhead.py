"""Where a `grader check` spends its time: the fixed costs around the student's own cells.

    python bench/overhead.py NOTEBOOK [NOTEBOOK ...] [--reps N] [--faithful]

Runs `check_submission` in this process with timers around each stage and prints, per notebook,
the median of N runs (default 3) for: unpack and locate, the sandbox and kernel start, the
runtime install (the setup cell: TensorFlow's import, seeds, hooks), the student's cells, the
finalize cell, the clean measuring process, and scoring plus report rendering. Nothing is
changed in what runs; the timers only wrap the stages' functions.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def instrument(times: dict[str, float]):
    """Wrap the stages' functions; every wrapper adds its wall time to `times[stage]`."""
    import grader.pipeline as pipeline
    from grader.execution import measure, notebook
    from grader.feedback import report

    def timed(stage, fn):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                times[stage] += time.perf_counter() - started
        return wrapper

    pipeline.unpack = timed("unpack + locate", pipeline.unpack)
    pipeline.locate = timed("unpack + locate", pipeline.locate)
    pipeline.score = timed("score + render", pipeline.score)
    measure._run_worker = timed("measuring process", measure._run_worker)

    original_runner = notebook._cell_runner

    def cell_runner(client, liveness):
        run = original_runner(client, liveness)

        def run_cell(cell, position):
            last = len(client.nb.cells) - 1
            stage = "runtime install (setup cell)" if position == 0 else \
                "finalize cell" if position == last else "student cells"
            return timed(stage, run)(cell, position)
        return run_cell

    notebook._cell_runner = cell_runner
    original_client = notebook._client_class

    def client_class():
        cls = original_client()

        class Timed(cls):
            @contextlib.contextmanager
            def setup_kernel(self, **kwargs):
                started = time.perf_counter()
                with super().setup_kernel(**kwargs):
                    times["sandbox + kernel start"] += time.perf_counter() - started
                    try:
                        yield
                    finally:
                        stopping = time.perf_counter()
                times["kernel shutdown"] += time.perf_counter() - stopping
        return Timed

    notebook._client_class = client_class
    report.to_json = timed("score + render", report.to_json)
    return report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--faithful", action="store_true")
    args = parser.parse_args()
    from grader.pipeline import Options, check_submission

    times: dict[str, float] = defaultdict(float)
    report = instrument(times)
    for path in args.notebooks:
        runs = []
        for _ in range(args.reps):
            times.clear()
            started = time.perf_counter()
            result = check_submission(path, Options(faithful=args.faithful))
            report.to_json(result)
            total = time.perf_counter() - started
            named = sum(times.values())
            runs.append({**times, "other (grader process)": total - named, "total": total})
        print(f"\n{path.name}: median of {args.reps} ({'faithful' if args.faithful else 'default'}), "
              f"score {result.score:g}/{result.max_score:g}")
        for stage in runs[0]:
            values = [r.get(stage, 0.0) for r in runs]
            print(f"  {stage:32s} {statistics.median(values):7.2f} s   ({', '.join(f'{v:.2f}' for v in values)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
