"""The policy service's read models, one module per area (`policies.views`, `implementation.views`,
`briefings.views`, `work.views`, `compendium.views`), each with its table of folds: one projector
refolds the streams a command touched, area by area in the command's transaction, and rebuilds
them all from the log together.

Each row is the aggregate's own snapshot, so the read model cannot show a state the aggregate
would not. A policy's feed and search terms (`policies.search`) are written with its row and
rebuilt with it. The enterprises' profiles (`enterprises.views`), the register of units
(`kernel.units`) and the rendered documents (`compendium.rendered`) are not: the first two come
from the liaison service's log, not this one, and a document never changes once rendered, so
`rebuild` leaves their tables alone.
"""
from __future__ import annotations

import sqlalchemy as sa

from kernel.envelope import Event
from kernel.refolding import Progress, Refolding
from services.policy.briefings import views as briefings
from services.policy.compendium import views as compendium
from services.policy.implementation import views as implementation
from services.policy.policies import search
from services.policy.policies import views as policies
from services.policy.policies.domain import Policy
from services.policy.work import views as work

AREAS = (policies, implementation, briefings, work, compendium)


class _Projector(Refolding):
    """A policy's stream is refolded by its area (its row, its feed, its terms), the others by
    their folds. `index`: write a policy's terms as its row is folded (on a rebuild they are
    written once for every policy after the rows)."""

    def __init__(self, index: bool):
        super().__init__({kind: fold for area in AREAS for kind, fold in area.FOLDS.items()},
                         [table for area in AREAS for table in area.TABLES])
        self.index = index

    def refold(self, connection: sa.Connection, stream_type: str, stream_id: str,
               stream: list[Event], new: list[Event]) -> None:
        if stream_type == Policy.stream_type:
            policies.refold(connection, stream_id, stream, new, index=self.index)
        else:
            super().refold(connection, stream_type, stream_id, stream, new)


project = _Projector(index=True).project
_rebuilding = _Projector(index=False)


def rebuild(engine: sa.Engine, progress: Progress | None = None) -> int:
    """Drop the read models and fold them again from the log (the search terms included);
    return the number of streams refolded."""
    with engine.begin() as connection:
        count = _rebuilding.rebuild(connection, progress)
        search.reindex(connection)
    return count
