"""The ledger as the office keeps it on paper (诉求台账): one line per appeal, a cell per header of
the wire contract's `LEDGER_HEADERS`, with Chinese labels for every code and times in Beijing
time. Plain Python over appeal views (`appeal_view`); the gateway writes the lines into
an .xlsx sheet, a page at a time.
"""
from __future__ import annotations

from typing import Callable

from kernel.clock import OFFICE_TIME
from kernel.envelope import parse_time
from kernel.vocabulary import LabelledEnum
from services.tickets.appeals.contract import LEDGER_HEADERS
from services.tickets.appeals.vocabulary import COUNTIES, Category, Channel, Rating, Status, Way
from services.tickets.appeals.vocabulary import AppealType, Urgency


def _label(vocabulary: type[LabelledEnum], code: str | None) -> str | None:
    if not code:
        return None
    try:
        return vocabulary(code).label
    except ValueError:
        return code  # a code this release does not know yet is shown as it is, not dropped


def _local(moment: str | None) -> str | None:
    if not moment:
        return None
    return parse_time(moment).astimezone(OFFICE_TIME).strftime("%Y-%m-%d %H:%M")


def _way(state: dict) -> str | None:
    classification = state["classification"]
    return _label(Way, classification["way"]) if classification else None


def _step(state: dict, step: str) -> str | None:
    # A row folded before the step times were kept falls back on what it had.
    times = state.get("times") or {}
    if step in times:
        return _local(times[step])
    return _local(state.get({"received": "received_at", "signed": "signed_for_at",
                             "resolved": "resolved_at", "closed": "closed_at"}.get(step, "")))


# The ledger's columns as the office keeps them, each read from the appeal's view.
LEDGER_COLUMNS: tuple[tuple[str, Callable[[dict], str | int | None]], ...] = (
    ("台账编号", lambda s: s["ledger_number"]),
    ("企业名称", lambda s: s["enterprise_name"]),
    ("统一社会信用代码", lambda s: s["uscc"]),
    # As the reader may see them: the lines are of views already passed through the read rule.
    ("联系人", lambda s: s.get("contact_person")),
    ("联系电话", lambda s: s.get("contact_phone")),
    ("诉求标题", lambda s: s["title"]),
    ("诉求内容", lambda s: s["description"]),
    ("受理渠道", lambda s: _label(Channel, s["channel"])),
    ("诉求类别", lambda s: _label(Category, s["category"])),
    ("诉求类型", lambda s: _label(AppealType, s.get("appeal_type"))),
    ("紧急程度", lambda s: _label(Urgency, s.get("urgency"))),
    ("所属县(市、区)", lambda s: COUNTIES.get(s["county"], s["county"])),
    ("责任单位(主办)", lambda s: s["lead_unit"]),
    ("协办单位", lambda s: "、".join(s["assisting_units"]) or None),
    ("办理状态", lambda s: _label(Status, s["status"])),
    ("处理方式", _way),
    ("重办次数", lambda s: s.get("redo_count") or 0),
    # Each step's time is the latest (`appeal_view.STEP_FACTS`): a redone appeal shows when it
    # was last resolved, its status where it stands.
    ("受理时间", lambda s: _step(s, "received")),
    ("交办时间", lambda s: _step(s, "dispatched")),
    ("签收期限", lambda s: _local(s["deadlines"]["sign"])),
    ("签收时间", lambda s: _step(s, "signed")),
    ("首次答复时间", lambda s: _step(s, "first_response")),
    ("退回时间", lambda s: _step(s, "returned")),
    ("办结期限", lambda s: _local(s["deadlines"]["resolution"])),
    ("是否逾期", lambda s: "是" if s["overdue"] else "否"),
    ("办结时间", lambda s: _step(s, "resolved")),
    ("回访时间", lambda s: _step(s, "called_back")),
    ("满意度评价", lambda s: _label(Rating, s["rating"])),
    ("评价时间", lambda s: _step(s, "rated")),
    ("销号时间", lambda s: _step(s, "closed")),
)
if tuple(header for header, _ in LEDGER_COLUMNS) != LEDGER_HEADERS:
    raise ImportError("the ledger's columns are not the wire contract's LEDGER_HEADERS")


def line(state: dict) -> list[str | int | None]:
    """The appeal's line of the ledger, a cell per header."""
    return [value(state) for _, value in LEDGER_COLUMNS]
