"""Whether the message broker can be reached, as `/healthz` asks it.

A health check is probed often (by the launcher, by orchestrators, under load), so a probe opens
at most one short connection per process every few seconds and answers the last result in
between: a probe never waits long, and a busy service never floods the broker with connections.
"""
from __future__ import annotations

import threading
import time

from kombu import Connection
from nameko.extensions import DependencyProvider

from kernel import settings

CONNECT_TIMEOUT = 1.0   # seconds a probe waits for the broker
FRESH_FOR = 2.0         # seconds a probe's answer is reused


class BrokerProbe:
    def __init__(self, amqp_uri: str, timeout: float = CONNECT_TIMEOUT,
                 fresh_for: float = FRESH_FOR):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self.fresh_for = fresh_for
        self._checking = threading.Lock()
        self._reachable = True
        self._checked_at = float("-inf")

    def reachable(self) -> bool:
        if time.monotonic() - self._checked_at < self.fresh_for:
            return self._reachable
        # One probe at a time; the others answer what the last one found.
        if not self._checking.acquire(blocking=False):
            return self._reachable
        try:
            self._reachable = self._connect()
            self._checked_at = time.monotonic()
            return self._reachable
        finally:
            self._checking.release()

    def _connect(self) -> bool:
        try:
            with Connection(self.amqp_uri, connect_timeout=self.timeout) as connection:
                connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                                             timeout=self.timeout)
                return connection.connected
        except Exception:  # noqa: BLE001 - any failure to connect means: not reachable
            return False


class BrokerHealth(DependencyProvider):
    """The service's probe of its broker: `self.broker.reachable()` in an entrypoint."""

    def setup(self):
        self.probe = BrokerProbe(self.container.config.get("AMQP_URI", settings.amqp_uri()))

    def get_dependency(self, worker_ctx) -> BrokerProbe:
        return self.probe


def health(service: str, broker_reachable: bool, **checks) -> tuple[int, dict]:
    """The status and body of `/healthz`: 503 while the broker cannot be reached."""
    body = {"status": "ok" if broker_reachable else "degraded", "service": service,
            "broker": "reachable" if broker_reachable else "unreachable", **checks}
    return (200 if broker_reachable else 503), body
