"""Adding a service is one entry in the registry plus its package: in a copy of the source tree, a
throwaway service and one line in `services/registry.py` are enough for `huiqi up` to start it,
for its migrations to run, and for the audit to take its events into the ledger."""
from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy

from kernel import settings
from services.registry import SERVICES

THROWAWAY_SERVICE = '''
"""A service that lives only in a test's copy of the tree: one command, one event."""
import uuid

from nameko.rpc import rpc

from kernel.aggregate import Fact
from kernel.base_service import EventSourcedService
from kernel.dependencies import EventSourcing
from kernel.envelope import utc_now


class ThrowawayService(EventSourcedService):
    name = "throwaway"
    store = EventSourcing()

    @rpc
    def jot(self, text: str) -> str:
        stream_id = f"note-{uuid.uuid4().hex}"
        fact = Fact("NoteJotted", {"text": text}, utc_now(), "system")
        self.store.execute("jot", lambda uow: uow.append(stream_id, "note", 0, [fact]))
        return stream_id
'''

THROWAWAY_MIGRATION = '''
"""The throwaway service's own table.

Revision ID: w0001
"""
import sqlalchemy as sa
from alembic import op

revision = "w0001"
down_revision = None
branch_labels = ("throwaway",)
depends_on = "k0001"


def upgrade() -> None:
    op.create_table("throwaway_notes", sa.Column("id", sa.String(100), primary_key=True))
'''

# The one edit to the registry: an entry, written as a developer would write it.
THROWAWAY_ENTRY = '''    ServiceEntry("throwaway", "services.throwaway.service:ThrowawayService", port=8199,
                 migrations="services/throwaway/migrations"),
'''


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the source tree with the throwaway package and its registry entry added."""
    root = tmp_path / "src"
    for package in ("kernel", "services", "gateway", "huiqi"):
        shutil.copytree(settings.ROOT / package, root / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    package = root / "services" / "throwaway"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text('"""A throwaway service."""\n', encoding="utf-8")
    (package / "service.py").write_text(textwrap.dedent(THROWAWAY_SERVICE), encoding="utf-8")
    (package / "migrations" / "w0001_notes.py").write_text(THROWAWAY_MIGRATION, encoding="utf-8")
    registry = root / "services" / "registry.py"
    text = registry.read_text(encoding="utf-8")
    gateway_entry = re.search(r'^ *ServiceEntry\("gateway"', text, re.MULTILINE)
    assert gateway_entry, "the registry's gateway entry is not where this test inserts before it"
    registry.write_text(text[:gateway_entry.start()] + THROWAWAY_ENTRY
                        + text[gateway_entry.start():], encoding="utf-8")
    return root


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not in {timeout:.0f}s: {what}")
        time.sleep(0.3)


def ledger_entries_of(audit_db: Path, stream_id: str) -> list[tuple]:
    if not audit_db.exists():
        return []
    with sqlite3.connect(audit_db) as connection:
        try:
            return connection.execute(
                "SELECT service, type FROM ledger WHERE stream_id = ?", (stream_id,)).fetchall()
        except sqlite3.OperationalError:  # not migrated yet
            return []


def test_a_new_registry_entry_is_started_migrated_and_audited(tree, tmp_path, amqp_uri, free_port):
    var = tmp_path / "var"
    env = {**os.environ, "PYTHONPATH": str(tree), "AMQP_URI": amqp_uri, "HUIQI_VAR_DIR": str(var),
           "HUIQI_RELAY_INTERVAL": "0.2", "HUIQI_CATCHUP_INTERVAL": "1",
           "HUIQI_LOG_LEVEL": "WARNING"}
    for name in (*SERVICES.names, "throwaway"):
        env[f"{name.upper()}_PORT"] = str(free_port())
    log = tmp_path / "stack.log"
    launcher = subprocess.Popen([sys.executable, "-m", "huiqi", "up"], env=env, cwd=str(tree),
                                stdout=subprocess.PIPE, stderr=log.open("w"), text=True,
                                start_new_session=True)
    try:
        output = []
        while not any("Press Ctrl-C" in line for line in output):
            line = launcher.stdout.readline()
            assert line or launcher.poll() is None, (
                "huiqi up exited before it was up:\n" + log.read_text()[-3000:])
            output.append(line)
        # `up` started it and says where its metrics are ...
        assert any(line.split()[:1] == ["throwaway"] for line in output), "".join(output)
        health = requests.get(f"http://127.0.0.1:{env['THROWAWAY_PORT']}/healthz", timeout=5)
        assert health.json()["status"] == "ok" and health.json()["service"] == "throwaway"

        # ... its own migration ran in its own store ...
        with sqlite3.connect(var / "throwaway.db") as connection:
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"throwaway_notes", "events"} <= tables

        # ... and what it appends reaches the audit's ledger.
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}) as rpc:
            stream_id = rpc.throwaway.jot("一条记录")
        entries = wait_for(lambda: ledger_entries_of(var / "audit.db", stream_id), 30,
                           "the throwaway's event in the audit ledger")
        assert entries == [("throwaway", "NoteJotted")]
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGINT)
            try:
                launcher.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(launcher.pid, signal.SIGKILL)
