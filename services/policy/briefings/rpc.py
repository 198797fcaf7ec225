"""The briefings' RPC entrypoints (a mixin of PolicyService): schedule a policy briefing
(宣讲活动, notice 二(二)1), revise, record held or cancel it; reads narrowed to those it names
(`access`). The units a briefing's details name (present, reading on the agenda) and its
organiser are checked against the register of units (`kernel.units`), after the check of who
may act."""
from __future__ import annotations

import uuid

from kernel import units
from kernel.actor import Actor
from kernel.envelope import utc_now
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from kernel.wire import body_fields, on_aggregate, perform, saved
from services.policy.briefings import access, contract, rules, views
from services.policy.briefings.domain import Briefing


def check_briefing_units(connection, fields: dict) -> None:
    """The units a briefing's details name, each in the register: those present (`units`) and
    those reading their policies on the agenda (`agenda[i].unit`). What is not a code at all is
    left to the briefing's own checks."""
    units.check_units(connection, "units", fields.get("units"))
    agenda = fields.get("agenda")
    for index, item in enumerate(agenda if isinstance(agenda, (list, tuple)) else ()):
        if isinstance(item, dict):
            units.check_unit(connection, f"agenda[{index}].unit", item.get("unit"))


class BriefingsRpc:
    @rpc
    def schedule_briefing(self, actor: dict, fields: dict) -> dict:
        """A policy briefing (宣讲活动). notice 二(二)1"""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            given = body_fields(fields, set(contract.ScheduleBriefing.model_fields),
                                "scheduling a briefing")
            rules.check_scheduler(who, None, "")
            if who.role == "unit_officer":  # the organiser: the officer's own unit
                units.check_unit(uow.connection, "organiser", who.unit)
            check_briefing_units(uow.connection, given)
            return saved(uow, Briefing.schedule(str(uuid.uuid4()), at=utc_now(), actor=who,
                                                **given))

        return self.store.execute("schedule_briefing", decide)

    @rpc
    def act_on_briefing(self, actor: dict, briefing_id: str, action: str, fields: dict) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork, method: str, arguments: dict) -> dict:
            briefing = uow.load(Briefing, briefing_id)
            if method == "revise":
                rules.check(method, briefing, who)
                check_briefing_units(uow.connection, arguments)
            return perform(uow, briefing, method, arguments, who)

        return self.store.execute(*on_aggregate(contract.BRIEFING_ACTIONS, action, fields,
                                                "a briefing", decide))

    @rpc
    def get_briefing(self, actor: dict, briefing_id: str) -> dict:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            return access.check_may_read_briefing(
                who, views.briefing(uow.connection, briefing_id), briefing_id)

        return self.store.query("get_briefing", read)

    @rpc
    def list_briefings(self, actor: dict, filters: dict | None = None) -> dict:
        who = Actor.from_dict(actor)
        return self.store.query("list_briefings", lambda uow: {
            "items": views.briefings(uow.connection, who, filters)})
