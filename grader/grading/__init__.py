"""Stage 3, grading: from measured runs to points.

`assignment` reads and validates a lab's file; `checks` and `rules` judge traced models;
`quiz` reads and checks answers; `score` adds it up; `compare` pairs models with the
reference; `reference` records the reference solution's figures.
"""
