"""Every rule of the liaison registry that a command can break, one exception each.

Each carries a stable `rule` code, the `kind` of refusal inherited from its kernel base, and a
message a clerk can act on; input errors name the `field`. The generic checks (a field required,
too long, unexpected; an unknown code naming the allowed codes; a credit code whose check
character is wrong) are the kernel's, in `kernel.errors`, and so are the shapes many rules
share (a role not allowed, a thing not found or already there, another county's).
"""
from __future__ import annotations

from kernel.campaign import COUNTIES
from kernel.errors import (
    DomainError, Forbidden, InvalidInput, NoSuch, Taken, UnitNotOwner, Worded,
)
from kernel.errors import NotAList as NotAList  # the registry's words too
from kernel.errors import NotAnObject as NotAnObject  # the registry's words too
from kernel.errors import NothingChanged as NothingChanged  # the registry's words too
from kernel.errors import RoleNotAllowed as RoleNotAllowed  # the registry's words too
from kernel.errors import UnknownUnit as UnknownUnit  # the registry's words too

# -- bad input ------------------------------------------------------------------------------------

class UnknownCounty(InvalidInput):
    rule = "unknown_county"

    def __init__(self, value, field: str = "county"):
        super().__init__(f"{field} {value!r} is not one of the city's counties or zones: "
                         f"{', '.join(COUNTIES)}", field=field)


class UnknownPark(Worded, InvalidInput):
    """A park the register does not hold, named where a registered one is needed (the field
    work names them too)."""

    rule = "unknown_park"
    template, at = "{field} {value!r} is not a registered park; register the park first", "park"

    def __init__(self, value, field: str | None = None):
        super().__init__(value=value, field=field)


class ParkNotInCounty(InvalidInput):
    rule = "park_not_in_county"

    def __init__(self, park: str, park_county: str, county: str):
        super().__init__(f"park {park} lies in {park_county}, not in {county}: an enterprise's "
                         "park is in its own county", field="park")


class NotAFlag(InvalidInput):
    rule = "not_a_flag"

    def __init__(self, field: str, value):
        super().__init__(f"{field} {value!r}: expected true or false", field=field)


class InvalidId(InvalidInput):
    rule = "invalid_id"

    def __init__(self, field: str, value):
        super().__init__(f"{field} {value!r}: an id is 1 to 100 letters, digits, '_', '-' or '.', "
                         "starting with a letter or digit", field=field)


class UnitCodeNotACounty(InvalidInput):
    rule = "unit_code_not_a_county"

    def __init__(self, code: str, kind: str, allowed):
        super().__init__(f"code {code!r}: a unit of kind {kind} is coded as one of: "
                         f"{', '.join(allowed)}", field="code")


class DepartmentCodeIsACounty(InvalidInput):
    rule = "department_code_is_a_county"

    def __init__(self, code: str):
        super().__init__(f"code {code!r} is a county's or zone's code; a city department needs "
                         "a code of its own", field="code")


class UnitCountyMismatch(InvalidInput):
    rule = "unit_county_mismatch"

    def __init__(self, code: str, county):
        super().__init__(f"county {county!r}: a county's or zone's unit is its own county "
                         f"({code})", field="county")


class CountyNotExpected(InvalidInput):
    rule = "county_not_expected"

    def __init__(self, what: str):
        super().__init__(f"county: {what} belongs to no county; leave county out",
                         field="county")


class CountyRequired(InvalidInput):
    rule = "county_required"

    def __init__(self, what: str):
        super().__init__(f"county is required: {what} belongs to a county", field="county")


class DuplicateMember(InvalidInput):
    rule = "duplicate_member"

    def __init__(self, field: str, name: str, unit: str):
        super().__init__(f"{field}: {name} of {unit} is named twice in the working group",
                         field=field)


# -- who may act ----------------------------------------------------------------------------------

class NotOwnCounty(UnitNotOwner):
    rule = "not_own_county"
    template = ("a unit officer of {unit} may not {doing}: the enterprise is {owner}'s; only "
                "that county's officers or the office may")
    at = "county"


# -- what is (not) there --------------------------------------------------------------------------

class EnterpriseNotFound(NoSuch):
    rule = "enterprise_not_found"
    template, at = "no enterprise {id} is registered", "uscc"


class EnterpriseAlreadyRegistered(Taken):
    rule = "enterprise_already_registered"
    template, at = "enterprise {id} is already registered; change its profile instead", "uscc"


class ParkNotFound(NoSuch):
    rule = "park_not_found"
    template = "no park {id} is registered"


class ParkAlreadyRegistered(Taken):
    rule = "park_already_registered"
    template = "park {id} is already registered"


class UnitNotFound(NoSuch):
    rule = "unit_not_found"
    template, at = "no unit {id} is registered", "code"


class UnitAlreadyRegistered(Taken):
    rule = "unit_already_registered"
    template, at = "unit {id} is already registered", "code"


class LeaderNotFound(NoSuch):
    rule = "leader_not_found"
    template = "no leader {id} is registered"


class LeaderAlreadyRegistered(Taken):
    rule = "leader_already_registered"
    template = "leader {id} is already registered"


class IdInUse(DomainError):
    rule = "id_in_use"

    def __init__(self, field: str, value: str, kind: str):
        super().__init__(f"{field} {value!r} already names a registered {kind}; choose another",
                         field=field)


# -- who reads ------------------------------------------------------------------------------------

TIER_READERS = ("the office, the supervision group, the enterprise's county's officers and the "
                "helping-enterprises group (入企帮扶专项小组)")


class TierNotShown(Forbidden):
    """Tiers are the counties' ratings for drawing the leaders' lists (notice 三(一)1), not a
    register entry anyone may sort the city's enterprises by."""

    rule = "tier_not_shown"

    def __init__(self, role: str, unit: str | None = None):
        own = (f"; a county's officer filters by tier only within its own county "
               f"(county={unit})" if unit else "")
        super().__init__(f"a {role} may not filter the enterprises by tier: tiers are shown to "
                         f"{TIER_READERS}{own}", field="tier")


class RatingsNotShown(Forbidden):
    rule = "ratings_not_shown"

    def __init__(self, uscc: str):
        super().__init__(f"the ratings of enterprise {uscc} are shown to {TIER_READERS}",
                         field="uscc")


class LeadingGroupNotShown(Forbidden):
    rule = "leading_group_not_shown"

    def __init__(self, unit: str | None):
        super().__init__(f"the leading group's working groups are shown to the office, the "
                         f"supervision group, the leaders and the officers of their member units; "
                         f"{unit} is not a member", field="unit")
