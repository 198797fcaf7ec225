"""Who reads what of the policy registry, over RPC on the real broker: the permission table held to
every RPC and wire action, then each scope the service applies with its data — the portal
deadlines (the office, supervision, a unit officer his own line), a briefing (the units, the
leader and the enterprises it names), matching by credit code (the enterprise, its county, the
office), and a rule filed for a draft kept with whoever may read the draft."""
from __future__ import annotations

import datetime as dt

import pytest
from nameko.rpc import Rpc
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from kernel.clock import office_day
from kernel.database import make_engine, migrate
from kernel.envelope import utc_now
from kernel.permissions import Scope
from policy.test_policy_service import (  # noqa: F401 - the fixture, by its name
    CONTACT, ENTERPRISE, LEADER, MIGRATIONS, OFFICE, OFFICER, OTHER_OFFICER, OTHER_UNIT, PUBLIC, UNIT,
    draft_fields, policy_service, published, refused, register_enterprise,
)
from services.policy import contract
from services.policy.permissions import PERMISSIONS
from services.policy.service import PolicyService

SUPERVISOR = {"sub": "inspector-wang", "role": "supervisor"}
STRANGER = {"sub": "boss-2", "role": "enterprise", "uscc": "91360700MA35F1AB2W"}
COUNTY_OFFICER = {"sub": "officer-sun", "role": "unit_officer", "unit": "zhanggong"}


def rpc_methods(service_cls) -> set[str]:
    return {name for klass in service_cls.__mro__ for name, value in vars(klass).items()
            if any(isinstance(e, Rpc) for e in getattr(value, "nameko_entrypoints", ()))}


# -- the table ---------------------------------------------------------------------------------

def test_every_rpc_and_wire_action_has_its_row_and_the_service_carries_the_table():
    assert PolicyService.permissions is PERMISSIONS
    methods = rpc_methods(PolicyService)
    assert PERMISSIONS.missing(methods) == []
    assert set(PERMISSIONS.actions("act_on_policy")) == set(contract.POLICY_ACTIONS)
    assert set(PERMISSIONS.actions("act_on_rule")) == set(contract.RULE_ACTIONS)
    assert set(PERMISSIONS.actions("act_on_briefing")) == set(contract.BRIEFING_ACTIONS)


def test_every_policy_and_portal_route_names_a_row():
    from gateway.operations import operations_of
    from gateway.policy import PolicyApi
    from gateway.portal import PortalApi
    for api in (PolicyApi, PortalApi):
        for operation in operations_of(api):
            if operation.service is not None:
                assert operation.permission in PERMISSIONS, operation.operation_id


def test_the_public_reads_only_what_is_published():
    for row in PERMISSIONS:
        if "public" in row.grants:
            assert row.scope("public") is Scope.PUBLISHED, row.operation
    public = {row.operation for row in PERMISSIONS if "public" in row.grants}
    # exactly what the portal reads, nothing it does not
    assert public == {"get_policy", "policy_version", "list_policies", "get_rule", "list_rules",
                      "compendium_editions", "compendium_edition", "compendium_document",
                      "contact_sheet", "portal_feed", "portal_mark"}


def test_deadlines_briefings_and_matching_name_their_readers():
    assert PERMISSIONS.row("portal_deadlines").roles == ("unit_officer", "office", "supervisor")
    assert PERMISSIONS.row("get_briefing").roles == (
        "enterprise", "unit_officer", "office", "supervisor", "leader")
    assert PERMISSIONS.row("list_briefings").grants == PERMISSIONS.row("get_briefing").grants
    matching = PERMISSIONS.row("match_enterprise")
    assert matching.scope("enterprise") is Scope.OWN_ENTERPRISE
    assert matching.scope("unit_officer") is Scope.COUNTY and "public" not in matching.grants


# -- the scopes, applied by the service ----------------------------------------------------------

def test_the_portal_deadlines_are_the_office_s_supervision_s_and_each_unit_s_own(
        make_sqlite_url, policy_service):
    config = policy_service(make_sqlite_url(), RELAY_ENABLED=False)
    with ClusterRpcProxy(config) as cluster:
        published(cluster)
        drafted = cluster.policy.draft_policy(assertion(OTHER_OFFICER),
                                              draft_fields(issuing_unit=OTHER_UNIT))
        assert drafted["status"] == "draft"
        for caller in (ENTERPRISE, LEADER, PUBLIC):
            assert refused(cluster.policy.portal_deadlines, assertion(caller),
                           2026).rule == "role_not_allowed"
        every = [line["unit"] for line in cluster.policy.portal_deadlines(
            assertion(SUPERVISOR), 2026)["units"]]
        assert every == sorted([UNIT, OTHER_UNIT])
        own = cluster.policy.portal_deadlines(assertion(OFFICER), 2026)["units"]
        assert [line["unit"] for line in own] == [UNIT]
        assert own[0]["policies"]["met"] + own[0]["policies"]["late"] == 1


