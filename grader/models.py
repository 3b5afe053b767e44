"""The frozen values the pipeline steps pass to each other.

unpack -> Submission; locate -> Entry (+ Assignment); execute -> Run;
measure -> Run (with measured accuracies); score -> CheckResult...;
compare -> Comparison... (compare.py, beside the reference models); report -> Report.
No step reaches into another; they only exchange these values.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Generic, Literal, Mapping, TypeVar, get_args

from grader.message import Phrase


# "not_attempted": nothing of the part was found (no model of its kind, no answer); it earns nothing,
# and it is not a "failed" attempt (the student has not got there yet)
CheckStatus = Literal["passed", "failed", "error", "skipped", "not_attempted"]
CellStatus = Literal["ok", "error", "timeout", "skipped"]
EntryKind = Literal["notebook", "script"]
ReportStatus = Literal["graded", "rejected"]
TrainMethod = Literal["fit", "custom_loop"]
MeasuredBy = Literal["grader", "student-process", "none"]
# The report languages, the one table of them: English (the message ids themselves) and Korean (the
# catalogue, feedback/catalogue.py). Every `--lang`, `title_<lang>` and catalogue is held to LANGS.
Lang = Literal["en", "ko"]
LANGS: tuple[Lang, ...] = get_args(Lang)

# The wall-time limits a run gets unless its assignment's [limits] says otherwise (`RunLimits`, the
# assignment schema and `RunConfig` all take them from here)
CELL_TIMEOUT_S = 900.0  # one notebook cell (a module is one cell)
RUN_TIMEOUT_S = 3600.0  # the whole run


@dataclass(frozen=True)
class Submission:
    """What the student handed in, unpacked into a private folder."""

    source: Path  # the path the user gave
    root: Path  # folder holding the unpacked files
    files: tuple[str, ...]  # POSIX paths relative to root, sorted
    sha256: str  # of the original file (or of the folder's files, in order)
    messages: tuple[Phrase, ...] = ()  # what unpacking ignored or refused, for the report


@dataclass(frozen=True)
class Entry:
    """The file the grader will run."""

    path: Path
    kind: EntryKind
    relpath: str


@dataclass(frozen=True)
class CellResult:
    """One executed cell (a whole module counts as one cell)."""

    index: int  # position in the notebook, 0-based, as nbformat counts it
    status: CellStatus
    source: str = ""
    error: Phrase | None = None  # "ValueError: ..." one line (a Python error), or why the grader ended it
    traceback: str | None = None  # short, ANSI-free
    hint: Phrase | None = None


@dataclass(frozen=True)
class Layer:
    """One layer of a traced model, flattened out of nested models."""

    kind: str  # Keras class name: Dense, Dropout, BatchNormalization, ReLU, Activation, Flatten ...
    units: int | None = None
    activation: str | None = None
    initializer: str | None = None  # Keras class name of the kernel initializer
    rate: float | None = None  # dropout rate
    output_shape: tuple[int | None, ...] | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Layer":
        shape = d.get("output_shape")
        return cls(
            kind=str(d["kind"]),
            units=_opt_int(d.get("units")),
            activation=_opt_str(d.get("activation")),
            initializer=_opt_str(d.get("initializer")),
            rate=_opt_float(d.get("rate")),
            output_shape=tuple(_opt_int(x) for x in shape) if isinstance(shape, list) else None,
        )


@dataclass(frozen=True)
class TracedModel:
    """A model the submission trained, as the grader saw it train and then measured it."""

    index: int
    name: str
    method: TrainMethod
    layers: tuple[Layer, ...]
    params: int
    input_shape: tuple[int | None, ...] | None
    output_shape: tuple[int | None, ...] | None
    optimizer: str | None
    learning_rate: float | None
    loss: str | None
    epochs: int
    batch_size: int | None
    history: Mapping[str, tuple[float, ...]]
    cell: int | None = None  # notebook cell index where training happened
    steps: int = 0  # optimizer steps seen in a custom loop
    dataset: str = "unknown"  # "mnist" | "xor" | "unknown"
    function: str | None = None  # raw tf.Variable code: the prediction function the grader called
    trained_on_test: bool = False
    test_accuracy: float | None = None  # measured by the grader, never reported by the student
    measured_by: MeasuredBy = "none"
    measure_note: Phrase | None = None
    reported_accuracy: float | None = None  # what the student's own evaluate() returned, for contrast only
    artifact: str | None = None  # file name of the saved model in the run's output folder
    transform: Mapping[str, Any] = field(default_factory=dict)  # how the student scaled inputs
    capped: Mapping[str, Any] = field(default_factory=dict)  # --quick: what the student asked for
    confusion: tuple[tuple[int, ...], ...] = ()  # [true][predicted] counts on the test set
    misclassified: tuple[tuple[int, int, int], ...] = ()  # (test index, true, predicted), the first few
    stopped: Mapping[str, int] = field(default_factory=dict)  # a time limit ended fit: {"epoch": kept, "of": asked}
    accelerated: bool | None = None  # fit by the fast path (same weights as Keras's loop); None: no fit
    not_accelerated: Phrase | None = None  # why Keras's own loop ran it instead

    def architecture(self) -> str:
        """A one-line summary such as 'Dense(256,relu)×2 > Dropout(0.3) > Dense(10,softmax)'."""
        return describe(self.layers)

    def with_measurement(self, accuracy: float | None, by: MeasuredBy, note: str | None = None) -> "TracedModel":
        return replace(self, test_accuracy=accuracy, measured_by=by, measure_note=note)


@dataclass(frozen=True)
class Run:
    """Everything observed while the student's code ran."""

    entry: Entry
    cells: tuple[CellResult, ...]
    models: tuple[TracedModel, ...]
    markdown: tuple[str, ...] = ()  # markdown cells, in order (for the quiz)
    duration_s: float = 0.0
    timed_out: bool = False
    messages: tuple[Phrase, ...] = ()
    output_dir: Path | None = None  # where the runtime left facts and saved models
    saves: tuple[str, ...] = ()  # file names the code passed to model.save
    loads: tuple[str, ...] = ()  # file names the code passed to load_model
    # what the student's process wrote to its own stdout and stderr (for a notebook: what bypassed
    # the cells, straight to a file descriptor), size-capped; data for the feedback, never echoed
    process_output: str = ""

    @property
    def failing_cells(self) -> tuple[CellResult, ...]:
        return tuple(c for c in self.cells if c.status in ("error", "timeout"))


