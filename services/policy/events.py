"""The policy service's catalogue of published events (`kernel.events`), gathered from its areas:
the policies, their implementation rules, the briefings, the policy work appeals ask for, and
the compendium's editions. Consumers in other services import this module (or an area's) as they
would a wire contract, and parse what they take in through it (`EVENTS.parse(event)`)."""
from __future__ import annotations

from kernel.events import Catalogue
from services.policy.briefings import events as briefings
from services.policy.compendium import events as compendium
from services.policy.implementation import events as implementation
from services.policy.policies import events as policies
from services.policy.work import events as work

EVENTS = Catalogue(
    "policy",
    policies.EVENTS,
    implementation.EVENTS,
    briefings.EVENTS,
    work.EVENTS,
    compendium.EVENTS,
)
