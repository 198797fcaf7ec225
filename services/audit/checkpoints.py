"""The log's checkpoints: made from the stored tree, signed, kept (every one, append-only, in the
table `ledger_checkpoints`, migration a0004), published to the witnesses; proofs answered against
them; and the ledger verified against what the witnesses hold.

- `make` signs the tree head at the ledger's current size and keeps it; `make_if_grown` only when
  the ledger has grown since the latest. Makers take turns (a transaction advisory lock on
  PostgreSQL, the write lock on SQLite), so checkpoints are kept in the order of their sizes.
- `Publisher` hands each checkpoint, after its commit, to every witness; one that fails is logged,
  counted (`huiqi_witness_failures_total`) and owed the checkpoint, which it is offered again
  the next round. The checkpoint is made all the same.
- `inclusion` and `consistency` answer RFC 9162 proofs in the stored tree's logarithmic reads,
  each for a size a checkpoint names by default, with that checkpoint's note: a size and a root
  are only worth what the signature over both is.
- `verify_witnessed` walks the ledger once, by the chain's rules, hashing the tree as it goes,
  and compares the root at every witnessed size: a tail rewritten and re-chained, which the
  chain alone cannot see, differs from the newest witnessed checkpoint that covers it.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

import sqlalchemy as sa
import structlog
from prometheus_client import Counter

from kernel.database import is_sqlite
from kernel.envelope import format_time
from kernel.errors import InvalidInput, NotFound
from services.audit import chain, checkpoint, ledger, merkle, note, tree, witness
from services.audit.checkpoint import Checkpoint

log = structlog.get_logger(__name__)

WRITER_ROLE = ledger.WRITER_ROLE
# Makers of checkpoints take turns on PostgreSQL (the kernel's locks are 7201001-7201004, the
# services' watches 7201005-7201007).
CHECKPOINT_LOCK = 7201008

WITNESS_FAILURES = Counter(
    "huiqi_witness_failures_total",
    "Checkpoints a witness could not take (it is offered the newest again the next round).",
    ["witness"])

metadata = sa.MetaData()
# Not `checkpoints`: that is the kernel's table of each consumer's place in the logs it follows.
checkpoints = sa.Table(
    "ledger_checkpoints", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("root", sa.LargeBinary(merkle.HASH_SIZE), nullable=False),
    sa.Column("timestamp", sa.String(32), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
)


# -- refusals --------------------------------------------------------------------------------

class NoCheckpoint(NotFound):
    rule = "no_checkpoint"

    def __init__(self, field: str | None = None):
        message = "no checkpoint has been made yet"
        if field:
            message += f": give {field}, or make a checkpoint first"
        super().__init__(message, field=field)


class EntryNotFound(NotFound):
    rule = "entry_not_found"

    def __init__(self, seq: int):
        super().__init__(f"the ledger has no entry at seq {seq}", field="seq")


class SizeBeyondLedger(InvalidInput):
    rule = "size_beyond_ledger"

    def __init__(self, field: str, value: int, size: int):
        super().__init__(f"{field} {value} is beyond the ledger, which holds {size} entries",
                         field=field)


class SeqBeyondSize(InvalidInput):
    rule = "seq_beyond_size"

    def __init__(self, seq: int, size: int):
        super().__init__(f"seq {seq} is not in the tree of size {size} (seq runs 1..{size})",
                         field="seq")


class FromAfterTo(InvalidInput):
    rule = "from_after_to"

    def __init__(self, first: int, second: int):
        super().__init__(f"from {first} is after to {second}: a tree is consistent only with a "
                         "later one", field="from")


class NotWhole(InvalidInput):
    rule = "not_a_whole_number"

    def __init__(self, field: str, value, low: int):
        super().__init__(f"{field} {value!r} is not a whole number from {low}", field=field)


# -- made and kept ---------------------------------------------------------------------------

def make(connection: sa.Connection, signer: note.Signer, origin: str, now: dt.datetime) -> str:
    """Sign the tree head at the ledger's current size, keep it, and answer its note. The caller
    commits, then publishes (`Publisher.publish`)."""
    _take_turn(connection)
    return _make(connection, signer, origin, now)


def make_if_grown(connection: sa.Connection, signer: note.Signer, origin: str,
                  now: dt.datetime) -> str | None:
    """`make`, if the ledger holds more entries than the latest checkpoint says; else None."""
    _take_turn(connection)
    if not grown(connection):
        return None
    return _make(connection, signer, origin, now)


def grown(connection: sa.Connection) -> bool:
    kept = latest_size(connection)
    size = tree.size(connection)
    return size > 0 if kept is None else size > kept


def latest(connection: sa.Connection) -> str | None:
    """The note of the latest checkpoint: of the largest size, the last made at it."""
    return connection.execute(sa.select(checkpoints.c.note)
                              .order_by(checkpoints.c.size.desc(), checkpoints.c.id.desc())
                              .limit(1)).scalar()


def latest_size(connection: sa.Connection) -> int | None:
    return connection.execute(sa.select(sa.func.max(checkpoints.c.size))).scalar()


def note_at(connection: sa.Connection, size: int) -> str | None:
    """The note of the last checkpoint made at `size`, if one was."""
    return connection.execute(sa.select(checkpoints.c.note).where(checkpoints.c.size == size)
                              .order_by(checkpoints.c.id.desc()).limit(1)).scalar()


def kept(connection: sa.Connection) -> list[str]:
    """Every checkpoint's note, in the order they were made."""
    return list(connection.execute(sa.select(checkpoints.c.note)
                                   .order_by(checkpoints.c.id)).scalars())


