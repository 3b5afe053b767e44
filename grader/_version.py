"""The package version, importable without the package's own __init__ (grader.notebook imports it).
pyproject.toml reads `__version__` from here (hatchling's dynamic version): bump it here only."""

__version__ = "0.4.0"

# the name on PyPI (`grader` there is an unrelated project); the import package and the command are `grader`
DISTRIBUTION = "keras-course-grader"
