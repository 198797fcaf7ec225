"""The huiqi command: `up` (the whole stack), `serve NAME` (one service), `rebuild-projections
NAME` (refold a service's read models), `token` (mint a bearer token), and the commands of the
modules in COMMANDS, each its own module with `add_arguments(parser)` and `run(args) -> int`
(the ledger's offline verifier, replay, evidence bundles). The service names are
those of the registry (`services/registry.py`). `up` and `token` take the stack's secrets from the
environment or from `<var>/secrets.env` (`huiqi.secrets`); `serve` refuses to start without them
unless in development mode (`kernel.identity`)."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from services.registry import SERVICES

# name -> (module, help): commands that live in a module of their own, imported only when run.
COMMANDS: dict[str, tuple[str, str]] = {
    "verify": ("huiqi.verify", "check an entry, two checkpoints, an exported ledger or an "
                               "evidence bundle against the ledger's signed checkpoints, offline"),
    "export-ledger": ("huiqi.export", "write every ledger entry as JSON lines, for huiqi verify ledger"),
    "evidence": ("huiqi.evidence", "make an evidence bundle of one matter, or of one unit in a window"),
    "replay": ("huiqi.replay", "a stream's state as of a seq or a time, from the ledger alone"),
    "permissions": ("huiqi.permissions", "write docs/PERMISSIONS.md from the services' "
                                         "permission tables (--check: is it current?)"),
    "events": ("huiqi.events", "write docs/EVENTS.md and docs/events.json from the services' "
                               "declared events (--check: current, and the change allowed?)"),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="huiqi")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start every service of the registry and the gateway")
    serve = commands.add_parser("serve", help="run one service in this process")
    serve.add_argument("service", choices=SERVICES.names)
    rebuild = commands.add_parser("rebuild-projections",
                                  help="drop a service's read models and fold them again from its log")
    rebuild.add_argument("service", choices=(*SERVICES.rebuildable, "all"),
                         help="a service, or all of them in turn")
    token = commands.add_parser(
        "token", help="mint a bearer token (HUIQI_JWT_SECRET, else var/secrets.env)")
    token.add_argument("--sub", required=True, help="who: a user id")
    token.add_argument("--role", required=True,
                       help="enterprise, unit_officer, office, supervisor, leader, liaison")
    token.add_argument("--unit", help="the unit's id, for a unit officer")
    token.add_argument("--uscc", help="the enterprise's credit code, for an enterprise")
    token.add_argument("--hours", type=float, default=12, help="lifetime, at most 24")
    for name, (module, help_) in COMMANDS.items():
        importlib.import_module(module).add_arguments(commands.add_parser(name, help=help_))
    args = parser.parse_args(argv)

    if args.command in COMMANDS:
        return importlib.import_module(COMMANDS[args.command][0]).run(args)

    if args.command == "serve":
        from kernel import identity
        try:
            warnings = identity.check_secrets()
        except identity.MissingSecret as exc:
            print(f"huiqi serve {args.service}: refusing to start: {exc}", file=sys.stderr)
            return 2
        for warning in warnings:
            print(f"huiqi serve {args.service}: WARNING: {warning}", file=sys.stderr, flush=True)
        from huiqi.serve import serve
        serve(args.service)
        return 0
    if args.command == "up":
        from huiqi import secrets
        os.environ.update(secrets.for_stack())
        from huiqi.stack import up
        return up()
    if args.command == "rebuild-projections":
        from huiqi.maintenance import rebuild_with_progress
        return rebuild_with_progress(args.service)
    from gateway.auth import mint
    from huiqi import secrets
    from kernel.identity import MissingSecret
    os.environ.update(secrets.for_token())
    try:
        print(mint(args.sub, args.role, unit=args.unit, uscc=args.uscc, hours=args.hours))
    except (ValueError, MissingSecret) as exc:
        print(f"huiqi token: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
