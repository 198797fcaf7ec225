"""An evaluation round (评议反馈, notice 二(五)2: 组织企业、服务对象对工作落实、问题整改等情况进行评议
反馈): the office opens it for a window of days and the units rated; each enterprise a unit
served rates that unit once in the round, on the work done (工作成效) and the problems fixed (问题
解决), each 1 (worst) to 5, with a comment; the office closes it. Its ratings count in the year's
assessment (`supervision.assessment.evaluation`).

A second rating of the same unit by the same enterprise is refused, not taken in place of the
first: a round's result must not move while the enterprise changes its mind, and what was rated
stays in the ledger as it was. Whether the enterprise was served by the unit (had an appeal it
led) is read off tracking's appeal facts by the service, and given to `rate` as `served_by`.

Plain Python, no I/O: state changes only in the `when_<Fact>` methods.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.clock import office_day
from kernel.envelope import format_time
from kernel.errors import FieldRequired, FieldTooLong
from services.supervision.assessment.events import EVENTS
from services.supervision.assessment import rules
from services.supervision.assessment.exceptions import (
    AlreadyRated,
    EvaluationRoundExists,
    InvalidDate,
    MarkOutOfRange,
    NotOwnCreditCode,
    NotServedByUnit,
    OutsideWindow,
    RoleNotAllowed,
    UnitNotInRound,
    WindowReversed,
)
from services.supervision.assessment.rules import RoundStatus

MARKS = (1, 5)
TITLE_LIMIT = 200
UNITS_LIMIT = 200


def calendar_date(field: str, value) -> str:
    """A calendar day, as YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        raise InvalidDate(field, value)
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise InvalidDate(field, value) from None


def mark(field: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not (
            MARKS[0] <= value <= MARKS[1]):
        raise MarkOutOfRange(field, value, *MARKS)
    return value


class EvaluationRound(Aggregate):
    stream_type = "evaluation_round"
    events = EVENTS

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.status: str | None = None
        self.title: str | None = None
        self.opens: str | None = None
        self.closes: str | None = None
        self.units: list[str] = []
        self.opened_at: str | None = None
        self.closed_at: str | None = None
        # (uscc, unit) → the rating as recorded, with when
        self.ratings: dict[tuple[str, str], dict] = {}

    def _check(self, command: str, actor: Actor) -> None:
        rules.ROUND_RULES[command].check(self, actor)

    @classmethod
    def open(cls, round_id: str, *, title: str, opens, closes, units: Iterable[str],
             at: dt.datetime, actor: Actor, existing: EvaluationRound | None = None
             ) -> EvaluationRound:
        """The office opens a round for the days `opens` to `closes` and the units rated."""
        at = checks.moment(at)
        if actor.role not in rules.ASSESSORS:
            raise RoleNotAllowed(actor.role, "open an evaluation round", rules.ASSESSORS)
        round_id = checks.text("round_id", round_id, checks.CODE_LIMIT)
        if existing is not None and existing.exists:
            raise EvaluationRoundExists(round_id)
        first, last = calendar_date("opens", opens), calendar_date("closes", closes)
        if last < first:
            raise WindowReversed(first, last)
        rated = checks.codes("units", units)
        if not rated:
            raise FieldRequired("units", "the units the enterprises rate")
        if len(rated) > UNITS_LIMIT:
            raise FieldTooLong("units", UNITS_LIMIT, len(rated))
        round_ = cls(round_id)
        round_._record_fact("EvaluationRoundOpened", {
            "title": checks.text("title", title, TITLE_LIMIT),
            "opens": first, "closes": last, "units": rated,
        }, at, actor)
        return round_

    def rate(self, *, uscc: str, unit: str, work_done, problems_fixed, comment: str = "",
             served_by: Collection[str], at: dt.datetime, actor: Actor) -> list[Fact]:
        """An enterprise rates a unit that served it (`served_by`: the units that led one of its
        appeals), once, within the round's days."""
        at = self._begin("rate", at, actor)
        code = checks.credit_code(uscc)
        if actor.uscc != code:
            raise NotOwnCreditCode()
        unit = checks.text("unit", unit, checks.CODE_LIMIT)
        if unit not in self.units:
            raise UnitNotInRound(unit, self.id)
        today = office_day(at).isoformat()
        if not self.opens <= today <= self.closes:
            raise OutsideWindow(today, self.opens, self.closes)
        if unit not in served_by:
            raise NotServedByUnit(code, unit)
        if (code, unit) in self.ratings:
            raise AlreadyRated(code, unit)
        return [self._record_fact("UnitRated", {
            "uscc": code, "unit": unit,
            "work_done": mark("work_done", work_done),
            "problems_fixed": mark("problems_fixed", problems_fixed),
            "comment": checks.optional_text("comment", comment, checks.TEXT_LIMIT),
        }, at, actor)]

    def close(self, *, note: str = "", at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("close", at, actor)
        return [self._record_fact("EvaluationRoundClosed", {
            "ratings": len(self.ratings),
            "note": checks.optional_text("note", note, checks.TEXT_LIMIT),
        }, at, actor)]

    # -- facts applied --

    def when_EvaluationRoundOpened(self, fact: Fact) -> None:
        p = fact.payload
        self.status = RoundStatus.OPEN.value
        self.title, self.opens, self.closes = p["title"], p["opens"], p["closes"]
        self.units = list(p["units"])
        self.opened_at = format_time(fact.occurred_at)

    def when_UnitRated(self, fact: Fact) -> None:
        p = fact.payload
        self.ratings[(p["uscc"], p["unit"])] = {
            "uscc": p["uscc"], "unit": p["unit"], "work_done": p["work_done"],
            "problems_fixed": p["problems_fixed"], "comment": p["comment"],
            "rated_at": format_time(fact.occurred_at)}

    def when_EvaluationRoundClosed(self, fact: Fact) -> None:
        self.status = RoundStatus.CLOSED.value
        self.closed_at = format_time(fact.occurred_at)

    # -- reading --

    def results(self) -> list[dict]:
        """Per unit of the round: the ratings taken and the mean of each mark (None if none)."""
        found = []
        for unit in self.units:
            mine = [r for r in self.ratings.values() if r["unit"] == unit]
            count = len(mine)
            found.append({
                "unit": unit, "ratings": count,
                "work_done": sum(r["work_done"] for r in mine) / count if count else None,
                "problems_fixed": (sum(r["problems_fixed"] for r in mine) / count
                                   if count else None)})
        return found

    def snapshot(self) -> dict:
        return {"id": self.id, "version": self.version, "status": self.status,
                "title": self.title, "opens": self.opens, "closes": self.closes,
                "units": list(self.units), "opened_at": self.opened_at,
                "closed_at": self.closed_at,
                "ratings": [dict(r) for r in self.ratings.values()],
                "results": self.results()}
