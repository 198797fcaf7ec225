"""The shared event-sourcing kernel: written once, used by every Huiqi service.

envelope   the event envelope and its canonical JSON encoding
aggregate  the base class whose methods check rules and record events
store      the SQLAlchemy event store with optimistic concurrency
database   engines, SQLite/PostgreSQL set-up and Alembic migrations
relay      the transactional outbox relay to RabbitMQ
reactions  acting on other services' events: checkpoints, gap filling, retries, parking
actor      who acts: roles, and the actor written into every event
errors     every kernel error: kinds of refusal, broken rules, the generic input checks' errors,
           the store's lost race, and `Refused`, the one error that crosses RPC
checks     the input checks every aggregate shares (text, codes, moments, credit codes)
vocabulary coded vocabularies with Chinese labels
clock      the office's time zone and its days
entrypoints   HTTP with correlation ids and problem+json (kinds → statuses)
dependencies  the event store with its relay, log context, reactions, timed RPC
base_service  what every event-sourced service answers: its log, parked reactions, metrics, health
workdays   the Chinese working-day calendar deadlines run on
logs       structlog JSON logging with the correlation id
metrics    Prometheus metrics every service exposes
settings   configuration read from the environment
registry   the shape of a service-table entry (the table is services/registry.py)
"""
