"""Stage 5, classroom: a whole class at once.

`batch` grades many submissions (local processes or Dask), `gradebook` keeps one current
result per student in SQLite, `export` writes CSV/JSON/feedback, `similarity` ranks copied code.
"""
