"""The implementation rules' read model: `rule_rows`, a row per rule with its snapshot, and the
questions asked of it (one rule, the list narrowed by who may read it, what the timer records)."""
from __future__ import annotations

from typing import Mapping

import sqlalchemy as sa

from kernel import listing
from kernel.actor import Actor
from kernel.refolding import snapshot_row
from services.policy.implementation import access, contract
from services.policy.implementation.domain import ImplementationRule
from services.policy.implementation.vocabulary import RuleStatus
from services.policy.policies import views as policies

metadata = sa.MetaData()
rule_rows = sa.Table(
    "rule_rows", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("policy_id", sa.String(100)),
    sa.Column("unit", sa.String(100)),
    sa.Column("status", sa.String(20)),
    sa.Column("due", sa.String(10)),
    sa.Column("required_at", sa.String(32)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
TABLES = (rule_rows,)
FOLDS = {
    ImplementationRule.stream_type: snapshot_row(ImplementationRule, rule_rows, (
        "id", "policy_id", "unit", "status", "due", "required_at", "version")),
}


def rule(connection: sa.Connection, rule_id: str) -> dict | None:
    return policies.state_of(connection, rule_rows, rule_id)


_RULE_CLAUSES = {
    "policy_id": lambda name, value: rule_rows.c.policy_id == listing.bounded(
        name, value, contract.CODE_LIMIT),
    "unit": lambda name, value: rule_rows.c.unit == listing.bounded(name, value,
                                                                    contract.CODE_LIMIT),
    "status": listing.coded(rule_rows.c.status, RuleStatus.codes()),
}
RULE_FILTERS = {name: _RULE_CLAUSES[name] for name in contract.RULE_FILTERS}


def rules(connection: sa.Connection, actor: Actor, filters: Mapping | None) -> list[dict]:
    """The implementation rules the filters and the actor's scope allow, by due date."""
    given = listing.given(filters, RULE_FILTERS)
    where = [RULE_FILTERS[name](name, value) for name, value in given.items()]
    scope = access.rule_scope(actor)
    # A rule filed for a draft stays with whoever may read the draft (access.may_read_rule).
    readable = sa.select(policies.policy_rows.c.id).where(*policies.policy_scope_clauses(actor))
    filed = sa.and_(rule_rows.c.status == RuleStatus.FILED.value,
                    rule_rows.c.policy_id.in_(readable))
    if "filed_or_unit" in scope:
        where.append(sa.or_(filed, rule_rows.c.unit == scope["filed_or_unit"]))
    elif scope:
        where.append(filed)
    return policies.states(connection, sa.select(rule_rows.c.state).where(*where).order_by(
        rule_rows.c.policy_id, rule_rows.c.unit))


def overdue_rules(connection: sa.Connection, day: str) -> list[str]:
    """Rules still required whose due date is before `day`: to be recorded overdue."""
    return connection.execute(sa.select(rule_rows.c.id).where(
        rule_rows.c.status == RuleStatus.REQUIRED.value, rule_rows.c.due < day)
        .order_by(rule_rows.c.due)).scalars().all()
