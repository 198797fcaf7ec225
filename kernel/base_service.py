"""What every event-sourced service answers besides its own commands: its log by position (for
consumers catching up), its metrics and its health."""
from __future__ import annotations

import json

import sqlalchemy as sa
from nameko.rpc import rpc

from kernel import metrics
from kernel.dependencies import LogContext
from kernel.entrypoints import http
from kernel.relay import message_for


class EventSourcedService:
    """Subclasses set `name` and `store = EventSourcing(...)`."""

    log_context = LogContext()

    @rpc
    def events_after(self, position: int, limit: int = 500) -> list[dict]:
        limit = max(1, min(int(limit), 1000))
        previous = int(position)
        messages = []
        for current, event in self.store.read_log(previous, limit):
            messages.append(message_for(self.name, current, previous, event))
            previous = current
        return messages

    @http("GET", "/metrics")
    def metrics(self, request):
        body, content_type = metrics.exposition()
        return 200, {"Content-Type": content_type}, body.decode("utf-8")

    @http("GET", "/healthz")
    def healthz(self, request):
        self.store.read(lambda connection: connection.execute(sa.text("SELECT 1")).scalar())
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"status": "ok", "service": self.name})
