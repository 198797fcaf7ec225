"""The year-end assessment (年终考核) of a small case worked out by hand: three units, twelve
appeals with known times and ratings, one evaluation round, the supervision each received and
the action's deliverables. Every expected figure is a literal, its arithmetic in the comment
beside it, measure by measure (the measures as `supervision.assessment` defines them)."""
import datetime as dt
from fractions import Fraction as F

import pytest

from kernel.clock import OFFICE_TIME
from services.supervision.assessment import domain as assessment
from services.supervision.assessment.domain import RoundRating, Scoring, Weights, assess
from services.supervision.assessment.exceptions import (
    InvalidFloor,
    InvalidWeight,
    UnknownMeasure,
    UnknownStep,
    WeightsDoNotSumToOne,
)
from services.supervision.facts import DELIVERABLE, AppealFact, TrackedMatter

A, B, C = "zhanggong", "ganxian", "city_finance"
UNITS = {A: "章贡区", B: "赣县区", C: "市财政局"}
AS_OF = dt.datetime(2026, 12, 31, 0, 0, tzinfo=OFFICE_TIME)


def t(month: int, day: int, hour: int = 9, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=OFFICE_TIME)


def due(month: int, day: int, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, 23, 59, 59, tzinfo=OFFICE_TIME)


def appeal(appeal_id, unit, dispatched, sign_due, signed, resolution_due, resolved, replied,
           rating, sent_back, seqs):
    return AppealFact(appeal_id=appeal_id, unit=unit, dispatched_at=dispatched, sign_due=sign_due,
                      signed_at=signed, resolution_due=resolution_due, resolved_at=resolved,
                      replied=replied, rating=rating, sent_back=sent_back, seqs=seqs)


APPEALS = [
    # 章贡区 (A)
    appeal("A1", A, t(5, 4), due(5, 5), t(5, 5), due(5, 20), t(5, 18), True, "satisfied", 0,
           (1, 2, 3, 4)),
    appeal("A2", A, t(5, 10), due(5, 11), t(5, 12), due(5, 28), t(5, 27), True,
           "basically_satisfied", 0, (5, 6, 7, 8)),           # signed a day late
    appeal("A3", A, t(6, 2), due(6, 3), t(6, 3), due(7, 10), t(7, 8), True, "satisfied", 1,
           (9, 10, 11, 12, 13, 14)),                          # sent back once, redone in time
    appeal("A4", A, t(6, 15), due(6, 16), t(6, 16), due(7, 1), None, False, None, 0,
           (15, 16)),                                         # never resolved, due long past
    appeal("A5", A, t(12, 28), due(12, 29), t(12, 29), due(1, 20, 2027), None, False, None, 0,
           (17, 18)),                                         # resolution not yet due
    # 赣县区 (B)
    appeal("B1", B, t(5, 6), due(5, 7), t(5, 8), due(6, 10), None, True, "unsatisfied", 1,
           (19, 20, 21, 22, 23)),                             # late, sent back, not redone
    appeal("B2", B, t(7, 1), due(7, 2), t(7, 2), due(7, 20), t(7, 15), True,
           "basically_satisfied", 0, (24, 25, 26, 27)),
    appeal("B3", B, t(8, 3), due(8, 4), None, None, None, False, None, 0,
           (28,)),                                            # never signed for
    appeal("B4", B, t(9, 1), due(9, 2), t(9, 2), due(9, 20), t(9, 25), True, "satisfied", 1,
           (29, 30, 31, 32, 33, 34)),                         # sent back once, redone late
    # 市财政局 (C)
    appeal("C1", C, t(5, 8), due(5, 9), t(5, 9), due(5, 30), t(5, 29), True, "satisfied", 0,
           (35, 36, 37, 38)),
    appeal("C2", C, t(10, 9), due(10, 10), t(10, 10), due(10, 30), t(10, 28), True, "satisfied",
           0, (39, 40, 41, 42)),
    appeal("C3", C, t(11, 2), due(11, 3), t(11, 3), due(11, 20), t(11, 19), True, None, 0,
           (43, 44, 45)),                                     # resolved, not rated
    # a provincial office's appeal: not a unit assessed, left out
    appeal("P1", "province", t(5, 4), due(5, 5), None, None, None, False, None, 0, (46,)),
]

