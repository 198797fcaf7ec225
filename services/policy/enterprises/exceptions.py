"""The refusal of matching by credit code (notice 三(一)1), on the kernel's shapes."""
from __future__ import annotations

from kernel.errors import NoSuch


class EnterpriseNotKnown(NoSuch):
    rule = "enterprise_not_known"
    template = ("no enterprise {id} is known to the policy service yet (or its profile is "
                "incomplete); give its profile instead")
    at = "uscc"
