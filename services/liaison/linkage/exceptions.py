"""Every rule of the leaders' linkage (挂点联系) that a command can break, one exception each.

Each carries a stable `rule` code and a message a clerk can act on, naming the leader, the
enterprise or the park at fault; the shapes many rules share (a role not allowed, a thing not
found) are the kernel's (`kernel.errors`). The linkage rules themselves (notice 三(一)1) are in
`services.liaison.linkage.rules`. Plain Python, no I/O.
"""
from __future__ import annotations

from kernel.errors import DomainError, Forbidden, InvalidInput, NoSuch
from kernel.errors import RoleNotAllowed as RoleNotAllowed  # the linkage's words too
# The register's refusals of a thing it does not hold: the linkage names them by the field at fault.
from services.liaison.registry.exceptions import EnterpriseNotFound as EnterpriseNotFound
from services.liaison.registry.exceptions import LeaderNotFound as LeaderNotFound
from services.liaison.registry.exceptions import ParkNotFound as ParkNotFound
from services.liaison.registry.exceptions import UnitNotFound as UnitNotFound


class LinkageRuleBroken(DomainError):
    """A linkage that breaks one of the notice's rules (三(一)1); `rule` names which."""

    rule = "linkage_rule"

    def __init__(self, message: str, *, field: str | None = "enterprises"):
        super().__init__(message, field=field)


class TopLeaderOnePark(LinkageRuleBroken):
    """notice 三(一)1: 市党政领导、市人大常委会和市政协主要领导，每人挂点联系1个园区."""

    rule = "top_leader_one_park"


class TopLeaderEnterprisesInPark(LinkageRuleBroken):
    """notice 三(一)1: 并在园区至少挂点联系15户规模以上企业 — in that park."""

    rule = "top_leader_enterprises_in_park"


class AtLeastFifteen(LinkageRuleBroken):
    """notice 三(一)1: 每人至少挂点联系15户规模以上企业."""

    rule = "at_least_fifteen_enterprises"


class AboveSizeOnly(LinkageRuleBroken):
    """notice 三(一)1: a city leader's enterprises are 规模以上企业."""

    rule = "above_designated_size_only"


class TierUnrated(LinkageRuleBroken):
    """notice 三(一)1: the counties rate their enterprises 较好/一般/困难 first; the list is drawn
    from the rated ones."""

    rule = "tier_unrated"


class TierMix(LinkageRuleBroken):
    """notice 三(一)1: 好的企业10家、一般的企业3家、困难的企业2家."""

    rule = "tier_mix"


class TwoCityLeaders(LinkageRuleBroken):
    """notice 三(一)1 (each city leader's own list): no enterprise has two city leaders."""

    rule = "one_city_leader_per_enterprise"


class CountyLeaderOwnCounty(LinkageRuleBroken):
    """notice 三(一)1: 县(市、区)及经济技术开发区领导分别联系本辖区企业."""

    rule = "county_leader_own_county"


class DuplicateEnterprise(InvalidInput):
    rule = "duplicate_enterprise"

    def __init__(self, uscc: str):
        super().__init__(f"enterprise {uscc} is listed twice", field="enterprises")


class ParkOnlyForTopLeader(InvalidInput):
    rule = "park_only_for_top_leader"

    def __init__(self, leader: str):
        super().__init__(f"leader {leader} is not a top city leader: only the top city leaders "
                         "link a park (notice 三(一)1); leave park out", field="park")


class PlanNotFound(NoSuch):
    rule = "plan_not_found"
    template = "no linkage plan {id}"


class PlanAlreadyAccepted(DomainError):
    rule = "plan_already_accepted"

    def __init__(self, plan_id: str):
        super().__init__(f"plan {plan_id} is already accepted", field="id")


class PlanSuperseded(DomainError):
    rule = "plan_superseded"

    def __init__(self, plan_id: str, later: str):
        super().__init__(f"plan {plan_id} was proposed before plan {later} was accepted; propose "
                         "again from the registry as it is now", field="id")


class PlanInfeasible(DomainError):
    """No plan meets the notice's rules on this registry; the message says which rule and why."""

    rule = "plan_infeasible"

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("no linkage plan meets the notice's rules (三(一)1): "
                         + "; ".join(reasons))


class NoCityLeaders(DomainError):
    rule = "no_city_leaders"

    def __init__(self):
        super().__init__("no city leader is registered: there is nobody to plan linkages for")


class NotCityDepartment(InvalidInput):
    rule = "not_city_department"

    def __init__(self, unit: str, kind: str | None):
        super().__init__(f"unit {unit} is a {kind}, not a city department (市直部门): only city "
                         "departments are linked to a park (notice 三(一)2)", field="unit")


class NotCityLeader(InvalidInput):
    rule = "not_city_leader"

    def __init__(self, leader: str, rank: str | None):
        super().__init__(f"leader {leader} is a {rank} leader: liaison officers are appointed "
                         "for the city leaders' enterprises (notice 三(一)2)", field="leader_id")


class NotCityOrCountyOffice(InvalidInput):
    rule = "not_city_or_county_office"

    def __init__(self, unit: str, kind: str | None):
        super().__init__(f"unit {unit} ({kind}) is neither a city department nor a county/zone: "
                         "liaison officers come from the city and county offices (市、县两级机关)",
                         field="unit")


class LiaisonAlreadyAppointed(DomainError):
    rule = "liaison_already_appointed"

    def __init__(self, cadre: str, leader: str):
        super().__init__(f"cadre {cadre} is already the liaison officer of leader {leader}; a "
                         "cadre serves one leader", field="cadre_id")


class NotEnterpriseHelpMember(Forbidden):
    rule = "not_enterprise_help_member"

    def __init__(self, unit: str | None):
        super().__init__(f"unit {unit} is not a member of the enterprise help working group "
                         "(入企帮扶专项小组), which draws up the leaders' lists (notice 三(一)1)")


class MayNotReadLinkage(Forbidden):
    rule = "may_not_read_linkage"

    def __init__(self, role: str, leader: str):
        super().__init__(f"a {role} may not read leader {leader}'s linkage: a leader reads his "
                         "own, a liaison officer his leader's, the office and supervisors all")


class LinkageNotFound(NoSuch):
    rule = "linkage_not_found"
    template, at = "leader {id} has no linkage yet", "leader_id"


class DepartmentParkNotFound(NoSuch):
    rule = "department_park_not_found"
    template, at = "unit {id} is not linked to a park yet", "unit"
