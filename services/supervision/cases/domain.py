"""A supervision case (督查督办): one late matter — or one problem appeal — as the ladder takes it
up, step by step. notice 二(五)

The case of a matter lives on a stream whose id is derived from the matter's id (`case_id`), so
every replica of the sweep that finds the matter late decides on the same stream, and the
store's optimistic concurrency lets only one of them record each step.

- `SupervisionOpened` — the matter (its id, kind, owing stream, unit, date) and the ledger
  entries behind it;
- one fact per step, each recorded once, in order, never undone: `ReminderMade` (电话催办),
  `SupervisionNoticeIssued` (督查通知书: its number, its text and the date it must be answered
  by — a document the unit receives), `OnSiteInspectionDue` (实地督查) and
  `AdmonitoryInterviewDue` (约谈), `ListedForSupervision` (挂牌督办; `direct` for a problem
  appeal, listed at once: 提级督办);
- what people did: `OnSiteInspectionRecorded` (the findings, entered by the office or the
  working group), `AdmonitoryInterviewHeld`, `NoticeAnswered` (by the unit's own officer);
- `SupervisionClosed` — the matter is done (the timer sees it) or the office closes the case.

The inspection and the interview are steps people carry out: the timer cannot inspect a unit
nor hold an interview, so on reaching them it records that they are due (`…Due`), and the
office or the working group then records what happened (`OnSiteInspectionRecorded`,
`AdmonitoryInterviewHeld`) — allowed once the case has reached that step, once each.

Every step fact names the unit, the matter and the ledger seqs behind it, so the assessment's
"supervision received" can cite them. Plain Python, no I/O.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.clock import office_day
from kernel.envelope import format_time, parse_time
from kernel.errors import UnknownCode
from services.supervision.cases.events import EVENTS
from services.supervision import facts
from services.supervision.cases import rules
from services.supervision.cases.exceptions import (
    AlreadyListed,
    AlreadyRecorded,
    AnswerByTooEarly,
    CaseAlreadyOpen,
    DateInFuture,
    InvalidDate,
    InvalidOverdueDays,
    InvalidSeqs,
    NamesRequired,
    NoNoticeIssued,
    NoticeAlreadyAnswered,
    NoticeDetailsRequired,
    StepNotDue,
    StepNotReached,
)
from services.supervision.cases.ladder import STEPS, Step, next_step
from services.supervision.cases.rules import CaseStatus

# A problem appeal (sent back three times, or passed among three units) is a matter of its own:
# listed at once, whatever the appeal's signing or resolution cases have reached.
PROBLEM_APPEAL = "problem_appeal"
CASE_PREFIX = "sv:"
# Case ids travel in paths and cells of CODE_LIMIT characters.
CASE_ID_LIMIT = checks.CODE_LIMIT

# The fact recorded on reaching each step.
STEP_FACTS = {
    Step.REMINDER: "ReminderMade",
    Step.NOTICE: "SupervisionNoticeIssued",
    Step.INSPECTION: "OnSiteInspectionDue",
    Step.INTERVIEW: "AdmonitoryInterviewDue",
    Step.LISTED: "ListedForSupervision",
}
STEP_OF_FACT = {fact: step for step, fact in STEP_FACTS.items()}

KIND_LABELS = {
    facts.APPEAL_SIGNING: "诉求签收", facts.APPEAL_RESOLUTION: "诉求办结",
    facts.IMPLEMENTATION_RULE: "实施细则", facts.SURVEY: "调研报告", facts.HELP_PLAN: "帮扶方案",
    facts.DELIVERABLE: "工作节点", facts.NOTICE_ANSWER: "督查通知书回复",
    facts.ASSIST_TASK: "协办任务", facts.RECTIFICATION: "差评整改", PROBLEM_APPEAL: "问题诉求",
}
PROBLEM_REASONS = {"sent_back_3": "发回重办三次及以上", "passed_among_3": "三个及以上单位推诿"}


def case_id(matter_id: str) -> str:
    """The case stream's id for a matter: the same on every replica, within CASE_ID_LIMIT."""
    matter_id = checks.text("matter_id", matter_id, 1000)
    plain = CASE_PREFIX + matter_id
    if len(plain) <= CASE_ID_LIMIT:
        return plain
    return CASE_PREFIX + "h:" + hashlib.sha256(matter_id.encode()).hexdigest()[:40]


def problem_matter_id(appeal_id: str) -> str:
    return f"{PROBLEM_APPEAL}:{appeal_id}"


def notice_number(year: int, n: int) -> str:
    """The notice's number as it is printed: 督查通知〔2026〕12号."""
    return f"督查通知〔{year}〕{n}号"


