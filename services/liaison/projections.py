"""The liaison service's read models, one module per area (`registry.views`, `linkage.views`,
`fieldwork.views`): each folds its own streams in the command's transaction, and all are rebuilt
from the log together."""
from __future__ import annotations

from typing import Sequence

import sqlalchemy as sa

from kernel.envelope import Event
from services.liaison.fieldwork import views as fieldwork
from services.liaison.linkage import views as linkage
from services.liaison.registry import views as registry

AREAS = (registry, linkage, fieldwork)


def project(connection: sa.Connection, appended: Sequence[Event]) -> None:
    for area in AREAS:
        area.project(connection, appended)


def rebuild(engine: sa.Engine) -> int:
    """Drop every read model and fold them again from the log; the number of streams refolded."""
    with engine.begin() as connection:
        return sum(area.rebuild(connection) for area in AREAS)
