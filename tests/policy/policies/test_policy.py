"""The Policy aggregate (services.policy.policies.domain): its life from draft to repeal or expiry, every
earlier text kept, and each rule refused by its named error with nothing recorded."""
import datetime as dt

import pytest

from kernel.actor import SYSTEM
from kernel.errors import FieldRequired, FieldTooLong, UnexpectedField, UnknownCode
from kernel import errors
from policy.aggregate_checks import (
    SHANGHAI, enterprise, finance, office, refuses, supervisor, tax,
)
from services.policy.policies import exceptions as ex
from services.policy.policies import rules
from services.policy.policies.contact import email, phone
from services.policy.policies.domain import FULL_TEXT_LIMIT, Policy
from services.policy.vocabulary import CostCategory, Level, OperatingTier

CONTACT = {"unit": "市财政局", "person": "李明", "phone": "0797-8123456", "email": "czj@ganzhou.gov.cn"}
TEXT = "第一条 对符合条件的中小微企业,按贷款额给予贴息。"


def at(month, day, hour=10, year=2026):
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI).astimezone(dt.UTC)


def drafted(actor=finance, **overrides) -> Policy:
    fields = dict(
        issuing_unit="finance_bureau", title="赣州市中小微企业贷款贴息办法",
        document_number="赣市财发〔2026〕12号", level="municipal", cost_category="financing",
        summary="对中小微企业技改贷款给予贴息", full_text=TEXT,
        effective_from=dt.date(2026, 6, 1), effective_until=dt.date(2027, 5, 31),
        criteria={"sizes": ["small", "micro", "small"], "tiers": ["good", "average"],
                  "above_designated_size": True, "counties": ["zhanggong"]},
        master_policy_id="policy-master", at=at(5, 10), actor=actor,
    )
    fields.update(overrides)
    return Policy.draft("policy-1", **fields)


def published(**overrides) -> Policy:
    policy = drafted(contact=CONTACT, **overrides)
    policy.publish(at=at(5, 12), actor=finance)
    return policy


# -- the life -------------------------------------------------------------------------------------

def test_a_policy_lives_from_draft_through_amendments_to_repeal_keeping_every_text():
    policy = drafted()
    assert policy.status == "draft" and policy.versions == []
    assert policy.content["criteria"] == {"industries": [], "sizes": ["micro", "small"],
                                          "above_designated_size": True,
                                          "counties": ["zhanggong"], "tiers": ["average", "good"]}
    policy.set_contact(at=at(5, 11), actor=finance, **CONTACT)
    [fact] = policy.publish(at=at(5, 12), actor=finance)
    assert fact.type == "PolicyPublished" and fact.payload["number"] == 1
    assert policy.status == "published" and policy.snapshot()["current_version"] == 1

    [fact] = policy.amend(reason="提高贴息比例", full_text=TEXT + "贴息比例提高至50%。",
                          effective_until="2027-12-31", at=at(8, 1), actor=finance)
    assert fact.payload["changed"] == ["full_text", "effective_until"]
    policy.amend(reason="更正文号", document_number="赣市财发〔2026〕20号", at=at(9, 1), actor=office)
    assert policy.status == "amended"

    first, second, third = policy.versions
    assert [v["number"] for v in policy.versions] == [1, 2, 3]
    assert first["full_text"] == TEXT and first["effective_until"] == "2027-05-31"
    assert first["reason"] is None and second["reason"] == "提高贴息比例"
    assert second["full_text"].endswith("50%。") and second["document_number"] == "赣市财发〔2026〕12号"
    assert third["document_number"] == "赣市财发〔2026〕20号"
    assert policy.version_text(1) == first
    assert policy.content["document_number"] == "赣市财发〔2026〕20号"

    [fact] = policy.repeal(reason="被新政策替代", at=at(10, 1), actor=finance)
    assert fact.type == "PolicyRepealed"
    assert policy.status == "repealed" and not policy.in_force(at(10, 2))
    assert policy.versions[0] == first  # earlier texts stay readable after the end
    assert Policy.replay(policy.id, policy.pending()).snapshot() == policy.snapshot()


def test_snapshot_gives_readers_the_labels_and_the_contact():
    snap = published().snapshot()
    assert snap["status_label"] == "已发布" and snap["level_label"] == "市"
    assert snap["cost_category_label"] == "融资"
    assert snap["contact"] == {"unit": "市财政局", "person": "李明", "phone": "0797-8123456",
                               "email": "czj@ganzhou.gov.cn"}
    assert snap["master_policy_id"] == "policy-master" and snap["issuing_unit"] == "finance_bureau"


