"""The enterprises as matching sees them (services.policy.enterprises), on SQLite and PostgreSQL:
kept from the liaison service's events, unchanged by a redelivery, not undone by an older event
arriving late; and the enterprises a published or amended policy newly reaches, with reasons."""
import dataclasses
import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from stdnum.cn import uscc as credit_codes

from kernel.actor import Actor
from kernel.database import make_engine, migrate
from kernel.envelope import Event
from kernel.reactions import ACTED, DUPLICATE, Reactor
from kernel.store import EventStore
from services.policy.enterprises import reactions
from services.policy.enterprises import views as enterprises
from services.policy.enterprises.exceptions import EnterpriseNotKnown
from services.policy.policies.matching import EnterpriseProfile
from services.policy.policies.domain import Policy

finance = Actor("li", "unit_officer", unit="finance_bureau")
CONTACT = {"unit": "市财政局", "person": "李明", "phone": "0797-8123456",
           "email": "czj@ganzhou.gov.cn"}
CRITERIA = {"industries": ["manufacturing"], "sizes": ["small", "micro"],
            "above_designated_size": True, "counties": ["zhanggong"], "tiers": ["good", "average"]}
MAY = dt.datetime(2026, 5, 10, 2, tzinfo=dt.UTC)
JULY = dt.date(2026, 7, 1)


def uscc(n: int) -> str:
    body = f"9136070{n:010d}"
    return body + credit_codes.calc_check_digit(body)


def event(n: int, version: int, type_: str, payload: dict) -> Event:
    return Event(event_id=str(uuid.uuid4()), stream_id=uscc(n), stream_type="enterprise",
                 version=version, type=type_,
                 occurred_at=f"2026-04-{version:02d}T02:00:00.000000Z", actor="liaison",
                 correlation_id="c", causation_id="", payload=payload)


def registration(n: int, **overrides) -> Event:
    payload = {"uscc": uscc(n), "name": f"赣州第{n}制造有限公司", "county": "zhanggong",
               "park": "ganzhou_high_tech", "industry": "manufacturing", "size": "small",
               "above_designated_size": True}
    payload.update(overrides)
    return event(n, 1, "EnterpriseRegistered", payload)


def tier(n: int, version: int, rated: str) -> Event:
    return event(n, version, "EnterpriseTierRated", {"tier": rated, "rated_by": "office"})


def change(n: int, version: int, **fields) -> Event:
    return event(n, version, "EnterpriseProfileChanged", fields)


REACTIONS = reactions.SUBSCRIPTIONS["liaison"]


@pytest.fixture
def store(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    enterprises.metadata.create_all(engine)
    yield EventStore(engine)
    engine.dispose()


def take(store: EventStore, *events: Event) -> None:
    """Each event through its reaction, in a unit of work of the policy store, as the Reactor
    runs it (without the Reactor's own duplicate check: the projection must not need it)."""
    for given in events:
        with store.unit_of_work() as uow:
            REACTIONS[given.type](uow, given)


def rows(store: EventStore) -> list[dict]:
    with store.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(
            sa.select(enterprises.policy_enterprises)
            .order_by(enterprises.policy_enterprises.c.uscc))]


def profile_of(store: EventStore, n: int):
    with store.engine.connect() as connection:
        return enterprises.profile(connection, uscc(n))


def published(criteria=CRITERIA, **overrides) -> Policy:
    fields = {"issuing_unit": "finance_bureau", "title": "赣州市中小微企业贷款贴息办法",
              "document_number": "赣市财发〔2026〕12号", "level": "municipal",
              "cost_category": "financing", "summary": "贴息", "full_text": "第一条 给予贴息。",
              "effective_from": dt.date(2026, 6, 1), "effective_until": dt.date(2027, 5, 31),
              "criteria": criteria, "contact": CONTACT, "at": MAY, "actor": finance}
    fields.update(overrides)
    policy = Policy.draft("policy-1", **fields)
    policy.publish(at=MAY, actor=finance)
    return policy


# -- the projection ----------------------------------------------------------------------------

def test_a_registered_enterprise_is_a_profile_not_yet_rated(store):
    take(store, registration(1))
    assert profile_of(store, 1) == EnterpriseProfile(
        uscc=uscc(1), industry="manufacturing", size="small", county="zhanggong", tier=None,
        above_designated_size=True)
    [row] = rows(store)
    assert row["name"] == "赣州第1制造有限公司" and row["park"] == "ganzhou_high_tech"
    assert row["version"] == 1 and row["updated_at"] == "2026-04-01T02:00:00.000000Z"
    take(store, tier(1, 2, "good"), change(1, 3, county="nankang", name="赣州南康制造有限公司"))
    assert profile_of(store, 1).tier == "good" and profile_of(store, 1).county == "nankang"
    assert rows(store)[0]["name"] == "赣州南康制造有限公司"
    assert rows(store)[0]["park"] == "ganzhou_high_tech"


def test_a_redelivered_event_changes_nothing(store):
    stream = [registration(1), tier(1, 2, "average"), change(1, 3, size="medium"),
              registration(2), change(2, 2, above_designated_size=False)]
    take(store, *stream)
    before = rows(store)
    take(store, *stream)
    take(store, *reversed(stream))
    assert rows(store) == before
    assert before[0]["size"] == "medium" and before[0]["tier"] == "average"
    assert before[1]["above_designated_size"] is False


def test_an_older_event_arriving_late_does_not_undo_a_newer_one(store):
    take(store, change(1, 3, county="nankang"), tier(1, 4, "difficult"))
    # A change before the registration: known, but not yet a profile matching can read.
    assert profile_of(store, 1) is None
    take(store, tier(1, 2, "good"), registration(1))
    [row] = rows(store)
    assert row["county"] == "nankang" and row["tier"] == "difficult"
    # What no newer event set, the late registration fills in.
    assert row["industry"] == "manufacturing" and row["name"] == "赣州第1制造有限公司"
    assert row["version"] == 4 and row["updated_at"] == "2026-04-04T02:00:00.000000Z"
    assert profile_of(store, 1).county == "nankang"


