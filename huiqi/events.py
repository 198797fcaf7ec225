"""`huiqi events`: docs/EVENTS.md and the snapshot docs/events.json written from every service's
catalogue of declared events (`services/<service>/events.py`), so the documents cannot say other
than what the services record. `--check` exits 1 when they are stale, and says whether the
change keeps the rule of change (`kernel.events.compare`) or needs a new event type instead."""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from kernel.events import Catalogue, compare, snapshot
from services.registry import SERVICES

DOCS = Path(__file__).resolve().parent.parent / "docs"
DOCUMENT = DOCS / "EVENTS.md"
SNAPSHOT = DOCS / "events.json"

HEADER = """# The events each service publishes

Written by `huiqi events` from each service's catalogue (`services/<service>/events.py`); do not
edit by hand. These are the contracts between services: a consumer parses what it takes in
through the producer's model, and an aggregate records no type its catalogue does not declare.

The rule of change, checked by a test against the snapshot `docs/events.json`: an event once
recorded stays readable forever, so a declared type is never removed and a field never changes its
shape or meaning — a changed meaning is a new event type. A field may be added, as optional.
"""


def catalogues() -> list[Catalogue]:
    """Every event-sourced service's catalogue, in the registry's order."""
    return [importlib.import_module(f"services.{name}.events").EVENTS
            for name in SERVICES.event_sources]


def _shape(spec: dict) -> str:
    if "anyOf" in spec:
        return " or ".join(_shape(option) for option in spec["anyOf"])
    if spec.get("type") == "array":
        return f"list of {_shape(spec.get('items', {}))}" if spec.get("items") else "list"
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    return spec.get("type", "any")


def document(found: list[Catalogue]) -> str:
    parts = [HEADER]
    for catalogue in found:
        parts.append(f"\n## {catalogue.service}\n")
        parts.append("| event | clause | meaning | fields |")
        parts.append("|---|---|---|---|")
        for name, declared in sorted(catalogue.items()):
            schema = declared.payload.model_json_schema()
            required = set(schema.get("required", ()))
            fields = ", ".join(
                f"`{field}`" + ("" if field in required else "?") + f" {_shape(spec)}"
                for field, spec in schema.get("properties", {}).items())
            clause = declared.clause or f"(machinery: {declared.why})"
            parts.append(f"| `{name}` | {clause} | {declared.meaning} | {fields} |")
    parts.append("\n`?` marks an optional field.")
    return "\n".join(parts) + "\n"


def written() -> tuple[str, str]:
    found = catalogues()
    return document(found), json.dumps(snapshot(found), ensure_ascii=False, indent=1) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if docs/EVENTS.md or docs/events.json is stale")


def run(args) -> int:
    text, snap = written()
    if args.check:
        committed = json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.exists() else {}
        breaking, compatible = compare(committed, json.loads(snap))
        for line in breaking:
            print(f"huiqi events: breaks the rule of change: {line}", file=sys.stderr)
        for line in compatible:
            print(f"huiqi events: changed (compatible; run `bin/huiqi events`): {line}",
                  file=sys.stderr)
        stale = not DOCUMENT.exists() or DOCUMENT.read_text(encoding="utf-8") != text
        if stale and not breaking and not compatible:
            print("huiqi events: docs/EVENTS.md is stale; run `bin/huiqi events`", file=sys.stderr)
        return 1 if breaking or compatible or stale else 0
    DOCUMENT.write_text(text, encoding="utf-8")
    SNAPSHOT.write_text(snap, encoding="utf-8")
    print(f"huiqi events: wrote {DOCUMENT} and {SNAPSHOT}")
    return 0
