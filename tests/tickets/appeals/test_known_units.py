"""The tickets service checks the units a command names against the register of units the
liaison service keeps (kernel.units), on SQLite and PostgreSQL: a dispatch or redispatch naming an
unknown lead or assisting unit, a route to an unknown unit and a unit officer of an unknown unit
are refused as `unknown_unit`, naming the field, and nothing is written. Who may dispatch or edit
the routing table is told first; a lead unit taken from the routing table was checked when its
route was set."""
import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from kernel.database import make_engine
from kernel.errors import Refused
from kernel.store import events
from registered_units import known_units
from services.tickets.service import TicketsService

OFFICE = {"sub": "clerk-li", "role": "office"}
LEAD, ASSISTING = "nankang-commerce", "city-customs"
OFFICER = {"sub": "officer-wang", "role": "unit_officer", "unit": LEAD}
APPEAL = {"enterprise_name": "南康家具产业园某企业", "uscc": "91360703MA37K8L9PN",
          "title": "实木家具出口检验周期长", "description": "出口检验排队超过十天，影响交货。",
          "channel": "email", "category": "logistics", "county": "nankang"}


@pytest.fixture
def cluster(db_url, container_factory, service_config):
    config = service_config(db_url, RELAY_ENABLED=False)
    container_factory(TicketsService, config).start()
    known_units(db_url, LEAD, ASSISTING, service="tickets")
    with ClusterRpcProxy(config) as proxy:
        yield proxy


def event_count(db_url) -> int:
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()
    finally:
        engine.dispose()


def refused(call, *args) -> Refused:
    with pytest.raises(Refused) as raised:
        call(*args)
    return raised.value


def test_unknown_units_are_refused_by_field_and_change_nothing(cluster, db_url):
    office = assertion(OFFICE)
    ticket_id = cluster.tickets.raise_appeal(office, APPEAL)["id"]
    before = event_count(db_url)

    for fields, field in [
            ({"lead_unit": "city-unheard-of"}, "lead_unit"),
            ({"lead_unit": LEAD, "assisting_units": [ASSISTING, "city-unheard-of"]},
             "assisting_units[1]")]:
        refusal = refused(cluster.tickets.act, office, ticket_id, "dispatch", fields)
        assert (refusal.rule, refusal.kind, refusal.field) == ("unknown_unit", "invalid", field)
    refusal = refused(cluster.tickets.set_route, office,
                      {"category": "logistics", "county": "nankang", "unit": "city-unheard-of"})
    assert (refusal.rule, refusal.field) == ("unknown_unit", "unit")
    assert cluster.tickets.routes(office)["routes"] == []
    assert cluster.tickets.get_ticket(office, ticket_id)["status"] == "received"
    assert event_count(db_url) == before

    # Who may edit the table (or dispatch, below) is told before whether the unit is known.
    assert refused(cluster.tickets.set_route, assertion(OFFICER), {
        "category": "logistics", "county": "nankang", "unit": "city-unheard-of"}).rule \
        == "role_not_allowed"

    # Known units, and the counties always: a route, a dispatch by it, a redispatch.
    cluster.tickets.set_route(office, {"category": "logistics", "county": "*", "unit": LEAD})
    dispatched = cluster.tickets.act(office, ticket_id, "dispatch",
                                     {"assisting_units": [ASSISTING, "nankang"]})
    assert (dispatched["lead_unit"], dispatched["assisting_units"]) == (LEAD, [ASSISTING, "nankang"])
    assert refused(cluster.tickets.act, assertion(OFFICER), ticket_id, "redispatch", {
        "lead_unit": "city-unheard-of", "reason": "职责调整"}).rule == "role_not_allowed"
    before = event_count(db_url)
    refusal = refused(cluster.tickets.act, office, ticket_id, "redispatch",
                      {"lead_unit": "city-unheard-of", "reason": "职责调整"})
    assert (refusal.rule, refusal.field) == ("unknown_unit", "lead_unit")
    assert event_count(db_url) == before
    assert cluster.tickets.act(office, ticket_id, "redispatch", {
        "lead_unit": ASSISTING, "reason": "职责调整"})["lead_unit"] == ASSISTING


def test_a_unit_officer_of_an_unknown_unit_is_refused(cluster, db_url):
    """Its appeal was dispatched before the register was kept (its events written directly)."""
    office = assertion(OFFICE)
    ticket_id = cluster.tickets.raise_appeal(office, APPEAL)["id"]
    cluster.tickets.act(office, ticket_id, "dispatch", {"lead_unit": LEAD})
    stranger = {"sub": "officer-he", "role": "unit_officer", "unit": "city-unheard-of"}
    # An officer of a unit not involved is refused as before: it may not read the appeal.
    assert refused(cluster.tickets.act, assertion(stranger), ticket_id, "sign-for",
                   {}).rule == "unit_not_involved"
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM known_units WHERE code = :code"),
                               {"code": LEAD})
    finally:
        engine.dispose()
    before = event_count(db_url)
    refusal = refused(cluster.tickets.act, assertion(OFFICER), ticket_id, "sign-for", {})
    assert (refusal.rule, refusal.field) == ("unknown_unit", "unit")
    assert event_count(db_url) == before
