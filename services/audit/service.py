"""The audit service: every event of every service, appended to the hash-chained ledger; its
Merkle tree signed in checkpoints, kept, and witnessed outside the database; proofs and the
verdict against what was witnessed."""
from __future__ import annotations

import os

import structlog
from nameko.extensions import DependencyProvider
from nameko.timer import timer

from kernel import metrics
from kernel.actor import Actor
from kernel.base_service import EventSourcedService
from kernel.dependencies import EventSourcing, Reactions
from kernel.envelope import Event, utc_now
from kernel.errors import Refused
from kernel.reactions import ALL, before_checkpoint
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from services.audit import checkpoints, contract, keys, ledger, projections, witness
from services.audit.access import may_audit, may_make_checkpoints
from services.audit.evidence_rpc import EvidenceRpc
from services.audit.permissions import PERMISSIONS
from services.audit.supervision import tracking
from services.audit.supervision.rpc import SupervisionRpc
from services.registry import EVENT_SOURCES

log = structlog.get_logger(__name__)

CHECKPOINT_INTERVAL = "HUIQI_CHECKPOINT_INTERVAL"


def checkpoint_interval() -> float:
    """Seconds between the rounds that make a checkpoint if the ledger has grown (and offer the
    witnesses that failed what they are owed)."""
    return float(os.environ.get(CHECKPOINT_INTERVAL, "60"))


def record(uow: UnitOfWork, event: Event) -> None:
    """The ledger's reaction to every event of every service: append it as the next entry.

    The entries of one transaction (a batch of events taken in together) share one writer: the
    head is read once, and the entries are inserted at once before the checkpoint is written."""
    appender = uow.scratch.get(ledger.Appender)
    if appender is None:
        appender = uow.scratch[ledger.Appender] = ledger.Appender(uow.connection)
        before_checkpoint(uow, appender.flush)
    seq = appender.add(uow.cause.source, uow.cause.position, event)
    # Supervision's view of what is due, done and late, folded as the entry is written.
    tracking.track(uow.connection, seq, uow.cause.source, event)
    metrics.LEDGER_ENTRIES.set(seq)


class Signing(DependencyProvider):
    """The log's signing key and its witnesses, for the life of the container. The key is read,
    or made and kept apart from the database (`keys.signer`), when the service starts, and its
    verifier key logged so an operator can publish it; the publisher remembers what each
    witness that failed is owed."""

    def setup(self):
        self.origin = keys.origin()
        self.signer = keys.signer()
        self.verifier = self.signer.verifier()
        self.publisher = checkpoints.Publisher(witness.witnesses())
        log.info("audit checkpoints signed", verifier_key=self.signer.verifier_key(),
                 witnesses=[repr(w) for w in self.publisher.witnesses])

    def get_dependency(self, worker_ctx) -> Signing:
        return self


class AuditService(SupervisionRpc, EvidenceRpc, EventSourcedService):
    name = "audit"
    permissions = PERMISSIONS

    store = EventSourcing(projectors=[projections.project])
    # Every event of every service, its own included: the reaction machinery keeps the ledger
    # in each source's order, once per event, and fills gaps from the sources' logs.
    reactions = Reactions("ledger", {source: {ALL: record} for source in EVENT_SOURCES})
    signing = Signing()

    # -- checkpoints -----------------------------------------------------------------------------

    @timer(interval=checkpoint_interval())
    def checkpoint_when_grown(self):
        """Make a checkpoint if the ledger has grown since the latest, and publish it; else offer
        the witnesses that failed the checkpoint they are owed."""
        try:
            signed = self._make(only_if_grown=True)
        except Exception:  # the next round tries again
            log.exception("checkpoint round failed")
            return
        if signed is None:
            self.signing.publisher.retry()

    def _make(self, only_if_grown: bool) -> str | None:
        """Make (and commit) a checkpoint, then publish it to every witness."""
        make = checkpoints.make_if_grown if only_if_grown else checkpoints.make
        with self.store.engine.begin() as connection:
            signed = make(connection, self.signing.signer, self.signing.origin, utc_now())
        if signed is not None:
            self.signing.publisher.publish(signed)
        return signed

    @rpc
    def checkpoint(self, actor: dict) -> str:
        """The latest checkpoint's signed note (anyone may read it, the public included)."""
        signed = self.store.read(checkpoints.latest)
        if signed is None:
            raise Refused.from_domain(checkpoints.NoCheckpoint())
        return signed

    @rpc
    def key(self, actor: dict) -> str:
        """The verifier key that checks the log's checkpoints (public)."""
        return self.signing.signer.verifier_key()

    @rpc
    def make_checkpoint(self, actor: dict) -> dict:
        """A checkpoint at the ledger's size now, made whether or not it grew (the office)."""
        who = Actor.from_dict(actor)
        may_make_checkpoints(who)
        signed = self._make(only_if_grown=False)
        log.info("checkpoint made on demand", actor=who.label)
        return checkpoints.described(signed)

    # -- the ledger and its proofs ------------------------------------------------------------

    @rpc
    def verify(self, actor: dict) -> dict:
        """The chain's verdict and the ledger against every witnessed checkpoint."""
        may_audit(Actor.from_dict(actor))
        verifier = self.signing.verifier
        # The witnesses first: nothing they hold is then newer than the ledger the walk reads.
        gathered = checkpoints.gather(self.signing.publisher.witnesses, verifier)
        verdict = self.store.read(
            lambda c: checkpoints.verify_witnessed(c, verifier, gathered.checkpoints))
        verdict.untrusted, verdict.unreachable = gathered.untrusted, gathered.unreachable
        return verdict.to_dict()

    @rpc
    def entries(self, actor: dict, after: int = 0, limit: int = contract.DEFAULT_ENTRIES,
                stream_id: str | None = None) -> list[dict]:
        may_audit(Actor.from_dict(actor))
        low, high = contract.ENTRIES_PAGE
        limit = max(low, min(int(limit), high))
        return self.store.read(
            lambda c: ledger.entries(c, after=int(after), limit=limit, stream_id=stream_id))

    @rpc
    def entry(self, actor: dict, seq: int) -> dict:
        may_audit(Actor.from_dict(actor))
        return self.store.query("entry", lambda uow: checkpoints.entry(uow.connection, seq))

    @rpc
    def inclusion_proof(self, actor: dict, seq: int, size: int | None = None) -> dict:
        """Entry `seq`'s inclusion in the tree of `size`, by default the latest checkpoint's."""
        may_audit(Actor.from_dict(actor))
        return self.store.query(
            "inclusion_proof", lambda uow: checkpoints.inclusion(uow.connection, seq, size))

    @rpc
    def consistency_proof(self, actor: dict, from_: int, to: int | None = None) -> dict:
        """The tree of size `to` (by default the latest checkpoint's) extends that of `from_`."""
        may_audit(Actor.from_dict(actor))
        return self.store.query(
            "consistency_proof", lambda uow: checkpoints.consistency(uow.connection, from_, to))
