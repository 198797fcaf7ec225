"""The register of units as a service other than liaison keeps it (kernel.units), on SQLite and
PostgreSQL: kept from the liaison service's UnitRegistered and UnitChanged, unchanged by a
redelivery, not undone by an older event arriving late, each read through the liaison service's
declared model (an undeclared field refused, a catalogue lacking a field refused at once); the
counties, zones and the office known without registration; an unknown unit refused naming the
field."""
import uuid

import pydantic
import pytest
import sqlalchemy as sa

from kernel import units
from kernel.campaign import COUNTIES
from kernel.envelope import Event
from kernel.events import Catalogue, Payload, declare
from kernel.reactions import ACTED, DUPLICATE, SKIPPED, Reactor
from kernel.store import EventStore
from services.liaison.events import EVENTS as LIAISON

SUBSCRIPTIONS = units.subscriptions(LIAISON)
REACTIONS = SUBSCRIPTIONS["liaison"]


def event(code: str, version: int, type_: str, payload: dict) -> Event:
    return Event(event_id=str(uuid.uuid4()), stream_id=code, stream_type="unit",
                 version=version, type=type_,
                 occurred_at=f"2026-04-{version:02d}T02:00:00.000000Z", actor="office:li",
                 correlation_id="c", causation_id="", payload=payload)


def registration(code: str, name: str = "市财政局", kind: str = "city_department",
                 county: str | None = None) -> Event:
    return event(code, 1, "UnitRegistered", {"code": code, "name": name, "kind": kind,
                                             "county": county})


def renamed(code: str, version: int, name: str) -> Event:
    return event(code, version, "UnitChanged", {"name": name})


@pytest.fixture
def store(migrated_engine):
    """A service's store: the kernel's tables, and known_units as a service's migration makes it
    (here from the helper's own definition)."""
    units.metadata.create_all(migrated_engine)
    return EventStore(migrated_engine)


def take(store: EventStore, *events: Event) -> None:
    """Each event through its reaction in a unit of work, as the Reactor runs it (without its
    duplicate check: the projection must not need it)."""
    for given in events:
        with store.unit_of_work() as uow:
            REACTIONS[given.type](uow, given)


def rows(store: EventStore) -> list[dict]:
    with store.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(
            sa.select(units.known_units).order_by(units.known_units.c.code))]


def check(store: EventStore, field: str, code):
    with store.engine.connect() as connection:
        return units.check_unit(connection, field, code)


def test_a_registered_unit_is_known_and_follows_its_renaming(store):
    take(store, registration("finance"), registration("ruijin", "瑞金市", "county", "ruijin"))
    assert rows(store) == [
        {"code": "finance", "name": "市财政局", "kind": "city_department", "county": None,
         "version": 1},
        {"code": "ruijin", "name": "瑞金市", "kind": "county", "county": "ruijin", "version": 1}]
    take(store, renamed("finance", 2, "市财政局(国资委)"))
    with store.engine.connect() as connection:
        assert units.unit(connection, "finance")["name"] == "市财政局(国资委)"
        assert units.unit(connection, "finance")["version"] == 2
        assert units.unit(connection, "nowhere") is None
    assert check(store, "issuing_unit", "finance") == "finance"


def test_a_redelivered_event_changes_nothing(store):
    stream = [registration("finance"), renamed("finance", 2, "财政局"),
              renamed("finance", 3, "市财政局"), registration("commerce", "市商务局")]
    take(store, *stream)
    before = rows(store)
    take(store, *stream)
    take(store, *reversed(stream))
    assert rows(store) == before
    assert before[1] == {"code": "finance", "name": "市财政局", "kind": "city_department",
                         "county": None, "version": 3}


