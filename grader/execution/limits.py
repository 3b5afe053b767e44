"""`python -m grader.execution.limits SPEC -- COMMAND...`: apply resource limits, then exec COMMAND.

Runs between the grader and the sandbox so every process the student starts inherits them.
SPEC is JSON: {"memory_mb", "cpu_s", "processes", "file_mb", "cgroup", "record"}; what was
applied is written as a JSON list to the file `record` names, so the report can say what was not.

- memory: RLIMIT_AS (address space). TensorFlow reserves about 2.3 GB of address space for a
  small MNIST run (measured: VmPeak 2.3 GB, resident 0.6 GB), so the default is 8 GB;
  a 40 GB allocation then fails inside the student's code with MemoryError.
- cpu: RLIMIT_CPU, seconds of CPU time (the wall-clock limits live in the executor).
- processes: a pids cgroup when the grader may create one (root, cgroup v1 or v2); otherwise
  RLIMIT_NPROC counted on top of the processes this user already has.
- file size: RLIMIT_FSIZE, the largest single file the student may write.
- descriptors: every one above stderr is closed before COMMAND starts; stdin, stdout and stderr
  are what the grader gave this process (/dev/null and pipes it drains), never its own stdio.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

CGROUP_ROOTS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))


def apply(spec: dict) -> list[str]:
    """Set the limits on this process; return what was applied, for the report."""
    applied = []
    mb = 2**20
    if spec.get("memory_mb"):
        limit = int(spec["memory_mb"]) * mb
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        applied.append(f"memory {spec['memory_mb']} MB")
    if spec.get("cpu_s"):
        limit = int(spec["cpu_s"])
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))
        applied.append(f"CPU {limit} s")
    if spec.get("file_mb"):
        limit = int(spec["file_mb"]) * mb
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        applied.append(f"files up to {spec['file_mb']} MB")
    if spec.get("processes"):
        applied.append(_limit_processes(int(spec["processes"]), spec.get("cgroup")))
    return applied


def _limit_processes(count: int, cgroup: str | None) -> str:
    if cgroup:
        try:
            path = Path(cgroup)
            (path / "pids.max").write_text(str(count))
            (path / "cgroup.procs").write_text(str(os.getpid()))
            return f"{count} processes (pids cgroup)"
        except OSError:
            pass
    if os.getuid() == 0:
        return "process count not limited (root without a pids cgroup)"
    mine = _processes_of(os.getuid())
    resource.setrlimit(resource.RLIMIT_NPROC, (mine + count, mine + count))
    return f"{count} processes (RLIMIT_NPROC)"


def make_cgroup(name: str) -> str | None:
    """A fresh pids cgroup the grader may write to, or None (not root, no pids controller)."""
    for root in CGROUP_ROOTS:
        if not root.is_dir():
            continue
        path = root / name
        try:
            path.mkdir(exist_ok=True)
        except OSError:
            continue
        if (path / "pids.max").exists():
            _remove_stale(root)
            return str(path)
        try:
            path.rmdir()
        except OSError:
            pass
    return None


def remove_cgroup(path: str | None) -> None:
    """Kill whatever the student left running in the cgroup, then remove it."""
    if not path:
        return
    import signal
    import time

    for _ in range(50):
        try:
            pids = [int(p) for p in (Path(path) / "cgroup.procs").read_text().split()]
        except OSError:
            return
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02)
    try:
        Path(path).rmdir()
    except OSError:
        pass


def _remove_stale(root: Path) -> None:
    """Empty cgroups left by graders that were killed (-9) before they could clean up."""
    for path in root.glob("grader-*-*"):
        try:
            owner = int(path.name.split("-")[1])
            os.kill(owner, 0)
            continue  # its grader is still running
        except ProcessLookupError:
            pass
        except (ValueError, OSError):
            continue
        try:
            if not (path / "cgroup.procs").read_text().split():
                path.rmdir()
        except OSError:
            continue


def _processes_of(uid: int) -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += 1
            except OSError:
                continue
    return count


def main(argv: list[str]) -> None:
    spec = json.loads(argv[0])
    command = argv[argv.index("--") + 1:]
    applied = apply(spec)
    if spec.get("record"):
        try:
            Path(spec["record"]).write_text(json.dumps(applied), encoding="utf-8")
        except OSError:
            pass  # the limits hold either way; only the report's note is lost
    close_inherited()
    os.execvp(command[0], command)


def close_inherited() -> None:
    """Close every descriptor above stderr: the student's process gets its stdio from the grader
    (pipes the grader reads as data) and nothing else of the grader's, at any depth."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    os.closerange(3, soft if 0 < soft < 2**20 else 2**20)


if __name__ == "__main__":
    main(sys.argv[1:])
