"""What the registry records: enterprises (stream "enterprise", by credit code), parks, units,
leaders and the leading group's working groups. The policy service (its enterprise register),
the tickets service (leaders' linkage) and supervision (units, parks) read these facts.
Plain declarations: consumers in other services import this module."""
from __future__ import annotations

from kernel.events import Catalogue, Payload, declare


class EnterpriseRegistered(Payload):
    """An enterprise entered the register with its whole profile: county, park (None for
    none), industry, size and whether it is above designated size (规模以上)."""

    uscc: str
    name: str
    county: str
    park: str | None
    industry: str
    size: str
    above_designated_size: bool


class EnterpriseProfileChanged(Payload):
    """Some fields of an enterprise's profile changed; the payload holds only those that
    differ (a park given as None: it left its park)."""

    name: str | None = None
    county: str | None = None
    park: str | None = None
    industry: str | None = None
    size: str | None = None
    above_designated_size: bool | None = None

    def changes(self) -> dict:
        """The fields the fact carries, and only those."""
        return self.model_dump(exclude_unset=True)


class EnterpriseTierRated(Payload):
    """The enterprise's operating tier was rated (较好/一般/困难) by its county's unit (its
    code) or the office; a later rating replaces it."""

    tier: str
    rated_by: str


class ParkRegistered(Payload):
    """An industrial park (工业园区) entered the register, in one county or zone."""

    id: str
    name: str
    county: str


class ParkChanged(Payload):
    """A park's name or county changed; the payload holds only what differs."""

    name: str | None = None
    county: str | None = None

    def changes(self) -> dict:
        return self.model_dump(exclude_unset=True)


class UnitRegistered(Payload):
    """A responsible unit (责任单位) entered the register: a city department (no county), or a
    county or zone (its own code as county)."""

    code: str
    name: str
    kind: str
    county: str | None


class UnitChanged(Payload):
    """A unit was renamed (its code and kind stay)."""

    name: str


class LeaderRegistered(Payload):
    """A leader who links enterprises entered the register: a top city leader, another city
    leader, or a county's leader (who has a county)."""

    id: str
    name: str
    rank: str
    title: str
    county: str | None


class LeaderChanged(Payload):
    """A leader's name, rank, title or county changed; the payload holds only what differs."""

    name: str | None = None
    rank: str | None = None
    title: str | None = None
    county: str | None = None

    def changes(self) -> dict:
        return self.model_dump(exclude_unset=True)


class WorkingGroupMembersSet(Payload):
    """A working group of the leading group (政策宣讲, 入企帮扶, 破解难题, 督查考核) has these
    members, as a whole: each {name, unit, role}."""

    group: str
    members: list[dict]


EVENTS = Catalogue(
    "liaison",
    declare(EnterpriseRegistered, clause="二(三)1"),
    declare(EnterpriseProfileChanged, clause="二(三)1"),
    # notice 二(三)1: the counties sort their enterprises into 较好、一般、困难
    declare(EnterpriseTierRated, clause="二(三)1"),
    declare(ParkRegistered, clause="二(三)1"),
    declare(ParkChanged, clause="二(三)1"),
    declare(UnitRegistered, clause="二(四)2"),
    declare(UnitChanged, clause="二(四)2"),
    declare(LeaderRegistered, clause="二(三)1"),
    declare(LeaderChanged, clause="二(三)1"),
    declare(WorkingGroupMembersSet, clause="三(一)"),
)
