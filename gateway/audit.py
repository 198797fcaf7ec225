"""The audit ledger's HTTP routes: verify the chain against the witnessed checkpoints, read its
entries, its signed checkpoints and verifier key (public, as text, the way signed-note tools read
them), and RFC 9162 proofs. Shapes and limits are the audit service's wire contract
(`services.audit.contract`).

Work longer than a request runs as a job of the audit service: a verification when asked for
(`?async=1`, or `Prefer: respond-async`) or when the ledger is longer than HUIQI_VERIFY_SYNC_LIMIT
entries, an export when asked for. Such a request is answered `202 Accepted` with the job's URL in
`Location`; the job (`GET /audit/jobs/{job_id}`) shows its status and progress, and once done its
result is downloaded from `/audit/jobs/{job_id}/result`, streamed in pieces."""
from __future__ import annotations

import base64
import functools

from werkzeug.wrappers import Response

from gateway.auth import caller
from gateway.http import download, json_response, read_path, read_query
from gateway.operations import API, Answer, Routes
from gateway.routes import LIST_ERRORS, READ_ERRORS, Resources, fields, named
from gateway.portal import public_assertion
from kernel.dependencies import TimedRpcProxy
from kernel.errors import CONFLICT, FORBIDDEN, NOT_FOUND
from services.audit.contract import (
    TEXT,
    CheckpointView,
    ConsistencyProof,
    ConsistencyQuery,
    EntryPath,
    JobPath,
    InclusionProof,
    InclusionQuery,
    LedgerEntries,
    LedgerEntry,
    LedgerQuery,
    LedgerVerdict,
)

api = Routes("audit", "The hash-chained, append-only ledger of every event of every service, "
                      "its Merkle tree, signed checkpoints and proofs")

NOTE = {"type": "string", "description": "a C2SP signed note"}
JOB = {"type": "object", "description": "a job: id, kind, status (queued, running, done, "
                                         "failed, interrupted), progress {done, total, ratio}, "
                                         "and its result's name and size once done"}
ACCEPTED = Answer(202, "running as a job: its URL is in Location", schema=JOB,
                  headers=(("Location", "the job's URL"),))
routes = Resources(api, proxy="audit")


def wants_async(request) -> bool:
    """Whether the caller asked for the answer as a job (`?async=1`, `Prefer: respond-async`)."""
    prefer = request.headers.get("Prefer", "")
    return (request.args.get("async", "").lower() in ("1", "true")
            or "respond-async" in [p.strip().lower() for p in prefer.split(",")])


def accepted(job: dict) -> Response:
    """202 with the job and where to follow it."""
    return json_response(202, job, {"Location": f"{API}/audit/jobs/{job['id']}",
                                    "Preference-Applied": "respond-async"})


def streamed(fetch, first: dict) -> Response:
    """A done job's result, sent piece by piece as `fetch(offset)` gives them."""
    def pieces():
        piece = first
        while True:
            yield base64.b64decode(piece["base64"])
            if piece["next"] is None:
                return
            piece = fetch(piece["next"])
    return download(pieces(), first["media_type"], first["filename"], first.get("display_name"),
                    {"Content-Length": str(first["size"])})


def public_text(path: str, operation_id: str, summary: str, *, rpc: str, described: str,
                schema: dict, errors_: tuple = (), ending: str = ""):
    """GET what the audit service shows anyone (a signed note, its key), as plain text the way
    signed-note tools read it, `ending` after it."""
    @api("GET", path, operation_id, summary, secured=False, errors_=errors_, rpc=rpc,
         answers=Answer(200, described, media_type=TEXT, schema=schema))
    def handler(service, request):
        text = getattr(service.audit, rpc)(public_assertion())
        return Response(text + ending, status=200, mimetype=TEXT)
    return named(handler, operation_id)


# The id of an export job begins so (`services.supervision.assessment.rpc.EXPORT_JOB`): it is supervision's.
EXPORT_JOB = "export-"


