"""The ledger verified with chunks checked ahead in worker processes gives the sequential verdict,
on SQLite and PostgreSQL, for a ledger laid down in bulk by the bench (which must verify) and for
the same ledger rewritten beneath its triggers. The pool runs in a process of its own: this test
process is patched by eventlet, under which verification stays sequential."""
import json
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys
import sqlalchemy as sa
from bench.verify import seed_ledger
from kernel.database import is_sqlite
from services.audit import ledger

ledger.PARALLEL_FROM, ledger.VERIFY_CHUNK = 0, 100
engine = seed_ledger(sys.argv[1], 700)

def verdicts():
    out = []
    for workers in (1, 2):
        with engine.connect() as connection:
            out.append(ledger.verify_ledger(connection, workers=workers).to_dict())
    return out

def rewrite(statement):
    with engine.begin() as connection:
        if is_sqlite(engine):
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS ledger_refuse_update")
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS ledger_refuse_delete")
        else:
            connection.exec_driver_sql("ALTER TABLE ledger DISABLE TRIGGER ledger_append_only")
        connection.exec_driver_sql(statement)

results = [verdicts()]
# The first character always changes: a hash that already began with 'e' would stay as it was.
for statement in ["UPDATE ledger SET hash = CASE WHEN substr(hash, 1, 1) = 'e' THEN 'f' ELSE 'e' END"
                  " || substr(hash, 2) WHERE seq = 655",
                  "UPDATE ledger SET type = 'Forged' WHERE seq = 410",
                  "DELETE FROM ledger WHERE seq = 130",
                  "UPDATE ledger SET seq = -1 WHERE seq = 3"]:
    rewrite(statement)
    results.append(verdicts())
engine.dispose()
print(json.dumps(results))
"""


def test_chunks_checked_in_a_pool_give_the_sequential_verdict(db_url):
    done = subprocess.run([sys.executable, "-c", SCRIPT, db_url], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    untouched, *rewritten = results
    assert untouched[0] == untouched[1] and untouched[0]["ok"] and untouched[0]["entries"] == 700
    expected_first_bad = [655, 410, 130, 3]
    for (sequential, pooled), first_bad in zip(rewritten, expected_first_bad):
        assert pooled == sequential
        assert sequential["ok"] is False and sequential["first_bad_seq"] == first_bad
