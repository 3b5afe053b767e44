"""Stage 5, classroom: a whole class at once.

`grade.grade_class` owns a class's grading (finding, caching, parallel grading, gradebook rows,
feedback files, outcomes); `batch` is its engine (discovery, cache keys, local processes or Dask),
`gradebook` keeps one current result per student in SQLite, `export` writes CSV/JSON/Gradescope,
`similarity` ranks copied code.
"""

from grader.classroom.grade import ClassResult, Progress, Tally, grade_class

__all__ = ["ClassResult", "Progress", "Tally", "grade_class"]
