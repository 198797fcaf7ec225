"""The audit service: every event of every service, appended to the hash-chained ledger; its
Merkle tree signed in checkpoints, kept, and witnessed outside the database; proofs and the
verdict against what was witnessed; the ledger served by seq to those who follow it
(`ledger_after`), its new head announced after each ingest."""
from __future__ import annotations

import json
import os
import threading

import eventlet
import kombu
import structlog
from nameko.extensions import DependencyProvider
from nameko.timer import timer

from kernel import jobs, metrics, offload, settings
from kernel.actor import Actor
from kernel.base_service import EventSourcedService, _as_service
from kernel.dependencies import EventSourcing, Reactions
from kernel.envelope import Event, utc_now
from kernel.errors import DomainError, Refused
from kernel.reactions import ALL, before_checkpoint
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from services.audit import checkpoints, contract, keys, ledger, witness
from services.audit.access import may_audit, may_make_checkpoints
from services.audit.evidence_rpc import EvidenceRpc
from services.audit.permissions import PERMISSIONS
from services.registry import EVENT_SOURCES

log = structlog.get_logger(__name__)

CHECKPOINT_INTERVAL = "HUIQI_CHECKPOINT_INTERVAL"


VERIFY_SYNC_LIMIT = "HUIQI_VERIFY_SYNC_LIMIT"


def verify_sync_limit() -> int:
    """Entries up to which `GET /audit/verify` answers at once; a larger ledger is verified as
    a job (202 Accepted with the job's URL)."""
    return int(os.environ.get(VERIFY_SYNC_LIMIT, "100000"))


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


class JobRunner(DependencyProvider):
    """Runs a job in a thread the container manages, so a job outlives the request that
    started it and is stopped with the service."""

    def get_dependency(self, worker_ctx) -> JobRunner:
        return self

    def spawn(self, work, name: str) -> None:
        self.container.spawn_managed_thread(work, identifier=name)


class HeadAnnouncer(DependencyProvider):
    """Tells the ledger's followers its new head once an ingest has committed, on a fanout
    exchange (`contract.LEDGER_HEAD_EXCHANGE`), so they pull at once. Best effort: a lost
    announcement costs a follower only its timer's wait; announcements of a burst coalesce."""

    # An ingest's reaction runs before its transaction commits: the head is read again for a
    # while until the commit shows it.
    SETTLE = 0.02
    TRIES = 100

    def setup(self):
        self.uri = self.container.config.get("AMQP_URI", settings.amqp_uri())
        self.exchange = kombu.Exchange(contract.LEDGER_HEAD_EXCHANGE, type="fanout",
                                       durable=True)
        self._grown = threading.Event()
        self._running = False
        self._announced = 0
        self._connection = None

    def start(self):
        self._running = True
        _ANNOUNCERS.add(self)
        self.container.spawn_managed_thread(self._announce_forever,
                                            identifier="audit:announce-head")

    def stop(self):
        self._running = False
        _ANNOUNCERS.discard(self)
        self._grown.set()

    kill = stop

    def grew(self) -> None:
        self._grown.set()

    def get_dependency(self, worker_ctx) -> HeadAnnouncer:
        return self

    def _engine(self):
        return next(dep for dep in self.container.dependencies
                    if isinstance(dep, EventSourcing)).store.engine

    def _announce_forever(self):
        while self._running:
            self._grown.wait()
            self._grown.clear()
            if not self._running:
                break
            try:
                self._announce()
            except Exception as exc:  # noqa: BLE001 - best effort; followers pull anyway
                log.info("ledger head not announced", error=f"{type(exc).__name__}: {exc}")
                self._close()
        self._close()

    def _announce(self) -> None:
        for _ in range(self.TRIES):
            with self._engine().connect() as connection:
                head = ledger.head(connection)
            if head > self._announced:
                break
            eventlet.sleep(self.SETTLE)
        else:
            return
        if self._connection is None:
            self._connection = kombu.Connection(self.uri)
        self._connection.Producer().publish(
            {"head": head}, exchange=self.exchange, declare=[self.exchange],
            serializer="json", retry=False)
        self._announced = head

    def _close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # noqa: BLE001 - a broken connection is dropped either way
                pass
            self._connection = None


