"""The bench's short mode, so that the harness cannot rot: every figure's row is printed, with a
number wherever a number belongs. Its timings are never asserted.

It runs as `bin/huiqi bench --short` does, in a process of its own: the bench drives its load
from real threads, which this test process (patched by eventlet) does not have.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NUMBER = re.compile(r"\d")

ROWS = [
    ("1 create a stream (one event)", "PostgreSQL, 1 writer"),
    ("1 create a stream (one event)", "PostgreSQL, 16 writers"),
    ("1 create a stream (one event)", "SQLite, 1 writer"),
    ("1 create a stream (one event)", "SQLite, 16 writers"),
    ("2 load a stream, append one event", "PostgreSQL, 1 writer"),
    ("2 load a stream, append one event", "SQLite, 16 writers"),
    ("3 read the whole log by position", "PostgreSQL"),
    ("3 read the whole log by position", "SQLite"),
    ("4 audit ingestion, RabbitMQ → chained ledger", "PostgreSQL"),
    ("4 audit ingestion, RabbitMQ → chained ledger", "SQLite"),
    ("5 verify the ledger", "PostgreSQL"),
    ("5 verify the ledger", "SQLite"),
    ("5 seconds to verify a million entries", "PostgreSQL"),
    ("5 read a service's log by position (rebuild)", "PostgreSQL"),
    ("5 Merkle tree hash of the ledger, one pass", "PostgreSQL"),
    ("5 Merkle tree hash of the ledger, one pass", "SQLite"),
    ("5 verify against a signed checkpoint (chain + tree hash, one pass)", "PostgreSQL"),
    ("5 verify against a signed checkpoint (chain + tree hash, one pass)", "SQLite"),
    ("5 inclusion proof from the stored tree, p50", "PostgreSQL"),
    ("5 inclusion proof from the stored tree, p50", "SQLite"),
    ("5 replay one appeal as of a seq (version 7 of 12), p50", "PostgreSQL"),
    ("5 replay one appeal as of a seq (version 7 of 12), p50", "SQLite"),
    ("5 replay every stream (fold the whole ledger, every entry checked)", "PostgreSQL"),
    ("5 replay every stream (fold the whole ledger, every entry checked)", "SQLite"),
    ("6 POST /api/v1/tickets", "SQLite"),
    ("6 POST /api/v1/tickets", "PostgreSQL"),
    ("6 POST /api/v1/tickets, p50", "SQLite"),
    ("6 POST /api/v1/tickets, p95", "PostgreSQL"),
    ("6 ledger caught up after the last answer", "SQLite"),
    ("6 ledger caught up after the last answer", "PostgreSQL"),
    ("6 lag, commit → ledger entry, p95", "PostgreSQL"),
    ("6 peak RSS under load: tickets", "SQLite"),
    ("6 peak RSS under load: gateway", "PostgreSQL"),
    ("7 growth: POST /api/v1/tickets", "SQLite"),
    ("7 growth: list, first page", "SQLite"),
    ("7 growth: export, one county × category", "SQLite"),
    ("7 growth: deadline watch scan", "SQLite"),
    ("8 linkage plan: solve the city", "21 counties/zones"),
    ("9 GET /api/v1/me under heavy downloads, p50", "SQLite"),
    ("9 GET /api/v1/me under heavy downloads, p95", "SQLite"),
    ("9 heavy downloads", "SQLite"),
]


def table_rows(output: str) -> list[list[str]]:
    lines = [line for line in output.splitlines() if line.startswith("| ")]
    header, *body = lines
    assert header.split(" | ")[0] == "| figure"
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in body]


def test_the_short_bench_prints_every_figure_beside_its_peer():
    env = {**os.environ}
    env.setdefault("HUIQI_BENCH_PG", os.environ.get("HUIQI_TEST_PG",
                                                    "postgresql://postgres@127.0.0.1:5432/test"))
    done = subprocess.run([sys.executable, "-m", "bench", "--short"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    assert "- CPU:" in done.stdout and "PostgreSQL" in done.stdout and "RabbitMQ" in done.stdout

    rows = table_rows(done.stdout)
    for figure, setting in ROWS:
        assert any(r[0] == figure and r[1].startswith(setting) for r in rows), (figure, setting)
    for figure, setting, ours, peer, theirs, ratio, raw, _target in rows:
        assert NUMBER.search(ours), (figure, setting)
        if peer != "—":
            assert NUMBER.search(theirs) and NUMBER.search(ratio), (figure, setting)
        if figure.startswith("1 "):
            assert NUMBER.search(raw), (figure, setting)
