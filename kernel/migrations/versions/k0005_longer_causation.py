"""Room in the envelope for every causation and correlation id the stack makes.

A command's causation id is nameko's call id, "<service>.<entrypoint>.<uuid>": with 64
characters an entrypoint name over about 20 characters could not be written on PostgreSQL
(SQLite does not enforce a length). 200 holds any entrypoint and a caller's correlation id.

Revision ID: k0005
"""
import sqlalchemy as sa
from alembic import op

revision = "k0005"
down_revision = "k0004"
branch_labels = None
depends_on = None

LENGTH = 200


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return  # lengths are not enforced there; the column is already wide enough
    for column in ("correlation_id", "causation_id"):
        op.alter_column("events", column, type_=sa.String(LENGTH),
                        existing_type=sa.String(64), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for column in ("correlation_id", "causation_id"):
        op.alter_column("events", column, type_=sa.String(64),
                        existing_type=sa.String(LENGTH), existing_nullable=False)
