"""`huiqi export-ledger --out FILE`: every entry of the audit ledger, in seq order, as JSON lines
(the columns of services.audit.contract.LedgerEntry, each line canonical JSON), for
`huiqi verify ledger` to check offline against the signed checkpoints.

Read from the audit database (AUDIT_DATABASE_URL, else var/audit.db) in one streamed query, one
snapshot, never more than a chunk of rows in memory; written to FILE.part and renamed when
complete, so FILE is never half an export. A progress bar with the rate goes to stderr.

Imported for argparse on every `huiqi` call: everything else is imported when it runs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, help="the file to write (JSON lines)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from kernel import settings
    from kernel.database import make_engine, reading
    engine = make_engine(settings.database_url("audit"))
    try:
        with reading(engine) as connection:
            count = export(connection, args.out, quiet=args.quiet)
    except OSError as error:
        print(f"huiqi export-ledger: cannot write {args.out}: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"huiqi export-ledger: {count} entries written to {args.out}")
    return 0


def export(connection, out: Path, *, quiet: bool = False) -> int:
    """Write every entry to `out` as JSON lines, in seq order; how many were written."""
    import sqlalchemy as sa
    from tqdm import tqdm

    from kernel.envelope import canonical_json
    from services.audit.ledger import ENTRY_FIELDS, iter_rows, ledger

    # For the bar's total only; the export itself is whatever the one streamed query reads.
    total = connection.execute(sa.select(sa.func.count()).select_from(ledger)).scalar()
    draft = out.with_name(out.name + ".part")
    count = 0
    with draft.open("wb") as stream, tqdm(total=total, desc="exporting", unit=" entries",
                                          disable=quiet,
                                          file=sys.stderr) as progress:
        for row in iter_rows(connection):
            stream.write(canonical_json(dict(zip(ENTRY_FIELDS, row))) + b"\n")
            count += 1
            if count % 1000 == 0:
                progress.update(1000)
        progress.update(count % 1000)
    draft.replace(out)
    return count
