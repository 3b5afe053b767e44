"""The grader runtime, as seen from inside the sandbox (copied as the package's `__init__.py`)."""


def load_ipython_extension(ipython):
    from grader.inside.runtime import skip_self_check

    skip_self_check(ipython)
