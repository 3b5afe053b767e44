"""Tell a busy kernel from a wedged one: its heartbeat, its shell, and the state of its processes.

Output is never a sign of life: a `fit(verbose=0)` prints nothing for minutes, and a wedged
kernel may still print. A student who writes to the kernel's own sockets and event descriptors
wedges it in one of two ways, both seen here:

- **no heartbeat**: ipykernel echoes heartbeat pings in a thread of its own that runs in C and
  holds no GIL, so a healthy kernel answers even while a cell trains for an hour. A kernel whose
  heartbeat went silent (garbled, or the process stopped by a signal) is not coming back.
- **a lost reply**: the kernel finished the cell, but its reply was garbled on the way, so the
  grader would wait for it forever. The kernel handles shell requests one at a time, in order: a
  `kernel_info_request` sent on a fresh connection is answered only once the cell is over. An
  answer while the grader still waits for the cell's reply proves that reply was lost.

`KernelLiveness` watches both from threads of the grader; `verdict()` names what went wrong.
`describe_tree` reads the kernel's processes from /proc (outside the sandbox's PID namespace).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from grader.message import Message, msg

PING_EVERY_S = 2.0
_REPLY_WAIT_MS = 2000
PROBE_AFTER_S = 10.0  # a cell this old is probed on the shell; younger ones are surely still in flight
PROBE_EVERY_S = 5.0
LOST_REPLY_GRACE_S = 10.0  # after the kernel proved it is idle, its reply may still be on the way


class KernelLiveness:
    """Heartbeat and shell probe of one kernel; the executor says when a cell starts and ends."""

    def __init__(self, connection_info: dict, stall_s: float):
        self.connection_info, self.stall_s = connection_info, stall_s
        self.heartbeat = Heartbeat(heartbeat_address(connection_info))
        self._cell = 0  # generation of the running cell; 0 when none runs
        self._started = 0.0
        self._idle_seen: tuple[int, float] | None = None  # (cell, when the kernel answered a probe)
        # since when no probe could even be sent: a busy kernel's shell still queues requests; one
        # whose sockets the student garbled takes none (and a blocking send would hang the prober)
        self._refused_since: float | None = None
        self._stop = threading.Event()
        self._prober = threading.Thread(target=self._probe, name="grader-shell-probe", daemon=True)
        self._generation = 0

    def start(self) -> "KernelLiveness":
        self.heartbeat.start()
        self._prober.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.heartbeat.stop()

    def cell_started(self) -> None:
        self._refused_since = None  # the last cell's reply came through: the shell took that much
        self._generation += 1
        self._started = time.monotonic()
        self._cell = self._generation

    def cell_finished(self) -> None:
        self._cell = 0

    def verdict(self) -> Message | None:
        """Why the kernel is wedged, or None while it may still be working."""
        silent = self.heartbeat.silent_for()
        if silent >= self.stall_s:
            return msg("no heartbeat for {s:.0f} s", s=silent)
        seen = self._idle_seen
        if seen is not None and seen[0] == self._cell and time.monotonic() - seen[1] >= LOST_REPLY_GRACE_S:
            return msg("it finished the cell, but its reply never reached the grader")
        refused = self._refused_since
        if refused is not None and self._cell and time.monotonic() - refused >= self.stall_s:
            return msg("its shell took no request for {s:.0f} s", s=time.monotonic() - refused)
        return None

    def _probe(self) -> None:
        client = None
        while not self._stop.wait(PROBE_EVERY_S):
            cell = self._cell
            if not cell or time.monotonic() - self._started < PROBE_AFTER_S:
                continue
            if self._idle_seen is not None and self._idle_seen[0] == cell:
                continue  # already proven idle: the verdict only waits out the grace
            try:
                client = client or self._client()
                self._ask(client, cell)
            except Exception:  # noqa: BLE001 - a broken probe must never break the run; the heartbeat remains
                _close(client)
                client = None  # a fresh connection next time
        _close(client)

    def _client(self):
        import zmq
        from jupyter_client import BlockingKernelClient

        client = BlockingKernelClient()
        client.load_connection_info(self.connection_info)
        client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        client.shell_channel.socket.setsockopt(zmq.SNDTIMEO, _REPLY_WAIT_MS)
        client.shell_channel.socket.setsockopt(zmq.LINGER, 0)
        return client

    def _ask(self, client, cell: int) -> None:
        """One kernel_info request; an answer while `cell` still runs proves the kernel idle."""
        import queue

        import zmq

        try:
            asked = client.kernel_info()
        except zmq.Again:  # the shell takes no request at all
            if self._refused_since is None:
                self._refused_since = time.monotonic()
            raise
        self._refused_since = None
        deadline = time.monotonic() + PROBE_EVERY_S
        while time.monotonic() < deadline:
            try:
                reply = client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                return
            if reply.get("parent_header", {}).get("msg_id") == asked:
                if self._cell == cell:
                    self._idle_seen = (cell, time.monotonic())
                return


def _close(client) -> None:
    if client is not None:
        try:
            client.stop_channels()
        except Exception:  # noqa: BLE001
            pass


def heartbeat_address(info: dict) -> str:
    separator = "-" if info["transport"] == "ipc" else ":"
    return f"{info['transport']}://{info['ip']}{separator}{info['hb_port']}"


class Heartbeat:
    """Pings a kernel's heartbeat socket every few seconds; `silent_for()` is how long it has not answered."""

    def __init__(self, address: str):
        self.address = address
        self._last_answer = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._ping, name="grader-heartbeat", daemon=True)

    def start(self) -> "Heartbeat":
        self._last_answer = time.monotonic()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def silent_for(self) -> float:
        return time.monotonic() - self._last_answer

    def _ping(self) -> None:
        import zmq

        context = zmq.Context()
        socket = None
        try:
            while not self._stop.is_set():
                if socket is None:  # a REQ socket whose ping went unanswered cannot send again
                    socket = context.socket(zmq.REQ)
                    socket.linger = 0
                    socket.connect(self.address)
                try:  # never block: a REQ socket whose peer is gone would wait in `send` for ever
                    socket.send(b"ping", zmq.NOBLOCK)
                    answered = socket.poll(_REPLY_WAIT_MS)
                except zmq.Again:
                    answered = False
                    self._stop.wait(_REPLY_WAIT_MS / 1000)
                if answered:
                    socket.recv()
                    self._last_answer = time.monotonic()
                    self._stop.wait(PING_EVERY_S)
                else:
                    socket.close()
                    socket = None
        except zmq.ZMQError:
            pass  # the grader is shutting the kernel down; silence is what the watchdog sees
        finally:
            if socket is not None:
                socket.close()
            context.term()


def describe_tree(pid: int) -> str:
    """How the processes under `pid` are: "stopped by a signal", "exited", or "alive" (for messages)."""
    states = [state for _, state in _tree(pid)]
    if not states:
        return "exited"
    if all(s in "Zx" for s in states):
        return "exited"
    if any(s in "Tt" for s in states):
        return "stopped by a signal"
    return "alive"


def _tree(root: int) -> list[tuple[int, str]]:
    """(pid, state letter) of `root` and all its descendants, read from /proc."""
    parents: dict[int, int] = {}
    states: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: split after its closing one
        rest = stat[stat.rfind(")") + 2:].split()
        if len(rest) < 2:
            continue
        states[int(entry.name)], parents[int(entry.name)] = rest[0], int(rest[1])
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        if pid in states:
            found.append((pid, states[pid]))
        frontier.extend(child for child, parent in parents.items() if parent == pid)
    return found
