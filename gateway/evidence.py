"""The evidence bundle's HTTP route: GET /api/v1/audit/evidence, one matter (`stream_id`) or one
unit in a window of time (`unit`, `since`, `until`), answered as a JSON file to save, whose bytes
are the bundle exactly as the audit service made it (`huiqi verify bundle FILE --key K` checks
it offline; re-encoding it would break it). Who may take one, and what the subject is, are the
audit service's rules."""
from __future__ import annotations

import datetime as dt

from gateway.audit import api
from gateway.auth import caller
from gateway.http import download, read_query
from gateway.operations import JSON, file_answer
from kernel.dependencies import TimedRpcProxy
from kernel.errors import CONFLICT, FORBIDDEN, NOT_FOUND
from services.audit.contract import EvidenceBundle, EvidenceQuery

def _instant(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


class EvidenceApi:
    audit = TimedRpcProxy("audit")

    @api("GET", "/audit/evidence", "audit_evidence",
         "An evidence bundle: one matter's entries, or one unit's in a window of time, with "
         "their inclusion proofs, the checkpoint and the key, as a file to verify offline",
         query=EvidenceQuery, errors_=(FORBIDDEN, NOT_FOUND, CONFLICT), rpc="evidence",
         answers=file_answer("the bundle, as a file to save", JSON, model=EvidenceBundle))
    def audit_evidence(self, request):
        actor = caller(request)
        query = read_query(request, EvidenceQuery)
        made = self.audit.evidence(actor, stream_id=query.stream_id, unit=query.unit,
                                   since=_instant(query.since), until=_instant(query.until))
        return download(made["bundle"].encode("utf-8"), JSON, made["filename"])
