"""Who reads which of the register (notice 三(一)1), and what of an enterprise's entry.

- An enterprise reads its own entry only; a leader his list's enterprises (his linkage's and his
  park's), a liaison officer his appointed leader's (`linkage.reach`); a unit officer, the office
  and the supervision group every profile, since their work names enterprises.
- An enterprise's operating tier and its history (`tier`, `rated_at`, `rated_by`, `ratings`) are
  the counties' ratings from which the helping-enterprises group (入企帮扶专项小组) draws the
  leaders' lists: shown to the office, the supervision group, the enterprise's own county's
  officers (a registered county or zone unit whose code is its county) and the group's units.
  For anyone else they are left out, and filtering by tier is refused.
- Who rated (a rating's `actor`) stays with the office.

Plain Python, no I/O: the service hands in what it reads of the register and the linkage.
"""
from __future__ import annotations

import dataclasses

from kernel.actor import Actor
from kernel.permissions import OFFICE, OVERSIGHT, Scope, allow, published
from services.liaison.linkage.reach import NOWHERE, Reach
from services.liaison.registry.exceptions import RatingsNotShown, TierNotShown

TIER_FIELDS = ("tier", "rated_at", "rated_by", "ratings")
EVERY_ENTRY = ("office", "supervisor", "unit_officer")
EVERY_TIER = ("office", "supervisor")
RATERS_SHOWN = ("office",)


@dataclasses.dataclass(frozen=True)
class Reader:
    """A caller of the register with what decides what it reads: `county` the county its unit
    is (a registered county or zone unit's code), `helping` whether its unit is in the
    helping-enterprises group, `reach` a leader's or liaison officer's list."""

    who: Actor
    county: str | None = None
    helping: bool = False
    reach: Reach = NOWHERE

    def may_read(self, entry: dict) -> bool:
        role = self.who.role
        if role in EVERY_ENTRY:
            return True
        if role == "enterprise":
            return self.who.uscc is not None and self.who.uscc == entry.get("uscc")
        if role in ("leader", "liaison"):
            return self.reach.covers(entry.get("uscc"))
        return False

    def sees_tier(self, entry: dict) -> bool:
        if self.who.role in EVERY_TIER:
            return True
        if self.who.role == "unit_officer":
            return self.helping or (self.county is not None
                                    and self.county == entry.get("county"))
        return False

    def check_tier_filter(self, county: str | None) -> None:
        """Refuse a tier filter whose answer would show tiers the caller is not shown."""
        if self.who.role in EVERY_TIER or (self.who.role == "unit_officer" and self.helping):
            return
        if self.who.role == "unit_officer" and self.county is not None \
                and county == self.county:
            return
        raise TierNotShown(self.who.role, self.county)

    def check_ratings(self, entry: dict) -> None:
        if not self.sees_tier(entry):
            raise RatingsNotShown(entry["uscc"])

    def disclose(self, entry: dict) -> dict:
        """The entry as this caller is shown it: the tier fields left out where it may not see
        them, who rated left out for all but the office."""
        if not self.sees_tier(entry):
            return {k: v for k, v in entry.items() if k not in TIER_FIELDS}
        if self.who.role in RATERS_SHOWN or "ratings" not in entry:
            return entry
        return {**entry, "ratings": [{k: v for k, v in rating.items() if k != "actor"}
                                     for rating in entry["ratings"]]}


# -- the area's rows of the service's permission table (`services.liaison.permissions`) --

COUNTY = Scope.COUNTY
LEADER = Scope.LEADER_LINKAGE
LIAISON = Scope.LIAISON_APPOINTMENT
OWN = Scope.OWN_ENTERPRISE

# A county's unit officer keeps its own county's entries (notice 三(一)1: 各县(市、区)…分类).
COUNTY_KEEPS = {**OFFICE, "unit_officer": COUNTY}
TIER_NOTE = ("the tier, rated_at, rated_by and the ratings only to the office, the supervision "
             "group, the enterprise's county's officers and the helping-enterprises group's "
             "units; who rated to the office alone")

ROWS = (
    allow("register_enterprise", COUNTY_KEEPS, note="a county registers its own enterprises"),
    allow("change_enterprise", COUNTY_KEEPS, note="a county changes its own enterprises"),
    allow("rate_enterprise", COUNTY_KEEPS, note="a county rates its own enterprises; " + TIER_NOTE),
    allow("get_enterprise", OVERSIGHT, enterprise=OWN, unit_officer=COUNTY, leader=LEADER,
          liaison=LIAISON,
          note="an enterprise its own entry, a leader his list's (his linkage's and his park's "
               "enterprises), a liaison officer his leader's, a unit officer every profile "
               "(its work names enterprises); others are not found; " + TIER_NOTE),
    allow("list_enterprises", OVERSIGHT, enterprise=OWN, unit_officer=COUNTY, leader=LEADER,
          liaison=LIAISON,
          note="narrowed as get_enterprise before it is answered; filtering by tier is refused "
               "to whoever is not shown tiers, and a county's officer filters by tier only "
               "within its own county; " + TIER_NOTE),
    allow("enterprise_ratings", OVERSIGHT, unit_officer=COUNTY,
          note="the tier's history: a county's officer its own county's enterprises, a unit of "
               "the helping-enterprises group every one; who rated to the office alone"),
    allow("register_park", OFFICE), allow("change_park", OFFICE),
    published("get_park", "parks are where the city's work happens: every caller with a token"),
    published("list_parks", "as get_park"),
    allow("register_unit", OFFICE), allow("change_unit", OFFICE),
    published("get_unit", "the units an appeal is dispatched to and that answer for it: every "
                          "caller with a token"),
    published("list_units", "as get_unit"),
    allow("register_leader", OFFICE), allow("change_leader", OFFICE),
    allow("get_leader", OVERSIGHT, unit_officer=Scope.PUBLISHED, leader=Scope.PUBLISHED,
          liaison=Scope.PUBLISHED,
          note="the leaders' names, ranks and titles, for those who work with them; no "
               "enterprise's work needs them"),
    allow("list_leaders", OVERSIGHT, unit_officer=Scope.PUBLISHED, leader=Scope.PUBLISHED,
          liaison=Scope.PUBLISHED, note="as get_leader"),
    allow("get_leading_group", OVERSIGHT, leader=Scope.PUBLISHED,
          unit_officer=Scope.INVOLVED_UNIT,
          note="a registered leader; a unit officer of a unit that is a member of one of the "
               "working groups, or the office's own unit; others are refused"),
    allow("set_working_group", OFFICE),
)
