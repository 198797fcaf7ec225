"""The Briefing aggregate (services.policy.briefings.domain): a briefing (宣讲活动) scheduled, revised while
ahead, then held on its date or cancelled; each refusal named, with nothing recorded; who may act;
and random lives in which the briefing always equals the fold of its facts."""
import datetime as dt

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from kernel.actor import SYSTEM, Actor
from kernel.errors import (
    DomainError,
    FieldRequired,
    InvalidCreditCode,
    NaiveTime,
    UnexpectedField,
    UnknownCode,
)
from kernel import errors
from policy.aggregate_checks import (
    SHANGHAI, enterprise, finance, office, refuses, supervisor, tax,
)
from services.policy.briefings import exceptions as ex
from services.policy.briefings.domain import Briefing
from services.policy.briefings.rules import RULES

leader = Actor("mayor", "leader")

AGENDA = [
    {"kind": "leader_speech", "speaker": "市长 张三"},
    {"kind": "policy_reading", "speaker": "市财政局 李四", "unit": "finance_bureau",
     "topic": "中小微企业贷款贴息"},
    {"kind": "park_statement", "speaker": "赣州经开区 王五", "park": "ganzhou_etdz"},
]
DETAILS = {
    "date": "2026-05-25",
    "place": "赣州经济技术开发区管委会三楼会议室",
    "leader": "市长 张三",
    "units": ["finance_bureau", "tax_bureau"],
    "parks": ["ganzhou_etdz"],
    "enterprises": ["91350100M000100Y43"],
    "policy_ids": ["policy-1", "policy-2"],
    "agenda": AGENDA,
}


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(dt.UTC)


def scheduled(actor=office, **overrides) -> Briefing:
    return Briefing.schedule("briefing-1", at=at(5, 10), actor=actor, **{**DETAILS, **overrides})


def refuses_scheduling(error, actor=office, **overrides):
    with pytest.raises(error) as raised:
        scheduled(actor, **overrides)
    return raised.value


# -- the life ---------------------------------------------------------------------------------

def test_a_briefing_is_scheduled_revised_and_held():
    briefing = scheduled()
    view = briefing.snapshot()
    assert view["status"] == "scheduled" and view["status_label"] == "已安排"
    assert view["organiser"] == "office"
    assert [item["kind_label"] for item in view["agenda"]] == ["领导讲话", "部门解读政策",
                                                               "园区表态发言"]
    assert view["agenda"][1]["unit"] == "finance_bureau"
    assert view["agenda"][2]["park"] == "ganzhou_etdz"

    [revised] = briefing.revise(date="2026-05-28", place="龙南经开区", at=at(5, 12), actor=office)
    assert revised.type == "BriefingRevised"
    assert revised.payload == {"date": "2026-05-28", "place": "龙南经开区"}
    assert briefing.date == "2026-05-28"

    [held] = briefing.record_held(attendance=120, at=at(5, 28, 16), actor=office)
    assert held.type == "BriefingHeld" and held.payload["held_on"] == "2026-05-28"
    view = briefing.snapshot()
    assert view["status"] == "held" and view["attendance"] == 120
    assert [fact.type for fact in briefing.pending()] == [
        "BriefingScheduled", "BriefingRevised", "BriefingHeld"]


def test_a_unit_schedules_its_own_briefing_and_may_hold_it_later():
    briefing = scheduled(finance)
    assert briefing.organiser == "finance_bureau"
    briefing.record_held(attendance=35, at=at(6, 2), actor=finance)
    assert briefing.snapshot()["held_on"] == "2026-06-02"


def test_a_briefing_may_be_scheduled_for_today():
    briefing = scheduled(date="2026-05-10")
    briefing.record_held(attendance=1, at=at(5, 10, 15), actor=office)
    assert briefing.status == "held"


def test_a_briefing_is_cancelled_with_its_reason():
    briefing = scheduled()
    [fact] = briefing.cancel(reason="  与全市动员大会冲突 ", at=at(5, 20), actor=office)
    assert fact.payload == {"date": "2026-05-25", "reason": "与全市动员大会冲突"}
    assert briefing.snapshot()["status_label"] == "已取消"


def test_lists_are_deduplicated_and_credit_codes_compacted():
    briefing = scheduled(units=["tax_bureau", "tax_bureau"], policy_ids="policy-1",
                         enterprises=["91350100m000100y43", "91350100M000100Y43"])
    view = briefing.snapshot()
    assert view["units"] == ["tax_bureau"]
    assert view["policy_ids"] == ["policy-1"]
    assert view["enterprises"] == ["91350100M000100Y43"]


def test_replay_gives_the_same_briefing():
    briefing = scheduled()
    briefing.revise(agenda=AGENDA[:2], at=at(5, 11), actor=office)
    briefing.cancel(reason="暴雨", at=at(5, 24), actor=office)
    replayed = Briefing.replay(briefing.id, briefing.pending())
    assert replayed.snapshot() == briefing.snapshot()


