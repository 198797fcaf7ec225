"""The supervision cases' read model, folded in the command's transaction and rebuildable from
supervision's own log (by `FOLDS`, which `services.supervision.projections` refolds; migration s0001): a row
per case with its snapshot (`state`), by unit, step and status, and its notice's number and
answer-by date for the units' lists of notices. The ladder's thresholds are read off their own
stream (`thresholds`). Queries for the RPCs and the sweep below."""
from __future__ import annotations

import json

import sqlalchemy as sa

from kernel.envelope import Event
from kernel.refolding import Refolding, replace_row
from kernel.store import read_stream
from services.supervision.cases.domain import SupervisionCase
from services.supervision.cases.ladder import SETTINGS_ID, LadderSettings, Thresholds
from services.supervision.cases.rules import CaseStatus

metadata = sa.MetaData()
supervision_cases = sa.Table(
    "supervision_cases", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("matter_id", sa.String(1000)),
    sa.Column("kind", sa.String(40)),
    sa.Column("unit", sa.String(100)),
    sa.Column("status", sa.String(20)),
    sa.Column("step", sa.String(20)),
    sa.Column("notice_number", sa.String(100)),
    sa.Column("answer_by", sa.String(10)),
    sa.Column("answered", sa.Boolean),
    sa.Column("opened_at", sa.String(32)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
TABLES = (supervision_cases,)


def _case(connection: sa.Connection, stream_id: str, stream: list[Event]) -> None:
    state = SupervisionCase.from_events(stream_id, stream).snapshot()
    notice = state["notice"] or {}
    replace_row(connection, supervision_cases, "id", {
        "id": stream_id, "matter_id": state["matter_id"], "kind": state["kind"],
        "unit": state["unit"], "status": state["status"], "step": state["step"],
        "notice_number": notice.get("number"), "answer_by": notice.get("answer_by"),
        "answered": bool(notice.get("answered")), "opened_at": state["opened_at"],
        "version": state["version"], "state": json.dumps(state, ensure_ascii=False)})


FOLDS = {SupervisionCase.stream_type: _case}
# This area's projector alone; `services.supervision.projections` composes FOLDS and TABLES with the others.
projector = Refolding(FOLDS, TABLES)
project = projector.project


# -- queries -----------------------------------------------------------------------------------

def case(connection: sa.Connection, case_id: str) -> dict | None:
    found = connection.execute(sa.select(supervision_cases.c.state)
                               .where(supervision_cases.c.id == case_id)).scalar()
    return json.loads(found) if found is not None else None


def cases(connection: sa.Connection, *, unit: str | None = None, step: str | None = None,
          open: bool | None = None, units: set[str] | None = None) -> list[dict]:
    """Cases, the latest opened first, narrowed by unit, step reached, open or closed, and a
    reader's scope (`units`, None for all)."""
    table = supervision_cases.c
    where = []
    if unit is not None:
        where.append(table.unit == unit)
    if step is not None:
        where.append(table.step == step)
    if open is not None:
        where.append(table.status == CaseStatus.OPEN.value if open
                     else table.status == CaseStatus.CLOSED.value)
    if units is not None:
        where.append(table.unit.in_(sorted(units)))
    rows = connection.execute(sa.select(table.state).where(*where)
                              .order_by(table.opened_at.desc(), table.id))
    return [json.loads(state) for state in rows.scalars()]


def open_cases(connection: sa.Connection) -> list[dict]:
    """The cases not closed: what the sweep looks at to close those whose matter is done."""
    table = supervision_cases.c
    rows = connection.execute(sa.select(table.id, table.matter_id, table.kind, table.unit)
                              .where(table.status == CaseStatus.OPEN.value).order_by(table.id))
    return [dict(row._mapping) for row in rows]


def notices(connection: sa.Connection, *, unit: str | None = None,
            answered: bool | None = None) -> list[dict]:
    """The supervision notices issued, by answer-by date: each case's notice with its case."""
    table = supervision_cases.c
    where = [table.notice_number.is_not(None)]
    if unit is not None:
        where.append(table.unit == unit)
    if answered is not None:
        where.append(table.answered.is_(answered))
    rows = connection.execute(sa.select(table.state).where(*where)
                              .order_by(table.answer_by, table.id))
    found = []
    for state in map(json.loads, rows.scalars()):
        found.append({**state["notice"], "case_id": state["id"], "unit": state["unit"],
                      "matter_id": state["matter_id"], "kind": state["kind"]})
    return found


def settings(connection: sa.Connection) -> LadderSettings:
    """The ladder's settings as the office last set them (the defaults until it has)."""
    return LadderSettings.from_events(SETTINGS_ID, read_stream(connection, SETTINGS_ID))


def thresholds(connection: sa.Connection) -> Thresholds:
    return settings(connection).thresholds