SUPERVISION = {
    A: [("reminder", 101)],
    B: [("reminder", 102), ("notice", 103), ("listed", 104), ("listed", 105)],
}


def matter(n, unit, due_at, done_at, seqs):
    return TrackedMatter(matter_id=f"deliverable:d{n}:{unit}", kind=DELIVERABLE,
                         stream_id=f"d{n}", unit=unit, due_at=due_at, done_at=done_at, seqs=seqs)


DELIVERABLES = [
    matter(7, A, due(12, 30), t(12, 28), (201, 202)),         # summary report, on time
    matter(4, B, due(5, 25), t(5, 27), (203, 204)),           # survey, late
    matter(7, B, due(12, 30), None, (205,)),                  # summary report, missing
    matter(2, C, due(5, 15), t(5, 14), (206, 207)),           # implementation rules, on time
    matter(3, C, due(5, 20), t(5, 20, 17), (208, 209)),       # portal publication, on the day
    matter(7, C, due(12, 30), t(12, 30), (210, 211)),         # summary report, on the day
    matter(8, C, due(1, 15, 2027), None, (212,)),             # not yet due: pending
]

RATINGS = [
    RoundRating(A, "91360700MA35G0000X", 4, 5, 301),
    RoundRating(A, "91360700MA35G0001X", 3, 4, 302),
    RoundRating(B, "91360700MA35G0002X", 2, 2, 303),
    RoundRating(B, "91360700MA35G0003X", 3, 1, 304),
    RoundRating(C, "91360700MA35G0004X", 5, 5, 305),
]


@pytest.fixture(scope="module")
def result():
    return assess(UNITS, APPEALS, SUPERVISION, DELIVERABLES, RATINGS, as_of=AS_OF, year=2026)


def figure(result, unit, measure):
    f = result.unit(unit).figures[measure]
    return f.numerator, f.denominator, f.value, f.part


def test_on_time_signing(result):
    # A: all five signed; A2 signed 5-12 after its 5-11 due → on time A1, A3, A4, A5 = 4 of 5
    assert figure(result, A, "signing") == (4, 5, F(4, 5), F(4, 5))
    # B: B3 never signed, its 8-04 due passed → settled, late; B1 signed 5-08 after 5-07;
    #    on time B2, B4 = 2 of 4
    assert figure(result, B, "signing") == (2, 4, F(1, 2), F(1, 2))
    # C: C1, C2, C3 each signed on its due day = 3 of 3
    assert figure(result, C, "signing") == (3, 3, F(1), F(1))


def test_on_time_completion(result):
    # A: settled A1 (5-18 ≤ 5-20), A2 (5-27 ≤ 5-28), A3 (7-08 ≤ 7-10, the due the send-back
    #    set), A4 (unresolved, 7-01 passed); A5's 2027-01-20 not yet come → 3 of 4
    assert figure(result, A, "completion") == (3, 4, F(3, 4), F(3, 4))
    # B: settled B1 (unresolved, 6-10 passed), B2 (7-15 ≤ 7-20), B4 (9-25 > 9-20); B3 has no
    #    resolution due (never signed) → 1 of 3
    assert figure(result, B, "completion") == (1, 3, F(1, 3), F(1, 3))
    # C: 5-29 ≤ 5-30, 10-28 ≤ 10-30, 11-19 ≤ 11-20 → 3 of 3
    assert figure(result, C, "completion") == (3, 3, F(1), F(1))


def test_reply_rate(result):
    # A: owed A1, A2, A3 (replied) and A4 (7-01 passed, no answer); A5 not yet owed → 3 of 4
    assert figure(result, A, "reply") == (3, 4, F(3, 4), F(3, 4))
    # B: B1, B2, B4 replied; B3 owed by its sign due 8-04 (no resolution due), no answer
    #    → 3 of 4
    assert figure(result, B, "reply") == (3, 4, F(3, 4), F(3, 4))
    assert figure(result, C, "reply") == (3, 3, F(1), F(1))


