"""The grader package as the student's process sees it inside the sandbox (`execution/sandbox.py`
copies these modules into place): only the runtime, and a submitted notebook's own self-check
cell (`%load_ext grader`, `%grader check`, `grader.notebook.check`) kept but doing nothing, since
the grading run is the grade."""
