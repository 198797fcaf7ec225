"""`huiqi replay STREAM_ID [--seq N | --as-of TIME] [--ledger FILE]`: a stream's state (an appeal,
a policy, an enterprise, the city's linkage …) as of a ledger seq or a moment, rebuilt from the
audit ledger alone and printed as JSON.

The entries are read from the audit's database (`AUDIT_DATABASE_URL`, else var/audit.db), by the
ledger's index on stream_id, or from a ledger exported as JSON lines (`huiqi export-ledger`), one
entry's columns a line. Nothing of the service that wrote the stream is read: its database may be
gone. The fold, the checks of each entry and the time `--as-of` is compared with are
`huiqi.streams`'s.

Imported for argparse on every `huiqi` call: what the command needs is imported in `run`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from pathlib import Path
from typing import Iterator

# Bars only for reads long enough to want one (an exported ledger's scan, a long stream).
PROGRESS_AFTER = 2.0  # seconds
_PLAIN_ID = re.compile(r"[A-Za-z0-9._:-]+")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("A stream's state (an appeal, a policy, an enterprise, the city's "
                          "linkage …) as of a ledger seq or a moment, rebuilt from the audit "
                          "ledger alone and printed as JSON.")
    parser.add_argument("stream_id", metavar="STREAM_ID",
                        help="the stream: an appeal's id, a policy's, an enterprise's credit code…")
    bound = parser.add_mutually_exclusive_group()
    bound.add_argument("--seq", type=_seq, metavar="N",
                       help="the state after ledger entry N (entries of the stream up to seq N)")
    bound.add_argument("--as-of", type=_moment, metavar="TIME", dest="as_of",
                       help="the state at TIME, ISO-8601 with its zone (2026-05-06T16:00:00+08:00, "
                            "…Z): the stream's events that occurred (occurred_at, the service's "
                            "time of the fact, not the ledger's recorded_at) up to then")
    parser.add_argument("--ledger", type=Path, metavar="FILE",
                        help="an exported ledger (JSON lines of entries) instead of the audit's "
                             "database")
    parser.add_argument("--stream-type", metavar="TYPE",
                        help="which stream, when the id names streams of more than one type")


def _seq(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seq must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"--seq must be 1 or more (ledger seqs start at 1), "
                                         f"not {value}")
    return value


def _moment(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--as-of must be an ISO-8601 time with its zone, e.g. 2026-05-06T16:00:00+08:00, "
            f"not {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"--as-of {text!r} has no zone: give one (…Z for UTC, +08:00 for Beijing time)")
    return value.astimezone(dt.timezone.utc)


def run(args: argparse.Namespace) -> int:
    from huiqi.streams import ReplayError, replay

    try:
        if args.ledger is not None:
            entries = file_entries(args.ledger, args.stream_id)
            replayed = replay(entries, args.stream_id, seq=args.seq, as_of=args.as_of,
                              stream_type=args.stream_type)
        else:
            from kernel import settings
            replayed = replay_from_database(settings.database_url("audit"), args.stream_id,
                                            seq=args.seq, as_of=args.as_of,
                                            stream_type=args.stream_type)
    except (ReplayError, OSError) as exc:
        print(f"huiqi replay: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(replayed.to_dict(), ensure_ascii=False, indent=2, default=_jsonable))
    return 0


def _jsonable(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot print {type(value).__name__} as JSON")


# -- reading the entries ---------------------------------------------------------------------------

def replay_from_database(url: str, stream_id: str, *, seq: int | None = None,
                         as_of: dt.datetime | None = None, stream_type: str | None = None):
    """`streams.replay` over the stream's entries in the audit database at `url`."""
    from kernel.database import is_sqlite, make_engine, reading
    from huiqi.streams import ReplayError, replay

    if is_sqlite(url):
        import sqlalchemy as sa
        path = sa.make_url(url).database
        if path and path != ":memory:" and not os.path.exists(path):
            raise ReplayError(f"there is no audit database at {path} (AUDIT_DATABASE_URL, or "
                              "--ledger FILE for an exported ledger)")
    engine = make_engine(url)
    try:
        with reading(engine) as connection:
            return replay(database_entries(connection, stream_id, seq=seq), stream_id,
                          seq=seq, as_of=as_of, stream_type=stream_type)
    finally:
        engine.dispose()


def database_entries(connection, stream_id: str, *, seq: int | None = None) -> Iterator:
    """The stream's entries in seq order, up to `seq`, by the ledger's index on stream_id.

    The bound is applied here, not in the query: given `seq <= N` as well, PostgreSQL without
    fresh statistics on the table (a ledger just loaded, not yet analysed) combines the
    stream's index with a range scan of the primary key over N entries, milliseconds per
    million instead of one index lookup."""
    import sqlalchemy as sa

    from huiqi.streams import ReplayError
    from services.audit.chain import Entry
    from services.audit.ledger import ENTRY_FIELDS, ledger

    query = (sa.select(*(ledger.c[name] for name in ENTRY_FIELDS))
             .where(ledger.c.stream_id == stream_id).order_by(ledger.c.seq))
    try:
        rows = connection.execute(query)
    except sa.exc.DBAPIError as exc:
        raise ReplayError(f"cannot read the ledger at {connection.engine.url!r}: "
                          f"{exc.orig}") from None
    with _progress("entries", None) as bar:
        for row in rows:
            if seq is not None and row[0] > seq:
                break
            bar.update()
            yield Entry(*row)


def file_entries(path: Path, stream_id: str | None = None) -> Iterator:
    """The entries of an exported ledger (JSON lines, each an entry's columns), in the file's
    order; with `stream_id`, only that stream's (lines of other streams are passed over
    unparsed where the id is not in them)."""
    import orjson

    from huiqi.streams import ReplayError, entry_of

    # An id of these characters is written the same by every JSON encoder, escaped or not, so a
    # line without it holds another stream's entry; any other id is looked for after parsing.
    needle = (stream_id.encode("ascii")
              if stream_id is not None and _PLAIN_ID.fullmatch(stream_id) else None)
    with open(path, "rb") as lines, _progress("B", os.path.getsize(path)) as bar:
        for number, line in enumerate(lines, start=1):
            bar.update(len(line))
            if needle is not None and needle not in line:
                continue
            if not line.strip():
                continue
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise ReplayError(f"{path}, line {number}: not JSON ({exc})") from None
            if not isinstance(data, dict):
                raise ReplayError(f"{path}, line {number}: not a ledger entry (a JSON object)")
            if stream_id is not None and data.get("stream_id") != stream_id:
                continue
            try:
                yield entry_of(data)
            except ReplayError as exc:
                raise ReplayError(f"{path}, line {number}: {exc}") from None


def _progress(unit: str, total: int | None):
    """A bar on stderr with its rate, shown once a read has taken PROGRESS_AFTER seconds and
    only to a terminal."""
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, unit_scale=unit == "B", file=sys.stderr,
                delay=PROGRESS_AFTER, disable=None, leave=False, desc="replay: reading the ledger")
