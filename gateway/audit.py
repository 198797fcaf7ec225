"""The audit ledger's HTTP routes: verify the hash chain, read its entries. Shapes and limits are
the audit service's wire contract (`services.audit.contract`)."""
from __future__ import annotations

from gateway.auth import caller
from gateway.http import json_response, read_query
from gateway.operations import Answer, Routes
from kernel.dependencies import TimedRpcProxy
from kernel.errors import FORBIDDEN
from services.audit.contract import ChainVerdict, LedgerEntries, LedgerQuery

api = Routes("audit", "The hash-chained, append-only ledger of every event of every service")


class AuditApi:
    audit = TimedRpcProxy("audit")

    @api("GET", "/audit/verify", "verify_ledger",
         "Walk the ledger's hash chain; name the first entry that does not hold",
         errors_=(FORBIDDEN,), answers=Answer(200, "the verdict", ChainVerdict))
    def verify_ledger(self, request):
        return json_response(200, self.audit.verify(caller(request)))

    @api("GET", "/audit/entries", "ledger_entries",
         "Ledger entries after a seq, oldest first, optionally of one stream",
         query=LedgerQuery, errors_=(FORBIDDEN,), answers=Answer(200, "the entries", LedgerEntries))
    def ledger_entries(self, request):
        actor = caller(request)
        query = read_query(request, LedgerQuery)
        items = self.audit.entries(actor, **query.model_dump(exclude_none=True))
        return json_response(200, {"items": items})
