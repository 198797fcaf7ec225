"""Driving work at a fixed number of concurrent clients: each client is a thread that takes jobs
from one shared counter until they run out, so a slow client never holds the others up."""
from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from typing import Callable


@dataclasses.dataclass
class Outcome:
    done: int
    seconds: float
    latencies: list[float]
    errors: list[str]  # the first few
    failed: int = 0

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def drive(job: Callable[[int, int], None], count: int, clients: int,
          setup: Callable[[int], None] | None = None) -> Outcome:
    """Run `job(client, n)` for n in 0..count-1 on `clients` threads; time the whole and each.

    `setup(client)` runs in each thread before the clock starts (a connection of its own).
    A job that raises counts as an error, not as done; the first few errors are kept.
    """
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    failures = [0]
    ready = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        if setup is not None:
            setup(index)
        ready.wait()
        mine = []
        while True:
            with lock:
                n = next(counter)
            if n >= count:
                break
            started = time.perf_counter()
            try:
                job(index, n)
            except Exception as exc:  # noqa: BLE001 - counted, the run goes on
                with lock:
                    failures[0] += 1
                    if len(errors) < 5:
                        errors.append(f"{type(exc).__name__}: {exc}"[:300])
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return Outcome(len(latencies), seconds, latencies, errors, failures[0])
