"""Supervision's wire contract (notice 二(五), 三(二)): the catalogue of its areas' contracts, which
the gateway imports — the tracking view (`tracking.contract`), the supervision cases, their
notices and the ladder's thresholds (`cases.contract`), the scheduling reports, the action's
deliverables and the summary reports (`deliverables.contract`), the enterprises' evaluation
rounds and the year-end assessment with its records and exports (`assessment.contract`).

Models are named for their subject (Supervision…, Tracked…, Deliverable…, Evaluation…,
Assessment…): OpenAPI names schemas by their class, across every service's contract. Shape only:
whether a value is allowed is for the aggregates to say, by an error naming the field.
"""
from __future__ import annotations

from services.supervision.assessment.contract import *  # noqa: F401,F403
from services.supervision.cases.contract import *  # noqa: F401,F403
from services.supervision.deliverables.contract import *  # noqa: F401,F403
from services.supervision.shapes import *  # noqa: F401,F403
from services.supervision.tracking.contract import *  # noqa: F401,F403
