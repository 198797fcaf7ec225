"""The read models of the evaluation rounds (评议反馈) and of the years' assessments (年终考核): a
row per round and per year's assessment stream, with its snapshot (`state`), refolded from
supervision's own log (`FOLDS`, for `kernel.refolding`, composed in
`services.supervision.projections`; migration s0001). The listings read these rows instead of scanning the log by stream type and
folding every stream on each request. Queries for the RPCs below."""
from __future__ import annotations

import json

import sqlalchemy as sa

from kernel.refolding import snapshot_row
from services.supervision.assessment.accountability import YearAssessment
from services.supervision.assessment.evaluation import EvaluationRound

metadata = sa.MetaData()
evaluation_rounds = sa.Table(
    "supervision_evaluation_rounds", metadata,
    sa.Column("id", sa.String(120), primary_key=True),
    sa.Column("status", sa.String(20)),
    sa.Column("title", sa.String(200)),
    sa.Column("opens", sa.String(10)),
    sa.Column("closes", sa.String(10)),
    sa.Column("opened_at", sa.String(32)),
    sa.Column("closed_at", sa.String(32)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
assessments = sa.Table(
    "supervision_assessments", metadata,
    sa.Column("id", sa.String(120), primary_key=True),
    sa.Column("year", sa.Integer),
    sa.Column("status", sa.String(20)),
    sa.Column("computed_at", sa.String(32)),
    sa.Column("computations", sa.Integer),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
TABLES = (evaluation_rounds, assessments)

FOLDS = {
    EvaluationRound.stream_type: snapshot_row(EvaluationRound, evaluation_rounds, (
        "id", "status", "title", "opens", "closes", "opened_at", "closed_at", "version")),
    YearAssessment.stream_type: snapshot_row(YearAssessment, assessments, (
        "id", "year", "status", "computed_at", "computations", "version")),
}


def _states(connection: sa.Connection, query) -> list[dict]:
    return [json.loads(state) for state in connection.execute(query).scalars()]


def rounds(connection: sa.Connection, status: str | None = None) -> list[dict]:
    """The evaluation rounds (those of `status` if given), the latest opened first; rounds
    opened in the same instant by their id, the later number first."""
    table = evaluation_rounds.c
    query = sa.select(table.state)
    if status is not None:
        query = query.where(table.status == status)
    return _states(connection, query.order_by(table.opened_at.desc(), table.id.desc()))


def round_(connection: sa.Connection, round_id: str) -> dict | None:
    state = connection.execute(sa.select(evaluation_rounds.c.state)
                               .where(evaluation_rounds.c.id == round_id)).scalar()
    return None if state is None else json.loads(state)


def assessments_made(connection: sa.Connection) -> list[dict]:
    """The years' assessment streams, the latest year first: each its snapshot (the
    assessment as last computed, and the records made on it)."""
    table = assessments.c
    # Every event of the stream names its year, so no row is without one.
    return _states(connection, sa.select(table.state).order_by(table.year.desc(), table.id))


def assessment(connection: sa.Connection, stream_id: str) -> dict | None:
    state = connection.execute(sa.select(assessments.c.state)
                               .where(assessments.c.id == stream_id)).scalar()
    return None if state is None else json.loads(state)