def test_in_force_follows_the_effective_dates_in_office_days():
    policy = published()
    assert not policy.in_force(at(5, 31, 23))           # published, not yet effective
    assert policy.in_force(dt.date(2026, 6, 1))
    assert policy.in_force(at(5, 31, 23, year=2027))    # the end date counts, to its last hour
    assert not policy.in_force(at(6, 1, 0, year=2027))
    assert not drafted().in_force(dt.date(2026, 7, 1))  # a draft is never in force


def test_the_timer_expires_a_policy_only_after_its_end_date():
    policy = published()
    error = refuses(policy, ex.NotYetExpired, "expire", at=at(5, 31, 23, year=2027), actor=SYSTEM)
    assert "2027-05-31" in error.message and error.field == "effective_until"
    [fact] = policy.expire(at=at(6, 1, 1, year=2027), actor=SYSTEM)
    assert fact.payload == {"effective_until": "2027-05-31", "document_number": "赣市财发〔2026〕12号"}
    assert policy.status == "expired"
    refuses(policy, ex.PolicyExpired, "amend", reason="延期", effective_until="2028-12-31",
            at=at(6, 2, year=2027), actor=finance)


def test_a_policy_without_an_end_date_never_expires_by_the_timer():
    policy = published(effective_until=None)
    assert policy.in_force(dt.date(2040, 1, 1))
    refuses(policy, ex.NoEndDate, "expire", at=at(1, 1, year=2040), actor=SYSTEM)


def test_a_lapsed_policy_cannot_be_amended_even_before_the_timer_records_it():
    policy = published()
    error = refuses(policy, ex.PolicyExpired, "amend", reason="延期", effective_until="2028-05-31",
                    at=at(6, 5, year=2027), actor=finance)
    assert "2027-05-31" in error.message


# -- publication ----------------------------------------------------------------------------------

def test_publication_is_refused_until_the_contact_is_set():
    policy = drafted()
    error = refuses(policy, ex.ContactRequired, "publish", at=at(5, 12), actor=finance)
    assert error.field == "contact" and "谁出台、谁宣讲、谁解释" in error.message


def test_publication_is_refused_while_the_full_text_is_empty():
    policy = drafted(full_text="   ", contact=CONTACT)
    error = refuses(policy, ex.FullTextRequired, "publish", at=at(5, 12), actor=finance)
    assert error.field == "full_text"
    policy.revise_draft(full_text=TEXT, at=at(5, 12), actor=finance)
    assert policy.publish(at=at(5, 12, 11), actor=finance)[0].type == "PolicyPublished"


def test_a_policy_whose_dates_already_ended_is_not_published():
    policy = drafted(contact=CONTACT, effective_from="2025-01-01", effective_until="2025-12-31")
    error = refuses(policy, ex.AlreadyLapsed, "publish", at=at(5, 12), actor=finance)
    assert error.field == "effective_until"


def test_a_published_policy_is_amended_not_revised_nor_published_again():
    policy = published()
    refuses(policy, ex.NotADraft, "revise_draft", title="新标题", at=at(6, 1), actor=finance)
    refuses(policy, ex.AlreadyPublished, "publish", at=at(6, 1), actor=finance)


def test_a_draft_is_revised_not_amended_nor_repealed_nor_expired():
    policy = drafted()
    refuses(policy, ex.NotPublished, "amend", reason="r", title="新", at=at(6, 1), actor=finance)
    refuses(policy, ex.NotPublished, "repeal", reason="r", at=at(6, 1), actor=finance)
    refuses(policy, ex.NotPublished, "expire", at=at(6, 1, year=2030), actor=SYSTEM)


def test_a_repealed_policy_refuses_amendment_and_every_other_change():
    policy = published()
    policy.repeal(reason="废止", at=at(7, 1), actor=office)
    for command, kwargs in [("amend", {"reason": "r", "title": "新"}), ("repeal", {"reason": "r"}),
                            ("set_contact", CONTACT), ("publish", {})]:
        error = refuses(policy, ex.PolicyRepealed, command, at=at(7, 2), actor=finance, **kwargs)
        assert "已废止" in error.message


