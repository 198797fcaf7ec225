"""The appeal ledger's HTTP routes (notice 二(四)): raising an appeal, the ledger and its export,
an appeal, its history, the commands on it, and the routing table. Shapes, action names, filters
and limits are the tickets service's wire contracts (`services.tickets.appeals.contract`,
`services.tickets.routing.contract`).

The export is written here: the service answers the workbook's lines a page at a time, and each
page goes into an openpyxl write-only sheet in eventlet's thread pool, so a whole-ledger export
is never one message and its writing never holds up the other requests."""
from __future__ import annotations

import os
import tempfile
import unicodedata

from eventlet import tpool
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from gateway.auth import caller
from gateway.http import download, read_query, texts
from gateway.operations import Routes, file_answer
from gateway.routes import LIST_ERRORS, READ_ERRORS, Resources, paged, whole
from kernel.dependencies import TimedRpcProxy
from services.tickets.appeals.contract import (
    ACTIONS, FILTERS, LEDGER_HEADERS, LEDGER_SHEET, RaiseAppeal, RaiseResult, TicketFilters,
    MergeProposals, TicketHistory, TicketListQuery, TicketPage, TicketPath, TicketView,
)
from services.tickets.routing.contract import Route, RoutePlace, RoutingTableView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_WIDTH = 50
# Widths in Latin characters, for what a column usually holds (a Chinese character counts two).
TYPICAL_WIDTH = {"台账编号": 16, "企业名称": 32, "统一社会信用代码": 20, "诉求标题": 36,
                 "诉求内容": MAX_WIDTH, "协办单位": 24, "责任单位(主办)": 20, "处理方式": 18,
                 "满意度评价": 12}
TIME_WIDTH = 18  # "2026-05-06 16:00"
STREAMED = 64 * 1024  # bytes of the finished file sent at a time

api = Routes("tickets", "The appeal ledger (诉求台账): appeals, their handling, the routing "
                           "table. notice 二(四)")
routes = Resources(api, proxy="tickets")


def _width(header: str) -> int:
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in header)
    typical = TYPICAL_WIDTH.get(header, TIME_WIDTH if header.endswith(("时间", "期限")) else 10)
    return min(max(typical, shown + 2), MAX_WIDTH)


class LedgerSheet:
    """The ledger workbook being written: headers, then pages of lines, then a file.

    openpyxl's write-only mode keeps rows in a temporary file as they are appended, so memory
    stays bounded however long the ledger; widths, panes and the filter are set beforehand.
    One thread at a time may use it (each step runs in eventlet's thread pool)."""

    def __init__(self) -> None:
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(LEDGER_SHEET)
        for column, header in enumerate(LEDGER_HEADERS, start=1):
            self._sheet.column_dimensions[get_column_letter(column)].width = _width(header)
        self._sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        self._sheet.append([self._cell(header, font=bold) for header in LEDGER_HEADERS])
        self.rows = 1

    def _cell(self, value, font: Font | None = None):
        if not isinstance(value, str):
            return value
        # An enterprise's text may carry control characters a workbook cannot hold.
        cell = WriteOnlyCell(self._sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
        # An appeal titled "=..." is the enterprise's words, never a formula to evaluate.
        cell.data_type = "s"
        if font is not None:
            cell.font = font
        return cell

    def add(self, lines) -> None:
        for line in lines:
            self._sheet.append([self._cell(value) for value in line])
            self.rows += 1

    def finish(self) -> str:
        """The workbook saved to a temporary file; its path (the caller removes it)."""
        self._sheet.auto_filter.ref = f"A1:{get_column_letter(len(LEDGER_HEADERS))}{self.rows}"
        handle, path = tempfile.mkstemp(prefix="ledger-", suffix=".xlsx")
        os.close(handle)
        try:
            self._book.save(path)
        except BaseException:
            os.unlink(path)
            raise
        return path


def _streamed(path: str):
    """The file a chunk at a time, removed once sent (or once the client went away)."""
    try:
        with open(path, "rb") as file:
            while chunk := file.read(STREAMED):
                yield chunk
    finally:
        os.unlink(path)


class TicketsApi:
    tickets = TimedRpcProxy("tickets")

    raise_appeal = routes.make_or_find(
        "/tickets", "raise_appeal",
        "Raise an appeal (诉求); a near-identical open one of the enterprise takes it in",
        body=RaiseAppeal, view=RaiseResult, made="raised: its id and ledger number",
        found="linked to the enterprise's open appeal about the same problem",
        new=lambda raised: not raised["linked_to_open_appeal"], location="/tickets/{id}",
        where="the appeal's URL", where_found="the open appeal's URL")
    list_tickets = routes.listing(
        "tickets", "list_tickets",
        "The ledger (台账), filtered, newest first, one cursor page at a time",
        query=TicketListQuery, sends=paged(FILTERS), view=TicketPage,
        described="a page of the ledger")

    @api("GET", "/tickets/export", "export_tickets",
            "The ledger as an .xlsx workbook with Chinese headers, the same filters as the list",
            query=TicketFilters, answers=file_answer("the workbook (诉求台账.xlsx)", XLSX))
    def export_tickets(self, request):
        query = read_query(request, TicketFilters)
        filters = texts(query, FILTERS)
        # The first page before any writing: a refusal (a filter, the caller) costs nothing.
        page = self.tickets.export_tickets(caller(request), filters)
        sheet = tpool.execute(LedgerSheet)
        while True:
            tpool.execute(sheet.add, page["lines"])
            if not page["next_cursor"]:
                break
            # A fresh assertion each page: a long export outlives the minute one is good for.
            page = self.tickets.export_tickets(caller(request), filters, page["next_cursor"])
        path = tpool.execute(sheet.finish)
        return download(_streamed(path), XLSX, "ledger.xlsx", "诉求台账.xlsx",
                        {"Content-Length": str(os.path.getsize(path))}, direct_passthrough=True)

    get_ticket = routes.get("/tickets/{ticket_id}", "get_ticket", "An appeal's current state",
                            path_model=TicketPath, view=TicketView, described="the appeal")
    ticket_history = routes.get(
        "/tickets/{ticket_id}/history", "ticket_history",
        "Every event of the appeal, oldest first", path_model=TicketPath, rpc="history",
        view=TicketHistory, described="the events", into="events")
    merge_proposals = routes.get(
        "/tickets/{ticket_id}/merge-proposals", "merge_proposals",
        "Open appeals of any enterprise that read as the same matter: proposals the office "
        "decides on (merge)", path_model=TicketPath, view=MergeProposals,
        described="the proposals")
    act_on_ticket = routes.act(
        "/tickets/{ticket_id}", TicketPath, ACTIONS, kind="an appeal", prefix="ticket",
        view=TicketView, rpc="act", described="the appeal after the command")

    list_routes = routes.read(
        "/routes", "list_routes", "The routing table (category × county → lead unit)",
        rpc="routes", view=RoutingTableView, described="the routing table", errors_=())
    set_route = routes.command(
        "PUT", "/routes", "set_route", "Set who leads on a category in a county (the office)",
        body=Route, view=RoutingTableView, described="the routing table", errors_=LIST_ERRORS)
    remove_route = routes.command(
        "DELETE", "/routes", "remove_route", "Remove a line of the routing table (the office)",
        query=RoutePlace, sends=whole, body=None, view=RoutingTableView,
        described="the routing table", errors_=READ_ERRORS)