def test_an_older_event_arriving_late_does_not_undo_a_newer_one(store):
    take(store, renamed("finance", 3, "市财政局(新)"))
    # a change is only recorded of a registered unit: known already, kind still to come
    assert rows(store) == [{"code": "finance", "name": "市财政局(新)", "kind": None,
                            "county": None, "version": 3}]
    assert check(store, "unit", "finance") == "finance"
    take(store, renamed("finance", 2, "市财政局(旧)"), registration("finance", "市财政局"))
    # the late registration fills in what no newer event set, and nothing else
    assert rows(store) == [{"code": "finance", "name": "市财政局(新)",
                            "kind": "city_department", "county": None, "version": 3}]


def test_the_counties_zones_and_office_are_always_known(store):
    assert len(COUNTIES) == 21 and units.OFFICE in units.ALWAYS_KNOWN
    for code in (*COUNTIES, "office"):
        assert check(store, "issuing_unit", code) == code
    with store.engine.connect() as connection:
        units.check_units(connection, "units", ["zhanggong", "ganzhou_etdz", "office"])
        assert units.known(connection, ["zhanggong", "nowhere", "office"]) == {
            "zhanggong", "office"}
    assert rows(store) == []


def test_an_unknown_unit_is_refused_naming_the_field(store):
    take(store, registration("finance"))
    with pytest.raises(units.UnknownUnit) as refused:
        check(store, "issuing_unit", " city-hr-bureau ")
    error = refused.value
    assert (error.rule, error.kind, error.field) == ("unknown_unit", "invalid", "issuing_unit")
    assert "'city-hr-bureau'" in error.message
    assert "register of units kept by the liaison service" in error.message
    with store.engine.connect() as connection:
        with pytest.raises(units.UnknownUnit) as refused:
            units.check_units(connection, "units", ["finance", "zhanggong", "nowhere"])
    assert refused.value.field == "units[2]"
    # what is not a code at all is left to the caller's own checks
    for value in (None, "", "  ", 7):
        assert check(store, "issuing_unit", value) == value


def test_the_reactor_takes_the_liaison_events_in_once(store):
    fetched = []
    reactor = Reactor(units.CONSUMER, store, SUBSCRIPTIONS,
                      lambda source, after, limit: fetched.append(after) or [])
    other = Event(event_id=str(uuid.uuid4()), stream_id="p1", stream_type="park", version=1,
                  type="ParkRegistered", occurred_at="2026-04-01T02:00:00.000000Z",
                  actor="office:li", correlation_id="c", causation_id="",
                  payload={"id": "p1", "name": "园区", "county": "zhanggong"})
    stream = [registration("finance"), other, renamed("finance", 2, "财政局")]
    messages = [{"service": "liaison", "position": position, "previous_position": position - 1,
                 "event": given.to_dict()} for position, given in enumerate(stream, start=1)]
    assert [reactor.receive(message) for message in messages] == [ACTED, SKIPPED, ACTED]
    assert reactor.receive(messages[0]) == DUPLICATE
    assert rows(store)[0]["name"] == "财政局" and not fetched


def test_a_field_the_liaison_service_does_not_declare_is_refused_and_nothing_is_kept(store):
    stray = event("finance", 1, "UnitRegistered", {"code": "finance", "name": "市财政局",
                                                  "kind": "city_department", "county": None,
                                                  "parent": "city"})
    with pytest.raises(pydantic.ValidationError):
        take(store, stray)
    with pytest.raises(pydantic.ValidationError):
        take(store, event("finance", 2, "UnitChanged", {"name": "财政局", "kind": "county"}))
    assert rows(store) == []


class UnitRegistered(Payload):
    code: str
    name: str
    kind: str


class UnitChanged(Payload):
    name: str


def test_a_catalogue_lacking_what_the_register_reads_is_refused_as_it_is_handed_in():
    lacking = Catalogue("liaison", declare(UnitRegistered, why="test"),
                        declare(UnitChanged, why="test"))
    with pytest.raises(TypeError, match=r"UnitRegistered no longer declares \['county'\]"):
        units.subscriptions(lacking)
    with pytest.raises(TypeError, match="not policy's"):
        units.subscriptions(Catalogue("policy", declare(UnitChanged, why="test")))
    assert set(REACTIONS) == set(units.READS) == {"UnitRegistered", "UnitChanged"}
