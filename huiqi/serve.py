"""Run one service of the registry in this process under nameko, configured from its entry and
the environment.

eventlet must patch the standard library before anything else opens a socket or a thread.
"""
import warnings

# eventlet announces its maintenance mode on import; the stack's choice of it is deliberate.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()  # noqa: E402 -- must precede every other import

import os  # noqa: E402
import signal  # noqa: E402

import structlog  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402

from kernel import logs  # noqa: E402
from services.registry import SERVICES  # noqa: E402


STOP_TIMEOUT = 8.0   # seconds for a graceful stop (the launcher's SIGKILL comes at 15)
KILL_TIMEOUT = 3.0   # seconds for killing the workers after that


def _finished_within(seconds: float, action) -> bool:
    worker = eventlet.spawn(action)
    with eventlet.Timeout(seconds, False):
        try:
            worker.wait()
        except Exception as exc:  # noqa: BLE001 - a failed stop is one that did not finish
            structlog.get_logger("huiqi.serve").warning("stopping failed", error=repr(exc))
            return False
        return True
    return False


def serve(name: str) -> None:
    logs.configure(name)
    log = structlog.get_logger("huiqi.serve")
    entry = SERVICES[name]
    config = entry.nameko_config()
    runner = ServiceRunner(config)
    runner.add_service(entry.load())

    stopping = []

    def stop_in_time():
        # nameko's graceful stop waits for its consumers to cancel, which never happens while
        # the broker cannot be reached: after STOP_TIMEOUT the workers are killed instead, and
        # should even that hang, the process leaves.
        if _finished_within(STOP_TIMEOUT, runner.stop):
            return
        log.warning("service did not stop in time; killing its workers", timeout=STOP_TIMEOUT)
        if _finished_within(KILL_TIMEOUT, runner.kill):
            return
        log.error("service could not be killed in time; exiting")
        os._exit(1)

    def shutdown(signum, _frame):
        # Ctrl-C in a terminal reaches every process of the stack, and the launcher then sends
        # SIGTERM as well: stop once. From a green thread, since stopping waits on the hub.
        if not stopping:
            stopping.append(signum)
            eventlet.spawn_n(stop_in_time)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.start()
    log.info("service started", listen=config["WEB_SERVER_ADDRESS"])
    runner.wait()
    log.info("service stopped")
