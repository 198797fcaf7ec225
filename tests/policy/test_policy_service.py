"""The policy service over RPC, in a container on the real broker and each store: a policy's life
from draft to repeal, bad input refused naming the field, drafts hidden from the public, rules
required, filed and marked overdue by the timer, briefings, the compendium's editions built and
kept, the portal's reads and matching; a unit not in the liaison service's register refused
naming the field.

The units these tests name are made known to the policy store first (`known_units`): the service
refuses any other."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook

from callers import assertion
from kernel.actor import Actor
from kernel.clock import OFFICE_TIME, office_day
from kernel.database import make_engine, migrate
from kernel.envelope import utc_now
from kernel.errors import Refused
from kernel.store import EventStore
from services.policy import projections
from services.policy.policies import views as policy_views
from services.policy.policies.domain import Policy
from services.policy.implementation.domain import ImplementationRule
from services.policy.service import PolicyService
from registered_units import known_units
from service_logs import event_count

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "policy" / "migrations"
UNIT = "city-finance-bureau"
OFFICE = {"sub": "clerk-li", "role": "office"}
OFFICER = {"sub": "officer-wang", "role": "unit_officer", "unit": UNIT}
OTHER_UNIT = "city-hr-bureau"
OTHER_OFFICER = {"sub": "officer-zhao", "role": "unit_officer", "unit": OTHER_UNIT}
PUBLIC = {"sub": "portal", "role": "public"}
ENTERPRISE = {"sub": "boss", "role": "enterprise", "uscc": "91360702MA35G0QX4J"}
LEADER = {"sub": "leader-zhang", "role": "leader"}
CONTACT = {"unit": "市财政局", "person": "李明", "phone": "0797-8123456",
           "email": "czj@ganzhou.gov.cn"}


def today() -> str:
    return office_day(utc_now()).isoformat()


def draft_fields(**overrides) -> dict:
    fields = {"issuing_unit": UNIT, "title": "关于降低企业融资成本的若干措施",
              "document_number": "赣市财字〔2026〕8号", "level": "municipal",
              "cost_category": "financing", "summary": "对中小微企业贷款给予贴息。",
              "effective_from": today(),
              "full_text": "第一条 对符合条件的中小微企业贷款给予百分之五十贴息。"}
    fields.update(overrides)
    return fields


@pytest.fixture
def policy_service(container_factory, service_config):
    """The policy service on the given store, the units these tests name known to it; answers
    the config to call it with."""
    def start(url: str, **overrides) -> dict:
        config = service_config(url, **overrides)
        container = container_factory(PolicyService, config)
        container.start()
        known_units(url, UNIT, OTHER_UNIT, service="policy")
        start.container = container
        return config
    return start


def refused(call, *args) -> Refused:
    with pytest.raises(Refused) as caught:
        call(*args)
    return caught.value


def published(cluster, **overrides) -> dict:
    drafted = cluster.policy.draft_policy(assertion(OFFICER), draft_fields(**overrides))
    cluster.policy.act_on_policy(assertion(OFFICER), drafted["id"], "set-contact", CONTACT)
    return cluster.policy.act_on_policy(assertion(OFFICER), drafted["id"], "publish", {})


def test_a_policy_lives_from_draft_to_repeal_and_keeps_every_version(db_url, policy_service):
    config = policy_service(db_url)
    with ClusterRpcProxy(config) as cluster:
        policy = cluster.policy.draft_policy(assertion(OFFICER), draft_fields(
            criteria={"sizes": ["small", "micro"]}))
        policy_id = policy["id"]
        assert policy["status"] == "draft" and policy["contact"] is None
        assert policy["criteria"]["sizes"] == ["micro", "small"]

        # publication waits for the contact (谁出台、谁宣讲、谁解释)
        assert refused(cluster.policy.act_on_policy, assertion(OFFICER), policy_id, "publish",
                       {}).rule == "contact_required"
        revised = cluster.policy.act_on_policy(assertion(OFFICER), policy_id, "revise",
                                               {"summary": "对中小微企业贷款贴息。"})
        assert revised["summary"] == "对中小微企业贷款贴息。"
        with_contact = cluster.policy.act_on_policy(assertion(OFFICER), policy_id, "set-contact",
                                                    CONTACT)
        assert with_contact["contact"] == CONTACT

        # another unit may neither see nor touch the draft; the public never sees it
        for who in (OTHER_OFFICER, PUBLIC, ENTERPRISE):
            assert refused(cluster.policy.get_policy, assertion(who),
                           policy_id).rule == "policy_not_found"
            assert cluster.policy.list_policies(assertion(who), {})["items"] == []
        assert refused(cluster.policy.act_on_policy, assertion(OTHER_OFFICER), policy_id,
                       "publish", {}).rule == "policy_not_found"

        live = cluster.policy.act_on_policy(assertion(OFFICER), policy_id, "publish", {})
        assert live["status"] == "published" and live["current_version"] == 1
        assert cluster.policy.get_policy(assertion(PUBLIC), policy_id)["status"] == "published"

        amended = cluster.policy.act_on_policy(assertion(OFFICER), policy_id, "amend", {
            "reason": "贴息比例提高", "full_text": "第一条 贴息比例提高至百分之六十。",
            "document_number": "赣市财字〔2026〕9号"})
        assert amended["status"] == "amended" and amended["current_version"] == 2
        first = cluster.policy.policy_version(assertion(PUBLIC), policy_id, 1)
        assert first["document_number"] == "赣市财字〔2026〕8号" and first["reason"] is None
        assert cluster.policy.policy_version(assertion(PUBLIC), policy_id, 2)["reason"] == \
            "贴息比例提高"
        assert refused(cluster.policy.policy_version, assertion(PUBLIC), policy_id,
                       3).field == "version"

        feed = cluster.policy.portal_feed(assertion(PUBLIC))["items"]
        assert [(e["kind"], e["version"]) for e in feed] == [("amended", 2), ("published", 1)]
        assert feed[0]["document_number"] == "赣市财字〔2026〕9号"

        repealed = cluster.policy.act_on_policy(assertion(OFFICE), policy_id, "repeal",
                                                {"reason": "已被新政策取代"})
        assert repealed["status"] == "repealed" and len(repealed["versions"]) == 2
        amend_again = refused(cluster.policy.act_on_policy, assertion(OFFICER), policy_id,
                              "amend", {"reason": "再改", "summary": "新摘要"})
        assert amend_again.rule == "policy_repealed"

        page = cluster.policy.list_policies(assertion(PUBLIC), {"status": "repealed"})
        assert [item["id"] for item in page["items"]] == [policy_id]
        assert cluster.policy.list_policies(assertion(PUBLIC), {"in_force_on": today()})[
            "items"] == []

    # the read model, dropped and rebuilt from the log, comes back the same
    engine = make_engine(db_url)
    with engine.connect() as connection:
        before = connection.execute(sa.select(policy_views.policy_rows)).all()
        feed_before = connection.execute(sa.select(policy_views.policy_feed)
                                          .order_by(policy_views.policy_feed.c.at)).all()
    assert projections.rebuild(engine) == 1
    with engine.connect() as connection:
        assert connection.execute(sa.select(policy_views.policy_rows)).all() == before
        assert connection.execute(sa.select(policy_views.policy_feed)
                                  .order_by(policy_views.policy_feed.c.at)).all() == feed_before
    engine.dispose()


@pytest.mark.parametrize("fields, rule, field", [
    ({"level": "galactic"}, "unknown_code", "level"),
    ({"effective_from": "2026-06-01", "effective_until": "2026-05-01"}, "end_before_start",
     None),
    ({"contact": {**CONTACT, "phone": "12345"}}, "invalid_phone", "contact.phone"),
    ({"contact": {**CONTACT, "email": "czj@"}}, "invalid_email", "contact.email"),
    ({"title": "政" * 201}, "field_too_long", "title"),
    ({"title": None}, "field_required", "title"),
    ({"colour": "red"}, "unexpected_field", "colour"),
])
def test_bad_input_is_refused_naming_the_field(make_sqlite_url, policy_service, fields, rule,
                                               field):
    config = policy_service(make_sqlite_url(), RELAY_ENABLED=False)
    with ClusterRpcProxy(config) as cluster:
        fields = {k: v for k, v in draft_fields(**fields).items() if v is not None}
        error = refused(cluster.policy.draft_policy, assertion(OFFICER), fields)
        assert error.rule == rule and error.kind == "invalid", error
        if field is not None:
            assert error.field == field, error
        # an officer of another unit may not draft in this unit's name
        assert refused(cluster.policy.draft_policy, assertion(OTHER_OFFICER),
                       draft_fields()).rule == "not_issuing_unit"
        # an action the table has no row for is refused before a worker runs
        assert refused(cluster.policy.act_on_policy, assertion(OFFICE), "nope", "dance",
                       {}).rule == "unknown_action"


def seed_lapsing(engine) -> tuple[str, str]:
    """A policy published in March whose end date has passed, and a rule due in March, unfiled."""
    long_ago = dt.datetime(2026, 3, 2, 10, tzinfo=OFFICE_TIME)
    office = Actor(sub="clerk", role="office")
    store = EventStore(engine, projectors=[projections.project])
    with store.unit_of_work() as uow:
        policy = Policy.draft(
            "p-lapsing", at=long_ago, actor=office, contact=CONTACT,
            **draft_fields(effective_from="2026-03-01", effective_until="2026-03-31"))
        policy.publish(at=long_ago, actor=office)
        uow.save(policy)
    with store.unit_of_work() as uow:
        owed = ImplementationRule.require("p-lapsing", unit=UNIT, kind="operating_rules",
                                          due="2026-03-20", at=long_ago, actor=office)
        uow.save(owed)
    return policy.id, owed.id


def test_rules_are_required_filed_and_marked_overdue_by_the_timer(db_url, policy_service):
    engine = make_engine(db_url)
    migrate(engine, MIGRATIONS)
    lapsing_id, overdue_id = seed_lapsing(engine)
    config = policy_service(db_url)
    with ClusterRpcProxy(config) as cluster:
        live = published(cluster)
        owed = cluster.policy.require_rule(assertion(OFFICE), {
            "policy_id": live["id"], "unit": UNIT, "kind": "work_plan", "due": None})
        assert owed["status"] == "required" and owed["due_label"] == "尽快"
        assert refused(cluster.policy.require_rule, assertion(OFFICER), {
            "policy_id": live["id"], "unit": "x", "kind": "work_plan"}).rule == "role_not_allowed"
        assert refused(cluster.policy.require_rule, assertion(OFFICE), {
            "policy_id": live["id"], "unit": UNIT, "kind": "work_plan"}).rule == \
            "implementation_rule_already_required"
        # not yet filed: its unit and the office see it, the public does not
        assert refused(cluster.policy.get_rule, assertion(PUBLIC), owed["id"]).kind == "not_found"
        assert cluster.policy.list_rules(assertion(PUBLIC), {})["items"] == []
        incomplete = refused(cluster.policy.act_on_rule, assertion(OFFICER), owed["id"], "file",
                             {"title": "工作方案", "text": "全文", "tasks": "任务"})
        assert incomplete.rule == "work_plan_incomplete" and incomplete.field == "responsibilities"
        filed = cluster.policy.act_on_rule(assertion(OFFICER), owed["id"], "file", {
            "title": "融资贴息工作方案", "text": "全文", "tasks": "任务",
            "responsibilities": "财政局牵头"})
        assert filed["status"] == "filed" and not filed["late"]
        assert [rule["id"] for rule in cluster.policy.list_rules(assertion(PUBLIC), {})[
            "items"]] == [owed["id"]]

        with entrypoint_hook(policy_service.container, "watch_policy_dates") as watch:
            watch()
            watch()  # a second sweep records nothing more
        assert cluster.policy.get_policy(assertion(OFFICE), lapsing_id)["status"] == "expired"
        overdue = cluster.policy.get_rule(assertion(OFFICER), overdue_id)
        assert overdue["status"] == "overdue"
        assert cluster.policy.list_rules(assertion(OFFICE), {"status": "overdue"})["items"] == \
            [overdue]
        late = cluster.policy.act_on_rule(assertion(OFFICER), overdue_id, "file", {
            "title": "操作细则", "text": "全文", "procedure": "流程", "time_limits": "5个工作日"})
        assert late["status"] == "filed" and late["late"]

        deadlines = cluster.policy.portal_deadlines(assertion(OFFICER), 2026)
        [unit] = deadlines["units"]
        assert unit["unit"] == UNIT and deadlines["rules_due"] == "2026-05-20"
        # the rule filed after its due date is late, whatever day the test runs
        assert unit["rules"]["missing"] == 0 and unit["rules"]["late"] >= 1
        assert unit["rules"]["status"] == "late" and unit["policies"]["missing"] == 0

    with engine.connect() as connection:
        types = connection.execute(sa.text(
            "SELECT type FROM events WHERE type IN ('PolicyExpired', "
            "'ImplementationRuleOverdue')")).scalars().all()
    assert sorted(types) == ["ImplementationRuleOverdue", "PolicyExpired"]
    engine.dispose()


def test_briefings_are_scheduled_revised_and_cancelled(make_sqlite_url, policy_service):
    config = policy_service(make_sqlite_url(), RELAY_ENABLED=False)
    day = (office_day(utc_now()) + dt.timedelta(days=7)).isoformat()
    with ClusterRpcProxy(config) as cluster:
        live = published(cluster)
        briefing = cluster.policy.schedule_briefing(assertion(OFFICER), {
            "date": day, "place": "赣州经开区管委会", "leader": "张市长", "units": [UNIT],
            "parks": ["gz-dev-zone"], "enterprises": ["91360702MA35G0QX4J"],
            "policy_ids": [live["id"]],
            "agenda": [{"kind": "leader_speech", "speaker": "张市长"},
                       {"kind": "policy_reading", "speaker": "李明", "unit": UNIT}]})
        assert briefing["status"] == "scheduled" and briefing["organiser"] == UNIT
        bad = refused(cluster.policy.schedule_briefing, assertion(OFFICER), {
            "date": day, "place": "p", "leader": "l", "policy_ids": [live["id"]],
            "agenda": [{"kind": "park_statement", "speaker": "王"}]})
        assert bad.rule == "agenda_item_incomplete" and bad.field == "agenda[0].park"
        moved = cluster.policy.act_on_briefing(assertion(OFFICE), briefing["id"], "revise",
                                               {"place": "章贡区政府"})
        assert moved["place"] == "章贡区政府"
        assert refused(cluster.policy.act_on_briefing, assertion(OFFICER), briefing["id"],
                       "record-held", {"attendance": 80}).rule == "briefing_not_yet_due"
        cancelled = cluster.policy.act_on_briefing(assertion(OFFICER), briefing["id"], "cancel",
                                                   {"reason": "改期"})
        assert cancelled["status"] == "cancelled"
        assert cluster.policy.get_briefing(assertion(ENTERPRISE), briefing["id"]) == cancelled
        assert cluster.policy.list_briefings(assertion(OFFICER), {"policy_id": live["id"]})[
            "items"] == [cancelled]


def test_compendium_editions_are_built_once_and_kept(db_url, policy_service):
    config = policy_service(db_url)
    with ClusterRpcProxy(config) as cluster:
        assert cluster.policy.contact_sheet(assertion(PUBLIC)) == {"items": [], "edition": None}
        assert refused(cluster.policy.compendium_edition, assertion(PUBLIC),
                       None).rule == "edition_not_found"
        first = published(cluster)
        published(cluster, title="关于稳定企业用工的若干措施", document_number="赣市人社字〔2026〕3号",
                  cost_category="labour", level="provincial")
        cluster.policy.draft_policy(assertion(OFFICER), draft_fields(title="草稿政策"))

        assert refused(cluster.policy.build_compendium,
                       assertion(OFFICER)).rule == "role_not_allowed"
        one = cluster.policy.build_compendium(assertion(OFFICE))
        assert one["number"] == 1 and one["new"] and one["policies"] == 2
        again = cluster.policy.build_compendium(assertion(OFFICE))
        assert again == {**one, "new": False}

        cluster.policy.act_on_policy(assertion(OFFICER), first["id"], "amend", {
            "reason": "改", "title": "关于降低企业融资成本的若干措施(修订)"})
        two = cluster.policy.build_compendium(assertion(OFFICE))
        assert two["number"] == 2 and two["new"] and two["digest"] != one["digest"]
        assert [e["number"] for e in cluster.policy.compendium_editions(assertion(PUBLIC))[
            "items"]] == [2, 1]

        # edition 1 is kept as built: the first version's title, whatever came later
        kept = cluster.policy.compendium_edition(assertion(PUBLIC), 1)
        assert kept["digest"] == one["digest"]
        titles = [entry["title"] for section in kept["sections"] for group in section["groups"]
                  for entry in group["entries"]]
        assert "关于降低企业融资成本的若干措施" in titles and "草稿政策" not in titles
        assert [section["level"] for section in kept["sections"]] == ["provincial", "municipal"]
        latest = cluster.policy.compendium_edition(assertion(PUBLIC), None)
        assert latest["number"] == 2

        sheet = cluster.policy.contact_sheet(assertion(PUBLIC))
        assert sheet["edition"] == 2 and len(sheet["items"]) == 2
        assert {row["phone"] for row in sheet["items"]} == {"0797-8123456"}

        document = cluster.policy.compendium_document(assertion(PUBLIC), 1, "html")
        assert document["media_type"].startswith("text/html") and document["base64"]
        assert refused(cluster.policy.compendium_document, assertion(PUBLIC), 1,
                       "odt").field == "format"


def test_the_compendium_is_regenerated_once_what_is_in_force_changes(make_sqlite_url,
                                                                     policy_service):
    config = policy_service(make_sqlite_url())

    def watch_round():
        with entrypoint_hook(policy_service.container, "watch_policy_dates") as watch:
            watch()

    def numbers(cluster):
        return [e["number"] for e in cluster.policy.compendium_editions(assertion(PUBLIC))[
            "items"]]

    with ClusterRpcProxy(config) as cluster:
        first = published(cluster)
        watch_round()
        assert numbers(cluster) == []  # the office builds the first edition
        cluster.policy.build_compendium(assertion(OFFICE))
        watch_round()
        assert numbers(cluster) == [1]  # nothing changed: no new edition

        published(cluster, title="关于稳定企业用工的若干措施", document_number="赣市人社字〔2026〕3号",
                  cost_category="labour")
        cluster.policy.act_on_policy(assertion(OFFICER), first["id"], "repeal",
                                     {"reason": "已被新政策替代"})
        watch_round()
        watch_round()
        assert numbers(cluster) == [2, 1]
        latest = cluster.policy.compendium_edition(assertion(PUBLIC), None)
        titles = [entry["title"] for section in latest["sections"]
                  for group in section["groups"] for entry in group["entries"]]
        assert titles == ["关于稳定企业用工的若干措施"]
        built = [e for e in EventStore(make_engine(config["DATABASE_URL"])).read_all(limit=1000)
                 if e[1].type == "CompendiumEditionBuilt"]
        assert [e[1].actor for e in built] == [
            Actor.from_dict(OFFICE).label, "system:timer"]


def test_the_list_filters_pages_and_searches(make_sqlite_url, policy_service):
    config = policy_service(make_sqlite_url(), RELAY_ENABLED=False)
    with ClusterRpcProxy(config) as cluster:
        ids = [published(cluster, title=f"第{n}号惠企政策", document_number=f"赣市财字〔2026〕{n}号",
                         level="county" if n % 2 else "municipal")["id"] for n in range(5)]
        cluster.policy.draft_policy(assertion(OFFICER), draft_fields(title="出口退税草稿"))
        first = cluster.policy.list_policies(assertion(PUBLIC), {}, None, 2)
        assert [item["id"] for item in first["items"]] == ids[::-1][:2]
        rest = cluster.policy.list_policies(assertion(PUBLIC), {}, first["next_cursor"], 10)
        assert [item["id"] for item in rest["items"]] == ids[::-1][2:] and not rest["next_cursor"]
        county = cluster.policy.list_policies(assertion(PUBLIC), {"level": "county"})
        assert {item["id"] for item in county["items"]} == {ids[1], ids[3]}
        assert refused(cluster.policy.list_policies, assertion(PUBLIC),
                       {"level": "galactic"}).field == "level"
        assert refused(cluster.policy.list_policies, assertion(PUBLIC),
                       {"in_force_on": "yesterday"}).field == "in_force_on"

        found = cluster.policy.list_policies(assertion(PUBLIC), {"q": "3号惠企"})
        assert [item["id"] for item in found["items"]] == [ids[3]]
        # a draft is never found by the public, but its unit finds it
        assert cluster.policy.list_policies(assertion(PUBLIC), {"q": "退税"})["items"] == []
        assert len(cluster.policy.list_policies(assertion(OFFICER), {"q": "退税"})["items"]) == 1


def register_enterprise(engine, uscc: str, size: str) -> None:
    """The liaison service's EnterpriseRegistered, taken in as its reaction takes it in."""
    from kernel.envelope import Event, format_time
    from services.policy.enterprises import reactions as enterprises
    event = Event(event_id=f"ev-{uscc}", stream_id=uscc, stream_type="enterprise", version=1,
                  type="EnterpriseRegistered", occurred_at=format_time(utc_now()),
                  actor="liaison:l", correlation_id="c", causation_id="",
                  payload={"uscc": uscc, "name": f"企业{uscc[-4:]}", "county": "zhanggong",
                           "park": "gz-dev-zone", "industry": "manufacturing", "size": size,
                           "above_designated_size": False})
    with EventStore(engine).unit_of_work() as uow:
        enterprises.registered(uow, event)


