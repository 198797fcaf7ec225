"""Read models kept by refolding whole streams: the projector a service builds from a table of
folds, one per stream type, and the tables those folds write.

A fold `(connection, stream_id, stream)` writes its stream's rows afresh from the whole stream
(the aggregate's own fold, so a read model cannot show a state the aggregate would not). The
projector refolds every stream a command touched, in the command's transaction, and rebuilds the
lot from the log: the tables emptied, each stream folded once. Streams are folded in the order
the table names their types, so a type's rows are there for the types after it to find.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import sqlalchemy as sa

from kernel.aggregate import Aggregate
from kernel.envelope import Event
from kernel.store import events as event_log
from kernel.store import read_stream, row_to_event

Fold = Callable[[sa.Connection, str, list[Event]], None]
Streams = dict[tuple[str, str], list[Event]]


class Progress(Protocol):
    """What a rebuild reports to, as a tqdm bar takes it: the streams to fold are added to
    `total` once the log is read, and each stream folded is an `update(1)`."""

    total: int | float | None

    def update(self, n: int = 1) -> object: ...


class Refolding:
    """The projector of the streams of `folds`' types, whose rows are in `tables`.

    An area with more to write than its folds do (a feed of some events, say) overrides
    `refold`, which sees the events the command appended beside the whole stream.
    """

    def __init__(self, folds: Mapping[str, Fold], tables: Sequence[sa.Table]):
        self.folds = dict(folds)
        self.tables = tuple(tables)

    def project(self, connection: sa.Connection, appended: Sequence[Event]) -> None:
        """The store's projector: refold every stream the command touched."""
        touched: Streams = {}
        for event in appended:
            if event.stream_type in self.folds:
                touched.setdefault((event.stream_type, event.stream_id), []).append(event)
        for (stream_type, stream_id), new in self._in_order(touched):
            # A stream begun by this command is all here: no read of the log.
            stream = new if new[0].version == 1 else read_stream(connection, stream_id)
            self.refold(connection, stream_type, stream_id, stream, new)

    def rebuild(self, connection: sa.Connection, progress: Progress | None = None) -> int:
        """Empty the tables and fold every stream again from the log; the streams refolded."""
        for table in self.tables:
            connection.execute(table.delete())
        streams: Streams = {}
        rows = connection.execute(sa.select(event_log)
                                  .where(event_log.c.stream_type.in_(list(self.folds)))
                                  .order_by(event_log.c.id))
        for row in rows:
            event = row_to_event(row)
            streams.setdefault((event.stream_type, event.stream_id), []).append(event)
        if progress is not None:
            progress.total = (progress.total or 0) + len(streams)
        for (stream_type, stream_id), stream in self._in_order(streams):
            stream.sort(key=lambda event: event.version)
            self.refold(connection, stream_type, stream_id, stream, stream)
            if progress is not None:
                progress.update(1)
        return len(streams)

    def refold(self, connection: sa.Connection, stream_type: str, stream_id: str,
               stream: list[Event], new: list[Event]) -> None:
        """Write one stream's rows afresh. `new`: the events of it the command appended (on a
        rebuild, the whole stream)."""
        self.folds[stream_type](connection, stream_id, stream)

    def _in_order(self, streams: Streams):
        # By type as the table names them; of one type, in the order the log first names them.
        rank = {stream_type: place for place, stream_type in enumerate(self.folds)}
        return sorted(streams.items(), key=lambda item: rank[item[0][0]])


def snapshot_row(aggregate: type[Aggregate], table: sa.Table, columns: Sequence[str]) -> Fold:
    """The fold of a stream to one row of `table`: the `columns` of the aggregate's snapshot
    (the row's key first) and the snapshot itself, as JSON, in `state`."""
    def fold(connection: sa.Connection, stream_id: str, stream: list[Event]) -> None:
        state = aggregate.from_events(stream_id, stream).snapshot()
        replace_row(connection, table, columns[0], {
            **{column: state[column] for column in columns},
            "state": json.dumps(state, ensure_ascii=False)})
    return fold


def replace_row(connection: sa.Connection, table: sa.Table, key: str, row: dict) -> None:
    """Write `row` in place of the one with its `key`, if there is one."""
    connection.execute(table.delete().where(table.c[key] == row[key]))
    connection.execute(table.insert().values(**row))
