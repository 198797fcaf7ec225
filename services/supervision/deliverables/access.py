"""Who may schedule, deliver and review the action's deliverables and issue the scheduling
reports (notice 二(五)1): a unit declares its own deliveries, only the office accepts them or
sends them back, and only an accepted delivery counts. The area's rows of the service's
permission table (`services.supervision.permissions`). Plain Python, no I/O."""
from __future__ import annotations

from kernel.permissions import OFFICE, OVERSIGHT, allow
from services.supervision.access import SUPERVISION_READERS, UNIT

ROWS = (
    allow("issue_scheduling_report", OVERSIGHT),
    allow("scheduling_reports", SUPERVISION_READERS),
    allow("scheduling_report", SUPERVISION_READERS),
    allow("schedule_deliverables", OVERSIGHT),
    allow("deliverables", SUPERVISION_READERS),
    allow("deliverable", SUPERVISION_READERS),
    allow("deliver", OVERSIGHT, **UNIT),
    allow("receive_summary_report", OVERSIGHT, **UNIT),
    allow("act_on_delivery.accept", OFFICE,
          note="a delivery counts in the assessment once the office accepts it"),
    allow("act_on_delivery.send-back", OFFICE),
)
