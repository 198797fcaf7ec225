"""The ledger's writer role on PostgreSQL: it may select and insert on the ledger, nothing more.

The audit service appends as this role (`services.audit.ledger.append`), so a fault or an
injection in the service cannot update, delete or truncate entries, nor drop the triggers: those
need the table's owner, the migrating user. Roles belong to the whole cluster while the ledger
belongs to one database, so this runs in every database the service migrates: the role is created
only if absent (two databases migrating at once may race for it), and the grant is on this
database's table. The migrating user needs CREATEROLE (or superuser) the first time, unless the
role was made and granted to it beforehand (deploy/postgres/init.sql does). SQLite has no roles:
its triggers (a0001) are the protection.

Revision ID: a0002
"""
from alembic import op

revision = "a0002"
down_revision = "a0001"
branch_labels = None
depends_on = None

WRITER_ROLE = "huiqi_ledger_writer"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{WRITER_ROLE}') THEN "
        f"CREATE ROLE {WRITER_ROLE} NOLOGIN; "
        "END IF; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; "
        "END $$")
    op.execute(f"REVOKE ALL ON ledger FROM {WRITER_ROLE}")
    op.execute(f"GRANT SELECT, INSERT ON ledger TO {WRITER_ROLE}")
    # The service's own user takes the role for each append (SET LOCAL ROLE). Granted only when
    # missing: a user made a member by deploy/postgres/init.sql may not grant the role itself.
    op.execute(
        "DO $$ BEGIN "
        f"IF NOT pg_has_role(current_user, '{WRITER_ROLE}', 'MEMBER') THEN "
        f"GRANT {WRITER_ROLE} TO CURRENT_USER; "
        "END IF; END $$")
