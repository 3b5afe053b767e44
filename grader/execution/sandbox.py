"""Isolate the student process: bubblewrap where it works, resource limits everywhere.

Inside the bubblewrap sandbox the student's code sees: a read-only system (/usr, /etc) and
Python environment; its own copy of the submission (the only writable place besides a
size-bounded /tmp and the run's output folder); the grader's verified MNIST file, read-only;
and of the grader itself only its `inside` folder (assignments, answer keys,
references, tests, other submissions, the gradebook and the user's home are not there).
No network, its own PID namespace (it cannot signal the grader), and it dies with the grader.

Where bubblewrap is missing or refused (macOS, Windows, locked-down hosts) the student runs
with resource limits only; every report then says so, and `--sandbox strict` refuses to run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from grader.errors import ExecutionError
from grader.models import ResourceLimits
from grader.message import Phrase, msg

SandboxMode = Literal["auto", "strict", "off"]
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the grader package
INSIDE_DIR = PACKAGE_DIR / "inside"  # the trust boundary: all the student process may see of it
# what grader.execution.limits applied, in the run's workdir; the report only ever uses it to add a caveat
# ("process count not limited"), so a student who overwrites it (possible with --sandbox none) gains nothing
LIMITS_RECORD = "limits.json"
@dataclass(frozen=True)
class Sandbox:
    kind: Literal["bubblewrap", "none"]
    note: Phrase | None = None  # said in every report when the isolation is weaker

    def command(self, argv: list[str], *, workdir: Path, writable: list[Path], readable: list[Path],
                cwd: Path, limits: ResourceLimits, cgroup: str | None) -> list[str]:
        """`argv` wrapped: resource limits, then (if available) bubblewrap."""
        spec = json.dumps({"memory_mb": limits.memory_mb, "cpu_s": limits.cpu_s, "processes": limits.processes,
                           "file_mb": limits.file_mb, "cgroup": cgroup,
                           "record": str(workdir / LIMITS_RECORD)})
        limited = [sys.executable, "-m", "grader.execution.limits", spec, "--"]
        if self.kind == "none":
            return limited + argv
        return limited + bwrap_args(workdir, writable, readable, cwd, limits) + ["--"] + argv


def choose(mode: SandboxMode) -> Sandbox:
    """The strongest isolation available under `mode`; ExecutionError if strict cannot be met."""
    if mode == "off":
        return Sandbox("none", msg("sandbox: turned off (--sandbox off); the student's code was not isolated"))
    if bubblewrap_works():
        return Sandbox("bubblewrap")
    if mode == "strict":
        raise ExecutionError("--sandbox strict: bubblewrap (bwrap) is not installed or not permitted here; "
                             "install the Debian package 'bubblewrap' or run without --sandbox strict")
    return Sandbox("none", msg("sandbox: bubblewrap is not available here, so the student's code ran with resource "
                               "limits only and could read and write what the user running the grader can"))


@lru_cache(maxsize=1)
def bubblewrap_works() -> bool:
    exe = shutil.which("bwrap")
    if exe is None:
        return False
    probe = [exe, "--unshare-all", "--unshare-user", "--die-with-parent", "--ro-bind", "/", "/",
             "--proc", "/proc", "--dev", "/dev", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def prepare_runtime(workdir: Path) -> Path:
    """A copy of the `inside` folder alone, as the grader package the student process sees
    (no assignments, no keys, no other module of the grader). Its `__init__` and `notebook` are the
    real modules of `inside/stub/`: a submitted notebook's self-check cell is kept and does nothing."""
    package = workdir / "runtime" / "grader"
    package.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(INSIDE_DIR / "stub" / "package.py", package / "__init__.py")
    (package / "notebook").mkdir(exist_ok=True)
    shutil.copyfile(INSIDE_DIR / "stub" / "notebook.py", package / "notebook" / "__init__.py")
    shutil.copytree(INSIDE_DIR, package / "inside", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return package


def bwrap_args(workdir: Path, writable: list[Path], readable: list[Path], cwd: Path,
               limits: ResourceLimits) -> list[str]:
    args = ["bwrap", "--die-with-parent", "--new-session", "--unshare-all", "--unshare-user",
            "--uid", "1000", "--gid", "1000", "--hostname", "sandbox",
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(limits.tmp_mb * 2**20), "--tmpfs", "/tmp",
            "--dir", "/tmp/home", "--setenv", "HOME", "/tmp/home",
            # ipykernel exits when its parent pid changes; in its own PID namespace the parent is 1,
            # and --die-with-parent already ties its life to the grader's
            "--setenv", "JPY_PARENT_PID", "1"]
    for system in ("/usr", "/etc", "/opt"):
        if Path(system).is_dir():
            args += ["--ro-bind", system, system]
    for top in ("/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        path = Path(top)
        if path.is_symlink():
            args += ["--symlink", os.readlink(top), top]
        elif path.is_dir():
            args += ["--ro-bind", top, top]
    for path in python_dirs():
        args += ["--ro-bind", str(path), str(path)]
    for path in readable:
        args += ["--ro-bind", str(path), str(path)]
    for path in writable:
        args += ["--bind", str(path), str(path)]
    # the grader package as the student sees it: only the runtime modules
    args += ["--ro-bind", str(workdir / "runtime" / "grader"), str(PACKAGE_DIR)]
    args += ["--chdir", str(cwd)]
    return args


def python_dirs() -> list[Path]:
    """The interpreter and its libraries, minus the grader's own project folder (keys, tests).
    A virtualenv inside the project folder (CI's `.venv`) is still the environment: it is bound."""
    # in a checkout, the project folder holds assignments, answer keys and tests: never bound
    project = PACKAGE_DIR.parent if (PACKAGE_DIR.parent / "pyproject.toml").is_file() else None
    environments = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve()}
    candidates = set(environments) | {Path(sys.executable).resolve().parent}
    candidates.update(Path(p) for p in sys.path if p)
    found = []
    for path in sorted(candidates):
        try:
            path = path.resolve()
        except OSError:
            continue
        if not path.is_dir():
            continue
        in_environment = any(path == env or env in path.parents for env in environments)
        if project is not None and (path == project or project in path.parents) and not in_environment:
            continue
        if path in (Path("/"), Path("/usr")) or str(path).startswith(("/usr/", "/etc/")):
            continue  # already bound read-only
        found.append(path)
    # bind parents before children so the children's binds are not hidden
    return sorted(set(found), key=lambda p: len(p.parts))