R = TypeVar("R")  # the kind's rules, a grader.grading.schema.Check (not imported: grading/ imports models, not the reverse)


@dataclass(frozen=True)
class CheckSpec(Generic[R]):
    """One gradable part of an assignment: its `[[checks]]` entry, validated by its kind's model and frozen,
    is `rules` (grader/grading/schema.py holds every default). Built by `grader.grading.kinds.spec_of(rules)`."""

    id: str
    title: str
    points: float
    kind: str  # a built-in kind, or one of the assignment's own (its checks.py)
    rules: R
    titles: Mapping[str, str] = field(default_factory=dict)  # translations of `title`, by language ("ko")
    bonus: bool = False  # extra points beyond the course's own notebook; never counted in max_score

    def title_for(self, lang: str) -> str:
        return self.titles.get(lang, self.title)


@dataclass(frozen=True)
class ResourceLimits:
    """What one student run may use; every value can be set in an assignment's [limits] table."""

    memory_mb: int = 8192  # address space: TensorFlow reserves about 2.3 GB of it for a small MNIST run
    cpu_s: int = 7200
    processes: int = 256
    file_mb: int = 1024  # largest single file written
    disk_mb: int = 2048  # everything written in the submission and output folders
    tmp_mb: int = 512  # the sandbox's private /tmp
    output_kb: int = 2048  # captured stdout/stderr per run; the rest is dropped with a note
    stall_s: int = 60  # a kernel that answers no heartbeat this long, busy or not, is wedged: the run ends


@dataclass(frozen=True)
class RunLimits:
    """The wall-time limits and resources of one run: an assignment's `[limits]` (schema.LimitsTable), or
    the defaults."""

    cell_timeout_s: float = CELL_TIMEOUT_S
    run_timeout_s: float = RUN_TIMEOUT_S
    resources: ResourceLimits = ResourceLimits()


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    root: Path
    entry_patterns: tuple[str, ...]
    match_any: tuple[str, ...]  # the submission's code must mention one of these
    match_all: tuple[str, ...]
    dataset: str  # "mnist" | "xor"
    limits: RunLimits
    checks: tuple[CheckSpec, ...]
    quiz: Mapping[str, Any] = field(default_factory=dict)  # hashed answer keys
    reference: Mapping[str, Any] = field(default_factory=dict)  # recorded reference facts
    recognize: Mapping[str, Any] = field(default_factory=dict)  # lab, parts, names, prior (schema.Recognize)
    accelerate: bool = True  # the runtime's training fast path (inside/fastfit.py) may be used

    @property
    def max_score(self) -> float:
        """Full marks: the required parts (bonus parts add to the score, never to this)."""
        return float(sum(c.points for c in self.checks if not c.bonus))

    @property
    def predict_functions(self) -> tuple[str, ...]:
        """Prediction functions of raw tf.Variable code that `function` checks ask the runtime to call."""
        return tuple(name for c in self.checks if c.kind == "function" for name in c.rules.functions)


@dataclass(frozen=True)
class CheckResult:
    id: str
    title: str  # English, as the assignment file declares it
    status: CheckStatus
    score: float
    max_score: float
    message: Phrase = ""  # rendered in the reader's language when shown
    titles: Mapping[str, str] = field(default_factory=dict)  # the title's translations, by language
    bonus: bool = False  # a bonus part: its points are extra, and failing it fails nothing
    hint: Phrase | None = None  # what to change (a part to rewrite, or not attempted yet)

    def title_for(self, lang: str) -> str:
        return self.titles.get(lang, self.title)


# --- a trained model beside its reference (built by grading/compare.py) ----------------------

RowStatus = Literal["same", "changed", "extra", "missing"]


