"""The shared event-sourcing kernel: written once, used by every Huiqi service.

envelope   the event envelope and its canonical JSON encoding
aggregate  the base class whose methods check rules and record events
store      the SQLAlchemy event store with optimistic concurrency
database   engines, SQLite/PostgreSQL set-up and Alembic migrations
relay      the transactional outbox relay to RabbitMQ
catchup    checkpoints and idempotent consumption of other services' logs
nameko     dependency providers and entrypoints that wire the above into nameko
logs       structlog JSON logging with the correlation id
metrics    Prometheus metrics every service exposes
settings   configuration read from the environment
"""
