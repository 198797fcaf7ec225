"""What every event-sourced service answers besides its own commands: its log by position (for
consumers catching up), its reactions parked for an operator, its metrics and its health."""
from __future__ import annotations

import json

import sqlalchemy as sa
import structlog

from kernel import metrics
from kernel.actor import Actor
from kernel.dependencies import LogContext, ReactionAdmin
from kernel.entrypoints import http
from kernel.errors import DomainError, Forbidden, Refused
from kernel.relay import message_for
from kernel.rpc import rpc

log = structlog.get_logger(__name__)


# Who may see and retry parked reactions: the leading-group office and the supervision group.
OPERATORS = ("office", "supervisor")


class NotAnOperator(Forbidden):
    rule = "not_an_operator"

    def __init__(self, role: str):
        super().__init__(f"a {role} may not handle parked reactions; only "
                         f"{' or '.join(OPERATORS)} may")


def _as_operator(actor: dict) -> Actor:
    who = Actor.from_dict(actor)
    if who.role not in OPERATORS:
        raise NotAnOperator(who.role)
    return who


class EventSourcedService:
    """Subclasses set `name` and `store = EventSourcing(...)`, and `reactions = Reactions(...)`
    if they act on other services' events."""

    log_context = LogContext()
    reaction_admin = ReactionAdmin()

    @rpc
    def events_after(self, position: int, limit: int = 500) -> list[dict]:
        limit = max(1, min(int(limit), 1000))
        previous = int(position)
        messages = []
        for current, event in self.store.read_log(previous, limit):
            messages.append(message_for(self.name, current, previous, event))
            previous = current
        return messages

    @rpc
    def parked_reactions(self, actor: dict) -> list[dict]:
        """Reactions to other services' events that failed their last try."""
        try:
            _as_operator(actor)
            return self.reaction_admin.parked()
        except DomainError as exc:
            raise Refused.from_domain(exc) from exc

    @rpc
    def retry_reaction(self, actor: dict, event_id: str) -> dict:
        """Run a parked (or waiting) reaction again now; `outcome` says what became of it."""
        try:
            who = _as_operator(actor)
            outcome = self.reaction_admin.retry(event_id)
        except DomainError as exc:
            raise Refused.from_domain(exc) from exc
        log.info("reaction retry requested", event_id=event_id, actor=who.label, outcome=outcome)
        return {"event_id": event_id, "outcome": outcome}

    @http("GET", "/metrics")
    def metrics(self, request):
        body, content_type = metrics.exposition()
        return 200, {"Content-Type": content_type}, body.decode("utf-8")

    @http("GET", "/healthz")
    def healthz(self, request):
        self.store.read(lambda connection: connection.execute(sa.text("SELECT 1")).scalar())
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"status": "ok", "service": self.name})
