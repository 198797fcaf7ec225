"""The policies' RPC entrypoints (a mixin of PolicyService): draft a policy, act on it (revise,
set the contact, publish, amend, repeal, expire, answer policy work), read it, its versions and
the list, and match an enterprise against the policies in force (精准推送).

Each command loads, decides (the aggregate checks the rules) and appends; the read models follow
in the same transaction. Before deciding, the issuing unit is checked against the register of
units the liaison service keeps (`kernel.units`), after the check of who may draft: an unknown
one is refused naming the field. A contact's `unit` is the name of whom to ask, free text, and is
not checked. Reads are answered from the read models, narrowed by what the caller may see
(`access`): a draft never reaches the public, an enterprise, or a unit officer of another unit.
"""
from __future__ import annotations

import datetime as dt
import uuid

from kernel import checks, units
from kernel.actor import Actor
from kernel.clock import office_day
from kernel.envelope import utc_now
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from kernel.wire import body_fields, on_aggregate, saved
from services.policy.enterprises import views as enterprises
from services.policy.policies import access, contract, rules, views
from services.policy.policies.domain import Policy
from services.policy.policies.exceptions import MayNotMatch, PolicyNotFound
from services.policy.vocabulary import IN_FORCE
from services.policy.work.rpc import answer_policy_work

# Who records what matching finds on publication: the service itself.
MATCHING = Actor(sub="matching", role="system")
IN_FORCE_CODES = {status.value for status in IN_FORCE}


def current_day(at: dt.datetime) -> str:
    """The office's calendar day of `at`, as ISO text."""
    return office_day(at).isoformat()


def load_policy(uow: UnitOfWork, policy_id: str, who: Actor) -> Policy:
    """The policy, if it exists and `who` may see it (a hidden draft is not found)."""
    policy = uow.load(Policy, policy_id)
    if not policy.exists:
        raise PolicyNotFound(policy_id)
    access.check_may_read_policy(who, policy.snapshot(), policy_id)
    return policy


def _reach_enterprises(uow: UnitOfWork, policy: Policy, previous_criteria: dict | None,
                       now: dt.datetime) -> None:
    """精准推送: the enterprises this version newly applies to, recorded with it."""
    reached = enterprises.newly_eligible(uow.connection, policy.snapshot(), previous_criteria,
                                         now)
    policy.reached_enterprises(version=len(policy.versions), enterprises=reached, at=now,
                               actor=MATCHING)


class PoliciesRpc:
    @rpc
    def draft_policy(self, actor: dict, fields: dict) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            arguments = body_fields(fields, contract.DraftPolicy, "a policy's draft")
            # Who may draft for the unit first; then whether the unit is in the register (a unit
            # officer's own unit is the issuing unit, so an officer of an unknown unit is refused
            # here too). A missing or blank unit is the aggregate's to name.
            issuing_unit = arguments["issuing_unit"]
            if isinstance(issuing_unit, str) and issuing_unit.strip():
                rules.check_drafter(who, issuing_unit.strip())
                units.check_unit(uow.connection, "issuing_unit", issuing_unit)
            return saved(uow, Policy.draft(str(uuid.uuid4()), at=utc_now(), actor=who,
                                           **arguments))

        return self.store.execute("draft_policy", decide)

    @rpc
    def act_on_policy(self, actor: dict, policy_id: str, action: str, fields: dict) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork, method: str, arguments: dict) -> dict:
            policy = load_policy(uow, policy_id, who)
            now = utc_now()
            if method == "answer_policy_work":
                answer_policy_work(uow, policy, who, now, **arguments)
                return policy.snapshot()
            previous = (policy.content["criteria"] if policy.status in IN_FORCE_CODES else None)
            getattr(policy, method)(at=now, actor=who, **arguments)
            if method in ("publish", "amend"):
                _reach_enterprises(uow, policy, previous, now)
            return saved(uow, policy)

        return self.store.execute(*on_aggregate(contract.POLICY_ACTIONS, action, fields,
                                                "a policy", decide))

    @rpc
    def get_policy(self, actor: dict, policy_id: str) -> dict:
        who = Actor.from_dict(actor)
        return self.store.query("get_policy", lambda uow: access.check_may_read_policy(
            who, views.policy(uow.connection, policy_id), policy_id))

    @rpc
    def policy_version(self, actor: dict, policy_id: str, number: int) -> dict:
        """Version `number` of a policy (1 is the first publication), exactly as published."""
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            return load_policy(uow, policy_id, who).version_text(number)

        return self.store.query("policy_version", read)

    @rpc
    def list_policies(self, actor: dict, filters: dict, cursor: str | None = None,
                      limit: int = contract.DEFAULT_PAGE_SIZE) -> dict:
        who = Actor.from_dict(actor)
        return self.store.query("list_policies", lambda uow: views.page(
            uow.connection, who, filters, cursor, limit))

    @rpc
    def match_enterprise(self, actor: dict, enterprise) -> dict:
        """The policies in force today and, for each, whether the enterprise (a credit code of a
        known enterprise, or a profile) meets it and why; the eligible first."""
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            uscc = enterprise.get("uscc") if isinstance(enterprise, dict) else enterprise
            if who.role == "enterprise" and uscc != who.uscc:
                raise MayNotMatch(role=who.role, doing="match another enterprise")
            if not isinstance(enterprise, dict):
                _check_may_look_up(uow, who, enterprise)
            now = utc_now()
            snapshots = views.in_force_snapshots(uow.connection, current_day(now))
            verdicts = enterprises.match(uow.connection, enterprise, snapshots, now)
            verdicts.sort(key=lambda verdict: not verdict["eligible"])
            return {"items": verdicts}

        return self.store.query("match_enterprise", read)


def _check_may_look_up(uow: UnitOfWork, who: Actor, uscc) -> None:
    """A known enterprise's verdicts tell its operating tier (notice 三(一)1), which stays with
    the office, supervision, the enterprise's county and the enterprise itself."""
    if who.role in access.SEE_ALL or who.role == "enterprise":
        return
    if who.role == "unit_officer":
        kept = enterprises.row(uow.connection, checks.credit_code(uscc))
        if kept is not None and kept["county"] == who.unit:
            return
        raise MayNotMatch(role=who.role, doing="look up an enterprise outside its county by its "
                                               "credit code; give a profile")
    raise MayNotMatch(role=who.role, doing="look an enterprise up by its credit code; give a "
                                           "profile")