def test_satisfaction_rate_and_floor(result):
    # A: rated A1 satisfied, A2 basically satisfied, A3 satisfied → 3 of 3
    assert figure(result, A, "satisfaction") == (3, 3, F(1), F(1))
    # B: rated B1 unsatisfied, B2 basically, B4 satisfied → 2 of 3 = 66.67% < 85%
    assert figure(result, B, "satisfaction") == (2, 3, F(2, 3), F(2, 3))
    # C: C1, C2 satisfied; C3 not rated → 2 of 2
    assert figure(result, C, "satisfaction") == (2, 2, F(1), F(1))
    assert result.below_floor == [B]
    assert [u.below_floor for u in result.units] == [False, False, True]


def test_redo_rate(result):
    # A: judged A1, A2, A3 (rated); A3 sent back once → 1 of 3; part 1 − 1/3 = 2/3
    assert figure(result, A, "redo") == (1, 3, F(1, 3), F(2, 3))
    # B: judged B1, B2, B4; B1 and B4 sent back → 2 of 3; part 1/3
    assert figure(result, B, "redo") == (2, 3, F(2, 3), F(1, 3))
    # C: judged C1, C2; none sent back → 0 of 2; part 1
    assert figure(result, C, "redo") == (0, 2, F(0), F(1))


def test_supervision_received(result):
    # A: one reminder = 1 point; part 1 − 1/20 = 19/20
    assert figure(result, A, "supervision") == (1, 20, F(1), F(19, 20))
    # B: reminder 1 + notice 2 + listed 5 + listed 5 = 13 points; part 1 − 13/20 = 7/20
    assert figure(result, B, "supervision") == (13, 20, F(13), F(7, 20))
    # C: none; part 1
    assert figure(result, C, "supervision") == (0, 20, F(0), F(1))
    steps = result.unit(B).figures["supervision"].detail["by_step"]
    assert {step: entry["count"] for step, entry in steps.items()} == {
        "reminder": 1, "notice": 1, "listed": 2}
    assert result.unit(B).listed == (104, 105)
    assert result.unit(A).listed == ()


def test_deliverables_on_time(result):
    # A: the summary report on 12-28 ≤ 12-30 → 1 of 1
    assert figure(result, A, "deliverables") == (1, 1, F(1), F(1))
    # B: the survey on 5-27 after 5-25 (late), the summary report missing → 0 of 2
    assert figure(result, B, "deliverables") == (0, 2, F(0), F(0))
    assert result.unit(B).figures["deliverables"].detail == {
        "on_time": 0, "late": 1, "missing": 1, "pending": 0}
    # C: three done on or before their days; the 2027-01-15 one pending, not counted → 3 of 3
    assert figure(result, C, "deliverables") == (3, 3, F(1), F(1))
    assert result.unit(C).figures["deliverables"].detail["pending"] == 1


def test_evaluation_score(result):
    # A: marks 4 + 5 + 3 + 4 = 16 over 4 marks → mean 4; part (4 − 1) / 4 = 3/4
    assert figure(result, A, "evaluation") == (16, 4, F(4), F(3, 4))
    # B: 2 + 2 + 3 + 1 = 8 over 4 → mean 2; part 1/4
    assert figure(result, B, "evaluation") == (8, 4, F(2), F(1, 4))
    # C: 5 + 5 = 10 over 2 → mean 5; part 1
    assert figure(result, C, "evaluation") == (10, 2, F(5), F(1))


def test_score_and_ranking(result):
    # weights: signing .15, completion .20, reply .10, satisfaction .20, redo .10,
    #          supervision .10, deliverables .10, evaluation .05
    # A: .15×4/5 + .20×3/4 + .10×3/4 + .20×1 + .10×2/3 + .10×19/20 + .10×1 + .05×3/4
    #    = .12 + .15 + .075 + .20 + 1/15 + .095 + .10 + .0375 = 311/400 + 1/15 = 1013/1200
    #    → 100 × 1013/1200 = 1013/12 ≈ 84.42
    assert result.unit(A).score == F(1013, 12)
    # B: .15×1/2 + .20×1/3 + .10×3/4 + .20×2/3 + .10×1/3 + .10×7/20 + .10×0 + .05×1/4
    #    = (.2 + .4 + .1)/3 + (.075 + .075 + .035 + .0125) = 7/30 + 79/400 = 517/1200
    #    → 517/12 ≈ 43.08
    assert result.unit(B).score == F(517, 12)
    # C: every part 1 → 100
    assert result.unit(C).score == F(100)
    assert [(u.unit, u.rank) for u in result.units] == [(C, 1), (A, 2), (B, 3)]
    snapshot = result.to_dict()
    assert snapshot["ranking"] == [
        {"rank": 1, "unit": C, "name": "市财政局", "score": 100.0},
        {"rank": 2, "unit": A, "name": "章贡区", "score": 84.42},
        {"rank": 3, "unit": B, "name": "赣县区", "score": 43.08},
    ]