def described(signed: str) -> dict:
    """A note the log made, with its checkpoint's fields (`contract.CheckpointView`)."""
    cp = checkpoint.parse(note.parse(signed)[0])
    return {"origin": cp.origin, "size": cp.size, "root": _b64(cp.root),
            "timestamp": cp.timestamp, "note": signed}


def _take_turn(connection: sa.Connection) -> None:
    if not is_sqlite(connection.engine):  # SQLite: the write transaction's lock is the turn
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHECKPOINT_LOCK})


def _make(connection: sa.Connection, signer: note.Signer, origin: str, now: dt.datetime) -> str:
    size = tree.size(connection)
    cp = Checkpoint(origin, size, tree.root(connection, size), format_time(now))
    signed = checkpoint.sign(cp, signer)
    last_id = connection.execute(sa.select(sa.func.max(checkpoints.c.id))).scalar() or 0
    row = {"id": last_id + 1, "size": cp.size, "root": cp.root, "timestamp": cp.timestamp,
           "note": signed}
    if is_sqlite(connection.engine):
        connection.execute(checkpoints.insert(), row)
    else:
        # As the ledger's writer role, which may insert checkpoints and never change them.
        connection.exec_driver_sql(f"SET LOCAL ROLE {WRITER_ROLE}")
        connection.execute(checkpoints.insert(), row)
        connection.exec_driver_sql("RESET ROLE")
    return signed


# -- witnessed -------------------------------------------------------------------------------

class Publisher:
    """Hands checkpoints to the witnesses, after their commit, and remembers for each witness
    that failed the newest checkpoint it is owed, to offer it again (`retry`) until it takes
    it or a newer one replaces it. What is owed lives as long as the process: a checkpoint a
    restart forgot is covered by the next one, which proves consistent with it."""

    def __init__(self, witnesses: Sequence[witness.Witness]):
        self.witnesses = list(witnesses)
        self.owed: dict[int, str] = {}   # witness index -> the note it has not taken

    def publish(self, signed: str) -> list[str]:
        """Offer `signed` to every witness; the witnesses that did not take it."""
        cp = _checkpoint_of(signed)
        return [repr(w) for index, w in enumerate(self.witnesses)
                if not self._offer(index, signed, cp)]

    def retry(self) -> list[str]:
        """Offer each witness that failed the checkpoint it is owed; those that failed again."""
        failed = []
        for index, signed in sorted(self.owed.items()):
            if not self._offer(index, signed, _checkpoint_of(signed)):
                failed.append(repr(self.witnesses[index]))
        return failed

    def _offer(self, index: int, signed: str, cp: Checkpoint) -> bool:
        where = self.witnesses[index]
        try:
            where.publish(signed, cp)
        except Exception as error:  # any failure of a witness waits for the next round
            WITNESS_FAILURES.labels(repr(where)).inc()
            log.warning("witness did not take the checkpoint; offered again next round",
                        witness=repr(where), size=cp.size, timestamp=cp.timestamp,
                        error=str(error) or repr(error))
            self.owed[index] = signed
            return False
        self.owed.pop(index, None)
        return True


