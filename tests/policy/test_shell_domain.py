"""The pure parts of the policy service's shell: policy work answered once by its unit, the
appeal noting an answer once, the compendium's editions never built twice alike, and the wire
contract declaring the aggregates' own limits."""
import datetime as dt

import pytest

from kernel.actor import PUBLIC, SYSTEM, TOKENLESS_ROLES, Actor
from kernel import identity
from kernel.errors import Refused, RoleNotAllowed
from services.policy import contract
from services.policy.briefings import domain as briefing
from services.policy.implementation import domain as implementation
from services.policy.policies import contact
from services.policy.policies import domain as policy
from services.policy.compendium.edition import build_edition
from services.policy.work.domain import (
    NotItemUnit, PolicyWork, PolicyWorkAlreadyAnswered,
)
from services.policy.policies.domain import Policy
from services.policy.compendium.domain import (
    CompendiumEditions, EditionNotFound, EditionUnchanged,
)
from services.tickets.appeals.domain import Ticket

AT = dt.datetime(2026, 5, 10, 2, tzinfo=dt.timezone.utc)
UNIT = "city-commerce-bureau"
OFFICER = Actor("wang", "unit_officer", unit=UNIT)
OFFICE = Actor("li", "office")
CONTACT = {"unit": "市商务局", "person": "王强", "phone": "13907971234",
           "email": "swj@ganzhou.gov.cn"}


def opened() -> PolicyWork:
    return PolicyWork.open(unit=UNIT, category="financing", policy_work="研究补贴比例",
                           ledger_number="GZ-2026-000001", title="补贴偏低", ticket_id="t-1",
                           requested_event_id="e-1", at=AT, actor=SYSTEM)


def test_policy_work_is_answered_once_by_its_unit_or_the_office():
    item = opened()
    with pytest.raises(NotItemUnit):
        item.answer(policy_id="p", document_number="n", title="t", at=AT,
                    actor=Actor("zhao", "unit_officer", unit="other"))
    with pytest.raises(RoleNotAllowed):
        item.answer(policy_id="p", document_number="n", title="t", at=AT,
                    actor=Actor("boss", "enterprise", uscc="91360702MA35G0QX4J"))
    [fact] = item.answer(policy_id="p-1", document_number="赣市商字〔2026〕21号", title="通知",
                         at=AT, actor=OFFICER)
    assert fact.type == "PolicyWorkAnswered"
    assert fact.payload == {"ticket_id": "t-1", "ledger_number": "GZ-2026-000001",
                            "policy_id": "p-1", "document_number": "赣市商字〔2026〕21号",
                            "title": "通知", "unit": UNIT}
    assert item.snapshot()["status"] == "answered"
    with pytest.raises(PolicyWorkAlreadyAnswered):
        item.answer(policy_id="p-2", document_number="n", title="t", at=AT, actor=OFFICE)
    replayed = PolicyWork.replay(item.id, item.pending())
    assert replayed.snapshot() == item.snapshot()


def test_an_appeal_notes_each_answer_once_in_any_status():
    ticket = Ticket.raise_appeal(
        "t-1", ledger_number="GZ-2026-000001", enterprise_name="企业", uscc="91360702MA35G0QX4J",
        title="补贴偏低", description="补贴比例偏低。", channel="hotline", category="financing",
        county="zhanggong", at=AT, actor=OFFICE)
    answer = {"answer_event_id": "ev-1", "policy_id": "p-1", "document_number": "赣市商字〔2026〕21号",
              "title": "通知", "unit": UNIT}
    [fact] = ticket.note_policy_answer(at=AT, actor=SYSTEM, **answer)
    assert fact.type == "PolicyAnswerNoted"
    assert ticket.note_policy_answer(at=AT, actor=SYSTEM, **answer) == []
    with pytest.raises(Exception) as refused:
        ticket.note_policy_answer(at=AT, actor=OFFICE, **{**answer, "answer_event_id": "ev-2"})
    assert refused.value.rule == "role_not_allowed"


def _published(policy_id: str, title: str) -> Policy:
    drafted = Policy.draft(
        policy_id, issuing_unit=UNIT, title=title, document_number=f"赣市商字〔2026〕{policy_id}号",
        level="municipal", cost_category="financing", summary="摘要", effective_from="2026-05-01",
        full_text="全文", contact=CONTACT, at=AT, actor=OFFICER)
    drafted.publish(at=AT, actor=OFFICER)
    return drafted


