"""Who may call each operation of the liaison service, and which rows each role reaches through
it (`kernel.permissions`): the register, the linkage and the field work.

Where the scopes are enforced:
- the register (`services.liaison.registry.access`): an enterprise reads only its own entry; a
  leader his list's enterprises (his linkage's and his park's), a liaison officer his appointed
  leader's; a unit officer every profile. An enterprise's operating tier and its history are
  the office's, the supervision group's, its county's officers' and the helping-enterprises
  group's (notice 三(一)1: the counties rate, the group draws the lists from the ratings): for
  anyone else they are left out and filtering by them is refused; who rated stays with the office;
- the linkage (`services.liaison.linkage.rpc`): plans to the office, the supervision group and
  the helping-enterprises group; a leader his own linkage, a liaison officer his leader's;
- the field work (`services.liaison.fieldwork.access`): a leader and his appointed liaison
  officers the field work of his list, an unregistered leader or unappointed officer none; a
  visit is recorded only of an enterprise of its leader's list, by that leader, his liaison
  officers, the departments linked to his park or the office.

Each area's `access.py` holds its rows; this table composes them. Plain Python, no I/O: the
gateway reads it too.
"""
from __future__ import annotations

from kernel.permissions import KERNEL_ROWS, Table
from services.liaison.fieldwork import access as fieldwork
from services.liaison.linkage import access as linkage
from services.liaison.registry import access as registry

PERMISSIONS = Table(
    "liaison",
    registry.ROWS,
    linkage.ROWS,
    fieldwork.ROWS,
    KERNEL_ROWS,
    dispatch={"act_on_survey": "action", "act_on_help_plan": "action"},
)
