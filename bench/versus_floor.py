"""Benchmark: `grader check` against running the notebook yourself (`jupyter nbconvert --execute`).

    python bench/versus_floor.py                    # all four notebooks, 3 alternating pairs each
    python bench/versus_floor.py --reps 1 --only course-xor course-mnist
    python bench/versus_floor.py --faithful         # the grader without its training fast path

The floor is the notebook executed as written by nbconvert in a plain kernel. That kernel gets
the course's MNIST file the same way the grader's does (a startup file makes `load_data()` read
the local copy: this machine cannot download it); nothing else is added. The two are run in
alternation (floor, grader, floor, grader, ...) so that the shared machine's noise falls on
both alike, and the medians and their ratio are printed. Goals (issue 14): the course's XOR
notebook (10,000 epochs) <= 0.1x the floor, the course's MNIST notebook <= 0.6x, a 300-epoch
XOR and a one-epoch MNIST notebook <= 1.0x.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
COURSE_XOR = ROOT / "tests" / "assets" / "course" / "XOR_DNN_TF2.ipynb"
COURSE_MNIST_ZIP = ROOT / "submissions" / "lab10-course-notebook" / "submit.zip"

SERVE_MNIST = """
# bench: serve the local MNIST copy to load_data(), as the grader's runtime does (no network here)
import keras.src.datasets.mnist as _m
import keras.src.utils.file_utils as _f
_original = _f.get_file
def _get_file(fname=None, origin=None, *args, **kwargs):
    if str(origin or "").endswith("mnist.npz") or str(fname or "").endswith("mnist.npz"):
        return {path!r}
    return _original(fname, origin, *args, **kwargs)
_m.get_file = _f.get_file = _get_file
"""

MNIST_ONE_EPOCH = [
    "import tensorflow as tf\nimport numpy as np",
    "(train_x, train_y), (test_x, test_y) = tf.keras.datasets.mnist.load_data()\n"
    "train_x = train_x.reshape(-1, 784) / 255\ntest_x = test_x.reshape(-1, 784) / 255",
    "model = tf.keras.Sequential()\n"
    "model.add(tf.keras.layers.Dense(256, activation='relu', input_dim=784))\n"
    "model.add(tf.keras.layers.Dense(256, activation='relu'))\n"
    "model.add(tf.keras.layers.Dense(10, activation='softmax'))\n"
    "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])",
    "model.fit(train_x, train_y, epochs=1, batch_size=100)",
    "model.evaluate(test_x, test_y)",
]


def notebooks(work: Path) -> dict[str, Path]:
    """The four notebooks, written into `work`: the course's two as written, and two small ones."""
    found = {"course-xor": COURSE_XOR}
    with zipfile.ZipFile(COURSE_MNIST_ZIP) as archive:
        found["course-mnist"] = Path(archive.extract("Mnist_DNN_TF2.ipynb", work / "course"))
    xor = nbformat.read(str(COURSE_XOR), as_version=4)
    for cell in xor.cells:
        cell.source = cell.source.replace("epochs=10000", "epochs=300")
    assert any("epochs=300" in c.source for c in xor.cells)
    found["xor-300"] = work / "xor300" / "XOR_DNN_TF2.ipynb"
    found["mnist-1-epoch"] = work / "mnist1" / "Mnist_DNN_TF2.ipynb"
    found["xor-300"].parent.mkdir(parents=True)
    found["mnist-1-epoch"].parent.mkdir(parents=True)
    nbformat.write(xor, str(found["xor-300"]))
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in MNIST_ONE_EPOCH]),
                   str(found["mnist-1-epoch"]))
    return found


def find_mnist() -> Path:
    from grader.data import find_mnist as find

    return find(None)


def floor_env(work: Path, mnist: Path) -> dict[str, str]:
    ipython = work / "ipython"
    startup = ipython / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-serve-mnist.py").write_text(SERVE_MNIST.format(path=str(mnist)))
    return {**os.environ, "IPYTHONDIR": str(ipython), "TF_CPP_MIN_LOG_LEVEL": "2"}


def run_floor(path: Path, env: dict[str, str], work: Path) -> float:
    out = work / "floor-out"
    started = time.monotonic()
    # --allow-errors: every cell runs even after one raises, as the grader runs them (the course
    # notebook has a Colab-only `drive.mount` cell)
    proc = subprocess.run([shutil.which("jupyter") or "jupyter", "nbconvert", "--execute", "--allow-errors", "--to", "notebook",
                           "--ExecutePreprocessor.timeout=-1", "--output-dir", str(out), str(path)],
                          env=env, capture_output=True, text=True)
    took = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"the floor failed on {path.name}:\n{proc.stderr[-2000:]}")
    return took


def run_grader(path: Path, extra: list[str], work: Path) -> tuple[float, dict]:
    exe = shutil.which("grader")
    cmd = [exe] if exe else [sys.executable, "-m", "grader"]
    started = time.monotonic()
    with open(work / "grader.json", "w") as out:  # as a script would: stdout to a file
        proc = subprocess.run([*cmd, "check", str(path), "--json", *extra], stdout=out, stderr=subprocess.PIPE,
                              text=True)
    took = time.monotonic() - started
    doc = json.loads((work / "grader.json").read_text())
    if proc.returncode not in (0, 1):
        raise SystemExit(f"grader check failed on {path.name} ({proc.returncode}): {doc.get('messages')}")
    return took, doc


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--faithful", action="store_true", help="pass --faithful to grader check")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="grader-bench-"))
    try:
        mnist = find_mnist()
        env = floor_env(work, mnist)
        found = notebooks(work)
        names = args.only or list(found)
        extra = ["--faithful"] if args.faithful else []
        print(f"{platform.node()}: {os.cpu_count()} CPUs, python {platform.python_version()}; "
              f"{args.reps} alternating pair(s) per notebook{' (--faithful)' if args.faithful else ''}")
        rows = []
        for name in names:
            floors, graders, doc = [], [], {}
            for rep in range(args.reps):
                floors.append(run_floor(found[name], env, work))
                took, doc = run_grader(found[name], extra, work)
                graders.append(took)
                print(f"  {name} pair {rep + 1}: floor {floors[-1]:.1f} s, grader {took:.1f} s "
                      f"(score {doc.get('score')}/{doc.get('max_score')})", flush=True)
            fast = sum(1 for r in doc.get("models", []) if r.get("accelerated"))
            rows.append((name, statistics.median(floors), statistics.median(graders), fast, len(doc.get("models", []))))
        print(f"\n{'notebook':16s} {'floor (nbconvert)':>18s} {'grader check':>13s} {'grader/floor':>13s}  fast path")
        for name, floor, grader, fast, runs in rows:
            print(f"{name:16s} {floor:16.1f} s {grader:11.1f} s {grader / floor:12.2f}x  {fast}/{runs} models")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
