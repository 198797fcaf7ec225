"""The gateway: HTTP for front-end systems, translated to RPC on the services. It establishes who
is calling and checks the shape of what they send; every rule belongs to a service."""
from __future__ import annotations

import base64
from urllib.parse import quote

from werkzeug.wrappers import Response

from gateway import openapi
from gateway.auth import authenticate
from gateway.http import json_response, parse, read_query
from gateway.schemas import ACTIONS, LedgerQuery, Page, RaiseAppeal, Route, RoutePlace
from kernel import metrics
from kernel.dependencies import LogContext, TimedRpcProxy
from kernel.entrypoints import http
from kernel.errors import NOT_FOUND, Refused

API = "/api/v1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGING = {"cursor", "limit"}


def caller(request) -> dict:
    return authenticate(request.headers.get("Authorization")).to_dict()


def filters_of(request) -> dict:
    return {k: v for k, v in request.args.to_dict().items() if k not in PAGING}


class Gateway:
    name = "gateway"

    log_context = LogContext()
    tickets = TimedRpcProxy("tickets")
    audit = TimedRpcProxy("audit")

    @http("GET", "/healthz")
    def healthz(self, request):
        return json_response(200, {"status": "ok", "service": self.name})

    @http("GET", "/metrics")
    def metrics(self, request):
        body, content_type = metrics.exposition()
        return 200, {"Content-Type": content_type}, body.decode("utf-8")

    @http("GET", f"{API}/openapi.json")
    def openapi_document(self, request):
        return json_response(200, openapi.document())

    # -- the appeal ledger --

    @http("POST", f"{API}/tickets")
    def raise_appeal(self, request):
        actor = caller(request)
        appeal = parse(request, RaiseAppeal)
        raised = self.tickets.raise_appeal(actor, appeal.model_dump())
        status = 200 if raised["linked_to_open_appeal"] else 201
        return json_response(status, raised, {"Location": f"{API}/tickets/{raised['id']}"})

    @http("GET", f"{API}/tickets")
    def list_tickets(self, request):
        actor = caller(request)
        paging = read_query(request, Page, only=PAGING)
        return json_response(200, self.tickets.list_tickets(
            actor, filters_of(request), paging.cursor, paging.limit))

    @http("GET", f"{API}/tickets/export")
    def export_tickets(self, request):
        actor = caller(request)
        workbook = base64.b64decode(self.tickets.export_tickets(actor, filters_of(request)))
        return Response(workbook, status=200, mimetype=XLSX, headers={
            "Content-Disposition": f"attachment; filename=ledger.xlsx; "
                                   f"filename*=UTF-8''{quote('诉求台账.xlsx')}"})

    @http("GET", f"{API}/tickets/<string:ticket_id>")
    def get_ticket(self, request, ticket_id):
        return json_response(200, self.tickets.get_ticket(caller(request), ticket_id))

    @http("GET", f"{API}/tickets/<string:ticket_id>/history")
    def ticket_history(self, request, ticket_id):
        return json_response(200, {"events": self.tickets.history(caller(request), ticket_id)})

    @http("POST", f"{API}/tickets/<string:ticket_id>/<string:action>")
    def act_on_ticket(self, request, ticket_id, action):
        actor = caller(request)
        shape = ACTIONS.get(action)
        if shape is None:
            raise Refused("unknown_action", NOT_FOUND,
                          f"no action {action!r} on an appeal; the actions are: "
                          f"{', '.join(sorted(ACTIONS))}")
        body = parse(request, shape, empty_ok=True).model_dump(exclude_none=True)
        return json_response(200, self.tickets.act(actor, ticket_id, action, body))

    @http("GET", f"{API}/routes")
    def routes(self, request):
        caller(request)
        return json_response(200, self.tickets.routes())

    @http("PUT", f"{API}/routes")
    def set_route(self, request):
        actor = caller(request)
        return json_response(200, self.tickets.set_route(actor, parse(request, Route).model_dump()))

    @http("DELETE", f"{API}/routes")
    def remove_route(self, request):
        actor = caller(request)
        where = read_query(request, RoutePlace).model_dump()
        return json_response(200, self.tickets.remove_route(actor, where))

    # -- the audit ledger --

    @http("GET", f"{API}/audit/verify")
    def verify_ledger(self, request):
        return json_response(200, self.audit.verify(caller(request)))

    @http("GET", f"{API}/audit/entries")
    def ledger_entries(self, request):
        actor = caller(request)
        query = read_query(request, LedgerQuery)
        items = self.audit.entries(actor, **query.model_dump(exclude_none=True))
        return json_response(200, {"items": items})
