"""The audit ledger on SQLite and PostgreSQL: a chain that verifies, refuses change, and names
the first entry altered beneath its triggers."""
import datetime as dt
import json

import pytest
import sqlalchemy as sa

from kernel.database import is_sqlite, make_engine, migrate
from kernel.envelope import Event, format_time
from services.audit import ledger
from services.audit.chain import GENESIS, entry_hash
from services.registry import SERVICES

AT = dt.datetime(2026, 5, 6, 8, 0, tzinfo=dt.timezone.utc)


def event(n: int) -> Event:
    return Event(event_id=f"00000000-0000-0000-0000-{n:012d}", stream_id=f"t-{n % 3}",
                 stream_type="ticket", version=n, type="ProgressNoted", occurred_at=format_time(AT),
                 actor="office:clerk", correlation_id="c", causation_id="k",
                 payload={"note": f"第{n}次跟进", "n": n})


@pytest.fixture
def ledger_engine(db_url):
    engine = make_engine(db_url)
    migrate(engine, SERVICES["audit"].migrations_path)
    with engine.begin() as connection:
        for n in range(1, 6):
            ledger.append(connection, "tickets", n, event(n))
    yield engine
    engine.dispose()


def test_chain_verifies_and_links(ledger_engine):
    with ledger_engine.connect() as connection:
        verdict = ledger.verify_ledger(connection)
        rows = connection.execute(sa.select(ledger.ledger).order_by(ledger.ledger.c.seq)).all()
    assert verdict.ok and verdict.entries == 5
    assert verdict.head_hash == rows[-1].hash
    assert rows[0].prev_hash == GENESIS
    for before, after in zip(rows, rows[1:]):
        assert after.prev_hash == before.hash
    first = rows[0]
    assert first.hash == entry_hash(GENESIS, first.event.encode("utf-8"))
    assert json.loads(first.event)["payload"]["note"] == "第1次跟进"


@pytest.mark.parametrize("statement", [
    "UPDATE ledger SET type = 'Forged' WHERE seq = 2",
    "DELETE FROM ledger WHERE seq = 5",
])
def test_update_and_delete_are_refused(ledger_engine, statement):
    with pytest.raises(sa.exc.DBAPIError) as refused:
        with ledger_engine.begin() as connection:
            connection.execute(sa.text(statement))
    assert "append-only" in str(refused.value)
    with ledger_engine.connect() as connection:
        assert ledger.verify_ledger(connection).to_dict()["entries"] == 5


def test_row_altered_beneath_the_trigger_is_reported_at_its_seq(ledger_engine):
    forged = json.loads(event(3).canonical())
    forged["payload"]["note"] = "已解决"  # rewriting history
    with ledger_engine.begin() as connection:
        if is_sqlite(ledger_engine):
            connection.exec_driver_sql("DROP TRIGGER ledger_refuse_update")
        else:
            connection.exec_driver_sql("ALTER TABLE ledger DISABLE TRIGGER ledger_append_only")
        connection.execute(sa.text("UPDATE ledger SET event = :e WHERE seq = 3"),
                           {"e": json.dumps(forged, ensure_ascii=False)})
    with ledger_engine.connect() as connection:
        verdict = ledger.verify_ledger(connection).to_dict()
    assert verdict["ok"] is False
    assert verdict["first_bad_seq"] == 3
    assert verdict["entries"] == 2
    assert "hash" in verdict["reason"]


def test_removed_entry_is_reported(ledger_engine):
    with ledger_engine.begin() as connection:
        if is_sqlite(ledger_engine):
            connection.exec_driver_sql("DROP TRIGGER ledger_refuse_delete")
        else:
            connection.exec_driver_sql("ALTER TABLE ledger DISABLE TRIGGER ledger_append_only")
        connection.execute(sa.text("DELETE FROM ledger WHERE seq = 2"))
    with ledger_engine.connect() as connection:
        verdict = ledger.verify_ledger(connection).to_dict()
    assert verdict["ok"] is False and verdict["first_bad_seq"] == 3
