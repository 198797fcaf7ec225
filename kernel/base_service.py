"""What every event-sourced service answers besides its own commands: its log by position (for
consumers catching up), its reactions parked and its messages dead-lettered for an operator, its
metrics and its health."""
from __future__ import annotations

import json

import sqlalchemy as sa
import structlog

from kernel import metrics
from kernel.actor import Actor
from kernel.broker import BrokerHealth, health
from kernel.dependencies import LogContext, ReactionAdmin
from kernel.entrypoints import http
from kernel.errors import DomainError, Forbidden, LimitOutOfRange, Refused
from kernel.permissions import KERNEL_ROWS, Table
from kernel.relay import message_for
from kernel.rpc import rpc

log = structlog.get_logger(__name__)


# Who may see and retry parked reactions and dead letters: the leading-group office and the
# supervision group.
OPERATORS = ("office", "supervisor")
DEAD_LETTER_LIMIT = 1000


class NotAnOperator(Forbidden):
    rule = "not_an_operator"

    def __init__(self, role: str):
        super().__init__(f"a {role} may not handle parked reactions or dead letters; only "
                         f"{' or '.join(OPERATORS)} may")


def _as_operator(actor: dict) -> Actor:
    who = Actor.from_dict(actor)
    if who.role not in OPERATORS:
        raise NotAnOperator(who.role)
    return who


def _limit(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) \
            or not 1 <= value <= DEAD_LETTER_LIMIT:
        raise LimitOutOfRange(value, 1, DEAD_LETTER_LIMIT)
    return value


class NotAService(Forbidden):
    rule = "not_a_service"

    def __init__(self, role: str):
        super().__init__(f"a {role} may not read a service's log; only the services do")


def _as_service(actor: dict) -> Actor:
    who = Actor.from_dict(actor)
    if who.role != "system":
        raise NotAService(who.role)
    return who


class EventSourcedService:
    """Subclasses set `name` and `store = EventSourcing(...)`, and `reactions = Reactions(...)`
    if they act on other services' events."""

    log_context = LogContext()
    reaction_admin = ReactionAdmin()
    broker = BrokerHealth()
    # Who may call each RPC (`kernel.permissions`): a service's own table replaces this one,
    # which covers only the RPCs every service has.
    permissions = Table("service", KERNEL_ROWS)

    @rpc
    def events_after(self, actor: dict, position: int, limit: int = 500) -> list[dict]:
        """The log after `position`, for another service catching up (a system caller only:
        the payloads are whole)."""
        try:
            _as_service(actor)
        except DomainError as exc:
            raise Refused.from_domain(exc) from exc
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

    @rpc
    def dead_letters(self, actor: dict, limit: int = 20) -> dict:
        """Messages this service's consumers could not take: per consumer, how many wait in its
        dead-letter queue and the first `limit` with the reason each was rejected."""
        try:
            _as_operator(actor)
            return self.reaction_admin.dead_letters(_limit(limit))
        except DomainError as exc:
            raise Refused.from_domain(exc) from exc

    @rpc
    def replay_dead_letters(self, actor: dict, limit: int = 100) -> dict:
        """Move up to `limit` dead letters of each consumer back to the queue it was rejected
        from (once its cause is fixed); `replayed` says how many moved."""
        try:
            who = _as_operator(actor)
            replayed = self.reaction_admin.replay_dead_letters(_limit(limit))
        except DomainError as exc:
            raise Refused.from_domain(exc) from exc
        log.info("dead letters replayed", actor=who.label, **replayed)
        return replayed

    @http("GET", "/metrics")
    def metrics(self, request):
        body, content_type = metrics.exposition()
        return 200, {"Content-Type": content_type}, body.decode("utf-8")

    @http("GET", "/healthz")
    def healthz(self, request):
        """200 while the store answers and the broker can be reached; 503 `degraded` while the
        broker cannot (the service runs on and reconnects by itself)."""
        self.store.read(lambda connection: connection.execute(sa.text("SELECT 1")).scalar())
        status, body = health(self.name, self.broker.reachable(), store="reachable")
        return status, {"Content-Type": "application/json"}, json.dumps(body)
