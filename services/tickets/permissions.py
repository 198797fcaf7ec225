"""Who may call each operation of the tickets service, and which rows each role reaches through
it (`kernel.permissions`): the areas' rows, composed. The rules table of the appeals
(`appeals.rules`) still decides each command on its appeal (lead unit, status, own appeal); the
rows of `act` name the roles of its rules, and a test holds the two together.

Where the scopes are enforced:
- the appeals (`services.tickets.appeals.access`, `appeals.queries`): an enterprise its own
  appeals; a unit officer those its unit leads or assists on, the county an appeal is classified
  to for coordination counting as assisting (notice 二(四)3); a leader the appeals of the
  enterprises in his linkage, of his linked park's enterprises, and those raised from his visits;
  a liaison officer those of the leader he is appointed to — both learnt from the liaison
  service's events (`appeals.reactions`); the office and the supervision group every appeal;
- the routing table (`services.tickets.routing.access`): a unit officer is shown the lines that
  route to its own unit; only the office edits it.

Plain Python, no I/O: the gateway reads it too.
"""
from __future__ import annotations

from kernel.permissions import KERNEL_ROWS, Table
from services.tickets.appeals import access as appeals
from services.tickets.routing import access as routing

PERMISSIONS = Table(
    "tickets",
    appeals.ROWS,
    routing.ROWS,
    KERNEL_ROWS,
    dispatch={"act": "action"},
)
