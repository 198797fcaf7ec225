"""The ladder (notice 二(五)): its steps in order with their Chinese names, the step due at each
count of working days overdue, the office's thresholds validated field by field, and changed by
the office alone, as a fact."""
from __future__ import annotations

import datetime as dt

import pytest

from kernel.actor import SYSTEM, Actor
from kernel.clock import OFFICE_TIME
from services.supervision.cases.exceptions import (
    InvalidThreshold,
    RoleNotAllowed,
    ThresholdMissing,
    ThresholdsNotAscending,
    UnknownStep,
)
from services.supervision.cases.ladder import (
    DEFAULT_THRESHOLDS,
    STEPS,
    LadderSettings,
    Step,
    Thresholds,
    next_step,
    step_due,
)

AT = dt.datetime(2026, 9, 1, 10, tzinfo=OFFICE_TIME)
OFFICE = Actor(sub="clerk-li", role="office")


def test_the_steps_in_order_with_their_names():
    assert [(s.value, s.label) for s in STEPS] == [
        ("reminder", "电话催办"), ("notice", "督查通知书"), ("inspection", "实地督查"),
        ("interview", "约谈"), ("listed", "挂牌督办")]
    assert [next_step(s) for s in (None, *STEPS)] == [*STEPS, None]


@pytest.mark.parametrize("days, due", [
    (-3, None), (0, None), (1, Step.REMINDER), (2, Step.REMINDER), (3, Step.NOTICE),
    (4, Step.NOTICE), (5, Step.INSPECTION), (7, Step.INSPECTION), (8, Step.INTERVIEW),
    (9, Step.INTERVIEW), (10, Step.LISTED), (60, Step.LISTED)])
def test_the_step_due_by_working_days_overdue(days, due):
    assert step_due(days, DEFAULT_THRESHOLDS) is due


def test_a_reminder_threshold_of_zero_is_due_as_soon_as_the_date_passes():
    assert step_due(0, Thresholds(reminder=0)) is Step.REMINDER


@pytest.mark.parametrize("values, error, field", [
    ({"reminder": -1}, InvalidThreshold, "thresholds.reminder"),
    ({"notice": 366}, InvalidThreshold, "thresholds.notice"),
    ({"inspection": 5.5}, InvalidThreshold, "thresholds.inspection"),
    ({"listed": True}, InvalidThreshold, "thresholds.listed"),
    ({"notice": 1}, ThresholdsNotAscending, "thresholds.notice"),
    ({"interview": 10}, ThresholdsNotAscending, "thresholds.listed"),
])
def test_bad_thresholds_are_refused_naming_the_field(values, error, field):
    with pytest.raises(error) as refused:
        Thresholds(**values)
    assert refused.value.field == field
    assert field in refused.value.message


def test_thresholds_from_their_wire_shape():
    data = {"reminder": 2, "notice": 4, "inspection": 6, "interview": 7, "listed": 9}
    assert Thresholds.from_dict(data).to_dict() == data
    with pytest.raises(ThresholdMissing) as missing:
        Thresholds.from_dict({k: v for k, v in data.items() if k != "interview"})
    assert missing.value.field == "thresholds.interview"
    with pytest.raises(UnknownStep) as unknown:
        Thresholds.from_dict({**data, "warning": 1})
    assert unknown.value.field == "thresholds.warning"


def test_the_office_sets_the_thresholds_as_a_fact():
    settings = LadderSettings()
    assert settings.thresholds == DEFAULT_THRESHOLDS
    new = {"reminder": 2, "notice": 4, "inspection": 6, "interview": 7, "listed": 9}
    [fact] = settings.set_thresholds(new, at=AT, actor=OFFICE)
    assert fact.type == "SupervisionThresholdsSet"
    assert fact.payload == {"thresholds": new, "previous": DEFAULT_THRESHOLDS.to_dict()}
    replayed = LadderSettings.replay(settings.id, [fact])
    assert replayed.thresholds == Thresholds(**new)
    assert replayed.snapshot()["set_by"] == OFFICE.label


@pytest.mark.parametrize("actor", [SYSTEM, Actor(sub="s", role="supervisor"),
                                   Actor(sub="o", role="unit_officer", unit="city-hr")])
def test_only_the_office_sets_them(actor):
    with pytest.raises(RoleNotAllowed) as refused:
        LadderSettings().set_thresholds(DEFAULT_THRESHOLDS.to_dict(), at=AT, actor=actor)
    assert "office" in refused.value.message


def test_bad_thresholds_record_nothing():
    settings = LadderSettings()
    with pytest.raises(ThresholdsNotAscending):
        settings.set_thresholds({"reminder": 3, "notice": 3, "inspection": 6, "interview": 7,
                                 "listed": 9}, at=AT, actor=OFFICE)
    assert settings.pending() == [] and settings.version == 0
