"""A supervision case as a pure aggregate: opened for a late matter, climbing one step at a time,
each once, never down; a problem appeal listed at once; the notice issued with its number and
date and answered by its own unit's officer only; the inspection and the interview recorded by
the office or the working group once the ladder reaches them; a closed case refusing to climb;
the replayed case equal to the live one."""
from __future__ import annotations

import datetime as dt

import pytest

from kernel.actor import SYSTEM, Actor
from kernel.clock import OFFICE_TIME
from kernel.errors import NaiveTime, UnknownCode
from services.supervision import facts
from services.supervision.cases.domain import (
    CASE_ID_LIMIT,
    STEP_FACTS,
    SupervisionCase,
    case_id,
    problem_matter_id,
)
from services.supervision.cases.exceptions import (
    AlreadyListed,
    AlreadyRecorded,
    AnswerByTooEarly,
    CaseAlreadyOpen,
    CaseClosed,
    DateInFuture,
    NoNoticeIssued,
    NoticeAlreadyAnswered,
    NoticeDetailsRequired,
    NotOwnUnit,
    RoleNotAllowed,
    StepNotDue,
    StepNotReached,
)
from services.supervision.cases.ladder import STEPS, Step

UNIT = "city-industry"
MATTER = "appeal_resolution:T-2026-0001:1"
DUE = dt.datetime(2026, 9, 29, 23, 59, tzinfo=OFFICE_TIME)
AT = dt.datetime(2026, 10, 9, 10, tzinfo=OFFICE_TIME)
OFFICE = Actor(sub="clerk-li", role="office")
SUPERVISOR = Actor(sub="inspector-he", role="supervisor")
OFFICER = Actor(sub="officer-wang", role="unit_officer", unit=UNIT)
STRANGER = Actor(sub="officer-zhao", role="unit_officer", unit="city-hr")


def opened() -> SupervisionCase:
    return SupervisionCase.open(MATTER, kind=facts.APPEAL_RESOLUTION, stream_id="T-2026-0001",
                                unit=UNIT, due_at=DUE, seqs=(7, 3), title="企业用工招聘难",
                                at=AT, actor=SYSTEM)


def climbed_to(step: Step) -> SupervisionCase:
    case = opened()
    for each in STEPS[:step.rank + 1]:
        notice = ({"notice_number": "督查通知〔2026〕1号", "answer_by": dt.date(2026, 10, 13)}
                  if each is Step.NOTICE else {})
        case.climb(each, overdue_working_days=each.rank + 1, at=AT, actor=SYSTEM, **notice)
    return case


def test_opened_with_the_matter_and_its_seqs():
    case = opened()
    [fact] = case.pending()
    assert fact.type == "SupervisionOpened"
    assert fact.payload["seqs"] == [3, 7] and fact.payload["unit"] == UNIT
    assert case.id == case_id(MATTER) and case.status == "open" and case.step is None
    with pytest.raises(CaseAlreadyOpen):
        SupervisionCase.open(MATTER, kind=facts.APPEAL_RESOLUTION, stream_id="T", unit=UNIT,
                             due_at=DUE, at=AT, actor=SYSTEM, existing=case)


def test_open_refuses_bad_input():
    with pytest.raises(UnknownCode) as kind:
        SupervisionCase.open(MATTER, kind="gossip", stream_id="T", unit=UNIT, due_at=DUE,
                             at=AT, actor=SYSTEM)
    assert kind.value.field == "kind"
    with pytest.raises(NaiveTime):
        SupervisionCase.open(MATTER, kind=facts.SURVEY, stream_id="T", unit=UNIT,
                             due_at=DUE, at=dt.datetime(2026, 10, 9), actor=SYSTEM)
    with pytest.raises(RoleNotAllowed):
        SupervisionCase.open(MATTER, kind=facts.SURVEY, stream_id="T", unit=UNIT, due_at=DUE,
                             at=AT, actor=OFFICER)


def test_case_ids_are_the_same_everywhere_and_short():
    assert case_id(MATTER) == case_id(MATTER) == "sv:" + MATTER
    long = "notice_answer:" + "x" * 200
    assert case_id(long) == case_id(long) and len(case_id(long)) <= CASE_ID_LIMIT
    assert case_id(long) != case_id(long + "y")


def test_climbs_one_step_at_a_time_each_once():
    case = climbed_to(Step.LISTED)
    assert [f.type for f in case.pending()] == ["SupervisionOpened", *STEP_FACTS.values()]
    assert case.step is Step.LISTED and not case.direct
    with pytest.raises(StepNotDue):
        case.climb(Step.LISTED, overdue_working_days=30, at=AT, actor=SYSTEM)


def test_a_step_far_above_climbs_only_the_next():
    case = opened()
    [fact] = case.climb(Step.LISTED, overdue_working_days=12, at=AT, actor=SYSTEM)
    assert fact.type == "ReminderMade" and case.step is Step.REMINDER


def test_never_climbs_down_nor_stays():
    case = climbed_to(Step.NOTICE)
    for due in (Step.REMINDER, Step.NOTICE):
        with pytest.raises(StepNotDue):
            case.climb(due, overdue_working_days=4, at=AT, actor=SYSTEM)
    assert case.step is Step.NOTICE


