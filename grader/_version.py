"""The package version, importable without the package's own __init__ (grader.notebook imports it)."""

__version__ = "0.2.0"
