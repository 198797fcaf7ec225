"""The liaison service's read models, one module per area (`registry.views`, `linkage.views`,
`fieldwork.views`), each with its table of folds: one projector refolds the streams a command
touched, area by area in the command's transaction, and rebuilds them all from the log together."""
from __future__ import annotations

import sqlalchemy as sa

from kernel.refolding import Progress, Refolding
from services.liaison.fieldwork import views as fieldwork
from services.liaison.linkage import views as linkage
from services.liaison.registry import views as registry

AREAS = (registry, linkage, fieldwork)

projector = Refolding({kind: fold for area in AREAS for kind, fold in area.FOLDS.items()},
                      [table for area in AREAS for table in area.TABLES])
project = projector.project


def rebuild(engine: sa.Engine, progress: Progress | None = None) -> int:
    """Drop every read model and fold them again from the log; the number of streams refolded."""
    with engine.begin() as connection:
        return projector.rebuild(connection, progress)
