"""A service's jobs: work longer than a request — the audit's verification of a large ledger,
supervision's export of an assessment — run apart from the request that asked for it (in a
thread the service's container manages, its CPU-bound part off the hub, `kernel.offload`), with
its status and progress, and its result kept in the service's own store (`jobs`, created by each
service's migrations that runs jobs), so a restart loses no finished job.

A job is shown to who started it and to the office and the supervision group (`may_see`); to
anyone else it does not exist. A job still `running` when its service stopped is reported
`interrupted` once nothing has moved it for `STALE_AFTER`.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

import sqlalchemy as sa
import structlog

from kernel.actor import Actor
from kernel.envelope import format_time, parse_time, utc_now
from kernel.errors import NoSuch, NotNow
from kernel.rpc import rpc

log = structlog.get_logger(__name__)

VERIFY, EXPORT = "verify", "assessment_export"
QUEUED, RUNNING, DONE, FAILED, INTERRUPTED = "queued", "running", "done", "failed", "interrupted"
OVERSIGHT = ("office", "supervisor")
STALE_AFTER = dt.timedelta(minutes=10)
CHUNK = 512 * 1024               # bytes of a result per RPC reply

metadata = sa.MetaData()
jobs_table = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("sub", sa.String(200), nullable=False),
    sa.Column("started_by", sa.String(400), nullable=False),
    sa.Column("parameters", sa.Text, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("done", sa.BigInteger, nullable=False),
    sa.Column("total", sa.BigInteger),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
    sa.Column("finished_at", sa.String(32)),
    sa.Column("error", sa.Text),
    sa.Column("filename", sa.String(300)),
    sa.Column("display_name", sa.String(300)),
    sa.Column("media_type", sa.String(120)),
    sa.Column("result", sa.LargeBinary),
)


class JobNotFound(NoSuch):
    rule = "job_not_found"
    template = "no job {id}, or not one the caller started"
    at = "job_id"


class JobNotDone(NotNow):
    rule = "job_not_done"
    template = "the job is {doing}: its result is there once it is done"


def create(connection, kind: str, who: Actor, parameters: dict, total: int | None = None,
           prefix: str = "") -> str:
    """A queued job's id; `prefix` tells one service's jobs from another's by their id."""
    job_id = prefix + uuid.uuid4().hex
    now = format_time(utc_now())
    connection.execute(jobs_table.insert().values(
        id=job_id, kind=kind, role=who.role, sub=who.sub, started_by=who.label,
        parameters=json.dumps(parameters, ensure_ascii=False), status=QUEUED, done=0,
        total=total, created_at=now, updated_at=now))
    return job_id


def _set(engine: sa.Engine, job_id: str, **values) -> None:
    with engine.begin() as connection:
        connection.execute(jobs_table.update().where(jobs_table.c.id == job_id).values(
            updated_at=format_time(utc_now()), **values))


def running(engine, job_id: str) -> None:
    _set(engine, job_id, status=RUNNING)


def progressed(engine, job_id: str, done: int) -> None:
    _set(engine, job_id, done=done)


def finished(engine, job_id: str, *, result: bytes, filename: str, media_type: str,
             display_name: str | None = None, done: int | None = None) -> None:
    values = {"done": done} if done is not None else {}
    _set(engine, job_id, status=DONE, finished_at=format_time(utc_now()), result=result,
         filename=filename, media_type=media_type, display_name=display_name or filename,
         **values)


def failed(engine, job_id: str, error: str) -> None:
    _set(engine, job_id, status=FAILED, finished_at=format_time(utc_now()), error=error)


def may_see(who: Actor, row) -> bool:
    return who.role in OVERSIGHT or (who.role == row.role and who.sub == row.sub)


def _row(connection, who: Actor, job_id: str):
    row = connection.execute(sa.select(jobs_table).where(jobs_table.c.id == str(job_id))).first()
    if row is None or not may_see(who, row):
        raise JobNotFound(str(job_id))
    return row


def status_of(row, now: dt.datetime | None = None) -> str:
    if row.status in (QUEUED, RUNNING) and (now or utc_now()) - parse_time(row.updated_at) \
            > STALE_AFTER:
        return INTERRUPTED
    return row.status


def view(connection, who: Actor, job_id: str) -> dict:
    """The job as its starter (or oversight) sees it: kind, status, progress, and its result's
    name and size once done."""
    row = _row(connection, who, job_id)
    status = status_of(row)
    return {"id": row.id, "kind": row.kind, "status": status,
            "parameters": json.loads(row.parameters), "started_by": row.started_by,
            "created_at": row.created_at, "updated_at": row.updated_at,
            "finished_at": row.finished_at,
            "progress": {"done": row.done, "total": row.total,
                         "ratio": (round(row.done / row.total, 4) if row.total else
                                   (1.0 if status == DONE else None))},
            "error": row.error,
            "result": ({"filename": row.filename, "display_name": row.display_name,
                        "media_type": row.media_type, "size": len(row.result or b"")}
                       if status == DONE else None)}


def result_chunk(connection, who: Actor, job_id: str, offset: int = 0,
                 limit: int = CHUNK) -> dict:
    """`limit` bytes of a done job's result from `offset`, with where the next chunk starts
    (None at the end)."""
    row = _row(connection, who, job_id)
    if status_of(row) != DONE:
        raise JobNotDone(status_of(row))
    data = row.result or b""
    offset, limit = max(0, int(offset)), max(1, min(int(limit), CHUNK))
    piece = data[offset:offset + limit]
    after = offset + len(piece)
    return {"filename": row.filename, "display_name": row.display_name,
            "media_type": row.media_type, "size": len(data), "offset": offset,
            "base64": base64.b64encode(piece).decode("ascii"),
            "next": after if after < len(data) else None}


def entrypoints(status: str, result: str):
    """The two RPC entrypoints of a service that runs jobs, bound on its class under the names
    `status` and `result` (`ledger_job, ledger_job_result = jobs.entrypoints(...)`): a job's
    status and progress, and a piece of a done job's result; each its starter's, or anyone's for
    oversight. Needs the service's `store`."""
    def job(self, actor: dict, job_id: str) -> dict:
        """A job's status and progress (its starter's, or anyone's for oversight)."""
        who = Actor.from_dict(actor)
        return self.store.query(status, lambda uow: view(uow.connection, who, job_id))

    def job_result(self, actor: dict, job_id: str, offset: int = 0) -> dict:
        """A piece of a done job's result from `offset` (base64), and where the next begins."""
        who = Actor.from_dict(actor)
        return self.store.query(result, lambda uow: result_chunk(
            uow.connection, who, job_id, offset))

    job.__name__ = job.__qualname__ = status
    job_result.__name__ = job_result.__qualname__ = result
    return rpc(job), rpc(job_result)
