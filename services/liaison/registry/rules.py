"""The registry's rules as tables: who may run which command on an enterprise, a park, a unit, a
leader or the leading group, and the named error that explains each refusal.

notice 三(一)1 and 保障措施(一): the leading-group office (at the development and reform
commission) keeps the register: it registers the units, the parks, the leaders and the
enterprises, and sets the working groups' members. A county (or zone) knows its own enterprises:
its unit officer (whose unit is the county's code) registers them, changes their profiles and
rates their operating tier (较好/一般/困难); the office may do so for any. Who reads which
entry, and whose tier, is `access`'s, not these tables'.

The checks run in one order: the thing exists; the actor's role may do it; a unit officer's unit
is the enterprise's county. Plain Python, no I/O. `matrix()` prints the tables as Markdown.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol

from kernel import rules_table
from kernel.actor import Actor
from services.liaison.registry.exceptions import (
    EnterpriseAlreadyRegistered,
    EnterpriseNotFound,
    NotOwnCounty,
    RoleNotAllowed,
)
from services.liaison.registry.vocabulary import Status

REGISTERED = Status.REGISTERED
COUNTY_OR_OFFICE = ("unit_officer", "office")
OFFICE = ("office",)


class EnterpriseLike(rules_table.Subject, Protocol):
    """What the rules read of an enterprise: the `Enterprise` aggregate provides it."""

    @property
    def county(self) -> str | None: ...


@dataclasses.dataclass(frozen=True)
class Rule(rules_table.OwnUnitRow):
    """A command on a registered enterprise: a unit officer acts only on the enterprises of the
    county whose code is the officer's unit."""

    acts_on = "the enterprise"
    role_not_allowed = RoleNotAllowed
    not_found = EnterpriseNotFound
    not_own_unit = NotOwnCounty
    status_type = Status


@dataclasses.dataclass(frozen=True)
class OfficeRule(rules_table.Row):
    """A command on the register's organisation (parks, units, leaders, the leading group)."""

    role_not_allowed = RoleNotAllowed

    def check(self, actor: Actor) -> OfficeRule:
        self.check_role(actor)
        return self


ENTERPRISE_RULES: dict[str, Rule] = rules_table.table(
    Rule("change_profile", COUNTY_OR_OFFICE, (REGISTERED,),
         doing="change the enterprise's profile"),
    # notice 三(一)1: 各县(市、区)...按运营情况"较好、一般、困难"三个档次进行分类
    Rule("rate_tier", COUNTY_OR_OFFICE, (REGISTERED,), doing="rate the enterprise's tier"),
)

OFFICE_RULES: dict[str, OfficeRule] = rules_table.table(
    OfficeRule("register_park", OFFICE, (None,), doing="register a park"),
    OfficeRule("change_park", OFFICE, (REGISTERED,), doing="change a park"),
    OfficeRule("register_unit", OFFICE, (None,), doing="register a unit"),
    OfficeRule("change_unit", OFFICE, (REGISTERED,), doing="change a unit"),
    OfficeRule("register_leader", OFFICE, (None,), doing="register a leader"),
    OfficeRule("change_leader", OFFICE, (REGISTERED,), doing="change a leader"),
    OfficeRule("set_members", OFFICE, (None, REGISTERED),
               doing="set a working group's members"),
)

REGISTRARS = COUNTY_OR_OFFICE


def check_registrar(actor: Actor, county: str, existing: EnterpriseLike | None = None) -> None:
    """Refuse an enterprise already registered, an actor who may not register one, or a unit
    officer registering another county's enterprise."""
    if existing is not None and existing.exists:
        raise EnterpriseAlreadyRegistered(existing.id)
    doing = "register an enterprise"
    if actor.role not in REGISTRARS:
        raise RoleNotAllowed(actor.role, doing, REGISTRARS)
    if actor.role == "unit_officer" and actor.unit != county:
        raise NotOwnCounty(actor.unit, county, f"{doing} of {county}")


def check(command: str, enterprise: EnterpriseLike, actor: Actor) -> Rule:
    """Refuse, by its named error, an actor who may not run `command` on `enterprise` now."""
    return ENTERPRISE_RULES[command].check(enterprise, actor, enterprise.county)


def check_office(command: str, actor: Actor) -> OfficeRule:
    """Refuse an actor who may not run an office command (`OFFICE_RULES`)."""
    return OFFICE_RULES[command].check(actor)


def matrix(commands: Sequence[str] | None = None) -> str:
    """The enterprise table as Markdown: a row per command, its roles, whether a unit officer
    must be of the enterprise's county, and ✓ where the status allows it."""
    return rules_table.matrix(ENTERPRISE_RULES, Status, commands)
