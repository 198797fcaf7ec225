"""The events of the evaluation rounds (notice 二(五)2) and of the year's assessment and its
records (二(五)3): what each fact's payload holds, as its aggregate records it."""
from __future__ import annotations

from kernel.events import Catalogue, Payload, declare


class EvaluationRoundClosed(Payload):
    """The office closed the evaluation round."""

    note: str
    ratings: int


class EvaluationRoundOpened(Payload):
    """The office opened an evaluation round (评议反馈) for a window of days and the units rated."""

    closes: str
    opens: str
    title: str
    units: list


class UnitRated(Payload):
    """An enterprise a unit served rated that unit in the round, on its work done and problems fixed."""

    comment: str
    problems_fixed: int
    unit: str
    uscc: str
    work_done: int


class AccountabilityRecorded(Payload):
    """A unit was recorded as held accountable (问责)."""

    listed: int
    minimum: int
    reason: str
    seqs: list
    unit: str
    year: int


class AdmonishmentTalkRecorded(Payload):
    """An admonishment talk (诫勉谈话) was recorded for a unit, on its grounds."""

    extra_seqs: list
    grounds: list
    person: str | None
    reason: str
    seqs: list
    unit: str
    year: int


class AssessmentComputed(Payload):
    """The year's assessment (年终考核) was computed: every unit's measures, score and place, with their seqs."""

    snapshot: dict
    year: int


class CommendationRecorded(Payload):
    """The year's top units were recorded for commendation (表彰)."""

    note: str
    seqs: list
    top: int
    units: list
    year: int


class DisciplineReferralMade(Payload):
    """A unit's matter was referred to discipline inspection (移交纪检监察)."""

    note: str
    person: str | None
    seqs: list
    unit: str
    year: int


class RankingPublished(Payload):
    """The office published the year's ranking."""

    computation: int
    computed_at: str
    note: str
    of: int
    ranking: list
    seqs: list
    year: int


EVENTS = Catalogue(
    "supervision",
    declare(EvaluationRoundClosed, clause="二(五)2"),
    declare(EvaluationRoundOpened, clause="二(五)2"),
    declare(UnitRated, clause="二(五)2"),
    declare(AccountabilityRecorded, clause="二(五)3"),
    declare(AdmonishmentTalkRecorded, clause="二(五)3"),
    declare(AssessmentComputed, clause="二(五)3"),
    declare(CommendationRecorded, clause="二(五)3"),
    declare(DisciplineReferralMade, clause="二(五)3"),
    declare(RankingPublished, clause="二(五)3"),
)
