"""One bench run: borrow a vhost and databases, measure every figure (or the one asked for), give
everything back, and print the machine above the table.

The short mode runs every figure with tiny counts, in seconds, so that CI keeps the harness
working; its numbers mean nothing. The full mode uses the counts of the speed section.
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import secrets
import sys
import time
import traceback
import warnings

from bench import machine, table
from bench.infra import borrowed
from kernel import identity

# The services' modules import eventlet, which announces its maintenance mode; known and chosen.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

# Each figure's module has `run(borrowed, counts) -> list[Row]`.
FIGURES = ("store", "ingest", "verify", "endtoend", "growth", "plan", "heavy")

FULL = {
    "store_commands": {1: 1000, 16: 3000},
    "ingest_events": 100_000,
    "verify_entries": 1_000_000,
    "e2e_requests": 2000,
    "e2e_clients": 16,
    "growth_appeals": 100_000,
    "growth_enterprises": 10_000,
    "plan_city": {"city_leaders": 30, "top_leaders": 6, "parks": 40, "enterprises": 2000},
    "heavy_policies": 35,
    "heavy_clients": 100,
    "heavy_downloads": 2000,
    "heavy_light_calls": 200,
}
SHORT = {
    "store_commands": {1: 20, 16: 48},
    "ingest_events": 50,
    "verify_entries": 500,
    "e2e_requests": 32,
    "e2e_clients": 16,
    "growth_appeals": 200,
    "growth_enterprises": 20,
    "plan_city": {"city_leaders": 8, "top_leaders": 2, "parks": 40, "enterprises": 2000},
    "heavy_policies": 2,
    "heavy_clients": 8,
    "heavy_downloads": 40,
    "heavy_light_calls": 10,
}


def run(short: bool = False, only: tuple[str, ...] = (), out=sys.stdout) -> tuple[list, list]:
    """Measure; return (rows, failures). A figure that fails is reported and the rest go on."""
    counts = SHORT if short else FULL
    # Secrets of the run's own for the services it starts and the tokens it mints: never a
    # developer's stack's, and never development mode.
    for name in (identity.JWT_SECRET, identity.INTERNAL_SECRET):
        os.environ[name] = secrets.token_urlsafe(48)
    os.environ.pop(identity.DEVELOPMENT, None)
    rows, failures = [], []
    wanted = only or FIGURES
    with borrowed() as resources:
        for name in wanted:
            started = time.perf_counter()
            print(f"bench: {name}…", file=sys.stderr, flush=True)
            try:
                module = importlib.import_module(f"bench.{name}")
                rows += module.run(resources, counts)
            except Exception:  # noqa: BLE001 - the other figures are still worth having
                failures.append(name)
                traceback.print_exc()
            print(f"bench: {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr,
                  flush=True)
    mode = "short (tiny counts: the harness works, the numbers mean nothing)" if short else "full"
    print(f"## Huiqi bench, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, {mode}\n",
          file=out)
    print(machine.describe() + "\n", file=out)
    print(table.markdown(rows), file=out, flush=True)
    if failures:
        print(f"\nfailed: {', '.join(failures)} (traceback above)", file=out, flush=True)
    return rows, failures
