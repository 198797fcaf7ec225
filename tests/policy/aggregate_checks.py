"""What the policy service's domain tests share: the actors they act as, and the two ways they
run a command on an aggregate — expecting a named refusal, or as a random life's step — each
checking that a refused command recorded nothing and changed nothing. Plain Python, no I/O."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from kernel.actor import Actor
from kernel.errors import DomainError

SHANGHAI = ZoneInfo("Asia/Shanghai")
office = Actor("clerk", "office")
finance = Actor("li", "unit_officer", unit="finance_bureau")
tax = Actor("wang", "unit_officer", unit="tax_bureau")
enterprise = Actor("boss", "enterprise", uscc="91350100M000100Y43")
supervisor = Actor("inspector", "supervisor")


def refuses(aggregate, error, command: str, **kwargs):
    """Run `command`, expect `error`, and check nothing was recorded and nothing changed."""
    before, count = aggregate.snapshot(), len(aggregate.pending())
    with pytest.raises(error) as raised:
        getattr(aggregate, command)(**kwargs)
    assert len(aggregate.pending()) == count
    assert aggregate.snapshot() == before
    return raised.value


def step(aggregate, command: str, **kwargs) -> tuple[dict, list | None]:
    """A random life's step: the aggregate's snapshot before it, and the facts `command` recorded
    (exactly those now pending after the earlier ones), or None when it was refused by a named
    rule with a message, having recorded nothing and changed nothing."""
    before, count = aggregate.snapshot(), len(aggregate.pending())
    try:
        facts = getattr(aggregate, command)(**kwargs)
    except DomainError as refusal:
        assert refusal.rule and refusal.message
        assert len(aggregate.pending()) == count, f"refused {command} recorded a fact"
        assert aggregate.snapshot() == before, f"refused {command} changed the aggregate"
        return before, None
    assert facts and facts == aggregate.pending()[count:]
    return before, facts
