"""A replica of the audit's supervision timer, for the sweep's tests: tracking's answers given as
plain facts (`FakeTracking`), the weeks around National Day 2026 swept day by day, and — run as
a script — one replica sweeping those days on a database another replica sweeps at the same
time.

    python supervision_replica.py DATABASE_URL START_AT  →  the facts it recorded, as JSON
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import time

from kernel.clock import OFFICE_TIME
from services.supervision import facts

UNIT = "city-industry"
OTHER = "county-ganxian"


def local(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), OFFICE_TIME)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), OFFICE_TIME)


# The matter every test climbs: an appeal's resolution due at the end of Tuesday 29 September
# 2026, the last days before the National Day holidays (1–7 October; Saturday 10 October a
# make-up working day).
LATE = facts.TrackedMatter(
    matter_id="appeal_resolution:T-2026-0001:1", kind=facts.APPEAL_RESOLUTION,
    stream_id="T-2026-0001", unit=UNIT, due_at=end_of(dt.date(2026, 9, 29)), done_at=None,
    seqs=(3, 7), title="企业用工招聘难")
# Every day from Monday 28 September to Wednesday 21 October.
DAYS = [dt.date(2026, 9, 28) + dt.timedelta(days=n) for n in range(24)]


class FakeTracking:
    """Tracking's readers over matters and problem appeals held in memory."""

    def __init__(self, matters=(), problems=()):
        self.all = list(matters)
        self.problems = list(problems)

    def overdue(self, connection, now):
        return [m for m in self.all
                if m.due_at is not None and m.due_at < now and m.done_at is None]

    def problem_appeals(self, connection):
        return list(self.problems)

    def matters(self, connection, unit=None, kind=None):
        return [m for m in self.all
                if (unit is None or m.unit == unit) and (kind is None or m.kind == kind)]


def main(url: str, start_at: float) -> None:
    from kernel.database import make_engine
    from kernel.store import EventStore
    from services.supervision.cases import sweep
    from services.supervision.cases import views

    engine = make_engine(url)
    store = EventStore(engine, projectors=[views.project])
    reader = FakeTracking([LATE])
    time.sleep(max(0.0, start_at - time.time()))
    recorded, raced = [], 0
    for day in DAYS:
        for hour in (9, 10, 11):
            swept = sweep.sweep(store, local(day, hour), reader=reader)
            recorded += [[day.isoformat(), fact] for _, fact in swept.recorded]
            raced += swept.raced
    print(json.dumps({"recorded": recorded, "raced": raced}))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
