"""Benchmark: `grader check --quick` against the full check on the example Lab 10 submission.

    python bench/quick_check.py            # quick check only (goal: under 60 s on 2 cores)
    python bench/quick_check.py --full     # also the full check, measured in the same run

Prints wall time of each, the ratio, and what the quick check could not judge.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "submissions" / "lab10-course-notebook" / "submit.zip"


def grader_cmd() -> list[str]:
    exe = shutil.which("grader")
    return [exe] if exe else [sys.executable, "-m", "grader"]


def timed_check(*extra: str) -> tuple[float, dict]:
    started = time.monotonic()
    result = subprocess.run([*grader_cmd(), "check", str(EXAMPLE), "--json", *extra], capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if result.returncode not in (0, 1):
        sys.exit(f"grader check failed ({result.returncode}): {result.stderr[-2000:]}")
    return elapsed, json.loads(result.stdout)


def main() -> None:
    cpu = platform.processor() or platform.machine()
    print(f"machine: {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}")
    print(f"submission: {EXAMPLE.relative_to(ROOT)}")
    quick_s, quick = timed_check("--quick")
    skipped = [c["id"] for c in quick["checks"] if c["status"] == "skipped"]
    judged = [c["id"] for c in quick["checks"] if c["status"] != "skipped"]
    print(f"grader check --quick : {quick_s:7.1f} s   judged {len(judged)} checks, "
          f"not judged (said so): {', '.join(skipped) or 'none'}")
    if "--full" in sys.argv:
        full_s, full = timed_check()
        print(f"grader check (full)  : {full_s:7.1f} s   score {full['score']:g}/{full['max_score']:g}")
        print(f"quick / full         : {quick_s / full_s:7.2f}")


if __name__ == "__main__":
    main()
