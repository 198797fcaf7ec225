"""Callers as the services take them: the signed assertion the gateway (or a service, for
itself) passes as the first argument of every RPC (`kernel.identity`). Tests that call a
service over RPC mint one at the call: it lives a minute."""
from __future__ import annotations

from kernel.actor import Actor
from kernel.identity import gateway_assertion, service_assertion


def assertion(who, role: str | None = None, unit: str | None = None,
              uscc: str | None = None) -> str:
    """`assertion(sub, role, unit=None, uscc=None)`, or `assertion({"sub": ..., "role": ...})`."""
    if isinstance(who, dict):
        return gateway_assertion(Actor.from_dict(who))
    return gateway_assertion(Actor(sub=who, role=role, unit=unit, uscc=uscc))


def system_assertion(service: str) -> str:
    """What `service` passes when it calls another for itself (`events_after`)."""
    return service_assertion(service)
