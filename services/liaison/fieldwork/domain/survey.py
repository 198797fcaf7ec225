"""A department's survey (调研) of its park and enterprises. notice 二(三)2

The office requires it of a city department (by May 25 unless another due date is given): of the
park the department is linked to (a department not linked, or another park, is refused), reported
to a city leader whose accepted linkage is in that park; the department submits its
report: the enterprises surveyed, its findings, and the problems found by kind (融资、技术、用工、
用地 …), each with a proposal. The report goes to the leader (`SurveySubmitted` names him). A
survey still not submitted after its due date is marked overdue by the timer, once.

Plain Python, no I/O: state changes only in the `when_<Fact>` methods.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.clock import office_day
from kernel.envelope import format_time
from services.liaison.fieldwork.events import EVENTS
from services.liaison.fieldwork import rules
from services.liaison.fieldwork.domain import inputs
from services.liaison.fieldwork.exceptions import AlreadyExists, AlreadyOverdue, NotYetDue
from services.liaison.fieldwork.vocabulary import SURVEY_DUE, FieldProblemKind, SurveyStatus


def survey_problems(value) -> list[dict]:
    """Problems by kind, each with its proposal (and the enterprise, when it is one's)."""
    found = []
    for n, item in enumerate(inputs.items("problems", value, "problem")):
        field = f"problems[{n}]"
        item = inputs.mapping(field, item, "a problem: kind, description, proposal")
        checks.only_fields(item, ("kind", "description", "proposal", "uscc"), field)
        problem = {
            "kind": checks.code(f"{field}.kind", item.get("kind"), FieldProblemKind).value,
            "description": checks.text(f"{field}.description", item.get("description"),
                                       inputs.TEXT_LIMIT),
            "proposal": checks.text(f"{field}.proposal", item.get("proposal"),
                                    inputs.TEXT_LIMIT),
        }
        if item.get("uscc") is not None:
            problem["uscc"] = checks.credit_code(item["uscc"], f"{field}.uscc")
        found.append(problem)
    return found


class Survey(Aggregate):
    events = EVENTS
    stream_type = "survey"

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.status: str | None = None
        self.unit: str | None = None
        self.park: str | None = None
        self.leader_id: str | None = None
        self.due: str | None = None
        self.required_at: str | None = None
        self.submitted_at: str | None = None
        self.report: dict | None = None
        self.overdue_at: str | None = None

    def _check(self, command: str, actor: Actor) -> None:
        rules.SURVEY_RULES[command].check(self, actor, self.unit)

    @classmethod
    def require(cls, survey_id: str, *, unit: str, park: str | None = None,
                leader_id: str | None = None, due=None, at: dt.datetime, actor: Actor,
                linked_park: str | None, park_leaders: Mapping[str, str],
                existing: "Survey | None" = None) -> "Survey":
        """The office requires a department's survey of the park it is linked to
        (`linked_park`), reported to a city leader linked to that park (`park_leaders`: leader
        id → rank, those whose accepted linkage is in the park); see `rules.survey_target`."""
        at = checks.moment(at)
        rules.check_requirer(actor, "require a survey")
        if existing is not None and existing.exists:
            raise AlreadyExists("survey", survey_id)
        survey = cls(checks.text("survey_id", survey_id, inputs.CODE_LIMIT))
        unit = checks.text("unit", unit, inputs.CODE_LIMIT)
        if park is not None:
            park = checks.text("park", park, inputs.CODE_LIMIT)
        if leader_id is not None:
            leader_id = checks.text("leader_id", leader_id, inputs.CODE_LIMIT)
        park, leader_id = rules.survey_target(unit, park, leader_id, linked_park=linked_park,
                                              park_leaders=park_leaders)
        survey._record_fact("SurveyRequired", {
            "unit": unit, "park": park, "leader_id": leader_id,
            "due": inputs.due(due, at, SURVEY_DUE),
        }, at, actor)
        return survey

    def submit(self, *, findings: str, enterprises=(), problems=(), at: dt.datetime,
               actor: Actor) -> list[Fact]:
        """The department's report to its leader. notice 二(三)2"""
        at = self._begin("submit", at, actor)
        surveyed = inputs.credit_codes("enterprises", enterprises)
        found = survey_problems(problems)
        return [self._record_fact("SurveySubmitted", {
            "unit": self.unit, "park": self.park, "leader_id": self.leader_id, "due": self.due,
            "on_time": office_day(at).isoformat() <= self.due,
            "findings": checks.text("findings", findings, inputs.TEXT_LIMIT),
            "enterprises": surveyed,
            "problems": found,
        }, at, actor)]

    def mark_overdue(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        """Not submitted after its due date: recorded once, for supervision."""
        at = self._begin("mark_overdue", at, actor)
        if self.overdue_at is not None:
            raise AlreadyOverdue("survey", self.id)
        today = office_day(at).isoformat()
        if today <= self.due:
            raise NotYetDue(what=f"survey {self.id}", due=self.due, today=today)
        return [self._record_fact("SurveyOverdue", {
            "unit": self.unit, "park": self.park, "leader_id": self.leader_id, "due": self.due,
        }, at, actor)]

    def when_SurveyRequired(self, fact: Fact) -> None:
        p = fact.payload
        self.status = SurveyStatus.REQUIRED.value
        self.unit, self.park, self.leader_id, self.due = (
            p["unit"], p["park"], p["leader_id"], p["due"])
        self.required_at = format_time(fact.occurred_at)

    def when_SurveySubmitted(self, fact: Fact) -> None:
        p = fact.payload
        self.status = SurveyStatus.SUBMITTED.value
        self.submitted_at = format_time(fact.occurred_at)
        self.report = {"findings": p["findings"], "enterprises": list(p["enterprises"]),
                       "problems": [dict(x) for x in p["problems"]], "on_time": p["on_time"]}

    def when_SurveyOverdue(self, fact: Fact) -> None:
        self.overdue_at = format_time(fact.occurred_at)

    def snapshot(self) -> dict:
        by_kind: dict[str, int] = {}
        for problem in (self.report or {}).get("problems", []):
            by_kind[problem["kind"]] = by_kind.get(problem["kind"], 0) + 1
        return {"id": self.id, "version": self.version, "status": self.status,
                "unit": self.unit, "park": self.park, "leader_id": self.leader_id,
                "due": self.due, "required_at": self.required_at,
                "submitted_at": self.submitted_at, "overdue": self.overdue_at is not None,
                "overdue_at": self.overdue_at,
                "report": dict(self.report) if self.report else None,
                "problems_by_kind": by_kind}
