"""Pairwise similarity of students' code, with copydetect's winnowing (the MOSS approach).

Notebooks are compared by their code cells. copydetect tokenises with Pygments and replaces
identifiers, strings and numbers, so renamed variables and changed comments do not hide a copy;
fingerprints are sets of hashed token k-grams, so reordered cells do not either.

Fair to students who wrote little or started from the same lines (`Rules`):
- code every student was given (the assignment's starter code and the reference solution
  transcribed from the lecture notes) is boilerplate, removed before comparing;
- so is any passage found in the code of more than `shared_by` students (MOSS's `-m`; by default
  half the class, at least 4): the class's own template, a tutorial everybody followed;
- a pair is flagged only with at least `min_tokens` tokens in common besides (JPlag's minimum
  match idea): two tiny submissions are never flagged at 100 % for a few shared lines.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from grader.intake.locate import code_cells
from grader.intake.unpack import READ_ERRORS as ZIP_ERRORS

K = 25  # tokens per k-gram: shorter matches are noise (copydetect's default noise threshold)
WINDOW = 1  # winnowing window; 1 keeps every k-gram (classes are small)


@dataclass(frozen=True)
class Rules:
    """When a pair is flagged; `grader similarity` and `grader grade` take each as an option."""

    flag_at: float = 0.5  # the share of code in common from which a pair is flagged
    min_tokens: int = 80  # ...and the fewest tokens in common beyond boilerplate (about six lines of code)
    shared_by: int | None = None  # a passage in more students' code is boilerplate; None: max(4, half the class)

    def boilerplate_after(self, students: int) -> int:
        """Passages in the code of more than this many students are the class's boilerplate: by default
        more than half the class (at least 4), so a group sharing one leaked solution stays visible."""
        return self.shared_by if self.shared_by is not None else max(4, students // 2)


FLAG_AT = Rules().flag_at  # the default, as reports state it


@dataclass(frozen=True)
class Ranking:
    """A class's pairs, most similar first, with the code and the names they were ranked on."""

    pairs: tuple["Pair", ...]
    codes: Mapping[str, str]  # student id -> the code compared
    names: Mapping[str, str]  # student id -> name
    rules: "Rules" = None  # type: ignore[assignment]  # set by rank_class
    common: int = 0  # k-grams found in more than `rules.boilerplate_after` students' code, left out


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    similarity: float  # the larger of the two overlap fractions, 0..1
    overlap_tokens: int
    slices: tuple  # copydetect's copied slices in each code text
    flagged: bool = False  # by the `Rules` the pair was ranked under

    @property
    def suspicious(self) -> bool:
        return self.flagged


def code_of(path: Path) -> str:
    """The code a submission holds: code cells of its notebooks and its modules, in file order."""
    path = Path(path)
    if path.suffix == ".ipynb":
        return _notebook_code(path.read_text(encoding="utf-8", errors="replace"))
    if path.suffix == ".py":
        return path.read_text(encoding="utf-8", errors="replace")
    if zipfile.is_zipfile(path):
        parts = []
        try:
            with zipfile.ZipFile(path) as zf:
                for info in sorted(zf.infolist(), key=lambda i: i.filename):
                    if info.is_dir() or "__MACOSX" in info.filename or info.file_size > 5 * 2**20:
                        continue
                    if info.filename.endswith((".ipynb", ".py")):
                        try:
                            text = zf.read(info).decode("utf-8", errors="replace")
                        except ZIP_ERRORS:  # a corrupt entry (bad CRC, truncated): grading said so already
                            continue
                        parts.append(_notebook_code(text) if info.filename.endswith(".ipynb") else text)
        except ZIP_ERRORS:
            pass  # what was read before the damage still counts
        return "\n\n".join(parts)
    return ""


def _notebook_code(text: str) -> str:
    # shell and magic lines are not Python
    return "\n\n".join("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("!", "%")))
                       for source in code_cells(text) or ())


def fingerprint(code: str, boilerplate=None):
    from copydetect import CodeFingerprint

    return CodeFingerprint("submission.py", K, WINDOW, boilerplate=boilerplate, language="python",
                           fp=io.StringIO(code))


def compare(codes: Mapping[str, str], boilerplate_code: Iterable[str] = (), rules: Rules = Rules()) -> list[Pair]:
    """Every pair of students, most similar first."""
    return _compare(codes, boilerplate_code, rules)[0]


