"""The briefings' read model: `briefing_rows`, a row per briefing with its snapshot, and the
questions asked of it (one briefing, the list of those the reader is named in)."""
from __future__ import annotations

from typing import Mapping

import sqlalchemy as sa

from kernel import listing
from kernel.actor import Actor
from kernel.refolding import snapshot_row
from services.policy.briefings import access, contract
from services.policy.briefings.domain import Briefing
from services.policy.briefings.vocabulary import BriefingStatus
from services.policy.policies import views as policies

metadata = sa.MetaData()
briefing_rows = sa.Table(
    "briefing_rows", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("status", sa.String(20)),
    sa.Column("organiser", sa.String(100)),
    sa.Column("date", sa.String(10)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
TABLES = (briefing_rows,)
FOLDS = {
    Briefing.stream_type: snapshot_row(Briefing, briefing_rows, (
        "id", "status", "organiser", "date", "version")),
}


def briefing(connection: sa.Connection, briefing_id: str) -> dict | None:
    return policies.state_of(connection, briefing_rows, briefing_id)


_BRIEFING_CLAUSES = {
    "status": listing.coded(briefing_rows.c.status, BriefingStatus.codes()),
    "organiser": lambda name, value: briefing_rows.c.organiser == listing.bounded(
        name, value, contract.CODE_LIMIT),
    "policy_id": None,  # a value inside the state: filtered after reading
}
BRIEFING_FILTERS = {name: _BRIEFING_CLAUSES[name] for name in contract.BRIEFING_FILTERS}


def briefings(connection: sa.Connection, actor: Actor, filters: Mapping | None) -> list[dict]:
    """The briefings the filters allow among those the actor is named in (`access`), newest
    date first. Not paged: a city holds a handful a year."""
    given = listing.given(filters, BRIEFING_FILTERS)
    where = [BRIEFING_FILTERS[name](name, value) for name, value in given.items()
             if BRIEFING_FILTERS[name] is not None]
    found = policies.states(connection, sa.select(briefing_rows.c.state).where(*where).order_by(
        briefing_rows.c.date.desc(), briefing_rows.c.id))
    found = [item for item in found if access.may_read_briefing(actor, item)]
    if "policy_id" in given:
        found = [item for item in found if given["policy_id"] in item["policy_ids"]]
    return found
