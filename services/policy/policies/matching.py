"""Matching (精准推送): which policies in force an enterprise meets the criteria of, and why; and,
when a policy is published or amended, which enterprises it newly applies to.

An enterprise is read as an `EnterpriseProfile` (industry, size, county or zone, operating tier,
above-designated-size flag); a policy as its snapshot (`Policy.snapshot()`: status, effective
dates, criteria). An empty criterion means any (`criteria`). Each verdict says
in words which criteria matched, or the first that failed, so a clerk can explain it.
Plain Python, no I/O.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kernel import checks
from kernel.errors import FieldRequired, NotAnObject
from services.policy.policies.criteria import FIELDS as CRITERIA_FIELDS
from services.policy.policies.criteria import criteria as checked_criteria
from services.policy.policies.domain import in_force_on, office_day_of
from services.policy.policies.exceptions import InvalidFlag
from services.policy.vocabulary import IN_FORCE, EnterpriseSize, OperatingTier, Status

PROFILE_FIELDS = ("uscc", "industry", "size", "county", "tier", "above_designated_size")


@dataclass(frozen=True)
class EnterpriseProfile:
    """What matching needs to know of one enterprise; `uscc` (统一社会信用代码) tells them apart."""

    uscc: str
    industry: str
    size: str
    county: str
    tier: str
    above_designated_size: bool

    @classmethod
    def from_dict(cls, value) -> EnterpriseProfile:
        """The profile checked; bad input is refused by an error naming the field."""
        if not isinstance(value, dict):
            raise NotAnObject("enterprise", PROFILE_FIELDS, value)
        checks.only_fields(value, PROFILE_FIELDS, "an enterprise's profile")
        flag = value.get("above_designated_size")
        if flag is None:
            raise FieldRequired("above_designated_size", "true or false (规模以上)")
        if not isinstance(flag, bool):
            raise InvalidFlag(field="above_designated_size", value=flag)
        return cls(
            uscc=checks.credit_code(value.get("uscc")),
            industry=checks.text("industry", value.get("industry"), checks.CODE_LIMIT),
            size=_code("size", value.get("size"), EnterpriseSize),
            county=checks.text("county", value.get("county"), checks.CODE_LIMIT),
            tier=_code("tier", value.get("tier"), OperatingTier),
            above_designated_size=flag,
        )


@dataclass(frozen=True)
class Verdict:
    """Whether one enterprise meets one policy, and why in words.

    `failed` names what failed first: a criterion (`industries`, `sizes`, ...), `status`, or an
    effective date; None when the enterprise is eligible.
    """

    policy_id: str
    title: str
    eligible: bool
    reason: str
    failed: str | None = None


# -- the criteria ---------------------------------------------------------------------------

# Each criterion: its words, and the profile's attribute it reads. Checked in the criteria's order.
_LABELS = {"industries": "行业", "sizes": "规模", "above_designated_size": "规模以上",
           "counties": "县区", "tiers": "运营档次"}
_ATTRIBUTE = {"industries": "industry", "sizes": "size", "counties": "county", "tiers": "tier"}


def _code(field: str, value, vocabulary) -> str:
    if value is None:
        raise FieldRequired(field, f"one of: {', '.join(vocabulary.codes())}")
    return checks.code(field, value, vocabulary).value


def _words(field: str, code: str, names: Mapping[str, str]) -> str:
    """A code in words: the vocabulary's label, or the register's name the caller passed."""
    if field == "sizes":
        return EnterpriseSize(code).label
    if field == "tiers":
        return OperatingTier(code).label
    return names.get(code, code)


def _yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def assess(profile: EnterpriseProfile, criteria: dict | None,
           names: Mapping[str, str] | None = None) -> tuple[str | None, str]:
    """(the first criterion failed or None, the reason in words) for the criteria alone.

    `names` gives the registers' names for industry and county codes (制造业 for
    `manufacturing`); a code without one is shown as it is.
    """
    criteria, names = checked_criteria(criteria), names or {}
    matched = []
    for field in CRITERIA_FIELDS:
        label, wanted = _LABELS[field], criteria[field]
        if field == "above_designated_size":
            if wanted is None:
                continue
            if profile.above_designated_size != wanted:
                only = "规模以上" if wanted else "规模以下"
                return field, (f"{label}: {_yes_no(profile.above_designated_size)}, "
                               f"政策仅限{only}企业")
            matched.append(f"{label}: {_yes_no(wanted)}")
            continue
        if not wanted:
            continue
        own = getattr(profile, _ATTRIBUTE[field])
        if own not in wanted:
            allowed = "、".join(_words(field, code, names) for code in wanted)
            return field, f"{label}: {_words(field, own, names)}, 政策仅限 {allowed}"
        matched.append(f"{label}: {_words(field, own, names)}")
    return None, "; ".join(matched) or "不限条件: 面向所有企业"


def meets(profile: EnterpriseProfile, criteria: dict | None) -> bool:
    return assess(profile, criteria)[0] is None


# -- policies -------------------------------------------------------------------------------

def _not_in_force(policy: dict, at: dt.datetime | dt.date) -> tuple[str, str] | None:
    """Why the policy is not in force on `at`'s day (what failed, in words), or None if it is
    (`in_force_on`, the rule of `Policy.in_force`)."""
    if in_force_on(policy, at):
        return None
    status = policy["status"]
    if status not in IN_FORCE:
        label = Status(status).label if status else "不存在"
        return "status", f"政策状态: {label}, 不在执行中"
    if office_day_of(at).isoformat() < policy["effective_from"]:
        return "effective_from", f"政策尚未生效: 自 {policy['effective_from']} 起执行"
    return "effective_until", f"政策已到期: 执行至 {policy['effective_until']}"


def explain(profile: EnterpriseProfile, policy: dict, at: dt.datetime | dt.date,
            names: Mapping[str, str] | None = None) -> Verdict:
    """Does the enterprise meet the policy (a `Policy.snapshot()`) on `at`'s day, and why."""
    identity = {"policy_id": policy["id"], "title": policy.get("title") or ""}
    closed = _not_in_force(policy, at)
    if closed:
        return Verdict(**identity, eligible=False, failed=closed[0], reason=closed[1])
    failed, reason = assess(profile, policy["criteria"], names)
    return Verdict(**identity, eligible=failed is None, failed=failed, reason=reason)


def matching_policies(profile: EnterpriseProfile, policies: Iterable[dict],
                      at: dt.datetime | dt.date,
                      names: Mapping[str, str] | None = None) -> list[Verdict]:
    """The policies in force on `at`'s day whose criteria the enterprise meets, with reasons."""
    verdicts = (explain(profile, policy, at, names) for policy in policies)
    return [verdict for verdict in verdicts if verdict.eligible]


def newly_applies_to(previous: dict | None, criteria: dict | None,
                     profiles: Iterable[EnterpriseProfile]) -> list[EnterpriseProfile]:
    """The enterprises a policy just published or amended newly applies to: they meet
    `criteria` and did not meet `previous` (None for a first publication: nobody did)."""
    return [profile for profile in profiles
            if meets(profile, criteria) and (previous is None or not meets(profile, previous))]
