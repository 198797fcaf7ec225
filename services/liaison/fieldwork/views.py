"""The field work's read models, folded in the command's transaction and rebuildable from the
log (by `FOLDS`, which `services.liaison.projections` refolds): a row per survey, help plan,
visit and activity with its snapshot (`state`), and a row per appeal raised from a visit (the
ticket's id → its visit), which the reactions to the tickets service's later facts look the
ticket up in; a row per monthly operation report (migration l0004) by enterprise, leader and
month. Queries for the RPCs and the timer below."""
from __future__ import annotations

import json

import sqlalchemy as sa

from kernel.envelope import Event
from kernel.refolding import Fold, replace_row, snapshot_row
from services.liaison.fieldwork.domain.activities import Consultation, Matchmaking
from services.liaison.fieldwork.domain.help_plan import HelpPlan
from services.liaison.fieldwork.domain.operation_report import OperationReport
from services.liaison.fieldwork.domain.survey import Survey
from services.liaison.fieldwork.domain.visit import Visit

metadata = sa.MetaData()
liaison_surveys = sa.Table(
    "liaison_surveys", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("unit", sa.String(100)),
    sa.Column("park", sa.String(100)),
    sa.Column("leader_id", sa.String(100)),
    sa.Column("status", sa.String(20)),
    sa.Column("due", sa.String(10)),
    sa.Column("overdue", sa.Boolean),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
liaison_help_plans = sa.Table(
    "liaison_help_plans", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("unit", sa.String(100)),
    sa.Column("leader_id", sa.String(100)),
    sa.Column("status", sa.String(20)),
    sa.Column("due", sa.String(10)),
    sa.Column("overdue", sa.Boolean),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
liaison_visits = sa.Table(
    "liaison_visits", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("date", sa.String(10)),
    sa.Column("leader_id", sa.String(100)),
    sa.Column("uscc", sa.String(18)),
    sa.Column("county", sa.String(100)),
    sa.Column("recorded_at", sa.String(32)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
liaison_visit_appeals = sa.Table(
    "liaison_visit_appeals", metadata,
    sa.Column("ticket_id", sa.String(100), primary_key=True),
    sa.Column("visit_id", sa.String(100)),
    sa.Column("problem_id", sa.String(100)),
    sa.Column("ledger_number", sa.String(100)),
    sa.Column("status", sa.String(30)),
)
liaison_activities = sa.Table(
    "liaison_activities", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("kind", sa.String(20)),
    sa.Column("unit", sa.String(100)),
    sa.Column("date", sa.String(10)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
liaison_operation_reports = sa.Table(
    "liaison_operation_reports", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("uscc", sa.String(18)),
    sa.Column("period", sa.String(7)),
    sa.Column("leader_id", sa.String(100)),
    sa.Column("status", sa.String(20)),
    sa.Column("filed_at", sa.String(32)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
TABLES = (liaison_surveys, liaison_help_plans, liaison_visits, liaison_visit_appeals,
          liaison_activities, liaison_operation_reports)


def _dumps(state: dict) -> str:
    return json.dumps(state, ensure_ascii=False)


# -- folds -------------------------------------------------------------------------------------

def _visit(connection: sa.Connection, stream_id: str, stream: list[Event]) -> None:
    state = Visit.from_events(stream_id, stream).snapshot()
    replace_row(connection, liaison_visits, "id", {
        "id": stream_id, "date": state["date"], "leader_id": state["leader_id"],
        "uscc": state["uscc"], "county": state["county"], "recorded_at": state["recorded_at"],
        "version": state["version"], "state": _dumps(state)})
    for appeal in state["appeals"]:
        replace_row(connection, liaison_visit_appeals, "ticket_id", {
            "ticket_id": appeal["ticket_id"], "visit_id": stream_id,
            "problem_id": appeal["problem_id"], "ledger_number": appeal["ledger_number"],
            "status": appeal["status"]})


def _activity(cls) -> Fold:
    def fold(connection: sa.Connection, stream_id: str, stream: list[Event]) -> None:
        state = cls.from_events(stream_id, stream).snapshot()
        replace_row(connection, liaison_activities, "id", {
            "id": stream_id, "kind": cls.stream_type, "unit": state["unit"],
            "date": state["date"], "version": state["version"], "state": _dumps(state)})
    return fold


FOLDS = {
    Survey.stream_type: snapshot_row(Survey, liaison_surveys, (
        "id", "unit", "park", "leader_id", "status", "due", "overdue", "version")),
    HelpPlan.stream_type: snapshot_row(HelpPlan, liaison_help_plans, (
        "id", "unit", "leader_id", "status", "due", "overdue", "version")),
    Visit.stream_type: _visit,
    Consultation.stream_type: _activity(Consultation),
    Matchmaking.stream_type: _activity(Matchmaking),
    OperationReport.stream_type: snapshot_row(OperationReport, liaison_operation_reports, (
        "id", "uscc", "period", "leader_id", "status", "filed_at", "version")),
}


# -- queries -----------------------------------------------------------------------------------

def _state(connection: sa.Connection, table: sa.Table, id_: str) -> dict | None:
    found = connection.execute(sa.select(table.c.state).where(table.c.id == id_)).scalar()
    return json.loads(found) if found is not None else None


def survey(connection: sa.Connection, survey_id: str) -> dict | None:
    return _state(connection, liaison_surveys, survey_id)


def help_plan(connection: sa.Connection, plan_id: str) -> dict | None:
    return _state(connection, liaison_help_plans, plan_id)


def visit(connection: sa.Connection, visit_id: str) -> dict | None:
    return _state(connection, liaison_visits, visit_id)


def activity(connection: sa.Connection, kind: str, activity_id: str) -> dict | None:
    found = connection.execute(sa.select(liaison_activities.c.state).where(
        liaison_activities.c.id == activity_id, liaison_activities.c.kind == kind)).scalar()
    return json.loads(found) if found is not None else None


def _listed(connection: sa.Connection, table: sa.Table, filters: dict, order) -> list[dict]:
    where = [table.c[name] == value for name, value in filters.items() if value is not None]
    rows = connection.execute(sa.select(table.c.state).where(*where).order_by(*order))
    return [json.loads(state) for state in rows.scalars()]


def surveys(connection: sa.Connection, **filters) -> list[dict]:
    """Surveys by due date, narrowed by unit, park, leader_id, status."""
    return _listed(connection, liaison_surveys, filters,
                   (liaison_surveys.c.due, liaison_surveys.c.id))


def help_plans(connection: sa.Connection, **filters) -> list[dict]:
    """Help plans by due date, narrowed by unit, leader_id, status."""
    return _listed(connection, liaison_help_plans, filters,
                   (liaison_help_plans.c.due, liaison_help_plans.c.id))


def visits(connection: sa.Connection, **filters) -> list[dict]:
    """Visits, the latest first, narrowed by leader_id, uscc, county."""
    return _listed(connection, liaison_visits, filters,
                   (liaison_visits.c.date.desc(), liaison_visits.c.recorded_at.desc()))


def activities(connection: sa.Connection, kind: str, unit: str | None = None,
               uscc: str | None = None) -> list[dict]:
    """Consultations or matchmakings, the latest first; of a unit, or with an enterprise."""
    found = _listed(connection, liaison_activities, {"kind": kind, "unit": unit},
                    (liaison_activities.c.date.desc(), liaison_activities.c.id))
    return [item for item in found if uscc is None or uscc in item["enterprises"]]


def operation_report(connection: sa.Connection, report_id: str) -> dict | None:
    return _state(connection, liaison_operation_reports, report_id)


def operation_reports(connection: sa.Connection, **filters) -> list[dict]:
    """Operation reports, the latest month first, narrowed by uscc, leader_id, period."""
    return _listed(connection, liaison_operation_reports, filters,
                   (liaison_operation_reports.c.period.desc(), liaison_operation_reports.c.uscc))


def visit_of_appeal(connection: sa.Connection, ticket_id: str) -> str | None:
    """The visit an appeal was raised from, if it was one of this service's visits."""
    return connection.execute(sa.select(liaison_visit_appeals.c.visit_id).where(
        liaison_visit_appeals.c.ticket_id == ticket_id)).scalar()


def overdue_surveys(connection: sa.Connection, today: str) -> list[str]:
    """Surveys still required after their due date, not yet marked overdue."""
    table = liaison_surveys.c
    return list(connection.execute(sa.select(table.id).where(
        table.status == "required", table.overdue.is_(False), table.due < today)).scalars())


def overdue_help_plans(connection: sa.Connection, today: str) -> list[str]:
    """Help plans not (or not again) submitted after their due date, not yet marked overdue."""
    table = liaison_help_plans.c
    return list(connection.execute(sa.select(table.id).where(
        table.status.in_(("required", "sent_back")), table.overdue.is_(False),
        table.due < today)).scalars())