# -- refusals ---------------------------------------------------------------------------------

def test_a_briefing_explains_at_least_one_policy():
    error = refuses_scheduling(ex.NoPoliciesExplained, policy_ids=[])
    assert error.field == "policy_ids"
    refuses_scheduling(ex.NoPoliciesExplained, policy_ids=None)


def test_a_briefing_has_an_agenda():
    assert refuses_scheduling(ex.EmptyAgenda, agenda=[]).field == "agenda"


def test_a_briefing_is_not_scheduled_in_the_past():
    error = refuses_scheduling(ex.BriefingDateInPast, date="2026-05-09")
    assert error.field == "date" and "2026-05-10" in error.message


@pytest.mark.parametrize("item, error, field", [
    ({"kind": "policy_reading", "speaker": "李四"}, ex.AgendaItemIncomplete, "agenda[0].unit"),
    ({"kind": "park_statement", "speaker": "王五"}, ex.AgendaItemIncomplete, "agenda[0].park"),
    ({"kind": "leader_speech"}, FieldRequired, "agenda[0].speaker"),
    ({"speaker": "张三"}, FieldRequired, "agenda[0].kind"),
    ({"kind": "toast", "speaker": "张三"}, UnknownCode, "agenda[0].kind"),
    ({"kind": "leader_speech", "speaker": "张三", "park": "x"}, UnexpectedField,
     "agenda[0].park"),
    ({"kind": "leader_speech", "speaker": "张三", "mood": "x"}, UnexpectedField,
     "agenda[0].mood"),
])
def test_each_agenda_item_says_who_speaks(item, error, field):
    raised = refuses_scheduling(error, agenda=[item])
    assert raised.field == field


@pytest.mark.parametrize("field, value, error", [
    ("place", " ", FieldRequired),
    ("leader", None, FieldRequired),
    ("date", None, FieldRequired),
    ("date", "25/05/2026", errors.InvalidDate),
    ("units", [""], FieldRequired),
    ("enterprises", ["91350100M000100Y44"], InvalidCreditCode),
])
def test_bad_details_are_refused_naming_the_field(field, value, error):
    raised = refuses_scheduling(error, **{field: value})
    assert raised.field.startswith(field)


def test_scheduling_refuses_an_unknown_field_a_naive_moment_and_a_taken_id():
    refuses_scheduling(UnexpectedField, budget=1000)
    with pytest.raises(NaiveTime):
        Briefing.schedule("b", at=dt.datetime(2026, 5, 10), actor=office, **DETAILS)
    existing = scheduled()
    with pytest.raises(ex.BriefingAlreadyExists):
        Briefing.schedule("briefing-1", at=at(5, 10), actor=office, existing=existing, **DETAILS)
    assert len(existing.pending()) == 1


def test_revision_is_checked_as_scheduling_is():
    briefing = scheduled()
    refuses(briefing, ex.BriefingDateInPast, "revise", date="2026-05-11", at=at(5, 12),
            actor=office)
    refuses(briefing, ex.NoPoliciesExplained, "revise", policy_ids=[], at=at(5, 12), actor=office)
    refuses(briefing, ex.EmptyAgenda, "revise", agenda=[], at=at(5, 12), actor=office)
    refuses(briefing, errors.NothingChanged, "revise", at=at(5, 12), actor=office)
    refuses(briefing, errors.NothingChanged, "revise", place=DETAILS["place"], at=at(5, 12),
            actor=office)
    refuses(briefing, UnexpectedField, "revise", organiser="tax_bureau", at=at(5, 12),
            actor=office)


def test_nothing_changes_once_held():
    briefing = scheduled()
    briefing.record_held(attendance=80, at=at(5, 25), actor=office)
    refuses(briefing, ex.BriefingAlreadyHeld, "revise", place="别处", at=at(5, 26), actor=office)
    refuses(briefing, ex.BriefingAlreadyHeld, "cancel", reason="x", at=at(5, 26), actor=office)
    refuses(briefing, ex.BriefingAlreadyHeld, "record_held", attendance=80, at=at(5, 26),
            actor=office)


def test_nothing_changes_once_cancelled():
    briefing = scheduled()
    briefing.cancel(reason="改期另行通知", at=at(5, 20), actor=office)
    refuses(briefing, ex.BriefingCancelled, "revise", place="别处", at=at(5, 21), actor=office)
    refuses(briefing, ex.BriefingCancelled, "record_held", attendance=9, at=at(5, 25),
            actor=office)
    refuses(briefing, ex.BriefingCancelled, "cancel", reason="x", at=at(5, 21), actor=office)


def test_a_briefing_is_not_held_before_its_date():
    briefing = scheduled()
    error = refuses(briefing, ex.BriefingNotYetDue, "record_held", attendance=50,
                    at=at(5, 24, 23), actor=office)
    assert error.field == "date"


@pytest.mark.parametrize("attendance", [0, -3, 2.5, "100", None, True])
def test_attendance_is_a_count_of_people(attendance):
    briefing = scheduled()
    error = refuses(briefing, ex.InvalidAttendance, "record_held", attendance=attendance,
                    at=at(5, 25), actor=office)
    assert error.field == "attendance"


