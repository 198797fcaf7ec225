"""The rules of docs/ARCHITECTURE.md that a machine can check: the import contracts of
`.importlinter`, an import graph without cycles, and the pure ring of tests running with no
eventlet, broker or database."""
import json
import subprocess
import sys
from pathlib import Path

import grimp

from kernel import settings

ROOTS = ("kernel", "services", "gateway", "huiqi")

# What the pure ring must never need: the hub, the broker client, the database layer.
IO_MODULES = ("eventlet", "nameko", "kombu", "sqlalchemy", "psycopg2", "alembic", "werkzeug")


def test_import_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    lint = subprocess.run([str(lint_imports), "--no-cache"],
                          cwd=settings.ROOT, capture_output=True, text=True, timeout=300)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "0 broken" in lint.stdout


def import_cycles(graph, roots=ROOTS) -> list[list[str]]:
    """The strongly connected components of the graph larger than one module (Tarjan's, without
    recursion): each a set of modules that import one another round a circle."""
    ours = sorted(m for m in graph.modules if m.split(".")[0] in roots)
    imported = {m: sorted(n for n in graph.find_modules_directly_imported_by(m)
                          if n.split(".")[0] in roots) for m in ours}
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for root in ours:
        if root in index:
            continue
        work = [(root, iter(imported[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(imported[child])))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def a_circle(graph, component: list[str]) -> str:
    """One circle through the component's first module, as a readable chain of imports."""
    first = component[0]
    for nxt in sorted(graph.find_modules_directly_imported_by(first)):
        if nxt in component:
            back = graph.find_shortest_chain(importer=nxt, imported=first) or (nxt, first)
            return " -> ".join((first, *back))
    return ", ".join(component)


def test_the_import_graph_has_no_cycle():
    graph = grimp.build_graph(*ROOTS, cache_dir=None)
    cycles = import_cycles(graph)
    assert not cycles, "modules importing one another round a circle:\n" + "\n".join(
        f"- {a_circle(graph, component)} ({len(component)} modules)" for component in cycles)


def test_a_cycle_is_found_and_named():
    graph = grimp.ImportGraph()
    for module in ("kernel", "kernel.a", "kernel.b", "kernel.c"):
        graph.add_module(module)
    graph.add_import(importer="kernel.a", imported="kernel.b")
    graph.add_import(importer="kernel.b", imported="kernel.a")
    graph.add_import(importer="kernel.c", imported="kernel.a")
    assert import_cycles(graph) == [["kernel.a", "kernel.b"]]
    assert a_circle(graph, ["kernel.a", "kernel.b"]) == "kernel.a -> kernel.b -> kernel.a"


# One collection of every test, naming each item's file and whether it is of the domain ring:
# tests/conftest.py marks the items as it collects them, so a `-m` per ring would collect the
# whole tree once per ring.
_RINGS_SCRIPT = (
    "import json, pytest\n"
    "class Rings:\n"
    "    found = []\n"
    "    def pytest_collection_finish(self, session):\n"
    "        self.found = [(item.nodeid.split('::', 1)[0],\n"
    "                       item.get_closest_marker('domain') is not None)\n"
    "                      for item in session.items]\n"
    "rings = Rings()\n"
    "pytest.main(['tests', '--collect-only', '-q', '-p', 'no:cacheprovider'], plugins=[rings])\n"
    "print('RINGS', json.dumps(rings.found))\n"
)


def _pure_files() -> set[str]:
    """The test files holding an item of the domain ring and none of another."""
    run = subprocess.run([sys.executable, "-c", _RINGS_SCRIPT], cwd=settings.ROOT,
                         capture_output=True, text=True, timeout=600)
    rings: dict[str, set[bool]] = {}
    for line in run.stdout.splitlines():
        if line.startswith("RINGS "):
            for path, pure in json.loads(line.removeprefix("RINGS ")):
                rings.setdefault(path, set()).add(pure)
    return {path for path, found in rings.items() if found == {True}}


def test_domain_tests_need_no_eventlet_broker_or_database():
    # The domain ring lives beside the rest of each area's tests: its files are those whose
    # every item is of the ring (tests/conftest.py marks each by the fixtures it uses). Each is
    # imported in a fresh interpreter that has loaded neither tests/conftest.py nor nameko's or
    # schemathesis's plugins, which import the hub and the broker client on their own.
    pure = sorted(_pure_files())
    assert pure, "no test file of the domain ring was found"
    script = (
        "import importlib.util, sys\n"
        "sys.path[:0] = ['.', 'tests']\n"
        f"for n, path in enumerate({pure!r}):\n"
        "    spec = importlib.util.spec_from_file_location(f'pure_{n}', path)\n"
        "    spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "    loaded = sorted({m.split('.')[0] for m in sys.modules} & set(" + repr(IO_MODULES)
        + "))\n"
        "    if loaded:\n"
        "        print('LOADED', path, loaded)\n"
        "        sys.exit(1)\n"
        "print('LOADED []')\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=settings.ROOT, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0 and "LOADED []" in run.stdout, \
        run.stdout[-3000:] + run.stderr[-3000:]
