"""A realistic register of enterprise-benefit policies (惠企政策) for the tests that need many: the
compendium's documents, the policy service, the gateway and the browser tests read it, never
change it.

Modelled on the notice's own list: the State Council's plan to cut the real economy's costs
(国发〔2016〕48号), the province's measures (赣府发〔2016〕28号), the city's master measures
《关于降低企业成本优化发展环境的若干政策措施》(赣市府发〔2016〕10号) with the departments' detailed
rules under it, and the counties' own (南康、章贡、赣县、瑞金、龙南、信丰、赣州经开区). Every level
(`Level`) and every cost category (`CostCategory`) is present. Beside the 35 policies in force are
two drafts, one repealed and one expired policy: the compendium and the portal must never show
them.

- `policy_fields()`: the 35 policies in force, each a dict of `Policy.draft` keyword arguments
  (minus the id, `at`, `actor` and `existing`), the consultation contact included; what a test
  passes to the service's `draft_policy`.
- `draft_fields()`, `repealed_fields()`, `expired_fields()`: the ones never shown.
- `published_snapshots(at)`: the whole register run through the domain (draft, publish, one
  amendment, a repeal, an expiry) as `Policy.snapshot()`s, ready for `compendium.build_edition`.

Plain Python: the register is data (`register.toml`, beside this module), read once; no other
I/O. Every date of the story falls on or before `STORY_ENDS`.
"""
from __future__ import annotations

import datetime as dt
import pathlib
import tomllib
from zoneinfo import ZoneInfo

from kernel.actor import SYSTEM, Actor
from services.policy.policies.domain import Policy

OFFICE_TIME = ZoneInfo("Asia/Shanghai")
OFFICE = Actor("fixture-clerk", "office")
# The last moment the story below records anything; an edition is built at or after it.
STORY_ENDS = dt.datetime(2017, 5, 31, 18, tzinfo=OFFICE_TIME)
# The moment the tests build their edition by default: the notice's portal deadline has passed.
EDITION_AT = dt.datetime(2017, 6, 1, 10, tzinfo=OFFICE_TIME)

MASTER_TITLE = "关于降低企业成本优化发展环境的若干政策措施"
MASTER_NUMBER = "赣市府发〔2016〕10号"
# The one policy amended in the story, and what the amendment changes.
AMENDED_NUMBER = "赣市金发〔2016〕12号"
AMENDMENT = {
    "summary": "市财政安排应急转贷资金规模由2亿元增至5亿元，单笔转贷期限最长30天，"
               "转贷费率由日万分之三降至日万分之一点五。",
    "full_text": "第一条 为帮助企业按期续贷、降低过桥融资成本，市财政安排企业应急转贷资金5亿元。\n"
                 "第二条 符合条件的中小微企业可申请转贷资金，单笔转贷期限最长30天。\n"
                 "第三条 转贷资金占用费按日万分之一点五收取，逾期不还的按日万分之五收取。\n"
                 "第四条 本办法由市金融办负责解释。",
}
AMENDMENT_REASON = "资金规模扩大，费率下调"


def _text(*clauses: str) -> str:
    numerals = "一二三四五六七八九十"
    return "\n".join(f"第{numerals[i]}条 {clause}" for i, clause in enumerate(clauses))


def _policy(entry: dict) -> dict:
    """A policy of the register as `Policy.draft` keyword arguments, in the register's words."""
    return {
        "issuing_unit": entry["issuing_unit"], "title": entry["title"],
        "document_number": entry["document_number"], "level": entry["level"],
        "cost_category": entry["cost_category"], "summary": entry["summary"],
        "effective_from": entry["effective_from"],
        "effective_until": entry.get("effective_until"),
        "full_text": _text(*entry["clauses"]), "issued_by": entry["issued_by"],
        "criteria": entry.get("criteria"), "contact": entry["contact"],
    }


