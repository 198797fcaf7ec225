"""Work kept off a service's eventlet hub: rendering an export and hashing the ledger are
CPU-bound, and while they ran on the hub every other worker of the service — the reactions,
the timers, every RPC — waited for them.

- `run(fn, *args)`: a pure function run in eventlet's pool of native threads (`tpool`), the
  calling greenthread waiting for it cooperatively.
- `handoff(consume, chunks)`: a walk over the ledger split at the line between I/O and CPU. The
  database is read here, on the hub, where its driver is cooperative (psycopg2's wait callback
  belongs to the hub and may not be used from another thread); `consume` runs in a native thread
  and takes the chunks as they are read, a few ahead at most, through a queue of the unpatched
  standard library.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

import eventlet
from eventlet import tpool
from eventlet.patcher import original

_queue = original("queue")
T = TypeVar("T")
LOOKAHEAD = 4                  # chunks read ahead of the walk
PAUSE = 0.002                  # seconds the reader yields while the walk is behind


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


_END = object()


def run(fn: Callable[..., T], *args, **kwargs) -> T:
    """`fn(*args, **kwargs)` in a native thread; its answer, or its exception raised here."""
    return tpool.execute(fn, *args, **kwargs)


def handoff(consume: Callable[[Iterator], T], chunks: Iterable, lookahead: int = LOOKAHEAD) -> T:
    """`consume(chunks)` in a native thread while this greenthread reads `chunks`; its answer.
    A failure to read is raised in the walk; a walk that stops early stops the reading."""
    box = _queue.Queue(maxsize=lookahead)
    stopped: list[bool] = []

    def put(item) -> bool:
        while not stopped:
            try:
                box.put_nowait(item)
                return True
            except _queue.Full:
                eventlet.sleep(PAUSE)
        return False

    def read() -> None:
        source = iter(chunks)
        try:
            for chunk in source:
                if not put(chunk):
                    return
            put(_END)
        except BaseException as exc:  # noqa: BLE001 - handed to the walk, which raises it
            put(_Failed(exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def taken() -> Iterator:
        while True:
            item = box.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item

    def walk():
        try:
            return consume(taken())
        finally:
            stopped.append(True)

    reader = eventlet.spawn(read)
    try:
        return tpool.execute(walk)
    finally:
        stopped.append(True)
        reader.wait()