def test_the_notice_needs_its_number_and_a_later_answer_date():
    case = climbed_to(Step.REMINDER)
    with pytest.raises(NoticeDetailsRequired) as number:
        case.climb(Step.NOTICE, overdue_working_days=3, at=AT, actor=SYSTEM,
                   answer_by=dt.date(2026, 10, 13))
    assert number.value.field == "notice_number"
    with pytest.raises(AnswerByTooEarly) as early:
        case.climb(Step.NOTICE, overdue_working_days=3, at=AT, actor=SYSTEM,
                   notice_number="督查通知〔2026〕1号", answer_by=dt.date(2026, 10, 9))
    assert early.value.field == "answer_by"
    [fact] = case.climb(Step.NOTICE, overdue_working_days=3, at=AT, actor=SYSTEM,
                        notice_number="督查通知〔2026〕1号", answer_by=dt.date(2026, 10, 13))
    assert fact.payload["answer_by"] == "2026-10-13"
    assert "2026-09-29" in fact.payload["text"] and "企业用工招聘难" in fact.payload["text"]


def test_a_problem_appeal_is_listed_at_once():
    case = SupervisionCase.open(problem_matter_id("T-9"), kind="problem_appeal", stream_id="T-9",
                                unit=UNIT, due_at=None, seqs=(11, 15, 19), at=AT, actor=SYSTEM)
    [fact] = case.list_directly(reason="sent_back_3", at=AT, actor=SYSTEM)
    assert fact.type == "ListedForSupervision"
    assert fact.payload["direct"] is True and fact.payload["reason_label"] == "发回重办三次及以上"
    assert case.step is Step.LISTED and case.direct
    with pytest.raises(AlreadyListed):
        case.list_directly(reason="sent_back_3", at=AT, actor=SYSTEM)


def test_the_unit_answers_its_notice_once_its_own_officer_only():
    case = climbed_to(Step.NOTICE)
    with pytest.raises(NotOwnUnit):
        case.answer_notice(answer="已整改", at=AT, actor=STRANGER)
    with pytest.raises(RoleNotAllowed):
        case.answer_notice(answer="已整改", at=AT, actor=OFFICE)
    [fact] = case.answer_notice(answer="已签收并办结", seqs=[41], at=AT, actor=OFFICER)
    assert fact.payload["notice_number"] == "督查通知〔2026〕1号"
    assert fact.payload["on_time"] is True and fact.payload["seqs"] == [41]
    with pytest.raises(NoticeAlreadyAnswered):
        case.answer_notice(answer="again", at=AT, actor=OFFICER)


def test_no_notice_no_answer():
    with pytest.raises(NoNoticeIssued):
        climbed_to(Step.REMINDER).answer_notice(answer="?", at=AT, actor=OFFICER)


def test_inspection_and_interview_once_reached_once_each():
    case = climbed_to(Step.NOTICE)
    with pytest.raises(StepNotReached):
        case.record_inspection(findings="台账缺失", inspectors=["何"], date="2026-10-09",
                               at=AT, actor=SUPERVISOR)
    case.climb(Step.INSPECTION, overdue_working_days=5, at=AT, actor=SYSTEM)
    with pytest.raises(RoleNotAllowed):
        case.record_inspection(findings="x", inspectors=["何"], date="2026-10-09", at=AT,
                               actor=OFFICER)
    with pytest.raises(DateInFuture) as future:
        case.record_inspection(findings="x", inspectors=["何"], date="2026-10-10", at=AT,
                               actor=SUPERVISOR)
    assert future.value.field == "date"
    [fact] = case.record_inspection(findings="台账缺失", inspectors=["何", "李"],
                                    date="2026-10-09", at=AT, actor=SUPERVISOR)
    assert fact.payload["unit"] == UNIT and fact.payload["matter_id"] == MATTER
    with pytest.raises(AlreadyRecorded):
        case.record_inspection(findings="y", inspectors=["何"], date="2026-10-09", at=AT,
                               actor=SUPERVISOR)
    with pytest.raises(StepNotReached):
        case.record_interview(interviewee="张局长", interviewers=["刘"], date="2026-10-09",
                              at=AT, actor=OFFICE)
    case.climb(Step.INTERVIEW, overdue_working_days=8, at=AT, actor=SYSTEM)
    [held] = case.record_interview(interviewee="张局长", interviewers=["刘"],
                                   date="2026-10-09", at=AT, actor=OFFICE)
    assert held.type == "AdmonitoryInterviewHeld"


def test_a_closed_case_climbs_no_more_but_its_notice_is_still_answered():
    case = climbed_to(Step.NOTICE)
    case.close(done_at=AT, seqs=[50], at=AT, actor=SYSTEM)
    assert case.status == "closed"
    with pytest.raises(CaseClosed):
        case.climb(Step.INSPECTION, overdue_working_days=5, at=AT, actor=SYSTEM)
    with pytest.raises(CaseClosed):
        case.close(at=AT, actor=OFFICE)
    case.answer_notice(answer="已办结", at=AT, actor=OFFICER)


def test_the_replayed_case_equals_the_live_one():
    case = climbed_to(Step.INTERVIEW)
    case.answer_notice(answer="已签收", at=AT, actor=OFFICER)
    case.close(done_at=AT, at=AT, actor=SYSTEM)
    replayed = SupervisionCase.replay(case.id, case.pending())
    assert replayed.snapshot() == case.snapshot()
    assert replayed.snapshot()["steps"][1]["label"] == "督查通知书"