@dataclasses.dataclass(frozen=True)
class Gathered:
    """What the witnesses hold: the checkpoints signed by the log's key, the notes that are not
    (reported, never trusted), and the witnesses that could not be read."""

    checkpoints: list[Checkpoint]
    untrusted: list[dict]
    unreachable: list[dict]


def gather(witnesses: Iterable[witness.Witness], verifier: note.Verifier) -> Gathered:
    """Every witness's checkpoints, read before the ledger is (so that none is newer than what
    the walk sees)."""
    found, untrusted, unreachable = [], [], []
    for each in witnesses:
        try:
            held = witness.witnessed(each, verifier)
        except Exception as error:  # a witness away is reported, not fatal
            unreachable.append({"where": repr(each), "reason": str(error) or repr(error)})
            continue
        found += held.checkpoints
        untrusted += [{"where": f.where, "reason": f.reason} for f in held.failures]
    return Gathered(sorted(found, key=lambda cp: (cp.size, cp.timestamp)), untrusted, unreachable)


# -- proofs ----------------------------------------------------------------------------------

def entry(connection: sa.Connection, seq) -> dict:
    seq = _whole("seq", seq, 1)
    row = connection.execute(sa.select(ledger.ledger).where(ledger.ledger.c.seq == seq)).first()
    if row is None:
        raise EntryNotFound(seq)
    return dict(row._mapping)


def inclusion(connection: sa.Connection, seq, size=None) -> dict:
    """Entry `seq`'s inclusion proof in the tree of `size` (by default the latest checkpoint's):
    PATH(seq - 1, D[size]), base64, its own sibling first."""
    seq = _whole("seq", seq, 1)
    size = _size_or_latest(connection, "size", size)
    if seq > size:
        raise SeqBeyondSize(seq, size)
    return {"seq": seq, "leaf_index": seq - 1, "size": size,
            "leaf_hash": _b64(tree.leaf(connection, seq)),
            "root": _b64(tree.root(connection, size)),
            "proof": [_b64(h) for h in tree.inclusion_proof(connection, seq, size)],
            "checkpoint": note_at(connection, size)}


def consistency(connection: sa.Connection, first, second=None) -> dict:
    """PROOF(first, D[second]) (RFC 9162 §2.1.4.1), base64, innermost first; `second` by default
    the latest checkpoint's size."""
    first = _whole("from", first, 0)
    second = _size_or_latest(connection, "to", second)
    if first > second:
        raise FromAfterTo(first, second)
    return {"from": first, "to": second,
            "from_root": _b64(tree.root(connection, first)),
            "to_root": _b64(tree.root(connection, second)),
            "proof": [_b64(h) for h in tree.consistency_proof(connection, first, second)],
            "from_checkpoint": note_at(connection, first),
            "to_checkpoint": note_at(connection, second)}


def _size_or_latest(connection: sa.Connection, field: str, size) -> int:
    if size is None:
        size = latest_size(connection)
        if size is None:
            raise NoCheckpoint(field)
        return size
    size = _whole(field, size, 0)
    stored = tree.size(connection)
    if size > stored:
        raise SizeBeyondLedger(field, size, stored)
    return size


