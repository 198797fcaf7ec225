"""`huiqi evidence`: an evidence bundle (services.audit.evidence) from the audit database, for one
matter (`--stream ID`) or one unit in a window of time (`--unit U --since T --until T`, T in ISO
8601 with its zone), written to `--out`. Proved against the latest checkpoint kept and sealed by
the log's signing key (services.audit.keys); `huiqi verify bundle FILE --key K` checks it
offline.

Imported for argparse on every `huiqi` call: everything else is imported when it runs.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stream", help="one matter: the stream's id (an appeal's, say)")
    parser.add_argument("--unit", help="one unit: its code")
    parser.add_argument("--since", help="with --unit: from this time (ISO 8601 with its zone)")
    parser.add_argument("--until", help="with --unit: until this time, not included")
    parser.add_argument("--out", required=True, type=Path, help="the file to write")
    parser.add_argument("--limit", type=int, default=None,
                        help="the most entries the bundle may hold (default 2000)")


def run(args: argparse.Namespace) -> int:
    from kernel import settings
    from kernel.database import make_engine, reading
    from kernel.errors import DomainError
    from services.audit import bundles, keys, note

    if not os.environ.get(keys.SIGNING_KEY) and not keys.key_file().exists():
        # The log's key signs the checkpoints the bundle is proved against: a key made here
        # would be another log's.
        print(f"huiqi evidence: no signing key: set {keys.SIGNING_KEY} or put the audit "
              f"service's key in {keys.key_file()} ({keys.KEY_FILE})", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url("audit"))
    try:
        signer = keys.signer()
        with reading(engine) as connection:
            data = bundles.build(connection, signer, stream_id=args.stream, unit=args.unit,
                                 since=args.since, until=args.until,
                                 limit=args.limit or bundles.MAX_ENTRIES)
    except (DomainError, keys.KeyConfigError, note.NoteError) as error:
        print(f"huiqi evidence: {getattr(error, 'message', error)}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    try:
        draft = args.out.with_name(args.out.name + ".part")
        draft.write_bytes(data)
        draft.replace(args.out)
    except OSError as error:
        print(f"huiqi evidence: cannot write {args.out}: {error}", file=sys.stderr)
        return 2
    print(f"huiqi evidence: {len(data)} bytes written to {args.out}; check it with "
          f"huiqi verify bundle {args.out} --key {signer.verifier_key()}")
    return 0
