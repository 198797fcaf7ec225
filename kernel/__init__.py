"""The shared event-sourcing kernel: written once, used by every Huiqi service.

envelope   the event envelope and its canonical JSON encoding
aggregate  the base class whose methods check rules and record events
store      the SQLAlchemy event store with optimistic concurrency
database   engines, SQLite/PostgreSQL set-up and Alembic migrations
relay      the transactional outbox relay to RabbitMQ
catchup    checkpoints and idempotent consumption of other services' logs
actor      who acts: roles, and the actor written into every event
errors     `Refused`, the one error that crosses RPC, and its problem+json shape
entrypoints   HTTP with correlation ids and problem+json; the all-events handler
dependencies  the event store with its relay, log context, log following, timed RPC
base_service  what every event-sourced service answers: its log, metrics, health
workdays   the Chinese working-day calendar deadlines run on
logs       structlog JSON logging with the correlation id
metrics    Prometheus metrics every service exposes
settings   configuration read from the environment
"""
