"""The units a test's commands name, made known first to the service that checks them: the policy
and tickets services refuse a unit not in the register the liaison service keeps
(`kernel.units`, rule `unknown_unit`).

- `known_units(database_url, *codes, service=...)`: for a test running the service ("policy",
  "tickets") in-process without the liaison service. Each code is taken into that service's
  store's `known_units` table as the reaction takes a liaison `UnitRegistered` in (the store
  migrated first: call it before or after the container starts). The counties, zones and
  "office" need nothing.
- `known_unit(engine, code)`: what the service whose store `engine` reaches keeps of the unit
  (`name, kind, county, version`), or None while it has not taken the registration in.
- `register_units(base, office_token, *codes)`: for a test of the whole stack over HTTP. Each code
  is registered in liaison (`POST /api/v1/units` as the office, a city department named after its
  code); one registered already (by an earlier test of the session) is fine.
- `until_known(send)`: a service learns of a unit over the broker, a moment after liaison
  registered it. `send()` makes a request naming the unit (a draft, a dispatch) and answers its
  response; it is sent again while it is refused with `unknown_unit` (a refusal writes nothing),
  for at most `timeout` seconds; the last response is returned.
- `until_tickets_know(base, office_token, *codes)`: the same wait, for a test whose first request
  naming the unit is not one to repeat: a route to each unit (`PROBE_ROUTE`, a line no test's
  appeals follow) is set until the tickets service takes it, then removed.
"""
from __future__ import annotations

import time
import uuid

import requests
import sqlalchemy as sa

from kernel import units
from kernel.database import make_engine, migrate
from kernel.envelope import Event, format_time, utc_now
from kernel.settings import ROOT
from kernel.store import EventStore
from services.liaison.events import EVENTS as LIAISON

# The services that keep the register (kernel.units), and so check the units their commands name.
SERVICES = ("policy", "tickets")
# The register's reactions, as an adopting service subscribes them.
TAKE_IN = units.subscriptions(LIAISON)[units.SOURCE]


def _registration(code: str) -> Event:
    return Event(event_id=str(uuid.uuid4()), stream_id=code, stream_type=units.STREAM_TYPE,
                 version=1, type="UnitRegistered", occurred_at=format_time(utc_now()),
                 actor="office:test", correlation_id="test", causation_id="",
                 payload={"code": code, "name": code, "kind": "city_department",
                          "county": None})


def known_units(database_url: str, *codes: str, service: str) -> None:
    """Make `codes` known to the `service` whose store is at `database_url`."""
    assert service in SERVICES, service
    engine = make_engine(database_url)
    try:
        migrate(engine, ROOT / "services" / service / "migrations")
        store = EventStore(engine)
        for code in codes:
            if code in units.ALWAYS_KNOWN:
                continue
            with store.unit_of_work() as uow:
                TAKE_IN["UnitRegistered"](uow, _registration(code))
    finally:
        engine.dispose()


def known_unit(engine: sa.Engine, code: str) -> sa.Row | None:
    """The `known_units` row of `code` (name, kind, county, version), or None."""
    with engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT name, kind, county, version FROM known_units WHERE code = :code"),
            {"code": code}).first()


def register_units(base: str, office_token: str, *codes: str) -> None:
    """Register `codes` in liaison over HTTP (`base`: the gateway, without /api/v1)."""
    for code in dict.fromkeys(codes):
        if code in units.ALWAYS_KNOWN:
            continue
        answer = requests.post(f"{base}/api/v1/units", timeout=60,
                               headers={"Authorization": f"Bearer {office_token}"},
                               json={"code": code, "name": code, "kind": "city_department"})
        if answer.status_code == 409 and answer.json().get("title") == "unit_already_registered":
            continue
        assert answer.status_code == 201, (code, answer.status_code, answer.text)


def refused_as_unknown(response: requests.Response) -> bool:
    if response.status_code != 422:
        return False
    try:
        return response.json().get("title") == units.UnknownUnit.rule
    except ValueError:
        return False


def until_known(send, timeout: float = 60, interval: float = 0.3) -> requests.Response:
    """`send()` again while its response is an `unknown_unit` refusal, at most `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        response = send()
        if not refused_as_unknown(response) or time.monotonic() > deadline:
            return response
        time.sleep(interval)


# The routing table's line `until_tickets_know` sets and removes: "other" costs in a development
# zone, which no test's appeals follow.
PROBE_ROUTE = {"category": "other", "county": "ganzhou_etdz"}


def until_tickets_know(base: str, office_token: str, *codes: str, timeout: float = 60) -> None:
    """Wait until the tickets service knows `codes` (`base`: the gateway, without /api/v1)."""
    # The probe is no edit of the table anyone reads: it asks for no version (If-Match: *).
    headers = {"Authorization": f"Bearer {office_token}", "If-Match": "*"}
    route = PROBE_ROUTE
    for code in dict.fromkeys(codes):
        if code in units.ALWAYS_KNOWN:
            continue
        routed = until_known(lambda: requests.put(
            f"{base}/api/v1/routes", json={**route, "unit": code}, headers=headers, timeout=60),
            timeout=timeout)
        assert routed.status_code == 200, (code, routed.status_code, routed.text)
    removed = requests.delete(f"{base}/api/v1/routes", params=route, headers=headers, timeout=60)
    assert removed.status_code in (200, 404), (removed.status_code, removed.text)
