"""Stage 2, execution: run the student's code in its own process and read back what it did.

`execute` dispatches to the notebook or script executor; `isolate`, `sandbox` and `limits` build
the walls around the process; `liveness` tells a busy kernel from a wedged one; `trace` reads the
facts the inside runtime wrote; `measure` loads each saved model in a clean process.
"""
