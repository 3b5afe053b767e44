"""The code that runs inside the student's process (and the clean measuring process).

This folder is the trust boundary: it is copied into the sandbox as it is, and it imports
nothing of the grader outside it (only relative imports; `tests/test_architecture.py` proves it).
Everything it reports back goes through one versioned JSON document (`facts.py`).
"""
