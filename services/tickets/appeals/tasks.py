"""Assisting units' own tasks on an appeal (协办任务: 主办/协办 of the 12345 work-order practice,
GB/T 33358): each assisting unit an appeal is dispatched to gets a task of its own, with its own
deadline; it signs for it and replies to the lead unit, or the office waives it; the lead unit
resolves only once every task is answered or waived. Plain Python, no I/O: the `Ticket` aggregate
keeps its tasks as `Task`s and asks these rules before it records a task's facts, so that the
resolve gate lives inside the appeal's own consistency boundary.

A task's deadline is counted in working days from the dispatch. By default it is the lead unit's
own resolution days less `ASSIST_MARGIN`: the lead's resolution is counted from its signing for
the appeal, which comes after the dispatch, so a task due this way falls at least the margin
before the lead's answer is due — the time the lead needs to fold the replies into its answer —
and it is known the moment the appeal is dispatched, which the lead's due is not. A consultation
of two days gives its tasks one. The office may set another count per unit (`task_days`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable, Mapping

from kernel.errors import NotAnObject
# The wire declares the working days the office may give one task; the rules check them.
from services.tickets.appeals.contract import TASK_DAYS
from services.tickets.appeals.deadlines import StepDays, due_after, met_in_time, passed
from services.tickets.appeals.exceptions import (
    AssistTaskNotOpen, AssistTaskNotSignedFor, AssistTasksOpen, NoAssistTask, TaskDaysNotAssisting,
    TaskDaysOutOfRange,
)
from services.tickets.appeals.vocabulary import TaskStatus

# Working days the lead unit keeps after the assisting units' replies, to answer the whole.
ASSIST_MARGIN = 2

OPEN_STATES = (TaskStatus.OPEN, TaskStatus.SIGNED_FOR)


@dataclasses.dataclass
class Task:
    """One assisting unit's task as the aggregate decides on it."""

    unit: str
    due: str
    status: TaskStatus = TaskStatus.OPEN
    missed: bool = False

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def overdue(self) -> bool:
        """Recorded as missed and still unanswered."""
        return self.is_open and self.missed

    def to_dict(self) -> dict:
        return {"unit": self.unit, "due": self.due, "status": self.status.value,
                "overdue": self.overdue}


def default_days(days: StepDays) -> int:
    return max(TASK_DAYS[0], days.resolution - ASSIST_MARGIN)


def checked_days(task_days: Mapping | None, assisting_units: Iterable[str],
                 days: StepDays) -> dict[str, int]:
    """The working days of each assisting unit's task: those the office set, else the default;
    a unit set that is not assisting, or a count out of range, is refused naming task_days."""
    units = list(assisting_units)
    if task_days is not None and not isinstance(task_days, Mapping):
        raise NotAnObject("task_days", units, task_days)
    given = dict(task_days or {})
    for unit, count in given.items():
        if unit not in units:
            raise TaskDaysNotAssisting(unit)
        low, high = TASK_DAYS
        if isinstance(count, bool) or not isinstance(count, int) or not low <= count <= high:
            raise TaskDaysOutOfRange(unit, count, low, high)
    return {unit: given.get(unit, default_days(days)) for unit in units}


def opened(at: dt.datetime, lead_unit: str, task_days: Mapping[str, int]) -> list[dict]:
    """The payloads of the tasks a dispatch (or redispatch) opens, one per assisting unit."""
    return [{"unit": unit, "lead_unit": lead_unit, "working_days": count,
             "due": due_after(at, count)} for unit, count in task_days.items()]


def task_of(tasks: Mapping[str, Task], unit: str | None) -> Task:
    task = tasks.get(unit) if unit else None
    if task is None:
        raise NoAssistTask(unit)
    return task


def check_open(task: Task, doing: str) -> None:
    if not task.is_open:
        raise AssistTaskNotOpen(task.unit, task.status.label, doing)


def check_may_sign(task: Task) -> None:
    if task.status is not TaskStatus.OPEN:
        raise AssistTaskNotOpen(task.unit, task.status.label, "signed for")


def check_may_answer(task: Task) -> None:
    if task.status is TaskStatus.OPEN:
        raise AssistTaskNotSignedFor(task.unit)
    check_open(task, "answered")


def open_units(tasks: Mapping[str, Task]) -> list[str]:
    return [unit for unit, task in tasks.items() if task.is_open]


def check_all_closed(tasks: Mapping[str, Task]) -> None:
    """The resolve gate: every task answered or waived."""
    still_open = open_units(tasks)
    if still_open:
        raise AssistTasksOpen(still_open)


def missed_by(tasks: Mapping[str, Task], at: dt.datetime) -> list[Task]:
    """The open tasks whose due has passed by `at` and that are not yet recorded as missed."""
    return [task for task in tasks.values()
            if task.is_open and not task.missed and passed(task.due, at)]


def on_time(task: Task, at: dt.datetime) -> bool:
    return met_in_time(task.due, at)
