"""The year-end assessment (年终考核, notice 二(五)3): every unit's measures, its score and its place,
each figure with the ledger entries it was computed from. Plain Python, no I/O: the facts come in
(`supervision.facts`, as tracking reads them off the ledger), the assessment comes out.

Inputs
------
- `units`: the units assessed (every county, zone and city department), code → name. Facts of
  a unit not named here are left out (an appeal led by a provincial office, say).
- `appeals`: `facts.AppealFact`, one per appeal and lead unit.
- `supervision`: unit → [(step, seq)], each supervision step the unit received, a ladder step
  code (`STEPS`) with the seq of the entry that records it.
- `deliverables`: `facts.TrackedMatter` of the action's deliverables (kind DELIVERABLE), one per
  owner unit and deliverable.
- `ratings`: `RoundRating`, the evaluation round's ratings (评议反馈) with their seqs.
- `as_of`: the moment the assessment is made; what is not yet due by then is not yet counted.

Measures (code, label: numerator / denominator; "settled" and "on time" as defined here)
-----------------------------------------------------------------------------------------
- `signing` 按时签收率: appeals signed by their sign-by time / appeals whose signing is settled.
  An appeal's signing is settled when it was signed, or when its `sign_due` is before `as_of`
  unsigned. On time: `signed_at <= sign_due`. An appeal without a `sign_due` is left out.
- `completion` 按时办结率: appeals resolved by their resolution time / appeals whose resolution
  is settled: resolved, or its `resolution_due` before `as_of` unresolved. On time:
  `resolved_at <= resolution_due` (the due as it stands last: a send-back sets a new one). An
  appeal without a `resolution_due` (not yet signed for) is left out.
- `reply` 答复率: appeals the enterprise was answered on (`replied`) / appeals whose answer is
  owed: replied, or whose answer's due time (its `resolution_due`, else its `sign_due`) is
  before `as_of`.
- `satisfaction` 满意率: ratings satisfied or basically satisfied / ratings given, counting
  every rating the enterprise gave an appeal while the unit led it, as the ledger's TicketRated
  entries hold them (`AppealFact.ratings`). Satisfaction is counted as given: an unsatisfied
  rating that sends the appeal back (发回重办) still counts, though the appeal's own rating is
  cleared by the send-back; a rating after the redo is another rating, counted beside the
  first. So an appeal rated unsatisfied, redone and rated satisfied counts 1 of 2. The figure's
  seqs are the rating entries' seqs. A MergedAppealRated entry (a merged enterprise's rating of
  the survivor's outcome) is a rating of the unit that led the survivor. A rating the office
  voided on the unit's 申诉 (差评整改, RectificationDisputeRuled `voided`) leaves numerator and
  denominator; the figure's `detail["voided"]` names each (its seq, the reason, the ruling's
  seq), so a reader sees what left and why. A unit whose rate is below the floor (85% by default) is
  named in `below_floor`; a unit given no rating has no rate and is not named.
- `redo` 发回重办率: appeals sent back for redo at least once while the unit led them / appeals
  the enterprise judged (rated at least once, or sent back at least once). Lower is better: its
  part of the score is 1 − rate.
- `supervision` 被督查: the points of the supervision steps received (`Scoring.step_points`:
  reminder 1, notice 2, inspection 3, interview 4, listed 5) as numerator, the cap (20) as
  denominator; its part of the score is max(0, 1 − points / cap). Every unit has this figure
  (no step received: 0 points, full part).
- `deliverables` 工作节点按时完成率: deliverables done by their due / deliverables settled (done,
  or due before `as_of` undone). A unit's delivery is its own declaration: it is done here only
  once the office has accepted it (a delivery sent back, or not yet reviewed, is not done). `detail` counts on_time, late, missing (due passed, not done)
  and pending (not due, not done; not counted).
- `evaluation` 评议得分: the sum of the round's marks (work done and problems fixed, each 1..5, of
  every rating of the unit) / the number of marks (two a rating); the value is that mean mark;
  its part of the score is (mean − 1) / 4, so 1 is 0 and 5 is 1.

A rate's value is the exact fraction (`fractions.Fraction`); a figure whose denominator is 0 has
no value and no part. A figure's seqs are the seqs of every fact counted in its denominator.

Score and ranking
-----------------
score = 100 × Σ weight × part / Σ weight, over the figures that have a part (a unit with no
appeals is scored on the rest); None when no figure but supervision has one (supervision only
deducts: a unit with nothing else to be assessed on is not scored), or their weights make 0. The weights (`Weights`, default
`DEFAULT_WEIGHTS`) are each between 0 and 1 and make 1 together. Units are ranked by score, best
first; equal scores share a place (1, 2, 2, 4), listed by unit code; a unit without a score is
listed last without a place.

Monthly trends
--------------
Months (`monthly`) group a unit's appeals by the office month they were dispatched in, each
month with the five appeal measures as Figures (so each point has its numerator, denominator and
seqs, as the year's figures do, computed by the same functions as of the same `as_of`). The
whole city (全市, `CITY`, the unit "") is the same over every assessed unit's appeals together
(an appeal left out of the units is left out of the city too). `to_dict` records them as
`trends` (unit → month → measure → value, the units only) and as `trend_series`, the series
`supervision.report` draws: [{measure, unit, points: [{month, value, seqs}]}], for each appeal
measure the city first, then each unit that had appeals, in the order `units` names them; so the
exports rendered from the stored snapshot show each point's seqs and the city's line.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from kernel.clock import office_day
from kernel.envelope import format_time
from kernel.vocabulary import LabelledEnum
from services.supervision import facts
from services.supervision.cases.ladder import Step
from services.supervision.assessment.exceptions import (
    InvalidFloor,
    InvalidWeight,
    UnknownMeasure,
    UnknownStep,
    WeightsDoNotSumToOne,
)


class Measure(LabelledEnum):
    """The measures of the assessment, in the order they are shown."""

    SIGNING = "signing", "按时签收率"
    COMPLETION = "completion", "按时办结率"
    REPLY = "reply", "答复率"
    SATISFACTION = "satisfaction", "满意率"
    REDO = "redo", "发回重办率"
    SUPERVISION = "supervision", "被督查"
    DELIVERABLES = "deliverables", "工作节点按时完成率"
    EVALUATION = "evaluation", "评议得分"
    # The hotline measures the year's figures show beside the score (热线考核指标): counted from
    # the ledger as the months' are (`assessment.measures`), weighing nothing unless the office
    # gives them a weight.
    RETURNS = "returns", "回退率"
    CALLBACK = "callback", "回访率"
    RECTIFICATION = "rectification", "差评整改按时率"


HOTLINE_MEASURES = (Measure.RETURNS, Measure.CALLBACK, Measure.RECTIFICATION)

APPEAL_MEASURES = (Measure.SIGNING, Measure.COMPLETION, Measure.REPLY, Measure.SATISFACTION,
                   Measure.REDO)

# The ladder's steps (督查, notice 二(五)1), in the order a case climbs them.
STEPS = Step.labels()
LISTED = "listed"
DEFAULT_STEP_POINTS = {"reminder": 1, "notice": 2, "inspection": 3, "interview": 4, "listed": 5}
DEFAULT_SUPERVISION_CAP = 20
# 非常满意 is above 满意 on the five 好差评 levels: it counts as satisfied too.
SATISFIED = ("very_satisfied", "satisfied", "basically_satisfied")
DEFAULT_FLOOR = Fraction(85, 100)
# The whole city's trend series (全市) goes by the unit "", as `supervision.report` names it.
CITY = ""


def _fraction(field: str, value) -> Fraction:
    """A number as an exact fraction (a float by its decimal spelling: 0.15 is 3/20)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction, Decimal, str)):
        raise InvalidWeight(field, value)
    try:
        number = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise InvalidWeight(field, value) from None
    if not 0 <= number <= 1:
        raise InvalidWeight(field, value)
    return number


