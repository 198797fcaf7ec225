"""The implementation rules' RPC entrypoints (a mixin of PolicyService): the office requires of a
unit a rule for a policy (notice 二(一)1), the owing unit files it; reads narrowed by `access`.
The unit a requirement names is checked against the register of units (`kernel.units`)."""
from __future__ import annotations

from kernel import checks, units
from kernel.actor import Actor
from kernel.envelope import utc_now
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from kernel.wire import body_fields, on_aggregate, perform, saved
from services.policy.implementation import access, contract, views
from services.policy.implementation.domain import ImplementationRule, rule_id_for
from services.policy.implementation.exceptions import RuleNotFound
from services.policy.implementation.rules import check_requirer
from services.policy.policies import views as policies
from services.policy.policies.rpc import load_policy

RULE_SECTIONS = ("procedure", "time_limits", "tasks", "responsibilities")


class ImplementationRpc:
    @rpc
    def require_rule(self, actor: dict, fields: dict) -> dict:
        """The office requires of a unit an implementation rule for a policy. notice 二(一)1"""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            fields_given = body_fields(fields, set(contract.RequireRule.model_fields),
                                       "an implementation rule's requirement")
            policy_id = checks.text("policy_id", fields_given.get("policy_id"),
                                    contract.CODE_LIMIT)
            unit = checks.text("unit", fields_given.get("unit"), contract.CODE_LIMIT)
            load_policy(uow, policy_id, who)
            check_requirer(who, None, policy_id, unit)
            units.check_unit(uow.connection, "unit", unit)
            existing = uow.load(ImplementationRule, rule_id_for(policy_id, unit))
            return saved(uow, ImplementationRule.require(
                policy_id, unit=unit, kind=fields_given.get("kind"), due=fields_given.get("due"),
                at=utc_now(), actor=who, existing=existing))

        return self.store.execute("require_rule", decide)

    @rpc
    def act_on_rule(self, actor: dict, rule_id: str, action: str, fields: dict) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork, method: str, arguments: dict) -> dict:
            owed = uow.load(ImplementationRule, rule_id)
            if not owed.exists:
                raise RuleNotFound(rule_id)
            access.check_may_read_rule(who, owed.snapshot(), rule_id,
                                       policies.policy(uow.connection, owed.policy_id))
            # A section left out of the body is not given (the kind decides which it needs).
            arguments = {name: value for name, value in arguments.items()
                         if not (name in RULE_SECTIONS and value is None)}
            return perform(uow, owed, method, arguments, who)

        return self.store.execute(*on_aggregate(contract.RULE_ACTIONS, action, fields,
                                                "an implementation rule", decide))

    @rpc
    def get_rule(self, actor: dict, rule_id: str) -> dict:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            found = views.rule(uow.connection, rule_id)
            policy = policies.policy(uow.connection, found["policy_id"]) if found else None
            return access.check_may_read_rule(who, found, rule_id, policy)

        return self.store.query("get_rule", read)

    @rpc
    def list_rules(self, actor: dict, filters: dict | None = None) -> dict:
        who = Actor.from_dict(actor)
        return self.store.query("list_rules", lambda uow: {
            "items": views.rules(uow.connection, who, filters)})
