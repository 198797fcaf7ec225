"""Tracking's rectifications of bad ratings (差评整改, `tracking_rectifications`), the ratings the
office voided on a unit's 申诉 (`tracking_voided_ratings`), and the appeal a rating was given on
(`tracking_ratings.rated_appeal_id`: a merged enterprise's rating is kept with the survivor). A
read model like the other tracking tables: a rebuild takes the ledger in again from seq 1 and
fills them, the ratings folded before this revision included.

Revision ID: s0003
"""
import sqlalchemy as sa
from alembic import op

revision = "s0003"
down_revision = "s0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tracking_ratings", sa.Column("rated_appeal_id", sa.String(120)))
    op.create_table(
        "tracking_rectifications",
        sa.Column("appeal_id", sa.String(120), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("unit", sa.String(100)),
        sa.Column("rating", sa.String(40), nullable=False),
        sa.Column("rating_seq", sa.BigInteger),
        sa.Column("rated_appeal_id", sa.String(120)),
        sa.Column("due_at", sa.String(32), nullable=False),
        sa.Column("way", sa.String(40)),
        sa.Column("classified_at", sa.String(32)),
        sa.Column("classified_on_time", sa.Boolean),
        sa.Column("plan_due", sa.String(32)),
        sa.Column("completed_at", sa.String(32)),
        sa.Column("completed_on_time", sa.Boolean),
        sa.Column("ruling", sa.String(40)),
        sa.Column("ruled_at", sa.String(32)),
        sa.Column("seqs", sa.Text, nullable=False),
    )
    op.create_table(
        "tracking_voided_ratings",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("appeal_id", sa.String(120), nullable=False),
        sa.Column("unit", sa.String(100)),
        sa.Column("rating", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("ruling_seq", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tracking_voided_ratings")
    op.drop_table("tracking_rectifications")
    # SQLite drops a column by copying the table: batch mode does so on either store.
    with op.batch_alter_table("tracking_ratings") as batch:
        batch.drop_column("rated_appeal_id")