@dataclasses.dataclass(frozen=True)
class Weights:
    """Each measure's weight in the score: between 0 and 1, together 1. A measure left out
    weighs 0."""

    by_measure: Mapping[str, Fraction]

    @classmethod
    def of(cls, weights: Mapping[str, object]) -> Weights:
        if not isinstance(weights, Mapping):
            raise InvalidWeight("weights", weights)
        found = {}
        for code, value in weights.items():
            if code not in Measure.codes():
                raise UnknownMeasure(f"weights.{code}", code, Measure.codes())
            found[code] = _fraction(f"weights.{code}", value)
        total = sum(found.values(), Fraction(0))
        if total != 1:
            raise WeightsDoNotSumToOne(total)
        return cls({code: found.get(code, Fraction(0)) for code in Measure.codes()})

    def __getitem__(self, code: str) -> Fraction:
        return self.by_measure[code]

    def to_dict(self) -> dict[str, float]:
        return {code: float(weight) for code, weight in self.by_measure.items()}


DEFAULT_WEIGHTS = Weights.of({
    "signing": "0.15", "completion": "0.20", "reply": "0.10", "satisfaction": "0.20",
    "redo": "0.10", "supervision": "0.10", "deliverables": "0.10", "evaluation": "0.05",
})


@dataclasses.dataclass(frozen=True)
class Scoring:
    """What the office sets: the weights, the satisfaction floor (满意率 below it names the
    unit), the points of each supervision step and the points at which that part is 0."""

    weights: Weights = DEFAULT_WEIGHTS
    satisfaction_floor: Fraction = DEFAULT_FLOOR
    step_points: Mapping[str, int] = dataclasses.field(
        default_factory=lambda: dict(DEFAULT_STEP_POINTS))
    supervision_cap: int = DEFAULT_SUPERVISION_CAP

    @classmethod
    def of(cls, weights: Mapping[str, object] | None = None,
           satisfaction_floor=None) -> Scoring:
        """The office's settings, each checked; None keeps the default."""
        floor = DEFAULT_FLOOR
        if satisfaction_floor is not None:
            try:
                floor = _fraction("satisfaction_floor", satisfaction_floor)
            except InvalidWeight:
                raise InvalidFloor(satisfaction_floor) from None
        return cls(weights=DEFAULT_WEIGHTS if weights is None else Weights.of(weights),
                   satisfaction_floor=floor)

    def to_dict(self) -> dict:
        return {"weights": self.weights.to_dict(),
                "satisfaction_floor": float(self.satisfaction_floor),
                "step_points": dict(self.step_points), "supervision_cap": self.supervision_cap}