# The register itself is data, a policy an entry (register.toml).
_REGISTER = tomllib.loads((pathlib.Path(__file__).parent / "register.toml").read_text("utf-8"))
_IN_FORCE = tuple(_policy(entry) for entry in _REGISTER["in_force"])
_DRAFTS = tuple(_policy(entry) for entry in _REGISTER["drafts"])
_REPEALED = _policy(_REGISTER["repealed"])
_EXPIRED = _policy(_REGISTER["expired"])
REPEAL_REASON = "已被赣市府发〔2016〕10号取代"

# The city's detailed rules that name the master measures as theirs (二(一)1).
_UNDER_MASTER = ("赣市财综字〔2016〕25号", AMENDED_NUMBER, "赣市人社字〔2016〕80号",
                 "赣市国土资发〔2016〕20号", "赣市交发〔2016〕15号", "南康府发〔2016〕15号")


def _copy(fields: dict) -> dict:
    return {key: (dict(value) if isinstance(value, dict) else value)
            for key, value in fields.items()}


def policy_fields() -> list[dict]:
    """The 35 policies in force, each as `Policy.draft` keyword arguments with its contact."""
    return [_copy(fields) for fields in _IN_FORCE]


def draft_fields() -> list[dict]:
    """Two drafts, never published."""
    return [_copy(fields) for fields in _DRAFTS]


def repealed_fields() -> dict:
    """A policy published, then repealed (废止) by `REPEAL_REASON`."""
    return _copy(_REPEALED)


def expired_fields() -> dict:
    """A policy published, then expired (失效): its end date passed."""
    return _copy(_EXPIRED)


def absent_fields() -> list[dict]:
    """Every policy the compendium and the portal must not show."""
    return [*draft_fields(), repealed_fields(), expired_fields()]


def policy_id(number: int) -> str:
    """The id `published_snapshots` gives the n-th policy of the register (1-based)."""
    return f"fixture-policy-{number:02d}"


def _moment(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), OFFICE_TIME)


def _draft(number: int, fields: dict, at: dt.datetime, **extra) -> Policy:
    return Policy.draft(policy_id(number), **fields, **extra, at=at, actor=OFFICE)


def published_snapshots(at: dt.datetime = EDITION_AT) -> list[dict]:
    """The register run through the domain, as `Policy.snapshot()`s at `at` (on or after
    `STORY_ENDS`): 35 published (one amended, six naming the master measures), two drafts, one
    repealed, one expired."""
    if at < STORY_ENDS:
        raise ValueError(f"the fixture's story runs to {STORY_ENDS.isoformat()}; "
                         f"build at or after it, not {at.isoformat()}")
    policies: list[Policy] = []
    master_id = None
    for fields in _IN_FORCE:
        number = len(policies) + 1
        extra = {}
        if fields["document_number"] in _UNDER_MASTER:
            extra["master_policy_id"] = master_id
        policy = _draft(number, fields, _moment(fields["effective_from"], 9), **extra)
        policy.publish(at=_moment(fields["effective_from"], 10), actor=OFFICE)
        if fields["document_number"] == MASTER_NUMBER:
            master_id = policy.id
        if fields["document_number"] == AMENDED_NUMBER:
            policy.amend(reason=AMENDMENT_REASON, at=_moment("2017-05-20"), actor=OFFICE,
                         **AMENDMENT)
        policies.append(policy)
    for fields in _DRAFTS:
        policies.append(_draft(len(policies) + 1, fields, _moment("2017-05-25")))
    repealed = _draft(len(policies) + 1, _REPEALED, _moment("2015-02-20"))
    repealed.publish(at=_moment("2015-02-25"), actor=OFFICE)
    repealed.repeal(reason=REPEAL_REASON, at=_moment("2016-09-01"), actor=OFFICE)
    policies.append(repealed)
    expired = _draft(len(policies) + 1, _EXPIRED, _moment("2015-12-20"))
    expired.publish(at=_moment("2015-12-25"), actor=OFFICE)
    expired.expire(at=_moment("2017-04-01", 0), actor=SYSTEM)
    policies.append(expired)
    return [policy.snapshot() for policy in policies]
