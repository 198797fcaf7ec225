"""Start the whole stack (every entry of the service registry) as child processes, wait until each
answers its health check, print where it listens, keep them running, and stop them all on Ctrl-C
or SIGTERM.

Supervision: once the stack is up, a child that exits is started again after a backoff (1 s,
2 s, 4 s, … at most 30 s; back to 1 s once it has run a minute) while the others keep running.
Stopping is bounded: SIGTERM to every child, SIGKILL to whichever is still there after
`STOP_GRACE` seconds, so a service hanging on an unreachable broker cannot hold the stack up."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

from kernel import settings
from services.registry import SERVICES

ORDER = SERVICES.start_order


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


STOP_GRACE = 15.0          # seconds from SIGTERM to SIGKILL when stopping the stack
RESTART_BACKOFF_MAX = 30.0  # seconds: the longest wait before starting a dead child again
STEADY_AFTER = 60.0         # seconds a child must run before its backoff starts again at 1 s


def spawn(name: str, env: dict | None = None) -> subprocess.Popen:
    # Each child in a session of its own: Ctrl-C reaches the launcher alone, which then stops
    # the children once and in order, instead of racing them to exit first.
    return subprocess.Popen([sys.executable, "-m", "huiqi", "serve", name],
                            env={**os.environ, **(env or {})}, cwd=str(settings.ROOT),
                            start_new_session=True)


def start(env: dict | None = None) -> dict[str, subprocess.Popen]:
    return {name: spawn(name, env) for name in ORDER}


class Supervisor:
    """Keeps the children of `start()` running: `check()` notices one that exited and starts it
    again after its backoff; the dict of children is updated in place, so `stop()` always
    stops the live ones."""

    def __init__(self, children: dict[str, subprocess.Popen], env: dict | None = None,
                 clock=time.monotonic):
        self.children = children
        self.env = env
        self.clock = clock
        self.started_at = {name: clock() for name in children}
        self.failures = {name: 0 for name in children}
        self.restart_at: dict[str, float] = {}

    def check(self) -> None:
        now = self.clock()
        for name, child in self.children.items():
            if name in self.restart_at:
                if now >= self.restart_at[name]:
                    del self.restart_at[name]
                    self.children[name] = spawn(name, self.env)
                    self.started_at[name] = now
                    _say(f"huiqi: {name} started again (pid {self.children[name].pid})")
                continue
            code = child.poll()
            if code is None:
                continue
            if now - self.started_at[name] >= STEADY_AFTER:
                self.failures[name] = 0
            delay = min(2.0 ** self.failures[name], RESTART_BACKOFF_MAX)
            self.failures[name] += 1
            self.restart_at[name] = now + delay
            _say(f"huiqi: {name} exited with code {code}; starting it again in {delay:g}s, "
                 "the others keep running")


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def base_url(name: str, env: dict | None = None) -> str:
    env = {**os.environ, **(env or {})}
    port = settings.port(name, SERVICES[name].port, env)
    return f"http://{settings.bind_host(env)}:{port}"


def wait_healthy(children: dict, env: dict | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    pending = set(children)
    while pending:
        for name in list(pending):
            if children[name].poll() is not None:
                raise RuntimeError(f"{name} exited with code {children[name].returncode}; "
                                   "its log above says why")
            if _healthy(base_url(name, env) + "/healthz"):
                pending.discard(name)
        if pending and time.monotonic() > deadline:
            raise RuntimeError(f"not healthy after {timeout:.0f}s: {', '.join(sorted(pending))}")
        time.sleep(0.2)


def stop(children: dict, timeout: float = STOP_GRACE) -> None:
    """SIGTERM to every child; SIGKILL to those still running after `timeout` seconds."""
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for name, child in children.items():
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _say(f"huiqi: {name} did not stop within {timeout:g}s; killing it")
            child.kill()
            child.wait()


def up() -> int:
    stopping = []

    def stop_requested(signum, _frame):
        # Once: a second Ctrl-C or SIGTERM must not interrupt the stopping itself.
        if not stopping:
            stopping.append(signum)
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_requested)
    signal.signal(signal.SIGINT, stop_requested)
    children = {}
    try:
        for name in ORDER:  # one by one, so a stop requested meanwhile stops those started
            children[name] = spawn(name)
        wait_healthy(children)
        print(f"\nHuiqi is up. Gateway: {base_url('gateway')}/api/v1 "
              f"(OpenAPI: {base_url('gateway')}/api/v1/openapi.json)", flush=True)
        for name in ORDER:
            if name != "gateway":
                print(f"  {name:8} metrics {base_url(name)}/metrics", flush=True)
        print(f"  broker   {settings.amqp_uri()}\nPress Ctrl-C to stop.", flush=True)
        supervisor = Supervisor(children)
        while True:
            supervisor.check()
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
        return 0
    except RuntimeError as exc:
        print(f"huiqi: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        stopping.append("stopping")
        stop(children)
