"""`huiqi rebuild-projections NAME|all` on small SQLite stores: the read models come back from the
log, and the progress bar on stderr shows how many streams were refolded and at what rate."""
import datetime as dt
import os
import re
import subprocess
import sys

import pytest
import sqlalchemy as sa

from huiqi.__main__ import main
from kernel import settings
from kernel.actor import Actor
from kernel.database import make_engine, migrate
from kernel.store import EventStore
from services.registry import SERVICES
from services.tickets import projections
from services.tickets.appeals import views
from services.tickets.appeals.domain import Ticket

# The stores are SQLite files the tests make themselves.
pytestmark = pytest.mark.service

OFFICE = Actor(sub="clerk", role="office")
AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
CODES = ["91360702MA35G0QX4J", "91360700MA35F1AB2W", "91360702MA38ABCD1D"]
# tqdm's bar once closed: "tickets: 100%|██████████| 3/3 [00:00<00:00, 41.27 streams/s]", or, at
# less than one a second, the seconds each: "1.52s/ streams".
RATE = r"(\d+\.\d+ streams/s|\d+\.\d+s/ streams)"


def seeded_tickets(url: str, appeals: int) -> sa.Engine:
    """A tickets store with `appeals` appeals dispatched, and its read model then lost."""
    engine = make_engine(url)
    migrate(engine, SERVICES["tickets"].migrations_path)
    store = EventStore(engine, projectors=[projections.project])
    for n, code in enumerate(CODES[:appeals]):
        with store.unit_of_work() as uow:
            ticket = Ticket.raise_appeal(
                f"t-{n}", ledger_number=f"GZ-2026-{n + 1:06d}", enterprise_name=f"企业{n}",
                uscc=code, title=f"问题{n}", description="久拖未决。", channel="letter",
                category="financing", county="nankang", at=AT, actor=OFFICE)
            ticket.dispatch(lead_unit="nankang-finance", at=AT, actor=OFFICE)
            uow.save(ticket)
    with engine.begin() as connection:
        connection.execute(views.ticket_units.delete())
        connection.execute(views.ticket_rows.delete())
    return engine


def ticket_rows(engine: sa.Engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            sa.select(views.ticket_rows.c.id, views.ticket_rows.c.status,
                      views.ticket_rows.c.lead_unit)
            .order_by(views.ticket_rows.c.id))]


def test_the_command_rebuilds_the_tickets_read_model_with_a_progress_bar(tmp_path):
    url = f"sqlite:///{tmp_path / 'tickets.db'}"
    engine = seeded_tickets(url, 3)
    assert ticket_rows(engine) == []

    done = subprocess.run([sys.executable, "-m", "huiqi", "rebuild-projections", "tickets"],
                          env={**os.environ, "TICKETS_DATABASE_URL": url,
                               "HUIQI_VAR_DIR": str(tmp_path)},
                          cwd=settings.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "tickets: 3 streams refolded\n"
    assert re.search(rf"tickets: 100%\|.*\| 3/3 \[.*, *{RATE}\]", done.stderr), done.stderr
    assert ticket_rows(engine) == [("t-0", "dispatched", "nankang-finance"),
                                   ("t-1", "dispatched", "nankang-finance"),
                                   ("t-2", "dispatched", "nankang-finance")]
    engine.dispose()


def test_all_rebuilds_every_rebuildable_service_in_turn(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HUIQI_VAR_DIR", str(tmp_path))
    for service in SERVICES.rebuildable:
        monkeypatch.delenv(f"{service.upper()}_DATABASE_URL", raising=False)
    engine = seeded_tickets(settings.database_url("tickets"), 2)

    assert main(["rebuild-projections", "all"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{service}: {2 if service == 'tickets' else 0} streams refolded"
        for service in SERVICES.rebuildable]
    assert re.search(rf"tickets: 100%\|.*\| 2/2 \[.*, *{RATE}\]", err), err
    for service in SERVICES.rebuildable:
        assert f"{service}: " in err
    assert [row[1] for row in ticket_rows(engine)] == ["dispatched", "dispatched"]
    engine.dispose()
