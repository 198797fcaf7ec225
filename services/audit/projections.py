"""The audit service's read models of its own streams, one module per area (supervision's cases,
`supervision.views`; its deliverables and scheduling reports, `supervision.deliverable_views`;
its evaluation rounds and years' assessments, `supervision.assessment_views`), each with its
table of folds: one projector refolds the streams a command touched in the command's
transaction, and rebuilds them all from the audit's log together. Tracking is folded
from the ledger as entries are appended (`supervision.tracking`), so a rebuild folds it again
from the ledger."""
from __future__ import annotations

import sqlalchemy as sa

from kernel.refolding import Progress, Refolding
from services.audit.supervision import assessment_views as assessments
from services.audit.supervision import deliverable_views as deliverables
from services.audit.supervision import tracking
from services.audit.supervision import views as supervision

AREAS = (supervision, deliverables, assessments)

projector = Refolding({kind: fold for area in AREAS for kind, fold in area.FOLDS.items()},
                      [table for area in AREAS for table in area.TABLES])
project = projector.project


def rebuild(engine: sa.Engine, progress: Progress | None = None) -> int:
    """Drop every read model and fold them again: the audit's own streams from its log, and
    tracking from the ledger; the number of streams refolded."""
    with engine.begin() as connection:
        refolded = projector.rebuild(connection, progress)
        tracking.rebuild(connection)
        return refolded
