"""The year's assessment and the records made on it (notice 二(五)3: 对推进落实较好的…给予表彰。
对服务企业不到位、执行政策打折扣的单位或个人进行诫勉谈话,对不作为、乱作为、敷衍塞责的单位和个人
进行问责,对服务企业过程中发生的违纪违法行为坚决从严处理), one stream per year ("assessment",
id `assessment-<year>`):

- AssessmentComputed: the assessment's snapshot (`supervision.assessment.Assessment.to_dict`):
  measures, ranking, weights, floor, every figure's seqs. It may be computed again; the records
  rest on the latest computation.
- CommendationRecorded (表彰): the units placed within the top N of the latest ranking (equal
  scores share a place, so a tie at N is commended too), each with its place, score and seqs; a
  unit commended once for the year is not again.
- AdmonishmentTalkRecorded (诫勉谈话): a unit, or a person of it, whose unit scores below the
  threshold (60 by default) or whose satisfaction rate (满意率) is below the floor; each ground
  cites the seqs of its figure, beside any further entries the office names.
- AccountabilityRecorded (问责): a unit listed for supervision (挂牌督办) repeatedly, twice or
  more by default; it cites the seqs of the listings.
- RankingPublished: the office publishes the latest computation's ranking (each unit's place,
  name and score), after which every reader of the assessment sees it; until then other units'
  scores stay with the office, the supervision group and the leaders
  (`supervision.disclosure`). A computation is published once; a new one may be published again.
- DisciplineReferralMade (移交纪检监察): a case of misconduct the office refers, with the ledger
  entries that are its evidence (each must be an entry of the ledger: `ledger_size` is the
  ledger's size when the command runs).

Every record cites ledger seqs. Plain Python, no I/O.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.envelope import format_time
from services.supervision.assessment.events import EVENTS
from services.supervision.assessment import disclosure
from services.supervision.assessment import rules
from services.supervision.assessment.domain import Assessment
from services.supervision.assessment.exceptions import (
    AlreadyCommended,
    AlreadyPublished,
    EvidenceRequired,
    InvalidTop,
    InvalidYear,
    NotBelowThreshold,
    NothingRanked,
    NotRepeatedlyListed,
    UnitNotAssessed,
    UnknownSeq,
)
from services.supervision.assessment.rules import AssessmentStatus

FIRST_YEAR, LAST_YEAR = 2000, 2100
TOP_LIMIT = 50
SEQS_LIMIT = 1000
# notice 二(五)3 gives no figures: the defaults the office starts from.
ADMONISH_BELOW = 60          # a score (of 100) below which a unit is talked to
REPEATEDLY_LISTED = 2        # listings for supervision that call for accountability
NAME_LIMIT = checks.NAME_LIMIT


def stream_id(year: int) -> str:
    return f"assessment-{year}"


def campaign_year(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not (
            FIRST_YEAR <= value <= LAST_YEAR):
        raise InvalidYear(value, FIRST_YEAR, LAST_YEAR)
    return value


def cited(field: str, seqs: Iterable, ledger_size: int, required: bool = False) -> list[int]:
    """Ledger seqs, each an entry of the ledger of `ledger_size` entries; sorted, once each."""
    found = []
    for n, seq in enumerate(seqs or ()):
        if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= ledger_size:
            raise UnknownSeq(f"{field}[{n}]", seq, ledger_size)
        found.append(seq)
    if required and not found:
        raise EvidenceRequired()
    if len(found) > SEQS_LIMIT:
        raise checks.FieldTooLong(field, SEQS_LIMIT, len(found))
    return sorted(set(found))


class YearAssessment(Aggregate):
    stream_type = "assessment"
    events = EVENTS

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.year: int | None = None
        self.snapshot_: dict | None = None
        self.computed_at: str | None = None
        self.computations = 0
        self.commended: set[str] = set()
        self.records: list[dict] = []
        self.published: dict | None = None

    @property
    def status(self) -> str:
        return (AssessmentStatus.COMPUTED if self.snapshot_ is not None
                else AssessmentStatus.NOT_COMPUTED).value

    def _check(self, command: str, actor: Actor) -> None:
        rules.ASSESSMENT_RULES[command].check(self, actor)

    def _unit(self, unit) -> dict:
        unit = checks.text("unit", unit, checks.CODE_LIMIT)
        for assessed in self.snapshot_["units"]:
            if assessed["unit"] == unit:
                return assessed
        raise UnitNotAssessed(unit, self.year)

    # -- commands --

    def compute(self, assessment: Assessment, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        """Record the assessment as computed from the ledger's facts."""
        at = self._begin("compute", at, actor)
        year = campaign_year(assessment.year)
        if self.year is not None and year != self.year:
            raise InvalidYear(year, self.year, self.year)
        return [self._record_fact("AssessmentComputed", {
            "year": year, "snapshot": assessment.to_dict()}, at, actor)]

    def commend(self, *, top: int, note: str = "", at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("commend", at, actor)
        if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= TOP_LIMIT:
            raise InvalidTop(top, TOP_LIMIT)
        placed = [u for u in self.snapshot_["units"] if u["rank"] is not None and u["rank"] <= top]
        if not placed:
            raise NothingRanked()
        fresh = [u for u in placed if u["unit"] not in self.commended]
        if not fresh:
            raise AlreadyCommended([u["unit"] for u in placed])
        units = [{"unit": u["unit"], "name": u["name"], "rank": u["rank"], "score": u["score"],
                  "seqs": u["seqs"]} for u in fresh]
        return [self._record_fact("CommendationRecorded", {
            "year": self.year, "top": top, "units": units,
            "note": checks.optional_text("note", note, checks.TEXT_LIMIT),
            "seqs": sorted({s for u in units for s in u["seqs"]}),
        }, at, actor)]

    def admonish(self, *, unit: str, reason: str, person: str | None = None, seqs=(),
                 ledger_size: int, threshold: float = ADMONISH_BELOW, at: dt.datetime,
                 actor: Actor) -> list[Fact]:
        at = self._begin("admonish", at, actor)
        assessed = self._unit(unit)
        floor = self.snapshot_["scoring"]["satisfaction_floor"]
        satisfaction = assessed["figures"]["satisfaction"]
        grounds = []
        if assessed["score"] is not None and assessed["score"] < threshold:
            grounds.append({"measure": "score", "value": assessed["score"],
                            "threshold": threshold, "seqs": assessed["seqs"]})
        if assessed["below_floor"]:
            grounds.append({"measure": "satisfaction", "value": satisfaction["value"],
                            "threshold": floor, "numerator": satisfaction["numerator"],
                            "denominator": satisfaction["denominator"],
                            "seqs": satisfaction["seqs"]})
        if not grounds:
            raise NotBelowThreshold(assessed["unit"], assessed["score"], threshold,
                                    satisfaction["value"], floor)
        extra = cited("seqs", seqs, ledger_size)
        return [self._record_fact("AdmonishmentTalkRecorded", {
            "year": self.year, "unit": assessed["unit"],
            "person": checks.optional_text("person", person, NAME_LIMIT) or None,
            "reason": checks.text("reason", reason, checks.TEXT_LIMIT),
            "grounds": grounds, "extra_seqs": extra,
            "seqs": sorted({s for g in grounds for s in g["seqs"]} | set(extra)),
        }, at, actor)]

    def hold_accountable(self, *, unit: str, reason: str, minimum: int = REPEATEDLY_LISTED,
                         at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("hold_accountable", at, actor)
        assessed = self._unit(unit)
        steps = assessed["figures"]["supervision"]["detail"].get("by_step", {})
        listed = list(steps.get("listed", {}).get("seqs", []))
        if len(listed) < minimum:
            raise NotRepeatedlyListed(assessed["unit"], len(listed), minimum)
        return [self._record_fact("AccountabilityRecorded", {
            "year": self.year, "unit": assessed["unit"],
            "reason": checks.text("reason", reason, checks.TEXT_LIMIT),
            "listed": len(listed), "minimum": minimum, "seqs": sorted(listed),
        }, at, actor)]

    def refer(self, *, unit: str, note: str, seqs, ledger_size: int, person: str | None = None,
              at: dt.datetime, actor: Actor) -> list[Fact]:
        """移交纪检监察: any unit (assessed or not), with the entries that are the evidence."""
        at = self._begin("refer", at, actor)
        return [self._record_fact("DisciplineReferralMade", {
            "year": campaign_year(int(self.id.rsplit("-", 1)[1])),
            "unit": checks.text("unit", unit, checks.CODE_LIMIT),
            "person": checks.optional_text("person", person, NAME_LIMIT) or None,
            "note": checks.text("note", note, checks.TEXT_LIMIT),
            "seqs": cited("seqs", seqs, ledger_size, required=True),
        }, at, actor)]

    def publish(self, *, note: str = "", at: dt.datetime, actor: Actor) -> list[Fact]:
        """The office publishes the latest computation's ranking: a recorded act, after which
        every reader of the assessment is shown it."""
        at = self._begin("publish", at, actor)
        if self.published is not None and self.published["computation"] == self.computations:
            raise AlreadyPublished(self.computations)
        ranking = disclosure.publication(self.snapshot_)
        return [self._record_fact("RankingPublished", {
            "year": self.year, "computation": self.computations,
            "computed_at": self.computed_at, "ranking": ranking,
            "of": disclosure.ranked_count(ranking),
            "note": checks.optional_text("note", note, checks.TEXT_LIMIT),
            "seqs": sorted({s for u in self.snapshot_["units"] for s in u["seqs"]}),
        }, at, actor)]

    # -- facts applied --

    def when_AssessmentComputed(self, fact: Fact) -> None:
        self.year = fact.payload["year"]
        self.snapshot_ = fact.payload["snapshot"]
        self.computed_at = format_time(fact.occurred_at)
        self.computations += 1

    def _record_made(self, kind: str, fact: Fact) -> None:
        self.records.append({"kind": kind, "at": format_time(fact.occurred_at),
                             "by": fact.actor, **fact.payload})

    def when_CommendationRecorded(self, fact: Fact) -> None:
        self.commended |= {u["unit"] for u in fact.payload["units"]}
        self._record_made("commendation", fact)

    def when_AdmonishmentTalkRecorded(self, fact: Fact) -> None:
        self._record_made("admonishment_talk", fact)

    def when_AccountabilityRecorded(self, fact: Fact) -> None:
        self._record_made("accountability", fact)

    def when_RankingPublished(self, fact: Fact) -> None:
        self.published = {"at": format_time(fact.occurred_at), "by": fact.actor,
                          **{key: fact.payload[key] for key in
                             ("computation", "computed_at", "ranking", "of")}}

    def when_DisciplineReferralMade(self, fact: Fact) -> None:
        self.year = self.year or fact.payload["year"]
        self._record_made("discipline_referral", fact)

    def snapshot(self) -> dict:
        return {"id": self.id, "version": self.version, "year": self.year,
                "status": self.status, "computed_at": self.computed_at,
                "computations": self.computations, "assessment": self.snapshot_,
                "records": [dict(r) for r in self.records],
                "published": dict(self.published) if self.published else None}
