"""The events of the supervision cases and the ladder's thresholds (notice 二(五)1): what each
fact's payload holds, as its aggregate records it."""
from __future__ import annotations

from kernel.events import Catalogue, Payload, declare


class SupervisionThresholdsSet(Payload):
    """The office set the working days overdue at which each step of the ladder falls due."""

    previous: dict
    thresholds: dict


class AdmonitoryInterviewDue(Payload):
    """The matter is late enough that an admonitory interview (约谈) falls due."""

    kind: str
    matter_id: str
    overdue_working_days: int
    seqs: list
    step: str
    step_label: str
    stream_id: str
    unit: str


class AdmonitoryInterviewHeld(Payload):
    """The admonitory interview was held and recorded."""

    date: str
    interviewee: str
    interviewers: list
    kind: str
    matter_id: str
    note: str
    stream_id: str
    unit: str


class ListedForSupervision(Payload):
    """The matter was listed for supervision (挂牌督办), directly for a problem appeal or by the ladder."""

    direct: bool
    kind: str
    matter_id: str
    overdue_working_days: int | None
    reason: str
    seqs: list
    step: str
    step_label: str
    stream_id: str
    unit: str
    reason_label: str | None = None


class NoticeAnswered(Payload):
    """The unit answered its supervision notice, on time or late."""

    answer: str
    answer_by: str
    kind: str
    matter_id: str
    notice_number: str
    on_time: bool
    seqs: list
    stream_id: str
    unit: str


class OnSiteInspectionDue(Payload):
    """The matter is late enough that an on-site inspection (实地督查) falls due."""

    kind: str
    matter_id: str
    overdue_working_days: int
    seqs: list
    step: str
    step_label: str
    stream_id: str
    unit: str


class OnSiteInspectionRecorded(Payload):
    """The on-site inspection was held and its findings recorded."""

    date: str
    findings: str
    inspectors: list
    kind: str
    matter_id: str
    stream_id: str
    unit: str


class ReminderMade(Payload):
    """The unit was reminded of its late matter (催办), the ladder's first step."""

    kind: str
    matter_id: str
    overdue_working_days: int
    seqs: list
    step: str
    step_label: str
    stream_id: str
    unit: str


class SupervisionClosed(Payload):
    """The supervision case was closed, its matter done or the office deciding so."""

    done_at: str | None
    kind: str
    matter_id: str
    note: str
    seqs: list
    step: str
    stream_id: str
    unit: str


class SupervisionNoticeIssued(Payload):
    """A supervision notice (督查通知书) was issued to the unit, with the date its answer is due."""

    answer_by: str
    kind: str
    matter_id: str
    notice_number: str
    overdue_working_days: int
    seqs: list
    step: str
    step_label: str
    stream_id: str
    text: str
    title: str
    unit: str


class SupervisionOpened(Payload):
    """The ladder took up a late matter or a problem appeal of a unit as a supervision case."""

    due_at: str | None
    kind: str
    matter_id: str
    seqs: list
    stream_id: str
    title: str
    unit: str


EVENTS = Catalogue(
    "supervision",
    declare(SupervisionThresholdsSet, clause="二(五)1"),
    declare(AdmonitoryInterviewDue, clause="二(五)1"),
    declare(AdmonitoryInterviewHeld, clause="二(五)1"),
    declare(ListedForSupervision, clause="二(五)1"),
    declare(NoticeAnswered, clause="二(五)1"),
    declare(OnSiteInspectionDue, clause="二(五)1"),
    declare(OnSiteInspectionRecorded, clause="二(五)1"),
    declare(ReminderMade, clause="二(五)1"),
    declare(SupervisionClosed, clause="二(五)1"),
    declare(SupervisionNoticeIssued, clause="二(五)1"),
    declare(SupervisionOpened, clause="二(五)1"),
)
