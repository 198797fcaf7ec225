"""The audit service's catalogue of published events: empty. The audit records no facts of its
own: its ledger holds every other service's events, chained, and its checkpoints are signed
notes kept beside the ledger, not events."""
from __future__ import annotations

from kernel.events import Catalogue

EVENTS = Catalogue("audit")
