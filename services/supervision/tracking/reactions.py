"""Tracking follows the audit's ledger by seq, as a process follows a notification log: the
ledger is a source whose position is the seq (`ledger_after` on the audit serves its entries as
relay messages), taken in by the kernel's `Reactor` — one checkpoint, the last seq taken in,
written in the same transaction as what the entry folds, so each entry is folded exactly once
and none is skipped. The audit announces its new head after each ingest (best effort) and the
follower pulls at once; the reactions' sweep pulls on its timer whatever was not announced."""
from __future__ import annotations

from kernel.envelope import Event
from kernel.reactions import ALL
from kernel.store import UnitOfWork
from services.audit.contract import LEDGER_AFTER, LEDGER_SOURCE
from services.supervision.tracking import views as tracking

# `Reactions(CONSUMER, SUBSCRIPTIONS, through=THROUGH)` on the service.
CONSUMER = tracking.CONSUMER
THROUGH = {LEDGER_SOURCE: ("audit", LEDGER_AFTER)}


def take_in(uow: UnitOfWork, event: Event) -> None:
    """Fold one ledger entry; its seq is the position it was taken in at."""
    tracking.track(uow.connection, uow.cause.position, uow.cause.source, event)


SUBSCRIPTIONS = {LEDGER_SOURCE: {ALL: take_in}}