# The announcers of the audit containers running in this process (one, but for tests).
_ANNOUNCERS: set[HeadAnnouncer] = set()


def recorded(uow: UnitOfWork, event: Event) -> None:
    """`record`, and the announcers told the ledger grew (they announce once it commits)."""
    record(uow, event)
    for announcer in tuple(_ANNOUNCERS):
        announcer.grew()


class AuditService(EvidenceRpc, EventSourcedService):
    name = "audit"
    permissions = PERMISSIONS

    # The audit keeps no read models of its own: the ledger is its record.
    store = EventSourcing()
    # Every event of every service, its own included: the reaction machinery keeps the ledger
    # in each source's order, once per event, and fills gaps from the sources' logs.
    reactions = Reactions("ledger", {source: {ALL: recorded} for source in EVENT_SOURCES})
    announcer = HeadAnnouncer()
    signing = Signing()
    runner = JobRunner()

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
        return self._verdict()

    def _verdict(self, progress=None) -> dict:
        """The walk, its reading on the hub and its hashing in a native thread
        (`offload.handoff`), so the service's other workers go on meanwhile."""
        verifier = self.signing.verifier
        # The witnesses first: nothing they hold is then newer than the ledger the walk reads.
        gathered = checkpoints.gather(self.signing.publisher.witnesses, verifier)
        verdict = self.store.read(lambda c: checkpoints.verify_witnessed(
            c, verifier, gathered.checkpoints, walk=offload.handoff, progress=progress))
        verdict.untrusted, verdict.unreachable = gathered.untrusted, gathered.unreachable
        return verdict.to_dict()

    # -- jobs: a verification or an export run apart from the request -------------------------

    @rpc
    def start_verification(self, actor: dict, always: bool = False) -> dict | None:
        """A verification as a job (its view), when asked for (`always`) or when the ledger is
        longer than a request should walk (HUIQI_VERIFY_SYNC_LIMIT); None for a ledger short
        enough to verify at once."""
        who = Actor.from_dict(actor)
        may_audit(who)
        size = self.store.read(ledger.head)
        if not always and size <= verify_sync_limit():
            return None
        with self.store.engine.begin() as connection:
            job_id = jobs.create(connection, jobs.VERIFY, who, {}, total=size)
        engine = self.store.engine

        def work():
            jobs.running(engine, job_id)
            try:
                verdict = self._verdict(progress=lambda n: jobs.progressed(engine, job_id, n))
            except Exception as exc:  # noqa: BLE001 - the job says it failed, and why
                log.exception("verification job failed", job=job_id)
                jobs.failed(engine, job_id, f"{type(exc).__name__}: {exc}")
                return
            jobs.finished(engine, job_id, done=verdict.get("entries"),
                          result=json.dumps(verdict, ensure_ascii=False).encode("utf-8"),
                          filename="ledger-verdict.json", media_type="application/json")

        self.runner.spawn(work, f"verify:{job_id}")
        log.info("verification started as a job", job=job_id, actor=who.label, entries=size)
        return self.store.read(lambda c: jobs.view(c, who, job_id))

    ledger_job, ledger_job_result = jobs.entrypoints("ledger_job", "ledger_job_result")

    @rpc
    def entries(self, actor: dict, after: int = 0, limit: int = contract.DEFAULT_ENTRIES,
                stream_id: str | None = None) -> list[dict]:
        may_audit(Actor.from_dict(actor))
        low, high = contract.ENTRIES_PAGE
        limit = max(low, min(int(limit), high))
        return self.store.read(
            lambda c: ledger.entries(c, after=int(after), limit=limit, stream_id=stream_id))

    @rpc
    def ledger_after(self, actor: dict, after: int, limit: int = contract.DEFAULT_ENTRIES
                     ) -> list[dict]:
        """The entries after seq `after` as relay messages (`ledger.relayed_after`), for a
        service that follows the ledger by seq (a system caller only: the payloads are whole)."""
        try:
            _as_service(actor)
        except DomainError as exc:
            raise Refused.from_domain(exc) from exc
        low, high = contract.ENTRIES_PAGE
        limit = max(low, min(int(limit), high))
        return self.store.read(lambda c: ledger.relayed_after(c, int(after), limit))

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
