"""Start the whole stack (every entry of the service registry) as child processes, wait until each
answers its health check, print where it listens, and stop them all on Ctrl-C."""
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


def start(env: dict | None = None) -> dict[str, subprocess.Popen]:
    env = {**os.environ, **(env or {})}
    children = {}
    for name in ORDER:
        # Each child in a session of its own: Ctrl-C reaches the launcher alone, which then stops
        # the children once and in order, instead of racing them to exit first.
        children[name] = subprocess.Popen(
            [sys.executable, "-m", "huiqi", "serve", name], env=env,
            cwd=str(settings.ROOT), start_new_session=True)
    return children


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


def stop(children: dict, timeout: float = 20) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in children.values():
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def up() -> int:
    children = start()
    try:
        wait_healthy(children)
        print(f"\nHuiqi is up. Gateway: {base_url('gateway')}/api/v1 "
              f"(OpenAPI: {base_url('gateway')}/api/v1/openapi.json)", flush=True)
        for name in ORDER:
            if name != "gateway":
                print(f"  {name:8} metrics {base_url(name)}/metrics", flush=True)
        print(f"  broker   {settings.amqp_uri()}\nPress Ctrl-C to stop.", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.5)
        failed = [n for n, c in children.items() if c.poll() is not None]
        print(f"stopping: {', '.join(failed)} exited", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
        return 0
    except RuntimeError as exc:
        print(f"huiqi: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        stop(children)
