"""The policy service's watch on dates (a mixin of PolicyService): each round it records every
policy whose end date has passed as expired (失效, notice 二(一)2), and every implementation rule
past its due date unfiled as overdue (二(一)1, which supervision takes up), once; then builds the
compendium's next edition if what is in force has changed since the latest.

Only what is due is read, by index. One replica watches at a time (`kernel.watch`); should two
overlap, the aggregates refuse a second record and optimistic concurrency makes the slower decide
again on the fresh state.
"""
from __future__ import annotations

import structlog

from kernel import settings
from kernel.actor import SYSTEM
from kernel.envelope import utc_now
from kernel.errors import Refused
from kernel.store import UnitOfWork
from kernel.watch import watch
from services.policy.compendium.rpc import build_next_edition
from services.policy.implementation import views as implementation
from services.policy.implementation.domain import ImplementationRule
from services.policy.policies import views as policies
from services.policy.policies.domain import Policy
from services.policy.policies.rpc import current_day

log = structlog.get_logger(__name__)


class DatesWatch:
    @watch(interval=settings.deadline_watch_interval())
    def watch_policy_dates(self):
        now = utc_now()
        day = current_day(now)
        for policy_id in self.store.read(lambda c: policies.lapsed_policies(c, day)):
            self._watch(Policy, policy_id, "expire_policy",
                        lambda policy: policy.expire(at=now, actor=SYSTEM))
        for rule_id in self.store.read(lambda c: implementation.overdue_rules(c, day)):
            self._watch(ImplementationRule, rule_id, "mark_rule_overdue",
                        lambda owed: owed.mark_overdue(at=now, actor=SYSTEM))
        # After the expiries: an edition is regenerated when what is in force has changed
        # (published, amended, repealed, expired, or come into force by its dates).
        try:
            self.store.execute("regenerate_compendium", lambda uow: build_next_edition(
                uow, SYSTEM, only_if_begun=True))
        except Exception:  # the next round tries again
            log.exception("compendium regeneration failed")

    def _watch(self, aggregate_cls, stream_id: str, command: str, decide) -> None:
        def run(uow: UnitOfWork) -> None:
            aggregate = uow.load(aggregate_cls, stream_id)
            decide(aggregate)
            uow.save(aggregate)
        try:
            self.store.execute(command, run)
        except Refused as refused:  # recorded meanwhile by another replica: nothing to do
            log.debug("policy watch: nothing to record", stream_id=stream_id, rule=refused.rule)
        except Exception:  # one stream that cannot be processed must not stop the watch
            log.exception("policy watch failed", stream_id=stream_id, command=command)
