"""The implementation rules of notice 二(一)1: the ImplementationRule aggregate, one rule (实施细则)
a unit owes for one policy, from the office's requirement to its filing.

市直各部门要对照《若干政策措施》,于5月20日之前,制定具体办法或操作细则 — a city department owes its
rule by a date; 各县(市、区)和经开区要……尽快出台实施细则或实施方案 — a county or zone owes it "as soon as
possible", which is a rule without a due date. For a policy with a clear target the rule is
operating rules (具体办法/操作细则) stating the procedure (办理流程) and time limits (办理时限); for
one that only gives a direction it is a work plan (工作方案) with its tasks (工作任务) and who carries
them (责任分工). A rule still unfiled after its due date is marked overdue by the timer, a fact
supervision (督查考核) takes up; it may still be filed, and is then recorded as late.

A unit owes one rule per policy: the rule's id derives from the two (`rule_id_for`). Plain Python,
no I/O. A command asks the table (`rules.check`) first, then checks its fields, then records facts;
state changes only in the `when_<Fact>` methods. Every command returns the facts it recorded.
Due dates are calendar days in the office's zone, the due date inclusive.
"""
from __future__ import annotations

import datetime as dt
import uuid

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.envelope import format_time
from kernel.errors import NotYetDue, UnexpectedField
from services.policy.implementation.events import EVENTS
from services.policy.implementation.exceptions import (
    DueBeforeRequired,
    NoDueDate,
    OperatingRulesIncomplete,
    WorkPlanIncomplete,
)
from services.policy.implementation.rules import (
    FILED, OVERDUE, REQUIRED, check, check_requirer,
)
from services.policy.implementation.vocabulary import RuleKind, RuleStatus
from services.policy.policies.domain import (  # a due date is read as an effective date is
    calendar_date,
    office_day_of,
)

# Rule ids derive from (policy, unit): a unit can only ever owe one rule for a policy.
RULE_NAMESPACE = uuid.UUID("0b7e3c5e-8f0a-4f57-a0f4-2d4a6c1b9e31")

# The limits, in characters.
ID_LIMIT = checks.CODE_LIMIT
UNIT_LIMIT = checks.CODE_LIMIT
TITLE_LIMIT = 200
DOCUMENT_NUMBER_LIMIT = checks.CODE_LIMIT
SECTION_LIMIT = checks.TEXT_LIMIT
FULL_TEXT_LIMIT = 100_000

# What each kind of rule must state, beside its title and text, with the notice's words.
REQUIRED_SECTIONS: dict[RuleKind, dict[str, str]] = {
    # notice 二(一)1: 要重点明确操作流程和时限要求
    RuleKind.OPERATING_RULES: {"procedure": "procedure (办理流程)",
                               "time_limits": "time limits (办理时限)"},
    # notice 二(一)1: 要进一步细化举措,出台工作方案
    RuleKind.WORK_PLAN: {"tasks": "tasks (工作任务)",
                         "responsibilities": "responsibilities (责任分工)"},
}
SECTIONS = tuple(field for sections in REQUIRED_SECTIONS.values() for field in sections)
FILING_FIELDS = ("title", "document_number", "text", *SECTIONS)


def rule_id_for(policy_id: str, unit: str) -> str:
    """The id of the rule `unit` owes for `policy_id`."""
    return str(uuid.uuid5(RULE_NAMESPACE, f"{policy_id}\n{unit}"))


# -- the rule ---------------------------------------------------------------------------------

