"""The ledger tampered with in every way its database's administrator could, on SQLite and
PostgreSQL, with the signing key apart from the database and the checkpoints witnessed in a
directory the administrator cannot reach: an entry edited, one deleted, two reordered, the tail
truncated, the tail rewritten and re-chained (its tree and checkpoints rewritten to match), the
whole ledger swapped for a consistent forgery (checkpoints signed by the forger's own key). Each
is caught by the witnessed checkpoints, the verdict naming the seq or the seq range and the
checkpoint. A rewrite the chain alone passes is the point: both verdicts are asserted."""
import datetime as dt

import pytest
import sqlalchemy as sa

from kernel.database import is_sqlite, make_engine, migrate
from kernel.envelope import Event, format_time
from services.audit import checkpoint, checkpoints, keys, ledger, note, tree, witness
from services.registry import SERVICES

AT = dt.datetime(2026, 5, 6, 8, 0, tzinfo=dt.timezone.utc)
WITNESSED_SIZES = (4, 8, 12)


def event(n: int, note_text: str | None = None) -> Event:
    return Event(event_id=f"00000000-0000-0000-0003-{n:012d}", stream_id=f"t-{n % 3}",
                 stream_type="ticket", version=n, type="ProgressNoted", occurred_at=format_time(AT),
                 actor="office:clerk", correlation_id="c", causation_id="k",
                 payload={"note": note_text or f"第{n}次跟进", "n": n})


def at(minutes: int) -> dt.datetime:
    return AT + dt.timedelta(minutes=minutes)


def time_of(size: int) -> str:
    return format_time(at(size))


class Log:
    """A ledger of 12 entries, checkpointed at 4, 8 and 12 and each checkpoint witnessed."""

    def __init__(self, engine, witness_dir):
        self.engine = engine
        self.witness = witness.DirectoryWitness(witness_dir)

    def grow(self) -> None:
        publisher = checkpoints.Publisher([self.witness])
        first = 1
        for size in WITNESSED_SIZES:
            with self.engine.begin() as connection:
                for n in range(first, size + 1):
                    ledger.append(connection, "tickets", n, event(n))
                signed = checkpoints.make(connection, keys.signer(), keys.origin(), at(size))
            assert publisher.publish(signed) == []
            first = size + 1

    def witnessed_verdict(self) -> dict:
        """What the service's verify answers: the witnesses read first, with the log's key
        from its file (never from the database), then one walk over the ledger."""
        verifier = keys.verifier()
        gathered = checkpoints.gather([self.witness], verifier)
        with self.engine.connect() as connection:
            verdict = checkpoints.verify_witnessed(connection, verifier, gathered.checkpoints)
        verdict.untrusted, verdict.unreachable = gathered.untrusted, gathered.unreachable
        return verdict.to_dict()

    def chain_verdict(self) -> dict:
        with self.engine.connect() as connection:
            return ledger.verify_ledger(connection).to_dict()


