"""The log's checkpoints on SQLite and PostgreSQL: made from the stored tree at the ledger's size,
signed by the key kept apart from the database, every one kept and none changed (the writer role
on PostgreSQL may only add them), published to every witness after the commit, a witness that
fails counted and offered the checkpoint again; proofs answered for a checkpoint's size with its
note, and refused by field; and the service: its key made at the first start, its timer, its
RPCs and who may call them."""
import base64
import datetime as dt

import pytest
import sqlalchemy as sa
import structlog.testing
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook
from prometheus_client import REGISTRY

from kernel.database import is_sqlite, make_engine, migrate
from kernel.envelope import Event, format_time
from kernel.errors import DomainError, Refused
from services.audit import (
    checkpoint,
    checkpoints,
    keys,
    ledger,
    merkle,
    note,
    tree,
    witness,
)
from services.audit.service import AuditService
from services.registry import SERVICES

AT = dt.datetime(2026, 5, 6, 8, 0, tzinfo=dt.timezone.utc)
WRITER = ledger.WRITER_ROLE


def event(n: int) -> Event:
    return Event(event_id=f"00000000-0000-0000-0002-{n:012d}", stream_id=f"t-{n % 3}",
                 stream_type="ticket", version=n, type="ProgressNoted", occurred_at=format_time(AT),
                 actor="office:clerk", correlation_id="c", causation_id="k",
                 payload={"note": f"第{n}次跟进", "n": n})


def append(engine, first: int, last: int) -> None:
    with engine.begin() as connection:
        for n in range(first, last + 1):
            ledger.append(connection, "tickets", n, event(n))


def at(minutes: int) -> dt.datetime:
    return AT + dt.timedelta(minutes=minutes)


@pytest.fixture
def apart(tmp_path, monkeypatch):
    """The key file and the witness directory, under the test's own directory."""
    monkeypatch.setenv(keys.KEY_FILE, str(tmp_path / "keys" / "audit-signing.key"))
    monkeypatch.setenv(witness.WITNESS, str(tmp_path / "witness"))
    monkeypatch.delenv(keys.SIGNING_KEY, raising=False)
    monkeypatch.delenv(keys.ORIGIN, raising=False)
    return tmp_path


@pytest.fixture
def audit(db_url, apart):
    engine = make_engine(db_url)
    migrate(engine, SERVICES["audit"].migrations_path)
    yield engine
    engine.dispose()


def make(engine, minutes: int = 0, signer: note.Signer | None = None) -> str:
    with engine.begin() as connection:
        return checkpoints.make(connection, signer or keys.signer(), keys.origin(), at(minutes))


def leaf_hashes(engine) -> list[bytes]:
    with engine.connect() as connection:
        hashes = connection.execute(sa.select(ledger.ledger.c.hash)
                                    .order_by(ledger.ledger.c.seq)).scalars()
        return [merkle.leaf_hash(bytes.fromhex(h)) for h in hashes]


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# -- made and kept ---------------------------------------------------------------------------

def test_a_checkpoint_is_the_signed_tree_head_at_the_ledger_s_size(audit, apart):
    append(audit, 1, 7)
    signed = make(audit)
    cp = checkpoint.open(signed, keys.verifier())
    assert (cp.origin, cp.size, cp.timestamp) == (keys.DEFAULT_ORIGIN, 7, format_time(at(0)))
    assert cp.root == merkle.root(leaf_hashes(audit))
    # The key is in its file, apart from the database; nothing in the database holds it.
    assert (apart / "keys" / "audit-signing.key").read_text().startswith("PRIVATE+KEY+")
    with audit.connect() as connection:
        stored = [str(value) for table in ("ledger", "ledger_tree", "ledger_checkpoints")
                  for row in connection.execute(sa.text(f"SELECT * FROM {table}"))
                  for value in row]
    assert not any("PRIVATE+KEY" in value for value in stored)


def test_every_checkpoint_is_kept_and_the_latest_is_the_largest(audit):
    with audit.connect() as connection:
        assert checkpoints.latest(connection) is None
    first = make(audit, 0)  # the empty tree
    append(audit, 1, 3)
    second = make(audit, 1)
    again = make(audit, 2)  # on demand at the same size: kept too
    append(audit, 4, 5)
    third = make(audit, 3)
    with audit.connect() as connection:
        assert checkpoints.kept(connection) == [first, second, again, third]
        assert checkpoints.latest(connection) == third
        assert checkpoints.note_at(connection, 3) == again
        assert checkpoints.latest_size(connection) == 5
    assert checkpoint.open(first, keys.verifier()).root == merkle.EMPTY_ROOT


