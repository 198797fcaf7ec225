"""The policy service: enterprise-benefit policies (惠企政策) and their implementation rules.

So far it opens a policy-work item for each appeal the tickets service classifies as within a
municipal department's remit (`PolicyWorkRequested`), and lists them; the policy commands arrive
with the policy issue.
"""
from __future__ import annotations

from kernel.actor import Actor
from kernel.base_service import EventSourcedService
from kernel.dependencies import EventSourcing, Reactions
from kernel.rpc import rpc
from services.policy import queries
from services.policy.reactions import open_policy_work


class PolicyService(EventSourcedService):
    name = "policy"
    store = EventSourcing()
    reactions = Reactions("policy-work", {"tickets": {"PolicyWorkRequested": open_policy_work}})

    @rpc
    def policy_work_items(self, actor: dict) -> list[dict]:
        who = Actor.from_dict(actor)
        return self.store.query("policy_work_items",
                                lambda uow: queries.policy_work_items(uow.connection, who))
