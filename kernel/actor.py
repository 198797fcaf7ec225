"""Who acts: every command carries an actor, every event records one.

Roles follow the design: an enterprise (identified by its unified social credit code), a unit
officer (identified by the unit's id), the leading-group office, a supervisor (督查考核组), a leader
or liaison officer, the system itself for timers, and the public: a citizen reading the policy
portal without a token (notice 二(二)3), who reads only what is published.
"""
from __future__ import annotations

import dataclasses

ROLES = {
    "enterprise": "企业",
    "unit_officer": "责任单位经办人",
    "office": "领导小组办公室",
    "supervisor": "督查考核组",
    "leader": "市领导",
    "liaison": "联络员",
    "system": "系统",
    "public": "公众",
}

# Roles no bearer token ever carries: the public is who calls the portal without one, an actor the
# gateway constructs itself for the portal's routes only (`PUBLIC`).
TOKENLESS_ROLES = frozenset({"public"})


@dataclasses.dataclass(frozen=True)
class Actor:
    sub: str
    role: str
    unit: str | None = None
    uscc: str | None = None

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {', '.join(ROLES)}")
        if self.role == "unit_officer" and not self.unit:
            raise ValueError("a unit officer acts for a unit: the 'unit' claim is required")
        if self.role == "enterprise" and not self.uscc:
            raise ValueError("an enterprise acts under its credit code: the 'uscc' claim is required")

    @property
    def label(self) -> str:
        """The actor as it is written into an event envelope."""
        scope = self.unit or self.uscc
        return f"{self.role}:{scope}:{self.sub}" if scope else f"{self.role}:{self.sub}"

    def to_dict(self) -> dict:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict) -> "Actor":
        return cls(sub=data["sub"], role=data["role"], unit=data.get("unit"), uscc=data.get("uscc"))


SYSTEM = Actor(sub="timer", role="system")
# Who reads the public portal (公众): no token, no unit, no credit code.
PUBLIC = Actor(sub="portal", role="public")