def test_the_reactor_takes_the_liaison_events_in_once(store):
    fetched = []
    reactor = Reactor(reactions.CONSUMER, store, reactions.SUBSCRIPTIONS,
                      lambda source, after, limit: fetched.append(after) or [])
    stream = [registration(1), tier(1, 2, "good")]
    messages = [{"service": "liaison", "position": position, "previous_position": position - 1,
                 "event": given.to_dict()} for position, given in enumerate(stream, start=1)]
    assert [reactor.receive(message) for message in messages] == [ACTED, ACTED]
    assert reactor.receive(messages[0]) == DUPLICATE
    assert profile_of(store, 1).tier == "good" and not fetched


# -- matching ----------------------------------------------------------------------------------

def register_many(store: EventStore) -> None:
    take(store,
         registration(1), tier(1, 2, "good"),                                  # meets everything
         registration(2, industry="retail"), tier(2, 2, "good"),               # wrong industry
         registration(3),                                                      # not yet rated
         registration(4, size="medium"), tier(4, 2, "average"),                # too big
         registration(5, county="nankang"), tier(5, 2, "average"),             # another county
         change(6, 2, name="半途登记"))                                         # incomplete


def test_a_first_publication_reaches_the_enterprises_that_meet_it_with_reasons(store):
    register_many(store)
    policy = published()
    with store.engine.connect() as connection:
        reached = enterprises.newly_eligible(connection, policy.snapshot(), None, JULY)
    assert reached == [{"uscc": uscc(1), "name": "赣州第1制造有限公司",
                        "reason": "行业: manufacturing; 规模: 小型; 规模以上: 是; "
                                  "县区: zhanggong; 运营档次: 较好"}]


def test_an_amendment_reaches_only_those_the_earlier_criteria_left_out(store):
    register_many(store)
    wider = {**CRITERIA, "sizes": [], "counties": ["zhanggong", "nankang"]}
    policy = published()
    previous = policy.snapshot()["criteria"]
    policy.amend(reason="扩大范围", criteria=wider, at=MAY, actor=finance)
    names = {"manufacturing": "制造业", "zhanggong": "章贡区", "nankang": "南康区"}
    with store.engine.connect() as connection:
        reached = enterprises.newly_eligible(connection, policy.snapshot(), previous, JULY,
                                             names)
    assert [(item["uscc"], item["reason"]) for item in reached] == [
        (uscc(4), "行业: 制造业; 规模以上: 是; 县区: 章贡区; 运营档次: 一般"),
        (uscc(5), "行业: 制造业; 规模以上: 是; 县区: 南康区; 运营档次: 一般")]


def test_an_unrated_enterprise_meets_only_a_policy_open_to_every_tier(store):
    register_many(store)
    open_to_all = published(criteria={**CRITERIA, "tiers": []})
    with store.engine.connect() as connection:
        reached = enterprises.newly_eligible(connection, open_to_all.snapshot(), None, JULY)
    assert [item["uscc"] for item in reached] == [uscc(1), uscc(3)]


def test_a_policy_not_in_force_reaches_nobody(store):
    register_many(store)
    policy = published()
    ended = published()
    ended.repeal(reason="已被替代", at=MAY, actor=finance)
    with store.engine.connect() as connection:
        assert enterprises.newly_eligible(connection, ended.snapshot(), None, JULY) == []
        assert enterprises.newly_eligible(connection, policy.snapshot(), None,
                                          dt.date(2027, 6, 1)) == []
        # Its start date still ahead: the enterprises learn of it before it applies.
        assert len(enterprises.newly_eligible(connection, policy.snapshot(), None,
                                              dt.date(2026, 5, 20))) == 1


def test_match_explains_each_policy_to_an_enterprise(store):
    register_many(store)
    policy = published().snapshot()
    open_to_all = {**published(criteria={**CRITERIA, "tiers": []}).snapshot(), "id": "policy-2"}
    first = dataclasses.asdict(profile_of(store, 1))
    with store.engine.connect() as connection:
        eligible = enterprises.match(connection, uscc(1), [policy], JULY)
        retail = enterprises.match(connection, uscc(2), [policy], JULY)
        unrated = enterprises.match(connection, uscc(3), [policy, open_to_all], JULY)
        elsewhere = enterprises.match(connection, uscc(5), [policy], JULY)
        with pytest.raises(EnterpriseNotKnown):
            enterprises.match(connection, uscc(6), [policy], JULY)
        with pytest.raises(EnterpriseNotKnown):
            enterprises.match(connection, uscc(9), [policy], JULY)
        given = enterprises.match(connection, first, [policy], JULY)
    assert eligible == given
    assert eligible[0]["eligible"] and eligible[0]["failed"] is None
    assert retail == [{"policy_id": "policy-1", "title": "赣州市中小微企业贷款贴息办法",
                       "eligible": False, "failed": "industries",
                       "reason": "行业: retail, 政策仅限 manufacturing"}]
    assert [(v["policy_id"], v["eligible"], v["failed"], v["reason"]) for v in unrated] == [
        ("policy-1", False, "tiers", "运营档次: 未评定, 政策仅限 一般、较好"),
        ("policy-2", True, None, "行业: manufacturing; 规模: 小型; 规模以上: 是; 县区: zhanggong")]
    assert elsewhere[0]["failed"] == "counties"
    assert elsewhere[0]["reason"] == "县区: nankang, 政策仅限 zhanggong"
