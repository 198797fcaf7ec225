"""The refusals of the portal's reads (notice 二(二)3), on the kernel's shapes (`kernel.errors`)."""
from __future__ import annotations

from kernel.errors import Forbidden, Worded


class MayNotReadDeadlines(Worded, Forbidden):
    rule = "may_not_read_portal_deadlines"
    template = ("a {role} may not read the units' portal deadlines; only the office, supervision "
                "and each unit's officers (their own unit's) may")
