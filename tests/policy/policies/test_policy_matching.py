"""Matching (services.policy.policies.matching, 精准推送): the policies in force an enterprise meets, each
with its reason in words, the first failed criterion explained, and the enterprises a published
or amended policy newly applies to."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as credit_codes

from kernel.actor import SYSTEM, Actor
from kernel.errors import (
    FieldRequired,
    FieldTooLong,
    InvalidCreditCode,
    UnexpectedField,
    UnknownCode,
)
from kernel import errors
from services.policy.policies import exceptions as ex
from services.policy.policies.matching import (
    EnterpriseProfile,
    explain,
    matching_policies,
    meets,
    newly_applies_to,
)
from services.policy.policies.domain import Policy
from services.policy.vocabulary import EnterpriseSize, OperatingTier

SHANGHAI = ZoneInfo("Asia/Shanghai")
finance = Actor("li", "unit_officer", unit="finance_bureau")
CONTACT = {"unit": "市财政局", "person": "李明", "phone": "0797-8123456", "email": "czj@ganzhou.gov.cn"}
NAMES = {"manufacturing": "制造业", "retail": "批发零售", "zhanggong": "章贡区",
         "nankang": "南康区"}
CRITERIA = {"industries": ["manufacturing"], "sizes": ["small", "micro"],
            "above_designated_size": True, "counties": ["zhanggong"], "tiers": ["good", "average"]}
JULY = dt.date(2026, 7, 1)


def at(month, day, year=2026):
    return dt.datetime(year, month, day, 10, tzinfo=SHANGHAI).astimezone(dt.UTC)


def uscc(n: int) -> str:
    body = f"9136070{n:010d}"
    return body + credit_codes.calc_check_digit(body)


def profile(n=1, **overrides) -> EnterpriseProfile:
    fields = {"uscc": uscc(n), "industry": "manufacturing", "size": "small",
              "county": "zhanggong", "tier": "good", "above_designated_size": True}
    fields.update(overrides)
    return EnterpriseProfile.from_dict(fields)


def drafted(policy_id="policy-1", criteria=CRITERIA, **overrides) -> Policy:
    fields = {"issuing_unit": "finance_bureau", "title": "赣州市中小微企业贷款贴息办法",
              "document_number": "赣市财发〔2026〕12号", "level": "municipal",
              "cost_category": "financing", "summary": "贴息", "full_text": "第一条 给予贴息。",
              "effective_from": dt.date(2026, 6, 1), "effective_until": dt.date(2027, 5, 31),
              "criteria": criteria, "contact": CONTACT, "at": at(5, 10), "actor": finance}
    fields.update(overrides)
    return Policy.draft(policy_id, **fields)


def published(policy_id="policy-1", **overrides) -> Policy:
    policy = drafted(policy_id, **overrides)
    policy.publish(at=at(5, 12), actor=finance)
    return policy


# -- eligible and ineligible, explained -----------------------------------------------------

def test_an_eligible_enterprise_is_told_every_criterion_it_met_in_words():
    [verdict] = matching_policies(profile(), [published().snapshot()], JULY, NAMES)
    assert verdict.policy_id == "policy-1" and verdict.title == "赣州市中小微企业贷款贴息办法"
    assert verdict.eligible and verdict.failed is None
    assert verdict.reason == "行业: 制造业; 规模: 小型; 规模以上: 是; 县区: 章贡区; 运营档次: 较好"


def test_a_policy_open_to_all_matches_any_enterprise_and_says_so():
    policy = published(criteria=None).snapshot()
    verdict = explain(profile(industry="retail", size="large", tier="difficult",
                              above_designated_size=False), policy, JULY)
    assert verdict.eligible and verdict.reason == "不限条件: 面向所有企业"


def test_only_the_restricting_criteria_are_named_and_codes_without_names_shown_as_they_are():
    policy = published(criteria={"counties": ["zhanggong", "nankang"]}).snapshot()
    assert explain(profile(county="nankang"), policy, JULY).reason == "县区: nankang"
    assert explain(profile(county="nankang"), policy, JULY, NAMES).reason == "县区: 南康区"


def test_matching_keeps_the_policies_met_and_leaves_out_the_rest():
    policies = [published("for-manufacturing").snapshot(),
                published("for-retail", criteria={"industries": ["retail"]}).snapshot(),
                published("for-all", criteria=None).snapshot()]
    found = matching_policies(profile(), policies, at(7, 1))
    assert [v.policy_id for v in found] == ["for-manufacturing", "for-all"]
    found = matching_policies(profile(industry="retail"), policies, at(7, 1))
    assert [v.policy_id for v in found] == ["for-retail", "for-all"]


@pytest.mark.parametrize("overrides, failed, reason", [
    ({"industry": "retail"}, "industries", "行业: 批发零售, 政策仅限 制造业"),
    ({"size": "medium"}, "sizes", "规模: 中型, 政策仅限 微型、小型"),
    ({"above_designated_size": False}, "above_designated_size",
     "规模以上: 否, 政策仅限规模以上企业"),
    ({"county": "nankang"}, "counties", "县区: 南康区, 政策仅限 章贡区"),
    ({"tier": "difficult"}, "tiers", "运营档次: 困难, 政策仅限 一般、较好"),
])
def test_each_criterion_failing_on_its_own_is_named_and_explained(overrides, failed, reason):
    policy = published().snapshot()
    verdict = explain(profile(**overrides), policy, JULY, NAMES)
    assert not verdict.eligible
    assert (verdict.failed, verdict.reason) == (failed, reason)
    assert matching_policies(profile(**overrides), [policy], JULY) == []


def test_the_first_failed_criterion_is_the_one_explained():
    verdict = explain(profile(industry="retail", tier="difficult"), published().snapshot(), JULY)
    assert verdict.failed == "industries"


def test_a_policy_only_for_enterprises_below_the_designated_size_refuses_one_above():
    policy = published(criteria={"above_designated_size": False}).snapshot()
    verdict = explain(profile(above_designated_size=True), policy, JULY)
    assert (verdict.failed, verdict.reason) == ("above_designated_size",
                                                "规模以上: 是, 政策仅限规模以下企业")
    assert explain(profile(above_designated_size=False), policy, JULY).eligible


# -- only policies in force -----------------------------------------------------------------

def test_a_draft_a_repealed_and_an_expired_policy_never_match():
    draft = drafted("draft")
    repealed = published("repealed")
    repealed.repeal(reason="政策调整", at=at(6, 15), actor=finance)
    expired = published("expired", effective_until=dt.date(2026, 6, 30))
    expired.expire(at=at(7, 1), actor=SYSTEM)
    policies = [p.snapshot() for p in (draft, repealed, expired)]
    assert matching_policies(profile(), policies, at(7, 2)) == []
    reasons = [(v.failed, v.reason) for v in (explain(profile(), p, at(7, 2)) for p in policies)]
    assert reasons == [("status", "政策状态: 草稿, 不在执行中"),
                       ("status", "政策状态: 已废止, 不在执行中"),
                       ("status", "政策状态: 已失效, 不在执行中")]


def test_a_published_policy_matches_only_within_its_effective_dates():
    policy = published(effective_until=dt.date(2026, 6, 30)).snapshot()
    before = explain(profile(), policy, dt.date(2026, 5, 31))
    assert (before.failed, before.reason) == ("effective_from", "政策尚未生效: 自 2026-06-01 起执行")
    assert explain(profile(), policy, dt.date(2026, 6, 1)).eligible
    assert explain(profile(), policy, dt.date(2026, 6, 30)).eligible
    # Not yet recorded as expired by the timer, but its last day has passed.
    after = explain(profile(), policy, dt.date(2026, 7, 1))
    assert (after.failed, after.reason) == ("effective_until", "政策已到期: 执行至 2026-06-30")


def test_an_amended_policy_matches_by_its_current_criteria():
    policy = published()
    policy.amend(reason="扩大到零售业", criteria={**CRITERIA, "industries": ["retail"]},
                 at=at(6, 10), actor=finance)
    assert matching_policies(profile(industry="retail"), [policy.snapshot()], JULY)
    assert not matching_policies(profile(industry="manufacturing"), [policy.snapshot()], JULY)


def test_the_day_of_a_moment_is_the_office_day():
    # 2026-05-31 17:00 UTC is 2026-06-01 01:00 in Ganzhou: the policy is in force.
    policy = published().snapshot()
    assert explain(profile(), policy, dt.datetime(2026, 5, 31, 17, tzinfo=dt.UTC)).eligible
    assert not explain(profile(), policy, dt.datetime(2026, 5, 31, 15, tzinfo=dt.UTC)).eligible


# -- newly applies to -----------------------------------------------------------------------

def test_a_first_publication_applies_to_every_enterprise_that_meets_it():
    profiles = [profile(1), profile(2, industry="retail"), profile(3, size="micro")]
    assert newly_applies_to(None, CRITERIA, profiles) == [profiles[0], profiles[2]]


def test_an_amendment_applies_newly_only_to_enterprises_outside_the_old_criteria():
    old = CRITERIA
    new = {**CRITERIA, "counties": ["zhanggong", "nankang"], "sizes": ["small"]}
    in_both = profile(1)
    newly_in = profile(2, county="nankang")
    dropped = profile(3, size="micro")
    neither = profile(4, industry="retail", county="nankang")
    assert newly_applies_to(old, new, [in_both, newly_in, dropped, neither]) == [newly_in]


def test_an_amendment_that_does_not_touch_the_criteria_applies_newly_to_nobody():
    profiles = [profile(1), profile(2, county="nankang")]
    assert newly_applies_to(CRITERIA, dict(CRITERIA), profiles) == []


def test_enterprises_with_the_same_attributes_stay_apart_by_credit_code():
    twins = [profile(1), profile(2)]
    assert newly_applies_to(None, CRITERIA, twins) == twins


# -- bad profiles ---------------------------------------------------------------------------

GOOD = {"uscc": uscc(1), "industry": "manufacturing", "size": "small", "county": "zhanggong",
        "tier": "good", "above_designated_size": True}


@pytest.mark.parametrize("field, value, error", [
    ("uscc", "913607000000000001", InvalidCreditCode),
    ("uscc", None, FieldRequired),
    ("industry", "  ", FieldRequired),
    ("industry", "x" * 101, FieldTooLong),
    ("size", "huge", UnknownCode),
    ("size", None, FieldRequired),
    ("county", None, FieldRequired),
    ("tier", "excellent", UnknownCode),
    ("above_designated_size", "yes", ex.InvalidFlag),
    ("above_designated_size", None, FieldRequired),
])
def test_a_bad_profile_is_refused_naming_the_field(field, value, error):
    with pytest.raises(error) as raised:
        EnterpriseProfile.from_dict({**GOOD, field: value})
    assert raised.value.field == field
    assert field in raised.value.message


def test_a_profile_with_an_unknown_field_or_not_an_object_is_refused():
    with pytest.raises(UnexpectedField) as raised:
        EnterpriseProfile.from_dict({**GOOD, "revenue": 10})
    assert raised.value.field == "revenue"
    with pytest.raises(errors.NotAnObject) as raised:
        EnterpriseProfile.from_dict(["manufacturing"])
    assert raised.value.field == "enterprise"


def test_a_good_profile_is_kept_as_given():
    assert EnterpriseProfile.from_dict(GOOD) == EnterpriseProfile(**GOOD)


# -- properties -----------------------------------------------------------------------------

INDUSTRIES = ["manufacturing", "retail", "construction", "software"]
COUNTIES = ["zhanggong", "nankang", "ganxian", "economic_zone"]


def subsets(values):
    return st.lists(st.sampled_from(values), unique=True)


criteria_st = st.fixed_dictionaries({
    "industries": subsets(INDUSTRIES), "sizes": subsets(EnterpriseSize.codes()),
    "above_designated_size": st.sampled_from([None, True, False]),
    "counties": subsets(COUNTIES), "tiers": subsets(OperatingTier.codes()),
})


def pick(data, wanted, everything):
    return data.draw(st.sampled_from(wanted or everything))


def profiles_st(n=1):
    return st.builds(lambda industry, size, county, tier, flag: EnterpriseProfile(
        uscc=uscc(n), industry=industry, size=size, county=county, tier=tier,
        above_designated_size=flag),
        st.sampled_from(INDUSTRIES), st.sampled_from(EnterpriseSize.codes()),
        st.sampled_from(COUNTIES), st.sampled_from(OperatingTier.codes()), st.booleans())


@given(criteria_st, st.data())
def test_a_profile_built_from_a_policys_own_criteria_always_matches(criteria, data):
    flag = criteria["above_designated_size"]
    own = EnterpriseProfile.from_dict({
        "uscc": uscc(1),
        "industry": pick(data, criteria["industries"], INDUSTRIES),
        "size": pick(data, criteria["sizes"], EnterpriseSize.codes()),
        "county": pick(data, criteria["counties"], COUNTIES),
        "tier": pick(data, criteria["tiers"], OperatingTier.codes()),
        "above_designated_size": data.draw(st.booleans()) if flag is None else flag,
    })
    policy = published(criteria=criteria).snapshot()
    [verdict] = matching_policies(own, [policy], JULY)
    assert verdict.eligible
    restricting = [c for c in criteria.values() if c not in ([], None)]
    assert verdict.reason.count(";") == max(len(restricting) - 1, 0)


@given(criteria_st, st.data(), st.lists(profiles_st(), max_size=8))
def test_narrowing_criteria_never_adds_matches(criteria, data, profiles):
    profiles = [EnterpriseProfile(**{**vars(p), "uscc": uscc(i)}) for i, p in enumerate(profiles)]
    narrowed = dict(criteria)
    for field, everything in (("industries", INDUSTRIES), ("sizes", EnterpriseSize.codes()),
                              ("counties", COUNTIES), ("tiers", OperatingTier.codes())):
        # Narrowing an "any" means choosing some of everything; narrowing a list, some of it.
        kept = data.draw(st.lists(st.sampled_from(criteria[field] or everything), unique=True,
                                  min_size=1))
        narrowed[field] = kept if data.draw(st.booleans()) else criteria[field]
    if criteria["above_designated_size"] is None:
        narrowed["above_designated_size"] = data.draw(st.sampled_from([None, True, False]))
    wide = {p for p in profiles if meets(p, criteria)}
    narrow = {p for p in profiles if meets(p, narrowed)}
    assert narrow <= wide
    assert newly_applies_to(criteria, narrowed, profiles) == []
    assert set(newly_applies_to(narrowed, criteria, profiles)) == wide - narrow