def test_every_figure_cites_the_facts_it_counted(result):
    # A's completion counted A1-A4: their seqs, not A5's (17, 18)
    assert result.unit(A).figures["completion"].seqs == tuple(range(1, 17))
    # B's signing counted all four of B's appeals
    assert result.unit(B).figures["signing"].seqs == tuple(range(19, 35))
    # C's satisfaction counted the two rated: C1, C2
    assert result.unit(C).figures["satisfaction"].seqs == tuple(range(35, 43))
    assert result.unit(B).figures["deliverables"].seqs == (203, 204, 205)
    assert result.unit(A).figures["evaluation"].seqs == (301, 302)
    # the provincial appeal's seq 46 is nowhere
    assert 46 not in result.seqs
    assert set(result.unit(B).seqs) == {*range(19, 35), 102, 103, 104, 105, 203, 204, 205,
                                        303, 304}


def test_monthly_trends(result):
    trends = result.trends
    assert sorted(trends[A]) == ["2026-05", "2026-06", "2026-12"]
    # A in May: A1 signed on time, A2 late → 1/2; both resolved in time → 1
    assert trends[A]["2026-05"]["signing"] == F(1, 2)
    assert trends[A]["2026-05"]["completion"] == F(1)
    # A in June: A3 in time, A4 unresolved → 1/2
    assert trends[A]["2026-06"]["completion"] == F(1, 2)
    # B in August: B3 never signed → 0/1; nothing to complete
    assert trends[B]["2026-08"]["signing"] == F(0)
    assert trends[B]["2026-08"]["completion"] is None
    assert result.to_dict()["trends"][A]["2026-05"]["signing"] == 0.5


def test_monthly_trend_points_cite_their_seqs(result):
    monthly = result.monthly
    # A in May: signing and completion counted A1 (seqs 1-4) and A2 (5-8)
    assert monthly[A]["2026-05"]["signing"].seqs == tuple(range(1, 9))
    assert monthly[A]["2026-05"]["completion"].seqs == tuple(range(1, 9))
    # A in June: completion counted A3 (9-14) and A4 (15-16), in time 1 of 2
    june = monthly[A]["2026-06"]["completion"]
    assert (june.numerator, june.denominator, june.seqs) == (1, 2, tuple(range(9, 17)))
    # A in December: A5 signed 12-29 on its due day (17-18); its resolution not yet due
    assert monthly[A]["2026-12"]["signing"].seqs == (17, 18)
    assert monthly[A]["2026-12"]["completion"].seqs == ()
    # B in August: B3 (28) unsigned, counted; nothing to complete, so no seqs
    assert monthly[B]["2026-08"]["signing"].seqs == (28,)
    assert (monthly[B]["2026-08"]["completion"].value,
            monthly[B]["2026-08"]["completion"].seqs) == (None, ())