def test_a_briefing_is_read_by_those_it_names_only(make_sqlite_url, policy_service):
    config = policy_service(make_sqlite_url(), RELAY_ENABLED=False)
    day = (office_day(utc_now()) + dt.timedelta(days=7)).isoformat()
    with ClusterRpcProxy(config) as cluster:
        live = published(cluster)
        briefing = cluster.policy.schedule_briefing(assertion(OFFICE), {
            "date": day, "place": "赣州经开区管委会", "leader": LEADER["sub"], "units": [],
            "parks": [], "enterprises": [ENTERPRISE["uscc"]], "policy_ids": [live["id"]],
            "agenda": [{"kind": "leader_speech", "speaker": "张市长"},
                       {"kind": "policy_reading", "speaker": "李明", "unit": UNIT}]})
        for reader in (OFFICE, SUPERVISOR, OFFICER, ENTERPRISE, LEADER):
            assert cluster.policy.get_briefing(assertion(reader), briefing["id"]) == briefing
            assert cluster.policy.list_briefings(assertion(reader), {})["items"] == [briefing]
        other_leader = {"sub": "leader-li", "role": "leader"}
        for outsider in (OTHER_OFFICER, STRANGER, other_leader):
            assert refused(cluster.policy.get_briefing, assertion(outsider),
                           briefing["id"]).rule == "briefing_not_found"
            assert cluster.policy.list_briefings(assertion(outsider), {})["items"] == []
        for caller in (PUBLIC, {"sub": "liaison-1", "role": "liaison"}):
            assert refused(cluster.policy.get_briefing, assertion(caller),
                           briefing["id"]).rule == "role_not_allowed"


def test_matching_by_credit_code_is_the_enterprise_s_its_county_s_and_the_office_s(
        make_sqlite_url, policy_service):
    url = make_sqlite_url()
    engine = make_engine(url)
    migrate(engine, MIGRATIONS)
    register_enterprise(engine, ENTERPRISE["uscc"], "small")   # in zhanggong
    engine.dispose()
    config = policy_service(url, RELAY_ENABLED=False)
    with ClusterRpcProxy(config) as cluster:
        published(cluster, criteria={"sizes": ["small"]})
        uscc = ENTERPRISE["uscc"]
        for reader in (ENTERPRISE, COUNTY_OFFICER, OFFICE, SUPERVISOR):
            [verdict] = cluster.policy.match_enterprise(assertion(reader), uscc)["items"]
            assert verdict["eligible"]
        for outsider in (STRANGER, OFFICER, LEADER):
            assert refused(cluster.policy.match_enterprise, assertion(outsider),
                           uscc).rule == "may_not_match_enterprise"


def test_a_rule_filed_for_a_draft_stays_with_who_may_read_the_draft(make_sqlite_url,
                                                                   policy_service):
    config = policy_service(make_sqlite_url(), RELAY_ENABLED=False)
    with ClusterRpcProxy(config) as cluster:
        drafted = cluster.policy.draft_policy(assertion(OFFICER), draft_fields())
        owed = cluster.policy.require_rule(assertion(OFFICE), {
            "policy_id": drafted["id"], "unit": OTHER_UNIT, "kind": "operating_rules"})
        filed = cluster.policy.act_on_rule(assertion(OTHER_OFFICER), owed["id"], "file", {
            "title": "操作细则", "text": "草稿政策的细则全文", "procedure": "流程",
            "time_limits": "5个工作日"})
        assert filed["status"] == "filed"
        for outsider in (PUBLIC, ENTERPRISE, LEADER):
            assert refused(cluster.policy.get_rule, assertion(outsider),
                           owed["id"]).rule == "implementation_rule_not_found"
            assert cluster.policy.list_rules(assertion(outsider), {})["items"] == []
        # the owing unit, the issuing unit and the office still read it
        for reader in (OTHER_OFFICER, OFFICER, OFFICE):
            assert cluster.policy.get_rule(assertion(reader), owed["id"]) == filed
            assert cluster.policy.list_rules(assertion(reader), {})["items"] == [filed]
        # once the policy is published, the filed rule is public
        cluster.policy.act_on_policy(assertion(OFFICER), drafted["id"], "set-contact", CONTACT)
        cluster.policy.act_on_policy(assertion(OFFICER), drafted["id"], "publish", {})
        assert cluster.policy.get_rule(assertion(PUBLIC), owed["id"]) == filed
