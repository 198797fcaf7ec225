"""The public portal in a real browser: Debian's Chromium driven through its ChromeDriver
(selenium), against the whole stack as `bin/huiqi up` starts it, on a RabbitMQ vhost and a var/
of the browser tests' own.

Chromium and ChromeDriver come from the system's packages (`bin/ensure-browser`, run once per
session); no test tool downloads a browser. If they cannot be installed the tests fail saying
why: they are never skipped.
"""
import shutil
import subprocess
import uuid

import pytest

from huiqi import stack
from kernel import settings

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AMQP_BASE = "amqp://guest:guest@127.0.0.1:5672"


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def chromium():
    """The browser's and driver's paths, installed first if they are not there."""
    done = subprocess.run([str(settings.ROOT / "bin" / "ensure-browser")], capture_output=True,
                          text=True, timeout=1200)
    if done.returncode != 0:
        pytest.fail("Chromium could not be installed for the browser tests "
                    f"(bin/ensure-browser exited {done.returncode}):\n{done.stderr[-3000:]}")
    return CHROMIUM, CHROMEDRIVER


@pytest.fixture(scope="session")
def portal_stack(tmp_path_factory, free_port):
    """The whole stack on a vhost of its own: its base URL."""
    if shutil.which("rabbitmqctl") is None:
        pytest.fail("rabbitmqctl is needed to give the tests a private RabbitMQ vhost")
    vhost = f"huiqi-browser-{uuid.uuid4().hex[:8]}"
    _rabbitmqctl("add_vhost", vhost)
    children = {}
    try:
        _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        env = {"AMQP_URI": f"{AMQP_BASE}/{vhost}",
               "HUIQI_VAR_DIR": str(tmp_path_factory.mktemp("browser-var")),
               "HUIQI_RELAY_INTERVAL": "0.5", "HUIQI_CATCHUP_INTERVAL": "5",
               "HUIQI_LOG_LEVEL": "WARNING"}
        for name in stack.ORDER:
            env[f"{name.upper()}_PORT"] = str(free_port())
        children = stack.start(env)
        stack.wait_healthy(children, env, timeout=90)
        yield stack.base_url("gateway", env)
    finally:
        stack.stop(children)
        _rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(scope="session")
def browser(chromium, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver = chromium
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    # Headless, as root, and quiet: no connection leaves the machine.
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--lang=zh-CN",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(argument)
    session = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    session.set_page_load_timeout(60)
    try:
        yield session
    finally:
        session.quit()