def test_matching_explains_each_policy(make_sqlite_url, policy_service):
    url = make_sqlite_url()
    engine = make_engine(url)
    migrate(engine, MIGRATIONS)
    register_enterprise(engine, ENTERPRISE["uscc"], "small")
    register_enterprise(engine, "91360700MA35F1AB2W", "large")
    config = policy_service(url, RELAY_ENABLED=False)
    with ClusterRpcProxy(config) as cluster:
        small = published(cluster, criteria={"sizes": ["small"]})
        large = published(cluster, title="大型企业技改奖励", document_number="赣市工信字〔2026〕2号",
                          criteria={"sizes": ["large"]})
        profile = {"uscc": ENTERPRISE["uscc"], "industry": "manufacturing", "size": "small",
                   "county": "zhanggong", "tier": "good", "above_designated_size": False}
        items = cluster.policy.match_enterprise(assertion(ENTERPRISE), profile)["items"]
        assert [(item["policy_id"], item["eligible"]) for item in items] == [
            (small["id"], True), (large["id"], False)]
        assert "规模" in items[1]["reason"]
        other = {**profile, "uscc": "91360700MA35F1AB2W"}
        assert refused(cluster.policy.match_enterprise, assertion(ENTERPRISE),
                       other).rule == "may_not_match_enterprise"
        assert len(cluster.policy.match_enterprise(assertion(LEADER), profile)["items"]) == 2
        # by credit code, from the enterprises the liaison service told of
        by_code = cluster.policy.match_enterprise(assertion(OFFICE), ENTERPRISE["uscc"])["items"]
        assert [item["eligible"] for item in by_code] == [True, False]
        assert refused(cluster.policy.match_enterprise, assertion(LEADER),
                       ENTERPRISE["uscc"]).rule == "may_not_match_enterprise"
        # the portal's public actor does not match at all
        assert refused(cluster.policy.match_enterprise, assertion(PUBLIC),
                       profile).rule == "role_not_allowed"
        # 精准推送: each publication records the enterprises it newly reached
        cluster.policy.act_on_policy(assertion(OFFICER), large["id"], "amend", {
            "reason": "放宽", "criteria": {"sizes": ["large", "small"]}})
    with engine.connect() as connection:
        reached = [(row.stream_id, json.loads(row.payload)) for row in connection.execute(sa.text(
            "SELECT stream_id, payload FROM events WHERE type = 'PolicyReachedEnterprises' "
            "ORDER BY id"))]
    assert [(stream_id, p["version"], p["enterprises"]) for stream_id, p in reached] == [
        (small["id"], 1, [ENTERPRISE["uscc"]]), (large["id"], 1, ["91360700MA35F1AB2W"]),
        (large["id"], 2, [ENTERPRISE["uscc"]])]
    engine.dispose()


