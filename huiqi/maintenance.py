"""Operations on a service's store from the command line, with the service's own configuration:
any service whose registry entry names a projections module can have its read models rebuilt,
with a progress bar of the streams refolded and their rate."""
from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

from kernel import settings
from kernel.database import make_engine, migrate
from kernel.refolding import Progress
from services.registry import SERVICES

ALL = "all"


def rebuild_projections(service: str, progress: Progress | None = None) -> int:
    """Refold the service's read models from its log; the number of streams refolded."""
    entry = SERVICES[service]
    projections = entry.projections_module()
    migrations = [entry.migrations_path] if entry.migrations_path else []
    engine = make_engine(settings.database_url(service))
    try:
        migrate(engine, *migrations)
        return projections.rebuild(engine, progress)
    finally:
        engine.dispose()


def rebuild_with_progress(name: str, out: TextIO | None = None,
                          bars: TextIO | None = None) -> int:
    """`huiqi rebuild-projections NAME`: rebuild the service named, or every one (`all`) in
    turn, each with its bar (count and rate) on `bars` (stderr) and its count on `out`
    (stdout); the exit status."""
    for service in SERVICES.rebuildable if name == ALL else (name,):
        with tqdm(desc=service, unit=" streams", file=bars or sys.stderr) as bar:
            count = rebuild_projections(service, bar)
        print(f"{service}: {count} streams refolded", file=out or sys.stdout, flush=True)
    return 0
