"""The registry's aggregates: the enterprises (their profiles and operating tiers), the parks,
the units, the leaders and the leading group with its four working groups.

Each command checks who acts (`rules`), then its own fields, each refusal naming the field at
fault, then records a fact; state changes only when a fact is applied. Plain Python, no I/O: what
a command needs to know of other aggregates (the registered parks and units) the caller hands in.

Streams (stream_type, stream_id): enterprise (uscc), park (id), unit (code), leader (id),
leading_group ("leading-group"). The enterprise's events are read by the policy service
(services/policy/enterprises.py): EnterpriseRegistered {uscc, name, county, park, industry, size,
above_designated_size}, EnterpriseProfileChanged {only the changed fields},
EnterpriseTierRated {tier, rated_by}.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.campaign import COUNTIES
from kernel.envelope import format_time
from kernel.errors import FieldRequired, InvalidCreditCode
from services.liaison.registry.events import EVENTS
from services.liaison.registry import rules
from services.liaison.registry.exceptions import (
    CountyNotExpected,
    CountyRequired,
    DepartmentCodeIsACounty,
    DuplicateMember,
    InvalidId,
    LeaderAlreadyRegistered,
    LeaderNotFound,
    NotAFlag,
    NotAList,
    NotAnObject,
    NothingChanged,
    NotOwnCounty,
    ParkAlreadyRegistered,
    ParkNotFound,
    ParkNotInCounty,
    UnitAlreadyRegistered,
    UnitCodeNotACounty,
    UnitCountyMismatch,
    UnitNotFound,
    UnknownCounty,
    UnknownPark,
    UnknownUnit,
)
from services.liaison.registry.vocabulary import (
    COUNTY_CODES,
    OFFICE_RATER,
    OFFICE_UNIT,
    OFFICE_UNIT_NAME,
    ZONES,
    EnterpriseSize,
    LeaderRank,
    MemberRole,
    OperatingTier,
    Status,
    UnitKind,
    WorkingGroup,
)

LEADING_GROUP_ID = "leading-group"
INDUSTRY_LIMIT = 100
TITLE_LIMIT = 200
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


# -- the shared checks ---------------------------------------------------------------------------

def identifier(field: str, value) -> str:
    """An id or code: letters, digits, '_', '-', '.', at most 100 (it is a stream id and a path)."""
    if not isinstance(value, str) or not value.strip():
        raise FieldRequired(field)
    value = value.strip()
    if not _ID.fullmatch(value):
        raise InvalidId(field, value)
    return value


def county_code(value, field: str = "county") -> str:
    """A county's or zone's code, one of kernel.campaign.COUNTIES."""
    if not isinstance(value, str) or not value.strip():
        raise FieldRequired(field)
    if value.strip() not in COUNTIES:
        raise UnknownCounty(value, field)
    return value.strip()


def flag(field: str, value) -> bool:
    if not isinstance(value, bool):
        raise NotAFlag(field, value)
    return value


def _time(at: dt.datetime) -> str:
    return format_time(at)


class _Registered(Aggregate):
    """What every registered thing shares: its status and when it was registered, by whom."""

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.registered_at: str | None = None
        self.registered_by: str | None = None
        self.updated_at: str | None = None

    @property
    def status(self) -> str | None:
        return Status.REGISTERED.value if self.exists else None

    def _registered(self, fact: Fact) -> None:
        self.registered_at = self.updated_at = _time(fact.occurred_at)
        self.registered_by = fact.actor

    def _changed(self, fact: Fact) -> None:
        self.updated_at = _time(fact.occurred_at)

    def _stamps(self) -> dict:
        return {"registered_at": self.registered_at, "registered_by": self.registered_by,
                "updated_at": self.updated_at, "version": self.version}


# -- enterprises -------------------------------------------------------------------------------------

PROFILE_FIELDS = ("name", "county", "park", "industry", "size", "above_designated_size")


class Enterprise(_Registered):
    """An enterprise (stream id: its unified social credit code, compacted), its profile and its
    operating tier, every rating kept: who rated it (the county's unit code, or office; the
    envelope's actor is the person) and when."""

    events = EVENTS

    stream_type = "enterprise"

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.name: str | None = None
        self.county: str | None = None
        self.park: str | None = None
        self.industry: str | None = None
        self.size: str | None = None
        self.above_designated_size: bool | None = None
        self.ratings: list[dict] = []

    @property
    def tier(self) -> str | None:
        return self.ratings[-1]["tier"] if self.ratings else None

    # -- the fields ---------------------------------------------------------------------------

    @staticmethod
    def _park(value, home: str, parks: Mapping[str, str] | None) -> str | None:
        """The park (None for none), registered and lying in the enterprise's county."""
        parks = parks or {}
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            raise UnknownPark(value)
        value = value.strip()
        if value not in parks:
            raise UnknownPark(value)
        if parks[value] != home:
            raise ParkNotInCounty(value, parks[value], home)
        return value

    @staticmethod
    def _field(field: str, value):
        if field == "name":
            return checks.text("name", value, checks.NAME_LIMIT)
        if field == "industry":
            return checks.text("industry", value, INDUSTRY_LIMIT)
        if field == "size":
            return checks.code("size", value, EnterpriseSize).value
        if field == "above_designated_size":
            return flag("above_designated_size", value)
        raise KeyError(field)

    # -- commands ------------------------------------------------------------------------------

    def register(self, *, name, county: str, industry, size, above_designated_size,
                 park=None, parks: Mapping[str, str] | None = None, at: dt.datetime,
                 actor: Actor) -> Fact:
        """Register the enterprise. `parks`: the registered parks (id → county) the caller
        knows, at least the one named."""
        at = checks.moment(at)
        if checks.credit_code(self.id) != self.id:
            raise InvalidCreditCode(self.id)
        home = county_code(county)
        rules.check_registrar(actor, home, self)
        payload = {
            "uscc": self.id,
            "name": self._field("name", name),
            "county": home,
            "park": self._park(park, home, parks),
            "industry": self._field("industry", industry),
            "size": self._field("size", size),
            "above_designated_size": self._field("above_designated_size",
                                                 above_designated_size),
        }
        return self._record_fact("EnterpriseRegistered", payload, at, actor)

    def change_profile(self, changes: Mapping, *, parks: Mapping[str, str] | None = None,
                       at: dt.datetime, actor: Actor) -> Fact:
        """Change some of the profile's fields; the event carries only those that differ."""
        at = self._begin("change_profile", at, actor)
        checks.only_fields(changes, PROFILE_FIELDS, "an enterprise's profile")
        new: dict = {}
        if "county" in changes:
            new["county"] = county_code(changes["county"])
            if actor.role == "unit_officer" and new["county"] != actor.unit:
                raise NotOwnCounty(actor.unit, new["county"],
                                   "move the enterprise to another county")
        home = new.get("county", self.county)
        for field in ("name", "industry", "size", "above_designated_size"):
            if field in changes:
                new[field] = self._field(field, changes[field])
        if "park" in changes:
            new["park"] = self._park(changes["park"], home, parks)
        elif self.park is not None and home != self.county:
            # moved to another county: its park must still lie in it
            self._park(self.park, home, parks)
        changed = {field: value for field, value in new.items()
                   if getattr(self, field) != value}
        if not changed:
            raise NothingChanged(what="change to the enterprise's profile")
        return self._record_fact("EnterpriseProfileChanged", changed, at, actor)

    def rate(self, tier, *, at: dt.datetime, actor: Actor) -> Fact:
        """Rate the operating tier (较好/一般/困难): rated_by is the rating county's unit code,
        or office. A later rating replaces it; every rating stays in the history."""
        at = self._begin("rate_tier", at, actor)
        tier = checks.code("tier", tier, OperatingTier).value
        rated_by = actor.unit if actor.role == "unit_officer" else OFFICE_RATER
        return self._record_fact("EnterpriseTierRated", {"tier": tier, "rated_by": rated_by},
                                 at, actor)

    def _check(self, command: str, actor: Actor) -> None:
        rules.check(command, self, actor)

    # -- facts ---------------------------------------------------------------------------------

    def when_EnterpriseRegistered(self, fact: Fact) -> None:
        for field in PROFILE_FIELDS:
            setattr(self, field, fact.payload.get(field))
        self._registered(fact)

    def when_EnterpriseProfileChanged(self, fact: Fact) -> None:
        for field in PROFILE_FIELDS:
            if field in fact.payload:
                setattr(self, field, fact.payload[field])
        self._changed(fact)

    def when_EnterpriseTierRated(self, fact: Fact) -> None:
        self.ratings.append({"tier": fact.payload["tier"], "rated_by": fact.payload["rated_by"],
                             "rated_at": _time(fact.occurred_at), "actor": fact.actor})
        self._changed(fact)

    def snapshot(self) -> dict:
        last = self.ratings[-1] if self.ratings else {}
        return {"uscc": self.id, **{field: getattr(self, field) for field in PROFILE_FIELDS},
                "tier": self.tier, "rated_at": last.get("rated_at"),
                "rated_by": last.get("rated_by"), "ratings": list(self.ratings),
                **self._stamps()}


# -- parks -------------------------------------------------------------------------------------------

class Park(_Registered):
    """An industrial park (工业园区), in one county or zone."""

    events = EVENTS

    stream_type = "park"

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.name: str | None = None
        self.county: str | None = None

    def register(self, *, name, county: str, at: dt.datetime, actor: Actor) -> Fact:
        at = checks.moment(at)
        rules.check_office("register_park", actor)
        if self.exists:
            raise ParkAlreadyRegistered(self.id)
        payload = {"id": identifier("id", self.id), "name": checks.text("name", name,
                                                                          checks.NAME_LIMIT),
                   "county": county_code(county)}
        return self._record_fact("ParkRegistered", payload, at, actor)

    def change(self, changes: Mapping, *, at: dt.datetime, actor: Actor) -> Fact:
        at = checks.moment(at)
        if not self.exists:
            raise ParkNotFound(self.id)
        rules.check_office("change_park", actor)
        checks.only_fields(changes, ("name", "county"), "a park")
        new = {}
        if "name" in changes:
            new["name"] = checks.text("name", changes["name"], checks.NAME_LIMIT)
        if "county" in changes:
            new["county"] = county_code(changes["county"])
        changed = {field: value for field, value in new.items() if getattr(self, field) != value}
        if not changed:
            raise NothingChanged(what="change to the park")
        return self._record_fact("ParkChanged", changed, at, actor)

    def when_ParkRegistered(self, fact: Fact) -> None:
        self.name, self.county = fact.payload["name"], fact.payload["county"]
        self._registered(fact)

    def when_ParkChanged(self, fact: Fact) -> None:
        for field in ("name", "county"):
            if field in fact.payload:
                setattr(self, field, fact.payload[field])
        self._changed(fact)

    def snapshot(self) -> dict:
        return {"id": self.id, "name": self.name, "county": self.county, **self._stamps()}


# -- units -------------------------------------------------------------------------------------------

class Unit(_Registered):
    """A unit (责任单位): a city department, or a county or zone (coded as in
    kernel.campaign.COUNTIES, its county itself)."""

    events = EVENTS

    stream_type = "unit"

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.name: str | None = None
        self.kind: str | None = None
        self.county: str | None = None

    def register(self, *, name, kind, county=None, at: dt.datetime, actor: Actor) -> Fact:
        at = checks.moment(at)
        rules.check_office("register_unit", actor)
        if self.exists:
            raise UnitAlreadyRegistered(self.id)
        code = identifier("code", self.id)
        name = checks.text("name", name, checks.NAME_LIMIT)
        kind = checks.code("kind", kind, UnitKind)
        if kind is UnitKind.CITY_DEPARTMENT:
            if code in COUNTIES:
                raise DepartmentCodeIsACounty(code)
            if county not in (None, ""):
                raise CountyNotExpected("a city department")
            county = None
        else:
            allowed = ZONES if kind is UnitKind.ZONE else COUNTY_CODES
            if code not in allowed:
                raise UnitCodeNotACounty(code, kind.value, allowed)
            if county not in (None, "", code):
                raise UnitCountyMismatch(code, county)
            county = code
        return self._record_fact("UnitRegistered", {"code": code, "name": name,
                                                    "kind": kind.value, "county": county},
                                 at, actor)

    def change(self, changes: Mapping, *, at: dt.datetime, actor: Actor) -> Fact:
        """A unit's name may change (a reorganised department); its code and kind do not."""
        at = checks.moment(at)
        if not self.exists:
            raise UnitNotFound(self.id)
        rules.check_office("change_unit", actor)
        checks.only_fields(changes, ("name",), "a unit's change (its code and kind stay)")
        name = checks.text("name", changes.get("name"), checks.NAME_LIMIT)
        if name == self.name:
            raise NothingChanged(what="change to the unit")
        return self._record_fact("UnitChanged", {"name": name}, at, actor)

    def when_UnitRegistered(self, fact: Fact) -> None:
        for field in ("name", "kind", "county"):
            setattr(self, field, fact.payload[field])
        self._registered(fact)

    def when_UnitChanged(self, fact: Fact) -> None:
        self.name = fact.payload["name"]
        self._changed(fact)

    def snapshot(self) -> dict:
        return {"code": self.id, "name": self.name, "kind": self.kind, "county": self.county,
                **self._stamps()}


# -- leaders -----------------------------------------------------------------------------------------

LEADER_FIELDS = ("name", "rank", "title", "county")


class Leader(_Registered):
    """A leader who links enterprises (挂点联系): a top city leader (市委书记, 市长, 市人大常委会
    主任, 市政协主席), another city leader, or a county's (or zone's) leader, who has a county."""

    events = EVENTS

    stream_type = "leader"

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.name: str | None = None
        self.rank: str | None = None
        self.title: str | None = None
        self.county: str | None = None

    @staticmethod
    def _county(rank: str, value) -> str | None:
        if rank == LeaderRank.COUNTY.value:
            if value is None or (isinstance(value, str) and not value.strip()):
                raise CountyRequired("a county leader")
            return county_code(value)
        if value not in (None, ""):
            raise CountyNotExpected(f"a {LeaderRank(rank).label} ({rank})")
        return None

    def register(self, *, name, rank, title, county=None, at: dt.datetime,
                 actor: Actor) -> Fact:
        at = checks.moment(at)
        rules.check_office("register_leader", actor)
        if self.exists:
            raise LeaderAlreadyRegistered(self.id)
        rank = checks.code("rank", rank, LeaderRank).value
        payload = {"id": identifier("id", self.id),
                   "name": checks.text("name", name, checks.NAME_LIMIT), "rank": rank,
                   "title": checks.text("title", title, TITLE_LIMIT),
                   "county": self._county(rank, county)}
        return self._record_fact("LeaderRegistered", payload, at, actor)

    def change(self, changes: Mapping, *, at: dt.datetime, actor: Actor) -> Fact:
        at = checks.moment(at)
        if not self.exists:
            raise LeaderNotFound(self.id)
        rules.check_office("change_leader", actor)
        checks.only_fields(changes, LEADER_FIELDS, "a leader")
        new = {}
        if "name" in changes:
            new["name"] = checks.text("name", changes["name"], checks.NAME_LIMIT)
        if "title" in changes:
            new["title"] = checks.text("title", changes["title"], TITLE_LIMIT)
        rank = self.rank
        if "rank" in changes:
            rank = new["rank"] = checks.code("rank", changes["rank"], LeaderRank).value
        if "county" in changes or "rank" in changes:
            new["county"] = self._county(rank, changes.get("county", self.county))
        changed = {field: value for field, value in new.items() if getattr(self, field) != value}
        if not changed:
            raise NothingChanged(what="change to the leader")
        return self._record_fact("LeaderChanged", changed, at, actor)

    def when_LeaderRegistered(self, fact: Fact) -> None:
        for field in LEADER_FIELDS:
            setattr(self, field, fact.payload.get(field))
        self._registered(fact)

    def when_LeaderChanged(self, fact: Fact) -> None:
        for field in LEADER_FIELDS:
            if field in fact.payload:
                setattr(self, field, fact.payload[field])
        self._changed(fact)

    def snapshot(self) -> dict:
        return {"id": self.id, **{field: getattr(self, field) for field in LEADER_FIELDS},
                **self._stamps()}


# -- the leading group -------------------------------------------------------------------------------

MEMBER_FIELDS = ("name", "unit", "role")


class LeadingGroup(Aggregate):
    """The campaign's leading group (专项行动领导小组, 保障措施(一)): its office at the city's
    development and reform commission, and four working groups (政策宣讲, 入企帮扶, 破解难题,
    督查考核), each with its members {name, unit, role}. One stream, "leading-group"; it exists
    from the start (every group empty) and the office sets a group's members as a whole."""

    events = EVENTS

    stream_type = "leading_group"

    def __init__(self, stream_id: str = LEADING_GROUP_ID):
        super().__init__(stream_id)
        self.members: dict[str, list[dict]] = {group.value: [] for group in WorkingGroup}
        self.updated_at: str | None = None

    @staticmethod
    def _members(members, units: Collection[str]) -> list[dict]:
        if not isinstance(members, (list, tuple)):
            raise NotAList("members")
        found: list[dict] = []
        seen: set[tuple[str, str]] = set()
        for index, member in enumerate(members):
            field = f"members[{index}]"
            if not isinstance(member, Mapping):
                raise NotAnObject(field, MEMBER_FIELDS)
            checks.only_fields(member, MEMBER_FIELDS, "a working group member")
            name = checks.text(f"{field}.name", member.get("name"), checks.NAME_LIMIT)
            unit = checks.text(f"{field}.unit", member.get("unit"), checks.CODE_LIMIT)
            if unit not in units:
                raise UnknownUnit(f"{field}.unit", unit)
            role = checks.code(f"{field}.role", member.get("role") or MemberRole.MEMBER.value,
                               MemberRole).value
            if (name, unit) in seen:
                raise DuplicateMember(field, name, unit)
            seen.add((name, unit))
            found.append({"name": name, "unit": unit, "role": role})
        return found

    def set_members(self, group, members, *, units: Collection[str], at: dt.datetime,
                    actor: Actor) -> Fact:
        """Set a working group's members as a whole. `units`: the registered units' codes (a
        member's unit must be one; the office's own unit is always allowed)."""
        at = checks.moment(at)
        rules.check_office("set_members", actor)
        group = checks.code("group", group, WorkingGroup).value
        members = self._members(members, {*units, OFFICE_UNIT})
        if members == self.members[group]:
            raise NothingChanged(what=f"change to the {group} working group")
        return self._record_fact("WorkingGroupMembersSet", {"group": group, "members": members},
                                 at, actor)

    def when_WorkingGroupMembersSet(self, fact: Fact) -> None:
        self.members[fact.payload["group"]] = list(fact.payload["members"])
        self.updated_at = _time(fact.occurred_at)

    def snapshot(self) -> dict:
        return {
            "id": self.id,
            "office": {"unit": OFFICE_UNIT, "name": OFFICE_UNIT_NAME},
            "groups": {group.value: {"code": group.value, "name": group.label,
                                     "members": list(self.members[group.value])}
                       for group in WorkingGroup},
            "updated_at": self.updated_at, "version": self.version,
        }