DEFAULT_SCORING = Scoring()


@dataclasses.dataclass(frozen=True)
class RoundRating:
    """One enterprise's rating of a unit in an evaluation round, and the seq of its entry."""

    unit: str
    uscc: str
    work_done: int
    problems_fixed: int
    seq: int


@dataclasses.dataclass(frozen=True)
class Figure:
    """One measure of one unit: numerator / denominator, the value shown, the part (0..1) it
    adds to the score, and the seqs it was computed from."""

    measure: str
    numerator: int
    denominator: int
    value: Fraction | None
    part: Fraction | None
    seqs: tuple[int, ...]
    detail: Mapping = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"label": Measure(self.measure).label, "numerator": self.numerator,
                "denominator": self.denominator, "value": _shown(self.value, 4),
                "part": _shown(self.part, 4), "seqs": list(self.seqs),
                "detail": _plain_detail(self.detail)}


@dataclasses.dataclass(frozen=True)
class UnitAssessment:
    unit: str
    name: str
    figures: Mapping[str, Figure]
    score: Fraction | None          # 0..100, exact
    rank: int | None
    below_floor: bool

    @property
    def seqs(self) -> tuple[int, ...]:
        return tuple(sorted({seq for figure in self.figures.values() for seq in figure.seqs}))

    @property
    def listed(self) -> tuple[int, ...]:
        """The seqs of the listed supervision (挂牌督办) the unit received."""
        steps = self.figures[Measure.SUPERVISION].detail.get("by_step", {})
        return tuple(steps.get(LISTED, {}).get("seqs", ()))

    def to_dict(self) -> dict:
        return {"unit": self.unit, "name": self.name, "score": _shown(self.score, 2),
                "rank": self.rank, "below_floor": self.below_floor,
                "figures": {code: figure.to_dict() for code, figure in self.figures.items()},
                "seqs": list(self.seqs)}