class AuditApi:
    audit = TimedRpcProxy("audit")
    supervision = TimedRpcProxy("supervision")

    @api("GET", "/audit/verify", "verify_ledger",
         "Walk the ledger's hash chain and compare its tree with every witnessed checkpoint; "
         "name the first entry that does not hold",
         errors_=(FORBIDDEN,), rpc="verify",
         answers=(Answer(200, "the verdict", LedgerVerdict), ACCEPTED))
    def verify_ledger(self, request):
        actor = caller(request)
        job = self.audit.start_verification(actor, wants_async(request))
        if job is not None:
            return accepted(job)
        return json_response(200, self.audit.verify(caller(request)))

    @api("POST", "/audit/verifications", "start_verification",
         "Verify the ledger as a job: 202 with the job's URL", errors_=(FORBIDDEN,),
         answers=ACCEPTED)
    def start_verification(self, request):
        return accepted(self.audit.start_verification(caller(request), True))

    @api("GET", "/audit/jobs/{job_id}", "ledger_job",
         "A job's status and progress: who started it and the office and the supervision "
         "group see it", errors_=READ_ERRORS, path_model=JobPath,
         answers=Answer(200, "the job", schema=JOB))
    def ledger_job(self, request, job_id):
        actor = caller(request)
        path = read_path({"job_id": job_id}, JobPath)
        if path.job_id.startswith(EXPORT_JOB):  # an assessment's export: supervision's job
            return json_response(200, self.supervision.export_job(actor, path.job_id))
        return json_response(200, self.audit.ledger_job(actor, path.job_id))

    @api("GET", "/audit/jobs/{job_id}/result", "ledger_job_result",
         "A done job's result, streamed: the verdict's JSON or the export's file",
         errors_=(FORBIDDEN, NOT_FOUND, CONFLICT), path_model=JobPath,
         answers=Answer(200, "the result", media_type="application/octet-stream",
                        schema={"type": "string", "format": "binary"}))
    def ledger_job_result(self, request, job_id):
        actor = caller(request)
        job_id = read_path({"job_id": job_id}, JobPath).job_id
        fetch = lambda offset: self.audit.ledger_job_result(actor, job_id, offset)  # noqa: E731
        if job_id.startswith(EXPORT_JOB):  # an assessment's export: supervision's job
            fetch = lambda offset: self.supervision.export_job_result(  # noqa: E731
                actor, job_id, offset)
        return streamed(fetch, fetch(0))

    ledger_entries = routes.read(
        "/audit/entries", "ledger_entries",
        "Ledger entries after a seq, oldest first, optionally of one stream",
        query=LedgerQuery, sends=fields("after", "limit", "stream_id"), rpc="entries",
        view=LedgerEntries, described="the entries", errors_=LIST_ERRORS, into="items")
    ledger_entry = routes.get("/audit/entries/{seq}", "ledger_entry", "One ledger entry by its seq",
                              path_model=EntryPath, rpc="entry", view=LedgerEntry,
                              described="the entry")
    latest_checkpoint = public_text(
        "/audit/checkpoint", "latest_checkpoint",
        "The latest signed checkpoint (C2SP tlog-checkpoint in a signed note), for anyone",
        rpc="checkpoint", described="the signed note", schema=NOTE, errors_=(NOT_FOUND,))
    checkpoint_key = public_text(
        "/audit/key", "checkpoint_key",
        "The verifier key of the log's checkpoints, in signed-note form, for anyone",
        rpc="key", described="the verifier key <name>+<key id>+<key>",
        schema={"type": "string"}, ending="\n")
    make_checkpoint = routes.command(
        "POST", "/audit/checkpoints", "make_checkpoint",
        "Make a checkpoint of the ledger now, and publish it to the witnesses", body=None,
        status=201, view=CheckpointView, described="the checkpoint made", errors_=LIST_ERRORS)
    inclusion_proof = routes.read(
        "/audit/proofs/inclusion", "inclusion_proof",
        "An entry's inclusion proof in the tree of a checkpoint's size (RFC 9162 §2.1.3)",
        query=InclusionQuery, sends=fields("seq", "size"), view=InclusionProof,
        described="the proof")
    consistency_proof = routes.read(
        "/audit/proofs/consistency", "consistency_proof",
        "A proof that one checkpoint's tree extends an earlier one's (RFC 9162 §2.1.4)",
        query=ConsistencyQuery, reader=functools.partial(read_query, aliased=True),
        sends=fields("first", "second"), view=ConsistencyProof, described="the proof")