def test_an_edition_is_never_built_twice_alike_and_each_is_kept():
    policies = [_published("1", "甲"), _published("2", "乙")]
    snapshots = [p.snapshot() for p in policies]
    book = CompendiumEditions()
    with pytest.raises(EditionNotFound):
        book.edition(None)
    first = build_edition(snapshots, AT, book.next_number)
    with pytest.raises(RoleNotAllowed):
        book.build(first, {s["id"]: s["version"] for s in snapshots}, at=AT, actor=OFFICER)
    [fact] = book.build(first, {s["id"]: s["version"] for s in snapshots}, at=AT, actor=OFFICE)
    assert fact.payload["policies"] == [{"policy_id": "1", "version": 1, "stream_version": 2},
                                        {"policy_id": "2", "version": 1, "stream_version": 2}]
    again = build_edition(snapshots, AT, book.next_number)
    assert book.unchanged(again.digest)
    with pytest.raises(EditionUnchanged):
        book.build(again, {s["id"]: s["version"] for s in snapshots}, at=AT, actor=OFFICE)
    assert book.edition(1)["digest"] == first.digest == book.edition(None)["digest"]
    with pytest.raises(EditionNotFound):
        book.edition(2)


def test_a_publication_records_the_enterprises_it_reached_without_changing_the_policy():
    published = _published("1", "甲")
    before = published.snapshot()
    assert published.reached_enterprises(version=1, enterprises=[], at=AT, actor=SYSTEM) == []
    [fact] = published.reached_enterprises(
        version=1, enterprises=[{"uscc": "91360702MA35G0QX4J", "reason": "规模: 小型"}], at=AT,
        actor=SYSTEM)
    assert fact.payload == {"policy_id": "1", "version": 1, "enterprises": ["91360702MA35G0QX4J"],
                            "reasons": {"91360702MA35G0QX4J": "规模: 小型"}}
    after = published.snapshot()
    assert {**after, "version": before["version"]} == before


def test_the_contract_declares_the_aggregates_limits():
    assert contract.TITLE_LIMIT == policy.TITLE_LIMIT
    assert contract.DOCUMENT_NUMBER_LIMIT == policy.DOCUMENT_NUMBER_LIMIT
    assert contract.SUMMARY_LIMIT == policy.SUMMARY_LIMIT
    assert contract.FULL_TEXT_LIMIT == policy.FULL_TEXT_LIMIT == implementation.FULL_TEXT_LIMIT
    assert contract.REASON_LIMIT == policy.REASON_LIMIT
    assert contract.SECTION_LIMIT == implementation.SECTION_LIMIT
    assert (contract.PERSON_LIMIT, contract.PHONE_LIMIT, contract.EMAIL_LIMIT) == (
        contact.PERSON_LIMIT, contact.PHONE_LIMIT, contact.EMAIL_LIMIT)
    assert contract.AGENDA_LIMIT == briefing.AGENDA_LIMIT
    # every command of the tables is a method of its aggregate (or the service's answer)
    for action in contract.POLICY_ACTIONS.values():
        assert action.method == "answer_policy_work" or hasattr(policy.Policy, action.method)
    for action in contract.RULE_ACTIONS.values():
        assert hasattr(implementation.ImplementationRule, action.method)
    for action in contract.BRIEFING_ACTIONS.values():
        assert hasattr(briefing.Briefing, action.method)
    assert set(contract.Revise.model_fields) == set(policy.CONTENT_FIELDS)
    assert set(contract.Amend.model_fields) == {"reason", *policy.AMENDABLE_FIELDS}


def test_no_token_carries_the_public_role():
    assert PUBLIC.role in TOKENLESS_ROLES
    with pytest.raises(ValueError):
        identity.mint_token(PUBLIC)
    # the gateway itself asserts the public for the portal's routes
    assert identity.verify_assertion(identity.gateway_assertion(PUBLIC)) == PUBLIC
    import jwt
    forged = jwt.encode({"sub": "x", "role": "public", "iss": identity.TOKEN_ISSUER,
                         "aud": identity.TOKEN_AUDIENCE, "iat": dt.datetime.now(dt.timezone.utc),
                         "exp": dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)},
                        identity.secret(identity.JWT_SECRET), algorithm=identity.ALGORITHM)
    with pytest.raises(Refused) as refused:
        identity.verify_token(forged)
    assert refused.value.rule == "tokenless_role"
