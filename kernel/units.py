"""The register of units (责任单位) as a service other than liaison knows it: `known_units`, one
row per unit, kept from the liaison service's events, so a service checks the units its commands
name with the liaison service down. The liaison service's register of units is the one every
other service checks the unit names it is given against.

The liaison service records (stream_type "unit", stream_id the unit's code):
UnitRegistered {code, name, kind: city_department|county|zone, county} and UnitChanged {name}.
The reactions here (`subscriptions(catalogue)`, consumer `CONSUMER`) read each through its
declared model in the liaison service's catalogue, which the adopting service hands in (the
kernel imports no service): `READS` names the fields taken of each, checked against the models
as the subscriptions are made, so a field the liaison service stops declaring fails the service
class, not a delivery. They fold them into the row:

- A unit's code and kind never change; its name may (a reorganised department). `version` is
  the stream version of the newest event taken in, the one that set the name: an event no newer
  than the row changes neither, so a redelivery changes nothing and an older event arriving
  after a newer one does not undo it. A registration arriving after a change still fills in the
  kind and county (no newer event sets them).
- A row is a known unit whatever it holds: a change is only ever recorded of a registered unit.

Always known, registered or not (`ALWAYS_KNOWN`): the 18 counties and districts and the three
development zones of `kernel.campaign.COUNTIES`, whom the notice addresses by name (its
salutation: 各县(市、区)人民政府, 赣州经开区、龙南经开区、瑞金经开区管委会), and `OFFICE`, the
leading group's office as a unit: what is recorded when the office acts in its own name (the
organiser of a briefing it schedules itself, the rater of a tier it rates, a policy it issues).

A service adopting the register:
1. its own migration creates the table with `columns()` (or the same columns written out);
2. `Reactions(units.CONSUMER, units.subscriptions(LIAISON))` on the service class, `LIAISON`
   the catalogue `services.liaison.events.EVENTS`;
3. `check_unit(uow.connection, field, code)` (or `check_units`) in the service, before deciding:
   `UnknownUnit` names the field.
The table is not folded from the service's own log, so a rebuild of its read models leaves it
alone; it is rebuilt by replaying the liaison log to the consumer (reset its checkpoint and
handled events).
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from kernel.campaign import COUNTIES
from kernel.envelope import Event
from kernel.events import Catalogue
from kernel.errors import UnknownUnit as UnknownUnit  # raised here, and by the register itself
from kernel.store import UnitOfWork

SOURCE = "liaison"
CONSUMER = "known-units"
STREAM_TYPE = "unit"
TABLE = "known_units"
CODE_LIMIT = 100
# The leading group's office (领导小组办公室) acting in its own name.
OFFICE = "office"
ALWAYS_KNOWN: frozenset[str] = frozenset({*COUNTIES, OFFICE})
# What a registration carries beside the name; never changed once registered.
REGISTERED_ONLY = ("kind", "county")
# What the register reads of each liaison event (of its declared model).
READS = {"UnitRegistered": ("name", *REGISTERED_ONLY), "UnitChanged": ("name",)}


def columns() -> list[sa.Column]:
    """The table's columns, new each call (a Column belongs to one table)."""
    return [
        sa.Column("code", sa.String(CODE_LIMIT), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("kind", sa.String(40)),
        sa.Column("county", sa.String(100)),
        # The stream version of the newest event taken in (the one that set the name).
        sa.Column("version", sa.Integer, nullable=False),
    ]


def define(metadata: sa.MetaData) -> sa.Table:
    """`known_units` on a service's own metadata (its read models' `create_all`, say)."""
    return sa.Table(TABLE, metadata, *columns())


metadata = sa.MetaData()
known_units = define(metadata)


# -- the projection --------------------------------------------------------------------------

def take_in(connection: sa.Connection, event: Event, fields: Mapping) -> bool:
    """Fold `fields` of `event` into its unit's row (the code is the stream id); return whether
    anything changed. The name (and the version) only from an event newer than the row; the kind
    and county only where the row has none yet."""
    code = event.stream_id
    row = connection.execute(sa.select(known_units).where(known_units.c.code == code)).first()
    if row is None:
        connection.execute(known_units.insert().values(
            code=code, version=event.version,
            **{field: fields.get(field) for field in ("name", *REGISTERED_ONLY)}))
        return True
    values = {field: fields[field] for field in REGISTERED_ONLY
              if field in fields and getattr(row, field) is None and fields[field] is not None}
    if event.version > row.version:
        values["version"] = event.version
        if "name" in fields:
            values["name"] = fields["name"]
    if not values:
        return False
    connection.execute(known_units.update().where(known_units.c.code == code).values(**values))
    return True


def take(catalogue: Catalogue, uow: UnitOfWork, event: Event) -> None:
    """liaison UnitRegistered (the unit's name, kind and county) or UnitChanged (its new name),
    read through its declared model: of `READS`, the fields the event carries."""
    fact = catalogue.parse(event)
    take_in(uow.connection, event, {field: getattr(fact, field) for field in READS[event.type]
                                    if field in fact.model_fields_set})


def subscriptions(catalogue: Catalogue) -> dict:
    """The reactions of a service adopting the register, reading the liaison service's events
    through `catalogue` (its `services.liaison.events.EVENTS`). Refused at once, by
    `TypeError`, unless it is the liaison service's and declares every field `READS` names."""
    if catalogue.service != SOURCE:
        raise TypeError(f"the register of units follows {SOURCE}'s events, "
                        f"not {catalogue.service}'s")
    for type_, fields in READS.items():
        undeclared = sorted(set(fields) - set(catalogue[type_].payload.model_fields))
        if undeclared:
            raise TypeError(f"{SOURCE}.{type_} no longer declares {undeclared}, "
                            "which the register of units reads")
    taken = functools.partial(take, catalogue)
    return {SOURCE: {type_: taken for type_ in READS}}


# -- the checks ------------------------------------------------------------------------------

def _looked_up(code) -> str | None:
    """The code to look up, or None when the value is not a code at all (absent, blank, not
    text): the caller's own checks refuse that, naming what is wrong with it."""
    if not isinstance(code, str) or not code.strip():
        return None
    return code.strip()


def known(connection: sa.Connection, codes: Iterable[str]) -> set[str]:
    """Those of `codes` that are known units."""
    wanted = set(codes)
    found = wanted & ALWAYS_KNOWN
    rest = sorted(wanted - found)
    if rest:
        found |= set(connection.execute(sa.select(known_units.c.code)
                                        .where(known_units.c.code.in_(rest))).scalars())
    return found


def unit(connection: sa.Connection, code: str) -> dict | None:
    """The unit's row {code, name, kind, county, version} as kept, or None (an always-known
    unit not registered has no row)."""
    found = connection.execute(sa.select(known_units).where(known_units.c.code == code)).first()
    return dict(found._mapping) if found else None


def check_unit(connection: sa.Connection, field: str, code):
    """Refuse, by `UnknownUnit` naming `field`, a unit code not in the register. A value that is
    not a code at all is returned untouched, for the caller's checks to refuse."""
    looked_up = _looked_up(code)
    if looked_up is not None and not known(connection, [looked_up]):
        raise UnknownUnit(field, looked_up)
    return code


def check_units(connection: sa.Connection, field: str, codes) -> None:
    """As `check_unit` for a list of codes, the first unknown one named `field[index]`. A value
    that is not a list (or a code) is left to the caller's checks."""
    if isinstance(codes, str):
        codes = [codes]
    if not isinstance(codes, (list, tuple)):
        return
    given = [(index, _looked_up(code)) for index, code in enumerate(codes)]
    found = known(connection, [code for _, code in given if code is not None])
    for index, code in given:
        if code is not None and code not in found:
            raise UnknownUnit(f"{field}[{index}]", code)