class ImplementationRule(Aggregate):
    """The implementation rule (实施细则) one unit owes for one policy. notice 二(一)1"""

    stream_type = "implementation_rule"
    events = EVENTS

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self._status: str | None = None
        self._policy_id: str | None = None
        self._unit: str | None = None
        self._kind: str | None = None
        self._due: str | None = None
        self._filing: dict | None = None
        self.late: bool = False
        self.required_at: str | None = None
        self.overdue_at: str | None = None
        self.filed_at: str | None = None

    # -- what the table, the service and readers read --

    @property
    def status(self) -> str | None:
        return self._status

    @property
    def policy_id(self) -> str | None:
        return self._policy_id

    @property
    def unit(self) -> str | None:
        return self._unit

    @property
    def kind(self) -> str | None:
        return self._kind

    @property
    def due(self) -> str | None:
        """The due date (inclusive) as ISO text, or None: as soon as possible (尽快)."""
        return self._due

    @property
    def filing(self) -> dict | None:
        return dict(self._filing) if self._filing else None

    def past_due(self, at: dt.datetime | dt.date) -> bool:
        """Its due date has passed at `at` (whether or not the timer has recorded it yet)."""
        return self._due is not None and office_day_of(at).isoformat() > self._due

    def snapshot(self) -> dict:
        """The rule as readers see it: who owes it for which policy, by when, and its filing."""
        return {
            "id": self.id,
            "version": self.version,
            "status": self._status,
            "status_label": RuleStatus(self._status).label if self._status else None,
            "policy_id": self._policy_id,
            "unit": self._unit,
            "kind": self._kind,
            "kind_label": RuleKind(self._kind).label if self._kind else None,
            "due": self._due,
            "due_label": self._due or ("尽快" if self._status else None),
            "filing": self.filing,
            "late": self.late,
            "required_at": self.required_at,
            "overdue_at": self.overdue_at,
            "filed_at": self.filed_at,
        }

    # -- shared by the commands --

    def _check(self, command: str, actor: Actor) -> None:
        check(command, self, actor)

    # -- commands --

    @classmethod
    def require(cls, policy_id: str, *, unit: str, kind: str, due, at: dt.datetime,
                actor: Actor, existing: ImplementationRule | None = None) -> ImplementationRule:
        """Require of `unit` a rule of `kind` for `policy_id`, by `due` (a date) or, with None,
        as soon as possible; `existing` is what the store holds under `rule_id_for` the two."""
        at = checks.moment(at)
        policy_id = checks.text("policy_id", policy_id, ID_LIMIT)
        unit = checks.text("unit", unit, UNIT_LIMIT)
        check_requirer(actor, existing, policy_id, unit)
        kind = checks.code("kind", kind, RuleKind).value
        due = calendar_date("due", due, required=False)
        today = office_day_of(at).isoformat()
        if due is not None and due < today:
            raise DueBeforeRequired(due=due, today=today)
        owed = existing or cls(rule_id_for(policy_id, unit))
        owed._record_fact("ImplementationRuleRequired", {
            "policy_id": policy_id, "unit": unit, "kind": kind, "due": due,
        }, at, actor)
        return owed

    def file(self, *, title: str, text: str, at: dt.datetime, actor: Actor,
             document_number: str = "", **sections) -> list[Fact]:
        """File the rule's text: operating rules state `procedure` and `time_limits`, a work plan
        its `tasks` and `responsibilities`. After the due date the filing is recorded as late."""
        at = self._begin("file", at, actor)
        kind = RuleKind(self._kind)
        required = REQUIRED_SECTIONS[kind]
        for field in sections:
            if field not in required:
                raise UnexpectedField(field, f"a filing of {kind.value} ({kind.label})")
        checked = {}
        for field, label in required.items():
            value = checks.optional_text(field, sections.get(field), SECTION_LIMIT)
            if not value:
                incomplete = (OperatingRulesIncomplete if kind is RuleKind.OPERATING_RULES
                              else WorkPlanIncomplete)
                raise incomplete(field=field, label=label)
            checked[field] = value
        filing = {
            "title": checks.text("title", title, TITLE_LIMIT),
            "document_number": checks.optional_text("document_number", document_number,
                                                    DOCUMENT_NUMBER_LIMIT),
            "text": checks.text("text", text, FULL_TEXT_LIMIT),
            **{field: checked.get(field) for field in SECTIONS},
        }
        late = self._status == OVERDUE.value or self.past_due(at)
        return [self._record_fact("ImplementationRuleFiled", {
            "policy_id": self._policy_id, "unit": self._unit, "kind": self._kind,
            "due": self._due, "late": late, **filing,
        }, at, actor)]

    def mark_overdue(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        """The timer records that the due date passed with nothing filed; supervision takes it
        up. Refused for a rule due as soon as possible (no date) or not yet past its date."""
        at = self._begin("mark_overdue", at, actor)
        if self._due is None:
            raise NoDueDate()
        if not self.past_due(at):
            raise NotYetDue(what="the implementation rule", due=self._due,
                            today=office_day_of(at).isoformat())
        return [self._record_fact("ImplementationRuleOverdue", {
            "policy_id": self._policy_id, "unit": self._unit, "kind": self._kind,
            "due": self._due,
        }, at, actor)]

    # -- facts applied --

    def when_ImplementationRuleRequired(self, fact: Fact) -> None:
        p = fact.payload
        self._status = REQUIRED.value
        self._policy_id, self._unit = p["policy_id"], p["unit"]
        self._kind, self._due = p["kind"], p["due"]
        self.required_at = format_time(fact.occurred_at)

    def when_ImplementationRuleOverdue(self, fact: Fact) -> None:
        self._status = OVERDUE.value
        self.overdue_at = format_time(fact.occurred_at)

    def when_ImplementationRuleFiled(self, fact: Fact) -> None:
        self._status = FILED.value
        self._filing = {field: fact.payload[field] for field in FILING_FIELDS}
        self.late = fact.payload["late"]
        self.filed_at = format_time(fact.occurred_at)
