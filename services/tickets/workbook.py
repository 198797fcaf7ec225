"""The ledger as the office keeps it on paper: an .xlsx workbook (诉求台账) with Chinese headers,
Chinese labels for every code and times in Beijing time. Plain Python over appeal views
(`services.tickets.view`).

The workbook is written in openpyxl's write-only mode: rows go to a temporary file as they are
added, a chunk at a time, so that memory stays bounded however many appeals are exported; the
column widths are therefore fixed beforehand rather than measured on the rows.
"""
from __future__ import annotations

import base64
import io
import json
import unicodedata
from typing import Callable, Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell import WriteOnlyCell
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


# Widths in Latin characters, for what a column usually holds (a Chinese character counts two).
TYPICAL_WIDTH = {"台账编号": 16, "企业名称": 32, "统一社会信用代码": 20, "诉求标题": 36,
                 "诉求内容": MAX_WIDTH, "协办单位": 24, "责任单位(主办)": 20, "处理方式": 18,
                 "满意度评价": 12}
TIME_WIDTH = 18  # "2026-05-06 16:00"


def _display_width(text: str) -> int:
    # A Chinese character takes about two columns of a Latin one.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _width(header: str) -> int:
    typical = TYPICAL_WIDTH.get(header, TIME_WIDTH if header.endswith(("时间", "期限")) else 10)
    return min(max(typical, _display_width(header) + 2), MAX_WIDTH)


class LedgerWorkbook:
    """A ledger workbook being written: headers first, then rows a chunk at a time, then bytes.

    Only one thread at a time may use it; the tickets service writes each chunk in a thread of
    its own so that the work stays off the event loop.
    """

    def __init__(self) -> None:
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(SHEET_TITLE)
        headers = [header for header, _ in LEDGER_COLUMNS]
        # Write-only sheets take their widths, panes and filter before any row is written.
        for column, header in enumerate(headers, start=1):
            self._sheet.column_dimensions[get_column_letter(column)].width = _width(header)
        self._sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        self._sheet.append([self._cell(header, font=bold) for header in headers])
        self._rows = 1

    def _cell(self, value, font: Font | None = None):
        if not isinstance(value, str):
            return value
        # Enterprise text may carry control characters a workbook cannot hold.
        cell = WriteOnlyCell(self._sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
        # An appeal titled "=..." is the enterprise's words, never a formula to evaluate.
        cell.data_type = "s"
        if font is not None:
            cell.font = font
        return cell

    def add(self, states: Iterable[dict]) -> None:
        """Append one row per appeal view, in the order given."""
        for state in states:
            self._sheet.append([self._cell(value(state)) for _, value in LEDGER_COLUMNS])
            self._rows += 1

    def add_json(self, states: Iterable[str]) -> None:
        """`add` for views as the read model stores them (JSON text)."""
        self.add(json.loads(state) for state in states)

    def finish(self) -> bytes:
        """The .xlsx bytes; the workbook can take no more rows."""
        self._sheet.auto_filter.ref = f"A1:{get_column_letter(len(LEDGER_COLUMNS))}{self._rows}"
        buffer = io.BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()

    def finish_base64(self) -> str:
        return base64.b64encode(self.finish()).decode("ascii")

