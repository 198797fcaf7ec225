"""The ImplementationRule aggregate (services.policy.implementation.domain): a rule (实施细则) required of a
unit, filed on time or marked overdue and filed late; each refusal named, with nothing recorded;
who may act; and random lives in which the rule always equals the fold of its facts."""
import datetime as dt

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from kernel.actor import SYSTEM, Actor
from kernel.errors import (
    FieldRequired,
    FieldTooLong,
    NaiveTime,
    UnexpectedField,
    UnknownCode,
)
from kernel import errors
from policy.aggregate_checks import (
    SHANGHAI, enterprise, finance, office, refuses, step, supervisor, tax,
)
from services.policy.implementation import exceptions as ex
from services.policy.implementation.domain import (
    FULL_TEXT_LIMIT,
    ImplementationRule,
    rule_id_for,
)
from services.policy.implementation.rules import RULES


OPERATING = {"title": "赣州市中小微企业贷款贴息操作细则", "text": "第一条 ……",
             "procedure": "企业申报→县区审核→市财政局复核→拨付",
             "time_limits": "受理后15个工作日内办结"}
WORK_PLAN = {"title": "降低物流成本工作方案", "text": "一、工作目标 ……",
             "tasks": "1. 清理规范收费;2. 推进多式联运",
             "responsibilities": "市交通运输局牵头,市发改委配合"}


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(dt.UTC)


def required(kind="operating_rules", due=dt.date(2026, 5, 20), unit="finance_bureau",
             **kwargs) -> ImplementationRule:
    return ImplementationRule.require("policy-1", unit=unit, kind=kind, due=due,
                                      at=at(5, 1), actor=office, **kwargs)


# -- the life ---------------------------------------------------------------------------------

def test_a_city_department_files_its_operating_rules_on_time():
    owed = required()
    assert owed.id == rule_id_for("policy-1", "finance_bureau")
    assert owed.status == "required" and owed.due == "2026-05-20"
    # notice 二(一)1: city departments by 20 May, the day inclusive
    facts = owed.file(at=at(5, 20, 23), actor=finance, **OPERATING)
    assert [f.type for f in facts] == ["ImplementationRuleFiled"]
    assert facts[0].payload["late"] is False
    assert facts[0].actor == finance.label
    snap = owed.snapshot()
    assert snap["status"] == "filed" and snap["status_label"] == "已报备"
    assert snap["kind_label"] == "具体办法/操作细则"
    assert snap["filing"]["procedure"] == OPERATING["procedure"]
    assert snap["filing"]["time_limits"] == OPERATING["time_limits"]
    assert snap["filing"]["tasks"] is None
    assert snap["late"] is False and snap["overdue_at"] is None
    assert [f.type for f in owed.pending()] == ["ImplementationRuleRequired",
                                                "ImplementationRuleFiled"]


def test_a_rule_not_filed_by_its_date_is_overdue_for_supervision_then_filed_late():
    owed = required()
    facts = owed.mark_overdue(at=at(5, 21, 0), actor=SYSTEM)
    assert [f.type for f in facts] == ["ImplementationRuleOverdue"]
    # what supervision takes up: who owes what, for which policy, due when
    assert facts[0].payload == {"policy_id": "policy-1", "unit": "finance_bureau",
                                "kind": "operating_rules", "due": "2026-05-20"}
    assert owed.status == "overdue" and owed.snapshot()["status_label"] == "已逾期"
    facts = owed.file(at=at(6, 3), actor=finance, **OPERATING)
    assert facts[0].payload["late"] is True
    assert owed.status == "filed" and owed.late
    assert owed.snapshot()["overdue_at"] is not None


def test_filing_after_the_due_date_is_late_even_before_the_timer_ran():
    owed = required()
    owed.file(at=at(5, 22), actor=finance, **OPERATING)
    assert owed.late and owed.status == "filed"


