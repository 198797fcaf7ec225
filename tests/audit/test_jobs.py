"""The audit's jobs, on the service in its container on both stores: a verification asked for as
a job (or of a ledger longer than a request should walk) is answered with the job at once, runs
apart with its progress recorded, and its verdict is the one `verify` gives; an export run as a
job holds the caller's own reach; a job is seen only by who started it and by oversight; and a
finished job is still there, result and all, after the service restarts (the audit's own store
keeps it)."""
from __future__ import annotations

import base64
import json

import eventlet
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from kernel.actor import Actor
from kernel.database import make_engine, migrate
from kernel.errors import Refused
from kernel import jobs
from services.audit.service import VERIFY_SYNC_LIMIT, AuditService
from services.registry import SERVICES
from test_checkpoints import append

POLLS = 600          # tries of 0.05 s: a job on a few entries finishes in well under that


@pytest.fixture
def started(db_url, container_factory, service_config):
    engine = make_engine(db_url)
    migrate(engine, SERVICES["audit"].migrations_path)
    append(engine, 1, 30)
    config = service_config(db_url)

    def start():
        container = container_factory(AuditService, config)
        container.start()
        return container
    start.engine, start.config = engine, config
    yield start
    engine.dispose()


def settled(audit, who, job_id: str) -> dict:
    for _ in range(POLLS):
        job = audit.ledger_job(who, job_id)
        if job["status"] not in (jobs.QUEUED, jobs.RUNNING):
            return job
        eventlet.sleep(0.05)
    return job


def result(audit, who, job_id: str) -> bytes:
    data, offset = b"", 0
    while offset is not None:
        piece = audit.ledger_job_result(who, job_id, offset)
        data += base64.b64decode(piece["base64"])
        offset = piece["next"]
    return data


def test_a_verification_as_a_job_gives_verify_s_verdict_and_outlives_a_restart(
        started, assertion, monkeypatch):
    office, supervisor = assertion("clerk", "office"), assertion("inspector", "supervisor")
    container = started()
    with ClusterRpcProxy(started.config) as cluster:
        audit = cluster.audit
        # a short ledger is verified at once, unless a job is asked for
        assert audit.start_verification(office) is None
        job = audit.start_verification(office, True)
        assert job["kind"] == jobs.VERIFY and job["progress"]["total"] == 30
        done = settled(audit, supervisor, job["id"])
        assert done["status"] == jobs.DONE, done
        assert done["progress"]["done"] == 30 and done["result"]["media_type"] == \
            "application/json"
        verdict = json.loads(result(audit, office, job["id"]))
        assert verdict == audit.verify(office)
        assert verdict["ok"] is True and verdict["entries"] == 30
        # no one else sees it
        for who in (assertion("officer", "unit_officer", unit="city-land"),
                    assertion("liu", "leader")):
            with pytest.raises(Refused) as refused:
                audit.ledger_job(who, job["id"])
            assert refused.value.kind in ("not_found", "forbidden")
        with pytest.raises(Refused) as refused:
            audit.start_verification(assertion("officer", "unit_officer", unit="city-land"),
                                     True)
        assert refused.value.kind == "forbidden"
    container.stop()

    # the service restarted: the finished job and its result are still there
    monkeypatch.setenv(VERIFY_SYNC_LIMIT, "10")
    started()
    with ClusterRpcProxy(started.config) as cluster:
        audit = cluster.audit
        assert audit.ledger_job(office, job["id"])["status"] == jobs.DONE
        assert json.loads(result(audit, supervisor, job["id"])) == verdict
        # a ledger longer than the limit is verified as a job without being asked
        longer = cluster.audit.start_verification(office)
        assert longer is not None and settled(audit, office, longer["id"])["status"] == \
            jobs.DONE


def test_a_result_is_not_there_before_the_job_is_done(started, assertion):
    office = assertion("clerk", "office")
    with started.engine.begin() as connection:
        job_id = jobs.create(connection, jobs.VERIFY, Actor("clerk", "office"), {})
    started()
    with ClusterRpcProxy(started.config) as cluster:
        assert cluster.audit.ledger_job(office, job_id)["status"] == jobs.QUEUED
        with pytest.raises(Refused) as refused:
            cluster.audit.ledger_job_result(office, job_id)
        assert (refused.value.kind, refused.value.rule) == ("conflict", "job_not_done")
