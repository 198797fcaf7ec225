"""The policy service's catalogue of published events (`kernel.events`), gathered from its areas:
the policies, their implementation rules, the briefings, the policy work appeals ask for, and
the compendium's editions. Consumers in other services import this module (or an area's) as they
would a wire contract, and parse what they take in through it (`EVENTS.parse(event)`)."""
from __future__ import annotations

from kernel.events import Catalogue
from services.policy.briefings.events import EVENTS as BRIEFINGS
from services.policy.compendium.events import EVENTS as COMPENDIUM
from services.policy.implementation.events import EVENTS as IMPLEMENTATION
from services.policy.policies.events import EVENTS as POLICIES
from services.policy.work.events import EVENTS as WORK

EVENTS = Catalogue("policy", POLICIES, IMPLEMENTATION, BRIEFINGS, WORK, COMPENDIUM)
