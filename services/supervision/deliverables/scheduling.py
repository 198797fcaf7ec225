"""Scheduling reports (调度通报, notice 二(五)1 定期进行跟踪调度): the office states, as of a moment,
what each unit owed by then, what it did, and what it did late or has still not done, each figure
with the tracked matters and the ledger seqs it was counted from.

A `SchedulingReport` (stream type "scheduling_report", stream id `scheduling:<number>`) is
issued once: SchedulingReportIssued {number, title, as_of, units: [{unit, due, done, late, open,
matters: {due, done, late, open}, seqs}], totals}. The figures come from tracking
(`tracking.scheduling_snapshot`, read by the service at `as_of`):

- due: the matters whose date is at or before `as_of` (withdrawn ones left out);
- done: the matters done by `as_of`, whatever their date;
- late: the matters done after their date, and those past their date and not done;
- open: the matters not done by `as_of`, due or not.

Plain Python, no I/O.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.envelope import format_time
from services.supervision.deliverables.events import EVENTS
from services.supervision.deliverables import rules
from services.supervision.deliverables.rules import ReportAlreadyIssued

STREAM_TYPE = "scheduling_report"
NUMBER_LIMIT = 60
TITLE_LIMIT = 300
FIGURES = ("due", "done", "late", "open")
FIGURE_LABELS = {"due": "应完成", "done": "已完成", "late": "逾期", "open": "未完成"}


def stream_id_for(number: str) -> str:
    return f"scheduling:{number}"


def unit_lines(snapshot: Mapping[str, Mapping]) -> list[dict]:
    """The report's lines from a tracking snapshot: per unit (by code), each figure's count and
    its matters, and the seqs behind them."""
    lines = []
    for unit in sorted(snapshot):
        entry = snapshot[unit]
        matters = {figure: sorted(entry.get(figure, [])) for figure in FIGURES}
        lines.append({"unit": unit, **{figure: len(matters[figure]) for figure in FIGURES},
                      "matters": matters, "seqs": sorted(set(entry.get("seqs", [])))})
    return lines


class SchedulingReport(Aggregate):
    stream_type = STREAM_TYPE
    events = EVENTS

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.number: str | None = None
        self.title: str | None = None
        self.as_of: str | None = None
        self.units: list[dict] = []
        self.totals: dict = {}
        self.issued_at: str | None = None
        self.issued_by: str | None = None

    @property
    def status(self) -> str | None:
        return "issued" if self.exists else None

    def snapshot(self) -> dict:
        return {"id": self.id, "version": self.version, "number": self.number,
                "title": self.title, "as_of": self.as_of, "units": list(self.units),
                "totals": dict(self.totals), "issued_at": self.issued_at,
                "issued_by": self.issued_by}

    def _check(self, command: str, actor: Actor) -> None:
        rules.check(command, actor)

    @classmethod
    def issue(cls, number: str, *, title: str, as_of: dt.datetime,
              snapshot: Mapping[str, Mapping], at: dt.datetime, actor: Actor,
              existing: SchedulingReport | None = None) -> SchedulingReport:
        """Issue report `number` stating `snapshot` (tracking's, at `as_of`)."""
        at = checks.moment(at)
        as_of = checks.moment(as_of, "as_of")
        rules.check("issue_scheduling_report", actor)
        number = checks.text("number", number, NUMBER_LIMIT)
        if existing is not None and existing.exists:
            raise ReportAlreadyIssued(number)
        lines = unit_lines(snapshot)
        report = cls(stream_id_for(number))
        report._record_fact("SchedulingReportIssued", {
            "number": number,
            "title": checks.text("title", title, TITLE_LIMIT),
            "as_of": format_time(as_of),
            "units": lines,
            "totals": {figure: sum(line[figure] for line in lines) for figure in FIGURES},
        }, at, actor)
        return report

    def when_SchedulingReportIssued(self, fact: Fact) -> None:
        p = fact.payload
        self.number, self.title, self.as_of = p["number"], p["title"], p["as_of"]
        self.units, self.totals = list(p["units"]), dict(p["totals"])
        self.issued_at = fact.occurred_at.isoformat()
        self.issued_by = fact.actor
