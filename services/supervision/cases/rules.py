"""The supervision cases' rules as a table (kernel.rules_table): which command on a case is
allowed in which status, for which role, and the named error that refuses it elsewhere.

notice 二(五): the supervision-and-assessment working group (督查考核组, role `supervisor`) with
the office runs the ladder; the timer (`system`) climbs it as the thresholds fall due and closes
a case once its matter is done; the office or the group records an on-site inspection's findings
and that an admonitory interview was held; a unit answers the supervision notice it received —
its own officer, for his own unit only. Plain Python, no I/O.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import ClassVar

from kernel import rules_table
from kernel.actor import Actor
from kernel.vocabulary import LabelledEnum
from services.supervision.cases.exceptions import (
    CaseClosed,
    CaseNotFound,
    NotOwnUnit,
    RoleNotAllowed,
    StatusDoesNotAllow,
)


class CaseStatus(LabelledEnum):
    OPEN = "open", "督办中"
    CLOSED = "closed", "已办结"


TIMER = ("system", "office", "supervisor")
RECORDERS = ("office", "supervisor")
UNIT = ("unit_officer",)
OFFICE = ("office",)


@dataclasses.dataclass(frozen=True)
class CaseRule(rules_table.OwnUnitRow):
    acts_on = "the supervision case"
    role_not_allowed = RoleNotAllowed
    status_does_not_allow = StatusDoesNotAllow
    final_refusals: ClassVar[Mapping] = {CaseStatus.CLOSED: CaseClosed}
    not_found = CaseNotFound
    not_own_unit = NotOwnUnit
    status_type = CaseStatus


@dataclasses.dataclass(frozen=True)
class SettingsRule(rules_table.Row):
    role_not_allowed = RoleNotAllowed
    acts_on = "of the supervision ladder"


OPEN, CLOSED = CaseStatus.OPEN, CaseStatus.CLOSED

CASE_RULES: dict[str, CaseRule] = rules_table.table(
    # The ladder climbs while the matter is not done, one step at a time.
    CaseRule("climb", TIMER, (OPEN,), own_unit=False),
    # notice 二(五): 提级督办 — a problem appeal is listed at once, whatever step it had reached.
    CaseRule("list_directly", TIMER, (OPEN,), own_unit=False),
    # What happened on site or at the interview is a fact even if the matter got done meanwhile.
    CaseRule("record_inspection", RECORDERS, (OPEN, CLOSED), own_unit=False),
    CaseRule("record_interview", RECORDERS, (OPEN, CLOSED), own_unit=False),
    # The notice is answered by the unit it was sent to, closed case or not.
    CaseRule("answer_notice", UNIT, (OPEN, CLOSED), own_unit=True),
    CaseRule("close", TIMER, (OPEN,), own_unit=False),
)

SETTINGS_RULES: dict[str, SettingsRule] = rules_table.table(
    SettingsRule("set_thresholds", OFFICE, (), doing="set the thresholds of the supervision ladder"),
)

# Who opens a case (it does not exist yet, so no row can be asked): the timer and the office.
OPENERS = TIMER


def check_opener(actor: Actor) -> None:
    if actor.role not in OPENERS:
        raise RoleNotAllowed(actor.role, "open a supervision case", OPENERS)


def case_matrix(commands: Sequence[str] | None = None) -> str:
    return rules_table.matrix(CASE_RULES, CaseStatus, commands)
