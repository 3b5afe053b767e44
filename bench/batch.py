"""Benchmark: grader overhead over plain nbclient execution, batch throughput, and the cache.

    python bench/batch.py [--students N] [--no-class]

In one run, on the same notebook (tests/assets/course_small.ipynb, the lecture notebook with
small epochs):
  1. plain execution with nbclient, no grader (the floor; a first cell points Keras's MNIST
     download at the same local file, which is all the grader's data serving adds to the code);
  2. `grader check` on it (sandbox, tracing, measuring in a clean process, scoring);
then `grader grade` on a class of N copies of a short Lab 10 module with --jobs 1 and --jobs 2,
and a re-grade of the unchanged class (every result cached).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "tests" / "assets" / "course_small.ipynb"
MODULE = ROOT / "tests" / "assets" / "lab10_module.py"


def grader_cmd() -> list[str]:
    exe = shutil.which("grader")
    return [exe] if exe else [sys.executable, "-m", "grader"]


def data_path() -> Path:
    out = subprocess.run([*grader_cmd(), "data", "where"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def plain_nbclient(mnist: Path) -> float:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    serve = ("import keras.src.datasets.mnist as _m\n"
             f"_m.get_file = lambda *a, **k: {str(mnist)!r}")
    nb.cells.insert(0, nbformat.v4.new_code_cell(serve))
    with tempfile.TemporaryDirectory() as cwd:
        started = time.monotonic()
        NotebookClient(nb, timeout=1800, allow_errors=True, kernel_name="python3",
                       resources={"metadata": {"path": cwd}}).execute()
        return time.monotonic() - started


def timed(*args: str) -> float:
    started = time.monotonic()
    result = subprocess.run([*grader_cmd(), *args], capture_output=True, text=True)
    if result.returncode not in (0, 1):
        sys.exit(f"grader {' '.join(args)} failed: {result.stderr[-1500:]}")
    return time.monotonic() - started


def make_class(folder: Path, students: int) -> None:
    folder.mkdir(parents=True)
    for i in range(students):
        with zipfile.ZipFile(folder / f"2023{i:06d}_student{i}_submit.zip", "w") as zf:
            zf.write(MODULE, "lab10.py")


def main() -> None:
    students = int(sys.argv[sys.argv.index("--students") + 1]) if "--students" in sys.argv else 6
    mnist = data_path()
    print(f"machine: {os.cpu_count()} CPUs; notebook: {NOTEBOOK.relative_to(ROOT)}")
    floor = plain_nbclient(mnist)
    check = timed("check", str(NOTEBOOK), "--json")
    print(f"plain nbclient (floor) : {floor:7.1f} s")
    print(f"grader check           : {check:7.1f} s   overhead {(check / floor - 1) * 100:+.1f} %")
    if "--no-class" in sys.argv:
        return
    with tempfile.TemporaryDirectory() as tmp:
        klass = Path(tmp) / "class"
        make_class(klass, students)
        one = timed("grade", str(klass), "-a", "lab10-mnist", "-o", f"{tmp}/out1", "--jobs", "1")
        two = timed("grade", str(klass), "-a", "lab10-mnist", "-o", f"{tmp}/out2", "--jobs", "2")
        cached = timed("grade", str(klass), "-a", "lab10-mnist", "-o", f"{tmp}/out2", "--jobs", "2")
    print(f"class of {students}, --jobs 1 : {one:7.1f} s   {students / one * 60:5.1f} submissions/min")
    print(f"class of {students}, --jobs 2 : {two:7.1f} s   {students / two * 60:5.1f} submissions/min"
          f"   speed-up {one / two:.2f}x")
    print(f"re-grade, unchanged    : {cached:7.1f} s   (all cached)")


if __name__ == "__main__":
    main()
