"""Running the project's services (and the peer's bare echo) as child processes, the way
`huiqi serve` runs them, on the run's own vhost and databases; and watching their memory."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil

from kernel import settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


class Children:
    """Named child processes started with `argv` in the source tree, stopped together."""

    def __init__(self, env: dict, logs: Path):
        self.env = {**os.environ, "HUIQI_LOG_LEVEL": "WARNING", **env}
        self.logs = logs
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *argv: str) -> None:
        # Each child's log to a file of its own: the table stays readable, and a failure quotes it.
        with open(self.logs / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(
                [sys.executable, *argv], env=self.env, cwd=str(settings.ROOT),
                start_new_session=True, stdout=log, stderr=subprocess.STDOUT)

    def tail(self, name: str, lines: int = 15) -> str:
        path = self.logs / f"{name}.log"
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def serve(self, name: str) -> None:
        self.start(name, "-m", "huiqi", "serve", name)

    def wait_healthy(self, urls: dict[str, str], timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        pending = dict(urls)
        while pending:
            for name, url in list(pending.items()):
                process = self.processes[name]
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with code {process.returncode}:\n"
                                       + self.tail(name))
                if healthy(url):
                    del pending[name]
            if pending and time.monotonic() > deadline:
                raise RuntimeError(f"not healthy after {timeout:.0f}s: {', '.join(pending)}")
            time.sleep(0.2)

    def stop(self, timeout: float = 20) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self) -> "Children":
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


class PeakMemory:
    """Samples the resident memory of each child every `interval` seconds; keeps each one's peak."""

    def __init__(self, processes: dict[str, subprocess.Popen], interval: float = 0.2):
        self.handles = {name: psutil.Process(p.pid) for name, p in processes.items()}
        self.peak = {name: 0 for name in processes}
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            for name, handle in self.handles.items():
                try:
                    self.peak[name] = max(self.peak[name], handle.memory_info().rss)
                except psutil.Error:
                    pass
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()