def test_the_whole_city_month_by_month(result):
    city = result.monthly[assessment.CITY]
    # months with an appeal dispatched: A 05 06 12, B 05 07 08 09, C 05 10 11
    assert list(city) == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10",
                          "2026-11", "2026-12"]
    may = city["2026-05"]
    # May: A1 (5-04), A2 (5-10), B1 (5-06), C1 (5-08); P1 (5-04, the province's) left out
    # signing: A1 5-05 ≤ 5-05, C1 5-09 ≤ 5-09 on time; A2 5-12 > 5-11, B1 5-08 > 5-07 → 2/4
    assert (may["signing"].numerator, may["signing"].denominator) == (2, 4)
    assert may["signing"].value == F(1, 2)
    assert may["signing"].seqs == (*range(1, 9), *range(19, 24), *range(35, 39))
    # completion: A1, A2, C1 in time; B1 unresolved past 6-10 → 3/4
    assert may["completion"].value == F(3, 4)
    # satisfaction: A1 satisfied, A2 basically, C1 satisfied, B1 unsatisfied → 3/4
    assert may["satisfaction"].value == F(3, 4)
    # redo: judged A1, A2, B1, C1; B1 sent back → 1/4
    assert may["redo"].value == F(1, 4)
    # August: B3 alone (28), never signed → 0/1
    assert (city["2026-08"]["signing"].value, city["2026-08"]["signing"].seqs) == (F(0), (28,))
    # the province's seq is in no month of the city
    assert all(46 not in f.seqs for month in city.values() for f in month.values())
    # the units' trends are the units' only
    assert assessment.CITY not in result.trends


def test_the_stored_snapshot_carries_the_series_the_report_draws(result):
    import dataclasses
    import json

    from services.supervision.report import render as report

    stored = json.loads(json.dumps(result.to_dict()))   # as the AssessmentComputed event
    series = stored["trend_series"]
    # per appeal measure: the city, then A, B, C (each had appeals)
    assert [(s["measure"], s["unit"]) for s in series[:4]] == [
        ("signing", ""), ("signing", A), ("signing", B), ("signing", C)]
    assert [s["measure"] for s in series[::4]] == [
        "signing", "completion", "reply", "satisfaction", "redo"]
    assert series[0]["points"][0] == {"month": "2026-05", "value": 0.5, "seqs": [
        *range(1, 9), *range(19, 24), *range(35, 39)]}
    a_june_completion = next(s for s in series if (s["measure"], s["unit"]) == (
        "completion", A))["points"][1]
    assert a_june_completion == {"month": "2026-06", "value": 0.5, "seqs": list(range(9, 17))}

    # the same series the report computes from the Assessment and its appeal facts
    drawn = report.from_assessment(result, appeals=APPEALS).trends
    assert [(t.measure, t.unit) for t in drawn] == [(s["measure"], s["unit"]) for s in series]
    for trend, mine in zip(drawn, series):
        assert [(p.month, p.seqs) for p in trend.points] == [
            (p["month"], tuple(p["seqs"])) for p in mine["points"]]
        for point, stored_point in zip(trend.points, mine["points"]):
            # the stored values are rounded to four places, the report's exact
            assert (point.value is None) == (stored_point["value"] is None)
            if point.value is not None:
                assert point.value == pytest.approx(stored_point["value"], abs=5e-5)

    # rendered from the stored dict with its series: the city's line and the points' seqs
    snapshot = dataclasses.replace(report.from_assessment(stored), trends=tuple(
        report.Trend(measure=s["measure"], unit=s["unit"], points=tuple(
            report.TrendPoint(p["month"], p["value"], tuple(p["seqs"])) for p in s["points"]))
        for s in series))
    board = json.loads(report.render(snapshot, "json")[2])
    assert board["trends"][0]["name"] == "全市"
    assert board["trends"][0]["points"][0]["seqs"] == series[0]["points"][0]["seqs"]


def test_snapshot_shape(result):
    snapshot = result.to_dict()
    assert snapshot["year"] == 2026
    assert snapshot["as_of"] == "2026-12-30T16:00:00.000000Z"
    assert [m["code"] for m in snapshot["measures"]] == [
        "signing", "completion", "reply", "satisfaction", "redo", "supervision",
        "deliverables", "evaluation", "returns", "callback", "rectification"]
    # The hotline measures weigh nothing by default, and none is counted without their facts.
    assert snapshot["scoring"]["weights"]["returns"] == 0.0
    assert snapshot["units"][2]["figures"]["returns"]["denominator"] == 0
    assert snapshot["below_floor"] == [B]
    b = snapshot["units"][2]
    assert b["unit"] == B and b["rank"] == 3 and b["below_floor"] is True
    assert b["figures"]["satisfaction"] == {
        "label": "满意率", "numerator": 2, "denominator": 3, "value": 0.6667, "part": 0.6667,
        # B1, B2, B4 rated; B3 (seq 28) not
        "seqs": [*range(19, 28), *range(29, 35)], "detail": {}}
    assert b["figures"]["supervision"]["detail"]["by_step"]["listed"] == {
        "label": "挂牌督办", "count": 2, "seqs": [104, 105]}
    assert snapshot["scoring"]["weights"]["satisfaction"] == 0.2
    assert snapshot["scoring"]["satisfaction_floor"] == 0.85


