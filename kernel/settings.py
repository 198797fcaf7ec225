"""Configuration read from the environment: one name per setting, each with a default that runs on
a laptop (SQLite under var/, RabbitMQ on localhost). The README lists every name."""
from __future__ import annotations

import os
from pathlib import Path

SERVICES = ("policy", "tickets", "liaison", "audit")
DEFAULT_PORTS = {"gateway": 8000, "policy": 8101, "tickets": 8102, "liaison": 8103, "audit": 8104}
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


def bind_host() -> str:
    return os.environ.get("HUIQI_BIND", "127.0.0.1")


def port(service: str) -> int:
    return int(os.environ.get(f"{service.upper()}_PORT", DEFAULT_PORTS[service]))


def catchup_interval() -> float:
    """Seconds between the audit's sweeps of every service's log for anything missed."""
    return float(os.environ.get("HUIQI_CATCHUP_INTERVAL", "5"))


def deadline_watch_interval() -> float:
    """Seconds between the tickets service's sweeps for missed deadlines."""
    return float(os.environ.get("HUIQI_DEADLINE_WATCH_INTERVAL", "60"))


def nameko_config(service: str) -> dict:
    return {
        "AMQP_URI": amqp_uri(),
        "WEB_SERVER_ADDRESS": f"{bind_host()}:{port(service)}",
        # Workers per service; nameko's default of 10 queues HTTP under modest load.
        "max_workers": int(os.environ.get("HUIQI_MAX_WORKERS", "20")),
        "DATABASE_URL": database_url(service) if service in SERVICES else None,
        "RELAY_INTERVAL": float(os.environ.get("HUIQI_RELAY_INTERVAL", "1.0")),
        "RPC_TIMEOUT": float(os.environ.get("HUIQI_RPC_TIMEOUT", "30")),
    }
