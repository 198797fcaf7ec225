"""The registry's RPC entrypoints (a mixin of LiaisonService): thin, each command loads, decides
(the aggregate checks the rules and names the field at fault) and appends; the read models
(`views`) follow in the same transaction. Reads answer from the read models, narrowed to what
the caller may read and with what it may not see left out (`access`: an enterprise its own
entry, a leader and his liaison officers his list's, tiers only to those who rate or use them).

What an aggregate needs to know of others (the registered parks, the units) is read here and
handed in; an id already naming another kind of thing in this service's log is refused
(`IdInUse`), since a stream id is unique across the log.
"""
from __future__ import annotations

from kernel import checks
from kernel.actor import Actor
from kernel.envelope import utc_now
from kernel.errors import InvalidFilterValue
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from kernel.wire import body_fields, filter_values, saved
from services.liaison.linkage import views as linkage_views
from services.liaison.registry import access, contract, views
from services.liaison.registry.domain import (
    LEADING_GROUP_ID,
    PROFILE_FIELDS,
    Enterprise,
    Leader,
    LeadingGroup,
    Park,
    Unit,
    county_code,
    identifier,
)
from services.liaison.registry.exceptions import (
    EnterpriseNotFound,
    IdInUse,
    LeaderNotFound,
    LeadingGroupNotShown,
    ParkNotFound,
    RoleNotAllowed,
    UnitNotFound,
)
from services.liaison.registry.vocabulary import LeaderRank, OperatingTier, UnitKind, WorkingGroup

READERS_REFUSED = ("public",)


def reader(actor: dict, doing: str = "read the registry") -> Actor:
    """The caller, if it may read the register: anyone authenticated."""
    who = Actor.from_dict(actor)
    if who.role in READERS_REFUSED:
        raise RoleNotAllowed(who.role, doing, ("an authenticated caller",))
    return who


# The working group that draws the leaders' lists from the tiers (入企帮扶专项小组).
HELPING_GROUP = "enterprise_help"
COUNTY_KINDS = (UnitKind.COUNTY.value, UnitKind.ZONE.value)


def register_reader(connection, who: Actor) -> access.Reader:
    """The caller with what decides what it reads of the register: a unit officer's county (its
    unit registered as a county or zone) and membership of the helping-enterprises group, a
    leader's or liaison officer's list."""
    if who.role == "unit_officer" and who.unit:
        unit = views.unit(connection, who.unit)
        county = unit["county"] if unit is not None and unit["kind"] in COUNTY_KINDS else None
        return access.Reader(who, county=county, helping=who.unit in views.working_group_units(
            connection, HELPING_GROUP))
    if who.role in ("leader", "liaison"):
        return access.Reader(who, reach=linkage_views.reach_of(connection, who))
    return access.Reader(who)


def _free(uow: UnitOfWork, stream_id: str, stream_type: str, field: str) -> None:
    """Refuse an id that already names a stream of another kind (a unit coded as a park, say)."""
    stream = uow.read_stream(stream_id)
    if stream and stream[0].stream_type != stream_type:
        raise IdInUse(field, stream_id, stream[0].stream_type)


def _parks(uow: UnitOfWork, *ids) -> dict[str, str]:
    """The registered parks among `ids`, id → county."""
    found = {}
    for park_id in ids:
        if isinstance(park_id, str) and park_id.strip():
            row = views.park(uow.connection, park_id.strip())
            if row is not None:
                found[row["id"]] = row["county"]
    return found


def _uscc(value) -> str:
    return checks.credit_code(value)


def _flag(name: str, value) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InvalidFilterValue(name, value, "true or false")


def _coded(given: dict, name: str, check) -> dict:
    """The filters with `name`'s value checked (refused naming it if it is not a code)."""
    if name in given:
        given[name] = str(check(given[name]))
    return given


def _load(uow: UnitOfWork, cls, stream_id: str, not_found):
    found = uow.load(cls, stream_id)
    if not found.exists:
        raise not_found(stream_id)
    return found


