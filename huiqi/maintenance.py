"""Operations on a service's store from the command line, with the service's own configuration:
any service whose registry entry names a projections module can have its read models rebuilt."""
from __future__ import annotations

from kernel import settings
from kernel.database import make_engine, migrate
from services.registry import SERVICES


def rebuild_projections(service: str) -> int:
    entry = SERVICES[service]
    projections = entry.projections_module()
    migrations = [entry.migrations_path] if entry.migrations_path else []
    engine = make_engine(settings.database_url(service))
    try:
        migrate(engine, *migrations)
        return projections.rebuild(engine)
    finally:
        engine.dispose()
