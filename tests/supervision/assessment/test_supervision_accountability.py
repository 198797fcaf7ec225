"""The year's assessment stream: computed, then commendation (表彰), admonishment talk (诫勉谈话),
accountability (问责) and referral (移交纪检监察), each on its grounds and citing seqs; each
refusal by its named error."""
import datetime as dt

import pytest

from kernel.actor import Actor
from kernel.clock import OFFICE_TIME
from services.supervision.assessment import rules as evaluation_rules
from services.supervision.assessment.accountability import YearAssessment, stream_id
from services.supervision.assessment.domain import RoundRating, assess
from services.supervision.assessment.exceptions import (
    AlreadyCommended,
    EvidenceRequired,
    InvalidTop,
    NotBelowThreshold,
    NotComputed,
    NotRepeatedlyListed,
    RoleNotAllowed,
    UnitNotAssessed,
    UnknownSeq,
)
from services.supervision.facts import AppealFact

OFFICE = Actor(sub="clerk", role="office")
SUPERVISOR = Actor(sub="inspector", role="supervisor")
LEADER = Actor(sub="mayor", role="leader")
AT = dt.datetime(2026, 12, 31, 10, tzinfo=OFFICE_TIME)
UNITS = {"good": "好单位", "poor": "差单位"}


def fact(unit, n, rating, seq):
    day = dt.datetime(2026, 5, n, 9, tzinfo=OFFICE_TIME)
    return AppealFact(appeal_id=f"T{seq}", unit=unit, dispatched_at=day, sign_due=day,
                      signed_at=day, resolution_due=day, resolved_at=day, replied=True,
                      rating=rating, sent_back=0 if rating != "unsatisfied" else 1, seqs=(seq,))


def computed() -> YearAssessment:
    result = assess(
        UNITS,
        [fact("good", 1, "satisfied", 1), fact("poor", 2, "unsatisfied", 2),
         fact("poor", 3, "satisfied", 3)],
        {"poor": [("listed", 10), ("listed", 11)], "good": [("listed", 12)]}, [],
        [RoundRating("good", "x", 5, 5, 20)], as_of=AT, year=2026)
    year = YearAssessment(stream_id(2026))
    year.compute(result, at=AT, actor=SUPERVISOR)
    return year


def test_records_on_the_computed_assessment():
    year = computed()
    [commended] = year.commend(top=1, note="推进有力", at=AT, actor=OFFICE)
    assert [u["unit"] for u in commended.payload["units"]] == ["good"]
    assert commended.payload["seqs"] == [1, 12, 20]
    [talk] = year.admonish(unit="poor", reason="服务企业不到位", seqs=[3, 2], ledger_size=30,
                           at=AT, actor=OFFICE)
    # poor: satisfaction 1 of 2 = 50% < 85%; its score is not below 60:
    # (.15 + .20 + .10 + .20×1/2 + .10×1/2 + .10×(1 − 10/20)) / .85 = .65/.85 ≈ 76.47
    assert [g["measure"] for g in talk.payload["grounds"]] == ["satisfaction"]
    assert talk.payload["seqs"] == [2, 3]
    assert talk.payload["extra_seqs"] == [2, 3] and talk.payload["person"] is None
    [held] = year.hold_accountable(unit="poor", reason="两次挂牌督办", at=AT, actor=OFFICE)
    assert (held.payload["listed"], held.payload["seqs"]) == (2, [10, 11])
    [referral] = year.refer(unit="poor", person="李某", note="吃拿卡要", seqs=[2], ledger_size=30,
                            at=AT, actor=OFFICE)
    assert referral.payload["seqs"] == [2] and referral.payload["year"] == 2026
    again = YearAssessment.replay(year.id, year.pending())
    assert again.snapshot() == year.snapshot()
    assert [r["kind"] for r in again.records] == [
        "commendation", "admonishment_talk", "accountability", "discipline_referral"]


def test_records_wait_for_a_computation():
    year = YearAssessment(stream_id(2026))
    with pytest.raises(NotComputed):
        year.commend(top=3, at=AT, actor=OFFICE)
    with pytest.raises(NotComputed):
        year.hold_accountable(unit="poor", reason="x", at=AT, actor=OFFICE)
    # a referral needs none: misconduct is referred when found
    assert year.refer(unit="poor", note="x", seqs=[1], ledger_size=1, at=AT, actor=OFFICE)


def test_grounds_are_checked():
    year = computed()
    with pytest.raises(NotBelowThreshold) as refused:
        year.admonish(unit="good", reason="x", ledger_size=30, at=AT, actor=OFFICE)
    assert refused.value.field == "unit"
    with pytest.raises(NotRepeatedlyListed):
        year.hold_accountable(unit="good", reason="x", at=AT, actor=OFFICE)
    with pytest.raises(UnitNotAssessed):
        year.hold_accountable(unit="elsewhere", reason="x", at=AT, actor=OFFICE)
    year.commend(top=1, at=AT, actor=OFFICE)
    with pytest.raises(AlreadyCommended):
        year.commend(top=1, at=AT, actor=OFFICE)
    with pytest.raises(InvalidTop) as refused:
        year.commend(top=0, at=AT, actor=OFFICE)
    assert refused.value.field == "top"


@pytest.mark.parametrize("seqs, error, field", [
    ([], EvidenceRequired, "seqs"),
    ([31], UnknownSeq, "seqs[0]"),
    ([1, 0], UnknownSeq, "seqs[1]"),
    (["7"], UnknownSeq, "seqs[0]"),
])
def test_a_referral_cites_entries_of_the_ledger(seqs, error, field):
    with pytest.raises(error) as refused:
        computed().refer(unit="poor", note="x", seqs=seqs, ledger_size=30, at=AT, actor=OFFICE)
    assert refused.value.field == field


def test_who_may():
    year = computed()
    with pytest.raises(RoleNotAllowed):
        year.commend(top=1, at=AT, actor=LEADER)
    with pytest.raises(RoleNotAllowed):
        year.refer(unit="poor", note="x", seqs=[1], ledger_size=1, at=AT, actor=SUPERVISOR)
    assert "| refer | office |" in evaluation_rules.assessment_matrix()
