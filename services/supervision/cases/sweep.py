"""The supervision sweep the supervision round runs: every late matter and every problem appeal
taken up by the ladder, each case one step further when its next step falls due, and each case
closed once its matter is done. notice 二(五)

It reads tracking's late matters (`overdue(connection, now)`) and problem appeals
(`problem_appeals(connection)`) — tracking is passed in as `reader`, so the sweep runs on any
source of those facts — and counts how many working days each matter is past its date on the
Chinese working-day calendar (`kernel.workdays`: holidays and make-up working days (调休) as the
State Council arranges them). The step due at that count (`ladder.step_due`, on the office's
thresholds) is compared with the step the case has reached, and the case command runs in a unit
of work of its own.

Replicas: every replica's timer may sweep at once. Each decides on the matter's case stream
(its id derived from the matter's), so two that decide the same step append the same version:
the store lets one commit (PostgreSQL's unique (stream, version) key, SQLite's write lock) and
the other, reloading, finds the step taken and nothing to do. A step is recorded once however
many replicas sweep.

One step per sweep: a case that is several steps behind (the sweep did not run for days) climbs
one step each run, so each step is its own fact at its own moment, none passed over. A problem
appeal is the exception: it goes straight to listed supervision (提级督办), and the appeal's own
signing and resolution matters are then left to that case rather than climbing beside it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Protocol

import sqlalchemy as sa
import structlog

from kernel import checks
from kernel.actor import SYSTEM, Actor
from kernel.clock import office_day
from kernel.database import reading
from kernel.errors import ConcurrencyError, DomainError
from kernel.store import EventStore, UnitOfWork
from kernel.workdays import nth_working_day_after, working_days_between
from services.supervision import facts
from services.supervision.cases import views
from services.supervision.cases.domain import (
    PROBLEM_APPEAL,
    SupervisionCase,
    case_id,
    notice_number,
    problem_matter_id,
)
from services.supervision.cases.ladder import Step, next_step, step_due

log = structlog.get_logger(__name__)

# notice 二(五): a unit answers a supervision notice within three working days of its issue.
NOTICE_ANSWER_DAYS = 3
# A case's command decided again on the fresh stream after a lost race; a third loss in a row
# leaves the matter to the next sweep.
ATTEMPTS = 3
APPEAL_KINDS = (facts.APPEAL_SIGNING, facts.APPEAL_RESOLUTION)
DONE = "the matter is done (事项已办结)"
WITHDRAWN = "the matter is owed no more (事项已撤回)"


class Reader(Protocol):
    """What the sweep reads of tracking (`services.supervision.tracking.views`)."""

    def overdue(self, connection: sa.Connection, now: dt.datetime) -> list[facts.TrackedMatter]:
        ...

    def problem_appeals(self, connection: sa.Connection) -> list[facts.ProblemAppeal]: ...

    def matters(self, connection: sa.Connection, unit: str | None = None,
                kind: str | None = None) -> list[facts.TrackedMatter]: ...


@dataclasses.dataclass
class Swept:
    """What one sweep recorded: the facts appended, by case; and the races it lost to another
    replica (the step then found taken)."""

    recorded: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    raced: int = 0
    refused: list[tuple[str, str]] = dataclasses.field(default_factory=list)

    def of(self, fact_type: str) -> list[str]:
        return [case for case, recorded in self.recorded if recorded == fact_type]

    def to_dict(self) -> dict:
        return {"recorded": [list(item) for item in self.recorded], "raced": self.raced,
                "refused": [list(item) for item in self.refused]}


def _tracking() -> Reader:
    from services.supervision.tracking import views as tracking
    return tracking


def overdue_working_days(due_at: dt.datetime, now: dt.datetime) -> int:
    """Working days after the office day of the date up to and including today's: a matter due
    on a Friday is one working day late on Monday (two, on a make-up working Saturday)."""
    return working_days_between(due_at, now)


def sweep(store: EventStore, now: dt.datetime, *, reader: Reader | None = None,
          actor: Actor = SYSTEM) -> Swept:
    """One round of the ladder at `now`; what it recorded."""
    now = checks.moment(now, "now")
    reader = reader or _tracking()
    swept = Swept()
    with reading(store.engine) as connection:
        thresholds = views.thresholds(connection)
        late = reader.overdue(connection, now)
        problems = reader.problem_appeals(connection)
        still_open = views.open_cases(connection)
    problem_ids = {problem.appeal_id for problem in problems}

    for problem in problems:
        _run(store, swept, case_id(problem_matter_id(problem.appeal_id)),
             lambda uow, p=problem: _list_problem(uow, p, now, actor))

    late_ids = set()
    for matter in late:
        if matter.done_at is not None or matter.due_at is None:
            continue
        if matter.kind in APPEAL_KINDS and matter.stream_id in problem_ids:
            continue  # under listed supervision as a problem appeal
        late_ids.add(matter.matter_id)
        due = step_due(overdue_working_days(matter.due_at, now), thresholds)
        if due is None:
            continue
        _run(store, swept, case_id(matter.matter_id),
             lambda uow, m=matter, d=due: _climb(uow, m, d, now, actor))

    _close_done(store, swept, reader, still_open, late_ids, now, actor)
    return swept


def _run(store: EventStore, swept: Swept, case: str,
         decide: Callable[[UnitOfWork], None]) -> None:
    """Decide on one case in a unit of work; on a lost race, decide again on the fresh stream."""
    for _ in range(ATTEMPTS):
        try:
            with store.unit_of_work() as uow:
                decide(uow)
                appended = list(uow.appended)
        except ConcurrencyError:
            swept.raced += 1
            log.info("supervision step taken by another sweep; deciding again", case=case)
            continue
        except DomainError as refused:
            swept.refused.append((case, refused.rule))
            log.warning("supervision sweep refused", case=case, rule=refused.rule,
                        message=refused.message)
            return
        for event in appended:
            swept.recorded.append((event.stream_id, event.type))
            log.info("supervision recorded", case=event.stream_id, fact=event.type,
                     unit=event.payload.get("unit"), step=event.payload.get("step"))
        return


def _climb(uow: UnitOfWork, matter: facts.TrackedMatter, due: Step, now: dt.datetime,
           actor: Actor) -> None:
    case = uow.load(SupervisionCase, case_id(matter.matter_id))
    if case.exists and case.status != "open":
        return
    step = next_step(case.step)
    if step is None or due.rank < step.rank:
        return
    if not case.exists:
        case = SupervisionCase.open(
            matter.matter_id, kind=matter.kind, stream_id=matter.stream_id, unit=matter.unit,
            due_at=matter.due_at, seqs=matter.seqs, title=matter.title, at=now, actor=actor)
    notice = {}
    if step is Step.NOTICE:
        year = office_day(now).year
        notice = {"notice_number": notice_number(
                      year, uow.next_number(f"supervision_notice:{year}")),
                  "answer_by": nth_working_day_after(office_day(now), NOTICE_ANSWER_DAYS)}
    case.climb(due, overdue_working_days=overdue_working_days(matter.due_at, now),
               seqs=matter.seqs, at=now, actor=actor, **notice)
    uow.save(case)


def _list_problem(uow: UnitOfWork, problem: facts.ProblemAppeal, now: dt.datetime,
                  actor: Actor) -> None:
    matter_id = problem_matter_id(problem.appeal_id)
    case = uow.load(SupervisionCase, case_id(matter_id))
    if case.exists and (case.status != "open" or case.step is Step.LISTED):
        return
    if not case.exists:
        case = SupervisionCase.open(matter_id, kind=PROBLEM_APPEAL, stream_id=problem.appeal_id,
                                    unit=problem.unit, due_at=None, seqs=problem.seqs,
                                    title=problem.appeal_id, at=now, actor=actor)
    case.list_directly(reason=problem.reason, seqs=problem.seqs, at=now, actor=actor)
    uow.save(case)


def _close_done(store: EventStore, swept: Swept, reader: Reader, still_open: list[dict],
                late_ids: set[str], now: dt.datetime, actor: Actor) -> None:
    """Close the open cases whose matter tracking shows done, or no longer owed (withdrawn:
    tracking lists it no more); a problem appeal's once every resolution of the appeal is
    done."""
    candidates = [row for row in still_open if row["matter_id"] not in late_ids]
    if not candidates:
        return
    by_scope: dict[tuple, list[facts.TrackedMatter]] = {}
    with reading(store.engine) as connection:
        def matters(unit, kind):
            if (unit, kind) not in by_scope:
                by_scope[unit, kind] = reader.matters(connection, unit=unit, kind=kind)
            return by_scope[unit, kind]

        done: list[tuple[str, dt.datetime | None, tuple[int, ...], str]] = []
        for row in candidates:
            if row["kind"] == PROBLEM_APPEAL:
                appeal = row["matter_id"].split(":", 1)[1]
                resolutions = [m for m in matters(None, facts.APPEAL_RESOLUTION)
                               if m.stream_id == appeal]
                if resolutions and all(m.done_at is not None for m in resolutions):
                    last = max(resolutions, key=lambda m: m.done_at)
                    done.append((row["id"], last.done_at, last.seqs, DONE))
                continue
            found = [m for m in matters(row["unit"], row["kind"])
                     if m.matter_id == row["matter_id"]]
            if not found:
                # withdrawn (an appeal redispatched to another unit, say): owed no more
                done.append((row["id"], None, (), WITHDRAWN))
            elif found[0].done_at is not None:
                done.append((row["id"], found[0].done_at, found[0].seqs, DONE))

    for case, done_at, seqs, note in done:
        def close(uow: UnitOfWork, case=case, done_at=done_at, seqs=seqs, note=note) -> None:
            loaded = uow.load(SupervisionCase, case)
            if loaded.status == "open":
                loaded.close(done_at=done_at, seqs=seqs, at=now, actor=actor, note=note)
                uow.save(loaded)
        _run(store, swept, case, close)