class RegistryRpc:
    """Enterprises, parks, units, leaders and the leading group (mixed into LiaisonService,
    which gives `self.store`)."""

    # -- enterprises ---------------------------------------------------------------------------

    @rpc
    def register_enterprise(self, actor: dict, fields: dict) -> dict:
        """Register an enterprise {uscc, name, county, park?, industry, size,
        above_designated_size}: the office, or the county's unit officer."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            given = body_fields(fields, contract.EnterpriseRegistration,
                                "an enterprise's registration")
            uscc = _uscc(given.pop("uscc", None))
            _free(uow, uscc, Enterprise.stream_type, "uscc")
            enterprise = uow.load(Enterprise, uscc)
            arguments = {name: given.get(name) for name in PROFILE_FIELDS}
            enterprise.register(**arguments, parks=_parks(uow, given.get("park")),
                                at=utc_now(), actor=who)
            uow.save(enterprise)
            return register_reader(uow.connection, who).disclose(enterprise.snapshot())

        return self.store.execute("register_enterprise", decide)

    @rpc
    def change_enterprise(self, actor: dict, uscc: str, changes: dict) -> dict:
        """Change some of an enterprise's profile; the event carries only what differs."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            given = body_fields(changes, set(PROFILE_FIELDS), "an enterprise's profile")
            enterprise = uow.load(Enterprise, _uscc(uscc))
            enterprise.change_profile(given, parks=_parks(uow, given.get("park"),
                                                          enterprise.park),
                                      at=utc_now(), actor=who)
            uow.save(enterprise)
            return register_reader(uow.connection, who).disclose(enterprise.snapshot())

        return self.store.execute("change_enterprise", decide)

    @rpc
    def rate_enterprise(self, actor: dict, uscc: str, tier: str) -> dict:
        """Rate an enterprise's operating tier (good, average, difficult): its county's unit
        officer, or the office."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            enterprise = uow.load(Enterprise, _uscc(uscc))
            enterprise.rate(tier, at=utc_now(), actor=who)
            uow.save(enterprise)
            return register_reader(uow.connection, who).disclose(enterprise.snapshot())

        return self.store.execute("rate_enterprise", decide)

    @rpc
    def get_enterprise(self, actor: dict, uscc: str) -> dict:
        """The enterprise: its profile, who registered it, and (for those shown tiers) its tier
        and every rating."""
        return self._enterprise_state(actor, uscc, "get_enterprise",
                                      lambda who, found: who.disclose(found))

    @rpc
    def enterprise_ratings(self, actor: dict, uscc: str) -> dict:
        """The enterprise's ratings, oldest first: each {tier, rated_by, rated_at}, and who
        rated it (actor) for the office."""
        def ratings(who: access.Reader, found: dict) -> dict:
            who.check_ratings(found)
            shown = who.disclose(found)
            return {"uscc": shown["uscc"], "tier": shown["tier"], "ratings": shown["ratings"]}

        return self._enterprise_state(actor, uscc, "enterprise_ratings", ratings)

    def _enterprise_state(self, actor: dict, uscc: str, name: str, answer) -> dict:
        def read(uow: UnitOfWork) -> dict:
            code = _uscc(uscc)
            who = register_reader(uow.connection, reader(actor))
            found = views.enterprise_state(uow.connection, code)
            # another's entry is not found: that it is registered is not the caller's to know
            if found is None or not who.may_read(found):
                raise EnterpriseNotFound(code)
            return answer(who, found)

        return self._read(name, actor, read)

    def _read(self, name: str, actor: dict, answer):
        """A query, for a caller who may read the register (refusals become `Refused`)."""
        def read(uow: UnitOfWork):
            reader(actor)
            return answer(uow)

        return self.store.query(name, read)

    @rpc
    def list_enterprises(self, actor: dict, filters: dict | None = None) -> dict:
        """The enterprises the caller may read, by uscc, narrowed by county, park, tier (or
        "unrated", for those shown tiers) and above_designated_size."""
        def read(uow: UnitOfWork) -> dict:
            who = register_reader(uow.connection, Actor.from_dict(actor))
            given = filter_values(filters, contract.ENTERPRISE_FILTERS)
            if "tier" in given and given["tier"] != contract.UNRATED:
                checks.code("tier", given["tier"], OperatingTier)
            if "county" in given:
                given["county"] = county_code(given["county"])
            if "tier" in given:
                who.check_tier_filter(given.get("county"))
            if "above_designated_size" in given:
                given["above_designated_size"] = _flag("above_designated_size",
                                                       given["above_designated_size"])
            return {"items": [who.disclose(row) for row in views.enterprises(
                uow.connection, **given) if who.may_read(row)]}

        return self._read("list_enterprises", actor, read)

    # -- parks, units and leaders: registered and changed alike, by the office ----------------

    def _register(self, name: str, actor: dict, fields: dict, cls, model, what: str, key: str,
                  arguments: tuple[str, ...]) -> dict:
        """Register a park, unit or leader under the id its `key` field gives, refused if that
        id already names a stream of another kind."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            given = body_fields(fields, model, what)
            stream_id = identifier(key, given.get(key))
            _free(uow, stream_id, cls.stream_type, key)
            found = uow.load(cls, stream_id)
            found.register(**{argument: given.get(argument) for argument in arguments},
                           at=utc_now(), actor=who)
            return saved(uow, found)

        return self.store.execute(name, decide)

    def _change(self, name: str, actor: dict, cls, stream_id: str, not_found, changes: dict,
                allowed: set[str], what: str) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            given = body_fields(changes, allowed, what)
            found = _load(uow, cls, stream_id, not_found)
            found.change(given, at=utc_now(), actor=who)
            return saved(uow, found)

        return self.store.execute(name, decide)

    def _get(self, name: str, actor: dict, cls, stream_id: str, not_found) -> dict:
        return self._read(name, actor, lambda uow: _load(
            uow, cls, stream_id, not_found).snapshot())

    def _listed(self, name: str, actor: dict, view, filters: dict | None, field: str,
                check) -> dict:
        """The read model's rows, narrowed by the one filter `field` (its value checked)."""
        return self._read(name, actor, lambda uow: {"items": view(
            uow.connection, **_coded(filter_values(filters, (field,)), field, check))})

    # -- parks ---------------------------------------------------------------------------------

    @rpc
    def register_park(self, actor: dict, fields: dict) -> dict:
        """Register a park {id, name, county}: the office."""
        return self._register("register_park", actor, fields, Park, contract.ParkRegistration,
                              "a park's registration", "id", ("name", "county"))

    @rpc
    def change_park(self, actor: dict, park_id: str, changes: dict) -> dict:
        return self._change("change_park", actor, Park, park_id, ParkNotFound, changes,
                            {"name", "county"}, "a park")

    @rpc
    def get_park(self, actor: dict, park_id: str) -> dict:
        return self._get("get_park", actor, Park, park_id, ParkNotFound)

    @rpc
    def list_parks(self, actor: dict, filters: dict | None = None) -> dict:
        return self._listed("list_parks", actor, views.parks, filters, "county", county_code)

    # -- units ---------------------------------------------------------------------------------

    @rpc
    def register_unit(self, actor: dict, fields: dict) -> dict:
        """Register a unit {code, name, kind, county?}: the office."""
        return self._register("register_unit", actor, fields, Unit, contract.UnitRegistration,
                              "a unit's registration", "code", ("name", "kind", "county"))

    @rpc
    def change_unit(self, actor: dict, code: str, changes: dict) -> dict:
        return self._change("change_unit", actor, Unit, code, UnitNotFound, changes, {"name"},
                            "a unit")

    @rpc
    def get_unit(self, actor: dict, code: str) -> dict:
        return self._get("get_unit", actor, Unit, code, UnitNotFound)

    @rpc
    def list_units(self, actor: dict, filters: dict | None = None) -> dict:
        return self._listed("list_units", actor, views.units, filters, "kind",
                            lambda value: checks.code("kind", value, UnitKind))

    # -- leaders -------------------------------------------------------------------------------

    @rpc
    def register_leader(self, actor: dict, fields: dict) -> dict:
        """Register a leader {id, name, rank, title, county?}: the office."""
        return self._register("register_leader", actor, fields, Leader,
                              contract.LeaderRegistration, "a leader's registration", "id",
                              ("name", "rank", "title", "county"))

    @rpc
    def change_leader(self, actor: dict, leader_id: str, changes: dict) -> dict:
        return self._change("change_leader", actor, Leader, leader_id, LeaderNotFound, changes,
                            {"name", "rank", "title", "county"}, "a leader")

    @rpc
    def get_leader(self, actor: dict, leader_id: str) -> dict:
        return self._get("get_leader", actor, Leader, leader_id, LeaderNotFound)

    @rpc
    def list_leaders(self, actor: dict, filters: dict | None = None) -> dict:
        return self._listed("list_leaders", actor, views.leaders, filters, "rank",
                            lambda value: checks.code("rank", value, LeaderRank))

    # -- the leading group ---------------------------------------------------------------------

    @rpc
    def get_leading_group(self, actor: dict) -> dict:
        """The leading group: for the office, the supervision group, the registered leaders and
        the officers of the units that are its office or members of its working groups."""
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            found = views.leading_group(uow.connection)
            if who.role == "leader" and views.leader(uow.connection, who.sub) is None:
                raise LeaderNotFound(who.sub)
            if who.role == "unit_officer" and who.unit != found["office"]["unit"] and not any(
                    who.unit in views.working_group_units(uow.connection, group.value)
                    for group in WorkingGroup):
                raise LeadingGroupNotShown(who.unit)
            return found

        return self._read("get_leading_group", actor, read)

    @rpc
    def set_working_group(self, actor: dict, group: str, members: list) -> dict:
        """Set a working group's members as a whole [{name, unit, role}]: the office."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            leading_group = uow.load(LeadingGroup, LEADING_GROUP_ID)
            units = [row["code"] for row in views.units(uow.connection)]
            leading_group.set_members(group, members, units=units, at=utc_now(), actor=who)
            return saved(uow, leading_group)

        return self.store.execute("set_working_group", decide)