def test_an_amendment_that_changes_nothing_or_touches_the_level_is_refused():
    policy = published()
    refuses(policy, errors.NothingChanged, "amend", reason="r", title=policy.content["title"],
            at=at(6, 1), actor=finance)
    assert refuses(policy, UnexpectedField, "amend", reason="r", level="national",
                   at=at(6, 1), actor=finance).field == "level"
    assert refuses(policy, FieldRequired, "amend", reason=" ", title="新",
                   at=at(6, 1), actor=finance).field == "reason"
    assert refuses(policy, ex.FullTextRequired, "amend", reason="r", full_text="",
                   at=at(6, 1), actor=finance).field == "full_text"


# -- who may act ----------------------------------------------------------------------------------

def test_only_the_issuing_units_officers_or_the_office_act_on_a_policy():
    assert drafted(actor=office).issuing_unit == "finance_bureau"
    with pytest.raises(ex.NotIssuingUnit):
        drafted(actor=tax)
    with pytest.raises(errors.RoleNotAllowed):
        drafted(actor=enterprise)
    policy = drafted(contact=CONTACT)
    refuses(policy, ex.NotIssuingUnit, "publish", at=at(5, 12), actor=tax)
    refuses(policy, errors.RoleNotAllowed, "publish", at=at(5, 12), actor=supervisor)
    refuses(policy, errors.RoleNotAllowed, "expire", at=at(5, 12), actor=finance)
    policy.publish(at=at(5, 12), actor=office)
    refuses(policy, ex.NotIssuingUnit, "amend", reason="r", title="新", at=at(6, 1), actor=tax)
    refuses(policy, ex.NotIssuingUnit, "repeal", reason="r", at=at(6, 1), actor=tax)
    refuses(policy, ex.NotIssuingUnit, "set_contact", at=at(6, 1), actor=tax, **CONTACT)


def test_who_acts_is_told_before_what_state_the_policy_is_in():
    policy = published()
    policy.repeal(reason="废止", at=at(7, 1), actor=finance)
    refuses(policy, ex.NotIssuingUnit, "amend", reason="r", title="新", at=at(7, 2), actor=tax)


def test_a_policy_id_is_drafted_once_and_an_unknown_one_is_not_found():
    existing = drafted()
    with pytest.raises(ex.PolicyAlreadyExists):
        drafted(existing=existing)
    refuses(Policy("policy-x"), ex.PolicyNotFound, "publish", at=at(5, 12), actor=office)


def test_the_rules_table_reads_as_the_life_says():
    rows = {line.split(" | ")[0].strip("| "): line.split(" | ")[1:] for line in
            rules.matrix().splitlines()[2:]}
    ended = ["policy_repealed", "policy_expired |"]
    #              roles                   own unit  draft  published  amended
    assert rows["publish"] == ["unit_officer, office", "✓", "✓", "already_published",
                               "already_published", *ended]
    assert rows["amend"] == ["unit_officer, office", "✓", "not_published", "✓", "✓", *ended]
    assert rows["repeal"] == rows["amend"]
    assert rows["revise_draft"] == ["unit_officer, office", "✓", "✓", "not_a_draft", "not_a_draft",
                                    *ended]
    assert rows["set_contact"] == ["unit_officer, office", "✓", "✓", "✓", "✓", *ended]
    assert rows["expire"] == ["system, office", "", "not_published", "✓", "✓", *ended]


# -- bad input ------------------------------------------------------------------------------------

def test_an_end_date_before_the_start_is_refused_naming_the_field():
    with pytest.raises(ex.EndBeforeStart) as raised:
        drafted(effective_from="2026-06-01", effective_until="2026-05-31")
    assert raised.value.field == "effective_until"
    policy = published()
    refuses(policy, ex.EndBeforeStart, "amend", reason="r", effective_until="2026-01-01",
            at=at(6, 1), actor=finance)


@pytest.mark.parametrize("value", ["2026-02-30", "tomorrow", 20260601,
                                   dt.datetime(2026, 6, 1, tzinfo=SHANGHAI)])
def test_an_effective_date_must_be_a_calendar_day(value):
    with pytest.raises(errors.InvalidDate) as raised:
        drafted(effective_from=value)
    assert raised.value.field == "effective_from"


@pytest.mark.parametrize("field, value, allowed", [
    ("level", "prefectural", Level.codes()),
    ("cost_category", "luck", CostCategory.codes()),
])
def test_unknown_codes_are_refused_naming_the_allowed_ones(field, value, allowed):
    with pytest.raises(UnknownCode) as raised:
        drafted(**{field: value})
    assert raised.value.field == field
    assert all(code in raised.value.message for code in allowed)


