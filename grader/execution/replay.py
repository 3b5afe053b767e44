"""A recorded run, graded again without running anything: the replay executor.

`grader check --keep DIR` records the measured run as `DIR/run.json` (`record_run`): the cells as
they ended, every traced model with the accuracy the clean process measured, the markdown the quiz
is read from, the notes. `grader check SUBMISSION --replay DIR/run.json` grades the submission again
from that recording (`ReplayExecutor`): the assignment's thresholds, quiz keys and rules are applied
anew, and nothing of the student's runs, so no kernel, TensorFlow or MNIST file is needed. A TA
uses it after changing a threshold; the unit tier drives the whole command with it.

The recording is the grader's own file, but whoever passes it may have edited it, so it is read
defensively: anything malformed is a `RecordingError` naming the field, never a traceback.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import json
import types
import typing
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, Mapping, Union, get_args, get_origin

from grader.errors import RecordingError
from grader.message import Authored, Message, from_json, msg, to_json
from grader.models import Entry, Run

RECORDING_FILE = "run.json"
RECORDING_VERSION = 1
MAX_RECORDING_BYTES = 64 * 1024 * 1024


def record_run(run: Run, path: Path, submission_sha256: str = "") -> Path:
    """Write `run` (measured) as a recording `ReplayExecutor.from_file` reads back to an equal `Run`
    (its folders aside: the entry's path becomes its name in the submission, and a replay has no
    output folder)."""
    # no folder of the recording machine: the entry by its name in the submission, no output folder
    kept = replace(run, entry=replace(run.entry, path=Path(run.entry.relpath)), output_dir=None)
    doc = {"recording": RECORDING_VERSION, "submission_sha256": submission_sha256, "run": _encode(kept)}
    path = Path(path)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def read_recording(path: Path) -> Run:
    """The `Run` recorded in `path`; a `RecordingError` if it is not one this grader wrote."""
    return _read(path)[0]


def _read(path: Path) -> tuple[Run, str]:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_RECORDING_BYTES:
            raise RecordingError(msg("{path}: the recording is over {mb} MB", path=str(path),
                                     mb=MAX_RECORDING_BYTES // 2**20))
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RecordingError(msg("{path}: the recording cannot be read ({error})", path=str(path),
                                 error=exc.strerror or type(exc).__name__)) from None
    except (ValueError, UnicodeDecodeError):
        raise RecordingError(msg("{path}: the recording is not JSON", path=str(path))) from None
    if not isinstance(doc, dict) or doc.get("recording") != RECORDING_VERSION or "run" not in doc:
        raise RecordingError(msg("{path}: not a run recorded by `grader check --keep` (recording version {want})",
                                 path=str(path), want=RECORDING_VERSION))
    try:
        return _decode(Run, doc["run"], "run"), str(doc.get("submission_sha256") or "")
    except _Malformed as exc:
        raise RecordingError(msg("{path}: the recording's {field} is malformed", path=str(path),
                                 field=str(exc))) from None


class ReplayExecutor:
    """An `Executor` that runs nothing: every entry it is given gets the recorded run back."""

    def __init__(self, recorded: Run, submission_sha256: str = ""):
        self.recorded = recorded
        self.submission_sha256 = submission_sha256  # of the submission it was recorded from ("": any)

    @classmethod
    def from_file(cls, path: Path) -> "ReplayExecutor":
        return cls(*_read(path))

    def check_submission(self, sha256: str) -> None:
        """A recording is graded again only under the submission it was recorded from."""
        if self.submission_sha256 and sha256 != self.submission_sha256:
            raise RecordingError(msg("the recording was made from another submission (sha256 {recorded}...), not "
                                     "this one ({given}...)", recorded=self.submission_sha256[:12],
                                     given=sha256[:12]))

    def run(self, entry: Entry, config: Any) -> Run:
        return replace(self.recorded, entry=entry, output_dir=None)


# --- a frozen dataclass to JSON and back, by its type hints ------------------------------------

class _Malformed(Exception):
    """The dotted name of the field that did not fit its type."""


def _encode(value: Any) -> Any:
    if isinstance(value, (Message, Authored)):
        return {"phrase": to_json(value)}
    if dataclasses.is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def _decode(hint: Any, value: Any, where: str) -> Any:
    origin, args = get_origin(hint), get_args(hint)
    if isinstance(value, dict) and set(value) == {"phrase"}:  # a Message or Authored, wherever it stands
        try:
            phrase = from_json(value["phrase"])
        except (TypeError, ValueError, AttributeError):
            raise _Malformed(where) from None
        if not isinstance(phrase, (Message, Authored, str)):
            raise _Malformed(where)
        return phrase
    if hint is Any:
        return value
    if origin in (Union, types.UnionType):
        for option in args:
            try:
                return _decode(option, value, where)
            except _Malformed:
                continue
        raise _Malformed(where)
    if hint is type(None):
        if value is None:
            return None
        raise _Malformed(where)
    if origin is Literal:
        if value in args:
            return value
        raise _Malformed(where)
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            raise _Malformed(where)
        hints = typing.get_type_hints(hint)
        known = {f.name: f for f in dataclasses.fields(hint)}
        fields = {}
        for name, item in value.items():
            if name in known:
                fields[name] = _decode(hints[name], item, f"{where}.{name}")
        missing = [n for n, f in known.items() if n not in fields and f.default is dataclasses.MISSING
                   and f.default_factory is dataclasses.MISSING]
        if missing:
            raise _Malformed(f"{where}.{missing[0]}")
        return hint(**fields)
    if origin is tuple:
        if not isinstance(value, list):
            raise _Malformed(where)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v, f"{where}[{i}]") for i, v in enumerate(value))
        if len(args) != len(value):
            raise _Malformed(where)
        return tuple(_decode(a, v, f"{where}[{i}]") for i, (a, v) in enumerate(zip(args, value)))
    if origin in (collections.abc.Mapping, dict) or hint in (dict, Mapping):
        if not isinstance(value, dict):
            raise _Malformed(where)
        key, item = args if args else (str, Any)
        return {_decode(key, k, where): _decode(item, v, f"{where}.{k}") for k, v in value.items()}
    if hint is Path:
        if isinstance(value, str):
            return Path(value)
        raise _Malformed(where)
    if hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise _Malformed(where)
    if hint in (int, str, bool):
        if isinstance(value, hint) and not (hint is int and isinstance(value, bool)):
            return value
        raise _Malformed(where)
    raise _Malformed(where)
