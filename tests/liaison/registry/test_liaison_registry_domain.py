"""The registry's aggregates, plain Python: enterprises registered with a checked credit code, a
known county and a park in it, their profiles changed field by field, their tiers rated with who
rated and when; parks, units, leaders and the leading group; each refusal named, naming the
field, and nothing recorded."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from kernel.actor import Actor
from kernel.campaign import COUNTIES, ENTERPRISE_SIZES, OPERATING_TIERS
from kernel.errors import (
    FieldRequired, InvalidCreditCode, NaiveTime, UnexpectedField, UnknownCode,
)
from services.liaison.registry import rules
from services.liaison.registry.domain import Enterprise, Leader, LeadingGroup, Park, Unit
from services.liaison.registry.exceptions import (
    CountyNotExpected, CountyRequired, DepartmentCodeIsACounty, DuplicateMember,
    EnterpriseAlreadyRegistered, EnterpriseNotFound, InvalidId, LeaderAlreadyRegistered,
    NotAFlag, NothingChanged, NotOwnCounty, ParkAlreadyRegistered, ParkNotFound,
    ParkNotInCounty, RoleNotAllowed, UnitCodeNotACounty, UnitCountyMismatch, UnknownCounty,
    UnknownPark, UnknownUnit,
)
from services.liaison.registry.vocabulary import (
    COUNTY_CODES, ZONES, EnterpriseSize, OperatingTier,
)
from services.policy import vocabulary as policy_vocabulary

AT = dt.datetime(2026, 5, 12, 9, 30, tzinfo=dt.timezone.utc)
USCC = "91360702MA35G0QX4J"
OFFICE = Actor(sub="clerk-li", role="office")
ZHANGGONG = Actor(sub="officer-wang", role="unit_officer", unit="zhanggong")
NANKANG = Actor(sub="officer-zhao", role="unit_officer", unit="nankang")
ENTERPRISE = Actor(sub="boss", role="enterprise", uscc=USCC)
PARKS = {"zhanggong-park": "zhanggong", "nankang-park": "nankang"}


def registration(**overrides) -> dict:
    fields = {"name": "赣州稀土集团", "county": "zhanggong", "park": "zhanggong-park",
              "industry": "稀土", "size": "large", "above_designated_size": True,
              "parks": PARKS, "at": AT, "actor": OFFICE}
    fields.update(overrides)
    return fields


def registered(**overrides) -> Enterprise:
    enterprise = Enterprise(USCC)
    enterprise.register(**registration(**overrides))
    return enterprise


def refused(error, call, *args, **kwargs):
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    return caught.value


# -- the shared tables ---------------------------------------------------------------------------

def test_tiers_and_sizes_are_the_campaigns_and_policy_speaks_them():
    assert OPERATING_TIERS == {"good": "较好", "average": "一般", "difficult": "困难"}
    assert ENTERPRISE_SIZES == {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
    for ours, policys in ((OperatingTier, policy_vocabulary.OperatingTier),
                          (EnterpriseSize, policy_vocabulary.EnterpriseSize)):
        assert [(m.name, m.value, m.label) for m in ours] == \
               [(m.name, m.value, m.label) for m in policys]
    assert policy_vocabulary.OperatingTier.GOOD.label == "较好"
    assert len(COUNTY_CODES) == 18 and len(ZONES) == 3
    assert set(COUNTY_CODES) | set(ZONES) == set(COUNTIES)


# -- enterprises ---------------------------------------------------------------------------------

def test_an_enterprise_is_registered_with_its_whole_profile():
    enterprise = registered()
    [fact] = enterprise.pending()
    assert fact.type == "EnterpriseRegistered"
    assert fact.payload == {"uscc": USCC, "name": "赣州稀土集团", "county": "zhanggong",
                            "park": "zhanggong-park", "industry": "稀土", "size": "large",
                            "above_designated_size": True}
    state = enterprise.snapshot()
    assert state["tier"] is None and state["ratings"] == []
    assert state["registered_by"] == "office:clerk-li"


def test_a_county_officer_registers_its_own_countys_enterprises_only():
    assert registered(actor=ZHANGGONG).county == "zhanggong"
    error = refused(NotOwnCounty, registered, actor=NANKANG)
    assert error.field == "county"
    refused(RoleNotAllowed, registered, actor=ENTERPRISE)


@pytest.mark.parametrize("overrides, error, field", [
    ({"county": "beijing"}, UnknownCounty, "county"),
    ({"county": None}, FieldRequired, "county"),
    ({"park": "nowhere"}, UnknownPark, "park"),
    ({"park": "nankang-park"}, ParkNotInCounty, "park"),
    ({"name": "  "}, FieldRequired, "name"),
    ({"industry": None}, FieldRequired, "industry"),
    ({"size": "huge"}, UnknownCode, "size"),
    ({"above_designated_size": "yes"}, NotAFlag, "above_designated_size"),
    ({"at": dt.datetime(2026, 5, 12)}, NaiveTime, "at"),
])
def test_bad_registrations_are_refused_naming_the_field(overrides, error, field):
    enterprise = Enterprise(USCC)
    caught = refused(error, enterprise.register, **registration(**overrides))
    assert caught.field == field
    assert enterprise.pending() == [] and not enterprise.exists


def test_a_bad_credit_code_is_refused_and_a_second_registration_too():
    enterprise = Enterprise("91360702MA35G0QX4K")
    assert refused(InvalidCreditCode, enterprise.register, **registration()).field == "uscc"
    again = registered()
    assert refused(EnterpriseAlreadyRegistered, again.register, **registration()).field == "uscc"


def test_an_enterprise_without_a_park_is_registered_with_park_null():
    assert registered(park=None).park is None
    assert registered(park="").park is None


def test_a_profile_change_records_only_the_fields_that_differ():
    enterprise = registered()
    fact = enterprise.change_profile({"name": "赣州稀土集团有限公司", "size": "large",
                                      "park": None}, at=AT, actor=ZHANGGONG)
    assert fact.type == "EnterpriseProfileChanged"
    assert fact.payload == {"name": "赣州稀土集团有限公司", "park": None}
    refused(NothingChanged, enterprise.change_profile, {"size": "large"}, at=AT, actor=OFFICE)
    assert refused(UnexpectedField, enterprise.change_profile, {"tier": "good"}, at=AT,
                   actor=OFFICE).field == "tier"


def test_moving_an_enterprise_to_another_county_takes_its_park_along_or_is_refused():
    enterprise = registered()
    # its park lies in zhanggong: moving it alone is refused naming the park
    assert refused(ParkNotInCounty, enterprise.change_profile, {"county": "nankang"},
                   parks=PARKS, at=AT, actor=OFFICE).field == "park"
    fact = enterprise.change_profile({"county": "nankang", "park": "nankang-park"},
                                     parks=PARKS, at=AT, actor=OFFICE)
    assert fact.payload == {"county": "nankang", "park": "nankang-park"}


def test_another_countys_officer_neither_edits_nor_rates_nor_moves_it_away():
    enterprise = registered()
    refused(NotOwnCounty, enterprise.change_profile, {"name": "x"}, at=AT, actor=NANKANG)
    refused(NotOwnCounty, enterprise.rate, "good", at=AT, actor=NANKANG)
    assert refused(NotOwnCounty, enterprise.change_profile, {"county": "nankang", "park": None},
                   parks=PARKS, at=AT, actor=ZHANGGONG).field == "county"
    refused(RoleNotAllowed, enterprise.rate, "good", at=AT, actor=ENTERPRISE)
    assert len(enterprise.pending()) == 1


def test_ratings_keep_who_rated_and_when():
    enterprise = registered()
    first = enterprise.rate("difficult", at=AT, actor=ZHANGGONG)
    later = AT + dt.timedelta(days=30)
    enterprise.rate("average", at=later, actor=OFFICE)
    assert first.payload == {"tier": "difficult", "rated_by": "zhanggong"}
    state = enterprise.snapshot()
    assert state["tier"] == "average" and state["rated_by"] == "office"
    assert state["rated_at"] == "2026-06-11T09:30:00.000000Z"
    assert [(r["tier"], r["rated_by"], r["actor"]) for r in state["ratings"]] == [
        ("difficult", "zhanggong", "unit_officer:zhanggong:officer-wang"),
        ("average", "office", "office:clerk-li")]
    assert refused(UnknownCode, enterprise.rate, "excellent", at=AT, actor=OFFICE).field == "tier"


def test_a_replayed_enterprise_is_the_live_one():
    enterprise = registered()
    enterprise.rate("good", at=AT, actor=ZHANGGONG)
    enterprise.change_profile({"industry": "新能源"}, at=AT, actor=OFFICE)
    replayed = Enterprise.replay(USCC, enterprise.pending())
    assert replayed.snapshot() == enterprise.snapshot()


def test_an_unregistered_enterprise_cannot_be_changed_or_rated():
    enterprise = Enterprise(USCC)
    refused(EnterpriseNotFound, enterprise.rate, "good", at=AT, actor=OFFICE)
    refused(EnterpriseNotFound, enterprise.change_profile, {"name": "x"}, at=AT, actor=OFFICE)


def test_the_rules_table_prints():
    table = rules.matrix()
    assert "| change_profile | unit_officer, office | ✓ | ✓ |" in table


# -- parks, units, leaders ----------------------------------------------------------------------

def test_the_office_registers_and_changes_parks():
    park = Park("zhanggong-park")
    fact = park.register(name="章贡高新区", county="zhanggong", at=AT, actor=OFFICE)
    assert fact.type == "ParkRegistered"
    assert fact.payload == {"id": "zhanggong-park", "name": "章贡高新区", "county": "zhanggong"}
    assert park.change({"county": "ganxian"}, at=AT, actor=OFFICE).payload == {
        "county": "ganxian"}
    refused(ParkAlreadyRegistered, park.register, name="x", county="zhanggong", at=AT,
            actor=OFFICE)
    refused(RoleNotAllowed, Park("p2").register, name="x", county="zhanggong", at=AT,
            actor=ZHANGGONG)
    assert refused(UnknownCounty, Park("p2").register, name="x", county="mars", at=AT,
                   actor=OFFICE).field == "county"
    assert refused(InvalidId, Park("p 2").register, name="x", county="zhanggong", at=AT,
                   actor=OFFICE).field == "id"
    refused(ParkNotFound, Park("p3").change, {"name": "x"}, at=AT, actor=OFFICE)


def test_units_are_departments_counties_or_zones():
    department = Unit("finance")
    assert department.register(name="市财政局", kind="city_department", at=AT,
                               actor=OFFICE).payload == {
        "code": "finance", "name": "市财政局", "kind": "city_department", "county": None}
    county = Unit("ruijin")
    assert county.register(name="瑞金市", kind="county", at=AT, actor=OFFICE).payload[
        "county"] == "ruijin"
    zone = Unit("ganzhou_etdz")
    zone.register(name="赣州经开区", kind="zone", county="ganzhou_etdz", at=AT, actor=OFFICE)
    assert zone.county == "ganzhou_etdz"
    for code, kind, county_, error, field in (
            ("ganzhou_etdz", "county", None, UnitCodeNotACounty, "code"),
            ("finance2", "zone", None, UnitCodeNotACounty, "code"),
            ("ruijin", "city_department", None, DepartmentCodeIsACounty, "code"),
            ("tax", "city_department", "ruijin", CountyNotExpected, "county"),
            ("ruijin", "county", "nankang", UnitCountyMismatch, "county"),
            ("tax", "ministry", None, UnknownCode, "kind")):
        assert refused(error, Unit(code).register, name="x", kind=kind, county=county_, at=AT,
                       actor=OFFICE).field == field
    assert department.change({"name": "市财政局(国资委)"}, at=AT, actor=OFFICE).type == "UnitChanged"
    refused(UnexpectedField, department.change, {"kind": "county"}, at=AT, actor=OFFICE)


def test_leaders_have_ranks_and_county_leaders_a_county():
    top = Leader("secretary")
    assert top.register(name="李书记", rank="top_city", title="市委书记", at=AT,
                        actor=OFFICE).payload == {
        "id": "secretary", "name": "李书记", "rank": "top_city", "title": "市委书记",
        "county": None}
    county_leader = Leader("ruijin-secretary")
    county_leader.register(name="王书记", rank="county", title="瑞金市委书记", county="ruijin",
                           at=AT, actor=OFFICE)
    assert county_leader.county == "ruijin"
    assert refused(CountyRequired, Leader("x").register, name="x", rank="county", title="t",
                   at=AT, actor=OFFICE).field == "county"
    assert refused(CountyNotExpected, Leader("x").register, name="x", rank="city", title="t",
                   county="ruijin", at=AT, actor=OFFICE).field == "county"
    assert refused(UnknownCode, Leader("x").register, name="x", rank="mayor", title="t",
                   at=AT, actor=OFFICE).field == "rank"
    refused(LeaderAlreadyRegistered, top.register, name="x", rank="city", title="t", at=AT,
            actor=OFFICE)
    # promoted to the city: the county goes with the rank
    fact = county_leader.change({"rank": "city", "county": None, "title": "副市长"}, at=AT,
                                actor=OFFICE)
    assert fact.payload == {"rank": "city", "county": None, "title": "副市长"}
    refused(CountyRequired, county_leader.change, {"rank": "county"}, at=AT, actor=OFFICE)


# -- the leading group ---------------------------------------------------------------------------

def test_the_leading_group_has_its_office_and_four_working_groups():
    group = LeadingGroup()
    state = group.snapshot()
    assert state["office"] == {"unit": "development_reform", "name": "市发展改革委"}
    assert list(state["groups"]) == ["policy_briefing", "enterprise_help", "problem_solving",
                                     "supervision"]
    fact = group.set_members("enterprise_help", [
        {"name": "张三", "unit": "finance", "role": "head"},
        {"name": "李四", "unit": "development_reform"}], units=["finance"], at=AT, actor=OFFICE)
    assert fact.payload == {"group": "enterprise_help", "members": [
        {"name": "张三", "unit": "finance", "role": "head"},
        {"name": "李四", "unit": "development_reform", "role": "member"}]}
    assert LeadingGroup.replay("leading-group", group.pending()).snapshot() == group.snapshot()


@pytest.mark.parametrize("group, members, error, field", [
    ("fun", [], UnknownCode, "group"),
    ("supervision", [{"name": "张三", "unit": "nowhere"}], UnknownUnit, "members[0].unit"),
    ("supervision", [{"name": "", "unit": "finance"}], FieldRequired, "members[0].name"),
    ("supervision", [{"name": "张三", "unit": "finance", "role": "boss"}], UnknownCode,
     "members[0].role"),
    ("supervision", [{"name": "张三", "unit": "finance"}, {"name": "张三", "unit": "finance"}],
     DuplicateMember, "members[1]"),
])
def test_bad_members_are_refused_naming_the_field(group, members, error, field):
    leading_group = LeadingGroup()
    assert refused(error, leading_group.set_members, group, members, units=["finance"], at=AT,
                   actor=OFFICE).field == field
    assert leading_group.pending() == []


def test_only_the_office_sets_members():
    refused(RoleNotAllowed, LeadingGroup().set_members, "supervision", [], units=[], at=AT,
            actor=ZHANGGONG)


# -- any sequence of changes and ratings ---------------------------------------------------------

CHANGES = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["赣州稀土集团", "中国稀土(赣州)", "赣州新能源"]),
    "county": st.sampled_from(["zhanggong", "nankang"]),
    "park": st.sampled_from([None, "zhanggong-park", "nankang-park"]),
    "industry": st.sampled_from(["稀土", "新能源"]),
    "size": st.sampled_from(list(ENTERPRISE_SIZES)),
    "above_designated_size": st.booleans(),
})
STEPS = st.lists(st.one_of(st.tuples(st.just("change"), CHANGES),
                           st.tuples(st.just("rate"), st.sampled_from(list(OPERATING_TIERS)))),
                 max_size=12)


@settings(max_examples=60, deadline=None)
@given(STEPS)
def test_any_life_replays_to_the_same_enterprise_and_keeps_its_rules(steps):
    enterprise = registered()
    for kind, value in steps:
        before = enterprise.snapshot()
        try:
            if kind == "rate":
                enterprise.rate(value, at=AT, actor=OFFICE)
            else:
                fact = enterprise.change_profile(value, parks=PARKS, at=AT, actor=OFFICE)
                # only what differs is recorded
                assert fact.payload and all(before[f] != v for f, v in fact.payload.items())
        except (NothingChanged, ParkNotInCounty):
            assert enterprise.snapshot() == before  # a refusal changes nothing
        state = enterprise.snapshot()
        # the park always lies in the enterprise's county
        assert state["park"] is None or PARKS[state["park"]] == state["county"]
    assert Enterprise.replay(USCC, enterprise.pending()).snapshot() == enterprise.snapshot()
    ratings = [value for kind, value in steps if kind == "rate"]
    assert [r["tier"] for r in enterprise.snapshot()["ratings"]] == ratings
