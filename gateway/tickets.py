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
from gateway.http import download, json_response, parse, read_path, read_query, texts
from gateway.operations import API, Answer, Routes, file_answer, mount
from kernel.dependencies import TimedRpcProxy
from kernel.errors import CONFLICT, FORBIDDEN, NOT_FOUND, Refused
from services.tickets.appeals.contract import (
    ACTIONS, FILTERS, LEDGER_HEADERS, LEDGER_SHEET, RaiseAppeal, RaiseResult, TicketFilters,
    TicketHistory, TicketListQuery, TicketPage, TicketPath, TicketView,
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
COMMAND_ERRORS = (FORBIDDEN, NOT_FOUND, CONFLICT)

api = Routes("tickets", "The appeal ledger (诉求台账): appeals, their handling, the routing "
                           "table. notice 二(四)")


def _action_operation(name: str):
    action = ACTIONS[name]
    return api.operation(
        "POST", f"/tickets/{{ticket_id}}/{name}", f"ticket_{action.method}", action.summary,
        path_model=TicketPath, body=action.body, errors_=COMMAND_ERRORS, rpc="act", action=name,
        answers=Answer(200, "the appeal after the command", TicketView))


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

    @api("POST", "/tickets", "raise_appeal",
            "Raise an appeal (诉求); a near-identical open one of the enterprise takes it in",
            body=RaiseAppeal, errors_=(FORBIDDEN, CONFLICT), answers=(
                Answer(201, "raised: its id and ledger number", RaiseResult,
                       headers=(("Location", "the appeal's URL"),)),
                Answer(200, "linked to the enterprise's open appeal about the same problem",
                       RaiseResult, headers=(("Location", "the open appeal's URL"),))))
    def raise_appeal(self, request):
        actor = caller(request)
        appeal = parse(request, RaiseAppeal)
        raised = self.tickets.raise_appeal(actor, appeal.model_dump(mode="json"))
        status = 200 if raised["linked_to_open_appeal"] else 201
        return json_response(status, raised, {"Location": f"{API}/tickets/{raised['id']}"})

    @api("GET", "/tickets", "list_tickets",
            "The ledger (台账), filtered, newest first, one cursor page at a time",
            query=TicketListQuery, answers=Answer(200, "a page of the ledger", TicketPage))
    def list_tickets(self, request):
        actor = caller(request)
        query = read_query(request, TicketListQuery)
        return json_response(200, self.tickets.list_tickets(
            actor, texts(query, FILTERS), query.cursor, query.limit))

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

    @api("GET", "/tickets/{ticket_id}", "get_ticket", "An appeal's current state",
            path_model=TicketPath, errors_=(FORBIDDEN, NOT_FOUND),
            answers=Answer(200, "the appeal", TicketView))
    def get_ticket(self, request, ticket_id):
        actor = caller(request)
        path = read_path({"ticket_id": ticket_id}, TicketPath)
        return json_response(200, self.tickets.get_ticket(actor, path.ticket_id))

    @api("GET", "/tickets/{ticket_id}/history", "ticket_history",
            "Every event of the appeal, oldest first", path_model=TicketPath, rpc="history",
            errors_=(FORBIDDEN, NOT_FOUND), answers=Answer(200, "the events", TicketHistory))
    def ticket_history(self, request, ticket_id):
        actor = caller(request)
        path = read_path({"ticket_id": ticket_id}, TicketPath)
        return json_response(200, {"events": self.tickets.history(actor, path.ticket_id)})

    # One handler for every command; each is documented as its own path and operation.
    @mount("POST", f"{API}/tickets/{{ticket_id}}/{{action}}",
           *(_action_operation(name) for name in ACTIONS))
    def act_on_ticket(self, request, ticket_id, action):
        actor = caller(request)
        command = ACTIONS.get(action)
        if command is None:
            raise Refused("unknown_action", NOT_FOUND,
                          f"no action {action!r} on an appeal; the actions are: "
                          f"{', '.join(sorted(ACTIONS))}")
        path = read_path({"ticket_id": ticket_id}, TicketPath)
        body = parse(request, command.body, empty_ok=True).model_dump(mode="json",
                                                                      exclude_none=True)
        return json_response(200, self.tickets.act(actor, path.ticket_id, action, body))

    @api("GET", "/routes", "list_routes", "The routing table (category × county → lead unit)",
            rpc="routes", answers=Answer(200, "the routing table", RoutingTableView))
    def list_routes(self, request):
        return json_response(200, self.tickets.routes(caller(request)))

    @api("PUT", "/routes", "set_route", "Set who leads on a category in a county (the office)",
            body=Route, errors_=(FORBIDDEN,),
            answers=Answer(200, "the routing table", RoutingTableView))
    def set_route(self, request):
        actor = caller(request)
        route = parse(request, Route).model_dump(mode="json")
        return json_response(200, self.tickets.set_route(actor, route))

    @api("DELETE", "/routes", "remove_route", "Remove a line of the routing table (the office)",
            query=RoutePlace, errors_=(FORBIDDEN, NOT_FOUND),
            answers=Answer(200, "the routing table", RoutingTableView))
    def remove_route(self, request):
        actor = caller(request)
        where = read_query(request, RoutePlace).model_dump(mode="json")
        return json_response(200, self.tickets.remove_route(actor, where))
