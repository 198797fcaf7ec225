"""Every event any service records is declared, and the declarations are the committed contract.

- Every aggregate of every service names its catalogue, and the catalogue declares every type the
  aggregate applies (`when_<Type>`): so `kernel.aggregate` refuses anything else at record time.
- Every service in the registry that keeps an event store publishes a catalogue in
  `services/<service>/events.py` that imports nothing of its service.
- `docs/EVENTS.md` and `docs/events.json` are what the catalogues give, and the catalogues keep
  the rule of change against the committed snapshot (`kernel.events.compare`).
"""
from __future__ import annotations

import ast
import importlib
import json
import pkgutil
from pathlib import Path

import pytest

import services
from huiqi import events as events_command
from kernel.aggregate import Aggregate
from kernel.events import Catalogue, compare
from services.registry import SERVICES

# It loads the service classes (the nameko shell), so it is of the service ring, not the pure one.
pytestmark = pytest.mark.service

ROOT = Path(__file__).resolve().parent.parent


def _import_every_service_module() -> None:
    for module in pkgutil.walk_packages(services.__path__, "services."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)


def _aggregates() -> list[type[Aggregate]]:
    _import_every_service_module()
    found, todo = [], list(Aggregate.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("services.") and cls.stream_type:
            found.append(cls)  # a base without a stream type records nothing of its own
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _applied_types(cls: type[Aggregate]) -> set[str]:
    return {name[len("when_"):] for name in dir(cls) if name.startswith("when_")}


@pytest.mark.parametrize("aggregate", _aggregates(), ids=lambda cls: cls.__qualname__)
def test_every_aggregate_records_declared_events_only(aggregate):
    assert isinstance(aggregate.events, Catalogue), (
        f"{aggregate.__module__}.{aggregate.__qualname__} names no catalogue of events "
        "(set `events = EVENTS` from its events.py)")
    undeclared = sorted(_applied_types(aggregate) - set(aggregate.events))
    assert not undeclared, (
        f"{aggregate.__qualname__} applies types its catalogue does not declare: {undeclared}")


@pytest.mark.parametrize("service", SERVICES.event_sources)
def test_every_service_publishes_a_catalogue_that_imports_nothing_of_it(service):
    path = ROOT / "services" / service / "events.py"
    assert path.exists(), f"services/{service}/events.py declares the service's events"
    catalogue = importlib.import_module(f"services.{service}.events").EVENTS
    assert catalogue.service == service
    _assert_imports_only_declarations(path, service)


def _assert_imports_only_declarations(path: Path, service: str, seen=None) -> None:
    seen = seen if seen is not None else set()
    if path in seen:
        return
    seen.add(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        for name in names:
            if not name.startswith(("services.", "kernel", "gateway", "huiqi")):
                continue  # the stdlib, pydantic
            if name == "kernel.events":
                continue
            assert name.startswith(f"services.{service}.") and name.endswith(".events"), (
                f"{path.relative_to(ROOT)} imports {name}: an events module imports only "
                "kernel.events and its own service's events modules")
            _assert_imports_only_declarations(
                ROOT / (name.replace(".", "/") + ".py"), service, seen)


def test_every_service_aggregate_names_its_own_services_catalogue():
    for aggregate in _aggregates():
        service = aggregate.__module__.split(".")[1]
        if isinstance(aggregate.events, Catalogue):
            published = importlib.import_module(f"services.{service}.events").EVENTS
            missing = sorted(set(aggregate.events) - set(published))
            assert not missing, (f"{aggregate.__qualname__} records {missing}, which "
                                 f"services/{service}/events.py does not publish")


def test_the_documents_are_what_the_catalogues_give_and_keep_the_rule_of_change():
    text, snap = events_command.written()
    committed = (json.loads(events_command.SNAPSHOT.read_text(encoding="utf-8"))
                 if events_command.SNAPSHOT.exists() else {})
    breaking, compatible = compare(committed, json.loads(snap))
    assert not breaking, ("the declared events break the rule of change (a changed meaning is "
                          "a new event type; an added field is optional):\n" + "\n".join(breaking))
    assert not compatible, ("the declared events changed; run `bin/huiqi events`:\n"
                            + "\n".join(compatible))
    assert events_command.DOCUMENT.read_text(encoding="utf-8") == text, (
        "docs/EVENTS.md is stale; run `bin/huiqi events`")
