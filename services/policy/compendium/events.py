"""What the compendium's stream records (stream type "compendium", one stream): each edition of
《赣州市惠企政策文件汇编》 as it was built. Plain declarations: consumers import this module."""
from __future__ import annotations

from kernel.events import Catalogue, Payload, declare


class CompendiumEditionBuilt(Payload):
    """An edition of the compendium was built: its number, its day, the digest of what it shows,
    and which version of which policy it holds (`policy_id`, `version`, `stream_version`: the
    policy stream's version it was built from, so it is re-rendered exactly as built)."""

    number: int
    day: str
    digest: str
    policies: list[dict]


EVENTS = Catalogue(
    "policy",
    declare(CompendiumEditionBuilt, clause="二(一)2"),
)
