"""Stage 1, intake: from what the student handed in to the file to run.

`unpack` opens a submission (zip, folder, notebook or module) into a scratch folder, refusing
hostile archives; `locate` finds the entry point and the assignment it belongs to.
"""
