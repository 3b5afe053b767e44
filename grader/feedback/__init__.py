"""Stage 4, feedback: what the student and the TA read.

`report` (terminal, Markdown, JSON), `html` (the page with plots), `hints` (course-specific
advice for failing cells), and `i18n`, the one catalogue of user-facing sentences.
"""
