"""Operations on a service's store from the command line, with the service's own configuration."""
from __future__ import annotations

import importlib

from kernel import settings
from kernel.database import make_engine, migrate

REBUILDERS = {
    "tickets": ("services.tickets.projections", "services/tickets/migrations"),
}


def rebuild_projections(service: str) -> int:
    module_name, migrations = REBUILDERS[service]
    engine = make_engine(settings.database_url(service))
    try:
        migrate(engine, settings.ROOT / migrations)
        return importlib.import_module(module_name).rebuild(engine)
    finally:
        engine.dispose()