def test_a_checkpoint_is_made_only_when_the_ledger_grew(audit):
    def made_if_grown(minutes):
        with audit.begin() as connection:
            return checkpoints.make_if_grown(connection, keys.signer(), keys.origin(),
                                             at(minutes))

    assert made_if_grown(0) is None  # nothing to sign yet
    append(audit, 1, 2)
    assert checkpoint.parse(note.parse(made_if_grown(1))[0]).size == 2
    assert made_if_grown(2) is None
    append(audit, 3, 3)
    assert checkpoint.parse(note.parse(made_if_grown(3))[0]).size == 3


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_checkpoints SET size = 99",
    "DELETE FROM ledger_checkpoints",
])
def test_kept_checkpoints_refuse_change(audit, statement):
    append(audit, 1, 2)
    make(audit)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with audit.begin() as connection:
            connection.execute(sa.text(statement))
    with audit.connect() as connection:
        assert len(checkpoints.kept(connection)) == 1


@pytest.fixture
def pg_audit(make_pg_url, apart):
    engine = make_engine(make_pg_url())
    migrate(engine, SERVICES["audit"].migrations_path)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_checkpoints SET size = 99",
    "DELETE FROM ledger_checkpoints",
    "TRUNCATE ledger_checkpoints",
    "ALTER TABLE ledger_checkpoints DISABLE TRIGGER ledger_checkpoints_append_only",
    "DROP TABLE ledger_checkpoints",
])
def test_the_writer_role_cannot_change_kept_checkpoints(pg_audit, statement):
    append(pg_audit, 1, 2)
    make(pg_audit)
    with pytest.raises(sa.exc.ProgrammingError) as refused:
        with pg_audit.begin() as connection:
            connection.exec_driver_sql(f"SET LOCAL ROLE {WRITER}")
            connection.exec_driver_sql(statement)
    assert "permission denied" in str(refused.value) or "must be owner" in str(refused.value)


