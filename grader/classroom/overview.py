"""The whole class on one page for the TA: the score distribution, each check's pass rate, what the
class got wrong most often, lateness, overrides to review and the flagged similar pairs.

`class_view` computes it from the gradebook's current rows (pure, testable); `class_page` renders it
as one self-contained HTML page (inline SVG, no scripts, the student report's Content-Security-Policy)
in the TA's language. `grader grade` writes it as `class.html`; `grader export --format html` again.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence

BINS = 10  # the score histogram's bars, each a tenth of full marks


@dataclass(frozen=True)
class CheckRate:
    id: str
    title: str
    passed: int
    attempted: int  # graded students with the check not "not_attempted"
    graded: int
    mean_points: float
    max_points: float
    bonus: bool


@dataclass(frozen=True)
class ClassView:
    assignment: str
    students: int
    graded: int
    rejected: int
    scores: tuple[float, ...]  # what each graded student gets (overrides applied, late penalty off)
    max_score: float
    histogram: tuple[int, ...]  # BINS counts, 0-10 % ... 90-100 %
    checks: tuple[CheckRate, ...]
    mistakes: tuple[tuple[str, int], ...]  # the most common failing messages and hints, with how many students
    late: tuple[tuple[str, str, float, float], ...]  # (student, name, hours late, penalty)
    on_time: int  # students with a known time who were not late
    no_time: int  # students without a submission time or without a deadline set
    review: tuple[tuple[str, str, str], ...]  # (student, name, overrides) whose automatic result moved
    pairs: tuple[tuple[str, str, float, int], ...]  # flagged: (a, b, similarity, tokens in common)

    @property
    def median(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.scores), 2) if self.scores else None


def class_view(rows: Sequence[Any], lang: str = "en", ranking=None, top: int = 10) -> ClassView:
    """The class from its gradebook rows (`Gradebook.current`), worded in `lang`; `ranking` is
    `similarity.rank_class`'s, when the submissions were at hand."""
    from grader.feedback.i18n import relang

    graded = [r for r in rows if r.status == "graded"]
    documents = {r.student_id: relang(r.report, lang) for r in graded}
    top_score = max((r.max_score for r in graded), default=0.0)
    scores = tuple(r.score_due for r in graded)
    histogram = [0] * BINS
    for score in scores:
        histogram[min(BINS - 1, int(score / top_score * BINS)) if top_score else 0] += 1
    return ClassView(
        assignment=next((r.assignment for r in rows if r.assignment), ""), students=len(rows), graded=len(graded),
        rejected=len(rows) - len(graded), scores=scores, max_score=top_score, histogram=tuple(histogram),
        checks=_rates(list(documents.values()), len(graded)), mistakes=_mistakes(documents.values(), top),
        late=tuple((r.student_id, r.name, round(r.lateness.late_by.total_seconds() / 60 / 60, 1), r.lateness.penalty)
                   for r in rows if r.lateness is not None and r.lateness.late),
        on_time=sum(1 for r in rows if r.lateness is not None and not r.lateness.late),
        no_time=sum(1 for r in rows if r.lateness is None),
        review=tuple((r.student_id, r.name, r.final.describe()) for r in rows if r.overrides and r.final.review),
        pairs=tuple((p.a, p.b, p.similarity, p.overlap_tokens) for p in (ranking.pairs if ranking else ())
                    if p.suspicious)[:top])


def _rates(documents: list[dict], graded: int) -> tuple[CheckRate, ...]:
    order: dict[str, dict] = {}
    for doc in documents:
        for check in doc.get("checks", []):
            order.setdefault(check["id"], check)
    rates = []
    for check_id, first in order.items():
        mine = [c for doc in documents for c in doc.get("checks", []) if c["id"] == check_id]
        rates.append(CheckRate(check_id, first["title"], sum(c["status"] == "passed" for c in mine),
                               sum(c["status"] != "not_attempted" for c in mine), graded,
                               round(statistics.fmean(c["score"] for c in mine), 2) if mine else 0.0,
                               float(first["max_score"]), bool(first.get("bonus"))))
    return tuple(rates)


def _mistakes(documents, top: int) -> tuple[tuple[str, int], ...]:
    """What most students were told to change: each failing check's hint (or message) and each failing
    cell's hint, counted once per student."""
    seen: Counter[str] = Counter()
    for doc in documents:
        said = set()
        for check in doc.get("checks", []):
            if check["status"] in ("failed", "error") and not check.get("bonus"):
                said.add(f"{check['title']}: {check.get('hint') or check.get('message') or ''}".strip(": "))
        for cell in doc.get("cells", []):
            if cell.get("hint"):
                said.add(cell["hint"])
        seen.update(said)
    return tuple(seen.most_common(top))


def class_page(view: ClassView, lang: str = "en") -> str:
    """The self-contained HTML page of `view`."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    from grader.feedback.catalogue import CLASS_PAGE

    env = Environment(loader=PackageLoader("grader.feedback", "templates"), autoescape=select_autoescape(["html"]))
    tallest = max(view.histogram, default=0) or 1
    bars = [{"x": 40 + i * 52, "h": round(150 * n / tallest), "n": n, "label": f"{i * 100 // BINS}%"}
            for i, n in enumerate(view.histogram)]
    return env.get_template("class.html").render(view=view, bars=bars, lang=lang,
                                                 t=CLASS_PAGE.get(lang, CLASS_PAGE["en"]))
