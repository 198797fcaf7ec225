"""The policy work's RPC entrypoints (a mixin of PolicyService): the items a reader may see. An
item is opened by a reaction to the tickets service's `PolicyWorkRequested` (`reactions`) and
answered by the unit's policy in force (`answer_policy_work`, the policies' `answer-policy-work`
action). notice 二(四)3
"""
from __future__ import annotations

import datetime as dt

from kernel import checks
from kernel.actor import Actor
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from services.policy.policies.exceptions import NotIssuingUnit
from services.policy.work import contract, views
from services.policy.work.domain import PolicyWork
from services.policy.work.exceptions import AnsweringPolicyNotInForce


def answer_policy_work(uow: UnitOfWork, policy, who: Actor, now: dt.datetime,
                       item_id=None) -> None:
    """notice 二(四)3: the unit's policy, in force, answers the policy work an appeal asked
    for; the appeal is told (tickets reacts to PolicyWorkAnswered)."""
    item_id = checks.text("item_id", item_id, contract.CODE_LIMIT)
    if who.role == "unit_officer" and who.unit != policy.issuing_unit:
        raise NotIssuingUnit(who.unit, policy.issuing_unit, "answer policy work with it")
    if not policy.in_force(now):
        raise AnsweringPolicyNotInForce(policy_id=policy.id, status=policy.status or "unknown")
    item = uow.load(PolicyWork, item_id)
    content = policy.content
    item.answer(policy_id=policy.id, document_number=content["document_number"],
                title=content["title"], at=now, actor=who)
    uow.save(item)


class WorkRpc:
    @rpc
    def policy_work_items(self, actor: dict) -> list[dict]:
        who = Actor.from_dict(actor)
        return self.store.query("policy_work_items",
                                lambda uow: views.policy_work_items(uow.connection, who))
