"""Who reads tracking (跟踪调度, notice 二(五)1): the office and the group every unit's matters, a
unit officer his own unit's, a leader his linkage's units' (`services.supervision.access`). The
area's rows of the service's permission table (`services.supervision.permissions`). Plain
Python, no I/O."""
from __future__ import annotations

from kernel.permissions import allow
from services.supervision.access import SUPERVISION_READERS

ROWS = (
    allow("tracked_matters", SUPERVISION_READERS),
    allow("unit_tracking", SUPERVISION_READERS),
    allow("hotline_measures", SUPERVISION_READERS),
)
