"""Expert help and matchmaking, recorded as activities with the enterprises they served and what
came of them. notice 二(三)3

- a consultation (企业问诊) of the expert advisory group (专家精准帮扶顾问团): its experts, the
  enterprises, the topic, and the advice given;
- a matchmaking (对接活动): financing with banks (银企对接) or the industry chain with leading
  firms (产业链对接), its partners and enterprises.
Each is recorded once it has taken place; its outcome may be added later, as it becomes known
(loans granted, contracts signed).

Plain Python, no I/O: state changes only in the `when_<Fact>` methods.
"""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.envelope import format_time
from services.liaison.fieldwork.events import EVENTS
from services.liaison.fieldwork.domain import inputs
from services.liaison.fieldwork.exceptions import (
    ActivityNotFound, AlreadyExists, UnitNotOwner, RoleNotAllowed,
)
from services.liaison.fieldwork.vocabulary import MatchmakingKind

# The office (the leading group's, which hosts the advisory group) and the units organising
# them record activities; a unit officer records its own unit's.
ORGANISERS = ("office", "unit_officer")


class Activity(Aggregate):
    events = EVENTS
    what: ClassVar[str] = ""
    recorded_type: ClassVar[str] = ""
    outcome_type: ClassVar[str] = ""

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.details: dict = {}
        self.outcomes: list[dict] = []
        self.recorded_at: str | None = None

    @classmethod
    def _check_organiser(cls, actor: Actor, unit: str, doing: str) -> None:
        if actor.role not in ORGANISERS:
            raise RoleNotAllowed(actor.role, doing, ORGANISERS)
        if actor.role == "unit_officer" and actor.unit != unit:
            raise UnitNotOwner(actor.unit, unit, doing)

    @classmethod
    def _begin_record(cls, activity_id: str, unit, at, actor: Actor, existing) -> tuple:
        at = checks.moment(at)
        unit = checks.text("unit", unit, inputs.CODE_LIMIT)
        cls._check_organiser(actor, unit, f"record a {cls.what}")
        if existing is not None and existing.exists:
            raise AlreadyExists(cls.what, activity_id)
        return cls(checks.text("id", activity_id, inputs.CODE_LIMIT)), unit, at

    def record_outcome(self, *, outcome: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = checks.moment(at)
        if not self.exists:
            raise ActivityNotFound(self.what, self.id)
        self._check_organiser(actor, self.details["unit"], f"record a {self.what}'s outcome")
        return [self._record_fact(self.outcome_type, {
            "outcome": checks.text("outcome", outcome, inputs.TEXT_LIMIT)}, at, actor)]

    def _recorded(self, fact: Fact) -> None:
        self.details = dict(fact.payload)
        self.recorded_at = format_time(fact.occurred_at)
        if fact.payload.get("outcome"):
            self.outcomes.append({"outcome": fact.payload["outcome"], "at": self.recorded_at})

    def _outcome(self, fact: Fact) -> None:
        self.outcomes.append({"outcome": fact.payload["outcome"],
                              "at": format_time(fact.occurred_at)})

    def snapshot(self) -> dict:
        return {"id": self.id, "version": self.version, **self.details,
                "recorded_at": self.recorded_at, "outcomes": [dict(o) for o in self.outcomes]}


class Consultation(Activity):
    """企业问诊 by the expert advisory group (专家精准帮扶顾问团)."""

    stream_type = "consultation"
    what = "consultation"
    recorded_type = "ConsultationHeld"
    outcome_type = "ConsultationOutcomeRecorded"

    @classmethod
    def record(cls, consultation_id: str, *, unit: str, date, experts, enterprises, topic: str,
               advice: str, outcome: str = "", at: dt.datetime, actor: Actor,
               existing: "Consultation | None" = None) -> "Consultation":
        consultation, unit, at = cls._begin_record(consultation_id, unit, at, actor, existing)
        consultation._record_fact(cls.recorded_type, {
            "unit": unit,
            "date": inputs.past_date("date", date, at),
            "experts": inputs.names("experts", experts, "expert", required=True),
            "enterprises": inputs.credit_codes("enterprises", enterprises, required=True),
            "topic": checks.text("topic", topic, inputs.TITLE_LIMIT),
            "advice": checks.text("advice", advice, inputs.TEXT_LIMIT),
            "outcome": checks.optional_text("outcome", outcome, inputs.TEXT_LIMIT),
        }, at, actor)
        return consultation

    def when_ConsultationHeld(self, fact: Fact) -> None:
        self._recorded(fact)

    def when_ConsultationOutcomeRecorded(self, fact: Fact) -> None:
        self._outcome(fact)


class Matchmaking(Activity):
    """银企对接 (banks) or 产业链对接 (leading firms)."""

    stream_type = "matchmaking"
    what = "matchmaking"
    recorded_type = "MatchmakingHeld"
    outcome_type = "MatchmakingOutcomeRecorded"

    @classmethod
    def record(cls, matchmaking_id: str, *, unit: str, kind: str, date, title: str, partners,
               enterprises, outcome: str = "", at: dt.datetime, actor: Actor,
               existing: "Matchmaking | None" = None) -> "Matchmaking":
        matchmaking, unit, at = cls._begin_record(matchmaking_id, unit, at, actor, existing)
        matchmaking._record_fact(cls.recorded_type, {
            "unit": unit,
            "kind": checks.code("kind", kind, MatchmakingKind).value,
            "date": inputs.past_date("date", date, at),
            "title": checks.text("title", title, inputs.TITLE_LIMIT),
            # banks for financing, leading firms for the industry chain
            "partners": inputs.names("partners", partners, "bank or leading firm",
                                     required=True),
            "enterprises": inputs.credit_codes("enterprises", enterprises, required=True),
            "outcome": checks.optional_text("outcome", outcome, inputs.TEXT_LIMIT),
        }, at, actor)
        return matchmaking

    def when_MatchmakingHeld(self, fact: Fact) -> None:
        self._recorded(fact)

    def when_MatchmakingOutcomeRecorded(self, fact: Fact) -> None:
        self._outcome(fact)
