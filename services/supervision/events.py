"""The supervision service's catalogue of published events (`supervision.events`): the cases and
the ladder's thresholds, the deliverables and scheduling reports, the evaluation rounds and the
year's assessment, each area's declared in its own `events.py`."""
from __future__ import annotations

from kernel.events import Catalogue
from services.supervision.assessment.events import EVENTS as ASSESSMENT
from services.supervision.cases.events import EVENTS as CASES
from services.supervision.deliverables.events import EVENTS as DELIVERABLES

EVENTS = Catalogue("supervision", CASES, DELIVERABLES, ASSESSMENT)