def test_a_county_files_a_work_plan_as_soon_as_possible():
    owed = required(kind="work_plan", due=None, unit="zhanggong_district")
    snap = owed.snapshot()
    assert snap["due"] is None and snap["due_label"] == "尽快"
    county = Actor("chen", "unit_officer", unit="zhanggong_district")
    facts = owed.file(at=at(9, 1), actor=county, **WORK_PLAN)
    assert facts[0].payload["late"] is False
    assert owed.filing["tasks"] == WORK_PLAN["tasks"]
    assert owed.filing["responsibilities"] == WORK_PLAN["responsibilities"]
    assert owed.filing["procedure"] is None


def test_once_marked_overdue_a_filing_is_late_whatever_moment_it_carries():
    owed = required()
    owed.mark_overdue(at=at(5, 21), actor=SYSTEM)
    # a clerk entering, after the timer ran, a filing dated on the due day
    facts = owed.file(at=at(5, 20), actor=office, **OPERATING)
    assert facts[0].payload["late"] is True and owed.late


def test_the_office_may_file_for_the_unit():
    owed = required()
    owed.file(at=at(5, 10), actor=office, **OPERATING)
    assert owed.status == "filed"


def test_replay_gives_the_same_rule():
    owed = required()
    owed.mark_overdue(at=at(5, 25), actor=SYSTEM)
    owed.file(at=at(5, 26), actor=finance, document_number="赣市财发〔2026〕20号", **OPERATING)
    replayed = ImplementationRule.replay(owed.id, owed.pending())
    assert replayed.snapshot() == owed.snapshot()
    assert replayed.filing["document_number"] == "赣市财发〔2026〕20号"


# -- refusals, each named, nothing recorded ---------------------------------------------------

@pytest.mark.parametrize("missing", ["procedure", "time_limits"])
def test_operating_rules_must_state_procedure_and_time_limits(missing):
    owed = required()
    fields = {**OPERATING, missing: "  "}
    error = refuses(owed, ex.OperatingRulesIncomplete, "file", at=at(5, 10), actor=finance,
                    **fields)
    assert error.field == missing and error.rule == "operating_rules_incomplete"
    fields.pop(missing)
    error = refuses(owed, ex.OperatingRulesIncomplete, "file", at=at(5, 10), actor=finance,
                    **fields)
    assert error.field == missing


@pytest.mark.parametrize("missing", ["tasks", "responsibilities"])
def test_a_work_plan_must_set_out_tasks_and_responsibilities(missing):
    owed = required(kind="work_plan")
    fields = {k: v for k, v in WORK_PLAN.items() if k != missing}
    error = refuses(owed, ex.WorkPlanIncomplete, "file", at=at(5, 10), actor=finance, **fields)
    assert error.field == missing and error.rule == "work_plan_incomplete"


def test_a_filing_of_the_other_kind_is_refused_naming_the_field():
    owed = required(kind="work_plan")
    error = refuses(owed, UnexpectedField, "file", at=at(5, 10), actor=finance,
                    **WORK_PLAN, procedure="申报→审核")
    assert error.field == "procedure"


@pytest.mark.parametrize("field, value, error", [
    ("title", "", FieldRequired), ("text", " ", FieldRequired),
    ("text", "政" * (FULL_TEXT_LIMIT + 1), FieldTooLong),
    ("document_number", "号" * 101, FieldTooLong),
])
def test_a_filing_with_bad_text_is_refused_naming_the_field(field, value, error):
    owed = required()
    raised = refuses(owed, error, "file", at=at(5, 10), actor=finance,
                     **{**OPERATING, field: value})
    assert raised.field == field


def test_a_naive_moment_is_refused():
    owed = required()
    raised = refuses(owed, NaiveTime, "file", at=dt.datetime(2026, 5, 10), actor=finance,
                     **OPERATING)
    assert raised.field == "at"


def test_overdue_is_refused_before_the_due_date_including_the_day_itself():
    owed = required()
    error = refuses(owed, errors.NotYetDue, "mark_overdue", at=at(5, 20, 23), actor=SYSTEM)
    assert error.field == "due" and "2026-05-20" in error.message


