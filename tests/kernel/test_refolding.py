"""The refolding projector on SQLite and PostgreSQL: the streams a command touched are refolded
whole in its transaction, a rebuild empties the tables and folds every stream of the log once,
in the order the table of folds names their types, and reports its progress."""
import datetime as dt

import pytest
import sqlalchemy as sa

from kernel.aggregate import Fact
from kernel.refolding import Refolding, replace_row
from kernel.store import EventStore

AT = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.timezone.utc)

metadata = sa.MetaData()
parks = sa.Table("test_refolded_parks", metadata,
                 sa.Column("id", sa.String(40), primary_key=True),
                 sa.Column("names", sa.Text), sa.Column("events", sa.Integer))
visits = sa.Table("test_refolded_visits", metadata,
                  sa.Column("id", sa.String(40), primary_key=True),
                  sa.Column("park_name", sa.Text))


def fact(type_: str, **payload) -> Fact:
    return Fact(type_, payload, AT, "office:clerk")


def fold_park(connection, stream_id, stream):
    replace_row(connection, parks, "id", {
        "id": stream_id, "events": len(stream),
        "names": ",".join(event.payload["name"] for event in stream)})


def fold_visit(connection, stream_id, stream):
    # Reads the park's row: it must be folded before the visit.
    park = stream[-1].payload["park"]
    names = connection.execute(sa.select(parks.c.names).where(parks.c.id == park)).scalar()
    replace_row(connection, visits, "id", {"id": stream_id, "park_name": names})


class Counter:
    """A progress bar's part the rebuild talks to, kept."""

    def __init__(self):
        self.total = None
        self.updates = []

    def update(self, n=1):
        self.updates.append(n)


@pytest.fixture
def engine(migrated_engine):
    metadata.create_all(migrated_engine)
    yield migrated_engine
    metadata.drop_all(migrated_engine)


def rows(engine, table):
    with engine.connect() as connection:
        return {row[0]: tuple(row[1:]) for row in connection.execute(sa.select(table))}


def test_a_command_refolds_each_stream_it_touched_whole(engine):
    projector = Refolding({"park": fold_park, "visit": fold_visit}, [parks, visits])
    store = EventStore(engine, [projector.project])
    store.append("p-1", "park", 0, [fact("ParkNamed", name="A")])
    store.append("p-1", "park", 1, [fact("ParkNamed", name="B"), fact("ParkNamed", name="C")])
    store.append("x-1", "other", 0, [fact("Ignored", name="-")])
    assert rows(engine, parks) == {"p-1": ("A,B,C", 3)}

    # One command touching both types: the park is refolded first, whatever the order.
    with store.unit_of_work() as uow:
        uow.append("v-1", "visit", 0, [fact("Visited", park="p-2")])
        uow.append("p-2", "park", 0, [fact("ParkNamed", name="D")])
    assert rows(engine, visits) == {"v-1": ("D",)}


def test_a_rebuild_folds_every_stream_of_the_log_once_and_tells_its_progress(engine):
    projector = Refolding({"park": fold_park, "visit": fold_visit}, [parks, visits])
    store = EventStore(engine)   # no projector: the tables know nothing yet
    store.append("v-1", "visit", 0, [fact("Visited", park="p-1")])
    store.append("p-1", "park", 0, [fact("ParkNamed", name="A")])
    store.append("p-2", "park", 0, [fact("ParkNamed", name="B")])
    store.append("p-1", "park", 1, [fact("ParkNamed", name="C")])
    store.append("x-1", "other", 0, [fact("Ignored", name="-")])
    with engine.begin() as connection:
        connection.execute(parks.insert().values(id="gone", names="stale", events=9))

    progress = Counter()
    with engine.begin() as connection:
        assert projector.rebuild(connection, progress) == 3
    assert rows(engine, parks) == {"p-1": ("A,C", 2), "p-2": ("B", 1)}
    assert rows(engine, visits) == {"v-1": ("A,C",)}
    assert progress.total == 3 and progress.updates == [1, 1, 1]

    with engine.begin() as connection:
        assert projector.rebuild(connection) == 3   # no progress: none asked for
    assert rows(engine, parks) == {"p-1": ("A,C", 2), "p-2": ("B", 1)}


def test_refold_sees_the_new_events_beside_the_whole_stream(engine):
    seen = []

    class Noting(Refolding):
        def refold(self, connection, stream_type, stream_id, stream, new):
            super().refold(connection, stream_type, stream_id, stream, new)
            seen.append(([e.version for e in stream], [e.version for e in new]))

    projector = Noting({"park": fold_park}, [parks])
    store = EventStore(engine, [projector.project])
    store.append("p-1", "park", 0, [fact("ParkNamed", name="A")])
    store.append("p-1", "park", 1, [fact("ParkNamed", name="B")])
    with engine.begin() as connection:
        projector.rebuild(connection)
    assert seen == [([1], [1]), ([1, 2], [2]), ([1, 2], [1, 2])]