def _compare(codes: Mapping[str, str], boilerplate_code: Iterable[str], rules: Rules) -> tuple[list[Pair], int]:
    """The pairs, and how many k-grams were left out as the class's own boilerplate."""
    import numpy as np
    from copydetect import compare_files

    given: set = set()
    for code in boilerplate_code:
        if code.strip():
            given |= fingerprint(code).hashes
    texts = {sid: code for sid, code in codes.items() if code.strip()}
    prints = {sid: fingerprint(code, np.array(sorted(given), dtype=np.int64)) for sid, code in texts.items()}
    seen_by = Counter(h for fp in prints.values() for h in fp.hashes)
    limit = rules.boilerplate_after(len(prints))
    common = {h for h, students in seen_by.items() if students > limit}
    if common:  # fingerprinted again without them, so the matched regions shown leave them out too
        boilerplate = np.array(sorted(given | common), dtype=np.int64)
        prints = {sid: fingerprint(code, boilerplate) for sid, code in texts.items()}
    ids = sorted(prints)
    pairs = []
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            overlap, (sim_a, sim_b), slices = compare_files(prints[a], prints[b])
            similarity = float(max(sim_a, sim_b))
            pairs.append(Pair(a, b, similarity, int(overlap), slices,
                              flagged=similarity >= rules.flag_at and int(overlap) >= rules.min_tokens))
    return sorted(pairs, key=lambda p: (-p.similarity, p.a, p.b)), len(common)


def rank_class(candidates, assignment=None, rules: Rules = Rules()) -> Ranking:
    """Every pair of the class's candidates (`batch.Candidate`), without the code `assignment` gave them
    nor the passages most of the class shares."""
    codes = {c.student_id: code_of(c.path) for c in candidates}
    pairs, common = _compare(codes, boilerplate_of(assignment) if assignment is not None else [], rules)
    return Ranking(tuple(pairs), codes, {c.student_id: c.name for c in candidates}, rules, common)


def write_side_by_side(path: Path, ranking: Ranking, top: int) -> Path:
    """`side_by_side_html` of the `top` pairs, written to `path` (its folder made if needed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(side_by_side_html(list(ranking.pairs), ranking.codes, top, ranking.rules or Rules()),
                    encoding="utf-8")
    return path


def side_by_side_html(pairs: list[Pair], codes: Mapping[str, str], top: int = 20, rules: Rules = Rules()) -> str:
    """A self-contained HTML page: the ranked pairs, each with its matched regions highlighted."""
    from copydetect.utils import highlight_overlap
    from jinja2 import Environment

    shown = []
    for pair in [p for p in pairs if p.overlap_tokens][:top]:
        left, _ = highlight_overlap(codes[pair.a], pair.slices[0], "<mark>", "</mark>", escape_html=True)
        right, _ = highlight_overlap(codes[pair.b], pair.slices[1], "<mark>", "</mark>", escape_html=True)
        shown.append({"pair": pair, "left": left, "right": right})
    template = Environment(autoescape=True).from_string(_TEMPLATE)
    return template.render(items=shown, rules=rules)


_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Similarity report</title>
<style>
body { font-family: sans-serif; margin: 1.5em; }
table.rank td, table.rank th { padding: 0.2em 0.8em; text-align: left; }
.sus { color: #b00; font-weight: bold; }
.code { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 12px; }
mark { background: #ffd76e; }
</style></head><body>
<h1>Similarity report</h1>
<p>Pairs ranked by the share of code they have in common (winnowed token fingerprints; renamed
variables, comments and cell order do not matter; code from the lecture notes, and passages found in
more than {{ rules.shared_by if rules.shared_by is not none else "half the class (at least 4)" }} students' code, are excluded).
Pairs at {{ "%.0f" | format(rules.flag_at * 100) }}% or more with at least {{ rules.min_tokens }} tokens in common
are marked.</p>
<table class="rank"><tr><th>#</th><th>student</th><th>student</th><th>similarity</th><th>tokens in common</th></tr>
{% for item in items %}<tr class="{{ 'sus' if item.pair.suspicious }}"><td>{{ loop.index }}</td>
<td>{{ item.pair.a }}</td><td>{{ item.pair.b }}</td><td>{{ "%.0f" | format(item.pair.similarity * 100) }}%</td>
<td>{{ item.pair.overlap_tokens }}</td></tr>
{% endfor %}</table>
{% for item in items %}
<h2 id="pair-{{ loop.index }}">{{ loop.index }}. {{ item.pair.a }} / {{ item.pair.b }}:
{{ "%.0f" | format(item.pair.similarity * 100) }}%</h2>
<div class="code"><pre>{{ item.left | safe }}</pre><pre>{{ item.right | safe }}</pre></div>
{% endfor %}
</body></html>
"""


def boilerplate_of(assignment) -> list[str]:
    """Code every student was given: the assignment's starter files and its reference solution."""
    from grader.errors import AssignmentError
    from grader.grading.reference import reference_solution

    codes = [code_of(p) for p in sorted(assignment.root.glob("starter*")) if p.suffix in (".ipynb", ".py")]
    try:
        codes.append(code_of(reference_solution(assignment)))
    except AssignmentError:
        pass
    return codes