def test_a_unit_not_in_the_register_is_refused_naming_the_field(make_sqlite_url,
                                                                policy_service):
    url = make_sqlite_url()
    config = policy_service(url, RELAY_ENABLED=False)
    stranger = {"sub": "officer-sun", "role": "unit_officer", "unit": "city-unheard-of"}
    day = (office_day(utc_now()) + dt.timedelta(days=7)).isoformat()
    with ClusterRpcProxy(config) as cluster:
        live = published(cluster)
        scheduled = cluster.policy.schedule_briefing(assertion(OFFICE), {
            "date": day, "place": "章贡区政府", "leader": "张市长", "units": [UNIT, "zhanggong"],
            "policy_ids": [live["id"]], "agenda": [{"kind": "leader_speech", "speaker": "张市长"}]})
        before = event_count(url)

        unknown = refused(cluster.policy.draft_policy, assertion(OFFICE),
                          draft_fields(issuing_unit="city-unheard-of"))
        assert (unknown.rule, unknown.kind, unknown.field) == (
            "unknown_unit", "invalid", "issuing_unit")
        assert "register of units kept by the liaison service" in unknown.message
        # an officer of a unit not in the register: their own unit is the issuing unit
        assert refused(cluster.policy.draft_policy, assertion(stranger), draft_fields(
            issuing_unit="city-unheard-of")).field == "issuing_unit"
        # who may act is asked first: another unit's officer is told that, not the register
        assert refused(cluster.policy.draft_policy, assertion(OFFICER), draft_fields(
            issuing_unit="city-unheard-of")).rule == "not_issuing_unit"
        owed = refused(cluster.policy.require_rule, assertion(OFFICE), {
            "policy_id": live["id"], "unit": "city-unheard-of", "kind": "work_plan"})
        assert (owed.rule, owed.field) == ("unknown_unit", "unit")
        briefing = {"date": day, "place": "p", "leader": "l", "policy_ids": [live["id"]],
                    "units": [UNIT, "city-unheard-of"],
                    "agenda": [{"kind": "leader_speech", "speaker": "张市长"}]}
        assert refused(cluster.policy.schedule_briefing, assertion(OFFICE),
                       briefing).field == "units[1]"
        reading = {**briefing, "units": [UNIT], "agenda": [
            {"kind": "leader_speech", "speaker": "张市长"},
            {"kind": "policy_reading", "speaker": "李明", "unit": "city-unheard-of"}]}
        assert refused(cluster.policy.schedule_briefing, assertion(OFFICE),
                       reading).field == "agenda[1].unit"
        assert refused(cluster.policy.schedule_briefing, assertion(stranger),
                       {**briefing, "units": [UNIT]}).field == "organiser"
        assert refused(cluster.policy.act_on_briefing, assertion(OFFICE), scheduled["id"],
                       "revise", {"units": ["city-unheard-of"]}).field == "units[0]"
        # nothing was written by any of them
        assert event_count(url) == before
        assert [item["id"] for item in cluster.policy.list_policies(
            assertion(OFFICE), {})["items"]] == [live["id"]]

        # registered in liaison (here: taken in as its reaction takes it), it is known at once
        known_units(url, "city-unheard-of", service="policy")
        drafted = cluster.policy.draft_policy(assertion(stranger), draft_fields(
            issuing_unit="city-unheard-of"))
        assert drafted["issuing_unit"] == "city-unheard-of"
        # a contact's unit is whom to ask, in words: never checked against the register
        assert drafted["contact"] is None
        with_contact = cluster.policy.act_on_policy(assertion(stranger), drafted["id"],
                                                    "set-contact", {**CONTACT, "unit": "某某科"})
        assert with_contact["contact"]["unit"] == "某某科"