def test_overdue_is_refused_without_a_due_date():
    owed = required(due=None)
    error = refuses(owed, ex.NoDueDate, "mark_overdue", at=at(12, 31), actor=SYSTEM)
    assert error.rule == "no_due_date" and error.field == "due"


def test_overdue_is_refused_once_filed_or_already_overdue():
    owed = required()
    owed.mark_overdue(at=at(5, 21), actor=SYSTEM)
    refuses(owed, ex.RuleAlreadyOverdue, "mark_overdue", at=at(5, 22), actor=SYSTEM)
    owed.file(at=at(5, 23), actor=finance, **OPERATING)
    refuses(owed, ex.RuleAlreadyFiled, "mark_overdue", at=at(5, 24), actor=SYSTEM)


def test_a_second_filing_is_refused():
    owed = required()
    owed.file(at=at(5, 10), actor=finance, **OPERATING)
    error = refuses(owed, ex.RuleAlreadyFiled, "file", at=at(5, 11), actor=office, **OPERATING)
    assert error.rule == "implementation_rule_already_filed"


def test_a_rule_not_required_cannot_be_filed_or_marked():
    nothing = ImplementationRule(rule_id_for("policy-1", "finance_bureau"))
    refuses(nothing, ex.RuleNotFound, "file", at=at(5, 10), actor=office, **OPERATING)
    refuses(nothing, ex.RuleNotFound, "mark_overdue", at=at(5, 30), actor=SYSTEM)


@pytest.mark.parametrize("field, overrides, error", [
    ("policy_id", {"policy_id": " "}, FieldRequired),
    ("unit", {"unit": ""}, FieldRequired),
    ("kind", {"kind": "guidance"}, UnknownCode),
    ("due", {"due": "20 May"}, errors.InvalidDate),
    ("due", {"due": dt.datetime(2026, 5, 20, tzinfo=SHANGHAI)}, errors.InvalidDate),
    ("due", {"due": dt.date(2026, 4, 30)}, ex.DueBeforeRequired),
])
def test_a_bad_requirement_is_refused_naming_the_field(field, overrides, error):
    fields = {"policy_id": "policy-1", "unit": "finance_bureau", "kind": "operating_rules",
                  "due": "2026-05-20", "at": at(5, 1), "actor": office}
    fields.update(overrides)
    policy_id = fields.pop("policy_id")
    with pytest.raises(error) as raised:
        ImplementationRule.require(policy_id, **fields)
    assert raised.value.field == field


def test_a_unit_owes_one_rule_per_policy():
    owed = required()
    with pytest.raises(ex.RuleAlreadyRequired) as raised:
        required(existing=owed)
    assert raised.value.field == "unit"
    assert len(owed.pending()) == 1
    # another unit, or another policy, is another rule
    assert rule_id_for("policy-1", "tax_bureau") != owed.id
    assert rule_id_for("policy-2", "finance_bureau") != owed.id


# -- who may act ------------------------------------------------------------------------------

@pytest.mark.parametrize("actor", [finance, SYSTEM, enterprise, supervisor])
def test_only_the_office_requires(actor):
    with pytest.raises(errors.RoleNotAllowed):
        ImplementationRule.require("policy-1", unit="finance_bureau", kind="work_plan",
                                   due=None, at=at(5, 1), actor=actor)


def test_another_unit_may_not_file():
    owed = required()
    error = refuses(owed, ex.NotOwingUnit, "file", at=at(5, 10), actor=tax, **OPERATING)
    assert "finance_bureau" in error.message and error.kind == "forbidden"


@pytest.mark.parametrize("actor", [SYSTEM, enterprise, supervisor])
def test_the_timer_enterprises_and_supervisors_do_not_file(actor):
    refuses(required(), errors.RoleNotAllowed, "file", at=at(5, 10), actor=actor, **OPERATING)


@pytest.mark.parametrize("actor", [office, finance, enterprise, supervisor])
def test_only_the_timer_marks_overdue(actor):
    refuses(required(), errors.RoleNotAllowed, "mark_overdue", at=at(5, 25), actor=actor)


