"""`huiqi permissions`: docs/PERMISSIONS.md written from the services' permission tables and the
gateway's operations, so the document cannot say other than what is enforced. `--check` exits
1 if the file on disk is not what the tables give (the test suite runs it)."""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from kernel.actor import ROLES
from kernel.permissions import SCOPE_WORDS, Scope, Table
from services.registry import SERVICES

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "PERMISSIONS.md"

HEADER = """# Who may see and do what

Written by `huiqi permissions` from each service's permission table
(`services/<service>/permissions.py`) and the gateway's operations; do not edit by hand. A test
fails when this file and the tables disagree.

Every RPC of a service has a row. A role the row does not name is refused (`403
role_not_allowed`) by the gateway before it reads the request, and again by the service's RPC
entrypoint before any work is done. A role the row names reaches the rows of its scope only: the
service narrows lists before it pages them, refuses a single read outside the scope, and leaves
out of an answer the fields that are not the caller's.

## Scopes

| scope | what the role reaches |
|---|---|
""" + "\n".join(f"| `{scope.value}` | {SCOPE_WORDS[scope]} |" for scope in Scope) + "\n"


def tables() -> dict[str, Table]:
    """Every event-sourced service's permission table, by service."""
    return {name: importlib.import_module(f"services.{name}.permissions").PERMISSIONS
            for name in SERVICES.event_sources}


def routes_by_row() -> dict[tuple[str, str], list[str]]:
    """The gateway's operations by the row that governs them: (service, row) → ["GET /…"]."""
    from gateway.operations import operations_of
    from gateway.service import Gateway
    found: dict[tuple[str, str], list[str]] = {}
    for operation in operations_of(Gateway):
        if operation.permission is not None:
            found.setdefault((operation.service, operation.permission), []).append(
                f"{operation.method} {operation.path}")
    return found


def document() -> str:
    routes = routes_by_row()
    parts = [HEADER]
    for service, table in tables().items():
        roles = [role for role in ROLES if any(role in row.grants for row in table)]
        parts.append(f"\n## {service}\n")
        parts.append("| operation | HTTP | " + " | ".join(roles) + " | note |")
        parts.append("|---|---|" + "---|" * len(roles) + "---|")
        for row in table:
            http = "<br>".join(f"`{route}`" for route in routes.get((service, row.operation), ()))
            cells = [f"`{row.grants[role].value}`" if role in row.grants else "·"
                     for role in roles]
            parts.append(f"| `{row.operation}` | {http or '(RPC only)'} | "
                         + " | ".join(cells) + f" | {row.note} |")
    return "\n".join(parts) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if docs/PERMISSIONS.md is not what the tables give")


def run(args) -> int:
    written = document()
    if args.check:
        current = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else ""
        if current != written:
            print("huiqi permissions: docs/PERMISSIONS.md is stale; run `bin/huiqi permissions`",
                  file=sys.stderr)
            return 1
        return 0
    DOCUMENT.write_text(written, encoding="utf-8")
    print(f"huiqi permissions: wrote {DOCUMENT}")
    return 0
