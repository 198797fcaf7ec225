"""`huiqi up` as a user runs it: it prints the gateway's URL once everything answers, serves,
and on Ctrl-C stops every process cleanly."""
import os
import re
import signal
import subprocess
import sys
import time

import requests

from huiqi import stack
from kernel import settings


def test_up_prints_the_gateway_and_stops_on_ctrl_c(amqp_uri, tmp_path, free_port):
    env = {**os.environ, "AMQP_URI": amqp_uri, "HUIQI_VAR_DIR": str(tmp_path)}
    for name in stack.ORDER:
        env[f"{name.upper()}_PORT"] = str(free_port())
    launcher = subprocess.Popen([sys.executable, "-m", "huiqi", "up"], env=env,
                                cwd=str(settings.ROOT), stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        deadline, url = time.monotonic() + 90, None
        while url is None and time.monotonic() < deadline:
            line = launcher.stdout.readline()
            found = re.search(r"Gateway: (http://\S+/api/v1)", line)
            url = found.group(1) if found else None
            assert line or launcher.poll() is None, "huiqi up exited before it was up"
        assert url == f"http://127.0.0.1:{env['GATEWAY_PORT']}/api/v1"
        assert requests.get(f"{url}/openapi.json", timeout=10).status_code == 200
        os.killpg(launcher.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        assert launcher.wait(timeout=40) == 0
        for name in stack.ORDER:
            try:
                requests.get(f"http://127.0.0.1:{env[f'{name.upper()}_PORT']}/healthz", timeout=1)
                raise AssertionError(f"{name} still answers after Ctrl-C")
            except requests.ConnectionError:
                pass
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
