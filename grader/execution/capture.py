"""The student process's own stdout and stderr: pipes the grader drains as data, size-capped.

Never the grader's descriptors: whatever the student writes there, at any level, ends in these
pipes and in `process-output.log` of the run's workdir, never on the grader's stdout.
"""

from __future__ import annotations

import os
import threading
from typing import Callable

from grader.message import Message, msg

# what the student process wrote to its own stdout/stderr, kept in the run's workdir (which the
# sandbox does not let the student write to, so no planted symlink redirects this write)
PROCESS_OUTPUT = "process-output.log"


class StdioPipe:
    """A pipe for a child's stdout and stderr, drained by a `CappedReader` from before the child starts."""

    def __init__(self, budget: int):
        read_fd, self.write_fd = os.pipe()
        self.reader = CappedReader(os.fdopen(read_fd, "rb"), budget)
        self.reader.start()

    def close_write_end(self) -> None:
        """Once the child holds its copy: the reader then sees end-of-file when the child is gone."""
        if self.write_fd is not None:
            os.close(self.write_fd)
            self.write_fd = None

    def finish(self) -> None:
        self.close_write_end()
        # a process the student left behind may hold the pipe open; what was read so far is kept
        self.reader.join(timeout=5)

    def notes(self, budget_kb: int) -> tuple[Message, ...]:
        """A note when the kernel flooded its own descriptors (TensorFlow's start-up log lands there too,
        so a few KB are normal and not worth a line in every report)."""
        if not self.reader.dropped:
            return ()
        return (msg("the kernel process wrote more than {kb} KB outside the notebook's cells, straight to its "
                    "file descriptors ({dropped:,} bytes dropped)", kb=budget_kb, dropped=self.reader.dropped),)


class CappedReader(threading.Thread):
    """Drains a pipe, keeping the first `budget` bytes (a flood must neither block nor fill memory)."""

    def __init__(self, stream, budget: int, listen: Callable[[str], None] | None = None):
        super().__init__(daemon=True)
        self.stream, self.budget, self.listen = stream, budget, listen
        self._kept = bytearray()
        self.dropped = 0

    @property
    def kept(self) -> bytes:
        """What was kept so far (also while a process the student left behind still holds the pipe)."""
        return bytes(self._kept)

    def run(self) -> None:
        try:
            for chunk in iter(lambda: self.stream.read1(65536), b""):
                if self.listen is not None and len(self._kept) < self.budget:
                    self.listen(chunk[-2000:].decode(errors="replace"))
                room = max(0, self.budget - len(self._kept))
                self._kept += chunk[:room]
                self.dropped += len(chunk) - min(room, len(chunk))
        except (OSError, ValueError):
            pass  # the pipe was closed under us: what was read is kept
        finally:
            self.stream.close()
