"""The assisting units' own tasks (协办任务) as rows of the ledger's read model, so that the ledger
is filtered by a unit's open tasks: ticket_tasks, one row per task of an appeal's current dispatch
(unit, status, due), under an index on (unit, status).

No appeal in the ledger has a task yet: tasks are opened by a dispatch from now on
(`AssistTaskOpened`), and an appeal dispatched before keeps the assisting units it had, with no
task and no resolve gate, as a replay of its facts gives. So nothing is filled in here.

Revision ID: t0007
"""
import sqlalchemy as sa
from alembic import op

revision = "t0007"
down_revision = "t0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_tasks",
        sa.Column("ticket_id", sa.String(100), primary_key=True),
        sa.Column("unit", sa.String(100), primary_key=True),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("due", sa.String(32), nullable=False),
    )
    op.create_index("ix_ticket_tasks_unit_status", "ticket_tasks", ["unit", "status"])
