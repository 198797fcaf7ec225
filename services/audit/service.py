"""The audit service: every event of every service, appended to the hash-chained ledger."""
from __future__ import annotations


from kernel import metrics
from kernel.actor import Actor
from kernel.base_service import EventSourcedService
from kernel.dependencies import EventSourcing, Reactions
from kernel.envelope import Event
from kernel.errors import FORBIDDEN, Refused
from kernel.reactions import ALL, before_checkpoint
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from services.audit import contract, ledger
from services.registry import EVENT_SOURCES

AUDITORS = {"office", "supervisor"}


def may_audit(actor: Actor) -> None:
    if actor.role not in AUDITORS:
        raise Refused("forbidden", FORBIDDEN, "only the office and the supervision group read the ledger")


def record(uow: UnitOfWork, event: Event) -> None:
    """The ledger's reaction to every event of every service: append it as the next entry.

    The entries of one transaction (a batch of events taken in together) share one writer: the
    head is read once, and the entries are inserted at once before the checkpoint is written."""
    appender = uow.scratch.get(ledger.Appender)
    if appender is None:
        appender = uow.scratch[ledger.Appender] = ledger.Appender(uow.connection)
        before_checkpoint(uow, appender.flush)
    seq = appender.add(uow.cause.source, uow.cause.position, event)
    metrics.LEDGER_ENTRIES.set(seq)


class AuditService(EventSourcedService):
    name = "audit"

    store = EventSourcing()
    # Every event of every service, its own included: the reaction machinery keeps the ledger
    # in each source's order, once per event, and fills gaps from the sources' logs.
    reactions = Reactions("ledger", {source: {ALL: record} for source in EVENT_SOURCES})

    @rpc
    def verify(self, actor: dict) -> dict:
        may_audit(Actor.from_dict(actor))
        return self.store.read(lambda c: ledger.verify_ledger(c).to_dict())

    @rpc
    def entries(self, actor: dict, after: int = 0, limit: int = contract.DEFAULT_ENTRIES,
                stream_id: str | None = None) -> list[dict]:
        may_audit(Actor.from_dict(actor))
        low, high = contract.ENTRIES_PAGE
        limit = max(low, min(int(limit), high))
        return self.store.read(
            lambda c: ledger.entries(c, after=int(after), limit=limit, stream_id=stream_id))
