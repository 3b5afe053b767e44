"""The schema of `assignment.toml`: one pydantic model per check kind, unknown keys forbidden.

An author's typo must not silently drop a rule (`hidden_activaton = "relu"` would otherwise
pass any activation). `validate_assignment` turns pydantic's errors into one `AssignmentError`
naming the file, the check and the key, with the nearest valid name. The architecture rule
names live here, in `ArchitectureRules`, and nowhere else (`RULE_NAMES`; the README lists them).

The validated models are not a step on the way to a dict: each check function receives its entry's
model, frozen, as `spec.rules` (`kinds.py`). So every default of a check's parameters is the field's
default here, and nowhere else; `None` is kept only where absence means something (no rule, no threshold,
"the assignment's dataset").
"""

from __future__ import annotations

import difflib
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, Mapping, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from grader.errors import AssignmentError
from grader.models import CELL_TIMEOUT_S, RUN_TIMEOUT_S

Names = Union[str, list[str]]  # one accepted name, or several


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArchitectureRules(_Strict):
    """The rules a model's architecture is judged by (rules.architecture_criteria); all optional."""

    hidden_units: list[int] | None = Field(None, description="exact widths of the hidden layers, in order")
    min_hidden: int | None = Field(None, ge=0, description="at least this many hidden layers")
    max_hidden: int | None = Field(None, ge=0, description="at most this many hidden layers")
    min_hidden_units: int | None = Field(None, ge=1, description="every hidden layer at least this wide")
    hidden_activation: Names | None = Field(None, description="activation of every hidden layer")
    output_units: int | None = Field(None, ge=1, description="width of the output layer")
    output_activation: Names | None = Field(None, description="activation of the output layer")
    initializer: Names | None = Field(None, description="initializer family of the hidden layers (glorot, he, random_normal...)")
    dropout: Literal["after_every_hidden", "none"] | None = Field(None, description="where Dropout must be")
    dropout_rate: float | tuple[float, float] | None = Field(
        None, description="the Dropout rate (or [low, high]), with dropout = after_every_hidden")
    batchnorm: Literal["before_activation"] | None = Field(None, description="BatchNormalization between Dense and activation")
    optimizer: Names | None = Field(None, description="optimizer class (Adam, SGD...)")
    min_epochs: int | None = Field(None, ge=1, description="trained for at least this many epochs")


RULE_NAMES: tuple[str, ...] = tuple(ArchitectureRules.model_fields)


DefiningTrait = Literal["depth", "dropout", "initializer", "batchnorm"]  # rules.DEFINING_TRAITS


class Check(_Strict):
    """What every `[[checks]]` entry has; each kind's model adds its parameters (and narrows `kind`).

    An assignment's `checks.py` subclasses it for a kind of its own (`@check("my-kind", rules=MyRules)`):
    unknown keys are then refused as they are for the built-in kinds.
    """

    id: str
    title: str
    title_ko: str | None = None  # one `title_<lang>` per report language besides English
    points: float = Field(ge=0)
    bonus: bool = False  # beyond what the course's own notebook does: earns extra points, never costs any
    kind: str


class RunCheck(Check, ArchitectureRules):
    """A trained model with this architecture and, optionally, this measured accuracy."""

    kind: Literal["run"]
    dataset: Literal["mnist", "xor"] | None = None
    min_accuracy: float | str | None = None  # a number, or the name of a recorded reference figure; None: none
    tolerance: float = Field(0.01, ge=0)  # below a named reference figure that still passes (unused with a number)
    accuracy_weight: float = Field(0.5, ge=0, le=1)  # the accuracy criterion's share of the part, if it has one
    published: float | None = None  # the course's published figure, for the README table
    # the traits a model must share with the part to count toward it at all (rules.DEFINING_TRAITS);
    # None: all of them the part has rules for; [] lets the closest model earn partial credit
    defining: list[DefiningTrait] | None = None


class CompareCheck(Check):
    """Two models of the same submission compared: b must do better than a."""

    kind: Literal["compare"]
    a: ArchitectureRules
    b: ArchitectureRules
    a_label: str = "a"  # how the messages name each side
    b_label: str = "b"
    dataset: Literal["mnist", "xor"] | None = None  # None: the assignment's
    same_shape: bool = False  # the two must have the same hidden layer widths
    # b's measured accuracy above a's by more than `margin`, or b's last training loss below a's by more
    expect: Literal["b_better_accuracy", "b_lower_loss"] = "b_better_accuracy"
    margin: float = 0.0  # negative: b may be that much worse and still pass


class FunctionCheck(Check):
    """Raw tf.Variable code: a prediction function of the student's, called on the XOR table."""

    kind: Literal["function"]
    functions: list[str]  # the names the runtime calls after the run (Assignment.predict_functions)
    min_accuracy: float = Field(1.0, ge=0, le=1)  # on the 4 rows of the truth table


