"""The hotline measures (热线考核指标), per unit and per month, each with its numerator,
denominator and the seqs behind it, counted from the facts tracking folds off the ledger
(`facts.AppealFact`, `facts.HotlineStep`, `facts.Rectification`). A month holds the appeals
dispatched to the unit in that office month (`domain.month_of`), as the assessment's monthly
trends do: a rating, and the rectification it opened, count in the month of the appeal's
dispatch to the rated unit.

- 及时签收率 `signing`: appeals signed by their sign_due / appeals whose signing is settled;
- 按时办结率 `completion`: appeals resolved by their resolution_due / appeals whose resolution is
  settled;
- 满意率 `satisfaction`: ratings 满意 or 非常满意 (and 基本满意 unless the office sets otherwise)
  / ratings given; a merged enterprise's rating of the survivor's outcome (MergedAppealRated)
  is the survivor's lead unit's; a rating the office voided on the unit's 申诉 (撤销差评) leaves
  numerator and denominator, and the measure lists it (`voided`: its seq, rating, the reason,
  the ruling's seq);
  these three are the year-end assessment's own functions (`domain.signing`, `completion`,
  `satisfaction`), so the year's figures and the months' are one definition;
- 回退率 `returns`: returns (TicketReturned) / dispatches to the unit;
- 重办率 `redo`: appeals sent back for 重办 / appeals the unit resolved;
- 回访率 `callback`: resolved appeals with a callback (TicketCalledBack) / appeals resolved;
- 差评整改按时率 `rectification`: rectifications done on time / rectifications whose outcome is
  settled. A rectification (差评整改, opened by a bad rating for the unit that handled the
  appeal) is settled when
  - classified 立行立改 (fixed) or 解释说明 (explained);
  - classified 限期整改 (planned) and completed, or its plan's day passed (before `as_of`)
    uncompleted;
  - classified 申诉 (disputed) and ruled by the office, upheld or voided (while the office
    reviews, its outcome is not settled and it is not counted);
  - or its due passed (before `as_of`) unclassified.
  It is on time when classified by its due (the classification's `on_time`) and, planned, also
  completed by its plan's day (the completion's `on_time`): a plan met late, or not met, is
  late however early it was classified. A dispute is on time by its classification alone: the
  office's review is not the unit's time. A voided rating leaves 满意率, but the rectification
  it opened stays counted here: the unit's verification was owed and done, or not, in time.

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
    "callback": "回访率", "satisfaction": "满意率", "rectification": "差评整改按时率",
}
FIXED, PLANNED, EXPLAINED, DISPUTED = "fixed", "planned", "explained", "disputed"


@dataclasses.dataclass(frozen=True)
class Rate:
    measure: str
    numerator: int
    denominator: int
    seqs: tuple[int, ...]
    # 满意率: the ratings the office voided, left out (`facts.VoidedRating.to_dict`).
    voided: tuple[dict, ...] = ()

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    def to_dict(self) -> dict:
        shown = {"label": MEASURES[self.measure], "numerator": self.numerator,
                 "denominator": self.denominator,
                 "value": domain._shown(self.value, 4), "seqs": list(self.seqs)}
        if self.measure == "satisfaction":
            shown["voided"] = [dict(item) for item in self.voided]
        return shown


def _of(figure: domain.Figure, measure: str) -> Rate:
    return Rate(measure, figure.numerator, figure.denominator, figure.seqs,
                tuple(figure.detail.get("voided", ())))


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


def rectification_settled(item: facts.Rectification, as_of: dt.datetime) -> bool:
    """Whether the rectification's outcome is settled as of `as_of` (the module's rule)."""
    if item.way is None:
        return item.due < as_of
    if item.way == PLANNED:
        return item.completed_at is not None or (
            item.plan_due is not None and item.plan_due < as_of)
    if item.way == DISPUTED:
        return item.ruling is not None
    return True


def rectification_on_time(item: facts.Rectification) -> bool:
    """Classified by its due and, planned, completed by its plan's day."""
    if not item.classified_on_time:
        return False
    if item.way == PLANNED:
        return item.completed_at is not None and bool(item.completed_on_time)
    return True