def test_weights_and_floor_change_the_outcome():
    # All on satisfaction: A 1, B 2/3, C 1 → A and C share first place (listed by code:
    # city_finance before zhanggong), B third.
    scoring = Scoring.of({"satisfaction": 1})
    result = assess(UNITS, APPEALS, SUPERVISION, DELIVERABLES, RATINGS, as_of=AS_OF, year=2026,
                    scoring=scoring)
    assert [(u.unit, u.rank, u.score) for u in result.units] == [
        (C, 1, F(100)), (A, 1, F(100)), (B, 3, F(200, 3))]
    # A floor of 60%: B's 66.67% is above it.
    assert assess(UNITS, APPEALS, SUPERVISION, DELIVERABLES, RATINGS, as_of=AS_OF, year=2026,
                  scoring=Scoring.of(satisfaction_floor=0.6)).below_floor == []


def test_a_unit_with_nothing_but_supervision_is_not_scored():
    units = {**UNITS, "idle": "某部门"}
    result = assess(units, APPEALS, {**SUPERVISION, "idle": []}, DELIVERABLES, RATINGS,
                    as_of=AS_OF, year=2026)
    idle = result.unit("idle")
    assert idle.score is None and idle.rank is None
    assert result.units[-1].unit == "idle"
    assert idle.figures["signing"].value is None
    assert idle.figures["supervision"].part == F(1)


def test_a_unit_without_ratings_is_scored_on_the_rest():
    ratings = [r for r in RATINGS if r.unit != C]
    result = assess(UNITS, APPEALS, SUPERVISION, DELIVERABLES, ratings, as_of=AS_OF, year=2026)
    # C: every other part is 1; evaluation's .05 drops out of both sums → 100 × .95/.95
    assert result.unit(C).figures["evaluation"].part is None
    assert result.unit(C).score == F(100)
    # A's parts unchanged: same score as before
    assert result.unit(A).score == F(1013, 12)


@pytest.mark.parametrize("weights, error, field", [
    ({"signing": 0.5, "completion": 0.4}, WeightsDoNotSumToOne, "weights"),
    ({"signing": 1.5, "completion": -0.5}, InvalidWeight, "weights.signing"),
    ({"speed": 1}, UnknownMeasure, "weights.speed"),
    ({"signing": "much"}, InvalidWeight, "weights.signing"),
    ({"signing": True}, InvalidWeight, "weights.signing"),
])
def test_weights_are_validated(weights, error, field):
    with pytest.raises(error) as refused:
        Weights.of(weights)
    assert refused.value.field == field


def test_weights_in_decimals_sum_exactly():
    # 0.1 + 0.2 + 0.7 is not 1.0 in binary floating point; weights are read by their spelling.
    weights = Weights.of({"signing": 0.1, "completion": 0.2, "satisfaction": 0.7})
    assert weights["completion"] == F(1, 5) and weights["evaluation"] == 0


def test_floor_and_steps_are_validated():
    with pytest.raises(InvalidFloor) as refused:
        Scoring.of(satisfaction_floor=1.2)
    assert refused.value.field == "satisfaction_floor"
    with pytest.raises(UnknownStep) as refused:
        assess(UNITS, [], {A: [("reminder", 1), ("scolding", 2)]}, [], [], as_of=AS_OF,
               year=2026)
    assert refused.value.field == "supervision[1]"


def test_rank_shares_places():
    assert assessment.rank({"a": F(90), "b": F(80), "c": F(90), "d": F(70), "e": None}) == [
        ("a", 1), ("c", 1), ("b", 3), ("d", 4), ("e", None)]
