"""A policy's eligibility criteria as data (申报条件), what matching an enterprise will read: the
industries, enterprise sizes, counties or zones and operating tiers it applies to, and whether
it is only for enterprises above the designated size (规模以上).

An empty list means any; `above_designated_size` None means either. The criteria are kept in one
canonical shape (every key present, codes sorted, duplicates dropped) so two spellings of the
same criteria compare equal. Plain Python, no I/O.
"""
from __future__ import annotations

from kernel import checks
from kernel.errors import NotAnObject
from services.policy.policies.exceptions import InvalidFlag
from services.policy.vocabulary import EnterpriseSize, OperatingTier

FIELDS = ("industries", "sizes", "above_designated_size", "counties", "tiers")
ANY: dict = {"industries": [], "sizes": [], "above_designated_size": None, "counties": [],
             "tiers": []}


def criteria(value, field: str = "criteria") -> dict:
    """The criteria checked, in canonical shape; None or {} opens the policy to every enterprise."""
    if value is None:
        return _copy(ANY)
    if not isinstance(value, dict):
        raise NotAnObject(field, FIELDS, value)
    checks.only_fields(value, FIELDS, "the eligibility criteria")
    flag = value.get("above_designated_size")
    if flag is not None and not isinstance(flag, bool):
        raise InvalidFlag(field=f"{field}.above_designated_size", value=flag)
    return {
        # Industries and counties are codes of the registers the service keeps beside the
        # domain (the liaison service's enterprises); here they need only be codes.
        "industries": sorted(checks.codes(f"{field}.industries", value.get("industries"))),
        "sizes": _coded(f"{field}.sizes", value.get("sizes"), EnterpriseSize),
        "above_designated_size": flag,
        "counties": sorted(checks.codes(f"{field}.counties", value.get("counties"))),
        # notice 三(一)1: 较好、一般、困难
        "tiers": _coded(f"{field}.tiers", value.get("tiers"), OperatingTier),
    }


def _coded(field: str, values, vocabulary) -> list[str]:
    return sorted({checks.code(field, item, vocabulary).value
                   for item in checks.codes(field, values)})


def _copy(value: dict) -> dict:
    return {key: list(item) if isinstance(item, list) else item for key, item in value.items()}

