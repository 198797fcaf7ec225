"""The portal's own questions (notice 二(二)3), asked of the other areas' read models: the feed of
what was published or amended, the mark that changes with whatever the public sees, and the
units' deadlines (policies on the portal by May 15, implementation rules by May 20)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Callable

import sqlalchemy as sa

from kernel import listing
from services.policy.compendium.views import compendium_editions
from services.policy.implementation.views import rule_rows
from services.policy.implementation.vocabulary import RuleStatus
from services.policy.policies.views import policy_feed, policy_rows, states
from services.policy.portal import contract
from services.policy.vocabulary import Status

# notice 二(二)3: the policies on the portal by May 15; the implementation rules by May 20.
POLICIES_ON_PORTAL_BY = (5, 15)
RULES_BY = (5, 20)


def feed(connection: sa.Connection, limit: int) -> list[dict]:
    """What was published or amended, newest first (the portal's Atom feed)."""
    size = listing.page_size(limit, contract.FEED_SIZE)
    rows = connection.execute(sa.select(policy_feed).order_by(
        policy_feed.c.at.desc(), policy_feed.c.event_id.desc()).limit(size)).all()
    return [{"policy_id": row.policy_id, "title": row.title,
             "document_number": row.document_number, "issuing_unit": row.issuing_unit,
             "kind": row.kind, "version": row.version, "at": row.at, "summary": row.summary}
            for row in rows]


def portal_mark(connection: sa.Connection, day: str) -> dict:
    """A digest of what the public sees (every policy not a draft, as of its last change; the
    rules filed; the editions), of `day`, and the latest edition's number and digest."""
    shown = connection.execute(sa.select(
        sa.func.count(), sa.func.max(policy_rows.c.updated_at), sa.func.sum(policy_rows.c.version)
    ).where(policy_rows.c.status != Status.DRAFT.value)).one()
    filed = connection.execute(sa.select(sa.func.count()).where(
        rule_rows.c.status == RuleStatus.FILED.value)).scalar_one()
    latest = connection.execute(sa.select(compendium_editions.c.number,
                                          compendium_editions.c.digest)
                                .order_by(compendium_editions.c.number.desc()).limit(1)).first()
    edition = {"number": latest.number, "digest": latest.digest} if latest else None
    seen = json.dumps([day, list(shown), filed, edition], default=str)
    return {"mark": hashlib.sha256(seen.encode()).hexdigest(), "edition": edition}


def _verdict(met: int, late: int, missing: int) -> dict:
    status = "missing" if missing else "late" if late else "met"
    return {"status": status, "met": met, "late": late, "missing": missing}


def portal_deadlines(connection: sa.Connection, year: int, office_day: Callable[[str], str],
                     unit: str | None = None) -> dict:
    """Per unit: its policies on the portal by May 15 and its implementation rules filed by May
    20 (or by their own due date): met, late or missing. `office_day(moment)` turns a stored
    moment into the office's day; `unit` narrows to that unit's line (a unit officer's)."""
    policies_due = dt.date(year, *POLICIES_ON_PORTAL_BY).isoformat()
    rules_due = dt.date(year, *RULES_BY).isoformat()
    units: dict[str, dict] = {}
    policy_query = sa.select(policy_rows.c.issuing_unit, policy_rows.c.published_at)
    rule_query = sa.select(rule_rows.c.state)
    if unit is not None:
        policy_query = policy_query.where(policy_rows.c.issuing_unit == unit)
        rule_query = rule_query.where(rule_rows.c.unit == unit)
    for row in connection.execute(policy_query):
        counts = units.setdefault(row.issuing_unit, {}).setdefault("policies", [0, 0, 0])
        if row.published_at is None:
            counts[2] += 1
        elif office_day(row.published_at) <= policies_due:
            counts[0] += 1
        else:
            counts[1] += 1
    for state in states(connection, rule_query):
        counts = units.setdefault(state["unit"], {}).setdefault("rules", [0, 0, 0])
        due = state["due"] or rules_due
        if state["status"] != RuleStatus.FILED.value:
            counts[2] += 1
        elif state["late"] or office_day(state["filed_at"]) > due:
            counts[1] += 1
        else:
            counts[0] += 1
    return {"year": year, "policies_due": policies_due, "rules_due": rules_due,
            "units": [{"unit": unit,
                       "policies": _verdict(*kept["policies"]) if "policies" in kept else None,
                       "rules": _verdict(*kept["rules"]) if "rules" in kept else None}
                      for unit, kept in sorted(units.items())]}
