"""Returns (退回), merges (合并), splits (拆分) and links (关联) of appeals: the checks of their input
and how far each reader sees across the appeals they join. Plain Python, no I/O; the `Ticket`
aggregate's commands call the checks, the service's reads call `shown_to`.

The choices, after the 12345 practice:

- a returned appeal waits in its own status (退回待处理), not back among the received ones: it is
  the office's to act on at once, the ledger shows which unit returned it and why, and the
  return stays countable per unit (回退率). The office redispatches it, or rules (终审) that the
  unit must take it, after which the appeal cannot be returned again by any unit;
- a merged appeal ends in its own status (已合并), pointing at the survivor. Its enterprise reads
  its own appeal, with the survivor's progress (`SURVIVOR_PROGRESS`: no other enterprise's name,
  credit code or contact), and rates its own outcome on its own stream (`MergedAppealRated`), so
  that every enterprise's rating is its own and the survivor's rating stays its enterprise's;
- a split appeal ends in its own status (已拆分): each matter becomes a new appeal with its own
  ledger number, unit, deadlines and rating, each pointing back, so no matter inherits another's
  handling; the original number stays the reference the enterprise was given;
- a link joins two appeals as related; both record it and both views show it.
"""
from __future__ import annotations

import datetime as dt

from kernel import checks
from kernel.actor import Actor
from kernel.errors import FieldRequired, NotAList, NotAnObject, UnexpectedField
from kernel.workdays import add_working_days
from services.tickets.appeals.exceptions import AppealNamedTwice, SameAppeal, TooFewMatters
from services.tickets.appeals.vocabulary import Category, LinkKind

# Provincial rules: a unit returns an appeal within 2 working days of its dispatch.
RETURN_WORKING_DAYS = 2

# What the enterprise of a merged appeal is shown of the survivor: how its handling goes, never
# whose appeal it is.
# The survivor's reply (答复意见) is what its enterprises are told; the unit's internal note is not.
SURVIVOR_PROGRESS = ("id", "ledger_number", "status", "lead_unit", "signed_for_at",
                     "classification", "deadlines", "reply", "resolved_at", "closed_at")


def return_until(dispatched_at: dt.datetime) -> dt.datetime:
    """The end of the return window: the 2nd working day after the dispatch's office day."""
    return add_working_days(dispatched_at, RETURN_WORKING_DAYS)


def appeal_ids(field: str, values, own_id: str) -> list[str]:
    """The appeals a command names: a non-empty list of ids, none twice, none the appeal itself."""
    if values is None or values == []:
        raise FieldRequired(field, "the ids of the other appeals")
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise NotAList(field)
    ids: list[str] = []
    for value in values:
        code = checks.text(field, value, checks.CODE_LIMIT)
        if code == own_id:
            raise SameAppeal(field, code)
        if code in ids:
            raise AppealNamedTwice(field, code)
        ids.append(code)
    return ids


def other_id(field: str, value, own_id: str) -> str:
    code = checks.text(field, value, checks.CODE_LIMIT)
    if code == own_id:
        raise SameAppeal(field, code)
    return code


MATTER_FIELDS = ("title", "description", "category")


def matters(values, category: str | None, title_limit: int, description_limit: int) -> list[dict]:
    """The matters of a split, each a title, a description and a category (the original's when
    left out); at least two."""
    if values is None:
        raise FieldRequired("matters", "a list of the matters, each with title and description")
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise NotAList("matters")
    if len(values) < 2:
        raise TooFewMatters(len(values))
    checked = []
    for index, value in enumerate(values):
        where = f"matters[{index}]"
        if not isinstance(value, dict):
            raise NotAnObject(where)
        for name in value:
            if name not in MATTER_FIELDS:
                raise UnexpectedField(f"{where}.{name}", "a matter of a split")
        chosen = value.get("category") or category
        checked.append({
            "title": checks.text(f"{where}.title", value.get("title"), title_limit),
            "description": checks.text(f"{where}.description", value.get("description"),
                                       description_limit),
            "category": checks.code(f"{where}.category", chosen, Category).value,
        })
    return checked


def shown_to(actor: Actor, view: dict, survivor: dict | None = None) -> dict:
    """The appeal's view as `actor` may read it across the appeals it joins: an enterprise sees
    only its own merged appeals among the survivor's links; the reader of a merged appeal sees
    the survivor's progress (`survivor`, its view), no more of it."""
    shown = dict(view)
    if actor.role == "enterprise":
        shown["links"] = [link for link in view.get("links", [])
                          if link["kind"] != LinkKind.MERGED_FROM or link.get("uscc") == actor.uscc]
    if survivor is not None:
        shown["survivor"] = {key: survivor.get(key) for key in SURVIVOR_PROGRESS}
    return shown


def history_shown_to(actor: Actor, entry: dict) -> dict:
    """A history entry as `actor` may read it: an enterprise sees, of a merge into its survivor,
    only its own merged appeals."""
    if actor.role != "enterprise" or entry.get("type") != "AppealsMerged":
        return entry
    payload = dict(entry["payload"])
    payload["merged"] = [m for m in payload["merged"] if m.get("uscc") == actor.uscc]
    return {**entry, "payload": payload}
