"""The student's traceback holds the student's frames, and a grader hook's failure never reaches it (unit tier)."""

from __future__ import annotations

from grader.execution.notebook import _error_of


def test_the_graders_hook_frames_are_left_out_of_a_notebook_traceback():
    frames = ["-------\nValueError    Traceback (most recent call last)",
              "Cell In[3], line 1\n----> 1 model.fit(x_train, y_train)",
              "File /venv/lib/python3.13/site-packages/grader/inside/tracing.py:38, in patch_training.<locals>.fit(self)\n"
              "---> 38     history, declined = train(self, call, keeper)",
              "File /venv/lib/python3.13/site-packages/keras/src/trainers/trainer.py:10, in fit\n---> 10 raise",
              "ValueError: Arguments `target` and `output` must have the same rank"]
    cell = {"outputs": [{"output_type": "error", "ename": "ValueError", "evalue": "Arguments", "traceback": frames}]}
    line, traceback = _error_of(cell)
    assert line == "ValueError: Arguments"
    assert "grader" not in traceback and "tracing.py" not in traceback
    assert "model.fit(x_train, y_train)" in traceback and "keras/src/trainers/trainer.py" in traceback


def test_a_student_file_named_like_the_grader_is_kept():
    frames = ["Cell In[2], line 4\n----> 4 grader = 1", "File /content/grader/inside_out.py:3, in f\n  x"]
    cell = {"outputs": [{"output_type": "error", "ename": "E", "evalue": "", "traceback": frames}]}
    assert "inside_out.py" in _error_of(cell)[1]


def test_the_self_checks_cell_tracer_never_raises_into_the_cell(tmp_path):
    from grader.inside import state
    from grader.notebook.session import Session

    class Broken:
        @property
        def info(self):
            raise RuntimeError("a result object the tracer did not expect")

    state.current = state.State({"out_dir": str(tmp_path)})
    try:
        session = Session(None, tmp_path, None, True, 0)
        session.after_cell(Broken())  # IPython would print a traceback in the student's cell if this raised
        assert any("cell outcome hook failed" in note for note in state.current.notes)
    finally:
        state.current = None
