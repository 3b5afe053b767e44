"""Benchmark: the cost of the sandbox on a normal Lab 10 check.

    python bench/sandbox_overhead.py [SUBMISSION] [--repeat N]

Runs `grader check` on the same submission with `--sandbox off` and with bubblewrap
(`--sandbox strict`), alternating, N times each (default 3), and prints the medians and
their ratio. Default submission: tests/assets/lab10_module.py (one epoch of a 784-512-512-10
net on full MNIST: a normal, short Lab 10 check).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def grader_cmd() -> list[str]:
    exe = shutil.which("grader")
    return [exe] if exe else [sys.executable, "-m", "grader"]


def timed(submission: Path, sandbox: str) -> float:
    started = time.monotonic()
    result = subprocess.run([*grader_cmd(), "check", str(submission), "-a", "lab10-mnist", "--json",
                             "--sandbox", sandbox], capture_output=True, text=True)
    if result.returncode not in (0, 1):
        sys.exit(f"--sandbox {sandbox} failed ({result.returncode}): {result.stderr[-1500:]}")
    return time.monotonic() - started


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    if args and args[0].isdigit():
        args = args[1:]
    submission = Path(args[0]) if args else ROOT / "tests" / "assets" / "lab10_module.py"
    times: dict[str, list[float]] = {"off": [], "strict": []}
    for _ in range(repeat):
        for mode in ("off", "strict"):
            times[mode].append(timed(submission, mode))
    off, on = statistics.median(times["off"]), statistics.median(times["strict"])
    print(f"submission: {submission.relative_to(ROOT) if submission.is_relative_to(ROOT) else submission}")
    print(f"runs each : {repeat} (alternating)")
    print(f"no sandbox: {off:6.1f} s  (median of {', '.join(f'{t:.1f}' for t in times['off'])})")
    print(f"bubblewrap: {on:6.1f} s  (median of {', '.join(f'{t:.1f}' for t in times['strict'])})")
    print(f"overhead  : {on - off:+6.1f} s  ({(on / off - 1) * 100:+.1f} %)")


if __name__ == "__main__":
    main()
