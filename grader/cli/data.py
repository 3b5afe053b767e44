"""`grader data`: the grader's own verified copy of the datasets (import, fetch, where)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from grader.cli.common import fail
from grader.errors import GraderError

data_app = typer.Typer(no_args_is_help=True, help="Manage the grader's own copy of the datasets.")


@data_app.command("import")
def data_import(
    file: Path = typer.Argument(..., help="an mnist.npz holding Keras's MNIST arrays"),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="install here instead of the user data dir"),
) -> None:
    """Verify an mnist.npz (shapes, dtypes, checksum) and install it for the grader."""
    from grader.data import import_mnist

    try:
        target = import_mnist(file, data_dir)
    except GraderError as exc:
        fail(exc)
    Console().print(f"MNIST verified and installed at {target}", highlight=False)


@data_app.command("fetch")
def data_fetch(
    url: Optional[str] = typer.Option(None, "--url", help="where the course hosts mnist.npz (default: Keras's own "
                                                          "location, or Keras's cache if it holds a good copy)"),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="install here instead of the user data dir"),
) -> None:
    """Download Keras's MNIST, verify its arrays (checksum) and install it for the grader."""
    from grader.data import fetch_mnist

    try:
        target, source = fetch_mnist(url, data_dir)
    except GraderError as exc:
        fail(exc)
    Console().print(f"MNIST from {source} verified and installed at {target}", highlight=False)


@data_app.command("where")
def data_where(data_dir: Optional[Path] = typer.Option(None, "--data-dir")) -> None:
    """Show which verified mnist.npz the grader would serve."""
    from grader.data import find_mnist

    try:
        Console().print(str(find_mnist(data_dir)), highlight=False)
    except GraderError as exc:
        fail(exc)
