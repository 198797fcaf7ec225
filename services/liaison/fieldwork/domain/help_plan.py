"""A department's help plan (帮扶方案) for the enterprises its leader is linked to. notice 二(三)1

The office requires it of a city department (by the end of May unless another due date is
given), naming the city leader whose linkage it serves (one with an accepted linkage, else it is
refused); the department submits its tasks, each with its date and the liaison staff (联络人员)
who carry it out; the enterprise_help working group (入企帮扶组) reviews it — approves it, or
sends it back with what to change, and the department submits again; the office files the
approved plan (备案). A plan not submitted after its due date is marked overdue by the timer,
once.

Plain Python, no I/O: state changes only in the `when_<Fact>` methods.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.clock import office_day
from kernel.envelope import format_time
from services.liaison.fieldwork.events import EVENTS
from services.liaison.fieldwork import rules
from services.liaison.fieldwork.domain import inputs
from services.liaison.fieldwork.exceptions import (
    AlreadyExists, AlreadyOverdue, CommentRequired, NotEnterpriseHelpGroup, NotYetDue,
)
from services.liaison.fieldwork.vocabulary import HELP_PLAN_DUE, HelpPlanStatus, HelpPlanDecision


def plan_tasks(value) -> list[dict]:
    found = []
    for n, item in enumerate(inputs.items("tasks", value, "task", required=True)):
        field = f"tasks[{n}]"
        item = inputs.mapping(field, item, "a task: task, due, staff")
        checks.only_fields(item, ("task", "due", "staff", "uscc"), field)
        task = {
            "task": checks.text(f"{field}.task", item.get("task"), inputs.TEXT_LIMIT),
            "due": inputs.date(f"{field}.due", item.get("due")).isoformat(),
            "staff": inputs.names(f"{field}.staff", item.get("staff"), "person", required=True),
        }
        if item.get("uscc") is not None:
            task["uscc"] = checks.credit_code(item["uscc"], f"{field}.uscc")
        found.append(task)
    return found


class HelpPlan(Aggregate):
    events = EVENTS
    stream_type = "help_plan"

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.status: str | None = None
        self.unit: str | None = None
        self.leader_id: str | None = None
        self.due: str | None = None
        self.required_at: str | None = None
        self.plan: dict | None = None
        self.submissions = 0
        self.reviews: list[dict] = []
        self.filed_at: str | None = None
        self.overdue_at: str | None = None

    def _check(self, command: str, actor: Actor) -> None:
        rules.HELP_PLAN_RULES[command].check(self, actor, self.unit)

    @classmethod
    def require(cls, plan_id: str, *, unit: str, leader_id: str, due=None, at: dt.datetime,
                actor: Actor, leader_linkage: Mapping | None,
                existing: "HelpPlan | None" = None) -> "HelpPlan":
        """The office requires a department's help plan for a city leader's linkage:
        `leader_linkage` is that leader's linkage as it stands (None: he has none)."""
        at = checks.moment(at)
        rules.check_requirer(actor, "require a help plan")
        if existing is not None and existing.exists:
            raise AlreadyExists("help plan", plan_id)
        plan = cls(checks.text("plan_id", plan_id, inputs.CODE_LIMIT))
        unit = checks.text("unit", unit, inputs.CODE_LIMIT)
        leader_id = checks.text("leader_id", leader_id, inputs.CODE_LIMIT)
        rules.check_plan_leader(leader_id, leader_linkage)
        plan._record_fact("HelpPlanRequired", {
            "unit": unit, "leader_id": leader_id,
            "due": inputs.due(due, at, HELP_PLAN_DUE),
        }, at, actor)
        return plan

    def submit(self, *, tasks, liaison_staff, summary: str = "", at: dt.datetime,
               actor: Actor) -> list[Fact]:
        at = self._begin("submit", at, actor)
        return [self._record_fact("HelpPlanSubmitted", {
            "unit": self.unit, "leader_id": self.leader_id, "due": self.due,
            "on_time": office_day(at).isoformat() <= self.due,
            "summary": checks.optional_text("summary", summary, inputs.TEXT_LIMIT),
            "tasks": plan_tasks(tasks),
            "liaison_staff": inputs.names("liaison_staff", liaison_staff, "liaison person",
                                          required=True),
        }, at, actor)]

    def review(self, *, decision: str, comment: str = "", group_units: Collection[str],
               at: dt.datetime, actor: Actor) -> list[Fact]:
        """The enterprise_help group's review: a unit officer of one of `group_units` (its
        members' units, from the register), or the office, which hosts the leading group."""
        at = self._begin("review", at, actor)
        if actor.role == "unit_officer" and actor.unit not in set(group_units):
            raise NotEnterpriseHelpGroup(actor.unit)
        chosen = checks.code("decision", decision, HelpPlanDecision)
        comment = checks.optional_text("comment", comment, inputs.TEXT_LIMIT)
        if chosen is HelpPlanDecision.SEND_BACK:
            if not comment:
                raise CommentRequired()
            return [self._record_fact("HelpPlanSentBack", {
                "unit": self.unit, "comment": comment}, at, actor)]
        return [self._record_fact("HelpPlanApproved", {
            "unit": self.unit, "comment": comment}, at, actor)]

    def file(self, *, note: str = "", at: dt.datetime, actor: Actor) -> list[Fact]:
        """备案 with the office."""
        at = self._begin("file", at, actor)
        return [self._record_fact("HelpPlanFiled", {
            "unit": self.unit, "leader_id": self.leader_id,
            "note": checks.optional_text("note", note, inputs.TEXT_LIMIT)}, at, actor)]

    def mark_overdue(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("mark_overdue", at, actor)
        if self.overdue_at is not None:
            raise AlreadyOverdue("help plan", self.id)
        today = office_day(at).isoformat()
        if today <= self.due:
            raise NotYetDue(what=f"help plan {self.id}", due=self.due, today=today)
        return [self._record_fact("HelpPlanOverdue", {
            "unit": self.unit, "leader_id": self.leader_id, "due": self.due,
            "status": self.status}, at, actor)]

    def when_HelpPlanRequired(self, fact: Fact) -> None:
        p = fact.payload
        self.status = HelpPlanStatus.REQUIRED.value
        self.unit, self.leader_id, self.due = p["unit"], p["leader_id"], p["due"]
        self.required_at = format_time(fact.occurred_at)

    def when_HelpPlanSubmitted(self, fact: Fact) -> None:
        p = fact.payload
        self.status = HelpPlanStatus.SUBMITTED.value
        self.submissions += 1
        self.plan = {"summary": p["summary"], "tasks": [dict(t) for t in p["tasks"]],
                     "liaison_staff": list(p["liaison_staff"]), "on_time": p["on_time"],
                     "submitted_at": format_time(fact.occurred_at)}

    def _reviewed(self, fact: Fact, status: HelpPlanStatus) -> None:
        self.status = status.value
        self.reviews.append({"decision": ("approve" if status is HelpPlanStatus.APPROVED
                                          else "send_back"),
                             "comment": fact.payload["comment"], "by": fact.actor,
                             "at": format_time(fact.occurred_at)})

    def when_HelpPlanApproved(self, fact: Fact) -> None:
        self._reviewed(fact, HelpPlanStatus.APPROVED)

    def when_HelpPlanSentBack(self, fact: Fact) -> None:
        self._reviewed(fact, HelpPlanStatus.SENT_BACK)

    def when_HelpPlanFiled(self, fact: Fact) -> None:
        self.status = HelpPlanStatus.FILED.value
        self.filed_at = format_time(fact.occurred_at)

    def when_HelpPlanOverdue(self, fact: Fact) -> None:
        self.overdue_at = format_time(fact.occurred_at)

    def snapshot(self) -> dict:
        return {"id": self.id, "version": self.version, "status": self.status,
                "unit": self.unit, "leader_id": self.leader_id, "due": self.due,
                "required_at": self.required_at, "plan": dict(self.plan) if self.plan else None,
                "submissions": self.submissions, "reviews": [dict(r) for r in self.reviews],
                "filed_at": self.filed_at, "overdue": self.overdue_at is not None,
                "overdue_at": self.overdue_at}