def _whole(field: str, value, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise NotWhole(field, value, low)
    return value


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _checkpoint_of(signed: str) -> Checkpoint:
    return checkpoint.parse(note.parse(signed)[0])


# -- verified against the witnessed ------------------------------------------------------------

def _named(cp: Checkpoint) -> dict:
    return {"size": cp.size, "timestamp": cp.timestamp}


@dataclasses.dataclass
class Finding:
    """One thing that does not hold, placed by the first seq it concerns (None: no seq)."""

    first_seq: int | None
    last_seq: int | None
    reason: str
    checkpoint: Checkpoint | None = None


@dataclasses.dataclass
class WitnessVerdict:
    """The chain's verdict, and the ledger's tree against every witnessed checkpoint. `ok` only
    if both hold; otherwise the finding that comes first in the ledger names where."""

    chain: chain.Verdict
    witnessed: list[Checkpoint]
    holds_to: int | None
    findings: list[Finding]
    untrusted: list[dict] = dataclasses.field(default_factory=list)
    unreachable: list[dict] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    def to_dict(self) -> dict:
        first = self.first
        return {
            "ok": self.ok,
            "entries": self.chain.entries,
            "head_hash": self.chain.head_hash,
            "first_bad_seq": first.first_seq if first else None,
            "last_bad_seq": first.last_seq if first else None,
            "reason": first.reason if first else None,
            "checkpoint": _named(first.checkpoint) if first and first.checkpoint else None,
            "problems": [finding.reason for finding in self.findings],
            "chain": self.chain.to_dict(),
            "witnessed": len(self.witnessed),
            "newest_witnessed": _named(self.witnessed[-1]) if self.witnessed else None,
            "holds_to": self.holds_to,
            "untrusted": list(self.untrusted),
            "unreachable": list(self.unreachable),
        }


class _Tree:
    """The tree over the entries the chain's walk takes, hashed as the rows pass on their way to
    it, with its root at each size asked about.

    The walk (`chain.verify_rows`) takes a row whose seq is the next one and asks for the row
    after only if that row held; so a row is a leaf once the walk asks for another, or, for the
    last row, once the walk's verdict counts it."""

    def __init__(self, sizes: set[int]):
        self.frontier = merkle.Frontier()
        self.sizes = sizes
        self.roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT}
        self._last: tuple | None = None

    def rows(self, chunks: Iterable[list[tuple]]) -> Iterator[tuple]:
        pending = None
        for rows in chunks:
            for row in rows:
                if pending is not None:
                    self._take(pending)
                    pending = None
                if row[0] == self.frontier.size + 1:
                    pending = row
                yield row
        self._last = pending

    def finish(self, verdict: chain.Verdict) -> None:
        if self._last is not None and verdict.entries == self.frontier.size + 1:
            self._take(self._last)

    def _take(self, row: tuple) -> None:
        self.frontier.append(merkle.leaf_hash(bytes.fromhex(row[11])))
        if self.frontier.size in self.sizes:
            self.roots[self.frontier.size] = self.frontier.root()


def _walk_here(consume, chunks):
    return consume(chunks)


