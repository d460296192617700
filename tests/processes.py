"""Processes the tests start (board serve, board watch, sshd, nginx): a free port to give them, and one way to stop them."""

from __future__ import annotations

import signal
import socket
import subprocess


def free_port() -> int:
    """A port nothing listens on at this moment, on 127.0.0.1 (picked by the system, so parallel tests differ)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen, *, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    """Ask a process to end (SIGTERM, or `sig`), wait up to `timeout` s, then kill it: a test never leaves one behind."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
