"""Migration t0006 on SQLite and PostgreSQL: the rows of appeals received before types existed
keep their deadlines and read as untyped, and the ledger's new filters find them not."""
import json

import sqlalchemy as sa

from kernel.actor import Actor
from kernel.database import make_engine, migrate
from services.tickets.appeals import queries
from test_migrations import TICKETS_MIGRATIONS, upgrade_to

OLD_STATE = {"id": "t1", "lead_unit": "hr_bureau", "assisting_units": [],
             "deadlines": {"sign": "2026-03-03T15:59:59.999999Z", "first_response": None,
                           "resolution": None},
             "step_days": {"sign": 1, "first_response": 3, "resolution": 15}}


def test_t0006_leaves_the_appeals_already_projected_untyped_with_their_deadlines(db_url):
    engine = make_engine(db_url)
    try:
        upgrade_to(engine, "t0005")
        with engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO ticket_rows (id, ledger_number, uscc, enterprise_name, title, "
                "channel, category, county, status, received_at, overdue, next_due, version, "
                "state) VALUES ('t1', 'GZ-2026-000001', '91360700MA35F0001E', '赣州某企业', "
                "'诉求', 'hotline', 'labour', 'nankang', 'dispatched', "
                "'2026-03-02T01:00:00.000000Z', false, '2026-03-03T15:59:59.999999Z', 2, :state)"),
                {"state": json.dumps(OLD_STATE)})
        migrate(engine, TICKETS_MIGRATIONS)
        office = Actor("clerk", "office")
        with engine.connect() as connection:
            row = connection.execute(sa.text(
                "SELECT appeal_type, urgency, next_due, state FROM ticket_rows")).one()
            indexes = {i["name"] for i in sa.inspect(connection).get_indexes("ticket_rows")}
            typed = queries.page(connection, office, {"appeal_type": "complaint"}, None, 50)
            everything = queries.page(connection, office, {}, None, 50)
        assert (row.appeal_type, row.urgency) == (None, None)
        assert row.next_due == "2026-03-03T15:59:59.999999Z"
        assert json.loads(row.state) == OLD_STATE  # nothing rewritten
        assert {"ix_ticket_rows_appeal_type", "ix_ticket_rows_urgency"} <= indexes
        assert typed["items"] == []
        [line] = everything["items"]
        assert (line["appeal_type"], line["urgency"], line["contact_phone"]) == (None, None, None)
    finally:
        engine.dispose()
