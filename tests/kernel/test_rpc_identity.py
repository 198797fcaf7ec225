"""Only who belongs: every RPC of every service of the registry, `events_after` included, is
refused (unauthenticated) unless its first argument is an assertion signed with the stack's
internal secret, by the gateway for an outside caller or by a service for itself as `system`;
the method never runs on a forged call. On the real broker, every service in process on SQLite.
"""
import datetime as dt
import os

import jwt
import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion, system_assertion
from kernel.errors import Refused
from kernel.identity import DEVELOPMENT_SECRETS, INTERNAL_SECRET
from kernel.rpc import Rpc
from services.registry import SERVICES

OFFICE = {"sub": "clerk-li", "role": "office"}


def claims(**changes) -> dict:
    # Minted at the call: an assertion lives a minute, and a long run reaches a test late.
    now = dt.datetime.now(dt.timezone.utc)
    return {"sub": "clerk-li", "role": "office", "iss": "gateway", "aud": "huiqi-services",
            "iat": now, "exp": now + dt.timedelta(seconds=60), **changes}


def sign(body: dict, key: str | None = None) -> str:
    return jwt.encode(body, key or os.environ[INTERNAL_SECRET], algorithm="HS256")


def forgeries() -> dict:
    """Every way of calling without a valid assertion, each minted fresh."""
    now = dt.datetime.now(dt.timezone.utc)
    return {
    "an actor dict": OFFICE,
    "no caller": None,
    "a bearer-like string": "Bearer something",
    "a wrong secret": sign(claims(), "another-internal-secret-of-enough-length"),
    "the development secret": sign(claims(), DEVELOPMENT_SECRETS[INTERNAL_SECRET]),
    "an expired assertion": sign(claims(iat=now - dt.timedelta(minutes=5),
                                        exp=now - dt.timedelta(minutes=4))),
    "another audience": sign(claims(aud="huiqi-api")),
    "an unknown issuer": sign(claims(iss="huiqi")),
    "a long-lived assertion": sign(claims(exp=now + dt.timedelta(hours=12))),
    "a system assertion the gateway signed": sign(claims(role="system", sub="timer")),
    "a service asserting someone else": sign(claims(iss="service:tickets", sub="clerk-li")),
    "a service asserting another service": sign(claims(iss="service:tickets", role="system",
                                                       sub="service:audit")),
    }


def rpc_methods(service_cls) -> list[str]:
    return sorted(name for name in dir(service_cls)
                  if any(isinstance(extension, Rpc) for extension in
                         getattr(getattr(service_cls, name), ENTRYPOINT_EXTENSIONS_ATTR, ())))


@pytest.fixture
def every_service(container_factory, service_config, make_sqlite_url):
    """Every event-sourced service of the registry, running; yields the cluster's config."""
    for name in SERVICES.event_sources:
        container_factory(SERVICES[name].load(), service_config(make_sqlite_url())).start()
    return service_config()


def test_every_rpc_of_every_service_refuses_a_caller_it_cannot_verify(every_service):
    checked = []
    with ClusterRpcProxy(every_service) as cluster:
        for name in SERVICES.event_sources:
            methods = rpc_methods(SERVICES[name].load())
            assert {"events_after", "parked_reactions", "retry_reaction"} <= set(methods)
            for method in methods:
                for what, forged in forgeries().items():
                    with pytest.raises(Refused) as refused:
                        getattr(getattr(cluster, name), method)(forged)
                    assert refused.value.kind == "unauthenticated", (name, method, what)
                    checked.append((name, method))
                # Passed by name instead of first, it is checked the same way.
                with pytest.raises(Refused) as refused:
                    getattr(getattr(cluster, name), method)(actor=OFFICE)
                assert refused.value.kind == "unauthenticated", (name, method)
    assert {name for name, _ in checked} == set(SERVICES.event_sources)


def test_events_after_answers_a_service_only(every_service, office, appeal):
    with ClusterRpcProxy(every_service) as cluster:
        cluster.tickets.raise_appeal(assertion(office), appeal(0))
        # The whole payloads go to a service catching up, as the system ...
        [message] = cluster.tickets.events_after(system_assertion("audit"), 0, 10)
        assert message["event"]["type"] == "TicketRaised"
        # ... never to an outside caller, whatever its role.
        with pytest.raises(Refused) as refused:
            cluster.tickets.events_after(assertion(office), 0, 10)
        assert refused.value.kind == "forbidden" and refused.value.rule == "role_not_allowed"
        with pytest.raises(Refused) as refused:
            cluster.tickets.events_after(sign(claims(role="system", sub="timer")), 0, 10)
        assert refused.value.kind == "unauthenticated" and refused.value.rule == "internal_role"


def test_a_verified_caller_reaches_the_method_as_who_it_is(every_service):
    with ClusterRpcProxy(every_service) as cluster:
        assert cluster.policy.parked_reactions(assertion("s", "supervisor")) == []
        with pytest.raises(Refused) as refused:  # the permission table refused the role
            cluster.policy.parked_reactions(assertion("e", "enterprise",
                                                      uscc="91360702MA35G0QX4J"))
        assert refused.value.rule == "role_not_allowed"
