"""The gateway: HTTP for front-end systems, translated to RPC on the services. It establishes who
is calling and checks the shape of what they send; every rule belongs to a service."""
from __future__ import annotations

from nameko.rpc import RpcProxy

from gateway import openapi
from gateway.auth import authenticate
from gateway.http import json_response, parse, read_query
from gateway.schemas import LedgerQuery, RaiseAppeal
from kernel import metrics
from kernel.dependencies import LogContext
from kernel.entrypoints import http

API = "/api/v1"


class Gateway:
    name = "gateway"

    log_context = LogContext()
    tickets = RpcProxy("tickets")
    audit = RpcProxy("audit")

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

    @http("POST", f"{API}/tickets")
    def raise_appeal(self, request):
        actor = authenticate(request.headers.get("Authorization"))
        appeal = parse(request, RaiseAppeal)
        raised = self.tickets.raise_appeal(actor.to_dict(), appeal.model_dump())
        return json_response(201, raised, {"Location": f"{API}/tickets/{raised['id']}"})

    @http("GET", f"{API}/tickets/<string:ticket_id>")
    def get_ticket(self, request, ticket_id):
        actor = authenticate(request.headers.get("Authorization"))
        return json_response(200, self.tickets.get_ticket(actor.to_dict(), ticket_id))

    @http("GET", f"{API}/audit/verify")
    def verify_ledger(self, request):
        actor = authenticate(request.headers.get("Authorization"))
        return json_response(200, self.audit.verify(actor.to_dict()))

    @http("GET", f"{API}/audit/entries")
    def ledger_entries(self, request):
        actor = authenticate(request.headers.get("Authorization"))
        query = read_query(request, LedgerQuery)
        items = self.audit.entries(actor.to_dict(), **query.model_dump(exclude_none=True))
        return json_response(200, {"items": items})