@dataclasses.dataclass(frozen=True)
class Assessment:
    year: int
    as_of: dt.datetime
    scoring: Scoring
    units: tuple[UnitAssessment, ...]       # in ranking order
    # unit (CITY for the whole city) → month "YYYY-MM" → appeal measure → Figure
    monthly: Mapping[str, Mapping[str, Mapping[str, Figure]]]

    @property
    def trends(self) -> dict[str, dict[str, dict[str, Fraction | None]]]:
        """Each unit's monthly values (the city's are in `monthly[CITY]`)."""
        return {unit: {month: {code: figure.value for code, figure in figures.items()}
                       for month, figures in months.items()}
                for unit, months in self.monthly.items() if unit != CITY}

    def trend_series(self) -> list[dict]:
        """The monthly series as `supervision.report` takes them (see the module's
        docstring): per appeal measure, the city, then each unit with appeals."""
        series = []
        for measure in APPEAL_MEASURES:
            for unit, months in self.monthly.items():
                if not months:
                    continue
                series.append({"measure": measure.value, "unit": unit, "points": [
                    {"month": month, "value": _shown(figures[measure.value].value, 4),
                     "seqs": list(figures[measure.value].seqs)}
                    for month, figures in months.items()]})
        return series

    def unit(self, code: str) -> UnitAssessment:
        for assessed in self.units:
            if assessed.unit == code:
                return assessed
        raise KeyError(code)

    @property
    def below_floor(self) -> list[str]:
        return [u.unit for u in self.units if u.below_floor]

    @property
    def seqs(self) -> tuple[int, ...]:
        return tuple(sorted({seq for u in self.units for seq in u.seqs}))

    def to_dict(self) -> dict:
        """The snapshot: what the AssessmentComputed event records, the views show and the
        exports render (`supervision.report`)."""
        return {
            "year": self.year,
            "as_of": format_time(self.as_of),
            "scoring": self.scoring.to_dict(),
            "measures": [{"code": m.value, "label": m.label} for m in Measure],
            "units": [u.to_dict() for u in self.units],
            "ranking": [{"rank": u.rank, "unit": u.unit, "name": u.name,
                         "score": _shown(u.score, 2)} for u in self.units],
            "below_floor": self.below_floor,
            "trends": {unit: {month: {code: _shown(value, 4) for code, value in values.items()}
                              for month, values in months.items()}
                       for unit, months in self.trends.items()},
            "trend_series": self.trend_series(),
            "seqs": list(self.seqs),
        }


