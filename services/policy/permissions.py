"""Who may call each operation of the policy registry, and which of its rows each role reaches
(`kernel.permissions`). The operation-level row: the rules tables (`services.policy.rules`,
`implementation`, `briefing`) still decide each command on its policy, rule or briefing (issuing,
owing or organising unit, status).

Where the scopes are enforced (`services.policy.access`, `services.policy.queries`):
- what is published (a policy published, amended, repealed or expired; a rule filed for a policy
  not a draft; the compendium, its contact sheet, the feed) is open to every caller, the portal's
  public actor included; a draft is its unit's own work until it is published (notice 二(二)3);
- a briefing is read by the office, supervision, the units it names (organiser, present, reading
  on the agenda, the parks), the leader it names as presiding when that is his registered id, and
  the enterprises it invites (notice 二(二)1);
- the portal deadlines are the office's and supervision's, and each unit officer's own unit's
  line (notice 二(二)3: the units are held to May 15 and May 20);
- matching by credit code is the enterprise's own, its county's, the office's and supervision's:
  a known enterprise's verdicts tell its operating tier (notice 三(一)1), which stays with them.

Plain Python, no I/O, importing only the kernel's table: the gateway reads it too.
"""
from __future__ import annotations

from kernel.permissions import (
    KERNEL_ROWS, OFFICE, OVERSIGHT, SYSTEM, Scope, Table, allow, published,
)

# The policies' and the rules' readers: every caller sees what is published, a unit officer its
# own unit's drafts and owed rules beside it, the office and supervision everything.
READERS = {**OVERSIGHT, "unit_officer": Scope.OWN_UNIT, "enterprise": Scope.PUBLISHED,
           "leader": Scope.PUBLISHED, "liaison": Scope.PUBLISHED, "public": Scope.PUBLISHED}
READERS_NOTE = ("published only, a draft answered as not found; a unit officer its own unit's "
                "drafts (and owed rules) too")

# A command of a unit on its own policy, rule or briefing, or of the office on any.
UNIT_OR_OFFICE = {**OFFICE, "unit_officer": Scope.OWN_UNIT}

BRIEFING_READERS = {**OVERSIGHT, "unit_officer": Scope.INVOLVED_UNIT,
                    "leader": Scope.LEADER_LINKAGE, "enterprise": Scope.OWN_ENTERPRISE}
BRIEFING_NOTE = ("the units it names (organiser, present, reading on the agenda, its parks), the "
                 "leader presiding when it names him by his registered id, the enterprises "
                 "invited; an outsider is answered not found")

POLICY_ROWS = (
    allow("act_on_policy.revise", UNIT_OR_OFFICE),
    allow("act_on_policy.set-contact", UNIT_OR_OFFICE),
    allow("act_on_policy.publish", UNIT_OR_OFFICE),
    allow("act_on_policy.amend", UNIT_OR_OFFICE),
    allow("act_on_policy.repeal", UNIT_OR_OFFICE),
    allow("act_on_policy.expire", OFFICE, **SYSTEM,
          note="the timer records it on its own; the office may record it early"),
    allow("act_on_policy.answer-policy-work", UNIT_OR_OFFICE,
          note="the policy-work item's unit with its own policy in force"),
)

RULE_ROWS = (
    allow("act_on_rule.file", UNIT_OR_OFFICE, note="the owing unit, or the office on its behalf"),
)

BRIEFING_ROWS = (
    allow("act_on_briefing.revise", UNIT_OR_OFFICE, note="the organising unit, or the office"),
    allow("act_on_briefing.record-held", UNIT_OR_OFFICE, note="the organising unit, or the office"),
    allow("act_on_briefing.cancel", UNIT_OR_OFFICE, note="the organising unit, or the office"),
)


PERMISSIONS = Table(
    "policy",
    allow("draft_policy", UNIT_OR_OFFICE, note="a unit officer for its own unit only"),
    POLICY_ROWS,
    allow("get_policy", READERS, note=READERS_NOTE),
    allow("policy_version", READERS, note="published versions only"),
    allow("list_policies", READERS, note=READERS_NOTE + "; narrowed before it is paged"),
    allow("require_rule", OFFICE),
    RULE_ROWS,
    allow("get_rule", READERS, note=READERS_NOTE),
    allow("list_rules", READERS, note=READERS_NOTE),
    allow("schedule_briefing", UNIT_OR_OFFICE, note="the officer's unit is the organiser"),
    BRIEFING_ROWS,
    allow("get_briefing", BRIEFING_READERS, note=BRIEFING_NOTE),
    allow("list_briefings", BRIEFING_READERS, note=BRIEFING_NOTE + "; the list narrowed alike"),
    allow("policy_work_items", OVERSIGHT, unit_officer=Scope.OWN_UNIT),
    allow("build_compendium", OFFICE, note="the timer builds the next edition on its own"),
    published("compendium_editions", public=True),
    published("compendium_edition", public=True),
    published("compendium_document", public=True,
              note="rendered once per edition and format, served from the store"),
    published("contact_sheet", public=True),
    published("portal_feed", public=True),
    published("portal_mark", public=True,
              note="a digest of what is published, which the portal's pages are held by"),
    allow("portal_deadlines", OVERSIGHT, unit_officer=Scope.OWN_UNIT,
          note="a unit officer is shown its own unit's line only"),
    allow("match_enterprise", OVERSIGHT, enterprise=Scope.OWN_ENTERPRISE,
          unit_officer=Scope.COUNTY, leader=Scope.PUBLISHED, liaison=Scope.PUBLISHED,
          note="by credit code: the enterprise itself, an officer of its county, the office "
               "and supervision (the verdicts tell its tier); a profile given: any of these, "
               "an enterprise its own credit code only"),
    KERNEL_ROWS,
    dispatch={"act_on_policy": "action", "act_on_rule": "action",
              "act_on_briefing": "action"},
)