def verify_witnessed(connection: sa.Connection, verifier: note.Verifier,
                     witnessed: Sequence[Checkpoint], *, walk=_walk_here,
                     progress=None) -> WitnessVerdict:
    """Walk the ledger once: the chain's rules entry by entry (`chain.verify_rows`, the verdict
    `ledger.verify_ledger` gives), the tree hashed over the entries that hold, and its root
    compared at every witnessed size. Also the log's own latest checkpoint, which must be signed
    by `verifier`'s key and agree with the ledger, since that is the one the log serves.

    What it names: the chain's first bad seq (and the witnessed checkpoint that covers it); or
    the entries seq a+1..b, between the last witnessed checkpoint that holds (size a) and the
    first that does not (size b); or, for a ledger shorter than what was witnessed, the seqs
    that are gone. The witnesses are to be read before this is called, so that none is newer
    than the ledger the walk reads.

    `walk(consume, chunks)` runs the hashing (`consume`) over the chunks the connection reads
    (`offload.handoff` runs it off the hub); `progress(entries_read)` is told after each chunk.
    """
    witnessed = sorted(witnessed, key=lambda cp: (cp.size, cp.timestamp))
    own, own_finding = _own_latest(connection, verifier)
    sizes = {cp.size for cp in witnessed} | ({own.size} if own else set())

    def consume(chunks) -> tuple[_Tree, chain.Verdict]:
        tree_ = _Tree(sizes)
        found = chain.verify_rows(tree_.rows(chunks))
        tree_.finish(found)
        return tree_, found

    hashed, verdict = walk(consume, _told(ledger.iter_row_chunks(connection), progress))
    taken = hashed.frontier.size

    findings: list[Finding] = []
    holds_to, last_held = None, 0
    for cp in witnessed:
        if cp.size > taken:
            break
        if hashed.roots[cp.size] == cp.root:
            holds_to = last_held = cp.size
            continue
        findings.append(_differs(cp, last_held, holds_to is not None))
        break
    beyond = [cp for cp in witnessed if cp.size > taken]
    if not verdict.ok:
        covering = next((cp for cp in witnessed if cp.size >= verdict.first_bad_seq), None)
        findings.append(_chain_breaks(verdict, covering))
    elif beyond:
        findings.append(_gone(taken, beyond[-1]))
    if own_finding is None and own is not None:
        own_finding = _own_against(own, hashed.roots, taken, verdict.ok)
    if own_finding is not None:
        findings.append(own_finding)
    findings.sort(key=lambda f: (f.first_seq is None, f.first_seq or 0))
    return WitnessVerdict(verdict, list(witnessed), holds_to, findings)


def _told(chunks, progress):
    """The chunks, `progress` told the entries read after each (on the reading side)."""
    read = 0
    for rows in chunks:
        yield rows
        read += len(rows)
        if progress is not None:
            progress(read)


def _differs(cp: Checkpoint, last_held: int, any_held: bool) -> Finding:
    first = last_held + 1
    which = f"seq {first}" if first == cp.size else f"seq {first}..{cp.size}"
    held = (f"the last that holds is size {last_held}" if any_held
            else "no earlier witnessed checkpoint holds")
    return Finding(first, cp.size, f"the entries {which} differ from the witnessed checkpoint "
                                   f"of size {cp.size} made at {cp.timestamp} ({held})", cp)


def _chain_breaks(verdict: chain.Verdict, covering: Checkpoint | None) -> Finding:
    reason = f"the chain breaks at seq {verdict.first_bad_seq}: {verdict.reason}"
    if covering is not None:
        reason += (f"; seq {verdict.first_bad_seq} is within the witnessed checkpoint of size "
                   f"{covering.size} made at {covering.timestamp}")
    return Finding(verdict.first_bad_seq, verdict.first_bad_seq, reason, covering)


def _gone(taken: int, newest: Checkpoint) -> Finding:
    which = f"seq {taken + 1} is" if taken + 1 == newest.size else \
        f"seq {taken + 1}..{newest.size} are"
    return Finding(taken + 1, newest.size,
                   f"the ledger holds {taken} entries, the witnessed checkpoint of "
                   f"{newest.timestamp} has {newest.size}: {which} gone", newest)


def _own_latest(connection: sa.Connection, verifier: note.Verifier
                ) -> tuple[Checkpoint | None, Finding | None]:
    """The log's latest kept checkpoint, opened with the log's key; or why it cannot be."""
    signed = latest(connection)
    if signed is None:
        return None, None
    try:
        return checkpoint.open(signed, verifier), None
    except ValueError as error:  # note.NoteError, checkpoint.CheckpointError
        return None, Finding(None, None, "the log's own latest checkpoint is not one its key "
                                         f"signed: {error}")


def _own_against(own: Checkpoint, roots: dict[int, bytes], taken: int,
                 chain_ok: bool) -> Finding | None:
    if own.size in roots:
        if roots[own.size] == own.root:
            return None
        return Finding(None, own.size, f"the log's own latest checkpoint, of size {own.size} made "
                                       f"at {own.timestamp}, does not match the ledger")
    if chain_ok:
        return Finding(taken + 1, own.size, f"the ledger holds {taken} entries, the log's own "
                                            f"latest checkpoint of {own.timestamp} has {own.size}")
    return None  # beyond the chain's break, which is named already