def rectification(items: Sequence[facts.Rectification], as_of: dt.datetime) -> Rate:
    counted = [item for item in items if rectification_settled(item, as_of)]
    return Rate("rectification", sum(1 for item in counted if rectification_on_time(item)),
                len(counted), tuple(sorted({seq for item in counted for seq in item.seqs})))


def unit_measures(appeals: Sequence[facts.AppealFact], steps: Sequence[facts.HotlineStep],
                  as_of: dt.datetime, *, basic_satisfied: bool = True,
                  rectifications: Sequence[facts.Rectification] = ()) -> dict[str, Rate]:
    """One unit's measures over its appeals, their steps and their rectifications, as of
    `as_of`."""
    return {
        "signing": _of(domain.signing(appeals, as_of), "signing"),
        "completion": _of(domain.completion(appeals, as_of), "completion"),
        "returns": returns(steps),
        "redo": redo(steps),
        "callback": callback(steps),
        "satisfaction": _of(domain.satisfaction(appeals, basic_satisfied=basic_satisfied),
                            "satisfaction"),
        "rectification": rectification(rectifications, as_of),
    }


def monthly(appeals: Iterable[facts.AppealFact], steps: Iterable[facts.HotlineStep],
            as_of: dt.datetime, *, units: Iterable[str] | None = None,
            basic_satisfied: bool = True,
            rectifications: Iterable[facts.Rectification] = ()
            ) -> dict[str, dict[str, dict[str, Rate]]]:
    """Month "YYYY-MM" → unit → measure → Rate: each step and each rectification in the month
    of its appeal's dispatch to the unit; of `units` only, if given."""
    wanted = set(units) if units is not None else None
    month_of: dict[tuple[str, str], str] = {}
    grouped: dict[tuple[str, str], tuple[list, list, list]] = {}
    for fact in appeals:
        if wanted is not None and fact.unit not in wanted:
            continue
        month = domain.month_of(fact.dispatched_at)
        month_of[(fact.appeal_id, fact.unit)] = month
        grouped.setdefault((month, fact.unit), ([], [], []))[0].append(fact)
    for step in steps:
        month = month_of.get((step.appeal_id, step.unit))
        if month is not None:
            grouped[(month, step.unit)][1].append(step)
    for item in rectifications:
        month = month_of.get((item.appeal_id, item.unit))
        if month is not None:
            grouped[(month, item.unit)][2].append(item)
    found: dict[str, dict[str, dict[str, Rate]]] = {}
    for (month, unit) in sorted(grouped):
        facts_, steps_, rectifications_ = grouped[(month, unit)]
        found.setdefault(month, {})[unit] = unit_measures(
            facts_, steps_, as_of, basic_satisfied=basic_satisfied,
            rectifications=rectifications_)
    return found


def yearly(appeals: Iterable[facts.AppealFact], steps: Iterable[facts.HotlineStep],
           as_of: dt.datetime, *, rectifications: Iterable[facts.Rectification] = ()
           ) -> dict[str, dict[str, Rate]]:
    """Unit → measure → Rate over the whole window the facts are of: the months' figures of a
    unit summed (each step and rectification counted once, under the unit it was the
    unit's), as the year-end assessment shows them."""
    by_unit: dict[str, dict[str, Rate]] = {}
    for units in monthly(appeals, steps, as_of, rectifications=rectifications).values():
        for unit, rates in units.items():
            held = by_unit.setdefault(unit, {})
            for code, rate in rates.items():
                before = held.get(code)
                held[code] = rate if before is None else Rate(
                    code, before.numerator + rate.numerator,
                    before.denominator + rate.denominator,
                    tuple(sorted(set(before.seqs) | set(rate.seqs))))
    return by_unit


def shown(measures: Mapping[str, Mapping[str, Rate]]) -> list[dict]:
    """A month's measures as the wire shows them: per unit, each measure's figures."""
    return [{"unit": unit, "measures": {code: rate.to_dict() for code, rate in rates.items()}}
            for unit, rates in measures.items()]
