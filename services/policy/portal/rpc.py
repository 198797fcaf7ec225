"""The portal's RPC entrypoints (a mixin of PolicyService, notice 二(二)3): the mark its pages
are keyed by, the feed of what was published or amended, and the units' deadlines."""
from __future__ import annotations

from kernel.actor import Actor
from kernel.clock import office_day
from kernel.envelope import parse_time, utc_now
from kernel.rpc import rpc
from services.policy.policies.rpc import current_day
from services.policy.portal import access, views


def _office_day_of(moment: str) -> str:
    return office_day(parse_time(moment)).isoformat()


class PortalRpc:
    @rpc
    def portal_mark(self, actor: dict) -> dict:
        """What the portal shows, in one digest: it changes with every publication, amendment,
        repeal, expiry, contact changed, rule filed and edition built (and with the day, for
        the contact sheet of what is in force). The gateway keys its pages by it; the latest
        edition's number and digest key the latest documents."""
        Actor.from_dict(actor)
        return self.store.query("portal_mark", lambda uow: views.portal_mark(
            uow.connection, current_day(utc_now())))

    @rpc
    def portal_feed(self, actor: dict, limit: int = 50) -> dict:
        """What was published or amended, newest first (the portal's Atom feed)."""
        Actor.from_dict(actor)
        return self.store.query("portal_feed",
                                lambda uow: {"items": views.feed(uow.connection, limit)})

    @rpc
    def portal_deadlines(self, actor: dict, year: int | None = None) -> dict:
        """Per unit: policies on the portal by May 15, implementation rules by May 20."""
        who = Actor.from_dict(actor)
        unit = access.deadline_units(who)
        year = year or office_day(utc_now()).year
        return self.store.query("portal_deadlines", lambda uow: views.portal_deadlines(
            uow.connection, int(year), _office_day_of, unit))
