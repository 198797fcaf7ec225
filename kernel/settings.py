"""Configuration read from the environment: one name per setting, each with a default that runs on
a laptop (SQLite under var/, RabbitMQ on localhost). docs/OPERATIONS.md lists every name.

What differs per service (its default port, whether it has a store, its migrations) comes from its
entry in the service table (`services/registry.py`): `ServiceEntry.nameko_config` puts the two
together. This module knows nothing of the table, so the dependency runs one way.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

ROOT = Path(__file__).resolve().parent.parent


def amqp_uri() -> str:
    return os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/")


def var_dir() -> Path:
    return Path(os.environ.get("HUIQI_VAR_DIR", ROOT / "var"))


def database_url(service: str) -> str:
    """`<SERVICE>_DATABASE_URL`, else a SQLite file of the service's own under var/."""
    url = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if url:
        return url
    directory = var_dir()
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / f'{service}.db'}"


def bind_host(environ: Mapping[str, str] | None = None) -> str:
    return (os.environ if environ is None else environ).get("HUIQI_BIND", "127.0.0.1")


def port(service: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    """`<SERVICE>_PORT`, else the port of the service's registry entry."""
    return int((os.environ if environ is None else environ).get(f"{service.upper()}_PORT", default))


def catchup_interval() -> float:
    """Seconds between a consumer's sweeps of the logs it follows for anything missed."""
    return float(os.environ.get("HUIQI_CATCHUP_INTERVAL", "5"))


def reaction_max_attempts() -> int:
    """Tries of a failing reaction to another service's event before it is parked."""
    return int(os.environ.get("HUIQI_REACTION_MAX_ATTEMPTS", "5"))


def reaction_backoff() -> float:
    """Seconds before a failed reaction's first retry; each later retry waits twice as long."""
    return float(os.environ.get("HUIQI_REACTION_BACKOFF", "10"))


def reaction_batch_size() -> int:
    """Live messages a consumer takes in by one transaction, at most."""
    return int(os.environ.get("HUIQI_REACTION_BATCH_SIZE", "200"))


def reaction_batch_linger() -> float:
    """Seconds a consumer waits for more messages before taking in a batch that is not full."""
    return float(os.environ.get("HUIQI_REACTION_BATCH_LINGER", "0.005"))


def catchup_timeout() -> float:
    """Seconds a consumer waits for a source's `events_after` before trying the next sweep."""
    return float(os.environ.get("HUIQI_CATCHUP_TIMEOUT", "5"))


def relay_confirm_timeout() -> float:
    """Seconds the outbox relay waits for the broker to confirm a publication."""
    return float(os.environ.get("HUIQI_RELAY_CONFIRM_TIMEOUT", "5"))


def deadline_watch_interval() -> float:
    """Seconds between the tickets service's sweeps for missed deadlines."""
    return float(os.environ.get("HUIQI_DEADLINE_WATCH_INTERVAL", "60"))


def rpc_timeout() -> float:
    """Seconds the gateway waits for one try of a call to a service before sending it again."""
    return float(os.environ.get("HUIQI_RPC_TIMEOUT", "10"))


def request_budget() -> float:
    """Seconds the gateway spends on a request's calls, tries again included, before it answers
    503: a little under the 30 s a front-end or proxy in front commonly waits."""
    return float(os.environ.get("HUIQI_REQUEST_BUDGET", "25"))


def amqp_heartbeat() -> float:
    """Seconds between AMQP heartbeats on the connections a service keeps open."""
    return float(os.environ.get("HUIQI_AMQP_HEARTBEAT", "10"))