class QuizCheck(Check):
    kind: Literal["quiz"]
    question: str | int  # a key of quiz.json's "questions"


class SaveLoadCheck(Check):
    kind: Literal["save_load"]


class NoErrorsCheck(Check):
    kind: Literal["no_errors"]


BUILTIN_CHECKS: dict[str, type[Check]] = {
    "run": RunCheck, "compare": CompareCheck, "function": FunctionCheck, "quiz": QuizCheck,
    "save_load": SaveLoadCheck, "no_errors": NoErrorsCheck,
}


class CustomCheck(Check):
    """The rules of a custom kind that declares no model of its own: any extra key is kept, unchecked,
    as an attribute (`spec.rules.cutoff`; all of them in `spec.rules.model_extra`)."""

    model_config = ConfigDict(extra="allow", frozen=True)


class LimitsTable(_Strict):
    """An assignment file's `[limits]` table, as written; loaded into `models.RunLimits`."""

    cell_timeout_s: float = Field(CELL_TIMEOUT_S, gt=0)
    run_timeout_s: float = Field(RUN_TIMEOUT_S, gt=0)
    memory_mb: int | None = Field(None, gt=0)
    cpu_s: int | None = Field(None, gt=0)
    processes: int | None = Field(None, gt=0)
    file_mb: int | None = Field(None, gt=0)
    disk_mb: int | None = Field(None, gt=0)
    tmp_mb: int | None = Field(None, gt=0)
    output_kb: int | None = Field(None, gt=0)
    stall_s: int | None = Field(None, gt=0)


class Recognize(_Strict):
    """How a submission's file names point at this lab (`intake/recognize.py` weighs them with its code)."""

    lab: int | None = Field(None, description="the course's lab number: `lab10`, `lab-10-3`, `10-3`")
    parts: list[int] = Field([], description="the lab's part numbers in season 1's course files (`lab-10-3` is "
                                             "part 3); season 2 numbers differently, so `names` outweigh them")
    names: list[str] = Field([], description="topic words of file or folder names that name this lab (`xavier`)")
    prior: float = Field(0.0, ge=0, le=1, description="tie-break: the lab a bare submission of this dataset is")


class AssignmentFile(_Strict):
    """The top level of `assignment.toml`; `checks` are validated one by one, by kind."""

    id: str
    title: str | None = None
    dataset: Literal["mnist", "xor"] = "mnist"
    entry: list[str] = ["*.ipynb", "*.py"]
    match_any: list[str] = []
    match_all: list[str] = []
    match_none: list[str] = []
    recognize: Recognize = Recognize()
    limits: LimitsTable = LimitsTable()
    accelerate: bool = Field(True, description="train by the runtime's fast path where it gives Keras's own "
                                               "result (false: Keras's loop for every fit)")
    checks: list[dict[str, Any]] = []


def validate_assignment(path: Path, data: dict[str, Any],
                        custom: Mapping[str, type[Check]] = MappingProxyType({})) -> tuple[AssignmentFile, list[Check]]:
    """The file and its checks, each validated by its kind's model (the built-in ones, then `custom`:
    the assignment's own kinds and their models); AssignmentError naming the file, the check and the key."""
    top = _validated(AssignmentFile, data, f"{path}")
    checks = []
    for number, raw in enumerate(top.checks, start=1):
        where = f"{path}: check {raw.get('id', f'#{number}')!r}"
        kind = raw.get("kind")
        model = (BUILTIN_CHECKS.get(kind) or custom.get(kind)) if isinstance(kind, str) else None
        if model is None:
            known = sorted(set(BUILTIN_CHECKS) | set(custom))
            raise AssignmentError(f"{where}: unknown kind {kind!r}{_nearest(str(kind), known)}; known: {', '.join(known)}")
        checks.append(_validated(model, raw, where))
    return top, checks


def _validated(model: type[BaseModel], data: dict[str, Any], where: str):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise AssignmentError(_explain(exc, model, where)) from None


def _explain(exc: ValidationError, model: type[BaseModel], where: str) -> str:
    lines = []
    for error in exc.errors():
        location = [str(part) for part in error["loc"]]
        key = ".".join(location)
        if error["type"] == "extra_forbidden":
            valid = _fields_at(model, location[:-1])
            lines.append(f"unknown key {key!r}{_nearest(location[-1], valid)}")
        elif error["type"] == "missing":
            lines.append(f"missing key {key!r}")
        else:
            lines.append(f"{key!r}: {error['msg']} (got {error.get('input')!r})")
    return f"{where}: " + "; ".join(dict.fromkeys(lines))


def _fields_at(model: type[BaseModel], location: list[str]) -> list[str]:
    """The valid keys at `location` inside `model` (a nested table such as a compare check's `a`)."""
    for part in location:
        field = model.model_fields.get(part)
        annotation = getattr(field, "annotation", None)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        else:
            return []
    return list(model.model_fields)


def _nearest(name: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""

