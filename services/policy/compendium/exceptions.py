"""Every rule of the compendium (《赣州市惠企政策文件汇编》, notice 二(一)2) that a command or a read can
break, one exception each, on the kernel's shapes (`kernel.errors`)."""
from __future__ import annotations

from kernel.errors import NoSuch, Worded


class EditionUnchanged(Worded):
    rule = "edition_unchanged"
    template = "edition {number} already shows exactly these policies; no new edition is built"


class EditionNotFound(NoSuch):
    """An edition number never built, or (`number` None) the latest asked for before the
    first."""

    rule = "edition_not_found"
    template = "no edition {id}"
    at = "number"

    def __init__(self, number):
        super().__init__(f"{number} of the compendium" if number is not None
                         else "of the compendium has been built yet")
