"""The hotline measures (热线考核指标), per unit and per month, each with its numerator,
denominator and the seqs behind it, counted from the facts tracking folds off the ledger
(`facts.AppealFact`, `facts.HotlineStep`). A month holds the appeals dispatched to the unit in
that office month (`domain.month_of`), as the assessment's monthly trends do.

- 及时签收率 `signing`: appeals signed by their sign_due / appeals whose signing is settled;
- 按时办结率 `completion`: appeals resolved by their resolution_due / appeals whose resolution is
  settled;
- 满意率 `satisfaction`: ratings 满意 or 非常满意 (and 基本满意 unless the office sets otherwise)
  / ratings given;
  these three are the year-end assessment's own functions (`domain.signing`, `completion`,
  `satisfaction`), so the year's figures and the months' are one definition;
- 回退率 `returns`: returns (TicketReturned) / dispatches to the unit;
- 重办率 `redo`: appeals sent back for 重办 / appeals the unit resolved;
- 回访率 `callback`: resolved appeals with a callback (TicketCalledBack) / appeals resolved.

Plain Python, no I/O.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from services.supervision import facts
from services.supervision.assessment import domain

MEASURES = {
    "signing": "及时签收率", "completion": "按时办结率", "returns": "回退率", "redo": "重办率",
    "callback": "回访率", "satisfaction": "满意率",
}


@dataclasses.dataclass(frozen=True)
class Rate:
    measure: str
    numerator: int
    denominator: int
    seqs: tuple[int, ...]

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    def to_dict(self) -> dict:
        return {"label": MEASURES[self.measure], "numerator": self.numerator,
                "denominator": self.denominator,
                "value": domain._shown(self.value, 4), "seqs": list(self.seqs)}


def _of(figure: domain.Figure, measure: str) -> Rate:
    return Rate(measure, figure.numerator, figure.denominator, figure.seqs)


def returns(steps: Sequence[facts.HotlineStep]) -> Rate:
    dispatches = [s for s in steps if s.step == "dispatch"]
    returned = [s for s in steps if s.step == "return"]
    return Rate("returns", len(returned), len(dispatches),
                tuple(sorted(s.seq for s in dispatches + returned)))


def _resolved(steps: Sequence[facts.HotlineStep]) -> dict[str, list[int]]:
    """Appeal → the seqs of its resolutions by the unit."""
    found: dict[str, list[int]] = {}
    for step in steps:
        if step.step == "resolved":
            found.setdefault(step.appeal_id, []).append(step.seq)
    return found


def _among(steps: Sequence[facts.HotlineStep], kind: str, appeals: Iterable[str]
           ) -> dict[str, list[int]]:
    wanted = set(appeals)
    found: dict[str, list[int]] = {}
    for step in steps:
        if step.step == kind and step.appeal_id in wanted:
            found.setdefault(step.appeal_id, []).append(step.seq)
    return found


def redo(steps: Sequence[facts.HotlineStep]) -> Rate:
    resolved = _resolved(steps)
    redone = _among(steps, "redo", resolved)
    return Rate("redo", len(redone), len(resolved), tuple(sorted(
        {*(q for v in resolved.values() for q in v), *(q for v in redone.values() for q in v)})))


def callback(steps: Sequence[facts.HotlineStep]) -> Rate:
    resolved = _resolved(steps)
    called = _among(steps, "callback", resolved)
    return Rate("callback", len(called), len(resolved), tuple(sorted(
        {*(q for v in resolved.values() for q in v), *(q for v in called.values() for q in v)})))


def unit_measures(appeals: Sequence[facts.AppealFact], steps: Sequence[facts.HotlineStep],
                  as_of: dt.datetime, *, basic_satisfied: bool = True) -> dict[str, Rate]:
    """One unit's measures over its appeals and their steps, as of `as_of`."""
    return {
        "signing": _of(domain.signing(appeals, as_of), "signing"),
        "completion": _of(domain.completion(appeals, as_of), "completion"),
        "returns": returns(steps),
        "redo": redo(steps),
        "callback": callback(steps),
        "satisfaction": _of(domain.satisfaction(appeals, basic_satisfied=basic_satisfied),
                            "satisfaction"),
    }


def monthly(appeals: Iterable[facts.AppealFact], steps: Iterable[facts.HotlineStep],
            as_of: dt.datetime, *, units: Iterable[str] | None = None,
            basic_satisfied: bool = True) -> dict[str, dict[str, dict[str, Rate]]]:
    """Month "YYYY-MM" → unit → measure → Rate: each step in the month of its appeal's
    dispatch to the unit; of `units` only, if given."""
    wanted = set(units) if units is not None else None
    month_of: dict[tuple[str, str], str] = {}
    grouped: dict[tuple[str, str], tuple[list, list]] = {}
    for fact in appeals:
        if wanted is not None and fact.unit not in wanted:
            continue
        month = domain.month_of(fact.dispatched_at)
        month_of[(fact.appeal_id, fact.unit)] = month
        grouped.setdefault((month, fact.unit), ([], []))[0].append(fact)
    for step in steps:
        month = month_of.get((step.appeal_id, step.unit))
        if month is not None:
            grouped[(month, step.unit)][1].append(step)
    found: dict[str, dict[str, dict[str, Rate]]] = {}
    for (month, unit) in sorted(grouped):
        facts_, steps_ = grouped[(month, unit)]
        found.setdefault(month, {})[unit] = unit_measures(
            facts_, steps_, as_of, basic_satisfied=basic_satisfied)
    return found


def shown(measures: Mapping[str, Mapping[str, Rate]]) -> list[dict]:
    """A month's measures as the wire shows them: per unit, each measure's figures."""
    return [{"unit": unit, "measures": {code: rate.to_dict() for code, rate in rates.items()}}
            for unit, rates in measures.items()]
