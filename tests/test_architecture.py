"""The rules of docs/ARCHITECTURE.md that a machine can check: the import contracts of
`.importlinter`, and the pure ring of tests running with no eventlet, broker or database."""
import subprocess
import sys
from pathlib import Path

from kernel import settings

# What the pure ring must never need: the hub, the broker client, the database layer.
IO_MODULES = ("eventlet", "nameko", "kombu", "sqlalchemy", "psycopg2", "alembic", "werkzeug")


def test_import_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    lint = subprocess.run([str(lint_imports), "--no-cache"],
                          cwd=settings.ROOT, capture_output=True, text=True, timeout=300)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "0 broken" in lint.stdout


def test_domain_tests_run_without_eventlet_broker_or_database():
    # --confcutdir keeps pytest from loading tests/conftest.py, which patches eventlet and
    # provides the broker and database fixtures; the plugins of nameko and schemathesis would
    # import the hub and the broker client on their own. The domain ring needs none of them.
    script = (
        "import sys, pytest\n"
        "code = pytest.main(['tests/domain', '--confcutdir=tests/domain', '-q', '-x',"
        " '-p', 'no:cacheprovider', '-p', 'no:pytest_nameko', '-p', 'no:schemathesis'])\n"
        f"loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set({IO_MODULES!r}))\n"
        "print('LOADED', loaded)\n"
        "sys.exit(int(code) or (1 if loaded else 0))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=settings.ROOT, capture_output=True,
                         text=True, timeout=600)
    assert "LOADED []" in run.stdout, run.stdout[-3000:] + run.stderr[-3000:]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
