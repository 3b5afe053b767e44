"""The `grader` command: `main` (check, validate, reference, data, similarity) and `grade` (a class)."""

from grader.cli.main import app, main

__all__ = ["app", "main"]
