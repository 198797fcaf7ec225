"""The editions of the compendium (《赣州市惠企政策文件汇编》, notice 二(一)2): every edition the office
builds is kept and citable by its number.

One stream, "compendium", records `CompendiumEditionBuilt` per edition: its number (1, 2, …), its
day, the digest of what it shows (`edition.digest_of`) and which version of which policy it
holds — with the policy stream's version at the time, so that the edition is re-rendered exactly
as built (the contact as it then was included) from the log, whatever happened to the policies
since. An edition that would show exactly what the latest shows is not built again
(`unchanged`): the office is answered the latest instead.

Plain Python, no I/O: the service builds the `edition.Edition` from the policies' snapshots and
hands it here.
"""
from __future__ import annotations

import datetime as dt

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.envelope import format_time
from kernel.errors import RoleNotAllowed
from services.policy.compendium.access import BUILDERS
from services.policy.compendium.edition import Edition
from services.policy.compendium.events import EVENTS
from services.policy.compendium.exceptions import (
    EditionNotFound,
    EditionUnchanged,
)

STREAM_ID = "compendium"


class CompendiumEditions(Aggregate):
    """Every edition of the compendium, in order."""

    stream_type = "compendium"
    events = EVENTS

    def __init__(self, stream_id: str = STREAM_ID):
        super().__init__(stream_id)
        self._editions: list[dict] = []

    @property
    def editions(self) -> list[dict]:
        return [_copy(edition) for edition in self._editions]

    @property
    def latest(self) -> dict | None:
        return _copy(self._editions[-1]) if self._editions else None

    @property
    def next_number(self) -> int:
        return len(self._editions) + 1

    def edition(self, number: int | None) -> dict:
        """Edition `number` as recorded (None: the latest); `EditionNotFound` otherwise."""
        if number is None:
            if not self._editions:
                raise EditionNotFound(None)
            return self.latest
        if isinstance(number, bool) or not isinstance(number, int) \
                or not 1 <= number <= len(self._editions):
            raise EditionNotFound(number)
        return _copy(self._editions[number - 1])

    def unchanged(self, digest: str) -> bool:
        """The latest edition already shows what an edition of `digest` would."""
        return bool(self._editions) and self._editions[-1]["digest"] == digest

    def build(self, edition: Edition, stream_versions: dict[str, int], *, at: dt.datetime,
              actor: Actor) -> list[Fact]:
        """Record `edition` (built as number `next_number`), each of its policies with the
        version of its stream the edition was built from."""
        at = checks.moment(at)
        if actor.role not in BUILDERS:
            raise RoleNotAllowed(actor.role, "build the compendium (notice 二(一)2)", ("the office",))
        if edition.number != self.next_number:
            raise ValueError(f"the next edition is number {self.next_number}, "
                             f"not {edition.number}")
        if self.unchanged(edition.digest):
            raise EditionUnchanged(number=self._editions[-1]["number"])
        return [self._record("CompendiumEditionBuilt", {
            "number": edition.number,
            "day": edition.day,
            "digest": edition.digest,
            "policies": [{"policy_id": entry.policy_id, "version": entry.version,
                          "stream_version": stream_versions[entry.policy_id]}
                         for entry in edition.entries],
        }, at=at, actor=actor.label)]

    def when_CompendiumEditionBuilt(self, fact: Fact) -> None:
        self._editions.append({**fact.payload, "policies": [dict(p) for p in
                                                            fact.payload["policies"]],
                               "built_at": format_time(fact.occurred_at)})


def summary(edition: dict, new: bool | None = None) -> dict:
    """An edition as the list of editions shows it (EditionSummary)."""
    shown = {"number": edition["number"], "day": edition["day"], "digest": edition["digest"],
             "built_at": edition["built_at"], "policies": len(edition["policies"])}
    if new is not None:
        shown["new"] = new
    return shown


def _copy(edition: dict) -> dict:
    return {**edition, "policies": [dict(p) for p in edition["policies"]]}
