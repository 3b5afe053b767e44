"""Measure every traced model on the grader's own test data, in a clean separate process.

Models built from standard Keras layers were saved by the runtime; here a fresh
interpreter that runs none of the student's code loads them with `safe_mode=True`
and predicts the test set. What the student printed or stored is never consulted.
"""

from __future__ import annotations

import json
import os
import subprocess
from functools import lru_cache
import sys
from dataclasses import replace
from pathlib import Path

from grader.models import Layer, Run, TracedModel
from grader.message import msg

_WORKER_TIMEOUT_S = 600
MISCLASSIFIED_KEPT = 24


@lru_cache(maxsize=4)
def _labels(dataset: str, data_path: Path):
    from grader.inside.testsets import load_testset

    try:
        return load_testset(dataset, data_path, {})[1].tolist()
    except (OSError, ValueError):
        return None


def measure(run: Run, data_path: Path, worker: "Worker | None" = None) -> Run:
    """The same run, with `test_accuracy` filled in for every model that could be measured (by
    `worker`, already started, when given; it is ended either way)."""
    todo = _to_measure(run)
    if not todo or run.output_dir is None:
        if worker is not None:
            worker.close()
        return replace(run, models=tuple(_explain_unmeasured(m) for m in run.models))
    manifest = {
        "data_path": str(data_path),
        "models": [{"file": str(run.output_dir / m.artifact), "dataset": m.dataset, "transform": dict(m.transform)}
                   for m in todo],
    }
    # beside the output folder, not in it: the student may write there (a planted symlink named like
    # these files would redirect the grader's own writes), but not in the run's workdir
    manifest_path = run.output_dir.parent / "measure-manifest.json"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    return with_results(run, todo, _run_worker(manifest_path, run.output_dir, data_path, len(todo), worker), data_path)


def measure_here(run: Run, data_path: Path) -> Run:
    """`measure`, in this very process: for the self-check in the student's own session, whose
    code is the student's own business (a grading run never measures in the student's process)."""
    from grader.inside.measure_worker import Measurer

    todo = _to_measure(run)
    if not todo or run.output_dir is None:
        return replace(run, models=tuple(_explain_unmeasured(m) for m in run.models))
    measurer = Measurer(str(data_path))
    results = [measurer.measure(str(run.output_dir / m.artifact), m.dataset, dict(m.transform)) for m in todo]
    return with_results(run, todo, results, data_path)


def _to_measure(run: Run) -> list[TracedModel]:
    return [m for m in run.models if m.artifact and m.measured_by == "none" and m.dataset in ("mnist", "xor")]


def with_results(run: Run, todo: list[TracedModel], results: list[dict], data_path: Path) -> Run:
    """The run with each of `todo` given its measuring `results` (in order); the rest explained."""
    by_index = {model.index: result for model, result in zip(todo, results)}
    measured = []
    for model in run.models:
        result = by_index.get(model.index)
        if result is None:
            measured.append(_explain_unmeasured(model))
        elif result.get("accuracy") is not None:
            measured.append(_with_errors(_from_saved_file(model.with_measurement(float(result["accuracy"]), "grader"),
                                                          result), result, _labels(model.dataset, data_path)))
        else:
            measured.append(model.with_measurement(None, "none", msg("could not be measured: {error}",
                                                                     error=str(result.get("error")))))
    return replace(run, models=tuple(measured))


def _with_errors(model: TracedModel, result: dict, labels) -> TracedModel:
    """Confusion matrix and the first misclassified test images, from the clean process's predictions."""
    predictions = result.get("predictions")
    if labels is None or not isinstance(predictions, list) or len(predictions) != len(labels):
        return model
    classes = 10 if model.dataset == "mnist" else 2
    confusion = [[0] * classes for _ in range(classes)]
    wrong = []
    for index, (truth, guess) in enumerate(zip(labels, predictions)):
        if 0 <= guess < classes:
            confusion[int(truth)][int(guess)] += 1
        if truth != guess and len(wrong) < MISCLASSIFIED_KEPT:
            wrong.append((index, int(truth), int(guess)))
    return replace(model, confusion=tuple(tuple(row) for row in confusion), misclassified=tuple(wrong))


def _from_saved_file(model: TracedModel, result: dict) -> TracedModel:
    """Layers and parameter count as the clean process read them from the saved model."""
    layers = tuple(Layer.from_dict(d) for d in result.get("layers", []) if isinstance(d, dict))
    if not layers:
        return model
    note = None
    if [(l.kind, l.units, l.activation, l.rate) for l in layers] != \
            [(l.kind, l.units, l.activation, l.rate) for l in model.layers]:
        note = msg("the trace disagreed with the saved model; the saved model's layers were graded")
    return replace(model, layers=layers, params=int(result.get("params", model.params)),
                   measure_note=note or model.measure_note)


def _explain_unmeasured(model: TracedModel) -> TracedModel:
    if model.measured_by != "none" or model.measure_note:
        return model
    if model.dataset not in ("mnist", "xor"):
        return model.with_measurement(None, "none", "not measured: its inputs are neither MNIST images nor XOR pairs")
    return model.with_measurement(None, "none", "not measured: the model could not be saved")


class Worker:
    """The clean measuring process, started early (`start_worker`) so that its TensorFlow import
    overlaps the student's run and each model saved in `out_dir` is measured as soon as it is
    there; `measure` hands it the manifest, or `close` ends it unused."""

    def __init__(self, out_dir: Path, data_path: Path):
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONHASHSEED": "0", "CUDA_VISIBLE_DEVICES": ""}
        self.proc = subprocess.Popen([sys.executable, "-m", "grader.inside.measure_worker", "--wait",
                                      str(out_dir), str(data_path)],
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, env=env)

    def run(self, manifest_path: Path, out_path: Path) -> tuple[int | None, str]:
        """(exit code or None on timeout, stderr) after measuring the manifest."""
        try:
            _, stderr = self.proc.communicate(f"{manifest_path}\t{out_path}\n", timeout=_WORKER_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.close()
            return None, ""
        except OSError as exc:  # the worker died before it was needed
            self.close()
            return -1, str(exc)
        return self.proc.returncode, stderr or ""

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def start_worker(out_dir: Path, data_path: Path) -> Worker:
    return Worker(out_dir, data_path)


def _run_worker(manifest_path: Path, out_dir: Path, data_path: Path, count: int,
                worker: Worker | None = None) -> list[dict]:
    out_path = manifest_path.with_name("measure-results.json")
    with (worker or start_worker(out_dir, data_path)) as running:
        code, stderr = running.run(manifest_path, out_path)
    if code is None:
        return [{"error": "measuring took too long"}] * count
    if code != 0 or not out_path.is_file():
        tail = stderr.strip().splitlines()[-1:] or ["no output"]
        return [{"error": f"measuring process failed: {tail[0][:200]}"}] * count
    return json.loads(out_path.read_text(encoding="utf-8"))
