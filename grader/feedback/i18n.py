"""Show a message in the reader's language: `render(phrase, lang)`, and `relang(doc, lang)` for a
stored report document (a gradebook result graded in Korean, exported in English).

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


def relang(doc: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A report document (`report.to_dict`) with every sentence rendered again in `lang`.

    Each rendered field has its message form beside it (`message` / `text`, `error` / `error_text`,
    `hint` / `hint_text`,
    `measure_note` / `measure_note_text`, `messages` / `message_texts`, `summary` / `summary_text`,
    `verdict` / `verdict_text`,
    `title` / `titles`); a document stored before those existed keeps its original wording.
    """
    out = copy.deepcopy(dict(doc))
    for check in out.get("checks", []):
        if "text" in check:
            check["message"] = render(from_json(check["text"]), lang)
        if check.get("hint_text") is not None:
            check["hint"] = render(from_json(check["hint_text"]), lang)
        if "titles" in check and "title_en" in check:
            check["title"] = check["titles"].get(lang) or check["title_en"]
    for cell in out.get("cells", []):
        if cell.get("error_text") is not None:
            cell["error"] = render(from_json(cell["error_text"]), lang)
        if cell.get("hint_text") is not None:
            cell["hint"] = render(from_json(cell["hint_text"]), lang)
    for run in out.get("runs", []):
        for field in ("measure_note", "training"):
            if run.get(f"{field}_text") is not None:
                run[field] = render(from_json(run[f"{field}_text"]), lang)
        ref = run.get("reference")
        if isinstance(ref, dict) and "summary_text" in ref:
            ref["summary"] = render(from_json(ref["summary_text"]), lang)
            ref["check_title"] = (ref.get("check_titles") or {}).get(lang) or ref.get("check_title_en",
                                                                                     ref.get("check_title"))
    if "message_texts" in out:
        out["messages"] = [render(from_json(m), lang) for m in out["message_texts"]]
    if out.get("verdict_text") is not None:
        out["verdict"] = render(from_json(out["verdict_text"]), lang)
    out["lang"] = lang
    return out