def test_checkpoints_are_inserted_as_the_writer_role(pg_audit):
    append(pg_audit, 1, 2)
    seen = []

    @sa.event.listens_for(pg_audit, "before_cursor_execute")
    def who(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO ledger_checkpoints"):
            cursor.execute("SELECT current_user")
            seen.append(cursor.fetchone()[0])

    make(pg_audit)
    with pg_audit.connect() as connection:
        granted = set(connection.execute(sa.text(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name = 'ledger_checkpoints' AND grantee = :r"), {"r": WRITER}).scalars())
    assert seen == [WRITER]
    assert granted == {"SELECT", "INSERT"}


# -- published -------------------------------------------------------------------------------

def failures_of(where) -> float:
    return REGISTRY.get_sample_value("huiqi_witness_failures_total",
                                     {"witness": repr(where)}) or 0.0


def test_each_checkpoint_reaches_every_witness_and_a_failing_one_is_offered_it_again(
        audit, apart):
    good = witness.DirectoryWitness(apart / "good")
    blocked = apart / "blocked"
    blocked.write_text("a file where the witness's directory should be")
    bad = witness.DirectoryWitness(blocked / "witness")
    publisher = checkpoints.Publisher([good, bad])
    append(audit, 1, 3)
    before = failures_of(bad)

    first = make(audit, 0)
    assert publisher.publish(first) == [repr(bad)]
    assert good.notes() == [first]
    assert failures_of(bad) == before + 1
    assert publisher.retry() == [repr(bad)]  # still failing: counted again, still owed
    assert failures_of(bad) == before + 2

    blocked.unlink()
    assert publisher.retry() == []
    assert bad.notes() == [first]
    assert publisher.retry() == [] and publisher.owed == {}
    # The made checkpoint was kept whatever the witnesses did.
    with audit.connect() as connection:
        assert checkpoints.kept(connection) == [first]


def test_what_the_witnesses_hold_is_gathered_and_a_foreign_note_reported(audit, apart):
    append(audit, 1, 3)
    ours = make(audit, 0)
    held = witness.DirectoryWitness(apart / "witness")
    held.publish(ours, checkpoint.parse(note.parse(ours)[0]))
    other = note.Signer.generate(keys.DEFAULT_ORIGIN)
    forged_cp = checkpoint.Checkpoint(keys.DEFAULT_ORIGIN, 3, b"\x07" * 32, format_time(at(5)))
    held.publish(checkpoint.sign(forged_cp, other), forged_cp)
    away = witness.HttpWitness("http://127.0.0.1:9/witness", timeout=2)

    gathered = checkpoints.gather([held, away], keys.verifier())
    assert [cp.timestamp for cp in gathered.checkpoints] == [format_time(at(0))]
    [untrusted] = gathered.untrusted
    assert untrusted["where"].endswith(".checkpoint") and "no signature by" in untrusted["reason"]
    [unreachable] = gathered.unreachable
    assert unreachable["where"] == repr(away) and "could not be reached" in unreachable["reason"]


# -- proofs ----------------------------------------------------------------------------------

def test_inclusion_proofs_for_a_checkpoint_s_size_verify_against_its_signed_root(audit):
    append(audit, 1, 11)
    make(audit, 0)
    append(audit, 12, 13)  # grown since: the default is still the checkpoint's size
    leaves = leaf_hashes(audit)
    with audit.connect() as connection:
        for seq in range(1, 12):
            answer = checkpoints.inclusion(connection, seq)
            cp = checkpoint.open(answer["checkpoint"], keys.verifier())
            assert (answer["size"], cp.size, answer["leaf_index"]) == (11, 11, seq - 1)
            proof = [base64.b64decode(h) for h in answer["proof"]]
            assert proof == merkle.inclusion_proof(seq - 1, leaves[:11])
            assert answer["leaf_hash"] == b64(leaves[seq - 1])
            assert merkle.verify_inclusion(seq - 1, cp.size, leaves[seq - 1], proof, cp.root)
        # At a size no checkpoint names, the answer says so: its root is only the log's word.
        unsigned = checkpoints.inclusion(connection, 12, 13)
        assert unsigned["checkpoint"] is None and unsigned["size"] == 13
        assert unsigned["root"] == b64(merkle.root(leaves))


def test_a_consistency_proof_joins_two_checkpoints(audit):
    append(audit, 1, 5)
    older = checkpoint.open(make(audit, 0), keys.verifier())
    append(audit, 6, 13)
    newer = checkpoint.open(make(audit, 1), keys.verifier())
    with audit.connect() as connection:
        answer = checkpoints.consistency(connection, 5)
        empty = checkpoints.consistency(connection, 0, 5)
    assert (answer["from"], answer["to"]) == (5, 13)
    assert checkpoint.open(answer["from_checkpoint"], keys.verifier()) == older
    assert checkpoint.open(answer["to_checkpoint"], keys.verifier()) == newer
    proof = [base64.b64decode(h) for h in answer["proof"]]
    assert proof == merkle.consistency_proof(5, leaf_hashes(audit))
    assert merkle.verify_consistency(5, 13, older.root, newer.root, proof)
    assert empty["proof"] == [] and empty["from_root"] == b64(merkle.EMPTY_ROOT)


@pytest.mark.parametrize("ask, rule, field", [
    (lambda c: checkpoints.inclusion(c, 5, 4), "seq_beyond_size", "seq"),
    (lambda c: checkpoints.inclusion(c, 1, 7), "size_beyond_ledger", "size"),
    (lambda c: checkpoints.inclusion(c, 0, 3), "not_a_whole_number", "seq"),
    (lambda c: checkpoints.inclusion(c, 7), "seq_beyond_size", "seq"),
    (lambda c: checkpoints.consistency(c, 4, 3), "from_after_to", "from"),
    (lambda c: checkpoints.consistency(c, 5), "from_after_to", "from"),
    (lambda c: checkpoints.consistency(c, 1, 9), "size_beyond_ledger", "to"),
    (lambda c: checkpoints.consistency(c, -1, 2), "not_a_whole_number", "from"),
    (lambda c: checkpoints.entry(c, 6), "entry_not_found", "seq"),
])
def test_proof_requests_out_of_range_are_refused_naming_the_field(audit, ask, rule, field):
    append(audit, 1, 4)
    make(audit)
    append(audit, 5, 5)
    with audit.connect() as connection, pytest.raises(DomainError) as got:
        ask(connection)
    assert (got.value.rule, got.value.field) == (rule, field)
    assert field in got.value.message


def test_without_a_checkpoint_a_size_must_be_given(audit):
    append(audit, 1, 2)
    with audit.connect() as connection:
        with pytest.raises(checkpoints.NoCheckpoint) as got:
            checkpoints.inclusion(connection, 1)
        assert got.value.field == "size" and got.value.kind == "not_found"
        assert checkpoints.inclusion(connection, 1, 2)["checkpoint"] is None


# -- the service -----------------------------------------------------------------------------

@pytest.fixture
def audit_service(db_url, apart, container_factory, service_config):
    """The audit service on a ledger of four entries; started with no key: it makes one."""
    engine = make_engine(db_url)
    migrate(engine, SERVICES["audit"].migrations_path)
    append(engine, 1, 4)
    config = service_config(db_url)
    with structlog.testing.capture_logs() as logged:
        container = container_factory(AuditService, config)
        container.start()
    container.logged = logged
    container.engine = engine
    container.config = config
    yield container
    engine.dispose()


def test_the_service_makes_its_key_at_the_first_start_and_logs_the_verifier_key(
        audit_service, apart):
    key_file = apart / "keys" / "audit-signing.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    verifier_key = keys.verifier_key_text()
    started = [line for line in audit_service.logged
               if line.get("event") == "audit checkpoints signed"]
    assert started and started[0]["verifier_key"] == verifier_key


def test_the_timer_checkpoints_only_a_grown_ledger_and_publishes_it(audit_service, apart):
    def round_():
        with entrypoint_hook(audit_service, "checkpoint_when_grown") as checkpoint_round:
            checkpoint_round()

    round_()
    round_()
    append(audit_service.engine, 5, 6)
    round_()
    with audit_service.engine.connect() as connection:
        kept = checkpoints.kept(connection)
    assert [checkpoint.open(n, keys.verifier()).size for n in kept] == [4, 6]
    assert witness.DirectoryWitness(apart / "witness").notes() == kept


def test_the_rpcs_and_who_may_call_them(audit_service, assertion):
    office = assertion("clerk", "office")
    with ClusterRpcProxy(audit_service.config) as cluster:
        audit = cluster.audit
        with pytest.raises(Refused) as none_yet:
            audit.checkpoint(assertion("portal", "public"))
        assert none_yet.value.kind == "not_found"
        assert audit.key(assertion("portal", "public")) == keys.verifier_key_text()

        with pytest.raises(Refused) as refused:
            audit.make_checkpoint(assertion("inspector", "supervisor"))
        assert refused.value.kind == "forbidden"
        made = audit.make_checkpoint(office)
        assert (made["size"], made["origin"]) == (4, keys.DEFAULT_ORIGIN)
        assert audit.checkpoint(assertion("portal", "public")) == made["note"]
        assert checkpoint.open(made["note"], keys.verifier()).root == base64.b64decode(
            made["root"])

        supervisor = assertion("inspector", "supervisor")
        assert audit.entry(supervisor, 2)["seq"] == 2
        proof = audit.inclusion_proof(supervisor, 3)
        assert (proof["size"], proof["checkpoint"]) == (4, made["note"])
        assert audit.consistency_proof(supervisor, 2)["to"] == 4
        for call in (lambda who: audit.entry(who, 1),
                     lambda who: audit.inclusion_proof(who, 1),
                     lambda who: audit.consistency_proof(who, 1),
                     lambda who: audit.verify(who)):
            with pytest.raises(Refused) as refused:
                call(assertion("ent", "enterprise", uscc="91360702MA35G0QX4J"))
            assert refused.value.kind == "forbidden"
        with pytest.raises(Refused) as refused:
            audit.inclusion_proof(supervisor, 5)
        assert (refused.value.kind, refused.value.field) == ("invalid", "seq")
        with pytest.raises(Refused) as refused:
            audit.consistency_proof(supervisor, 1, 9)
        assert (refused.value.kind, refused.value.field) == ("invalid", "to")

        verdict = audit.verify(supervisor)
        assert verdict["ok"] is True and verdict["witnessed"] == 1
        assert verdict["newest_witnessed"]["size"] == 4 and verdict["holds_to"] == 4


def test_the_service_s_verdict_catches_a_rechained_tail_the_chain_does_not(
        audit_service, assertion):
    office = assertion("clerk", "office")
    with ClusterRpcProxy(audit_service.config) as cluster:
        cluster.audit.make_checkpoint(office)
        engine = audit_service.engine
        with engine.begin() as connection:
            beneath_the_triggers(connection)
            connection.execute(sa.text("DELETE FROM ledger WHERE seq >= 3"))
            drop_tree_from(connection, 3)
            for n in (3, 4):
                forged = event(n)
                forged.payload["note"] = "已办结"
                ledger.append(connection, "tickets", n, forged)
        verdict = cluster.audit.verify(assertion("inspector", "supervisor"))
    assert verdict["chain"]["ok"] is True
    assert verdict["ok"] is False
    assert (verdict["first_bad_seq"], verdict["last_bad_seq"]) == (1, 4)
    assert verdict["checkpoint"]["size"] == 4
    assert "seq 1..4 differ from the witnessed checkpoint of size 4" in verdict["reason"]


def beneath_the_triggers(connection: sa.Connection) -> None:
    """What a table owner can do: take the ledger's and its tree's triggers away."""
    for table in ("ledger", "ledger_tree", "ledger_checkpoints"):
        if is_sqlite(connection.engine):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_refuse_update")
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_refuse_delete")
        else:
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")


def drop_tree_from(connection: sa.Connection, seq: int) -> None:
    """Take away every stored node over entry `seq` or a later one."""
    nodes = connection.execute(sa.select(tree.ledger_tree.c.level, tree.ledger_tree.c.idx)).all()
    for level, idx in nodes:
        if ((idx + 1) << level) >= seq:  # its last leaf, seq-wise
            connection.execute(tree.ledger_tree.delete().where(
                (tree.ledger_tree.c.level == level) & (tree.ledger_tree.c.idx == idx)))
