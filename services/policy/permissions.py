"""Who may call each operation of the policy service, and which of its rows each role reaches
(`kernel.permissions`), composed from the areas' rows (each area's `access`, where its scopes are
enforced too). The operation-level row: the areas' rules tables still decide each command on its
policy, rule or briefing (issuing, owing or organising unit, status).

- the policies (`policies.access`): what is published (a policy published, amended, repealed or
  expired) is open to every caller, the portal's public actor included; a draft is its unit's
  own work until it is published (notice 二(二)3); matching by credit code is the enterprise's
  own, its county's, the office's and supervision's (the verdicts tell its tier, 三(一)1);
- the implementation rules (`implementation.access`): a rule filed for a policy not a draft is
  public, one owed its unit's;
- the briefings (`briefings.access`): the office, supervision, the units it names, the leader it
  names as presiding when that is his registered id, and the enterprises it invites (二(二)1);
- the policy work (`work.access`): the units' own, the office's and supervision's;
- the compendium (`compendium.access`) and the portal (`portal.access`): public, but the portal
  deadlines, which are the office's and supervision's, and each unit officer's own line.

Plain Python, no I/O, importing only the kernel's table and the areas' rows: the gateway reads it
too.
"""
from __future__ import annotations

from kernel.permissions import KERNEL_ROWS, Table
from services.policy.briefings import access as briefings
from services.policy.compendium import access as compendium
from services.policy.implementation import access as implementation
from services.policy.policies import access as policies
from services.policy.portal import access as portal
from services.policy.work import access as work

PERMISSIONS = Table(
    "policy",
    policies.ROWS,
    implementation.ROWS,
    briefings.ROWS,
    work.ROWS,
    compendium.ROWS,
    portal.ROWS,
    policies.MATCHING_ROWS,
    KERNEL_ROWS,
    dispatch={**policies.DISPATCH, **implementation.DISPATCH, **briefings.DISPATCH},
)
