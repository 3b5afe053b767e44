"""The self-check, as seen from inside the sandbox: the grading run is the grade (copied as
`grader/notebook/__init__.py`)."""


def check(*args, **kwargs):
    from grader.inside.runtime import SELF_CHECK_SKIPPED

    print(SELF_CHECK_SKIPPED)