def _shown(value: Fraction | None, places: int) -> float | None:
    """An exact figure rounded half up to `places` decimals, for display."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _plain_detail(detail: Mapping) -> dict:
    return {key: (_plain_detail(value) if isinstance(value, Mapping)
                  else list(value) if isinstance(value, tuple) else value)
            for key, value in detail.items()}


def _seqs(items: Iterable) -> tuple[int, ...]:
    return tuple(sorted({seq for item in items for seq in item.seqs}))


def _rate(measure: Measure, counted: Sequence, hits: int, lower_is_better: bool = False,
          detail: Mapping | None = None) -> Figure:
    value = Fraction(hits, len(counted)) if counted else None
    part = None if value is None else (1 - value if lower_is_better else value)
    return Figure(measure.value, hits, len(counted), value, part, _seqs(counted), detail or {})


# -- the appeal measures -------------------------------------------------------------------------

def signing(appeals: Sequence[facts.AppealFact], as_of: dt.datetime) -> Figure:
    counted = [a for a in appeals if a.sign_due is not None
               and (a.signed_at is not None or a.sign_due < as_of)]
    hits = sum(1 for a in counted if a.signed_at is not None and a.signed_at <= a.sign_due)
    return _rate(Measure.SIGNING, counted, hits)


def completion(appeals: Sequence[facts.AppealFact], as_of: dt.datetime) -> Figure:
    counted = [a for a in appeals if a.resolution_due is not None
               and (a.resolved_at is not None or a.resolution_due < as_of)]
    hits = sum(1 for a in counted
               if a.resolved_at is not None and a.resolved_at <= a.resolution_due)
    return _rate(Measure.COMPLETION, counted, hits)


def reply(appeals: Sequence[facts.AppealFact], as_of: dt.datetime) -> Figure:
    def owed(a: facts.AppealFact) -> bool:
        due = a.resolution_due or a.sign_due
        return a.replied or (due is not None and due < as_of)
    counted = [a for a in appeals if owed(a)]
    return _rate(Measure.REPLY, counted, sum(1 for a in counted if a.replied))


def satisfaction(appeals: Sequence[facts.AppealFact], *,
                 basic_satisfied: bool = True) -> Figure:
    """Every rating given counts but those the office voided (see the module's docstring): the
    rating entries' seqs, or, for a fact made without them, the fact's own. 基本满意 counts as
    satisfied unless the office sets otherwise (`basic_satisfied`); the hotline measures read
    this one definition."""
    given, seqs, voided = [], set(), []
    for appeal in appeals:
        for rating, seq in appeal.given_ratings():
            given.append(rating)
            seqs.update((seq,) if seq is not None else appeal.seqs)
        voided.extend(item.to_dict() for item in appeal.voided)
    satisfied = SATISFIED if basic_satisfied else tuple(
        r for r in SATISFIED if r != "basically_satisfied")
    hits = sum(1 for rating in given if rating in satisfied)
    value = Fraction(hits, len(given)) if given else None
    return Figure(Measure.SATISFACTION.value, hits, len(given), value, value,
                  tuple(sorted(seqs)),
                  {"voided": sorted(voided, key=lambda item: item["seq"])} if voided else {})


def redo(appeals: Sequence[facts.AppealFact]) -> Figure:
    counted = [a for a in appeals if a.given_ratings() or a.sent_back > 0]
    return _rate(Measure.REDO, counted, sum(1 for a in counted if a.sent_back > 0),
                 lower_is_better=True)


def appeal_figures(appeals: Sequence[facts.AppealFact], as_of: dt.datetime) -> dict[str, Figure]:
    return {Measure.SIGNING.value: signing(appeals, as_of),
            Measure.COMPLETION.value: completion(appeals, as_of),
            Measure.REPLY.value: reply(appeals, as_of),
            Measure.SATISFACTION.value: satisfaction(appeals),
            Measure.REDO.value: redo(appeals)}


def hotline_figure(measure: Measure, rate) -> Figure:
    """A hotline measure of the year as a figure: `rate` has its numerator, denominator and
    seqs (`measures.Rate`); a return is better the rarer it is."""
    value = Fraction(rate.numerator, rate.denominator) if rate.denominator else None
    part = None if value is None else (1 - value if measure is Measure.RETURNS else value)
    return Figure(measure.value, rate.numerator, rate.denominator, value, part,
                  tuple(rate.seqs))


# -- supervision, deliverables, the round ----------------------------------------------------

def supervision_received(steps: Sequence[tuple[str, int]], scoring: Scoring) -> Figure:
    by_step: dict[str, dict] = {}
    points = 0
    for n, (step, seq) in enumerate(steps):
        if step not in STEPS:
            raise UnknownStep(f"supervision[{n}]", step, list(STEPS))
        entry = by_step.setdefault(step, {"label": STEPS[step], "count": 0, "seqs": []})
        entry["count"] += 1
        entry["seqs"].append(seq)
        points += scoring.step_points[step]
    for entry in by_step.values():
        entry["seqs"] = tuple(sorted(entry["seqs"]))
    cap = scoring.supervision_cap
    part = max(Fraction(0), 1 - Fraction(points, cap))
    return Figure(Measure.SUPERVISION.value, points, cap, Fraction(points), part,
                  tuple(sorted(seq for _, seq in steps)), {"by_step": by_step})


def deliverables_on_time(matters: Sequence[facts.TrackedMatter], as_of: dt.datetime) -> Figure:
    on_time, late, missing, pending = [], [], [], []
    for matter in matters:
        if matter.done_at is not None:
            (late if matter.due_at is not None and matter.done_at > matter.due_at
             else on_time).append(matter)
        elif matter.due_at is not None and matter.due_at < as_of:
            missing.append(matter)
        else:
            pending.append(matter)
    counted = on_time + late + missing
    return _rate(Measure.DELIVERABLES, counted, len(on_time), detail={
        "on_time": len(on_time), "late": len(late), "missing": len(missing),
        "pending": len(pending)})


def evaluation(ratings: Sequence[RoundRating]) -> Figure:
    marks = sum(r.work_done + r.problems_fixed for r in ratings)
    count = 2 * len(ratings)
    mean = Fraction(marks, count) if count else None
    part = None if mean is None else (mean - 1) / 4
    return Figure(Measure.EVALUATION.value, marks, count, mean, part,
                  tuple(sorted(r.seq for r in ratings)), {"ratings": len(ratings)})


# -- the whole -------------------------------------------------------------------------------

def score(figures: Mapping[str, Figure], weights: Weights) -> Fraction | None:
    scored = [(weights[code], f.part) for code, f in figures.items() if f.part is not None]
    total = sum((w for w, _ in scored), Fraction(0))
    # Supervision only deducts: a unit with nothing else to be assessed on is not scored.
    if total == 0 or all(code == Measure.SUPERVISION for code, f in figures.items()
                         if f.part is not None):
        return None
    return 100 * sum((w * part for w, part in scored), Fraction(0)) / total


def rank(scores: Mapping[str, Fraction | None]) -> list[tuple[str, int | None]]:
    """Units best first, each with its place; equal scores share one (1, 2, 2, 4)."""
    scored = sorted((u for u, s in scores.items() if s is not None),
                    key=lambda u: (-scores[u], u))
    places: list[tuple[str, int | None]] = []
    for n, unit in enumerate(scored):
        same = places and scores[places[-1][0]] == scores[unit]
        places.append((unit, places[-1][1] if same else n + 1))
    return places + [(u, None) for u in sorted(u for u, s in scores.items() if s is None)]


def month_of(at: dt.datetime) -> str:
    return office_day(at).strftime("%Y-%m")


def monthly_figures(appeals: Iterable[facts.AppealFact], as_of: dt.datetime
                    ) -> dict[str, dict[str, Figure]]:
    """The appeal measures month by month (the office month each appeal was dispatched in),
    the months in order."""
    months: dict[str, list] = {}
    for fact in appeals:
        months.setdefault(month_of(fact.dispatched_at), []).append(fact)
    return {month: appeal_figures(months[month], as_of) for month in sorted(months)}


def assess(units: Mapping[str, str], appeals: Iterable[facts.AppealFact],
           supervision: Mapping[str, Sequence[tuple[str, int]]],
           deliverables: Iterable[facts.TrackedMatter], ratings: Iterable[RoundRating], *,
           as_of: dt.datetime, year: int, scoring: Scoring = DEFAULT_SCORING,
           hotline: Mapping[str, Mapping[str, object]] | None = None) -> Assessment:
    """Every unit of `units` assessed as of `as_of` (see the module's docstring). `hotline`
    holds each unit's year of 回退率, 回访率 and 差评整改按时率 (`measures.yearly`); a unit it
    does not name has none counted."""
    empty = Figure("", 0, 0, None, None, ())
    by_unit_appeals: dict[str, list] = {u: [] for u in units}
    for fact in appeals:
        if fact.unit in by_unit_appeals:
            by_unit_appeals[fact.unit].append(fact)
    by_unit_matters: dict[str, list] = {u: [] for u in units}
    for matter in deliverables:
        if matter.unit in by_unit_matters:
            by_unit_matters[matter.unit].append(matter)
    by_unit_ratings: dict[str, list] = {u: [] for u in units}
    for rating in ratings:
        if rating.unit in by_unit_ratings:
            by_unit_ratings[rating.unit].append(rating)

    figures: dict[str, dict[str, Figure]] = {}
    # the city first, so that its series leads each measure's
    monthly: dict[str, dict[str, dict[str, Figure]]] = {
        CITY: monthly_figures([f for u in units for f in by_unit_appeals[u]], as_of)}
    for unit in units:
        led = by_unit_appeals[unit]
        figures[unit] = {
            **appeal_figures(led, as_of),
            Measure.SUPERVISION.value: supervision_received(supervision.get(unit, ()), scoring),
            Measure.DELIVERABLES.value: deliverables_on_time(by_unit_matters[unit], as_of),
            Measure.EVALUATION.value: evaluation(by_unit_ratings[unit]),
            **{m.value: hotline_figure(m, (hotline or {}).get(unit, {}).get(m.value, empty))
               for m in HOTLINE_MEASURES},
        }
        monthly[unit] = monthly_figures(led, as_of)

    scores = {unit: score(figures[unit], scoring.weights) for unit in units}
    assessed = []
    for unit, place in rank(scores):
        rate = figures[unit][Measure.SATISFACTION.value].value
        assessed.append(UnitAssessment(
            unit=unit, name=units[unit], figures=figures[unit], score=scores[unit], rank=place,
            below_floor=rate is not None and rate < scoring.satisfaction_floor))
    return Assessment(year=year, as_of=as_of, scoring=scoring, units=tuple(assessed),
                      monthly=monthly)
