"""Telling a busy kernel from a wedged one, without a kernel: a ZeroMQ echo and real child processes."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import zmq

from grader.execution import liveness
from grader.execution.liveness import Heartbeat, KernelLiveness, describe_tree, heartbeat_address


class Echo(threading.Thread):
    """A heartbeat like ipykernel's: a REP socket that sends back what it receives, until paused."""

    def __init__(self, address: str):
        super().__init__(daemon=True)
        self.context = zmq.Context()
        self.socket = self.context.socket(zmq.REP)
        self.socket.linger = 0
        self.socket.bind(address)
        self.answering = threading.Event()
        self.answering.set()
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            if self.socket.poll(100) and self.answering.is_set():
                self.socket.send(self.socket.recv())

    def close(self):
        self.done.set()
        self.join(2)
        self.socket.close()
        self.context.term()


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(liveness, "PING_EVERY_S", 0.05)
    monkeypatch.setattr(liveness, "_REPLY_WAIT_MS", 200)


def wait_until(predicate, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_an_answering_heartbeat_stays_fresh_and_a_silent_one_ages(tmp_path, fast):
    echo = Echo(f"ipc://{tmp_path}/hb")
    echo.start()
    beat = Heartbeat(f"ipc://{tmp_path}/hb").start()
    try:
        time.sleep(0.5)
        assert beat.silent_for() < 0.5
        echo.answering.clear()  # like a kernel stopped by SIGSTOP: the socket exists, nobody answers
        assert wait_until(lambda: beat.silent_for() > 1.0)
        echo.answering.set()
        assert wait_until(lambda: beat.silent_for() < 0.5), "a heartbeat that answers again is fresh again"
    finally:
        beat.stop()
        echo.close()


def test_a_heartbeat_whose_kernel_is_gone_never_blocks(tmp_path, fast):
    # no peer at all: a REQ socket would block in send for ever; the pinger must keep its thread free
    beat = Heartbeat(f"ipc://{tmp_path}/nobody").start()
    time.sleep(0.6)
    assert beat.silent_for() >= 0.5
    beat.stop()
    beat._thread.join(2)
    assert not beat._thread.is_alive()


def test_the_verdict_names_a_lost_heartbeat_only_after_the_bound(tmp_path, fast):
    info = {"transport": "ipc", "ip": f"{tmp_path}/kernel", "hb_port": 9}
    assert heartbeat_address(info) == f"ipc://{tmp_path}/kernel-9"
    assert heartbeat_address({"transport": "tcp", "ip": "127.0.0.1", "hb_port": 5}) == "tcp://127.0.0.1:5"
    watch = KernelLiveness(info, stall_s=1.0)
    watch.heartbeat.start()
    try:
        assert watch.verdict() is None, "a fresh kernel is given the whole bound"
        assert wait_until(lambda: watch.verdict() is not None)
        assert "no heartbeat for" in str(watch.verdict())
    finally:
        watch.stop()


def test_the_lost_reply_verdict_needs_the_same_cell_and_the_grace(monkeypatch):
    watch = KernelLiveness({"transport": "ipc", "ip": "/nonexistent/k", "hb_port": 1}, stall_s=60)
    watch.cell_started()
    watch._idle_seen = (watch._cell, time.monotonic())
    assert watch.verdict() is None, "the reply may still be on its way"
    watch._idle_seen = (watch._cell, time.monotonic() - liveness.LOST_REPLY_GRACE_S - 1)
    assert "reply never reached the grader" in str(watch.verdict())
    watch.cell_finished()
    watch.cell_started()  # the next cell: the old proof says nothing about it
    assert watch.verdict() is None


def test_describe_tree_reads_process_states_from_proc():
    child = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time;"
                              "subprocess.Popen(['sleep', '30']); time.sleep(30)"])
    try:
        assert wait_until(lambda: len(liveness._tree(child.pid)) == 2), "the child and its grandchild"
        assert describe_tree(child.pid) == "alive"
        os.kill(child.pid, signal.SIGSTOP)
        assert wait_until(lambda: describe_tree(child.pid) == "stopped by a signal")
        os.kill(child.pid, signal.SIGCONT)
    finally:
        for pid, _ in liveness._tree(child.pid):
            os.kill(pid, signal.SIGKILL)
        child.wait()
    assert describe_tree(child.pid) == "exited"
