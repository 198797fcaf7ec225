"""What the field work records: departments' surveys and help plans, visits and the problems
found on them, expert consultations and matchmaking, and liaison officers' operation reports.
The tickets service turns a `VisitProblemFound` into an appeal; supervision follows the surveys'
and help plans' due dates. Plain declarations: consumers in other services import this module."""
from __future__ import annotations

from kernel.events import Catalogue, Payload, declare


# -- surveys (调研) ------------------------------------------------------------------------------

class SurveyRequired(Payload):
    """The office required a city department's survey of the park it is linked to, reported to
    a city leader linked to that park, by its due date."""

    unit: str
    park: str
    leader_id: str
    due: str


class SurveySubmitted(Payload):
    """The department submitted its survey report to its leader: the enterprises surveyed, its
    findings and the problems found by kind, each with a proposal; on time or not."""

    unit: str
    park: str
    leader_id: str
    due: str
    on_time: bool
    findings: str
    enterprises: list[str]
    # each {kind, description, proposal, uscc (when it is one enterprise's)}
    problems: list[dict]


class SurveyOverdue(Payload):
    """A survey was still not submitted after its due date (recorded once)."""

    unit: str
    park: str
    leader_id: str
    due: str


# -- help plans (帮扶方案) --------------------------------------------------------------------------

class HelpPlanRequired(Payload):
    """The office required a city department's help plan for a city leader's linkage."""

    unit: str
    leader_id: str
    due: str


class HelpPlanSubmitted(Payload):
    """The department submitted its help plan: its tasks, each with its date and staff, and
    its liaison staff (联络人员); on time or not."""

    unit: str
    leader_id: str
    due: str
    on_time: bool
    summary: str
    # each {task, due, staff, uscc (when it is one enterprise's)}
    tasks: list[dict]
    liaison_staff: list[str]


class HelpPlanApproved(Payload):
    """The enterprise help working group approved the help plan."""

    unit: str
    comment: str


class HelpPlanSentBack(Payload):
    """The enterprise help working group sent the help plan back with what to change."""

    unit: str
    comment: str


class HelpPlanFiled(Payload):
    """The office filed (备案) the approved help plan."""

    unit: str
    leader_id: str
    note: str


class HelpPlanOverdue(Payload):
    """A help plan was still not submitted after its due date (recorded once), in the status
    it stood in."""

    unit: str
    leader_id: str
    due: str
    status: str | None


# -- visits (走访) -----------------------------------------------------------------------------------

class VisitRecorded(Payload):
    """A visit to an enterprise took place: who went (leader, cadres, units), when, and what
    was found."""

    date: str
    leader_id: str
    cadres: list[str]
    units: list[str]
    uscc: str
    enterprise_name: str
    county: str
    findings: str


class VisitProblemFound(Payload):
    """A problem was found on a visit (融资、技术、用工、用地 …): it becomes an appeal in the
    tickets service, whose id derives from this event's id."""

    visit_id: str
    problem_id: str
    uscc: str
    enterprise_name: str
    county: str
    title: str
    description: str
    category: str


class VisitAppealRaised(Payload):
    """The tickets service raised an appeal from a problem of this visit (noted once)."""

    ticket_id: str
    ticket_event_id: str
    ledger_number: str
    problem_id: str | None
    status: str


class VisitAppealStatusChanged(Payload):
    """An appeal raised from this visit changed status in the tickets service (noted once per
    tickets event)."""

    ticket_id: str
    ticket_event_id: str
    ledger_number: str
    previous_status: str
    status: str


# -- expert consultations and matchmaking --------------------------------------------------------

class ConsultationHeld(Payload):
    """The expert advisory group (专家精准帮扶顾问团) consulted enterprises (企业问诊): its
    experts, topic and advice, and the outcome if known."""

    unit: str
    date: str
    experts: list[str]
    enterprises: list[str]
    topic: str
    advice: str
    outcome: str


class ConsultationOutcomeRecorded(Payload):
    """An outcome of a consultation became known."""

    outcome: str


class MatchmakingHeld(Payload):
    """A matchmaking took place: with banks (融资对接) or leading firms (产业链对接), its
    partners and enterprises, and the outcome if known."""

    unit: str
    kind: str
    date: str
    title: str
    partners: list[str]
    enterprises: list[str]
    outcome: str


class MatchmakingOutcomeRecorded(Payload):
    """An outcome of a matchmaking became known (loans granted, contracts signed)."""

    outcome: str


# -- operation reports (企业生产经营情况) ---------------------------------------------------------------

class OperationReportFiled(Payload):
    """A liaison officer reported an enterprise's month: its figures (output value, revenue and
    tax in 万元, employees; each None when not given), production status and problems."""

    uscc: str
    enterprise_name: str
    county: str | None
    park: str | None
    period: str
    leader_id: str
    cadre_id: str
    figures: dict
    production_status: str
    problems: str


class OperationReportAmended(Payload):
    """A liaison officer corrected a month's report, with the reason: the report as it now
    stands and each correction {field, was, now}."""

    uscc: str
    period: str
    leader_id: str
    cadre_id: str
    reason: str
    corrections: list[dict]
    figures: dict
    production_status: str
    problems: str


EVENTS = Catalogue(
    "liaison",
    declare(SurveyRequired, clause="二(三)2"),
    declare(SurveySubmitted, clause="二(三)2"),
    declare(SurveyOverdue, clause="二(五)1"),
    declare(HelpPlanRequired, clause="二(三)2"),
    declare(HelpPlanSubmitted, clause="二(三)2"),
    declare(HelpPlanApproved, clause="二(三)2"),
    declare(HelpPlanSentBack, clause="二(三)2"),
    declare(HelpPlanFiled, clause="二(三)2"),
    declare(HelpPlanOverdue, clause="二(五)1"),
    declare(VisitRecorded, clause="二(三)2"),
    declare(VisitProblemFound, clause="二(四)2"),
    declare(VisitAppealRaised, clause="二(四)2"),
    declare(VisitAppealStatusChanged, clause="二(四)2"),
    declare(ConsultationHeld, clause="二(三)3"),
    declare(ConsultationOutcomeRecorded, clause="二(三)3"),
    declare(MatchmakingHeld, clause="二(三)3"),
    declare(MatchmakingOutcomeRecorded, clause="二(三)3"),
    declare(OperationReportFiled, clause="二(三)2"),
    declare(OperationReportAmended, clause="二(三)2"),
)
