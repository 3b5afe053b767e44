"""A sentence for a reader, kept as its id and values until it is shown.

Checks, hints and notes say `msg("{got} epochs, expected at least {want}", got=1, want=5)`; the
report renders it in the reader's language only when it is shown (`feedback.i18n.render`), so a
result stored in the gradebook can be shown again in the other language.

The id is the English text as a `str.format` pattern (gettext style: code reads naturally, and
an id missing from the catalogue still renders, in English). A value is a plain value or another
message, rendered in the same language. A plain `str` where a message is expected is a literal
that no catalogue translates (a student's answer, a file name, a Python error).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Union


@dataclass(frozen=True)
class Message:
    id: str  # the English template; the catalogue's key
    values: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return english(self)  # for logs and exception text; readers get `feedback.i18n.render`

    def __add__(self, other: "Phrase") -> "Message":
        """Two phrases said one after the other: `detail + msg(", but ...")`."""
        return Message("{a}{b}", {"a": self, "b": other})

    def __radd__(self, other: "Phrase") -> "Message":
        return Message("{a}{b}", {"a": other, "b": self})


@dataclass(frozen=True)
class Authored:
    """Text an assignment's author wrote in each language (a part's title): no catalogue needed."""

    texts: Mapping[str, str]  # by language; "en" is always there

    def __str__(self) -> str:
        return english(self)

    def __add__(self, other: "Phrase") -> Message:
        return Message("{a}{b}", {"a": self, "b": other})


Phrase = Union[Message, Authored, str]


def msg(template: str, **values: Any) -> Message:
    """The message `template` (English, a str.format pattern) with `values`, to be rendered later."""
    return Message(template, values)


def join(parts: "list[Phrase] | tuple[Phrase, ...]", sep: str = "; ") -> Phrase:
    """The parts said in a row with `sep` between them (no catalogue entry: each part translates itself)."""
    if len(parts) == 1:
        return parts[0]
    names = [f"p{i}" for i in range(len(parts))]
    return Message(sep.join("{%s}" % n for n in names), dict(zip(names, parts)))


def english(phrase: "Phrase | None") -> str:
    """The phrase in English, no catalogue needed (ids are English): for logs and exception text."""
    if phrase is None:
        return ""
    if isinstance(phrase, Message):
        return phrase.id.format(**{k: english(v) if isinstance(v, (Message, Authored)) else v
                                   for k, v in phrase.values.items()})
    if isinstance(phrase, Authored):
        return phrase.texts.get("en") or next(iter(phrase.texts.values()), "")
    return str(phrase)


def to_json(value: Any) -> Any:
    """A phrase (or value) as JSON: a message is {"id": ..., "values": {...}}, authored text is
    {"texts": {lang: text}}; anything else is itself."""
    if isinstance(value, Message):
        return {"id": value.id, "values": {k: to_json(v) for k, v in value.values.items()}}
    if isinstance(value, Authored):
        return {"texts": dict(value.texts)}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def from_json(value: Any) -> Any:
    """The inverse of `to_json`."""
    if isinstance(value, dict) and set(value) == {"id", "values"} and isinstance(value["id"], str):
        return Message(value["id"], {k: from_json(v) for k, v in dict(value["values"]).items()})
    if isinstance(value, dict) and set(value) == {"texts"} and isinstance(value["texts"], dict):
        return Authored({str(k): str(v) for k, v in value["texts"].items()})
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value
