"""The generic rules table (`kernel.rules_table`): a row refuses a status by the row's own error,
then the table's, then `otherwise`, then the status-does-not-allow error; an own-unit row checks
in order (exists, role, unit, status); the matrix prints what the rows say; and the campaign's
shared words build the services' vocabularies."""
import dataclasses
import datetime as dt

import pytest

from kernel import campaign, rules_table
from kernel.actor import Actor
from kernel.aggregate import Aggregate
from kernel.errors import DomainError, Forbidden, NaiveTime, NotFound
from kernel.vocabulary import LabelledEnum


class Lamp(LabelledEnum):
    OFF = "off", "关"
    ON = "on", "开"
    BROKEN = "broken", "坏"


class NoRole(Forbidden):
    rule = "no_role"

    def __init__(self, role, doing, allowed):
        super().__init__(f"a {role} may not {doing}; only {' or '.join(allowed)} may")


class WrongState(DomainError):
    rule = "wrong_state"

    def __init__(self, doing, status, allowed):
        super().__init__(f"cannot {doing} in {status}; only in {', '.join(allowed)}")


class Broken(DomainError):
    rule = "broken"

    def __init__(self, doing):
        super().__init__(f"the lamp is broken; you cannot {doing}")


class AlreadyOn(DomainError):
    rule = "already_on"

    def __init__(self, doing):
        super().__init__(f"already on; you cannot {doing}")


class NoLamp(NotFound):
    rule = "no_lamp"

    def __init__(self, lamp_id):
        super().__init__(f"no lamp {lamp_id}")


class NotYourLamp(Forbidden):
    rule = "not_your_lamp"

    def __init__(self, unit, owner, doing):
        super().__init__(f"only {owner} may {doing}; {unit} is not it")


@dataclasses.dataclass(frozen=True)
class Row(rules_table.OwnUnitRow):
    acts_on = "the lamp"
    role_not_allowed = NoRole
    status_does_not_allow = WrongState
    final_refusals = {Lamp.BROKEN: Broken}
    not_found = NoLamp
    not_own_unit = NotYourLamp
    status_type = Lamp


RULES = rules_table.table(
    Row("switch_on", ("unit_officer", "office"), (Lamp.OFF,), otherwise=AlreadyOn),
    Row("switch_off", ("unit_officer",), (Lamp.ON,)),
    Row("repair", ("system",), (Lamp.BROKEN,), own_unit=False, doing="repair it"),
)


@dataclasses.dataclass
class FakeLamp:
    id: str = "lamp-1"
    exists: bool = True
    status: str = "off"
    owner: str = "hall"


NOW = dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)
officer = Actor("li", "unit_officer", unit="hall")
stranger = Actor("wang", "unit_officer", unit="yard")
office = Actor("clerk", "office")


def refused(command, lamp, actor):
    with pytest.raises(DomainError) as caught:
        RULES[command].check(lamp, actor, lamp.owner)
    return caught.value


def test_doing_is_the_command_and_what_it_acts_on_unless_given():
    assert RULES["switch_on"].doing == "switch on the lamp"
    assert RULES["repair"].doing == "repair it"


def test_a_status_is_refused_by_the_row_then_the_table_then_otherwise_then_by_default():
    switch_on, switch_off = RULES["switch_on"], RULES["switch_off"]
    assert switch_on.refusal(Lamp.OFF) is None
    assert switch_on.refusal(Lamp.BROKEN) is Broken
    assert switch_on.refusal(Lamp.ON) is AlreadyOn
    assert switch_off.refusal(Lamp.OFF) is WrongState
    own = Row("switch_on", ("office",), (Lamp.OFF,), refused={Lamp.BROKEN: AlreadyOn})
    assert own.refusal(Lamp.BROKEN) is AlreadyOn


def test_the_checks_run_in_order_with_each_errors_words():
    assert isinstance(refused("switch_on", FakeLamp(exists=False), Actor("x", "leader")), NoLamp)
    assert refused("switch_on", FakeLamp(status="broken"), Actor("x", "leader")).message == (
        "a leader may not switch on the lamp; only unit_officer or office may")
    assert isinstance(refused("switch_on", FakeLamp(status="broken"), stranger), NotYourLamp)
    assert refused("switch_on", FakeLamp(status="broken"), officer).message == (
        "the lamp is broken; you cannot switch on the lamp")
    assert refused("switch_off", FakeLamp(), officer).message == (
        "cannot switch off the lamp in off; only in on")
    assert RULES["switch_on"].check(FakeLamp(), office, "hall") is RULES["switch_on"]
    assert RULES["repair"].check(FakeLamp(status="broken"), Actor("t", "system"), None)


def test_the_matrix_prints_each_row_with_the_tables_own_columns():
    assert rules_table.matrix(RULES, Lamp) == """\
| command | roles | own unit | off | on | broken |
|---|---|---|---|---|---|
| switch_on | unit_officer, office | ✓ | ✓ | already_on | broken |
| switch_off | unit_officer | ✓ | · | ✓ | broken |
| repair | system |  | · | · | ✓ |"""
    assert rules_table.matrix(RULES, Lamp, ["repair"]).splitlines()[2:] == [
        "| repair | system |  | · | · | ✓ |"]


def test_an_aggregate_begins_a_command_by_its_rules_table_and_records_for_the_actor():
    class Switch(Aggregate):
        def _check(self, command, actor):
            RULES[command].check(self, actor, "hall")

        status = "off"

        def when_SwitchedOn(self, fact):
            self.status = "on"

    switch = Switch("lamp-2")
    with pytest.raises(NoLamp):
        switch._begin("switch_on", NOW, officer)
    switch._record_fact("SwitchedOn", {}, NOW, office)
    assert switch.pending()[0].actor == "office:clerk"
    with pytest.raises(AlreadyOn):
        switch._begin("switch_on", NOW, officer)
    with pytest.raises(NaiveTime):
        switch._begin("switch_off", dt.datetime(2026, 5, 1), officer)
    with pytest.raises(NotImplementedError):
        Aggregate("x")._begin("anything", NOW, office)


def test_the_campaigns_cost_categories_and_counties():
    assert list(campaign.COST_CATEGORIES)[-2:] == [campaign.COMPREHENSIVE, "other"]
    assert len(campaign.COST_CATEGORIES) == 10 and len(campaign.COUNTIES) == 21
    assert all(code.isascii() and code == code.lower() for code in campaign.COUNTIES)
