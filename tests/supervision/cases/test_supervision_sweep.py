"""The supervision sweep on each store, over simulated weeks of Chinese working days around
National Day 2026 (1–7 October off, Saturday 10 October a make-up working day): each step of the
ladder recorded on the working day its threshold is reached, once, however often the sweep runs,
and once with two replicas sweeping the same database at the same time; a problem appeal (sent
back three times) listed at once; a case closed once its matter is done; the office's thresholds
followed; the read model rebuilt from the log equal to the one folded live."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from supervision_replica import DAYS, LATE, OTHER, UNIT, FakeTracking, end_of, local

from kernel.actor import Actor
from kernel.database import make_engine, migrate
from kernel.store import EventStore, UnitOfWork
from kernel.store import events as event_log
from services.supervision import facts
from services.supervision.cases import sweep
from services.supervision.cases import views
from services.supervision.cases.domain import case_id, problem_matter_id
from services.supervision.cases.ladder import SETTINGS_ID, LadderSettings
from services.registry import SERVICES

REPO = Path(__file__).resolve().parents[3]
CASE = case_id(LATE.matter_id)
# notice 二(五) and the thresholds' defaults (1, 3, 5, 8, 10 working days overdue), counted from
# the end of Tuesday 29 September: Wed 30 Sep is day 1; 1–7 Oct are holidays; Thu 8 Oct day 2,
# Fri 9 Oct day 3, Sat 10 Oct (make-up working day) day 4, Mon 12 Oct day 5, Tue 13 day 6,
# Wed 14 day 7, Thu 15 day 8, Fri 16 day 9, Mon 19 Oct day 10.
EXPECTED = {
    "ReminderMade": "2026-09-30",
    "SupervisionNoticeIssued": "2026-10-09",
    "OnSiteInspectionDue": "2026-10-12",
    "AdmonitoryInterviewDue": "2026-10-15",
    "ListedForSupervision": "2026-10-19",
}
STEP_FACTS = tuple(EXPECTED)


@pytest.fixture
def store(db_url):
    engine = make_engine(db_url)
    migrate(engine, SERVICES["audit"].migrations_path, SERVICES["supervision"].migrations_path)
    yield EventStore(engine, projectors=[views.project])
    engine.dispose()


def case_events(store: EventStore, stream_id: str = CASE):
    return store.read_stream(stream_id)


def sweep_days(store, reader, days=DAYS, hours=(9, 14)) -> dict[str, list[str]]:
    """Sweep each day at each hour; the days each fact was recorded on."""
    seen: dict[str, list[str]] = {}
    for day in days:
        for hour in hours:
            for _, fact in sweep.sweep(store, local(day, hour), reader=reader).recorded:
                seen.setdefault(fact, []).append(day.isoformat())
    return seen


def test_each_step_on_its_working_day_once(store):
    reader = FakeTracking([LATE])
    seen = sweep_days(store, reader)
    assert seen == {"SupervisionOpened": ["2026-09-30"],
                    **{fact: [day] for fact, day in EXPECTED.items()}}
    stream = case_events(store)
    assert [e.type for e in stream] == ["SupervisionOpened", *STEP_FACTS]
    for event in stream[1:]:
        # each step names the unit, the matter and the ledger seqs behind it
        assert event.payload["unit"] == UNIT
        assert event.payload["matter_id"] == LATE.matter_id
        assert event.payload["seqs"] == [3, 7]
    notice = stream[2].payload
    # three working days to answer, from Friday 9 October: Sat 10 (make-up), Mon 12, Tue 13
    assert notice["answer_by"] == "2026-10-13"
    assert notice["notice_number"] == "督查通知〔2026〕1号"
    assert "逾期3个工作日" in notice["text"] and UNIT in notice["text"]
    assert stream[-1].payload["direct"] is False
    row = views.case(store.engine.connect(), CASE)
    assert row["step"] == "listed" and row["status"] == "open"
    assert [s["step"] for s in row["steps"]] == [
        "reminder", "notice", "inspection", "interview", "listed"]


def test_a_sweep_that_missed_days_climbs_one_step_per_run(store):
    reader = FakeTracking([LATE])
    # first run on Monday 19 October: ten working days late, but one step per run
    runs = [sweep.sweep(store, local(dt.date(2026, 10, 19), hour), reader=reader)
            for hour in range(9, 16)]
    assert [[fact for _, fact in run.recorded] for run in runs] == [
        ["SupervisionOpened", "ReminderMade"], ["SupervisionNoticeIssued"],
        ["OnSiteInspectionDue"], ["AdmonitoryInterviewDue"], ["ListedForSupervision"], [], []]


def test_two_replicas_record_each_step_once(store, db_url):
    """Two processes sweep the same days on the same database, starting together."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    script = Path(__file__).with_name("supervision_replica.py")
    start_at = time.time() + 4
    replicas = [subprocess.Popen([sys.executable, str(script), db_url, str(start_at)],
                                 cwd=REPO, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = []
    for replica in replicas:
        out, err = replica.communicate(timeout=240)
        assert replica.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    stream = case_events(store)
    assert Counter(e.type for e in stream) == Counter(["SupervisionOpened", *STEP_FACTS])
    assert [e.version for e in stream] == list(range(1, 7))
    # between them the replicas recorded each fact once, on its day
    recorded = [fact for result in results for fact in result["recorded"]]
    assert sorted(recorded) == sorted(
        [["2026-09-30", "SupervisionOpened"], *([day, fact] for fact, day in EXPECTED.items())])
    # one notice number given, none lost to the replica that lost a race
    assert stream[2].payload["notice_number"] == "督查通知〔2026〕1号"


def test_a_lost_race_is_decided_again_and_finds_nothing_to_do(make_pg_url, monkeypatch):
    """The other replica commits the step between this one's load and its append (PostgreSQL,
    where appends take no lock): the append loses, the sweep reloads and records nothing."""
    url = make_pg_url()
    engine, other_engine = make_engine(url), make_engine(url)
    migrate(engine, SERVICES["audit"].migrations_path, SERVICES["supervision"].migrations_path)
    mine = EventStore(engine, projectors=[views.project])
    other = EventStore(other_engine, projectors=[views.project])
    reader = FakeTracking([LATE])
    at = local(dt.date(2026, 9, 30))
    load = UnitOfWork.load
    interleaved = []

    def load_then_let_the_other_in(uow, cls, stream_id):
        aggregate = load(uow, cls, stream_id)
        if uow.store is mine and not interleaved:
            interleaved.append(sweep.sweep(other, at, reader=reader))
        return aggregate

    monkeypatch.setattr(UnitOfWork, "load", load_then_let_the_other_in)
    swept = sweep.sweep(mine, at, reader=reader)
    assert [fact for _, fact in interleaved[0].recorded] == ["SupervisionOpened", "ReminderMade"]
    assert swept.raced == 1 and swept.recorded == []
    assert [e.type for e in mine.read_stream(CASE)] == ["SupervisionOpened", "ReminderMade"]
    engine.dispose()
    other_engine.dispose()


def test_a_problem_appeal_is_listed_at_once(store):
    problem = facts.ProblemAppeal(appeal_id="T-2026-0009", unit=OTHER, reason="sent_back_3",
                                  seqs=(11, 15, 19, 23))
    # its resolution is late too: left to the problem appeal's case, not climbed beside it
    late_resolution = dataclasses.replace(
        LATE, matter_id="appeal_resolution:T-2026-0009:4", stream_id="T-2026-0009", unit=OTHER)
    reader = FakeTracking([late_resolution], [problem])
    at = local(dt.date(2026, 10, 8))
    first = sweep.sweep(store, at, reader=reader)
    problem_case = case_id(problem_matter_id("T-2026-0009"))
    assert first.recorded == [(problem_case, "SupervisionOpened"),
                              (problem_case, "ListedForSupervision")]
    listed = case_events(store, problem_case)[-1].payload
    assert listed["direct"] is True and listed["reason"] == "sent_back_3"
    assert listed["seqs"] == [11, 15, 19, 23] and listed["unit"] == OTHER
    assert case_events(store, case_id(late_resolution.matter_id)) == []
    assert sweep.sweep(store, local(dt.date(2026, 10, 9)), reader=reader).recorded == []


def test_a_case_closes_once_its_matter_is_done(store):
    reader = FakeTracking([LATE])
    sweep_days(store, reader, days=[dt.date(2026, 9, 30), dt.date(2026, 10, 8)])
    reader.all = [dataclasses.replace(LATE, done_at=end_of(dt.date(2026, 10, 8)),
                                      seqs=(3, 7, 40))]
    swept = sweep.sweep(store, local(dt.date(2026, 10, 9)), reader=reader)
    assert swept.recorded == [(CASE, "SupervisionClosed")]
    closed = case_events(store)[-1].payload
    assert closed["seqs"] == [3, 7, 40] and closed["step"] == "reminder"
    # late again (a clerk's error undone): a closed case never climbs again
    reader.all = [LATE]
    assert sweep.sweep(store, local(dt.date(2026, 10, 12)), reader=reader).recorded == []
    with store.engine.connect() as connection:
        assert views.cases(connection, open=False)[0]["id"] == CASE
        assert views.open_cases(connection) == []


def test_a_withdrawn_matter_closes_its_case(store):
    reader = FakeTracking([LATE])
    sweep.sweep(store, local(dt.date(2026, 9, 30)), reader=reader)
    reader.all = []  # redispatched: the first unit owes it no more
    swept = sweep.sweep(store, local(dt.date(2026, 10, 8)), reader=reader)
    assert swept.recorded == [(CASE, "SupervisionClosed")]
    assert "owed no more" in case_events(store)[-1].payload["note"]


def test_the_office_thresholds_are_followed(store):
    office = Actor(sub="clerk-li", role="office")
    with store.unit_of_work() as uow:
        settings = uow.load(LadderSettings, SETTINGS_ID)
        settings.set_thresholds({"reminder": 2, "notice": 4, "inspection": 6, "interview": 7,
                                 "listed": 9}, at=local(dt.date(2026, 9, 1)), actor=office)
        uow.save(settings)
    seen = sweep_days(store, FakeTracking([LATE]))
    # day 2 Thu 8 Oct, day 4 Sat 10 Oct, day 6 Tue 13, day 7 Wed 14, day 9 Fri 16 Oct
    assert {fact: days for fact, days in seen.items() if fact != "SupervisionOpened"} == {
        "ReminderMade": ["2026-10-08"], "SupervisionNoticeIssued": ["2026-10-10"],
        "OnSiteInspectionDue": ["2026-10-13"], "AdmonitoryInterviewDue": ["2026-10-14"],
        "ListedForSupervision": ["2026-10-16"]}


def test_the_read_model_rebuilt_equals_the_one_folded_live(store):
    sweep_days(store, FakeTracking([LATE]))
    with store.engine.connect() as connection:
        live = views.cases(connection)
        assert views.notices(connection, unit=UNIT)[0]["answer_by"] == "2026-10-13"
    with store.engine.begin() as connection:
        assert views.projector.rebuild(connection) == 1
    with store.engine.connect() as connection:
        assert views.cases(connection) == live
        assert connection.execute(sa.select(sa.func.count()).select_from(event_log)
                                  ).scalar_one() == 6
