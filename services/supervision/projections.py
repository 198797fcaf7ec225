"""The supervision service's read models of its own streams, one module per area (the cases,
`cases.views`; the deliverables and scheduling reports, `deliverables.views`; the evaluation
rounds and years' assessments, `assessment.views`), each with its table of folds: one projector
refolds the streams a command touched in the command's transaction, and rebuilds them all from
the service's log together. Tracking is folded from the ledger as supervision follows it
(`tracking.reactions`), so a rebuild moves the follower back to the ledger's start."""
from __future__ import annotations

import sqlalchemy as sa

from kernel.refolding import Progress, Refolding
from services.supervision.assessment import views as assessments
from services.supervision.deliverables import views as deliverables
from services.supervision.tracking import views as tracking
from services.supervision.cases import views as supervision

AREAS = (supervision, deliverables, assessments)

projector = Refolding({kind: fold for area in AREAS for kind, fold in area.FOLDS.items()},
                      [table for area in AREAS for table in area.TABLES])
project = projector.project


def rebuild(engine: sa.Engine, progress: Progress | None = None) -> int:
    """Drop every read model and fold them again: supervision's own streams from its log now,
    tracking from the ledger as the follower takes it in again; the number of streams
    refolded."""
    with engine.begin() as connection:
        refolded = projector.rebuild(connection, progress)
        tracking.rebuild(connection)
        return refolded
