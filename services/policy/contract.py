"""The policy service's wire contract (notice 二(一), 二(二), 二(四)3): the catalogue of its areas'
contracts, which the gateway imports — the policies, their commands, list and matching
(`policies.contract`), the implementation rules (`implementation.contract`), the briefings
(`briefings.contract`), the policy work (`work.contract`), the compendium and its contact sheet
(`compendium.contract`), the portal's feed and deadlines (`portal.contract`) — with the limits
and the reply they share (`shapes`), the service's words and the kernel's building blocks the
gateway declares its own models with.

Shape only (types, presence, lengths, vocabularies): whether a value is allowed by the notice's
rules is for the aggregates to say, by an error naming the field. Imports pydantic, the pure
kernel and this service's vocabularies, nothing else, so that any caller can take it without
taking the service.
"""
from __future__ import annotations

from services.policy.briefings.contract import *  # noqa: F401,F403
from services.policy.compendium.contract import *  # noqa: F401,F403
from services.policy.implementation.contract import *  # noqa: F401,F403
from services.policy.policies.contract import *  # noqa: F401,F403
from services.policy.portal.contract import *  # noqa: F401,F403
from services.policy.shapes import *  # noqa: F401,F403
from services.policy.work.contract import *  # noqa: F401,F403
