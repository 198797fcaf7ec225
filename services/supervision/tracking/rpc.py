"""Tracking's RPC entrypoints (跟踪调度, a mixin of SupervisionService, notice 二(五)1): the matters
each unit owes, by when, done or late, read from the fold of the ledger (`views`), narrowed to
the units the caller reads (`services.supervision.access`); and the hotline measures of a month
(`assessment.measures`) over the same fold."""
from __future__ import annotations

import datetime as dt

from kernel.envelope import format_time, utc_now
from kernel.clock import OFFICE_TIME
from kernel.errors import FieldRequired, InvalidFilterValue, NotFound, UnknownCode
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from services.supervision import access as roles
from services.supervision import facts
from services.supervision import scoped
from services.supervision.assessment import measures
from services.supervision.scoped import Scoped
from services.supervision.tracking import contract
from services.supervision.tracking import views as tracking


class NoSuchUnitTracked(NotFound):
    rule = "unit_not_tracked"

    def __init__(self, unit: str):
        super().__init__(f"unit {unit!r} owes nothing tracked, or is not the caller's to read",
                         field="unit")


def matter_view(matter: facts.TrackedMatter, now: dt.datetime) -> dict:
    return {"matter_id": matter.matter_id, "kind": matter.kind, "stream_id": matter.stream_id,
            "unit": matter.unit, "title": matter.title,
            "kind_label": contract.MATTER_LABELS.get(matter.kind, matter.kind),
            "due_at": format_time(matter.due_at) if matter.due_at else None,
            "done_at": format_time(matter.done_at) if matter.done_at else None,
            "late": matter.late(now), "seqs": list(matter.seqs)}


def unit_counts(unit: str, matters: list[dict]) -> dict:
    """A unit's matters counted: done, late (not done past its date, or done after it), due
    (neither), by kind as well."""
    def state(item: dict) -> str:
        return "late" if item["late"] else "done" if item["done_at"] else "due"

    by_kind: dict[str, dict[str, int]] = {}
    totals = {"due": 0, "done": 0, "late": 0}
    for item in matters:
        which = state(item)
        totals[which] += 1
        by_kind.setdefault(item["kind"], {"due": 0, "done": 0, "late": 0})[which] += 1
    return {"unit": unit, **totals, "by_kind": by_kind, "matters": matters}


# Whether 基本满意 counts as satisfied in 满意率: the office's setting, as the assessment counts it.
BASIC_SATISFIED = True


def month_range(value) -> tuple[str, dt.datetime, dt.datetime]:
    """The office month "YYYY-MM" and its first and next month's first instants (UTC)."""
    try:
        year, month = (int(part) for part in str(value or "").split("-"))
        first = dt.datetime(year, month, 1, tzinfo=OFFICE_TIME)
    except (TypeError, ValueError):
        raise InvalidFilterValue("month", value, "an office month as YYYY-MM") from None
    nxt = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=OFFICE_TIME)
    return f"{year:04d}-{month:02d}", first.astimezone(dt.UTC), nxt.astimezone(dt.UTC)


class TrackingRpc(Scoped):
    """What every unit owes and by when."""

    @rpc
    def tracked_matters(self, actor: dict, filters: dict | None = None) -> dict:
        """The matters the caller may read: what each unit owes, by when, done or late."""
        def read(uow: UnitOfWork, scope) -> dict:
            given = scoped.filters(filters, contract.TrackedMatterFilters)
            kind = given.get("kind")
            if kind is not None and kind not in facts.MATTER_KINDS:
                raise UnknownCode("kind", kind, list(facts.MATTER_KINDS))
            unit, late = given.get("unit"), scoped.flag(given.get("late"))
            now = utc_now()
            items = [matter_view(m, now) for m in tracking.matters(uow.connection, unit, kind)
                     if roles.within(scope, m.unit)]
            if late is not None:
                items = [item for item in items if item["late"] is late]
            return {"items": items}

        return self._query("tracked_matters", actor, read)

    @rpc
    def unit_tracking(self, actor: dict, unit: str) -> dict:
        """One unit's matters counted due, done and late (its own, for a unit officer)."""
        def read(uow: UnitOfWork, scope) -> dict:
            if not roles.within(scope, unit):
                raise NoSuchUnitTracked(unit)
            now = utc_now()
            return unit_counts(unit, [matter_view(m, now)
                                      for m in tracking.matters(uow.connection, unit)])

        return self._query("unit_tracking", actor, read)

    @rpc
    def hotline_measures(self, actor: dict, filters: dict | None = None) -> dict:
        """The hotline measures of a month, per unit the caller reads (`assessment.measures`)."""
        def read(uow: UnitOfWork, scope) -> dict:
            given = scoped.filters(filters, contract.HotlineMeasureFilters)
            if not given.get("month"):
                raise FieldRequired("month", "the office month, YYYY-MM")
            month, since, until = month_range(given["month"])
            connection = uow.connection
            found = measures.monthly(
                [f for f in tracking.appeal_facts(connection, since, until)
                 if roles.within(scope, f.unit)],
                tracking.hotline_steps(connection, since, until), utc_now(),
                basic_satisfied=BASIC_SATISFIED,
                rectifications=tracking.rectifications(connection, since, until))
            return {"month": month, "basic_satisfied": BASIC_SATISFIED,
                    "units": measures.shown(found.get(month, {}))}

        return self._query("hotline_measures", actor, read)
