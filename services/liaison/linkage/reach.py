"""A leader's list as far as a caller reaches through it (notice 三(一)1-2): the leader the caller
is (a registered leader) or serves (an appointed liaison officer, 联络员), his linkage's park and
enterprises, and the enterprises of that park. The register's, the linkage's and the field work's
reads narrow a leader's and a liaison officer's answers by it; someone who is no registered
leader, or an officer not appointed, reaches nothing.

Plain Python, no I/O: the read models hand in what they hold (`views.reach_of`).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable


@dataclasses.dataclass(frozen=True)
class Reach:
    """`leader_id` None: nothing at all."""

    leader_id: str | None = None
    park: str | None = None
    enterprises: frozenset[str] = frozenset()

    @classmethod
    def of(cls, leader_id: str, linkage: dict | None, park_enterprises: Iterable[str] = ()):
        """A registered leader's: his linkage as it stands (None: he has none yet) and the
        enterprises registered in its park."""
        if linkage is None:
            return cls(leader_id)
        return cls(leader_id, linkage.get("park"),
                   frozenset(linkage.get("enterprises") or ()) | frozenset(park_enterprises))

    @property
    def anything(self) -> bool:
        return self.leader_id is not None

    def is_leader(self, leader_id: str | None) -> bool:
        return self.anything and leader_id == self.leader_id

    def covers(self, uscc: str | None) -> bool:
        """The enterprise is on the list (his linkage's, or his park's)."""
        return uscc in self.enterprises

    def covers_any(self, usccs: Iterable[str] | None) -> bool:
        return any(self.covers(uscc) for uscc in usccs or ())


NOWHERE = Reach()