def notice_text(*, number: str, unit: str, kind: str, title: str, matter_id: str,
                due_at: str | None, overdue_working_days: int, answer_by: str) -> str:
    """The supervision notice's words, as the unit receives them."""
    what = title or matter_id
    due = f"应于{office_day(parse_time(due_at)).isoformat()}前完成，" if due_at else ""
    return (f"督查通知书 {number}\n{unit}：\n"
            f"你单位承办的{KIND_LABELS.get(kind, kind)}事项“{what}”{due}"
            f"截至目前已逾期{overdue_working_days}个工作日。"
            f"请于{answer_by}前书面答复办理情况及整改措施。\n"
            f"（事项 {matter_id}）")


def ledger_seqs(value, field: str = "seqs") -> list[int]:
    """Ledger seqs, ascending, each once."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidSeqs(field, value)
    found = set()
    for seq in value:
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            raise InvalidSeqs(field, seq)
        found.add(seq)
    return sorted(found)


def _date(field: str, value, at: dt.datetime) -> str:
    if isinstance(value, dt.datetime) or not isinstance(value, (dt.date, str)):
        raise InvalidDate(field, value)
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidDate(field, value) from None
    today = office_day(at)
    if value > today:
        raise DateInFuture(field, value.isoformat(), today.isoformat())
    return value.isoformat()


def _names(field: str, values) -> list[str]:
    names = checks.codes(field, values, checks.NAME_LIMIT)
    if not names:
        raise NamesRequired(field)
    return names


class SupervisionCase(Aggregate):
    stream_type = "supervision_case"
    events = EVENTS

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.status: str | None = None
        self.matter_id: str | None = None
        self.kind: str | None = None
        self.matter_stream: str | None = None
        self.unit: str | None = None
        self.title = ""
        self.due_at: str | None = None
        self.seqs: list[int] = []
        self.opened_at: str | None = None
        self.step: Step | None = None
        self.steps: list[dict] = []
        self.direct = False
        self.notice: dict | None = None
        self.inspection: dict | None = None
        self.interview: dict | None = None
        self.closed: dict | None = None

    def _check(self, command: str, actor: Actor) -> None:
        rules.CASE_RULES[command].check(self, actor, self.unit)

    # -- the timer's commands ------------------------------------------------------------------

    @classmethod
    def open(cls, matter_id: str, *, kind: str, stream_id: str, unit: str,
             due_at: dt.datetime | None, seqs=(), title: str = "", at: dt.datetime,
             actor: Actor, existing: SupervisionCase | None = None) -> SupervisionCase:
        """Take up a late matter (or a problem appeal, `kind` PROBLEM_APPEAL)."""
        at = checks.moment(at)
        rules.check_opener(actor)
        case = cls(case_id(matter_id))
        if existing is not None and existing.exists:
            raise CaseAlreadyOpen(case.id)
        if kind not in KIND_LABELS:
            raise UnknownCode("kind", kind, list(KIND_LABELS))
        case._record_fact("SupervisionOpened", {
            "matter_id": checks.text("matter_id", matter_id, 1000), "kind": kind,
            "stream_id": checks.text("stream_id", stream_id, 1000),
            "unit": checks.text("unit", unit, checks.CODE_LIMIT),
            "title": checks.optional_text("title", title, checks.NAME_LIMIT),
            "due_at": format_time(checks.moment(due_at, "due_at")) if due_at else None,
            "seqs": ledger_seqs(seqs)}, at, actor)
        return case

    def climb(self, due: Step | str, *, overdue_working_days: int, seqs=(),
              at: dt.datetime, actor: Actor, notice_number: str | None = None,
              answer_by: dt.date | None = None) -> list[Fact]:
        """Climb to the next step, `due` being the highest step now due (`ladder.step_due`):
        one step per command, however far `due` is above it, so each step is recorded once
        and none is passed over. The notice step needs its number and its answer-by date."""
        at = self._begin("climb", at, actor)
        due = checks.code("step", due, Step)
        step = next_step(self.step)
        if step is None or due.rank < step.rank:
            raise StepNotDue(due.value, self.step.value if self.step else None)
        payload = self._step_payload(step, overdue_working_days, seqs)
        if step is Step.NOTICE:
            payload.update(self._notice(notice_number, answer_by, overdue_working_days, at))
        if step is Step.LISTED:
            payload.update({"direct": False, "reason": "overdue"})
        return [self._record_fact(STEP_FACTS[step], payload, at, actor)]

    def list_directly(self, *, reason: str, seqs=(), at: dt.datetime,
                      actor: Actor) -> list[Fact]:
        """提级督办: straight to listed supervision, the steps below it passed over."""
        at = self._begin("list_directly", at, actor)
        if self.step is Step.LISTED:
            raise AlreadyListed()
        payload = self._step_payload(Step.LISTED, None, seqs)
        payload.update({"direct": True,
                        "reason": checks.text("reason", reason, checks.CODE_LIMIT),
                        "reason_label": PROBLEM_REASONS.get(reason, "")})
        return [self._record_fact(STEP_FACTS[Step.LISTED], payload, at, actor)]

    def close(self, *, note: str = "", done_at: dt.datetime | None = None, seqs=(),
              at: dt.datetime, actor: Actor) -> list[Fact]:
        """The matter is done (the timer, `done_at` and the entries that show it), or the
        office closes the case with a note."""
        at = self._begin("close", at, actor)
        return [self._record_fact("SupervisionClosed", {
            **self._names(), "step": self.step.value if self.step else None,
            "done_at": format_time(checks.moment(done_at, "done_at")) if done_at else None,
            "note": checks.optional_text("note", note, checks.TEXT_LIMIT),
            "seqs": ledger_seqs(seqs)}, at, actor)]

    # -- what people record --------------------------------------------------------------------

    def record_inspection(self, *, findings: str, inspectors, date, at: dt.datetime,
                          actor: Actor) -> list[Fact]:
        at = self._begin("record_inspection", at, actor)
        self._reached(Step.INSPECTION, "record the on-site inspection")
        if self.inspection is not None:
            raise AlreadyRecorded("on-site inspection (实地督查)")
        return [self._record_fact("OnSiteInspectionRecorded", {
            **self._names(), "findings": checks.text("findings", findings, checks.TEXT_LIMIT),
            "inspectors": _names("inspectors", inspectors),
            "date": _date("date", date, at)}, at, actor)]

    def record_interview(self, *, interviewee: str, interviewers, date, note: str = "",
                         at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("record_interview", at, actor)
        self._reached(Step.INTERVIEW, "record the admonitory interview")
        if self.interview is not None:
            raise AlreadyRecorded("admonitory interview (约谈)")
        return [self._record_fact("AdmonitoryInterviewHeld", {
            **self._names(),
            "interviewee": checks.text("interviewee", interviewee, checks.NAME_LIMIT),
            "interviewers": _names("interviewers", interviewers),
            "date": _date("date", date, at),
            "note": checks.optional_text("note", note, checks.TEXT_LIMIT)}, at, actor)]

    def answer_notice(self, *, answer: str, seqs=(), at: dt.datetime,
                      actor: Actor) -> list[Fact]:
        """The unit's answer to the notice it received (its own officer)."""
        at = self._begin("answer_notice", at, actor)
        if self.notice is None:
            raise NoNoticeIssued()
        if self.notice["answered"] is not None:
            raise NoticeAlreadyAnswered(self.notice["number"])
        return [self._record_fact("NoticeAnswered", {
            **self._names(), "notice_number": self.notice["number"],
            "answer_by": self.notice["answer_by"],
            "on_time": office_day(at).isoformat() <= self.notice["answer_by"],
            "answer": checks.text("answer", answer, checks.TEXT_LIMIT),
            "seqs": ledger_seqs(seqs)}, at, actor)]

    # -- helpers -------------------------------------------------------------------------------

    def _names(self) -> dict:
        return {"matter_id": self.matter_id, "kind": self.kind, "stream_id": self.matter_stream,
                "unit": self.unit}

    def _step_payload(self, step: Step, overdue_working_days: int | None, seqs) -> dict:
        if overdue_working_days is not None and (
                isinstance(overdue_working_days, bool) or not isinstance(overdue_working_days, int)
                or overdue_working_days < 0):
            raise InvalidOverdueDays(overdue_working_days)
        return {**self._names(), "step": step.value, "step_label": step.label,
                "overdue_working_days": overdue_working_days,
                # the entries behind the matter, and any the sweep adds (the matter moved since)
                "seqs": ledger_seqs([*self.seqs, *ledger_seqs(seqs)])}

    def _notice(self, number: str | None, answer_by: dt.date | None, overdue: int,
                at: dt.datetime) -> dict:
        if not number:
            raise NoticeDetailsRequired("notice_number")
        if not isinstance(answer_by, dt.date) or isinstance(answer_by, dt.datetime):
            raise NoticeDetailsRequired("answer_by")
        issued_on = office_day(at)
        if answer_by <= issued_on:
            raise AnswerByTooEarly(answer_by.isoformat(), issued_on.isoformat())
        number = checks.text("notice_number", number, checks.CODE_LIMIT)
        return {"notice_number": number, "answer_by": answer_by.isoformat(),
                "title": self.title,
                "text": notice_text(number=number, unit=self.unit, kind=self.kind,
                                    title=self.title, matter_id=self.matter_id,
                                    due_at=self.due_at, overdue_working_days=overdue,
                                    answer_by=answer_by.isoformat())}

    def _reached(self, step: Step, doing: str) -> None:
        if self.step is None or self.step.rank < step.rank:
            raise StepNotReached(doing, step.value, self.step.value if self.step else None)

    @property
    def reached(self) -> Step | None:
        return self.step

    # -- facts ---------------------------------------------------------------------------------

    def when_SupervisionOpened(self, fact: Fact) -> None:
        p = fact.payload
        self.status = CaseStatus.OPEN.value
        self.matter_id, self.kind, self.matter_stream = p["matter_id"], p["kind"], p["stream_id"]
        self.unit, self.title, self.due_at = p["unit"], p["title"], p["due_at"]
        self.seqs = list(p["seqs"])
        self.opened_at = format_time(fact.occurred_at)

    def _stepped(self, fact: Fact) -> None:
        p = fact.payload
        self.step = STEP_OF_FACT[fact.type]
        self.seqs = list(p["seqs"])
        self.steps.append({"step": self.step.value, "label": self.step.label,
                           "fact": fact.type, "at": format_time(fact.occurred_at),
                           "overdue_working_days": p["overdue_working_days"],
                           "seqs": list(p["seqs"]), "by": fact.actor})

    def when_ReminderMade(self, fact: Fact) -> None:
        self._stepped(fact)

    def when_SupervisionNoticeIssued(self, fact: Fact) -> None:
        self._stepped(fact)
        p = fact.payload
        self.notice = {"number": p["notice_number"], "text": p["text"],
                       "answer_by": p["answer_by"], "issued_at": format_time(fact.occurred_at),
                       "answered": None}

    def when_OnSiteInspectionDue(self, fact: Fact) -> None:
        self._stepped(fact)

    def when_AdmonitoryInterviewDue(self, fact: Fact) -> None:
        self._stepped(fact)

    def when_ListedForSupervision(self, fact: Fact) -> None:
        self._stepped(fact)
        self.direct = fact.payload["direct"]
        self.steps[-1].update(direct=self.direct, reason=fact.payload["reason"])

    def when_OnSiteInspectionRecorded(self, fact: Fact) -> None:
        p = fact.payload
        self.inspection = {"findings": p["findings"], "inspectors": list(p["inspectors"]),
                           "date": p["date"], "by": fact.actor,
                           "at": format_time(fact.occurred_at)}

    def when_AdmonitoryInterviewHeld(self, fact: Fact) -> None:
        p = fact.payload
        self.interview = {"interviewee": p["interviewee"],
                          "interviewers": list(p["interviewers"]), "date": p["date"],
                          "note": p["note"], "by": fact.actor,
                          "at": format_time(fact.occurred_at)}

    def when_NoticeAnswered(self, fact: Fact) -> None:
        p = fact.payload
        self.notice["answered"] = {"answer": p["answer"], "on_time": p["on_time"],
                                   "seqs": list(p["seqs"]), "by": fact.actor,
                                   "at": format_time(fact.occurred_at)}

    def when_SupervisionClosed(self, fact: Fact) -> None:
        p = fact.payload
        self.status = CaseStatus.CLOSED.value
        self.closed = {"at": format_time(fact.occurred_at), "done_at": p["done_at"],
                       "note": p["note"], "seqs": list(p["seqs"]), "by": fact.actor}

    def snapshot(self) -> dict:
        return {
            "id": self.id, "version": self.version, "status": self.status,
            "status_label": CaseStatus(self.status).label if self.status else None,
            "matter_id": self.matter_id, "kind": self.kind,
            "kind_label": KIND_LABELS.get(self.kind, ""), "stream_id": self.matter_stream,
            "unit": self.unit, "title": self.title, "due_at": self.due_at,
            "seqs": list(self.seqs), "opened_at": self.opened_at,
            "step": self.step.value if self.step else None,
            "step_label": self.step.label if self.step else None,
            "steps": [dict(s) for s in self.steps], "direct": self.direct,
            "notice": ({**self.notice, "answered": dict(self.notice["answered"])
                        if self.notice["answered"] else None} if self.notice else None),
            "inspection": dict(self.inspection) if self.inspection else None,
            "interview": dict(self.interview) if self.interview else None,
            "closed": dict(self.closed) if self.closed else None,
            "ladder": [step.value for step in STEPS],
        }
