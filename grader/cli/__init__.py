"""The `grader` command: `main` (the app, check, version), `labs` (assignments, reference, validate),
`grade` (grade, similarity, export), `data` (data), `common` (errors to exit codes, --json, choices)."""

from grader.cli.main import app, main

__all__ = ["app", "main"]
