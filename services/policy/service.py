"""The policy service: thin entrypoints over the policy registry (notice 二(一), 二(二)), each
area's in a mixin of its own (`<area>.rpc`): the policies and matching, their implementation
rules, the briefings, the policy work appeals ask for (二(四)3), the compendium and the portal;
and the watch on their dates (`watch`). The read models follow each command in its transaction
(`projections`).

Three reactions keep what the service needs of others' logs: the tickets service's policy-work
requests open items (`work.reactions`); the liaison service's enterprises are kept for matching
(`enterprises.reactions`), and its register of units for the units a command names
(`kernel.units`), so both answer with the liaison service down.
"""
from __future__ import annotations

from kernel import units
from kernel.base_service import EventSourcedService
from kernel.dependencies import EventSourcing, Reactions
from services.liaison.events import EVENTS as LIAISON
from services.policy import projections
from services.policy.briefings.rpc import BriefingsRpc
from services.policy.compendium.rpc import CompendiumRpc
from services.policy.enterprises import reactions as enterprises
from services.policy.implementation.rpc import ImplementationRpc
from services.policy.permissions import PERMISSIONS
from services.policy.policies.rpc import PoliciesRpc
from services.policy.portal.rpc import PortalRpc
from services.policy.watch import DatesWatch
from services.policy.work.reactions import open_policy_work
from services.policy.work.rpc import WorkRpc


class PolicyService(PoliciesRpc, ImplementationRpc, BriefingsRpc, WorkRpc, CompendiumRpc,
                    PortalRpc, DatesWatch, EventSourcedService):
    name = "policy"
    permissions = PERMISSIONS

    store = EventSourcing(projectors=[projections.project])
    reactions = Reactions("policy-work", {"tickets": {"PolicyWorkRequested": open_policy_work}})
    enterprise_profiles = Reactions(enterprises.CONSUMER, enterprises.SUBSCRIPTIONS)
    known_units = Reactions(units.CONSUMER, units.subscriptions(LIAISON))
