"""The tickets service's permission table against its rules table and its wire contract, pure:
a row per command of the API, naming exactly the roles its rule lets act, a unit officer as lead
unit where the rule wants the lead unit; reads for every role with a scope of its own, the
stack's own role for catching up only."""
from kernel.permissions import Scope
from services.tickets.appeals import contract, rules
from services.tickets.appeals.access import LINKED, SEE_ALL, scope_of
from services.tickets.routing.access import routes_shown
from kernel.actor import Actor
from services.tickets.permissions import PERMISSIONS


def test_every_command_of_the_api_has_the_roles_its_rule_names():
    assert set(PERMISSIONS.actions("act")) == set(contract.ACTIONS)
    assert PERMISSIONS.dispatch == {"act": "action"}
    for name, action in contract.ACTIONS.items():
        rule = rules.RULES[action.method]
        row = PERMISSIONS.row(f"act.{name}")
        assert set(row.roles) == set(rule.roles) - {"system"}, name
        if "unit_officer" in row.roles:
            wanted = Scope.OWN_UNIT if rule.unit == rules.LEAD else Scope.INVOLVED_UNIT
            assert row.scope("unit_officer") is wanted, name


def test_readers_each_have_their_scope_and_no_one_else_reads():
    for operation in ("list_tickets", "get_ticket", "history", "export_tickets"):
        row = PERMISSIONS.row(operation)
        assert row.grants == {
            "enterprise": Scope.OWN_ENTERPRISE, "unit_officer": Scope.INVOLVED_UNIT,
            "office": Scope.EVERY_ROW, "supervisor": Scope.EVERY_ROW,
            "leader": Scope.LEADER_LINKAGE, "liaison": Scope.LIAISON_APPOINTMENT}, operation
    assert "leader" not in SEE_ALL and LINKED == {"leader", "liaison"}
    assert scope_of(Actor("mayor", "leader")) == {"leader": "mayor"}
    assert scope_of(Actor("cadre", "liaison")) == {"liaison": "cadre"}
    assert PERMISSIONS.row("events_after").roles == ("system",)


def test_the_routing_table_is_shown_whole_to_oversight_and_by_line_to_a_unit():
    assert set(PERMISSIONS.row("routes").roles) == {"office", "supervisor", "unit_officer"}
    table = {"id": "routing-table", "version": 2, "routes": [
        {"category": "labour", "county": "*", "unit": "hr"},
        {"category": "financing", "county": "*", "unit": "finance"}]}
    assert routes_shown(Actor("clerk", "office"), table) == table
    assert routes_shown(Actor("o", "unit_officer", unit="hr"), table)["routes"] == [
        table["routes"][0]]
    assert routes_shown(Actor("mayor", "leader"), table)["routes"] == []


def test_a_leader_or_liaison_officer_reads_one_appeal_only_within_the_linkage():
    import pytest
    from services.tickets.appeals.access import check_may_read
    from services.tickets.appeals.exceptions import NotInLinkage
    appeal = {"uscc": "91360702MA35G0QX4J", "lead_unit": "hr", "assisting_units": []}
    for who in (Actor("mayor", "leader"), Actor("cadre", "liaison")):
        with pytest.raises(NotInLinkage) as refused:
            check_may_read(who, appeal)
        assert refused.value.kind == "forbidden"
        check_may_read(who, appeal, in_linkage=True)
    check_may_read(Actor("inspector", "supervisor"), appeal)


def test_a_county_coordination_names_a_county_not_a_zone_or_department():
    import pytest
    from services.tickets.appeals.domain import check_coordinating_county
    from services.tickets.appeals.exceptions import NotACounty
    check_coordinating_county("nankang", "county")
    for kind in ("zone", "city_department", None):
        with pytest.raises(NotACounty) as refused:
            check_coordinating_county("somewhere", kind)
        assert (refused.value.field, refused.value.kind) == ("county_unit", "invalid")
