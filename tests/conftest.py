"""Shared fixtures: the course's MNIST copy, recorded traced models, tiny submissions."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from grader.models import Layer, TracedModel

ROOT = Path(__file__).resolve().parent.parent
ASSETS = Path(__file__).resolve().parent / "assets"


def _mnist_dir() -> Path | None:
    """The course's copy, wherever this checkout is, else the one `grader data import` installed (CI)."""
    from grader.data import user_data_dir

    for candidate in (os.environ.get("GRADER_DATA_DIR"), ROOT.parent / "shared" / "data", user_data_dir()):
        if candidate and (Path(candidate) / "mnist.npz").is_file():
            return Path(candidate).resolve()
    return None


# The files whose runs take longest, longest first (measured: `--durations`, 2026-12-06). The workers
# (pytest-xdist, one file at a time) take files in collection order, so these start first and no
# worker is left alone with a four-minute file at the end (longest processing time first).
LONGEST_FIRST = ("test_wild.py", "test_colab_code.py", "test_batch.py", "test_time_limits.py",
                 "test_hostile_output.py", "test_hooks_never_break.py", "test_e2e.py", "test_fastfit.py",
                 "test_validate.py", "test_hostile.py", "test_notebook_extension.py", "test_html.py")


def pytest_collection_modifyitems(items):
    for item in items:  # a full-length run needs everything a kernel test needs
        if item.get_closest_marker("slow") is not None:
            item.add_marker(pytest.mark.kernel)
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    # a stable sort: each file keeps its tests' order (its module fixtures are made once either way)
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(autouse=True)
def _unit_tier_stays_light(request):
    """The unit tier imports no TensorFlow and reads no MNIST: a test that does belongs to the kernel tier."""
    light = request.node.get_closest_marker("kernel") is None
    if light and "mnist_dir" in request.fixturenames:
        pytest.fail("a unit test asked for the MNIST file: mark it `kernel` or record the data it needs")
    # only what this test imported counts: a kernel test earlier in the session (tests/test_fastfit.py
    # trains in this process) may have loaded TensorFlow already
    loaded = {m for m in ("tensorflow", "keras") if m in sys.modules}
    yield
    if light:
        heavy = sorted(m for m in ("tensorflow", "keras") if m in sys.modules and m not in loaded)
        assert not heavy, f"a unit test imported {heavy}: mark it `kernel`"


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    found = _mnist_dir()
    if found is None:
        pytest.fail("MNIST not found: set GRADER_DATA_DIR to the folder holding the course's mnist.npz")
    return found




def dense(units, activation="relu", init="GlorotUniform"):
    return Layer("Dense", units=units, activation=activation, initializer=init)


def traced(layers, *, index=0, acc=0.98, optimizer="Adam", dataset="mnist", epochs=5, **kw) -> TracedModel:
    """A TracedModel as the runtime would record it (recorded facts, no TensorFlow)."""
    return TracedModel(index=index, name="model", method="fit", layers=tuple(layers), params=1000,
                       input_shape=(None, 784), output_shape=(None, 10), optimizer=optimizer,
                       learning_rate=0.001, loss="categorical_crossentropy", epochs=epochs, batch_size=100,
                       history={"loss": (0.5, 0.3)}, dataset=dataset, test_accuracy=acc,
                       measured_by="grader" if acc is not None else "none", **kw)
