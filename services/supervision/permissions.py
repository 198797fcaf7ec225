"""The supervision service's permission table (`kernel.permissions`): who may call each RPC of
tracking, the ladder's cases, the deliverables, the evaluation rounds and the year-end
assessment, and which rows each role reaches. Each area's `access.py` holds its rows; this
table composes them. The scope itself is applied where the service reads (`access`,
`assessment.disclosure`).

- Supervision (notice 二(五)1): the office and the group read every unit; a unit officer his own
  unit's matters, cases, notices and reports and answers his own unit's notices; a leader his
  linkage's units. A unit declares its deliveries; only the office accepts them or sends them
  back, and only an accepted delivery counts.
- Evaluation rounds (二(五)2): the enterprises served rate; raters' identities stay with the
  office.
- The assessment (二(五)3): other units' figures stay with the office, the group and the
  leaders until the office publishes the ranking; a unit officer reads his own unit's figures
  and its rank among all ranked, and, once published, the published ranking. An export run as a
  job is seen by who started it and by oversight.

Plain Python, no I/O.
"""
from __future__ import annotations

from kernel.permissions import KERNEL_ROWS, Table
from services.supervision.assessment import access as assessment
from services.supervision.cases import access as cases
from services.supervision.deliverables import access as deliverables
from services.supervision.tracking import access as tracking

PERMISSIONS = Table(
    "supervision",
    tracking.ROWS,
    cases.ROWS,
    deliverables.ROWS,
    assessment.EVALUATION_ROWS,
    assessment.ROWS,
    KERNEL_ROWS,
    dispatch={"act_on_supervision_case": "action", "act_on_assessment": "action",
              "act_on_delivery": "action"},
)
