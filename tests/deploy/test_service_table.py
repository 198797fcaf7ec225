"""The service registry (`services/registry.py`): every entry points at something that exists, and
the settings, the start order and the command line are derived from it. Whether a new entry is
picked up end to end is `tests/e2e/test_registry.py`."""
from __future__ import annotations

import subprocess
import sys

import pytest

from huiqi import stack
from huiqi.__main__ import main
from kernel import settings
from kernel.base_service import EventSourcedService
from kernel.registry import Registry, ServiceEntry
from services.registry import EVENT_SOURCES, SERVICES

# It loads the service classes (the nameko shell), so it is of the service ring, not the pure one.
pytestmark = pytest.mark.service


@pytest.mark.parametrize("entry", SERVICES, ids=lambda entry: entry.name)
def test_each_entry_names_a_service_of_that_name(entry):
    cls = entry.load()
    # nameko's name is the RPC target and the "<name>.events" exchange: it must be the entry's.
    assert cls.name == entry.name
    assert issubclass(cls, EventSourcedService) == entry.event_store


@pytest.mark.parametrize("entry", [e for e in SERVICES if e.migrations], ids=lambda e: e.name)
def test_each_migrations_directory_holds_revisions(entry):
    assert entry.migrations_path.is_dir()
    assert list(entry.migrations_path.glob("*.py")), f"{entry.migrations} holds no revision"


@pytest.mark.parametrize("name", SERVICES.rebuildable)
def test_each_projections_module_can_rebuild(name):
    assert callable(getattr(SERVICES[name].projections_module(), "rebuild", None))


def test_event_sources_are_the_entries_with_a_store_in_table_order():
    assert EVENT_SOURCES == tuple(entry.name for entry in SERVICES if entry.event_store)
    assert "gateway" not in EVENT_SOURCES


def test_the_audit_starts_first_and_the_gateway_last():
    assert stack.ORDER[0] == "audit"
    assert stack.ORDER[-1] == "gateway"
    assert sorted(stack.ORDER) == sorted(SERVICES.names)


def test_the_port_comes_from_the_entry_unless_the_environment_says_otherwise():
    gateway = SERVICES["gateway"]
    assert settings.port("gateway", gateway.port, {}) == gateway.port
    assert settings.port("gateway", gateway.port, {"GATEWAY_PORT": "9123"}) == 9123
    assert stack.base_url("gateway", {"GATEWAY_PORT": "9123"}).endswith(":9123")


def test_only_services_with_a_store_get_a_database_and_migrations(monkeypatch, tmp_path):
    monkeypatch.setenv("HUIQI_VAR_DIR", str(tmp_path))
    tickets = SERVICES["tickets"].nameko_config()
    assert tickets["DATABASE_URL"] == f"sqlite:///{tmp_path / 'tickets.db'}"
    assert tickets["MIGRATIONS"] == {"tickets": str(settings.ROOT / "services/tickets/migrations")}
    gateway = SERVICES["gateway"].nameko_config()
    assert gateway["DATABASE_URL"] is None
    assert gateway["MIGRATIONS"] == {}



@pytest.mark.parametrize("command, choices", [
    ("serve", SERVICES.names), ("rebuild-projections", (*SERVICES.rebuildable, "all"))])
def test_the_command_line_offers_the_registry(command, choices, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "{" + ",".join(choices) + "}" in capsys.readouterr().out


@pytest.mark.parametrize("entries, complaint", [
    ((ServiceEntry("a", "m:A", 1), ServiceEntry("a", "m:B", 2)), "share a name"),
    ((ServiceEntry("a", "m:A", 1), ServiceEntry("b", "m:B", 1)), "share a port"),
])
def test_the_table_refuses_repeats(entries, complaint):
    with pytest.raises(ValueError, match=complaint):
        Registry(*entries)


@pytest.mark.parametrize("fields, complaint", [
    (dict(name="Tickets", service_class="m:A", port=1), "lower-case"),
    (dict(name="new-one", service_class="m:A", port=1), "lower-case"),
    (dict(name="a", service_class="m.A", port=1), "module:Class"),
    (dict(name="a", service_class="m:A", port=1, event_store=False, migrations="d"), "store"),
])
def test_an_entry_refuses_what_the_stack_cannot_use(fields, complaint):
    with pytest.raises(ValueError, match=complaint):
        ServiceEntry(**fields)


def test_reading_the_table_imports_no_service():
    # In a fresh interpreter: this one has imported the services already.
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, services.registry; print(*sorted(sys.modules))"],
        cwd=settings.ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert not [name for name in loaded if name.startswith(("services.", "gateway"))
                and name != "services.registry"]
