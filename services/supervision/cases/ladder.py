"""The supervision ladder (督查): the steps a late matter climbs, in order, and the thresholds in
working days overdue at which each falls due. notice 二(五)

A matter its unit has let pass its date is first chased by telephone (电话催办), then sent a
supervision notice (督查通知书) it must answer, then inspected on site (实地督查), its head
called to an admonitory interview (约谈), and at last listed for supervision (挂牌督办). The
office sets the thresholds (`Thresholds`) and may change them: `LadderSettings` records each
change as a fact, so the ladder a case climbed can be read back for any day.

Plain Python, no I/O.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.envelope import format_time
from kernel.vocabulary import LabelledEnum
from services.supervision.cases.events import EVENTS
from services.supervision.cases import rules
from services.supervision.cases.exceptions import (
    InvalidThreshold,
    ThresholdMissing,
    ThresholdsNotAscending,
    UnknownStep,
)


class Step(LabelledEnum):
    """The ladder's steps, lowest first: a case climbs them one at a time, never down."""

    REMINDER = "reminder", "电话催办"
    NOTICE = "notice", "督查通知书"
    INSPECTION = "inspection", "实地督查"
    INTERVIEW = "interview", "约谈"
    LISTED = "listed", "挂牌督办"

    @property
    def rank(self) -> int:
        return STEPS.index(self)


STEPS: tuple[Step, ...] = tuple(Step)
# A threshold is a count of working days: up to a working year.
THRESHOLD_RANGE = (0, 365)


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """Working days overdue at which each step is due, each above the one before.

    The defaults: a reminder the first working day after the date, a notice after three, an
    inspection after five, an interview after eight, listed supervision after ten."""

    reminder: int = 1
    notice: int = 3
    inspection: int = 5
    interview: int = 8
    listed: int = 10

    def __post_init__(self):
        low, high = THRESHOLD_RANGE
        before: Step | None = None
        for step in STEPS:
            value = getattr(self, step.value)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise InvalidThreshold(step.value, value, low, high)
            if before is not None and value <= self.days(before):
                raise ThresholdsNotAscending(step.value, value, before.value, self.days(before))
            before = step

    @classmethod
    def from_dict(cls, data: Mapping) -> Thresholds:
        """Thresholds from their wire or event shape (step code → working days), every step
        named once and nothing else."""
        if not isinstance(data, Mapping):
            raise ThresholdMissing(STEPS[0].value)
        for name in data:
            if name not in Step.codes():
                raise UnknownStep(name, Step.codes())
        for step in STEPS:
            if step.value not in data or data[step.value] is None:
                raise ThresholdMissing(step.value)
        return cls(**{step.value: data[step.value] for step in STEPS})

    def to_dict(self) -> dict[str, int]:
        return {step.value: self.days(step) for step in STEPS}

    def days(self, step: Step) -> int:
        return getattr(self, Step(step).value)


DEFAULT_THRESHOLDS = Thresholds()


def step_due(overdue_working_days: int, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Step | None:
    """The highest step due for a matter `overdue_working_days` past its date; None while no
    step is (not late, or late by fewer days than the reminder's threshold)."""
    if overdue_working_days < 0:
        return None
    due = None
    for step in STEPS:
        if overdue_working_days >= thresholds.days(step):
            due = step
    return due


def next_step(reached: Step | None) -> Step | None:
    """The step after `reached` (the first step when none is): None above the top."""
    if reached is None:
        return STEPS[0]
    place = Step(reached).rank + 1
    return STEPS[place] if place < len(STEPS) else None


# The one stream holding the office's thresholds: every change a fact on it.
SETTINGS_ID = "supervision-thresholds"


class LadderSettings(Aggregate):
    """The thresholds as the office has set them (the defaults until it does)."""

    stream_type = "supervision_thresholds"
    events = EVENTS

    def __init__(self, stream_id: str = SETTINGS_ID):
        super().__init__(stream_id)
        self.thresholds = DEFAULT_THRESHOLDS
        self.set_at: str | None = None
        self.set_by: str | None = None

    def _check(self, command: str, actor: Actor) -> None:
        rules.SETTINGS_RULES[command].check_role(actor)

    def set_thresholds(self, thresholds: Mapping, *, at: dt.datetime,
                       actor: Actor) -> list[Fact]:
        """The office's new thresholds, in force from `at` for every case's next step."""
        at = self._begin("set_thresholds", at, actor)
        new = Thresholds.from_dict(thresholds)
        return [self._record_fact("SupervisionThresholdsSet", {
            "thresholds": new.to_dict(), "previous": self.thresholds.to_dict()}, at, actor)]

    def when_SupervisionThresholdsSet(self, fact: Fact) -> None:
        self.thresholds = Thresholds.from_dict(fact.payload["thresholds"])
        self.set_at, self.set_by = format_time(fact.occurred_at), fact.actor

    def snapshot(self) -> dict:
        return {"thresholds": self.thresholds.to_dict(), "set_at": self.set_at,
                "set_by": self.set_by, "version": self.version,
                "labels": Step.labels()}
