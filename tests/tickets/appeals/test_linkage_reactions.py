"""The leaders' linkage as the tickets service keeps it from the liaison service's events
(`reactions.LINKAGE_SUBSCRIPTIONS`), on the tickets service's own migrated store: each event read
through the liaison service's declared model, so one carrying a field the model does not declare,
or lacking one it requires, is refused and writes nothing; the tables hold the linkage as the
events say it now is, a changed profile moving an enterprise's park only when it names one."""
import dataclasses

import pydantic
import pytest
import sqlalchemy as sa

from kernel.database import make_engine, migrate
from kernel.settings import ROOT
from kernel.store import EventStore
from linkage_facts import (
    enterprise_changed, enterprise_registered, leader_registered, liaison_appointed, linkage,
    linkage_changed, plan_accepted, visit_recorded,
)
from services.liaison.events import EVENTS as LIAISON
from services.tickets.appeals import reactions, views

REACTIONS = reactions.LINKAGE_SUBSCRIPTIONS["liaison"]
FIRST, SECOND, THIRD = "91360702MA35G0QX4J", "91360700MA35F1AB2W", "91360702MA38ABCD1D"

# One event of every type the linkage takes in, its payload whole.
EVERY_TYPE = [
    leader_registered("mayor", "top_city"),
    plan_accepted(linkage("mayor", "top_city", "park-ganxian", [FIRST])),
    linkage_changed("county-head", "county", None, [THIRD]),
    enterprise_registered(SECOND, "park-ganxian"),
    enterprise_changed(SECOND, 2, park=None),
    liaison_appointed("cadre-chen", "mayor"),
    visit_recorded("visit-1", "mayor", FIRST),
]


@pytest.fixture
def store(make_sqlite_url):
    engine = make_engine(make_sqlite_url())
    migrate(engine, ROOT / "services" / "tickets" / "migrations")
    yield EventStore(engine)
    engine.dispose()


def take_in(store: EventStore, *events) -> None:
    for event in events:
        with store.unit_of_work() as uow:
            REACTIONS[event.type](uow, event)


def tables(store: EventStore) -> dict[str, list[tuple]]:
    with store.engine.connect() as connection:
        return {table.name: sorted(tuple(row) for row in connection.execute(sa.select(table)))
                for table in views.LINKAGE_TABLES}


def test_the_events_given_here_are_what_the_liaison_service_declares():
    assert {event.type for event in EVERY_TYPE} == set(REACTIONS)
    for event in EVERY_TYPE:
        LIAISON.parse(event)


@pytest.mark.parametrize("event", EVERY_TYPE, ids=lambda event: event.type)
def test_a_field_the_liaison_service_does_not_declare_is_refused_and_nothing_is_written(
        store, event):
    stray = dataclasses.replace(event, payload={**event.payload, "undeclared": "x"})
    with pytest.raises(pydantic.ValidationError, match="undeclared"):
        take_in(store, stray)
    assert not any(tables(store).values())


@pytest.mark.parametrize("event", [e for e in EVERY_TYPE if e.type != "EnterpriseProfileChanged"],
                         ids=lambda event: event.type)
def test_a_payload_lacking_a_declared_field_is_refused(store, event):
    lacking = dict(event.payload)
    lacking.pop(next(iter(lacking)))
    with pytest.raises(pydantic.ValidationError):
        take_in(store, dataclasses.replace(event, payload=lacking))
    assert not any(tables(store).values())


def test_the_linkage_is_what_the_events_say_it_now_is(store):
    take_in(store, leader_registered("mayor", "top_city"),
            leader_registered("county-head", "county", "ruijin"),
            enterprise_registered(SECOND, "park-ganxian"), enterprise_registered(THIRD, None),
            plan_accepted(linkage("mayor", "top_city", "park-ganxian", [FIRST, FIRST])),
            linkage_changed("county-head", "county", None, [THIRD]),
            liaison_appointed("cadre-chen", "mayor"), visit_recorded("visit-1", "mayor", FIRST))
    assert tables(store) == {
        "linked_leaders": [("county-head",), ("mayor",)],
        "leader_linkages": [("county-head", "county", None), ("mayor", "top_city", "park-ganxian")],
        "linked_enterprises": [("county-head", THIRD), ("mayor", FIRST)],
        "enterprise_parks": [(SECOND, "park-ganxian"), (THIRD, None)],
        "liaison_appointments": [("cadre-chen", "mayor")],
        "visit_leaders": [("visit-1", "mayor", FIRST)],
    }

    # A change that names no park leaves the enterprise where it is; one naming None takes it
    # out of its park, and again changes nothing more.
    renamed = enterprise_changed(SECOND, 2, name="新名称")
    take_in(store, renamed)
    assert tables(store)["enterprise_parks"] == [(SECOND, "park-ganxian"), (THIRD, None)]
    moved = enterprise_changed(SECOND, 3, park=None)
    take_in(store, moved, moved)
    assert tables(store)["enterprise_parks"] == [(SECOND, None), (THIRD, None)]

    # A later plan sets every city leader's linkage and leaves the county leader's alone.
    take_in(store, plan_accepted(linkage("mayor", "top_city", None, [SECOND])))
    after = tables(store)
    assert after["leader_linkages"] == [("county-head", "county", None),
                                        ("mayor", "top_city", None)]
    assert after["linked_enterprises"] == [("county-head", THIRD), ("mayor", SECOND)]
