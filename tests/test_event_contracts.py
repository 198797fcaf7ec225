"""Every event any service records is declared, and the declarations are the committed contract.

- Every aggregate of every service names its catalogue, and the catalogue declares every type the
  aggregate applies (`when_<Type>`): so `kernel.aggregate` refuses anything else at record time.
- Every service in the registry that keeps an event store publishes a catalogue in
  `services/<service>/events.py` that imports nothing of its service.
- `docs/EVENTS.md` and `docs/events.json` are what the catalogues give, and the catalogues keep
  the rule of change against the committed snapshot (`kernel.events.compare`).
- No consumer of another service's events reads a payload by key: the modules of every reaction
  a service class declares to another source, and of the functions it hands the event to, read
  no field of a payload (`.payload[…]`, `.payload.get(…)`, `in .payload`), so each reads the
  producer's declared model.
"""
from __future__ import annotations

import ast
import functools
import importlib
import inspect
import json
import pkgutil
import textwrap
from pathlib import Path

import pytest

import services
from huiqi import events as events_command
from kernel.aggregate import Aggregate
from kernel.dependencies import Reactions
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


# -- a consumer reads another service's events through the producer's declared model ----------

# A field is read of a payload by subscript, by a mapping method, or by `in`.
MAPPING_READS = {"get", "keys", "items", "values", "pop", "setdefault"}

# Consumer modules still reading other services' payloads by key while they are converted to
# the producers' declared models; each leaves this list with its conversion.
STILL_READING_BY_KEY: set[str] = set()


def _foreign_handlers():
    """(service, source, type, handler function) of every reaction a service class declares to
    a source other than its own log."""
    found = []
    for entry in SERVICES:
        if not entry.event_store:
            continue
        for _, provider in inspect.getmembers(entry.load(),
                                              lambda value: isinstance(value, Reactions)):
            for source, handlers in provider.subscriptions.items():
                if source == entry.name:
                    continue
                for type_, handler in handlers.items():
                    while isinstance(handler, functools.partial):
                        handler = handler.func
                    found.append((entry.name, source, type_, handler))
    return found


def _definition(function) -> ast.FunctionDef:
    return ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]


def _resolved(node, names: dict):
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _resolved(node.value, names)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def _ours(callee) -> bool:
    """A function of this project's code (not a library's, nor a method of a catalogue)."""
    if not inspect.isfunction(callee):
        return False
    path = Path(inspect.getsourcefile(callee)).resolve()
    return path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv")


def _reached(function, given: str, found: dict, whole: set) -> None:
    """Into `found` {function: the name it holds the event by}: `function`, holding the event
    as its parameter `given`, and every function of this project's it hands the event on to. A
    function handing the event to something the check cannot name (a handler looked up in a
    table, a catalogue handed in) has its whole module put into `whole`, to be read as a
    consumer module."""
    if function in found:
        return
    found[function] = given
    for node in ast.walk(_definition(function)):
        if not isinstance(node, ast.Call):
            continue
        passed = [(index, None) for index, arg in enumerate(node.args)
                  if isinstance(arg, ast.Name) and arg.id == given]
        passed += [(None, keyword.arg) for keyword in node.keywords
                   if isinstance(keyword.value, ast.Name) and keyword.value.id == given]
        if not passed:
            continue
        callee = _resolved(node.func, function.__globals__)
        if callee is None:
            whole.add(inspect.getsourcefile(function))
            continue
        if not _ours(callee):
            continue  # a catalogue's parse, a library's function: no field read by key
        parameters = list(inspect.signature(callee).parameters)
        for index, keyword in passed:
            name = keyword or (parameters[index] if index < len(parameters) else None)
            if name is not None:
                _reached(callee, name, found, whole)


def _is_payload(node, holders: set[str] | None, aliases: set[str]) -> bool:
    """Whether `node` is the payload of the event (held by one of `holders`; of any object
    when None) or a name bound to it."""
    if isinstance(node, ast.Name):
        return node.id in aliases
    return (isinstance(node, ast.Attribute) and node.attr == "payload"
            and (holders is None or (isinstance(node.value, ast.Name)
                                     and node.value.id in holders)))


def _payload_reads(tree: ast.AST, holders: set[str] | None = None) -> list[ast.AST]:
    """The nodes of `tree` reading a field of an event's payload: `.payload[…]`,
    `.payload.get(…)`, `… in .payload`, or so through a name bound to the payload."""
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = (zip(target.elts, node.value.elts)
                         if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                         else [(target, node.value)])
                aliases |= {name.id for name, value in pairs if isinstance(name, ast.Name)
                            and _is_payload(value, holders, set())}
    reads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_payload(node.value, holders, aliases):
            reads.append(node)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in MAPPING_READS
              and _is_payload(node.func.value, holders, aliases)):
            reads.append(node)
        elif isinstance(node, ast.Compare) and any(
                isinstance(op, (ast.In, ast.NotIn)) and _is_payload(right, holders, aliases)
                for op, right in zip(node.ops, node.comparators)):
            reads.append(node)
    return reads


