"""Figure 5, verification, proofs and replay over N ledger entries (a million in the full run), each
beside a peer or a reference measured in the same run on the same database:

- the chain verified (`ledger.verify_ledger`), and a service's log of N events read through by
  position (what a rebuild or a catching-up consumer does), beside the peer's notification-log
  read of N events;
- the Merkle tree hash of the N entries in one pass (`merkle.Frontier` over the entries' hashes,
  read from the ledger), beside the reference: the same leaf hashes read into a list and
  `merkle.root`, RFC 9162's MTH level by level; the two roots and the stored tree's must agree;
- the ledger verified against a signed checkpoint of size N (`checkpoints.verify_witnessed`: the
  chain walk and the tree hash in one pass), beside the chain walk alone;
- an inclusion proof of a random entry in the tree of size N, read from the stored tree
  (`tree.inclusion_proof`, a few node reads), each checked by `merkle.verify_inclusion` against
  the root; beside the reference `merkle.inclusion_proof` over the N leaf hashes already in memory;
- one appeal replayed as of a ledger seq in the middle of its life (`huiqi replay`'s read by the
  stream's index and its fold, every entry's hash checked), beside the peer's
  `repository.get(id, version=…)` of an aggregate of the same length;
- every stream replayed: the whole ledger folded into each appeal's view, every entry checked,
  beside the peer's notification log read with each event applied to its aggregate.

The data is laid down before the clock starts: the ledger of appeals' lives with its stored tree
(`bench.lives`), the service's log through the kernel's store, the peer's aggregates (as many
events each as an appeal's life) through its application. Only the reads are timed. Seconds for a million verified are
derived from the rate.
"""
from __future__ import annotations

import random
import statistics
import time

import sqlalchemy as sa

from bench import peer
from bench.infra import Borrowed
from bench.ingest import seed_log
from bench.lives import PER_APPEAL, seed_ledger
from bench.table import Row
from kernel.database import make_engine, reading
from kernel.envelope import format_time, utc_now
from kernel.store import EventStore
from services.audit import ledger, merkle, tree
from services.audit.chain import Entry

PROOFS = 200          # inclusion proofs from the stored tree, each timed
REFERENCE_PROOFS = 5  # the reference builds every level of the tree for each: a few suffice
REPLAYS = 200         # single streams replayed, each timed
SEED = 20261126


def seed_peer(url: str, count: int) -> tuple[peer.PeerApp, list]:
    """The peer's application with `count` events: aggregates of PER_APPEAL events each (one
    created, the rest noted), as the ledger's appeals have; their ids."""
    app = peer.open_app(url, 1)
    made, ids = 0, []
    while made < count:
        batch = []
        while made < count and len(batch) < 100:
            events = min(PER_APPEAL, count - made)
            appeal = peer.Appeal(title=f"用工难题{len(ids)}", county="zhanggong")
            for n in range(events - 1):
                appeal.note(f"第{n + 1}次跟进：已与企业联系，正在协调。")
            made += events
            batch.append(appeal)
            ids.append(appeal.id)
        app.save(*batch)
    return app, ids


def peer_fold_all(app: peer.PeerApp, page: int = 500) -> int:
    """The peer's replay of everything: its notification log read by id, each record made an
    event again and applied to its aggregate. The number of aggregates."""
    aggregates, start = {}, 0
    while True:
        notifications = app.recorder.select_notifications(start, page, inclusive_of_start=False)
        for notification in notifications:
            event = app.mapper.to_domain_event(notification)
            aggregates[event.originator_id] = event.mutate(aggregates.get(event.originator_id))
        if len(notifications) < page:
            return len(aggregates)
        start = notifications[-1].id


