"""The deadline watch with two replicas racing on one store: each missed deadline is recorded
once, one replica sweeps at a time, and a sweep loads only the appeals that are due. And the
ledger's read model, dropped and rebuilt from the log, comes back the same."""
import datetime as dt
from pathlib import Path

import eventlet
import sqlalchemy as sa
from nameko.testing.services import entrypoint_hook
from prometheus_client import REGISTRY

from kernel.actor import Actor
from kernel.database import make_engine, migrate
from kernel.store import EventStore
from services.tickets.appeals import views
from services.tickets.appeals.domain import Ticket
from services.registry import SERVICES
from services.tickets.service import TicketsService

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "tickets" / "migrations"
OFFICE = Actor(sub="clerk", role="office")
LONG_AGO = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
CODES = ["91360702MA35G0QX4J", "91360700MA35F1AB2W", "91360702MA38ABCD1D"]


def seed(engine) -> list[str]:
    """Three appeals dispatched in March and never signed for."""
    store = EventStore(engine, projectors=[views.project])
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
            return (connection.execute(sa.select(views.ticket_rows)
                                       .order_by(views.ticket_rows.c.id)).all(),
                    connection.execute(sa.select(views.ticket_units)
                                       .order_by(views.ticket_units.c.ticket_id)).all())

    before = rows()
    with engine.begin() as connection:  # the read model is lost or corrupted
        connection.execute(sa.text("DELETE FROM ticket_units"))
        connection.execute(sa.text("UPDATE ticket_rows SET status = 'closed'"))
    assert views.rebuild(engine) == 3
    assert rows() == before
    engine.dispose()


# -- the sweep reads only what is due ---------------------------------------------------------

UNIT = "nankang-finance"
UNIT_OFFICER = Actor(sub="officer", role="unit_officer", unit=UNIT)


def appeal(n: int, at: dt.datetime) -> Ticket:
    return Ticket.raise_appeal(
        f"t-{n}", ledger_number=f"GZ-2026-{n:06d}", enterprise_name=f"企业{n}",
        uscc=CODES[n % len(CODES)], title=f"问题{n}", description="请协调解决。", channel="letter",
        category="financing", county="nankang", at=at, actor=OFFICE)


def resolved(n: int, at: dt.datetime) -> Ticket:
    """Taken from receipt to resolution within the hour: every deadline met."""
    ticket = appeal(n, at)
    ticket.dispatch(lead_unit=UNIT, at=at + dt.timedelta(minutes=10), actor=OFFICE)
    ticket.sign_for(at=at + dt.timedelta(minutes=20), actor=UNIT_OFFICER)
    ticket.classify(way="unsolvable", explanation="超出地方事权,已向企业解释",
                    at=at + dt.timedelta(minutes=30), actor=UNIT_OFFICER)
    ticket.resolve(summary="已答复企业", at=at + dt.timedelta(minutes=40), actor=UNIT_OFFICER)
    return ticket


def seed_mostly_not_due(engine) -> dict[str, set[str]]:
    """1,000 appeals with nothing due (received, dispatched or resolved just now) and three
    that are due: one never signed for since March, two resolved in March and never rated."""
    store = EventStore(engine, projectors=[views.project])
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    with store.unit_of_work() as uow:
        for n in range(1, 1001):
            if n % 10 == 0:
                ticket = resolved(n, now)
            else:
                ticket = appeal(n, now)
                if n % 2:
                    ticket.dispatch(lead_unit=UNIT, at=now + dt.timedelta(minutes=5), actor=OFFICE)
            uow.save(ticket)
        late = appeal(1001, LONG_AGO)
        late.dispatch(lead_unit=UNIT, at=LONG_AGO, actor=OFFICE)
        uow.save(late)
        uow.save(resolved(1002, LONG_AGO))
        uow.save(resolved(1003, LONG_AGO))
    return {"mark_overdue": {"t-1001"}, "close_off_unrated": {"t-1002", "t-1003"}}


def commands_run(command: str) -> float:
    return REGISTRY.get_sample_value(
        "huiqi_command_seconds_count", {"service": "tickets", "command": command}) or 0.0


def facts(engine, event_type: str) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(sa.text("SELECT stream_id FROM events WHERE type = :t"),
                                      {"t": event_type}).scalars())


def test_the_sweep_loads_only_the_due_appeals(db_url, container_factory, service_config):
    engine = make_engine(db_url)
    migrate(engine, MIGRATIONS)
    due = seed_mostly_not_due(engine)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM ticket_rows")).scalar() == 1003
    container = container_factory(TicketsService, service_config(db_url, RELAY_ENABLED=False))
    container.start()
    before = {command: commands_run(command) for command in due}
    with entrypoint_hook(container, "watch_deadlines") as watch:
        watch()
    # One command (one appeal loaded) per due appeal, none for the thousand others.
    assert {command: commands_run(command) - before[command] for command in due} == \
        {command: len(ids) for command, ids in due.items()}
    assert facts(engine, "TicketDeadlineMissed") == due["mark_overdue"]
    assert facts(engine, "TicketClosedOff") == due["close_off_unrated"]
    engine.dispose()


def test_one_replica_sweeps_at_a_time(make_pg_url, container_factory, service_config):
    lock = SERVICES["tickets"].lock("watch_deadlines")
    url = make_pg_url()
    engine = make_engine(url)
    migrate(engine, MIGRATIONS)
    ids = seed(engine)
    container = container_factory(TicketsService, service_config(url, RELAY_ENABLED=False))
    container.start()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as other_replica:
        other_replica.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": lock})
        with entrypoint_hook(container, "watch_deadlines") as watch:
            watch()
        assert missed_counts(engine) == {}  # another replica's turn: this one skipped the round
        other_replica.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": lock})
    with entrypoint_hook(container, "watch_deadlines") as watch:
        watch()
    assert missed_counts(engine) == {ticket_id: 1 for ticket_id in ids}
    engine.dispose()
