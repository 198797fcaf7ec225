"""The deadline watch with two replicas racing on one store: each missed deadline is recorded
once. And the ledger's read model, dropped and rebuilt from the log, comes back the same."""
import datetime as dt
from pathlib import Path

import eventlet
import sqlalchemy as sa
from nameko.testing.services import entrypoint_hook

from kernel.actor import Actor
from kernel.database import make_engine, migrate
from kernel.store import EventStore
from services.tickets import projections
from services.tickets.domain import Ticket
from services.tickets.service import TicketsService

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "tickets" / "migrations"
OFFICE = Actor(sub="clerk", role="office")
LONG_AGO = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
CODES = ["91360702MA35G0QX4J", "91360700MA35F1AB2W", "91360702MA38ABCD1D"]


def seed(engine) -> list[str]:
    """Three appeals dispatched in March and never signed for."""
    store = EventStore(engine, projectors=[projections.project])
    ids = []
    for n, code in enumerate(CODES):
        with store.unit_of_work() as uow:
            ticket = Ticket.raise_appeal(
                f"t-{n}", ledger_number=f"GZ-2026-{n + 1:06d}", enterprise_name=f"企业{n}",
                uscc=code, title=f"问题{n}", description="久拖未决。", channel="letter",
                category="financing", county="nankang", at=LONG_AGO, actor=OFFICE)
            ticket.dispatch(lead_unit="nankang-finance", at=LONG_AGO, actor=OFFICE)
            uow.save(ticket)
        ids.append(ticket.id)
    return ids


def missed_counts(engine) -> dict:
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT stream_id, payload FROM events WHERE type = 'TicketDeadlineMissed'")).all()
    counts = {}
    for row in rows:
        counts[row.stream_id] = counts.get(row.stream_id, 0) + 1
    return counts


def test_two_replicas_record_each_missed_deadline_once(db_url, container_factory, service_config):
    engine = make_engine(db_url)
    migrate(engine, MIGRATIONS)
    ids = seed(engine)
    replicas = [container_factory(TicketsService, service_config(db_url, RELAY_ENABLED=False))
                for _ in range(2)]
    for replica in replicas:
        replica.start()

    def sweep(container):
        with entrypoint_hook(container, "watch_deadlines") as watch:
            watch()

    for _ in range(2):  # racing, then once more: still nothing doubled
        for thread in [eventlet.spawn(sweep, r) for r in replicas]:
            thread.wait()
    assert missed_counts(engine) == {ticket_id: 1 for ticket_id in ids}
    with engine.connect() as connection:
        overdue = connection.execute(sa.text(
            "SELECT id, overdue, next_due FROM ticket_rows ORDER BY id")).all()
    assert [(r.id, bool(r.overdue), r.next_due) for r in overdue] == [(i, True, None) for i in ids]
    engine.dispose()


def test_read_model_rebuilds_to_the_same_rows(db_url):
    engine = make_engine(db_url)
    migrate(engine, MIGRATIONS)
    seed(engine)

    def rows():
        with engine.connect() as connection:
            return (connection.execute(sa.select(projections.ticket_rows)
                                       .order_by(projections.ticket_rows.c.id)).all(),
                    connection.execute(sa.select(projections.ticket_units)
                                       .order_by(projections.ticket_units.c.ticket_id)).all())

    before = rows()
    with engine.begin() as connection:  # the read model is lost or corrupted
        connection.execute(sa.text("DELETE FROM ticket_units"))
        connection.execute(sa.text("UPDATE ticket_rows SET status = 'closed'"))
    assert projections.rebuild(engine) == 3
    assert rows() == before
    engine.dispose()
