"""Show a message in the reader's language: `render(phrase, lang)`, and `relang(doc, lang)` for a
stored report document (a gradebook result graded in Korean, exported in English);
`upgrade_document(doc)` reads a document grader 0.3 stored under its old key names.

Messages stay ids and values (`grader.message`) until here; the Korean lives in `catalogue.py`.
"""

from __future__ import annotations

import copy
import string
from typing import Any, Mapping

from grader.feedback.catalogue import HINTS, MESSAGES
from grader.feedback.catalogue_advice import ADVICE
from grader.message import Authored, Message, Phrase, from_json, to_json
from grader.models import LANGS  # noqa: F401 - the languages `render` knows, re-exported

KO: dict[str, str] = {**MESSAGES, **HINTS, **ADVICE}
# each report language's sentences by English id; English is the ids themselves (models.LANGS)
CATALOGUES: dict[str, dict[str, str]] = {"en": {}, "ko": KO}


def render(phrase: Phrase | None, lang: str) -> str:
    """`phrase` in `lang`: a message through the catalogue (an id it lacks stays English), authored
    text in the author's version for `lang`, a plain string as it is."""
    if phrase is None:
        return ""
    if isinstance(phrase, Message):
        template = CATALOGUES.get(lang, {}).get(phrase.id, phrase.id)
        values = {k: render(v, lang) if isinstance(v, (Message, Authored)) else v for k, v in phrase.values.items()}
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):  # a hand-edited stored document: show the id, not a traceback
            return string.Formatter().vformat(phrase.id, (), _Loose(values))
    if isinstance(phrase, Authored):
        return phrase.texts.get(lang) or phrase.texts.get("en") or next(iter(phrase.texts.values()), "")
    return str(phrase)


class _Loose(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def said(phrase: Phrase | None, lang: str) -> tuple[str, Any]:
    """The two forms a report document keeps of a phrase: rendered in `lang`, and as JSON."""
    return render(phrase, lang), to_json(phrase)


# grader 0.3's key names in a report document, by where they appear, and their 0.4 names: read
# (by `upgrade_document`) until 0.5, never written
_OLD_KEYS: dict[str, dict[str, str]] = {
    "document": {"runs": "models", "message_texts": "message_phrases", "verdict_text": "verdict_phrase"},
    "check": {"text": "message_phrase", "hint_text": "hint_phrase"},
    "cell": {"error_text": "error_phrase", "hint_text": "hint_phrase"},
    "model": {"measure_note_text": "measure_note_phrase", "training_text": "training_phrase"},
    "reference": {"summary_text": "summary_phrase"},
}


def upgrade_document(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the report document `doc` under today's key names: a document grader 0.3 stored (a
    gradebook's results) says `runs` for `models` and `text` / `*_text` / `message_texts` for the
    message forms `message_phrase` / `*_phrase` / `message_phrases`. A document already in today's
    names comes back equal; where both names are present, today's wins. Every reader of a stored
    document goes through here (`relang`, `report.to_markdown`, `Gradebook.current`)."""
    out = _renamed(copy.deepcopy(dict(doc)), _OLD_KEYS["document"])
    for key, part in (("checks", "check"), ("cells", "cell"), ("models", "model")):
        if isinstance(out.get(key), list):
            out[key] = [_renamed(item, _OLD_KEYS[part]) for item in out[key]]
    for model in out.get("models") or []:
        if isinstance(model, dict) and isinstance(model.get("reference"), dict):
            model["reference"] = _renamed(model["reference"], _OLD_KEYS["reference"])
    return out


def _renamed(part: Any, names: Mapping[str, str]) -> Any:
    """`part` with each old key under its new name, in the old key's place (the old value is dropped
    when the new key is there too); a part that is not a dict, in a hand-edited document, as it is."""
    if not isinstance(part, dict):
        return part
    return {names.get(key, key): value for key, value in part.items() if names.get(key) not in part}


def relang(doc: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A report document (`report.to_dict`) with every sentence rendered again in `lang` (a document
    grader 0.3 stored is read under today's names first: `upgrade_document`).

    Each rendered field has its message form beside it (`message` / `message_phrase`, `error` /
    `error_phrase`, `hint` / `hint_phrase`, `measure_note` / `measure_note_phrase`, `training` /
    `training_phrase`, `messages` / `message_phrases`, `summary` / `summary_phrase`, `verdict` /
    `verdict_phrase`, `title` / `titles`); a document stored before those existed keeps its original
    wording.
    """
    out = upgrade_document(doc)
    for check in out.get("checks", []):
        if "message_phrase" in check:
            check["message"] = render(from_json(check["message_phrase"]), lang)
        if check.get("hint_phrase") is not None:
            check["hint"] = render(from_json(check["hint_phrase"]), lang)
        if "titles" in check and "title_en" in check:
            check["title"] = check["titles"].get(lang) or check["title_en"]
    for cell in out.get("cells", []):
        if cell.get("error_phrase") is not None:
            cell["error"] = render(from_json(cell["error_phrase"]), lang)
        if cell.get("hint_phrase") is not None:
            cell["hint"] = render(from_json(cell["hint_phrase"]), lang)
    for model in out.get("models", []):
        for field in ("measure_note", "training"):
            if model.get(f"{field}_phrase") is not None:
                model[field] = render(from_json(model[f"{field}_phrase"]), lang)
        ref = model.get("reference")
        if isinstance(ref, dict) and "summary_phrase" in ref:
            ref["summary"] = render(from_json(ref["summary_phrase"]), lang)
            ref["check_title"] = (ref.get("check_titles") or {}).get(lang) or ref.get("check_title_en",
                                                                                     ref.get("check_title"))
    if "message_phrases" in out:
        out["messages"] = [render(from_json(m), lang) for m in out["message_phrases"]]
    if out.get("verdict_phrase") is not None:
        out["verdict"] = render(from_json(out["verdict_phrase"]), lang)
    out["lang"] = lang
    return out
