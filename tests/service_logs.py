"""What the tests running two services side by side over the broker do to and read of a
service's own log, so that each such test says only what it checks.

- `events_of(engine, event_type)`: the events of that type in the service's log, oldest first.
- `event_count(url)`: how many events the log of the database at `url` holds.
- `sweep(container, consumer)`: the reaction `consumer` of a running container sweeps its
  source's log now, as its periodic sweep would (the tests set that interval to an hour).
- `relay_again(engine)`: every message again, as after a relay crash between publishing and its
  checkpoint.
- `everything_again(wait_until, *engines)`: each relay publishes everything again and, once all
  have caught up, every consumer loses its checkpoint; sweeping then shows whether a reaction
  that met every event twice did its work once.
"""
import sqlalchemy as sa

from kernel.database import make_engine
from kernel.dependencies import Reactions
from kernel.store import events as event_log, row_to_event


def events_of(engine, event_type):
    with engine.connect() as connection:
        rows = connection.execute(sa.select(event_log).where(event_log.c.type == event_type)
                                  .order_by(event_log.c.id))
        return [row_to_event(row) for row in rows]


def event_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
    finally:
        engine.dispose()


def sweep(container, consumer):
    [reactions] = [d for d in container.dependencies
                   if isinstance(d, Reactions) and d.consumer == consumer]
    return reactions.sweep()


def relay_again(engine):
    """Every message again, as after a relay crash between publishing and its checkpoint."""
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE checkpoints SET position = 0 WHERE name = 'relay'"))


def relayed(engine) -> bool:
    """The relay's checkpoint has caught up with the log again."""
    with engine.connect() as connection:
        checkpoint = connection.execute(sa.text(
            "SELECT position FROM checkpoints WHERE name = 'relay'")).scalar() or 0
        head = connection.execute(sa.text("SELECT max(position) FROM events")).scalar() or 0
    return checkpoint >= head


def everything_again(wait_until, *engines):
    """Every relay publishes everything again; once they have all caught up, every consumer
    starts from the beginning of its source's log."""
    for engine in engines:
        relay_again(engine)
    wait_until(lambda: all(relayed(engine) for engine in engines))
    for engine in engines:
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE checkpoints SET position = 0 "
                                       "WHERE name <> 'relay'"))
