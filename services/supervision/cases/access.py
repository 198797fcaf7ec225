"""Who may act on the ladder's cases and read them (督查, notice 二(五)1): a unit officer answers
his own unit's notices, the office and the group record the inspection and the interview, close
a case and run the sweep; only the office sets the thresholds. The area's rows of the service's
permission table (`services.supervision.permissions`). Plain Python, no I/O."""
from __future__ import annotations

from kernel.permissions import OFFICE, OVERSIGHT, Scope, allow
from services.supervision.access import SUPERVISION_READERS, UNIT

ROWS = (
    allow("supervision_case", SUPERVISION_READERS),
    allow("act_on_supervision_case.answer", UNIT),
    allow("act_on_supervision_case.inspection", OVERSIGHT),
    allow("act_on_supervision_case.interview", OVERSIGHT),
    allow("act_on_supervision_case.close", OVERSIGHT),
    allow("supervision_cases", SUPERVISION_READERS),
    allow("supervision_notices", SUPERVISION_READERS),
    allow("run_supervision_sweep", OVERSIGHT),
    allow("supervision_thresholds", OVERSIGHT, unit_officer=Scope.PUBLISHED,
          leader=Scope.PUBLISHED),
    allow("set_supervision_thresholds", OFFICE),
)
