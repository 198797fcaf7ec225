"""The ledger as the office keeps it on paper: an .xlsx workbook (诉求台账) with Chinese headers,
Chinese labels for every code and times in Beijing time. Plain Python over appeal views
(`services.tickets.view`)."""
from __future__ import annotations

import io
import unicodedata
from typing import Callable, Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kernel.clock import OFFICE_TIME
from kernel.envelope import parse_time
from kernel.vocabulary import LabelledEnum
from services.tickets.vocabulary import COUNTIES, Category, Channel, Rating, Status, Way

SHEET_TITLE = "诉求台账"
MAX_WIDTH = 50


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


# The ledger's columns as the office keeps them, each read from the appeal's view.
LEDGER_COLUMNS: tuple[tuple[str, Callable[[dict], str | None]], ...] = (
    ("台账编号", lambda s: s["ledger_number"]),
    ("企业名称", lambda s: s["enterprise_name"]),
    ("统一社会信用代码", lambda s: s["uscc"]),
    ("诉求标题", lambda s: s["title"]),
    ("诉求内容", lambda s: s["description"]),
    ("受理渠道", lambda s: _label(Channel, s["channel"])),
    ("诉求类别", lambda s: _label(Category, s["category"])),
    ("所属县(市、区)", lambda s: COUNTIES.get(s["county"], s["county"])),
    ("责任单位(主办)", lambda s: s["lead_unit"]),
    ("协办单位", lambda s: "、".join(s["assisting_units"]) or None),
    ("办理状态", lambda s: _label(Status, s["status"])),
    ("处理方式", _way),
    ("受理时间", lambda s: _local(s["received_at"])),
    ("签收期限", lambda s: _local(s["deadlines"]["sign"])),
    ("办结期限", lambda s: _local(s["deadlines"]["resolution"])),
    ("是否逾期", lambda s: "是" if s["overdue"] else "否"),
    ("办结时间", lambda s: _local(s["resolved_at"])),
    ("满意度评价", lambda s: _label(Rating, s["rating"])),
    ("销号时间", lambda s: _local(s["closed_at"])),
)


def _display_width(text: str) -> int:
    # A Chinese character takes about two columns of a Latin one.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_row(sheet, row_number: int, values: list, widths: list[int]) -> None:
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            # Enterprise text may carry control characters a workbook cannot hold.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = sheet.cell(row=row_number, column=column, value=value)
        if isinstance(value, str):
            # An appeal titled "=..." is the enterprise's words, never a formula to evaluate.
            cell.data_type = "s"
            widths[column - 1] = max(widths[column - 1], _display_width(value))


def workbook(states: Iterable[dict]) -> bytes:
    """The .xlsx bytes of the given appeal views, one row each, in the order given."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    headers = [header for header, _ in LEDGER_COLUMNS]
    widths = [0] * len(headers)
    _write_row(sheet, 1, headers, widths)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    row_number = 1
    for row_number, state in enumerate(states, start=2):
        _write_row(sheet, row_number, [value(state) for _, value in LEDGER_COLUMNS], widths)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{row_number}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


