"""The register of units in tracking, on each store: the liaison service's UnitRegistered /
UnitChanged (made by its own `Unit` aggregate) appended to the ledger and folded with their
seqs; the notice's 21 counties, districts and zones known unregistered; and the year-end
assessment computed by the audit's RPC over every county, zone and city department under its
registered name — a unit with no appeal too, unscored."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from kernel.store import write_checkpoint
from kernel.actor import Actor
from kernel.clock import OFFICE_TIME
from kernel.envelope import Event, format_time
from kernel.store import EventStore
from services.audit import ledger
from services.supervision.tracking import views as tracking
from services.supervision.cases import views
from services.supervision.assessment.rpc import AssessmentRpc
from services.liaison.registry.domain import Unit
from ledger_fold import declared, refold

OFFICE = Actor(sub="clerk", role="office")


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=OFFICE_TIME)


class Book:
    def __init__(self, engine):
        self.engine = engine
        self.position: dict[str, int] = {}
        self.versions: dict[str, int] = {}

    def enter(self, service, stream_type, stream_id, type_, when, payload) -> int:
        self.versions[stream_id] = self.versions.get(stream_id, 0) + 1
        self.position[service] = self.position.get(service, 0) + 1
        event = Event(event_id=str(uuid.uuid4()), stream_id=stream_id, stream_type=stream_type,
                      version=self.versions[stream_id], type=type_,
                      occurred_at=format_time(when), actor="office:clerk", correlation_id="c",
                      causation_id="c", payload=declared(stream_type, type_, payload))
        with self.engine.begin() as connection:
            seq = ledger.append(connection, service, self.position[service], event)
            tracking.track(connection, seq, service, event)
            write_checkpoint(connection, tracking.CHECKPOINT, seq)  # as the follower does
        return seq

    def unit(self, unit: Unit, fact) -> int:
        return self.enter("liaison", "unit", unit.id, fact.type, fact.occurred_at, fact.payload)


@pytest.fixture
def engine(ledger_engine):
    return ledger_engine


def register(book: Book, code: str, name: str, kind: str, when) -> tuple[Unit, int]:
    unit = Unit(code)
    seq = book.unit(unit, unit.register(name=name, kind=kind, at=when, actor=OFFICE))
    return unit, seq


def test_the_register_folds_registrations_and_renamings(engine):
    book = Book(engine)
    with engine.connect() as connection:
        # nothing registered yet: the notice's 21 counties, districts and zones, by name
        known = tracking.units(connection)
        kinds = tracking.unit_kinds(connection)
    assert len(known) == 21
    assert known["zhanggong"] == "章贡区" and known["ganzhou_etdz"] == "赣州经开区"
    assert (kinds["ruijin"], kinds["ruijin_etdz"]) == ("county", "zone")
    assert sum(kind == "zone" for kind in kinds.values()) == 3

    finance, registered = register(book, "city_finance", "赣州市财政局", "city_department",
                                   at(1, 5))
    renamed = book.unit(finance, finance.change({"name": "市财政局"}, at=at(3, 1),
                                                actor=OFFICE))
    _, county = register(book, "zhanggong", "章贡区人民政府", "county", at(1, 6))
    with engine.connect() as connection:
        register_ = tracking.unit_register(connection)
        departments = tracking.units(connection, kinds=["city_department"])
    assert register_["city_finance"] == {"name": "市财政局", "kind": "city_department",
                                         "county": None, "seqs": [registered, renamed]}
    # the county's registered name replaces the notice's
    assert register_["zhanggong"]["name"] == "章贡区人民政府"
    assert register_["zhanggong"]["seqs"] == [county]
    assert departments == {"city_finance": "市财政局"}
    assert len(register_) == 22

    # the table is the fold of the ledger
    with engine.begin() as connection:
        connection.execute(tracking.units_table.update().values(name="篡改"))
        refold(connection)
        assert tracking.unit_register(connection) == register_


def test_the_assessment_names_every_registered_unit_and_counts_those_without_appeals(engine):
    book = Book(engine)
    register(book, "city_finance", "市财政局", "city_department", at(1, 5))
    register(book, "city_land", "市自然资源局", "city_department", at(1, 5, 11))
    # an appeal led by the finance bureau, signed, resolved and rated satisfied
    p = {"resolution_due": format_time(at(2, 20)), "first_response_due": format_time(at(2, 5))}
    book.enter("tickets", "ticket", "T1", "TicketRaised", at(2, 1),
               {"title": "退税", "uscc": "91360702MA35G0QX4J"})
    book.enter("tickets", "ticket", "T1", "TicketDispatched", at(2, 2),
               {"lead_unit": "city_finance", "sign_due": format_time(at(2, 3))})
    book.enter("tickets", "ticket", "T1", "TicketSignedFor", at(2, 2, 15), p)
    book.enter("tickets", "ticket", "T1", "TicketResolved", at(2, 10), {"summary": "已办结"})
    book.enter("tickets", "ticket", "T1", "TicketRated", at(2, 11), {"rating": "satisfied"})
    # and one led by a unit the register does not hold
    book.enter("tickets", "ticket", "T2", "TicketRaised", at(2, 1),
               {"title": "用工", "uscc": "91360700MA35F1AB2W"})
    book.enter("tickets", "ticket", "T2", "TicketDispatched", at(2, 2),
               {"lead_unit": "city_water", "sign_due": format_time(at(2, 3))})

    store = EventStore(engine, projectors=[views.project])
    with store.unit_of_work() as uow:
        computed = AssessmentRpc._assess(uow, 2026, {})
    units = {u.unit: u for u in computed.units}
    # 21 counties and zones, two registered departments, one unregistered unit with an appeal
    assert len(units) == 24
    assert (units["city_finance"].name, units["city_land"].name) == ("市财政局", "市自然资源局")
    assert units["nankang"].name == "南康区" and units["longnan_etdz"].name == "龙南经开区"
    assert units["city_water"].name == "city_water"
    # the finance bureau is scored and ranked first; the land bureau and the counties, with no
    # appeal, appear unscored
    assert units["city_finance"].score is not None and units["city_finance"].rank == 1
    assert (units["city_land"].score, units["city_land"].rank) == (None, None)
    assert (units["xunwu"].score, units["xunwu"].rank) == (None, None)

    # the office may still name the units to assess: their registered names are used
    with store.unit_of_work() as uow:
        chosen = AssessmentRpc._assess(uow, 2026, {"units": ["city_land", "ruijin"]})
    assert [(u.unit, u.name) for u in chosen.units] == [("city_land", "市自然资源局"),
                                                       ("ruijin", "瑞金市")]
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count())
                                  .select_from(tracking.units_table)).scalar() == 2
