"""Who reads the portal's own pages (notice 二(二)3): the feed and the mark are public; the portal
deadlines are the office's and supervision's, and each unit officer's own unit's line (the units
are held to May 15 and May 20). Their rows of the permission table. Plain Python, no I/O."""
from __future__ import annotations

from kernel.actor import Actor
from kernel.permissions import OVERSIGHT, Scope, allow, published
from services.policy.policies.access import SEE_ALL
from kernel.errors import RoleNotAllowed

ROWS = (
    published("portal_feed", public=True),
    published("portal_mark", public=True,
              note="a digest of what is published, which the portal's pages are held by"),
    allow("portal_deadlines", OVERSIGHT, unit_officer=Scope.OWN_UNIT,
          note="a unit officer is shown its own unit's line only"),
)


def deadline_units(actor: Actor) -> str | None:
    """The one unit whose line of the portal deadlines `actor` is shown; None for every line."""
    if actor.role in SEE_ALL:
        return None
    if actor.role == "unit_officer":
        return actor.unit
    raise RoleNotAllowed(actor.role, "read the units' portal deadlines",
                         ("the office", "supervision", "each unit's officers (their own unit's)"))
