"""An evaluation round (评议反馈): opened by the office for some days and units, each enterprise a
unit served rates it once within the days, the office closes it; every refusal by its named
error, naming the field."""
import datetime as dt

import pytest

from kernel.actor import Actor
from kernel.clock import OFFICE_TIME
from kernel.errors import FieldRequired, NaiveTime
from services.supervision.assessment import rules as evaluation_rules
from services.supervision.assessment.exceptions import (
    AlreadyRated,
    EvaluationRoundExists,
    EvaluationRoundNotFound,
    InvalidDate,
    MarkOutOfRange,
    NotOwnCreditCode,
    NotServedByUnit,
    OutsideWindow,
    RoleNotAllowed,
    RoundClosed,
    UnitNotInRound,
    WindowReversed,
)
from services.supervision.assessment.evaluation import EvaluationRound

OFFICE = Actor(sub="clerk", role="office")
SUPERVISOR = Actor(sub="inspector", role="supervisor")
UNIT = Actor(sub="officer", role="unit_officer", unit="zhanggong")
ENT1, ENT2 = "91360702MA35G0QX4J", "91360700MA35F1AB2W"
ENTERPRISE = Actor(sub="boss", role="enterprise", uscc=ENT1)
OTHER = Actor(sub="boss2", role="enterprise", uscc=ENT2)
OPENED = dt.datetime(2026, 11, 30, 9, tzinfo=OFFICE_TIME)
DURING = dt.datetime(2026, 12, 3, 10, tzinfo=OFFICE_TIME)


def opened(**overrides) -> EvaluationRound:
    args = dict(title="2026年度企业评议", opens=dt.date(2026, 12, 1), closes="2026-12-15",
                units=["zhanggong", "ganxian", "zhanggong"], at=OPENED, actor=OFFICE)
    args.update(overrides)
    return EvaluationRound.open("round-2026", **args)


def rate(round_, actor=ENTERPRISE, uscc=ENT1, unit="zhanggong", served_by=("zhanggong",),
         at=DURING, **marks):
    return round_.rate(uscc=uscc, unit=unit, work_done=marks.get("work_done", 4),
                       problems_fixed=marks.get("problems_fixed", 5),
                       comment=marks.get("comment", " 办得快 "), served_by=served_by, at=at,
                       actor=actor)


def test_a_round_opens_takes_ratings_and_closes():
    round_ = opened()
    assert round_.units == ["zhanggong", "ganxian"]  # duplicates dropped
    [fact] = rate(round_)
    assert (fact.type, fact.payload) == ("UnitRated", {
        "uscc": ENT1, "unit": "zhanggong", "work_done": 4, "problems_fixed": 5,
        "comment": "办得快"})
    assert fact.actor == f"enterprise:{ENT1}:boss"
    rate(round_, OTHER, ENT2, work_done=2, problems_fixed=3, comment="")
    # the enterprise rates another unit that served it too
    rate(round_, unit="ganxian", served_by={"zhanggong", "ganxian"}, work_done=1,
         problems_fixed=1)
    [closed] = round_.close(note="按期结束", at=DURING + dt.timedelta(days=20), actor=SUPERVISOR)
    assert closed.payload == {"ratings": 3, "note": "按期结束"}
    assert round_.status == "closed"
    assert round_.results() == [
        {"unit": "zhanggong", "ratings": 2, "work_done": 3.0, "problems_fixed": 4.0},
        {"unit": "ganxian", "ratings": 1, "work_done": 1.0, "problems_fixed": 1.0}]


def test_replay_gives_the_same_round():
    round_ = opened()
    rate(round_)
    round_.close(at=DURING, actor=OFFICE)
    again = EvaluationRound.replay(round_.id, round_.pending())
    assert again.snapshot() == round_.snapshot()
    assert again.version == 3


def test_a_second_rating_of_the_same_unit_is_refused():
    round_ = opened()
    rate(round_)
    with pytest.raises(AlreadyRated) as refused:
        rate(round_, work_done=1, problems_fixed=1)
    assert refused.value.field == "unit"
    # the first stands
    assert round_.ratings[(ENT1, "zhanggong")]["work_done"] == 4


@pytest.mark.parametrize("kwargs, error, field", [
    (dict(served_by=("ganxian",)), NotServedByUnit, "unit"),
    (dict(unit="city_tax"), UnitNotInRound, "unit"),
    (dict(uscc=ENT2), NotOwnCreditCode, "uscc"),
    (dict(at=dt.datetime(2026, 11, 30, 23, tzinfo=OFFICE_TIME)), OutsideWindow, "at"),
    (dict(at=dt.datetime(2026, 12, 16, 0, 5, tzinfo=OFFICE_TIME)), OutsideWindow, "at"),
    (dict(at=dt.datetime(2026, 12, 3, 10)), NaiveTime, "at"),
    (dict(work_done=0), MarkOutOfRange, "work_done"),
    (dict(problems_fixed=6), MarkOutOfRange, "problems_fixed"),
    (dict(problems_fixed=4.5), MarkOutOfRange, "problems_fixed"),
    (dict(work_done=True), MarkOutOfRange, "work_done"),
])
def test_a_rating_is_refused_by_its_rule(kwargs, error, field):
    round_ = opened()
    with pytest.raises(error) as refused:
        rate(round_, **kwargs)
    assert refused.value.field == field
    assert round_.ratings == {}


def test_the_last_day_of_the_window_is_in_it():
    round_ = opened()
    # 23:30 on 15 December in the office is 15:30 UTC: still the 15th
    rate(round_, at=dt.datetime(2026, 12, 15, 15, 30, tzinfo=dt.UTC))
    assert len(round_.ratings) == 1


def test_who_may():
    round_ = opened()
    with pytest.raises(RoleNotAllowed):
        rate(round_, actor=UNIT)
    with pytest.raises(RoleNotAllowed):
        round_.close(at=DURING, actor=ENTERPRISE)
    with pytest.raises(RoleNotAllowed):
        opened(actor=UNIT)
    assert opened(actor=SUPERVISOR).exists


def test_a_closed_round_takes_nothing_more():
    round_ = opened()
    round_.close(at=DURING, actor=OFFICE)
    with pytest.raises(RoundClosed):
        rate(round_)
    with pytest.raises(RoundClosed):
        round_.close(at=DURING, actor=OFFICE)


def test_a_round_that_does_not_exist_and_one_that_does():
    with pytest.raises(EvaluationRoundNotFound) as refused:
        rate(EvaluationRound("nope"))
    assert refused.value.field == "round_id"
    with pytest.raises(EvaluationRoundExists):
        opened(existing=opened())


@pytest.mark.parametrize("kwargs, error, field", [
    (dict(opens="2026-13-01"), InvalidDate, "opens"),
    (dict(closes=dt.datetime(2026, 12, 15, tzinfo=OFFICE_TIME)), InvalidDate, "closes"),
    (dict(closes="2026-11-01"), WindowReversed, "closes"),
    (dict(units=[]), FieldRequired, "units"),
    (dict(title=" "), FieldRequired, "title"),
])
def test_opening_checks_its_fields(kwargs, error, field):
    with pytest.raises(error) as refused:
        opened(**kwargs)
    assert refused.value.field == field


def test_the_rules_table_prints():
    table = evaluation_rules.round_matrix()
    assert "| rate | enterprise | ✓ | evaluation_round_closed |" in table
