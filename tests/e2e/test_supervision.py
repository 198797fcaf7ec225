"""`huiqi up` keeps the stack running through faults, with the broker behind a proxy the test
cuts (`broker_proxy`, the test's own vhost): a 6-second broker outage leaves every process
running and serving; a child killed with SIGKILL is started again while the others keep their
pids; and SIGTERM to the launcher with the broker gone still ends every process in bounded
time."""
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from gateway.auth import mint
from huiqi import stack
from kernel import settings

CREDIT_CODE = "91360702MA35G0QX4J"


def children_of(launcher_pid: int) -> dict[str, int]:
    """The `huiqi serve NAME` processes the launcher started, by name."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == launcher_pid and b"serve" in argv:
            found[argv[argv.index(b"serve") + 1].decode()] = int(proc.name)
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited: its parent has just not reaped it yet.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def healthy(env: dict, name: str) -> bool:
    try:
        return requests.get(f"{stack.base_url(name, env)}/healthz", timeout=3).status_code == 200
    except requests.RequestException:
        return False


def wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"not in time: {what}"
        time.sleep(0.3)


def raise_appeal(env: dict, n: int) -> requests.Response:
    return requests.post(
        f"{stack.base_url('gateway', env)}/api/v1/tickets", timeout=90,
        headers={"Authorization": f"Bearer {mint('ent-1', 'enterprise', uscc=CREDIT_CODE)}"},
        json={"enterprise_name": "赣州稀金新材料有限公司", "uscc": CREDIT_CODE,
              "title": f"用电报装慢{n}", "description": f"第{n}次：新厂房用电报装三个月未办结",
              "channel": "direct_line", "category": "land_and_energy", "county": "zhanggong"})


def test_the_stack_outlives_a_broker_outage_and_a_killed_child_and_stops_in_time(
        broker_proxy, tmp_path, free_port):
    env = {**os.environ, "AMQP_URI": broker_proxy.amqp_uri, "HUIQI_VAR_DIR": str(tmp_path),
           "HUIQI_LOG_LEVEL": "WARNING"}
    for name in stack.ORDER:
        env[f"{name.upper()}_PORT"] = str(free_port())
    errors = (tmp_path / "stderr.log").open("w")
    launcher = subprocess.Popen([sys.executable, "-m", "huiqi", "up"], env=env,
                                cwd=str(settings.ROOT), stdout=subprocess.PIPE, stderr=errors,
                                text=True, start_new_session=True)
    started: dict[str, int] = {}
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = launcher.stdout.readline()
            assert line or launcher.poll() is None, "huiqi up exited before it was up"
            if "Gateway:" in line:
                break
        started = children_of(launcher.pid)
        assert sorted(started) == sorted(stack.ORDER)
        assert raise_appeal(env, 1).status_code == 201

        # A 6-second broker outage: every process keeps running, and serves once it is back.
        with broker_proxy.outage(6):
            pass
        assert launcher.poll() is None
        assert children_of(launcher.pid) == started
        assert all(alive(pid) for pid in started.values())
        wait(lambda: all(healthy(env, name) for name in stack.ORDER), 60, "healthy again")
        wait(lambda: raise_appeal(env, 2).status_code in (200, 201), 90, "an appeal taken again")
        assert children_of(launcher.pid) == started

        # A child killed outright comes back; the others keep running as they were.
        os.kill(started["tickets"], signal.SIGKILL)
        wait(lambda: children_of(launcher.pid).get("tickets") not in (None, started["tickets"]),
             30, "tickets started again")
        wait(lambda: healthy(env, "tickets"), 90, "the new tickets process healthy")
        now = children_of(launcher.pid)
        assert {n: p for n, p in now.items() if n != "tickets"} == \
            {n: p for n, p in started.items() if n != "tickets"}
        started = now
        assert re.search(r"tickets exited with code -9; starting it again",
                         (tmp_path / "stderr.log").read_text())

        # SIGTERM with the broker gone: every process ends within the launcher's bound.
        broker_proxy.cut()
        launcher.send_signal(signal.SIGTERM)
        launcher.wait(timeout=stack.STOP_GRACE + 15)
        wait(lambda: not any(alive(pid) for pid in started.values()), 5, "every child gone")
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
        for pid in started.values():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        errors.close()