@dataclass(frozen=True)
class Block:
    """A hidden (or output) Dense layer with what belongs to it: activation, dropout, batch norm."""

    units: int | None
    activation: str | None
    initializer: str | None
    dropout: float | None  # rate of a Dropout inside the block
    batchnorm: str | None  # None | "before_activation" | "after_activation"


@dataclass(frozen=True)
class ReferenceRun:
    """The reference model behind one part's threshold, as `grader reference` recorded it."""

    name: str  # the figure name the part's `min_accuracy` uses
    check_id: str
    check_title: str
    layers: tuple[Layer, ...]
    history: Mapping[str, tuple[float, ...]] = field(default_factory=dict)  # "epoch" numbers the points
    accuracy: float | None = None
    epochs: int = 0
    dataset: str = "mnist"
    check_titles: Mapping[str, str] = field(default_factory=dict)  # the title's translations, by language


@dataclass(frozen=True)
class BlockRow:
    """One hidden (or output) layer of the student's model against the reference's."""

    status: RowStatus  # "extra": only the student has it; "missing": only the reference has it
    yours: Block | None
    reference: Block | None
    differs: tuple[str, ...] = ()  # the fields (compare.BLOCK_FIELDS) that differ, for a "changed" row
    free: tuple[str, ...] = ()  # those of `differs` that no rule of the part constrains


@dataclass(frozen=True)
class Comparison:
    model: int  # TracedModel.index
    reference: ReferenceRun
    rows: tuple[BlockRow, ...]

    @property
    def differences(self) -> int:
        return sum(row.status != "same" for row in self.rows)

    @property
    def faults(self) -> int:
        """The differing rows that are not only free choices."""
        return sum(row.status != "same" and (row.status != "changed" or row.differs != row.free) for row in self.rows)


@dataclass(frozen=True)
class Report:
    grader_version: str
    submission: str
    sha256: str | None
    assignment: str | None
    status: ReportStatus
    score: float
    max_score: float
    checks: tuple[CheckResult, ...] = ()
    models: tuple[TracedModel, ...] = ()
    cells: tuple[CellResult, ...] = ()
    messages: tuple[Phrase, ...] = ()
    duration_s: float = 0.0
    lang: Lang = "en"
    quick: bool = False  # training was capped; accuracy checks were not judged
    comparisons: tuple[Comparison, ...] = ()  # trained models beside the reference models
    error: str | None = None  # for a rejected report: the error's code (errors.GraderError.code)
    entry: str | None = None  # the file graded, as named inside the submission (decoded zip names)

    @classmethod
    def from_rejection(cls, submission: str, why: Phrase, *, duration_s: float = 0.0, lang: Lang = "en",
                       sha256: str | None = None, error: str = "rejected") -> "Report":
        """The report of a submission that could not be graded, whoever refused it (`grader check`,
        `grader grade`, the self-check); `error` is the stable code of why (errors.GraderError.code)."""
        from grader._version import __version__

        return cls(grader_version=__version__, submission=submission, sha256=sha256, assignment=None,
                   status="rejected", score=0.0, max_score=0.0, messages=(why,), duration_s=round(duration_s, 2),
                   lang=lang, error=error)

    @property
    def passed(self) -> bool:
        """Nothing required failed: a check skipped in --quick mode, or a bonus part, is not a failure."""
        return self.status == "graded" and all(c.status in ("passed", "skipped") or c.bonus for c in self.checks)

    @property
    def bonus_score(self) -> float:
        return round(sum(c.score for c in self.checks if c.bonus), 2)

    @property
    def exit_code(self) -> int:
        if self.status == "rejected":
            return 2
        return 0 if self.passed else 1


def describe(layers: tuple[Layer, ...]) -> str:
    """Layers in one line, runs of identical layers written once with a count."""
    parts: list[str] = []
    for layer in layers:
        if layer.kind == "Dense":
            parts.append(f"Dense({layer.units},{layer.activation or 'linear'})")
        elif layer.kind == "Dropout":
            parts.append(f"Dropout({layer.rate:g})" if layer.rate is not None else "Dropout")
        elif layer.kind == "Activation":
            parts.append(f"Activation({layer.activation})")
        elif layer.kind != "InputLayer":
            parts.append(layer.kind)
    return " > ".join(_collapse(parts))


def _collapse(parts: list[str]) -> list[str]:
    """Runs of identical parts (or part groups of two) written once with a count: 'Dense(512,relu)×8'."""
    out: list[str] = []
    i = 0
    while i < len(parts):
        for width in (1, 2):
            group = parts[i:i + width]
            count = 1
            while parts[i + count * width:i + (count + 1) * width] == group:
                count += 1
            if count > 1:
                out.append((" > ".join(group) if width == 1 else f"[{' > '.join(group)}]") + f"×{count}")
                i += count * width
                break
        else:
            out.append(parts[i])
            i += 1
    return out


def _opt_int(v: Any) -> int | None:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _opt_float(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _opt_str(v: Any) -> str | None:
    return str(v) if isinstance(v, str) else None
