"""The appeal ledger's HTTP routes (notice 二(四)): raising an appeal, the ledger and its export,
an appeal, its history, the commands on it, and the routing table. Shapes, action names, filters
and limits are the tickets service's wire contract (`services.tickets.contract`)."""
from __future__ import annotations

import base64
from urllib.parse import quote

from werkzeug.wrappers import Response

from gateway.auth import caller
from gateway.http import json_response, parse, read_path, read_query, texts
from gateway.operations import API, Answer, Routes, mount
from kernel.dependencies import TimedRpcProxy
from kernel.errors import CONFLICT, FORBIDDEN, NOT_FOUND, Refused
from services.tickets.contract import (
    ACTIONS, FILTERS, RaiseAppeal, RaiseResult, Route, RoutePlace, RoutingTableView, TicketFilters,
    TicketHistory, TicketListQuery, TicketPage, TicketPath, TicketView,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COMMAND_ERRORS = (FORBIDDEN, NOT_FOUND, CONFLICT)

api = Routes("tickets", "The appeal ledger (诉求台账): appeals, their handling, the routing "
                           "table. notice 二(四)")


def _action_operation(name: str):
    action = ACTIONS[name]
    return api.operation(
        "POST", f"/tickets/{{ticket_id}}/{name}", f"ticket_{action.method}", action.summary,
        path_model=TicketPath, body=action.body, errors_=COMMAND_ERRORS, rpc="act", action=name,
        answers=Answer(200, "the appeal after the command", TicketView))


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
            query=TicketFilters, answers=Answer(
                200, "the workbook (诉求台账.xlsx)", media_type=XLSX,
                schema={"type": "string", "format": "binary"},
                headers=(("Content-Disposition", "attachment; the file's name"),)))
    def export_tickets(self, request):
        actor = caller(request)
        query = read_query(request, TicketFilters)
        workbook = base64.b64decode(self.tickets.export_tickets(actor, texts(query, FILTERS)))
        return Response(workbook, status=200, mimetype=XLSX, headers={
            "Content-Disposition": f"attachment; filename=ledger.xlsx; "
                                   f"filename*=UTF-8''{quote('诉求台账.xlsx')}"})

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
