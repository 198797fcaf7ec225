"""Figures 1–3, the event store on PostgreSQL and on SQLite, beside `eventsourcing` on the same
database server (or SQLite) and beside the raw single-row commit rate:

- create a stream with one event, at 1 and at 16 concurrent writers (commands/s);
- load a stream and append one event, at the same writer counts (commands/s);
- read the whole log by global position, rows made events again (events/s).

Both sides run the same command path: a small aggregate created or loaded from its stream, one
fact recorded, saved in a transaction. The project's store runs without projections, so this
is the kernel alone; each side has a fresh database of its own.
"""
from __future__ import annotations

import time
import uuid

from bench import peer, raw
from bench.infra import Borrowed
from bench.load import Outcome, drive
from bench.table import Row
from kernel.aggregate import Aggregate
from kernel.database import make_engine, migrate
from kernel.envelope import utc_now
from kernel.store import EventStore

ACTOR = "bench:writer"


class BenchAppeal(Aggregate):
    """The project's twin of the peer's aggregate: raised once, noted any number of times."""

    stream_type = "bench_appeal"

    @classmethod
    def raise_(cls, stream_id: str, title: str, county: str) -> "BenchAppeal":
        appeal = cls(stream_id)
        appeal._record("AppealRaised", {"title": title, "county": county}, at=utc_now(),
                       actor=ACTOR)
        return appeal

    def note(self, text: str) -> None:
        self._record("AppealNoted", {"text": text}, at=utc_now(), actor=ACTOR)

    def when_AppealRaised(self, fact) -> None:
        self.title = fact.payload["title"]
        self.notes: list[str] = []

    def when_AppealNoted(self, fact) -> None:
        self.notes.append(fact.payload["text"])


def _checked(outcome: Outcome, what: str) -> Outcome:
    if outcome.failed:
        raise RuntimeError(f"{what}: {outcome.failed} commands failed, e.g. {outcome.errors[:2]}")
    return outcome


class Ours:
    def __init__(self, url: str):
        self.engine = make_engine(url)
        migrate(self.engine)
        self.store = EventStore(self.engine)
        self.ids: list[str] = []

    def create(self, count: int, writers: int) -> Outcome:
        ids = [str(uuid.uuid4()) for _ in range(count)]

        def job(_client: int, n: int) -> None:
            with self.store.unit_of_work() as uow:
                uow.save(BenchAppeal.raise_(ids[n], f"用工难题{n}", "ganxian"))

        outcome = _checked(drive(job, count, writers), "Huiqi create")
        self.ids = ids
        return outcome

    def append(self, count: int, writers: int) -> Outcome:
        ids = self.ids

        def job(_client: int, n: int) -> None:
            with self.store.unit_of_work() as uow:
                appeal = uow.load(BenchAppeal, ids[n % len(ids)])
                appeal.note(f"第{n}次跟进")
                uow.save(appeal)

        return _checked(drive(job, count, writers), "Huiqi append")

    def read(self) -> tuple[int, float]:
        """The whole log by position, a page at a time as a consumer reads it: (events, s).

        Positions are given first (on PostgreSQL): in a running service the relay gives them
        moments after each commit, so a reader of the log finds them given."""
        self.store.sequence()
        started = time.perf_counter()
        after, total = 0, 0
        while True:
            page = self.store.read_all(after=after, limit=500)
            total += len(page)
            if len(page) < 500:
                return total, time.perf_counter() - started
            after = page[-1][0]

    def close(self) -> None:
        self.engine.dispose()


class Peer:
    def __init__(self, url: str, writers: int):
        self.app = peer.open_app(url, writers)
        self.ids: list = []

    def create(self, count: int, writers: int) -> Outcome:
        made: dict[int, object] = {}

        def job(_client: int, n: int) -> None:
            appeal = peer.Appeal(title=f"用工难题{n}", county="ganxian")
            self.app.save(appeal)
            made[n] = appeal.id

        outcome = _checked(drive(job, count, writers), "peer create")
        self.ids = [made[n] for n in range(count)]
        return outcome

    def append(self, count: int, writers: int) -> Outcome:
        ids = self.ids

        def job(_client: int, n: int) -> None:
            appeal = self.app.repository.get(ids[n % len(ids)])
            appeal.note(f"第{n}次跟进")
            self.app.save(appeal)

        return _checked(drive(job, count, writers), "peer append")

    def read(self) -> tuple[int, float]:
        started = time.perf_counter()
        total = peer.read_log(self.app)
        return total, time.perf_counter() - started

    def close(self) -> None:
        self.app.close()


WRITERS = (1, 16)
STORES = {"PostgreSQL": "pg", "SQLite": "sqlite"}
CREATE_TARGET = {1: "2.5× peer, 40% of raw", 16: "grows with writers (PostgreSQL)"}


def run(borrowed: Borrowed, counts: dict) -> list[Row]:
    rows: list[Row] = []
    for label, kind in STORES.items():
        def fresh(name: str) -> str:
            return borrowed.pg() if kind == "pg" else borrowed.sqlite(name)

        peer_name = f"eventsourcing {peer.version()} ({label})"
        for writers in WRITERS:
            count = counts["store_commands"][writers]
            ours, theirs = Ours(fresh("ours")), Peer(fresh("peer"), writers)
            try:
                setting = f"{label}, {writers} writer{'s' if writers > 1 else ''}"
                floor = raw.commit_rate(fresh("raw"), count, writers)
                made, made_peer = ours.create(count, writers), theirs.create(count, writers)
                rows.append(Row("1 create a stream (one event)", setting, made.rate,
                                "commands/s", peer_name, made_peer.rate, raw=floor.rate,
                                target=CREATE_TARGET[writers] if kind == "pg" else "—"))
                loaded, loaded_peer = ours.append(count, writers), theirs.append(count, writers)
                rows.append(Row("2 load a stream, append one event", setting, loaded.rate,
                                "commands/s", peer_name, loaded_peer.rate,
                                target="2.5× peer" if kind == "pg" and writers == 1 else "—"))
                if writers == WRITERS[-1]:
                    events, seconds = ours.read()
                    events_peer, seconds_peer = theirs.read()
                    rows.append(Row("3 read the whole log by position",
                                    f"{label}, {events:,} events", events / seconds, "events/s",
                                    f"{peer_name} notification log",
                                    events_peer / seconds_peer))
            finally:
                ours.close()
                theirs.close()
    return rows
