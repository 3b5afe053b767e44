"""Benchmark: the self-check's bottom cell against `grader check` of the same notebook.

    python bench/selfcheck.py                 # the course notebook (six models, quiz), 1 pair
    python bench/selfcheck.py --notebook N.ipynb --lab lab10-mnist --reps 2

The notebook gets `%load_ext grader` as its first cell and `%grader check LAB --json --notebook
FILE` as its last, is executed by nbclient in a plain kernel (the student's session), and the
last cell's own time is read from the kernel's execute_input / execute_reply timestamps. Then
`grader check FILE --json` grades the same file (which re-runs everything from the top, in the
sandbox). The two alternate. Goal (issue 15): the bottom cell under 10 s on 2 cores after training.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
COURSE_MNIST_ZIP = ROOT / "submissions" / "lab10-course-notebook" / "submit.zip"


def with_self_check(source: Path, lab: str, out: Path) -> Path:
    nb = nbformat.read(source, as_version=4)
    v4 = nbformat.v4
    nb.cells = [v4.new_code_cell("%load_ext grader")] + list(nb.cells) + [
        v4.new_code_cell(f"%grader check {lab} --json --notebook {out.name}")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, out)
    return out


def run_session(path: Path) -> tuple[float, float, dict]:
    """(whole notebook s, bottom cell s, the bottom cell's JSON document)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=3600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.monotonic()
    client.execute()
    whole = time.monotonic() - started
    last = nb.cells[-1]
    timing = last.metadata.get("execution", {})
    began = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
    ended = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    text = "".join(o.text for o in last.outputs if o.output_type == "stream" and o.name == "stdout")
    return whole, (ended - began).total_seconds(), json.loads(text)


def run_grader(path: Path) -> tuple[float, dict]:
    out = path.with_suffix(".grader.json")
    started = time.monotonic()
    with out.open("w") as f:
        subprocess.run([sys.executable, "-m", "grader", "check", str(path), "--json"], stdout=f,
                       stderr=subprocess.DEVNULL, cwd=path.parent)
    return time.monotonic() - started, json.loads(out.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", type=Path, help="default: the course notebook of the example submission")
    parser.add_argument("--lab", default="lab10-mnist")
    parser.add_argument("--reps", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-selfcheck-"))
    source = args.notebook
    if source is None:
        with zipfile.ZipFile(COURSE_MNIST_ZIP) as z:
            name = next(n for n in z.namelist() if n.endswith(".ipynb"))
            source = work / "course.ipynb"
            source.write_bytes(z.read(name))
    path = with_self_check(source, args.lab, work / "lab.ipynb")
    rows = []
    for rep in range(args.reps):
        whole, bottom, mine = run_session(path)
        graded_s, graded = run_grader(path)
        accuracies = [(r["test_accuracy"], g["test_accuracy"]) for r, g in zip(mine["models"], graded["models"])]
        rows.append((whole, bottom, graded_s))
        print(f"rep {rep + 1}: session {whole:.1f} s, bottom cell {bottom:.2f} s "
              f"(self-check {mine['score']:g}/{mine['max_score']:g}, {len(mine['runs'])} models); "
              f"grader check {graded_s:.1f} s ({graded['score']:g}/{graded['max_score']:g}); "
              f"accuracies self-check vs grader: {accuracies}", flush=True)
    whole, bottom, graded_s = (statistics.median(col) for col in zip(*rows))
    print(f"\nmedian of {len(rows)}: bottom cell {bottom:.2f} s (goal < 10 s) | grader check {graded_s:.1f} s | "
          f"the student's whole session {whole:.1f} s | bottom cell / grader check = {bottom / graded_s:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
