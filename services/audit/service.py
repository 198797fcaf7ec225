"""The audit service: every event of every service, appended to the hash-chained ledger."""
from __future__ import annotations

from pathlib import Path

import structlog
from nameko.rpc import rpc
from nameko.timer import timer

from kernel import metrics, settings
from kernel.actor import Actor
from kernel.base_service import EventSourcedService
from kernel.dependencies import EventSourcing, FollowLogs
from kernel.entrypoints import all_events_of
from kernel.errors import Refused
from services.audit import ledger

log = structlog.get_logger(__name__)
AUDITORS = {"office", "supervisor"}
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def may_audit(actor: Actor) -> None:
    if actor.role not in AUDITORS:
        raise Refused("forbidden", 403, "only the office and the supervision group read the ledger")


def record(connection, source, position, event):
    seq = ledger.append(connection, source, position, event)
    metrics.LEDGER_ENTRIES.set(seq)


class AuditService(EventSourcedService):
    name = "audit"

    store = EventSourcing(migrations=MIGRATIONS)
    follow = FollowLogs("ledger", record)

    @all_events_of("policy")
    def take_policy_event(self, message):
        self.follow.receive(message)

    @all_events_of("tickets")
    def take_tickets_event(self, message):
        self.follow.receive(message)

    @all_events_of("liaison")
    def take_liaison_event(self, message):
        self.follow.receive(message)

    @all_events_of("audit")
    def take_audit_event(self, message):
        self.follow.receive(message)

    @timer(interval=settings.catchup_interval())
    def catch_up(self):
        """Messages lost on the way (a consumer crash after ack, a purged queue) come back here."""
        for source in settings.SERVICES:
            try:
                self.follow.catch_up(source)
            except Exception as exc:  # a source that is down is retried on the next tick
                log.warning("catch-up failed", source=source, error=str(exc))

    @rpc
    def verify(self, actor: dict) -> dict:
        may_audit(Actor.from_dict(actor))
        return self.store.read(lambda c: ledger.verify_ledger(c).to_dict())

    @rpc
    def entries(self, actor: dict, after: int = 0, limit: int = 100, stream_id: str | None = None) -> list[dict]:
        may_audit(Actor.from_dict(actor))
        limit = max(1, min(int(limit), 1000))
        return self.store.read(
            lambda c: ledger.entries(c, after=int(after), limit=limit, stream_id=stream_id))
