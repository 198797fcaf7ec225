"""The Prometheus metrics every service exposes on `/metrics`.

Names are shared by all services and told apart by the `service` label, so one Grafana dashboard
serves them all.
"""
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

COMMANDS = Counter(
    "huiqi_commands_total", "Commands handled, by outcome (ok, refused, conflict, error).",
    ["service", "command", "outcome"])
COMMAND_SECONDS = Histogram(
    "huiqi_command_seconds", "Time to handle a command.", ["service", "command"])
EVENTS_APPENDED = Counter(
    "huiqi_events_appended_total", "Events appended to the service's store.", ["service", "type"])
RELAY_PUBLISHED = Counter(
    "huiqi_relay_published_total", "Events the outbox relay published to RabbitMQ.", ["service"])
RELAY_LAG = Gauge(
    "huiqi_relay_lag_events", "Events committed but not yet published.", ["service"])
RELAY_FAILURES = Counter(
    "huiqi_relay_failures_total", "Publication attempts that failed (broker away).", ["service"])
RELAY_CONFIRM_TIMEOUTS = Counter(
    "huiqi_relay_confirm_timeouts_total",
    "Publications the broker did not confirm in time (the batch is retried).", ["service"])
RELAY_TURNS_LOST = Counter(
    "huiqi_relay_turns_lost_total",
    "Times a relay found its turn gone (lock connection lost, checkpoint moved by another) and "
    "stopped publishing.", ["service"])
DEAD_LETTERED = Counter(
    "huiqi_messages_dead_lettered_total",
    "Messages a consumer could not take and sent to its dead-letter queue, by reason "
    "(malformed_json, unsupported_content, not_a_relay_message, bad_envelope, "
    "source_not_followed, handler_failed).",
    ["service", "consumer", "reason"])
DEAD_LETTERS_REPLAYED = Counter(
    "huiqi_dead_letters_replayed_total",
    "Dead-lettered messages an operator moved back to their consumer's queue.",
    ["service", "consumer"])
CATCHUP_FAILURES = Counter(
    "huiqi_catchup_failures_total",
    "Catch-ups from a source's log that failed (source away or too slow); the next sweep retries.",
    ["service", "source"])
CONSUMED = Counter(
    "huiqi_events_consumed_total",
    "Live events a consumer took in, by source and outcome (acted, skipped, duplicate, gap, ...).",
    ["service", "source", "outcome"])
REACTIONS = Counter(
    "huiqi_reactions_total",
    "Reactions to other services' events, by consumer and outcome (acted, failed, parked).",
    ["service", "consumer", "outcome"])
REACTIONS_PARKED = Gauge(
    "huiqi_reactions_parked",
    "Reactions parked after their last try, waiting for an operator to retry them.",
    ["service", "consumer"])
HTTP_REQUESTS = Counter(
    "huiqi_http_requests_total", "HTTP requests served, by route and status.",
    ["service", "route", "status"])
HTTP_SECONDS = Histogram(
    "huiqi_http_request_seconds", "HTTP request latency.", ["service", "route"])
LEDGER_ENTRIES = Gauge("huiqi_ledger_entries", "Entries in the audit ledger.", [])


def exposition() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