def _shown(path: str, node: ast.AST, first_line: int = 1) -> str:
    return (f"{Path(path).resolve().relative_to(ROOT)}:{node.lineno + first_line - 1}: "
            f"{ast.unparse(node)}")


def _consumers():
    """What reads other services' events: {function: the name it holds the event by} of every
    reaction to another source and what it hands the event to, and the modules read whole."""
    found, whole = {}, set()
    for _, _, _, handler in _foreign_handlers():
        _reached(handler, list(inspect.signature(handler).parameters)[-1], found, whole)
    return found, {str(Path(path).resolve().relative_to(ROOT)) for path in whole}


def _reads_by_key(found: dict, whole: set[str]) -> list[str]:
    reads = []
    for function, given in found.items():
        path = inspect.getsourcefile(function)
        if str(Path(path).resolve().relative_to(ROOT)) in whole:
            continue
        first_line = inspect.getsourcelines(function)[1]
        reads += [_shown(path, node, first_line)
                  for node in _payload_reads(_definition(function), {given})]
    for path in sorted(whole):
        reads += [_shown(ROOT / path, node)
                  for node in _payload_reads(ast.parse((ROOT / path).read_text("utf-8")))]
    return reads


def test_the_consumers_are_found():
    found, whole = _consumers()
    modules = {str(Path(inspect.getsourcefile(f)).resolve().relative_to(ROOT)) for f in found}
    for expected in ("kernel/units.py", "services/tickets/appeals/reactions.py",
                     "services/policy/work/reactions.py",
                     "services/policy/enterprises/reactions.py",
                     "services/liaison/fieldwork/reactions.py",
                     "services/supervision/tracking/reactions.py"):
        assert expected in modules, f"{expected} consumes other services' events"
    names = {f"{f.__module__}.{f.__qualname__}": given for f, given in found.items()}
    assert names["services.tickets.appeals.reactions.linkage_changed"] == "event"
    assert names["kernel.units.take_in"] == "event"      # handed the event by units.take
    assert "services/supervision/tracking/views.py" in whole   # its handlers in a table


# The check's probe: a consumer that reads its event's payload every way there is, and reads
# another event's (its own service's, say) as it likes.
def _probe_consumer(uow, event):
    a = event.payload["a"]
    b = event.payload.get("b")
    c = "c" in event.payload
    seq, p = 1, event.payload
    d = p["d"]
    _probe_handed(uow.connection, given=event)
    own = [e.payload["own"] for e in uow.read_stream("s")]
    return a, b, c, d, seq, own, json.dumps(event.payload)


def _probe_handed(connection, given):
    return given.payload["e"]


def test_the_check_sees_every_way_of_reading_a_field_of_the_event_given():
    found, whole = {}, set()
    _reached(_probe_consumer, "event", found, whole)
    assert found == {_probe_consumer: "event", _probe_handed: "given"} and not whole
    reads = [read.split(": ", 1)[1] for read in _reads_by_key(found, whole)]
    assert reads == ["event.payload['a']", "event.payload.get('b')", "'c' in event.payload",
                     "p['d']", "given.payload['e']"]


def test_no_consumer_reads_another_service_s_payload_by_key():
    """A consumer parses what it takes in (`EVENTS.parse(event)`) and reads the model's fields,
    so a field no producer declares fails here and in the consumer's tests, not in production."""
    found, whole = _consumers()
    checked = {function: given for function, given in found.items()
               if str(Path(inspect.getsourcefile(function)).resolve().relative_to(ROOT))
               not in STILL_READING_BY_KEY}
    reads = _reads_by_key(checked, whole - STILL_READING_BY_KEY)
    assert not reads, ("these consumers read another service's event payload by key; parse it "
                       "through the producer's catalogue (services/<svc>/events.py) instead:\n"
                       + "\n".join(reads))
    still = {path for path in STILL_READING_BY_KEY if _reads_by_key(
        {f: g for f, g in found.items() if str(Path(inspect.getsourcefile(f)).resolve()
                                               .relative_to(ROOT)) == path},
        {path} & whole)}
    assert still == STILL_READING_BY_KEY, (
        f"these no longer read payloads by key: take them off the list: "
        f"{sorted(STILL_READING_BY_KEY - still)}")