@pytest.fixture
def log(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv(keys.KEY_FILE, str(tmp_path / "keys" / "audit-signing.key"))
    monkeypatch.delenv(keys.SIGNING_KEY, raising=False)
    monkeypatch.delenv(keys.ORIGIN, raising=False)
    engine = make_engine(db_url)
    migrate(engine, SERVICES["audit"].migrations_path)
    kept = Log(engine, tmp_path / "witness")
    kept.grow()
    yield kept
    engine.dispose()


# -- what the administrator does ---------------------------------------------------------------

def beneath_the_triggers(connection: sa.Connection) -> None:
    """What a table owner can do: take the triggers of the ledger, its tree and its checkpoints
    away."""
    for table in ("ledger", "ledger_tree", "ledger_checkpoints"):
        if is_sqlite(connection.engine):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_refuse_update")
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_refuse_delete")
        else:
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")


def cut_from(connection: sa.Connection, seq: int) -> None:
    """Remove entry `seq` and all after it, and with them everything that would give them away
    in the database: the tree's nodes over them, the checkpoints that count them."""
    connection.execute(ledger.ledger.delete().where(ledger.ledger.c.seq >= seq))
    nodes = connection.execute(sa.select(tree.ledger_tree.c.level, tree.ledger_tree.c.idx)).all()
    for level, idx in nodes:
        if ((idx + 1) << level) >= seq:  # the node's last leaf is entry seq or a later one
            connection.execute(tree.ledger_tree.delete().where(
                (tree.ledger_tree.c.level == level) & (tree.ledger_tree.c.idx == idx)))
    connection.execute(checkpoints.checkpoints.delete()
                       .where(checkpoints.checkpoints.c.size >= seq))


def rewrite_from(connection: sa.Connection, seq: int, last: int = 12) -> None:
    """Rewrite the entries from `seq` on and re-chain them with the ledger's own code, so that
    the chain, the stored tree and every proof the database answers agree with the forgery."""
    cut_from(connection, seq)
    for n in range(seq, last + 1):
        ledger.append(connection, "tickets", n, event(n, "已办结，企业满意"))


def tamper(log: Log, *statements: str, then=None) -> None:
    with log.engine.begin() as connection:
        beneath_the_triggers(connection)
        for statement in statements:
            connection.execute(sa.text(statement))
        if then is not None:
            then(connection)


# -- each caught, naming where -----------------------------------------------------------------

def test_an_untouched_ledger_holds_against_every_witnessed_checkpoint(log):
    verdict = log.witnessed_verdict()
    assert verdict["ok"] is True, verdict["reason"]
    assert (verdict["witnessed"], verdict["holds_to"], verdict["entries"]) == (3, 12, 12)
    assert verdict["newest_witnessed"] == {"size": 12, "timestamp": time_of(12)}
    assert verdict["problems"] == [] and verdict["untrusted"] == []


def test_an_edited_entry_is_named_with_the_checkpoint_that_covers_it(log):
    tamper(log, "UPDATE ledger SET event = replace(event, '第6次跟进', '第6次办结') WHERE seq = 6")
    verdict = log.witnessed_verdict()
    assert verdict["ok"] is False
    assert (verdict["first_bad_seq"], verdict["last_bad_seq"]) == (6, 6)
    assert verdict["checkpoint"] == {"size": 8, "timestamp": time_of(8)}
    assert "the chain breaks at seq 6" in verdict["reason"]
    assert "hash does not match the entry's columns" in verdict["reason"]
    assert f"within the witnessed checkpoint of size 8 made at {time_of(8)}" in verdict["reason"]
    assert verdict["holds_to"] == 4  # what came before the edit still holds


def test_a_deleted_entry_is_named(log):
    tamper(log, "DELETE FROM ledger WHERE seq = 6")
    verdict = log.witnessed_verdict()
    assert (verdict["ok"], verdict["first_bad_seq"]) == (False, 6)
    assert "no entry at seq 6" in verdict["reason"]
    assert verdict["checkpoint"]["size"] == 8


def test_two_entries_reordered_are_named(log):
    tamper(log, "UPDATE ledger SET seq = -6 WHERE seq = 6",
           "UPDATE ledger SET seq = 6 WHERE seq = 5",
           "UPDATE ledger SET seq = 5 WHERE seq = -6")
    verdict = log.witnessed_verdict()
    assert (verdict["ok"], verdict["first_bad_seq"]) == (False, 5)
    assert "seq 5" in verdict["reason"] and verdict["checkpoint"]["size"] == 8


def test_a_truncated_tail_is_named_by_the_newest_witnessed_checkpoint(log):
    tamper(log, then=lambda connection: cut_from(connection, 10))
    chain_only = log.chain_verdict()
    assert chain_only["ok"] is True and chain_only["entries"] == 9
    verdict = log.witnessed_verdict()
    assert verdict["ok"] is False
    assert (verdict["first_bad_seq"], verdict["last_bad_seq"]) == (10, 12)
    assert verdict["reason"] == (f"the ledger holds 9 entries, the witnessed checkpoint of "
                                 f"{time_of(12)} has 12: seq 10..12 are gone")
    assert verdict["checkpoint"] == {"size": 12, "timestamp": time_of(12)}
    assert verdict["holds_to"] == 8


def test_a_rewritten_re_chained_tail_passes_the_chain_but_not_the_witnessed_checkpoint(log):
    tamper(log, then=lambda connection: rewrite_from(connection, 10))
    # The forgery is consistent in the database: the chain holds, the stored tree agrees with
    # it, and the log's own latest checkpoint (size 8, genuine) holds too.
    chain_only = log.chain_verdict()
    assert chain_only["ok"] is True and chain_only["entries"] == 12
    with log.engine.connect() as connection:
        assert checkpoints.latest_size(connection) == 8
        assert tree.size(connection) == 12

    verdict = log.witnessed_verdict()
    assert verdict["chain"]["ok"] is True
    assert verdict["ok"] is False
    assert (verdict["first_bad_seq"], verdict["last_bad_seq"]) == (9, 12)
    assert verdict["reason"] == (f"the entries seq 9..12 differ from the witnessed checkpoint "
                                 f"of size 12 made at {time_of(12)} (the last that holds is "
                                 "size 8)")
    assert verdict["checkpoint"] == verdict["newest_witnessed"] == {"size": 12,
                                                                    "timestamp": time_of(12)}


def test_a_rewrite_within_an_older_checkpoint_is_caught_by_the_first_that_covers_it(log):
    tamper(log, then=lambda connection: rewrite_from(connection, 3))
    assert log.chain_verdict()["ok"] is True
    verdict = log.witnessed_verdict()
    assert (verdict["ok"], verdict["first_bad_seq"], verdict["last_bad_seq"]) == (False, 1, 4)
    assert verdict["checkpoint"]["size"] == 4
    assert "no earlier witnessed checkpoint holds" in verdict["reason"]
    assert verdict["holds_to"] is None


def test_a_whole_ledger_swapped_for_a_consistent_forgery_is_caught(log, make_sqlite_url):
    # The forger builds a ledger of their own with the log's code, tree and checkpoints
    # included, signed by a key of their own under the log's name, and swaps it in whole.
    forger = note.Signer.generate(keys.origin())
    forged = make_engine(make_sqlite_url())
    migrate(forged, SERVICES["audit"].migrations_path)
    first = 1
    for size in WITNESSED_SIZES:
        with forged.begin() as connection:
            for n in range(first, size + 1):
                ledger.append(connection, "tickets", n, event(n, "一切正常"))
            checkpoints.make(connection, forger, keys.origin(), at(size))
        first = size + 1
    tables = (ledger.ledger, tree.ledger_tree, checkpoints.checkpoints)
    with forged.connect() as connection:
        rows = {table.name: [dict(r._mapping) for r in connection.execute(sa.select(table))]
                for table in tables}
    forged.dispose()

    def swap(connection):
        for table in tables:
            connection.execute(table.delete())
            connection.execute(table.insert(), rows[table.name])

    tamper(log, then=swap)
    assert log.chain_verdict()["ok"] is True
    verdict = log.witnessed_verdict()
    assert verdict["chain"]["ok"] is True and verdict["ok"] is False
    assert (verdict["first_bad_seq"], verdict["last_bad_seq"]) == (1, 4)
    assert verdict["reason"].startswith(f"the entries seq 1..4 differ from the witnessed "
                                        f"checkpoint of size 4 made at {time_of(4)}")
    # The log's own latest checkpoint, the one it would serve, is not its key's either.
    assert any("the log's own latest checkpoint is not one its key signed" in problem
               for problem in verdict["problems"])


def test_a_witness_note_signed_by_another_key_is_reported_not_trusted(log, tmp_path):
    other = note.Signer.generate(keys.origin())
    with log.engine.connect() as connection:
        genuine = checkpoint.open(checkpoints.latest(connection), keys.verifier())
    # A note claiming another root at the newest size, in the witness's own directory.
    claim = checkpoint.Checkpoint(genuine.origin, 12, bytes(32), time_of(13))
    log.witness.publish(checkpoint.sign(claim, other), claim)

    verdict = log.witnessed_verdict()
    assert verdict["ok"] is True and verdict["witnessed"] == 3  # not compared: not the log's
    [untrusted] = verdict["untrusted"]
    assert untrusted["where"] == str(log.witness.file_for(claim))
    assert f"no signature by {keys.verifier().name}+{keys.verifier().key_id.hex()}" \
        in untrusted["reason"]


def test_a_witnessed_checkpoint_is_compared_with_the_log_s_key_only(log, monkeypatch, tmp_path):
    # Verified with a key other than the one that signed them, no witnessed note is trusted:
    # each is reported, and the log's own latest checkpoint is flagged.
    monkeypatch.setenv(keys.KEY_FILE, str(tmp_path / "other" / "audit-signing.key"))
    verdict = log.witnessed_verdict()
    assert verdict["witnessed"] == 0 and len(verdict["untrusted"]) == 3
    assert verdict["ok"] is False
    assert "the log's own latest checkpoint is not one its key signed" in verdict["reason"]
