"""The compendium's documents as rendered: compendium_documents, one row per edition and format
(html, pdf, docx) with its bytes, their SHA-256 digest and size. An edition never changes, so each
document is rendered once and served from here.

Revision ID: p0004
"""
import sqlalchemy as sa
from alembic import op

revision = "p0004"
down_revision = "p0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "compendium_documents",
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("format", sa.String(8), primary_key=True),
        sa.Column("edition_digest", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("rendered_at", sa.String(32), nullable=False),
    )
