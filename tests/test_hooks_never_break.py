"""A grader failure is a grader note, never the student's error: each hook is made to fail in turn.

`tests/assets/hooks/every_hook.py` passes through every hook the runtime puts on Keras (load_data,
fit twice with initial_epoch and validation_split, evaluate as a list and a dict, save and
load_model, a GradientTape loop over tf.data). It runs once under plain Keras, then under the
grader's runtime with no fault and with each hook's own part raising. Every run must print exactly
what plain Keras printed (its losses, its evaluation, a digest of every final weight), raise
nothing, and leave a grader note naming the hook that failed. (Kernel tier: real TensorFlow.)
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ASSETS

pytestmark = pytest.mark.kernel

SCRIPT = ASSETS / "hooks" / "every_hook.py"

# fault -> (module of grader.inside, function made to raise, the hook its note names)
FAULTS = {
    "fit: the call's preparation": ("tracing", "prepare_fit", "fit"),
    "fit: the record afterwards": ("tracing", "record_fit", "fit"),
    "fit: describing the model": ("describe", "describe", "fit"),
    "fit: the portability check": ("describe", "why_not_portable", "fit"),
    "the fast path": ("fastfit", "fit_fast", "fast path"),
    "the epoch keeper": ("keeper", "keep_epoch", "epoch keeper"),
    "the status line": ("keeper", "say_epoch", "status line"),
    "evaluate": ("tracing", "record_evaluate", "evaluate"),
    "the model's call": ("tracing", "keep_first_batch", "model call"),
    "apply_gradients": ("tracing", "note_loop_step", "custom loop"),
    "save": ("tracing", "record_save", "save"),
    "load_model": ("tracing", "record_load", "load_model"),
    "load_data": ("runtime", "_served_mnist", "load_data"),
    "writing the facts": ("state.State", "write", "evaluate"),
}

DRIVER = r'''
import contextlib, io, json, os, sys, tempfile
mode, script, mnist, faults = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
os.chdir(tempfile.mkdtemp())
import keras, tensorflow as tf
import keras.src.datasets.mnist as mnist_module
import keras.src.utils.file_utils as file_utils

def offline(fname=None, origin=None, *args, **kwargs):  # this machine's stand-in for Keras's download
    if "mnist" in f"{fname}{origin}":
        return mnist
    raise OSError("no internet here")

file_utils.get_file = mnist_module.get_file = keras.utils.get_file = offline
source = open(script).read()

def run_once():
    out = io.StringIO()
    keras.utils.set_random_seed(0)
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(source, script, "exec"), {"__name__": "__main__"})
        except Exception as exc:
            print("RAISED", type(exc).__name__, exc)
    return out.getvalue()

results = {}
if mode == "plain":
    tf.config.experimental.enable_op_determinism()  # as a grading run does
    results["plain"] = {"output": run_once(), "notes": []}
else:
    from grader.inside import describe, fastfit, keeper, runtime, state, tracing
    config = {"out_dir": os.path.abspath("out"), "data_path": mnist, "seed": 0}
    with open("config.json", "w") as f:
        json.dump(config, f)
    runtime.install("config.json")
    first = state.current
    modules = {"tracing": tracing, "describe": describe, "fastfit": fastfit, "keeper": keeper,
               "runtime": runtime, "state.State": state.State}
    for name, (module, function, hook) in [["no fault", [None, None, None]], *faults.items()]:
        state.current = state.State(config)  # a fresh trace: the hooks read it at call time
        state.current.original_save = first.original_save
        target = modules.get(module)
        saved = getattr(target, function) if target is not None else None

        def boom(*args, **kwargs):
            raise RuntimeError("injected grader fault")

        if target is not None:
            setattr(target, function, boom)
        try:
            output = run_once()
        finally:
            if target is not None:
                setattr(target, function, saved)
        results[name] = {"output": output, "notes": list(state.current.notes),
                         "models": len(state.current.records)}
print("RESULTS" + json.dumps(results))
'''


def _run(mode: str, mnist: str) -> dict:
    done = subprocess.run([sys.executable, "-c", DRIVER, mode, str(SCRIPT), mnist, json.dumps(FAULTS)],
                          capture_output=True, text=True, timeout=900)
    line = next((line for line in done.stdout.splitlines() if line.startswith("RESULTS")), None)
    assert line is not None, done.stderr[-3000:]
    return json.loads(line[len("RESULTS"):])


@pytest.fixture(scope="module")
def runs(mnist_dir):
    plain = _run("plain", str(mnist_dir / "mnist.npz"))["plain"]
    return plain, _run("hooked", str(mnist_dir / "mnist.npz"))


def test_plain_keras_runs_the_script(runs):
    plain, _ = runs
    assert "RAISED" not in plain["output"], plain["output"]
    assert [line.split()[0] for line in plain["output"].splitlines()] == [
        "fit", "evaluate", "evaluate", "loaded", "loop", "weights"]


def test_with_every_hook_working_the_output_is_plain_keras_and_the_models_are_traced(runs):
    plain, hooked = runs
    assert hooked["no fault"]["output"] == plain["output"]
    assert hooked["no fault"]["models"] == 1  # the fit model; the loop's model is recorded at finalize
    assert not [n for n in hooked["no fault"]["notes"] if "hook failed" in n], hooked["no fault"]["notes"]


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failing_hook_changes_nothing_the_student_sees_and_is_noted(fault, runs):
    plain, hooked = runs
    run = hooked[fault]
    assert "RAISED" not in run["output"], run["output"]
    assert run["output"] == plain["output"]
    hook = FAULTS[fault][2]
    assert any(n.startswith(f"grader note: the grader's {hook} hook failed (RuntimeError: injected grader fault)")
               for n in run["notes"]), run["notes"]