def test_a_cancellation_says_why():
    briefing = scheduled()
    assert refuses(briefing, FieldRequired, "cancel", reason=" ", at=at(5, 20),
                   actor=office).field == "reason"


def test_a_briefing_not_scheduled_cannot_be_changed():
    nothing = Briefing("briefing-9")
    refuses(nothing, ex.BriefingNotFound, "revise", place="x", at=at(5, 20), actor=office)
    refuses(nothing, ex.BriefingNotFound, "record_held", attendance=1, at=at(5, 20), actor=office)
    refuses(nothing, ex.BriefingNotFound, "cancel", reason="x", at=at(5, 20), actor=office)


# -- who may act ------------------------------------------------------------------------------

@pytest.mark.parametrize("actor", [enterprise, supervisor, leader, SYSTEM])
def test_only_the_office_and_unit_officers_schedule(actor):
    refuses_scheduling(errors.RoleNotAllowed, actor=actor)


@pytest.mark.parametrize("command, kwargs", [
    ("revise", {"place": "别处"}),
    ("record_held", {"attendance": 10}),
    ("cancel", {"reason": "x"}),
])
def test_another_unit_or_role_may_not_change_a_units_briefing(command, kwargs):
    briefing = scheduled(finance)
    refuses(briefing, ex.NotOrganisingUnit, command, at=at(5, 25), actor=tax, **kwargs)
    for actor in (enterprise, supervisor, leader, SYSTEM):
        refuses(briefing, errors.RoleNotAllowed, command, at=at(5, 25), actor=actor, **kwargs)


def test_the_office_may_act_on_a_units_briefing_but_a_unit_not_on_the_offices():
    briefing = scheduled(finance)
    briefing.revise(place="瑞金经开区", at=at(5, 12), actor=office)
    offices = scheduled()
    refuses(offices, ex.NotOrganisingUnit, "cancel", reason="x", at=at(5, 12), actor=finance)


def test_the_table():
    assert set(RULES) == {"revise", "record_held", "cancel"}
    for row in RULES.values():
        assert row.roles == ("office", "unit_officer") and row.own_unit
        assert [status.value for status in row.statuses] == ["scheduled"]


# -- random lives -----------------------------------------------------------------------------

ACTORS = {"office": office, "finance": finance, "tax": tax, "enterprise": enterprise}


class BriefingLife(RuleBasedStateMachine):
    """Random commands by random actors on random days: every refusal is a named DomainError that
    records nothing, and the briefing always equals the replay of its facts."""

    @initialize(organiser=st.sampled_from(["office", "finance"]))
    def schedule(self, organiser):
        self.briefing = scheduled(ACTORS[organiser])
        self.day = dt.date(2026, 5, 10)

    def run(self, command: str, actor: str, **kwargs) -> bool:
        moment = dt.datetime.combine(self.day, dt.time(10), SHANGHAI)
        count = len(self.briefing.pending())
        try:
            getattr(self.briefing, command)(at=moment, actor=ACTORS[actor], **kwargs)
        except DomainError:
            assert len(self.briefing.pending()) == count
            return False
        return True

    @rule(days=st.integers(0, 10))
    def time_passes(self, days):
        self.day += dt.timedelta(days=days)

    @rule(actor=st.sampled_from(sorted(ACTORS)), days_ahead=st.integers(-2, 10),
          place=st.sampled_from(["", "章贡区", "龙南"]),
          policies=st.lists(st.sampled_from(["policy-1", "policy-2", "policy-3"]), max_size=3))
    def revise(self, actor, days_ahead, place, policies):
        date = (self.day + dt.timedelta(days=days_ahead)).isoformat()
        self.run("revise", actor, date=date, place=place or None, policy_ids=policies)

    @rule(actor=st.sampled_from(sorted(ACTORS)), attendance=st.integers(-1, 300))
    def record_held(self, actor, attendance):
        self.run("record_held", actor, attendance=attendance)

    @rule(actor=st.sampled_from(sorted(ACTORS)), reason=st.sampled_from(["", "改期"]))
    def cancel(self, actor, reason):
        self.run("cancel", actor, reason=reason)

    @invariant()
    def the_briefing_is_the_fold_of_its_facts(self):
        replayed = Briefing.replay(self.briefing.id, self.briefing.pending())
        assert replayed.snapshot() == self.briefing.snapshot()

    @invariant()
    def the_life_holds(self):
        view = self.briefing.snapshot()
        assert view["policy_ids"] and view["agenda"]
        if view["status"] == "held":
            assert view["held_on"] >= view["date"] and view["attendance"] >= 1
        if view["status"] == "cancelled":
            assert view["cancel_reason"]


BriefingLife.TestCase.settings = settings(max_examples=60, stateful_step_count=15,
                                          deadline=None)
test_briefing_life = BriefingLife.TestCase
