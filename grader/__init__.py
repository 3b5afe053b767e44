"""grader: runs TensorFlow/Keras course submissions, measures what they trained, and scores them."""

from grader._version import __version__


def load_ipython_extension(ipython) -> None:
    """`%load_ext grader` in a notebook: see `grader.notebook`."""
    from grader.notebook import load

    load(ipython)


def unload_ipython_extension(ipython) -> None:
    from grader.notebook import unload

    unload(ipython)
