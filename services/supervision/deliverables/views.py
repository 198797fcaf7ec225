"""The read models of the action's deliverables and of the scheduling reports: a row per
deliverable (a year's one) and per report, with its snapshot (`state`), refolded from
supervision's own log (`FOLDS`, for `kernel.refolding`; migration s0001). Queries for the RPCs and the sweep
below."""
from __future__ import annotations

import json

import sqlalchemy as sa

from kernel.refolding import snapshot_row
from services.supervision.deliverables.domain import Deliverable
from services.supervision.deliverables.scheduling import SchedulingReport

metadata = sa.MetaData()
supervision_deliverables = sa.Table(
    "supervision_deliverables", metadata,
    sa.Column("id", sa.String(120), primary_key=True),
    sa.Column("year", sa.Integer),
    sa.Column("code", sa.String(40)),
    sa.Column("due", sa.String(10)),
    sa.Column("status", sa.String(20)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
supervision_scheduling_reports = sa.Table(
    "supervision_scheduling_reports", metadata,
    sa.Column("id", sa.String(120), primary_key=True),
    sa.Column("number", sa.String(60)),
    sa.Column("as_of", sa.String(32)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
TABLES = (supervision_deliverables, supervision_scheduling_reports)

FOLDS = {
    Deliverable.stream_type: snapshot_row(Deliverable, supervision_deliverables, (
        "id", "year", "code", "due", "status", "version")),
    SchedulingReport.stream_type: snapshot_row(SchedulingReport, supervision_scheduling_reports, (
        "id", "number", "as_of", "version")),
}


def deliverables(connection: sa.Connection, year: int | None = None) -> list[dict]:
    """The deliverables scheduled (of `year` if given), by due date."""
    query = sa.select(supervision_deliverables.c.state)
    if year is not None:
        query = query.where(supervision_deliverables.c.year == year)
    query = query.order_by(supervision_deliverables.c.due, supervision_deliverables.c.id)
    return [json.loads(state) for state in connection.execute(query).scalars()]


def deliverable(connection: sa.Connection, stream_id: str) -> dict | None:
    state = connection.execute(sa.select(supervision_deliverables.c.state)
                               .where(supervision_deliverables.c.id == stream_id)).scalar()
    return None if state is None else json.loads(state)


def past_due(connection: sa.Connection, today: str) -> list[str]:
    """The deliverables not complete whose date is before `today` (office day, ISO): those the
    sweep asks `Deliverable.mark_missed` of (it records nothing for an owner already recorded)."""
    return list(connection.execute(
        sa.select(supervision_deliverables.c.id)
        .where(supervision_deliverables.c.due < today,
               supervision_deliverables.c.status != "complete")
        .order_by(supervision_deliverables.c.id)).scalars())


def scheduling_reports(connection: sa.Connection) -> list[dict]:
    """The scheduling reports issued, newest state first by their moment."""
    rows = connection.execute(sa.select(supervision_scheduling_reports.c.state)
                              .order_by(supervision_scheduling_reports.c.as_of.desc(),
                                        supervision_scheduling_reports.c.id)).scalars()
    return [json.loads(state) for state in rows]


def scheduling_report(connection: sa.Connection, stream_id: str) -> dict | None:
    state = connection.execute(sa.select(supervision_scheduling_reports.c.state)
                               .where(supervision_scheduling_reports.c.id == stream_id)).scalar()
    return None if state is None else json.loads(state)