def test_unknown_tiers_and_sizes_in_the_criteria_are_refused_naming_the_allowed_ones():
    with pytest.raises(UnknownCode) as raised:
        drafted(criteria={"tiers": ["excellent"]})
    assert raised.value.field == "criteria.tiers"
    assert all(code in raised.value.message for code in OperatingTier.codes())
    with pytest.raises(UnknownCode) as raised:
        drafted(criteria={"sizes": ["huge"]})
    assert raised.value.field == "criteria.sizes"
    with pytest.raises(UnexpectedField) as raised:
        drafted(criteria={"turnover": 1})
    assert raised.value.field == "turnover"
    with pytest.raises(ex.InvalidFlag) as raised:
        drafted(criteria={"above_designated_size": "yes"})
    assert raised.value.field == "criteria.above_designated_size"
    with pytest.raises(errors.NotAnObject):
        drafted(criteria=["tiers"])


def test_oversized_texts_are_refused_naming_the_field():
    with pytest.raises(FieldTooLong) as raised:
        drafted(full_text="政" * (FULL_TEXT_LIMIT + 1))
    assert raised.value.field == "full_text"
    with pytest.raises(FieldTooLong) as raised:
        drafted(title="题" * 201)
    assert raised.value.field == "title"
    assert drafted(full_text="政" * FULL_TEXT_LIMIT).content["full_text"] == "政" * FULL_TEXT_LIMIT


def test_a_policy_cannot_name_itself_as_its_master_measures():
    with pytest.raises(ex.PointsToItself):
        drafted(master_policy_id="policy-1")


# -- the consultation contact ---------------------------------------------------------------------

@pytest.mark.parametrize("given, kept", [
    ("13907971234", "13907971234"),
    ("+86 139 0797 1234", "13907971234"),
    ("139-0797-1234", "13907971234"),
    ("0797-8123456", "0797-8123456"),
    ("(0797)81234567", "0797-81234567"),
    ("0797 8123456 转 801", "0797-8123456-801"),
    ("0797-8123456-801", "0797-8123456-801"),
    ("010-62751234", "010-62751234"),
    ("+86 797 8123456", "0797-8123456"),
    ("400-123-4567", "400-123-4567"),
])
def test_mainland_phone_numbers_are_kept_in_one_spelling(given, kept):
    assert phone(given) == kept


@pytest.mark.parametrize("given", [
    "12345678901",      # no mobile prefix 12
    "1390797123",       # ten digits
    "8123456",          # a landline without its area code
    "0797-0123456",     # a local number starting with 0
    "010-6275123",      # Beijing numbers have eight digits
    "0797-812345",      # too short
    "phone me",
    "+1 415 555 0100",
])
def test_malformed_phone_numbers_are_refused(given):
    with pytest.raises(ex.InvalidPhone) as raised:
        phone(given)
    assert raised.value.field == "contact.phone"


def test_email_addresses_are_checked_and_their_domain_lowered():
    assert email("Zhang.San@GanZhou.gov.CN") == "Zhang.San@ganzhou.gov.cn"
    for bad in ["czj@", "czj.ganzhou.gov.cn", "czj@gov", "czj@-gov.cn", ".czj@gov.cn",
                "c zj@gov.cn", "李@gov.cn"]:
        with pytest.raises(ex.InvalidEmail):
            email(bad)


def test_a_contact_needs_all_four_parts_each_valid():
    policy = drafted()
    error = refuses(policy, ex.InvalidPhone, "set_contact", at=at(5, 11), actor=finance,
                    **{**CONTACT, "phone": "8123456"})
    assert error.field == "contact.phone"
    error = refuses(policy, ex.InvalidEmail, "set_contact", at=at(5, 11), actor=finance,
                    **{**CONTACT, "email": "czj@"})
    assert error.field == "contact.email"
    error = refuses(policy, FieldRequired, "set_contact", at=at(5, 11), actor=finance,
                    **{**CONTACT, "person": ""})
    assert error.field == "contact.person"
    refuses(policy, UnexpectedField, "set_contact", at=at(5, 11), actor=finance,
            **CONTACT, fax="0797-8123457")
    [fact] = policy.set_contact(at=at(5, 11), actor=finance,
                                **{**CONTACT, "phone": "139 0797 1234"})
    assert fact.payload["phone"] == "13907971234" and policy.contact["phone"] == "13907971234"


def test_the_contact_changes_without_a_new_version():
    policy = published()
    policy.set_contact(at=at(6, 1), actor=finance, **{**CONTACT, "person": "王芳"})
    assert policy.contact["person"] == "王芳"
    assert len(policy.versions) == 1 and policy.status == "published"
