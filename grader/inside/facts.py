"""The facts document: the one contract between the runtime (writer) and `execution/trace.py` (reader).

The runtime writes `facts.json` in the run's output folder as this JSON object; the reader
refuses a document of another `version` (a runtime from another grader release) and reads every
field defensively, because the file comes from the student's process. Raise `FACTS_VERSION`
whenever a field changes meaning or a required field is added.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

FACTS_VERSION = 2  # 2: `adopted` models (the self-check found them alive, not training)
FACTS_FILE = "facts.json"
# The largest facts file a reader accepts: `execution/trace.py` after the run and `measure_worker.py`
# while it runs (a larger file is refused, never read in part). The writer keeps only the last 50
# notes and 100 saves and loads, but every model's whole per-epoch history: a 25 s run of an XOR fit
# asked for 3,000,000 epochs wrote 5.0 MB (181,085 epochs of loss and accuracy, ~28 bytes an epoch).
MAX_FACTS_BYTES = 20 * 2**20

Method = Literal["fit", "custom_loop"]
CellStatus = Literal["ok", "error", "timeout"]


class LayerRecord(TypedDict, total=False):
    kind: str  # the Keras class name: Dense, Dropout, BatchNormalization, ReLU...
    units: int
    activation: str
    initializer: str  # the kernel initializer's class name
    rate: float  # Dropout
    output_shape: list[int | None]


class Transform(TypedDict, total=False):
    """How the student's training inputs relate to raw MNIST pixels: x = raw * scale + offset."""
    scale: float
    offset: float
    input_shape: list[int]


class ModelRecord(TypedDict, total=False):
    index: int  # position in `models`
    name: str  # the student's name for it (`model`, `tf.model`) or its class
    method: Method
    cell: int | None  # the executor's cell position (mapped to notebook cells by the reader)
    layers: list[LayerRecord]
    params: int
    input_shape: list[int | None]
    output_shape: list[int | None] | None
    optimizer: str
    learning_rate: float | None
    loss: str | None
    epochs: int
    steps: int  # optimizer steps of a custom loop
    batch_size: int | None
    history: dict[str, list[float]]
    dataset: Literal["mnist", "xor", "unknown"]
    transform: Transform
    trained_on: Literal["train", "test", "other"]
    artifact: str | None  # `modelN.keras` in the output folder, for the clean measuring process
    in_process_accuracy: float  # only for models that cannot leave the student's process
    measure_note: str
    student_evaluate: list[float]  # what the student's own evaluate() returned
    function: str  # raw tf.Variable code: the prediction function called on the XOR table
    capped: dict[str, Any]  # --quick: what was asked before capping ({"epochs": 15, "samples": 60000})
    accelerated: bool  # every fit of this model ran by the fast path (fastfit.py)
    not_accelerated: dict[str, Any]  # the first fit that did not: {"id": English template, "values": {...}}
    stopped: dict[str, Any]  # a time limit ended fit: {"epoch": finished epochs (the weights kept), "of": asked}
    adopted: bool  # the self-check found it alive in the session, trained before the tracing began
    # also "class": the model's Python class name (a keyword, so not declarable here)


class CellRecord(TypedDict, total=False):
    """Modules only: the runtime reports the whole module as one cell."""
    index: int
    status: CellStatus
    source: str
    error: str
    traceback: str


class FileRecord(TypedDict, total=False):
    file: str  # the base name passed to model.save or load_model
    model: int | None


class FactsDocument(TypedDict):
    version: int
    models: list[ModelRecord]
    cells: list[CellRecord]
    notes: list[str]
    saves: list[FileRecord]
    loads: list[FileRecord]
    stack: NotRequired[dict[str, str]]  # what ran the code: {"python", "tensorflow", "keras"} versions