def test_the_table():
    assert RULES["file"].roles == ("unit_officer", "office") and RULES["file"].own_unit
    assert RULES["mark_overdue"].roles == ("system",)


# -- random lives -----------------------------------------------------------------------------

ACTORS = {"owing": finance, "other_unit": tax, "office": office, "system": SYSTEM,
          "enterprise": enterprise, "supervisor": supervisor}
FILINGS = st.fixed_dictionaries({
    "title": st.sampled_from(["操作细则", ""]), "text": st.sampled_from(["第一条", ""]),
}, optional={
    "procedure": st.sampled_from(["申报→审核", "", None]),
    "time_limits": st.sampled_from(["15个工作日", ""]),
    "tasks": st.sampled_from(["清理收费", ""]),
    "responsibilities": st.sampled_from(["市交通运输局", None]),
})
who = st.sampled_from(list(ACTORS) + ["owing", "office", "system"])
# the statuses each fact may follow, and the status it leaves
AFTER = {"ImplementationRuleOverdue": ({"required"}, "overdue"),
         "ImplementationRuleFiled": ({"required", "overdue"}, "filed")}


class RuleLife(RuleBasedStateMachine):

    @initialize(kind=st.sampled_from(["operating_rules", "work_plan"]),
                due=st.sampled_from([None, "2026-05-20", "2026-06-30"]))
    def require(self, kind, due):
        self.now = at(5, 1)
        self.owed = ImplementationRule.require("policy-1", unit="finance_bureau", kind=kind,
                                               due=due, at=self.now, actor=office)
        self.status = "required"

    def run(self, command: str, actor: str, **kwargs) -> bool:
        before, facts = step(self.owed, command, at=self.now, actor=ACTORS[actor], **kwargs)
        if facts is None:
            return False
        for fact in facts:
            allowed, leaves = AFTER[fact.type]
            assert self.status in allowed, f"{fact.type} after {self.status}"
            day = self.now.astimezone(SHANGHAI).date().isoformat()
            if fact.type == "ImplementationRuleOverdue":
                assert actor == "system"
                assert before["due"] is not None and before["due"] < day
            else:
                assert actor in ("owing", "office")
                assert fact.payload["late"] == (self.status == "overdue" or (
                    before["due"] is not None and before["due"] < day))
                sections = (("procedure", "time_limits") if before["kind"] == "operating_rules"
                            else ("tasks", "responsibilities"))
                assert all(fact.payload[field] for field in sections)
            self.status = leaves
        return True

    @rule(days=st.integers(1, 40))
    def time_passes(self, days):
        self.now += dt.timedelta(days=days)

    @rule(actor=who, fields=FILINGS)
    def file(self, actor, fields):
        self.run("file", actor, **fields)

    @rule(actor=who)
    def mark_overdue(self, actor):
        self.run("mark_overdue", actor)

    @rule()
    def file_completely(self):
        fields = OPERATING if self.owed.kind == "operating_rules" else WORK_PLAN
        was_filed = self.status == "filed"
        # a complete filing by the owing unit is refused only once the rule is filed
        assert self.run("file", "owing", **fields) != was_filed

    @invariant()
    def the_rule_is_the_fold_of_its_facts(self):
        replayed = ImplementationRule.replay(self.owed.id, self.owed.pending())
        assert replayed.snapshot() == self.owed.snapshot()
        assert self.owed.version == len(self.owed.pending())

    @invariant()
    def the_life_holds(self):
        owed = self.owed
        assert owed.status == self.status
        assert (owed.filing is not None) == (owed.status == "filed")
        assert owed.late <= (owed.status == "filed")
        if owed.snapshot()["overdue_at"] is not None:
            assert owed.due is not None
            assert owed.status in ("overdue", "filed") and (owed.status != "filed" or owed.late)


RuleLife.TestCase.settings = settings(max_examples=150, stateful_step_count=25, deadline=None)
test_rule_life = RuleLife.TestCase