def timed(work) -> tuple[object, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def each_timed(work, items) -> tuple[list, list[float]]:
    """`work(item)` for each item, and the seconds each took."""
    results, seconds = [], []
    for item in items:
        started = time.perf_counter()
        results.append(work(item))
        seconds.append(time.perf_counter() - started)
    return results, seconds


def ms(seconds: list[float]) -> float:
    return 1000 * statistics.median(seconds)


# -- the ledger's tree hash ----------------------------------------------------------------------

_LEAVES = "SELECT hash FROM ledger ORDER BY seq"


def leaf_hashes(connection: sa.Connection):
    """Each entry's leaf hash, in seq order, read in one streamed query."""
    for rows in _chunks(connection, _LEAVES):
        for (entry_hash,) in rows:
            yield merkle.leaf_hash(bytes.fromhex(entry_hash))


def _chunks(connection: sa.Connection, statement: str, chunk: int = ledger.VERIFY_CHUNK):
    if not connection.in_transaction():
        connection.begin()
    if connection.engine.dialect.name == "sqlite":
        cursor = connection.connection.cursor()
    else:
        cursor = connection.connection.cursor(name=f"bench_leaves_{id(connection):x}")
        cursor.itersize = chunk
    try:
        cursor.execute(statement)
        while rows := cursor.fetchmany(chunk):
            yield rows
    finally:
        cursor.close()


def frontier_root(connection: sa.Connection) -> tuple[int, bytes]:
    frontier = merkle.Frontier()
    for leaf in leaf_hashes(connection):
        frontier.append(leaf)
    return frontier.size, frontier.root()


def reference_root(connection: sa.Connection) -> tuple[int, bytes]:
    leaves = list(leaf_hashes(connection))
    return len(leaves), merkle.root(leaves)


# -- verification against a checkpoint -------------------------------------------------------------

def checkpoint_of(size: int, root: bytes):
    """A checkpoint of the ledger at `size`, signed by a key of the run's own, as a witness holds
    it; and the verifier of that key."""
    from services.audit import checkpoint, note

    signer = note.Signer.generate("bench.huiqi.local/audit")
    made = checkpoint.Checkpoint(signer.name, size, root, format_time(utc_now()))
    signed = checkpoint.sign(made, signer)
    return checkpoint.open(signed, signer.verifier()), signer.verifier()


def verify_against(connection: sa.Connection, verifier, witnessed):
    from services.audit import checkpoints

    return checkpoints.verify_witnessed(connection, verifier, [witnessed])


# -- replay ---------------------------------------------------------------------------------------

def replay_one(connection: sa.Connection, stream_id: str, seq: int):
    from huiqi.replay import database_entries
    from huiqi.streams import replay

    return replay(database_entries(connection, stream_id, seq=seq), stream_id, seq=seq)


def replay_everything(connection: sa.Connection) -> int:
    from huiqi.streams import replay_all

    return len(replay_all(Entry(*row) for row in ledger.iter_rows(connection)))


def mid_life(connection: sa.Connection, count: int, rng: random.Random) -> list[tuple[str, int]]:
    """Streams to replay, each with the seq of its middle entry: appeals of full lives drawn at
    random from the ledger."""
    stream_ids = connection.execute(sa.text(
        "SELECT stream_id FROM ledger WHERE stream_id IN "
        "(SELECT stream_id FROM ledger GROUP BY stream_id HAVING count(*) = :n) "
        "AND type = 'TicketRaised'"), {"n": PER_APPEAL}).scalars().all()
    chosen = rng.sample(stream_ids, min(count, len(stream_ids)))
    picks = []
    for stream_id in chosen:
        seqs = connection.execute(sa.text(
            "SELECT seq FROM ledger WHERE stream_id = :s ORDER BY seq"), {"s": stream_id}
        ).scalars().all()
        picks.append((stream_id, seqs[PER_APPEAL // 2]))
    connection.rollback()
    return picks


# -- the figure -----------------------------------------------------------------------------------

def run(borrowed: Borrowed, counts: dict) -> list[Row]:
    count = counts["verify_entries"]
    rng = random.Random(SEED)
    rows = []
    for label in ("PostgreSQL", "SQLite"):
        def fresh(name: str) -> str:
            return borrowed.pg() if label == "PostgreSQL" else borrowed.sqlite(name)

        ledger_url, log_url, peer_url = fresh("ledger"), fresh("log"), fresh("peer")
        engine = seed_ledger(ledger_url, count)
        seed_log(log_url, count)
        app, peer_ids = seed_peer(peer_url, count)
        try:
            rows += measure(label, count, engine, log_url, app, peer_ids, rng)
        finally:
            engine.dispose()
            app.close()
        if label == "PostgreSQL":
            for url in (ledger_url, log_url, peer_url):
                borrowed.drop_pg(url)
    return rows


def measure(label: str, count: int, engine: sa.Engine, log_url: str, app: peer.PeerApp,
            peer_ids: list, rng: random.Random) -> list[Row]:
    setting = f"{label}, {count:,} entries"
    peer_name = f"eventsourcing {peer.version()}"

    with reading(engine) as connection:
        verdict, verify_seconds = timed(lambda: ledger.verify_ledger(connection))
    if not verdict.ok or verdict.entries != count:
        raise RuntimeError(f"the seeded ledger does not verify: {verdict}")

    log_engine = make_engine(log_url)
    store = EventStore(log_engine)
    # Positions given before the clock starts: in a running service the relay gives them
    # moments after each commit (`EventStore.sequence`).
    store.sequence()

    def read_log() -> int:
        after, total = 0, 0
        while True:
            page = store.read_all(after=after, limit=500)
            total += len(page)
            if len(page) < 500:
                return total
            after = page[-1][0]

    read, read_seconds = timed(read_log)
    log_engine.dispose()
    peer_read, peer_seconds = timed(lambda: peer.read_log(app))
    if read != count or peer_read != count:
        raise RuntimeError(f"read {read} and {peer_read} of {count} events")

    # The tree hash, streamed and by the reference; both equal to the stored tree's root.
    with reading(engine) as connection:
        (size, root), root_seconds = timed(lambda: frontier_root(connection))
    with reading(engine) as connection:
        (_, expected), reference_seconds = timed(lambda: reference_root(connection))
        stored = tree.root(connection, count)
    if size != count or not root == expected == stored:
        raise RuntimeError(f"tree hashes disagree: frontier {root.hex()} over {size}, "
                           f"reference {expected.hex()}, stored {stored.hex()}")

    witnessed, verifier = checkpoint_of(count, root)
    with reading(engine) as connection:
        against, against_seconds = timed(lambda: verify_against(connection, verifier, witnessed))
    if not against.ok:
        raise RuntimeError(f"the seeded ledger does not verify against its checkpoint: {against}")

    # Inclusion proofs from the stored tree, each checked against the root; the reference's
    # over the leaf hashes in memory.
    seqs = [rng.randint(1, count) for _ in range(PROOFS)]
    with reading(engine) as connection:
        proofs, proof_seconds = each_timed(
            lambda seq: tree.inclusion_proof(connection, seq, count), seqs)
        leaves = list(leaf_hashes(connection))
    for seq, proof in zip(seqs, proofs):
        if not merkle.verify_inclusion(seq - 1, count, leaves[seq - 1], proof, root):
            raise RuntimeError(f"the stored tree's proof of seq {seq} does not verify")
    reference_proofs, reference_proof_seconds = each_timed(
        lambda seq: merkle.inclusion_proof(seq - 1, leaves), seqs[:REFERENCE_PROOFS])
    if reference_proofs != proofs[:REFERENCE_PROOFS]:
        raise RuntimeError("the stored tree's proofs differ from the reference's")
    leaves.clear()  # a million hashes, not kept through the replays

    # One appeal as of the seq of its middle entry; the peer's aggregate at the same version.
    with reading(engine) as connection:
        picks = mid_life(connection, REPLAYS, rng)
        replayed, replay_seconds = each_timed(
            lambda pick: replay_one(connection, *pick), picks)
    if any(r.version != PER_APPEAL // 2 + 1 for r in replayed):
        raise RuntimeError("a stream replayed as of its middle entry is not at its middle version")
    full = peer_ids[:-1] if count % PER_APPEAL else peer_ids
    chosen = rng.sample(full, min(len(picks), len(full)))
    got, peer_get_seconds = each_timed(
        lambda id_: app.repository.get(id_, version=PER_APPEAL // 2 + 1), chosen)
    if any(aggregate.version != PER_APPEAL // 2 + 1 for aggregate in got):
        raise RuntimeError("the peer's aggregate is not at the version asked for")

    with reading(engine) as connection:
        streams, replay_all_seconds = timed(lambda: replay_everything(connection))
    aggregates, peer_fold_seconds = timed(lambda: peer_fold_all(app))
    # As many appeals as the peer's aggregates, but for the last block of appeals cut short.
    if not aggregates <= streams < aggregates + 10 * 1000:
        raise RuntimeError(f"{streams} streams replayed, the peer {aggregates} aggregates")

    peer_log = f"{peer_name} notification log ({label})"
    return [
        Row("5 verify the ledger", setting, count / verify_seconds, "entries/s", peer_log,
            count / peer_seconds, target="1.5× peer"),
        Row("5 seconds to verify a million entries", label, 1_000_000 * verify_seconds / count,
            "s", target="< 20 s", lower_is_better=True),
        Row("5 read a service's log by position (rebuild)", f"{label}, {count:,} events",
            count / read_seconds, "events/s", peer_log, count / peer_seconds,
            target="1.5× peer"),
        Row("5 Merkle tree hash of the ledger, one pass", setting, count / root_seconds,
            "entries/s", "reference: the leaf hashes in a list, merkle.root level by level",
            count / reference_seconds),
        Row("5 verify against a signed checkpoint (chain + tree hash, one pass)", setting,
            count / against_seconds, "entries/s", "the chain walk alone (first row)",
            count / verify_seconds),
        Row("5 inclusion proof from the stored tree, p50", setting, ms(proof_seconds), "ms",
            "reference: merkle.inclusion_proof over the leaf hashes in memory",
            ms(reference_proof_seconds), lower_is_better=True),
        Row(f"5 replay one appeal as of a seq (version {PER_APPEAL // 2 + 1} of "
            f"{PER_APPEAL}), p50", setting, ms(replay_seconds), "ms",
            f"{peer_name} repository.get(id, version) ({label})", ms(peer_get_seconds),
            lower_is_better=True),
        Row("5 replay every stream (fold the whole ledger, every entry checked)",
            f"{setting}, {streams:,} appeals", count / replay_all_seconds, "entries/s",
            f"{peer_name} notification log read, each event applied ({label})",
            count / peer_fold_seconds),
    ]
