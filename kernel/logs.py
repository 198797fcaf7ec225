"""structlog JSON logs: one line per record, carrying the service name and the correlation id
that entered at the gateway and travels through RPC headers and event envelopes."""
from __future__ import annotations

import logging
import os
import sys

import structlog
from structlog.contextvars import bind_contextvars, clear_contextvars, merge_contextvars

__all__ = ["configure", "bind_contextvars", "clear_contextvars"]


def configure(service: str, stream=None) -> None:
    """JSON lines to `stream` (stderr by default) for this process's service."""
    stream = stream or sys.stderr
    level = getattr(logging, os.environ.get("HUIQI_LOG_LEVEL", "INFO").upper(), logging.INFO)
    def add_service(_logger, _method, event_dict):
        event_dict.setdefault("service", service)
        return event_dict

    shared = [
        merge_contextvars,
        add_service,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer(ensure_ascii=False)],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(stream),
        # Not cached: a reconfigured process (a test, a reload) must reach every module logger.
        cache_logger_on_first_use=False,
    )
    # Libraries (nameko, kombu, alembic) log through the standard library: render them alike.
    handler = logging.StreamHandler(stream)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.JSONRenderer(ensure_ascii=False)],
        foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
    ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(max(level, logging.INFO))
    logging.getLogger("alembic").setLevel(logging.WARNING)
