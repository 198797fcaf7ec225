"""Run one service of the registry in this process under nameko, configured from its entry and
the environment.

eventlet must patch the standard library before anything else opens a socket or a thread.
"""
import warnings

# eventlet announces its maintenance mode on import; the stack's choice of it is deliberate.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()  # noqa: E402 -- must precede every other import

import signal  # noqa: E402

import structlog  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402

from kernel import logs, settings  # noqa: E402
from services.registry import SERVICES  # noqa: E402


def serve(name: str) -> None:
    logs.configure(name)
    log = structlog.get_logger("huiqi.serve")
    entry = SERVICES[name]
    config = settings.nameko_config(entry)
    runner = ServiceRunner(config)
    runner.add_service(entry.load())

    stopping = []

    def shutdown(signum, _frame):
        # Ctrl-C in a terminal reaches every process of the stack, and the launcher then sends
        # SIGTERM as well: stop once. From a green thread, since stopping waits on the hub.
        if not stopping:
            stopping.append(signum)
            eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    runner.start()
    log.info("service started", listen=config["WEB_SERVER_ADDRESS"])
    runner.wait()
    log.info("service stopped")
