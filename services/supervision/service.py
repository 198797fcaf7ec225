"""The supervision service (督查督办, notice 二(五), 三(二)): tracking folded from the audit's ledger
as it follows it by seq; the ladder's cases and their notices; the action's deliverables and the
scheduling reports; the evaluation rounds, the year's assessment and its records, and their
exports, each area's entrypoints in a mixin of its own (`<area>.rpc`). Its own facts are
published on `supervision.events` and enter the ledger like any service's, so every figure cites
ledger entries anyone can verify."""
from __future__ import annotations

import uuid

import kombu
import structlog
from nameko.extensions import DependencyProvider
from nameko.messaging import consume

from kernel.base_service import EventSourcedService
from kernel.dependencies import EventSourcing, Reactions
from services.audit.contract import LEDGER_HEAD_EXCHANGE, LEDGER_SOURCE
from services.supervision import projections
from services.supervision.assessment.rpc import AssessmentRpc, EvaluationRpc
from services.supervision.cases.rpc import CasesRpc
from services.supervision.deliverables.rpc import DeliverablesRpc
from services.supervision.permissions import PERMISSIONS
from services.supervision.tracking import reactions as following
from services.supervision.tracking.rpc import TrackingRpc

log = structlog.get_logger(__name__)

# One queue per process for the audit's announcements of its head: each replica pulls when told
# (the checkpoint keeps the pulls exact), and the queue goes with the process.
HEAD_ANNOUNCEMENTS = kombu.Queue(
    f"supervision.ledger-head.{uuid.uuid4().hex[:12]}",
    exchange=kombu.Exchange(LEDGER_HEAD_EXCHANGE, type="fanout", durable=True),
    auto_delete=True, durable=False)


class JobRunner(DependencyProvider):
    """Runs a job in a thread the container manages, so a job outlives the request that
    started it and is stopped with the service."""

    def get_dependency(self, worker_ctx) -> JobRunner:
        return self

    def spawn(self, work, name: str) -> None:
        self.container.spawn_managed_thread(work, identifier=name)


class SupervisionService(TrackingRpc, CasesRpc, DeliverablesRpc, EvaluationRpc, AssessmentRpc,
                         EventSourcedService):
    name = "supervision"
    permissions = PERMISSIONS

    store = EventSourcing(projectors=[projections.project])
    # The ledger by seq, through the audit's `ledger_after`: no queue of its own; pulled when
    # the audit announces its head and on the reactions' sweep.
    reactions = Reactions(following.CONSUMER, following.SUBSCRIPTIONS,
                          through=following.THROUGH)
    runner = JobRunner()

    @consume(HEAD_ANNOUNCEMENTS)
    def ledger_grew(self, body):
        """The audit's ledger has a new head: take it in now."""
        try:
            self.reactions.catch_up(LEDGER_SOURCE)
        except Exception as exc:  # noqa: BLE001 - the sweep pulls what this did not
            log.info("ledger pull failed; the sweep retries", error=f"{type(exc).__name__}: {exc}")
