"""The tickets read model's migrations, on SQLite and PostgreSQL: t0003 fills the receipt time
of every unit row already projected, so a unit's ledger stays complete across the upgrade."""
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from kernel.database import MIGRATIONS, make_engine, migrate

TICKETS_MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "tickets" / "migrations"


def upgrade_to(engine: sa.Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("version_locations",
                           f"{MIGRATIONS / 'versions'} {TICKETS_MIGRATIONS}")
    config.set_main_option("path_separator", "space")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_t0003_gives_each_unit_row_its_appeals_receipt(db_url):
    engine = make_engine(db_url)
    try:
        upgrade_to(engine, "t0002")
        row = {"ledger_number": "GZ-2026-000001", "uscc": "91360700MA35F0001E",
               "enterprise_name": "赣州某企业", "title": "诉求", "channel": "hotline",
               "category": "labour", "county": "nankang", "status": "dispatched",
               "overdue": False, "version": 2, "state": "{}"}
        with engine.begin() as connection:
            for n, received in enumerate(["2026-03-02T01:00:00.000000Z",
                                          "2026-03-03T01:00:00.000000Z"], start=1):
                connection.execute(sa.text(
                    "INSERT INTO ticket_rows (id, ledger_number, uscc, enterprise_name, title, "
                    "channel, category, county, status, received_at, overdue, version, state) "
                    "VALUES (:id, :ledger_number, :uscc, :enterprise_name, :title, :channel, "
                    ":category, :county, :status, :received_at, :overdue, :version, :state)"),
                    {**row, "id": f"t{n}", "ledger_number": f"GZ-2026-00000{n}",
                     "received_at": received})
                connection.execute(sa.text(
                    "INSERT INTO ticket_units (ticket_id, unit) VALUES (:t, 'hr_bureau'), "
                    "(:t, 'finance_bureau')"), {"t": f"t{n}"})
        migrate(engine, TICKETS_MIGRATIONS)
        with engine.connect() as connection:
            filled = connection.execute(sa.text(
                "SELECT ticket_id, unit, received_at FROM ticket_units "
                "ORDER BY ticket_id, unit")).all()
            indexes = {i["name"] for i in sa.inspect(connection).get_indexes("ticket_units")}
        assert [tuple(r) for r in filled] == [
            ("t1", "finance_bureau", "2026-03-02T01:00:00.000000Z"),
            ("t1", "hr_bureau", "2026-03-02T01:00:00.000000Z"),
            ("t2", "finance_bureau", "2026-03-03T01:00:00.000000Z"),
            ("t2", "hr_bureau", "2026-03-03T01:00:00.000000Z")]
        assert "ix_ticket_units_unit_newest" in indexes
    finally:
        engine.dispose()


def test_t0005_gives_each_appeal_already_projected_the_visit_it_was_raised_from(db_url):
    engine = make_engine(db_url)
    try:
        upgrade_to(engine, "t0004")
        with engine.begin() as connection:
            for n, payload in enumerate(['{"uscc": "x", "visit_id": "visit-7"}', '{"uscc": "y"}'],
                                        start=1):
                connection.execute(sa.text(
                    "INSERT INTO events (position, event_id, stream_id, stream_type, version, "
                    "type, occurred_at, actor, correlation_id, causation_id, payload) VALUES (:n, :e, "
                    ":s, 'ticket', 1, 'TicketRaised', '2026-03-02T01:00:00.000000Z', "
                    "'office:clerk', 'c', '', :p)"),
                    {"n": n, "e": f"e{n}", "s": f"t{n}", "p": payload})
                connection.execute(sa.text(
                    "INSERT INTO ticket_rows (id, ledger_number, uscc, enterprise_name, title, "
                    "channel, category, county, status, received_at, overdue, version, state) "
                    "VALUES (:id, :number, '91360700MA35F0001E', '赣州某企业', '诉求', 'visit', "
                    "'labour', 'nankang', 'received', '2026-03-02T01:00:00.000000Z', false, 1, "
                    "'{}')"), {"id": f"t{n}", "number": f"GZ-2026-00000{n}"})
        migrate(engine, TICKETS_MIGRATIONS)
        with engine.connect() as connection:
            visits = connection.execute(sa.text(
                "SELECT id, visit_id FROM ticket_rows ORDER BY id")).all()
            tables = set(sa.inspect(connection).get_table_names())
        assert [tuple(r) for r in visits] == [("t1", "visit-7"), ("t2", None)]
        assert {"linked_leaders", "leader_linkages", "linked_enterprises", "enterprise_parks",
                "liaison_appointments", "visit_leaders"} <= tables
    finally:
        engine.dispose()
