"""The check registry: which function, with which typed rules, serves a check kind, and for whom.

`@check("kind", rules=Model)` registers a function `(evidence, spec, assignment) -> Outcome` and returns
it unchanged, so it can be unit-tested directly. The function receives its `[[checks]]` entry validated
by `Model` and frozen, as `spec.rules`: the model's field defaults (`schema.py` for the built-in kinds)
are the only defaults. A kind that declares no model gets `schema.CustomCheck`, which keeps any extra
key as an attribute, unchecked.

A kind belongs to the module whose function registers it:

- the built-in kinds are those of `grader.grading.checks` (`BUILTIN_MODULE`), for every assignment;
- an assignment's own `checks.py` is imported by `assignment.load` under `assignment_module(folder)`,
  so its kinds are that assignment's alone: another assignment does not see them and may define a kind
  of the same name;
- any other module's kinds (a test's, an author's own import of `checks.py`) serve no assignment.

Refused with an `AssignmentError` (an author's mistake, exit 2), at the decorator: a module registering
a kind twice, a module other than `BUILTIN_MODULE` registering a built-in name (an assignment cannot
replace `run` for every lab), and a `rules` model that is not a `schema.Check`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, TypeVar

from grader.errors import AssignmentError
from grader.grading.schema import BUILTIN_CHECKS, Check, CustomCheck
from grader.message import Phrase
from grader.models import Assignment, CheckSpec, CheckStatus, Run

BUILTIN_MODULE = "grader.grading.checks"
_HEADER = frozenset(Check.model_fields)  # id, title, title_<lang>, points, bonus, kind: the part, not its rules

R = TypeVar("R", bound=Check)


@dataclass(frozen=True)
class Evidence:
    """What the checks may look at: the measured run and the quiz answers found."""

    run: Run
    answers: Mapping[str, str]
    quick: bool = False  # training was capped: accuracy cannot be judged


@dataclass(frozen=True)
class Outcome:
    fraction: float  # 0..1 of the check's points
    message: Phrase  # rendered in the reader's language when shown
    status: CheckStatus | None = None  # default: passed iff fraction == 1
    hint: Phrase | None = None  # what to change, for a part to rewrite or not attempted yet


def spec_of(rules: R) -> CheckSpec[R]:
    """The part a validated `[[checks]]` entry declares (titles from its `title_<lang>` fields)."""
    titles = {name.removeprefix("title_"): getattr(rules, name) for name in sorted(_HEADER)
              if name.startswith("title_") and getattr(rules, name)}
    return CheckSpec(id=rules.id, title=rules.title, points=float(rules.points), kind=rules.kind,
                     titles=titles, bonus=rules.bonus, rules=rules)


CheckFn = Callable[[Evidence, CheckSpec[Any], Assignment], Outcome]


@dataclass(frozen=True)
class CheckKind:
    """A registered kind: the function that judges it and the model its entries are validated by."""

    fn: CheckFn
    rules: type[Check]


_KINDS: dict[str, dict[str, CheckKind]] = {}  # module name -> its kinds


def check(kind: str, rules: type[Check] | None = None) -> Callable[[CheckFn], CheckFn]:
    """Register `kind` for the decorated function's module, its entries validated by `rules`
    (default `CustomCheck`: extra keys kept); returns the function unchanged. See the module docstring."""
    model = CustomCheck if rules is None else rules
    if not (isinstance(model, type) and issubclass(model, Check)):
        raise AssignmentError(f"check kind {kind!r}: rules must be a subclass of grader.grading.schema.Check "
                              f"(got {model!r})")

    def register(fn: CheckFn) -> CheckFn:
        module = fn.__module__
        if kind in BUILTIN_CHECKS and module != BUILTIN_MODULE:
            raise AssignmentError(f"check kind {kind!r} is built in: {fn.__qualname__} cannot replace it "
                                  f"(give your kind another name)")
        table = _KINDS.setdefault(module, {})
        if kind in table:
            raise AssignmentError(f"check kind {kind!r} is registered twice: by {table[kind].fn.__qualname__} "
                                  f"and by {fn.__qualname__} (one function per kind)")
        table[kind] = CheckKind(fn, model)
        return fn

    return register


def kinds_of(module: str) -> Mapping[str, CheckKind]:
    """The kinds a module has registered, read-only (empty when it has none)."""
    return MappingProxyType(_KINDS.get(module, {}))


def forget(module: str) -> None:
    """Drop a module's kinds before it is imported again (`assignment.load` re-reads `checks.py`)."""
    _KINDS.pop(module, None)


def assignment_module(folder: Path) -> str:
    """The module name an assignment folder's `checks.py` is imported under: one per folder."""
    digest = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:16]
    return f"grader_assignment_checks_{digest}"

