"""Near-duplicate appeals, on SQLite and PostgreSQL: a new appeal is compared with the
enterprise's most recent open appeals only, newest first, and linked to the first that it
copies; closed appeals and other enterprises' are never candidates."""
import datetime as dt
import random
from pathlib import Path

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from kernel.actor import Actor
from kernel.database import make_engine, migrate, reading
from kernel.store import EventStore
from services.tickets.appeals import queries, views
from services.tickets.appeals.domain import Ticket
from services.tickets.appeals.duplicates import CANDIDATES
from services.tickets.service import TicketsService

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "tickets" / "migrations"
OFFICE = Actor(sub="clerk", role="office")
UNIT_OFFICER = Actor(sub="officer", role="unit_officer", unit="nankang-finance")
USCC, OTHER_USCC = "91360703MA37K8L9PN", "91360702MA35G0QX4J"
START = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
WORDS = "贷款贴息资金厂房用地用电增容招工培训物流通关退税发票审批环评消防验收租金补贴专利人才"


def text(n: int) -> str:
    """An appeal's description unlike every other one's."""
    rng = random.Random(n)
    return "".join(rng.choice(WORDS) for _ in range(80))


def fields(n: int, uscc: str = USCC) -> dict:
    return {"enterprise_name": "南康某企业", "uscc": uscc, "title": f"诉求{n}",
            "description": text(n), "channel": "email", "category": "logistics",
            "county": "nankang"}


def closed(ticket: Ticket, at: dt.datetime) -> None:
    ticket.dispatch(lead_unit="nankang-finance", at=at, actor=OFFICE)
    ticket.sign_for(at=at, actor=UNIT_OFFICER)
    ticket.classify(way="unsolvable", explanation="超出地方事权", at=at, actor=UNIT_OFFICER)
    ticket.resolve(summary="已答复", at=at, actor=UNIT_OFFICER)
    ticket.rate(rating="satisfied", at=at, actor=OFFICE)
    ticket.close_off(at=at, actor=OFFICE)


@pytest.fixture
def engine(db_url):
    """Appeals 0-24 of one enterprise, received an hour apart; 24 closed; 100 another's."""
    engine = make_engine(db_url)
    migrate(engine, MIGRATIONS)
    store = EventStore(engine, projectors=[views.project])
    with store.unit_of_work() as uow:
        for n in [*range(25), 100]:
            at = START + dt.timedelta(hours=n)
            ticket = Ticket.raise_appeal(f"t-{n}", ledger_number=f"GZ-2025-{n + 1:06d}", at=at,
                                         actor=OFFICE, **fields(n, OTHER_USCC if n == 100 else USCC))
            if n == 24:
                closed(ticket, at)
            uow.save(ticket)
    yield engine
    engine.dispose()


def test_the_candidates_are_the_most_recent_open_appeals_of_the_enterprise(engine):
    with reading(engine) as connection:
        found = queries.open_appeals_of(connection, USCC, limit=CANDIDATES)
    assert [c["id"] for c in found] == [f"t-{n}" for n in range(23, 23 - CANDIDATES, -1)]
    assert found[0] == {"id": "t-23", "title": "诉求23", "description": text(23)}


def test_a_copy_links_only_to_a_candidate(engine, db_url, container_factory, service_config):
    config = service_config(db_url, RELAY_ENABLED=False)
    container_factory(TicketsService, config).start()
    office = assertion({"sub": "clerk", "role": "office"})
    with ClusterRpcProxy(config) as cluster:
        recent = cluster.tickets.raise_appeal(office, {**fields(20), "channel": "hotline"})
        # Appeal 2 is open but older than the 20 most recent: a copy of it is a new appeal.
        older = cluster.tickets.raise_appeal(office, fields(2))
        of_closed = cluster.tickets.raise_appeal(office, fields(24))
        of_other = cluster.tickets.raise_appeal(office, fields(100))
    assert (recent["id"], recent["linked_to_open_appeal"]) == ("t-20", True)
    for raised in (older, of_closed, of_other):
        assert raised["linked_to_open_appeal"] is False and not raised["id"].startswith("t-")
