"""The RoutingTable aggregate (谁主管、谁负责, notice 二(四)2): a county's route wins over the
category's city-wide one, setting a route it already has records nothing, and each rule is
refused by its named exception with nothing recorded."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kernel import errors
from kernel.actor import Actor
from services.tickets.routing.domain import RoutingTable
from services.tickets.routing.exceptions import RouteNotFound

SHANGHAI = ZoneInfo("Asia/Shanghai")
office = Actor("clerk", "office")
finance = Actor("li", "unit_officer", unit="finance_bureau")


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


def types(facts):
    return [fact.type for fact in facts]


def test_routes_fall_back_to_the_city_wide_route():
    table = RoutingTable()
    assert table.id == "routing-table" and table.stream_type == "routing_table"
    table.set_route(category="financing", county="*", unit="finance_bureau", at=at(3, 1), actor=office)
    table.set_route(category="financing", county="nankang", unit="nankang_finance", at=at(3, 1), actor=office)
    assert table.unit_for("financing", "nankang") == "nankang_finance"
    assert table.unit_for("financing", "zhanggong") == "finance_bureau"
    assert table.unit_for("labour", "zhanggong") is None
    assert table.set_route(category="financing", county="*", unit="finance_bureau", at=at(3, 1), actor=office) == []
    table.remove_route(category="financing", county="nankang", at=at(3, 2), actor=office)
    assert table.unit_for("financing", "nankang") == "finance_bureau"
    assert types(table.pending()) == ["RouteSet", "RouteSet", "RouteRemoved"]
    assert RoutingTable.replay(table.id, table.pending()).snapshot() == table.snapshot()


def test_route_rules():
    table = RoutingTable()
    for error, kwargs in [
        (errors.RoleNotAllowed, {"category": "financing", "county": "*", "unit": "u", "actor": finance}),
        (errors.UnknownCode, {"category": "luck", "county": "*", "unit": "u", "actor": office}),
        (errors.FieldRequired, {"category": "financing", "county": "*", "unit": "", "actor": office}),
    ]:
        with pytest.raises(error):
            table.set_route(at=at(3, 1), **kwargs)
    with pytest.raises(RouteNotFound):
        table.remove_route(category="financing", county="*", at=at(3, 1), actor=office)
    assert table.pending() == []
