"""The liaison officers' monthly operation reports (企业生产经营情况, notice 三(一)2): pure, an
officer filing one report per enterprise of his leader's list and month, its figures and status
checked by name, corrected by amendments, read by the office, the leader and his officers; and
over RPC, in a container on the real broker and each store, with the register, an accepted plan
and an appointed officer seeded as the field work's service test seeds them, the read models
rebuilt from the log equal to those folded live."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy

from bench.city import credit_code
from callers import assertion
from liaison_rpc import refused as rpc_refused
from kernel.actor import Actor
from kernel.clock import OFFICE_TIME
from kernel.database import make_engine, migrate
from kernel.errors import DomainError
from kernel.store import events as event_log, row_to_event
from services.liaison import projections
from services.liaison.fieldwork import access, rules, views
from services.liaison.fieldwork.domain.operation_report import OperationReport, report_id_for
from services.registry import SERVICES

MAY_2 = dt.datetime(2026, 5, 2, 10, tzinfo=OFFICE_TIME)
MAY_20 = dt.datetime(2026, 5, 20, 10, tzinfo=OFFICE_TIME)
USCC = "91360702MA35G0QX4J"
ELSEWHERE = "91360700MA35F1AB2W"
CADRE = Actor(sub="cadre-chen", role="liaison")
OTHER_CADRE = Actor(sub="cadre-wu", role="liaison")
OFFICE_ACTOR = Actor(sub="clerk-li", role="office")
APPOINTED = {"cadre_id": "cadre-chen", "leader_id": "leader-liu"}
LINKAGE = {"leader_id": "leader-liu", "rank": "city", "enterprises": [USCC]}
ENTERPRISE = {"uscc": USCC, "name": "赣州稀土材料有限公司", "county": "ganxian",
              "park": "park-ganxian"}
FIGURES = {"output_value": 1200, "revenue": 1100.5, "tax": 80, "employees": 230}


def refused(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


def filed(actor: Actor = CADRE, *, uscc: str = USCC, period: str = "2026-04",
          officer=APPOINTED, linkage=LINKAGE, existing=None, at=MAY_2,
          **fields) -> OperationReport:
    given = {"production_status": "normal", **FIGURES, "problems": "原材料价格上涨", **fields}
    return OperationReport.file(uscc=uscc, period=period, enterprise=ENTERPRISE,
                                officer=officer, leader_linkage=linkage, existing=existing,
                                at=at, actor=actor, **given)


# -- the domain (pure) --------------------------------------------------------------------------

def test_an_officer_files_a_month_of_his_leaders_enterprise_under_an_id_of_the_two():
    report = filed()
    [fact] = report.pending()
    assert report.id == report_id_for(USCC, "2026-04") == f"{USCC}-2026-04"
    assert fact.type == "OperationReportFiled"
    assert fact.payload == {
        "uscc": USCC, "enterprise_name": "赣州稀土材料有限公司", "county": "ganxian",
        "park": "park-ganxian", "period": "2026-04", "leader_id": "leader-liu",
        "cadre_id": "cadre-chen",
        "figures": {"output_value": 1200.0, "revenue": 1100.5, "tax": 80.0, "employees": 230},
        "production_status": "normal", "problems": "原材料价格上涨"}
    state = report.snapshot()
    assert (state["status"], state["leader_id"], state["amendments"]) == ("filed", "leader-liu",
                                                                          [])
    # the current month may be reported, figures may be left out
    halted = filed(period="2026-05", production_status="halted", output_value=None,
                   revenue=None, tax=None, employees=None, problems=None)
    assert halted.snapshot()["figures"] == {"output_value": None, "revenue": None, "tax": None,
                                            "employees": None}
    assert halted.snapshot()["problems"] == ""


def test_only_an_appointed_officer_files_and_only_for_his_leaders_list():
    assert refused(filed, OFFICE_ACTOR).rule == "role_not_allowed"
    assert refused(filed, Actor(sub="leader-liu", role="leader")).rule == "role_not_allowed"
    assert refused(filed, OTHER_CADRE, officer=None).rule == "not_liaison_officer"
    error = refused(filed, uscc=ELSEWHERE)
    assert (error.rule, error.field) == ("not_leaders_enterprise", "uscc")
    assert refused(filed, linkage=None).rule == "not_leaders_enterprise"


def test_a_second_report_of_the_month_is_refused_naming_the_rule():
    first = OperationReport.replay(report_id_for(USCC, "2026-04"), filed().pending())
    error = refused(filed, existing=first, revenue=1)
    assert (error.rule, error.field) == ("one_report_per_enterprise_month", "period")
    assert "amend" in error.message
    # another month is another report
    assert filed(period="2026-03", existing=OperationReport(f"{USCC}-2026-03")).exists


@pytest.mark.parametrize("fields, rule, field", [
    ({"period": "2026-13"}, "invalid_period", "period"),
    ({"period": "2026-4"}, "invalid_period", "period"),
    ({"period": None}, "field_required", "period"),
    ({"period": "2026-06"}, "period_in_future", "period"),
    ({"revenue": -1}, "negative_figure", "revenue"),
    ({"tax": "80"}, "invalid_figure", "tax"),
    ({"output_value": True}, "invalid_figure", "output_value"),
    ({"output_value": float("nan")}, "invalid_figure", "output_value"),
    ({"employees": 12.5}, "invalid_figure", "employees"),
    ({"employees": -3}, "negative_figure", "employees"),
    ({"production_status": "booming"}, "unknown_code", "production_status"),
    ({"production_status": None}, "unknown_code", "production_status"),
    ({"uscc": USCC[:-1] + "0"}, "invalid_uscc", "uscc"),
    ({"problems": "x" * 5001}, "field_too_long", "problems"),
])
def test_bad_input_is_refused_naming_the_field(fields, rule, field):
    error = refused(filed, **fields)
    assert (error.rule, error.field) == (rule, field)


def test_a_correction_is_an_amendment_saying_what_was_corrected_and_why():
    report = OperationReport.replay(report_id_for(USCC, "2026-04"), filed().pending())
    [fact] = report.amend(reason="统计口径更正", revenue=1150, production_status="partly_halted",
                          officer_leader="leader-liu", at=MAY_20, actor=CADRE)
    assert fact.type == "OperationReportAmended"
    assert fact.payload["corrections"] == [
        {"field": "revenue", "was": 1100.5, "now": 1150.0},
        {"field": "production_status", "was": "normal", "now": "partly_halted"}]
    assert fact.payload["figures"] == {"output_value": 1200.0, "revenue": 1150.0, "tax": 80.0,
                                       "employees": 230}
    state = report.snapshot()
    assert (state["status"], state["production_status"]) == ("amended", "partly_halted")
    assert state["amendments"][0]["reason"] == "统计口径更正" and state["amended_at"]
    # amended again, problems cleared
    report.amend(reason="问题已解决", problems="", officer_leader="leader-liu", at=MAY_20,
                 actor=CADRE)
    assert report.snapshot()["problems"] == "" and len(report.snapshot()["amendments"]) == 2
    assert report.snapshot()["figures"]["revenue"] == 1150.0
    # replayed from its facts, it is the same report
    facts = filed().pending() + report.pending()
    assert OperationReport.replay(report.id, facts).snapshot() == report.snapshot()


def test_an_amendment_is_refused_by_name():
    report = OperationReport.replay(report_id_for(USCC, "2026-04"), filed().pending())
    amend = report.amend
    assert refused(amend, reason="x", revenue=1100.5, officer_leader="leader-liu", at=MAY_20,
                   actor=CADRE).rule == "nothing_amended"
    error = refused(amend, reason=" ", tax=1, officer_leader="leader-liu", at=MAY_20,
                    actor=CADRE)
    assert (error.rule, error.field) == ("field_required", "reason")
    assert refused(amend, reason="x", tax=1, officer_leader="leader-he", at=MAY_20,
                   actor=OTHER_CADRE).rule == "not_own_leader"
    assert refused(amend, reason="x", tax=1, officer_leader=None, at=MAY_20,
                   actor=OFFICE_ACTOR).rule == "role_not_allowed"
    error = refused(amend, reason="x", tax=-1, officer_leader="leader-liu", at=MAY_20,
                    actor=CADRE)
    assert (error.rule, error.field) == ("negative_figure", "tax")
    assert refused(OperationReport("nothing").amend, reason="x", tax=1,
                   officer_leader="leader-liu", at=MAY_20,
                   actor=CADRE).rule == "operation_report_not_found"


def test_the_office_the_leader_and_his_officers_read_a_report():
    row = filed().snapshot()
    read = access.may_read_operation_report
    assert read(OFFICE_ACTOR, row) and read(Actor(sub="s", role="supervisor"), row)
    assert read(Actor(sub="leader-liu", role="leader"), row)
    assert not read(Actor(sub="leader-he", role="leader"), row)
    assert read(CADRE, row, "leader-liu") and read(OTHER_CADRE, row, "leader-liu")
    assert not read(OTHER_CADRE, row, "leader-he") and not read(OTHER_CADRE, row, None)
    assert not read(Actor(sub="u", role="unit_officer", unit="city-industry"), row)
    assert not read(Actor(sub="boss", role="enterprise", uscc=USCC), row)


def test_the_rules_table_prints():
    table = rules.operation_report_matrix()
    assert "| file | liaison | one_report_per_enterprise_month |" in table
    assert "| amend | liaison | ✓ | ✓ |" in table


# -- over RPC, on each store ----------------------------------------------------------------------

UNIT = "city-industry"
OFFICE = {"sub": "clerk-li", "role": "office"}
OFFICER = {"sub": "cadre-chen", "role": "liaison"}
UNAPPOINTED = {"sub": "cadre-wu", "role": "liaison"}
LEADER = {"sub": "leader-liu", "role": "leader"}
# Fifteen rated above-size enterprises in park-ganxian, 10 good / 3 average / 2 difficult: the
# list the notice's rules give leader-liu, the register's only city leader.
LISTED = {credit_code(700 + n): tier for n, tier in enumerate(
    ["good"] * 10 + ["average"] * 3 + ["difficult"] * 2)}
LISTED_FIRST, LISTED_SECOND = list(LISTED)[:2]


def seed(cluster) -> None:
    """The register, a plan proposed and accepted by the office (leader-liu's fifteen), and a
    cadre of the department appointed liaison officer for leader-liu; USCC registered, unrated,
    on no list."""
    office = assertion(OFFICE)
    cluster.liaison.register_unit(office, {"code": UNIT, "name": "市工信局",
                                           "kind": "city_department"})
    cluster.liaison.register_park(office, {"id": "park-ganxian", "name": "赣县区高新技术产业园",
                                           "county": "ganxian"})
    cluster.liaison.register_leader(office, {"id": "leader-liu", "name": "刘副市长",
                                             "rank": "city", "title": "副市长"})
    cluster.liaison.register_enterprise(office, {
        "uscc": USCC, "name": "赣州稀土材料有限公司", "county": "ganxian", "park": "park-ganxian",
        "industry": "rare_earth", "size": "medium", "above_designated_size": True})
    for n, (uscc, tier) in enumerate(LISTED.items()):
        cluster.liaison.register_enterprise(office, {
            "uscc": uscc, "name": f"赣县企业{n:02d}", "county": "ganxian",
            "park": "park-ganxian", "industry": "rare_earth", "size": "medium",
            "above_designated_size": True})
        cluster.liaison.rate_enterprise(office, uscc, tier)
    plan = cluster.liaison.propose_plan(office)
    cluster.liaison.accept_plan(office, plan["id"])
    cluster.liaison.appoint_liaison(office, {"cadre_id": "cadre-chen", "name": "陈静",
                                             "unit": UNIT, "leader_id": "leader-liu"})


def test_operation_reports_over_rpc(db_url, liaison):
    engine = make_engine(db_url)
    migrate(engine, Path(SERVICES.migrations["liaison"]))
    with ClusterRpcProxy(liaison(db_url)) as cluster:
        seed(cluster)
        office, officer, leader = assertion(OFFICE), assertion(OFFICER), assertion(LEADER)
        fields = {"uscc": LISTED_FIRST, "period": "2026-04", "production_status": "normal",
                  **FIGURES, "problems": "原材料价格上涨"}
        report = cluster.liaison.file_operation_report(officer, fields)
        assert report["id"] == f"{LISTED_FIRST}-2026-04" and report["status"] == "filed"
        assert (report["leader_id"], report["cadre_id"], report["enterprise_name"]) == (
            "leader-liu", "cadre-chen", "赣县企业00")
        assert report["figures"]["revenue"] == 1100.5

        again = rpc_refused(cluster.liaison.file_operation_report, officer,
                            {**fields, "revenue": 1})
        assert (again.rule, again.field) == ("one_report_per_enterprise_month", "period")
        for who, given, rule, field in (
                (officer, {"uscc": USCC}, "not_leaders_enterprise", "uscc"),
                (assertion(UNAPPOINTED), {}, "not_liaison_officer", None),
                (office, {}, "role_not_allowed", None),
                (officer, {"uscc": credit_code(999)}, "unknown_enterprise", "uscc"),
                (officer, {"period": "2099-01"}, "period_in_future", "period"),
                (officer, {"tax": -5}, "negative_figure", "tax"),
                (officer, {"colour": "red"}, "unexpected_field", "colour")):
            wrong = rpc_refused(cluster.liaison.file_operation_report, who,
                                {**fields, "period": "2026-03", **given})
            assert (wrong.rule, wrong.field) == (rule, field), rule
        halted = cluster.liaison.file_operation_report(officer, {
            "uscc": LISTED_SECOND, "period": "2026-05", "production_status": "halted"})
        assert halted["figures"]["employees"] is None and halted["problems"] == ""

        amended = cluster.liaison.amend_op_report(officer, report["id"], {
            "reason": "统计口径更正", "revenue": 1150})
        assert amended["status"] == "amended"
        assert amended["amendments"][0]["corrections"] == [
            {"field": "revenue", "was": 1100.5, "now": 1150.0}]
        assert rpc_refused(cluster.liaison.amend_op_report, officer, report["id"], {
            "reason": "x", "revenue": 1150}).rule == "nothing_amended"
        assert rpc_refused(cluster.liaison.amend_op_report, office, report["id"], {
            "reason": "x", "tax": 1}).rule == "role_not_allowed"
        assert rpc_refused(cluster.liaison.amend_op_report, assertion(UNAPPOINTED),
                           report["id"], {"reason": "x", "tax": 1}).rule == \
            "operation_report_not_found"

        both = [halted["id"], report["id"]]
        for who in (office, leader, officer, assertion({"sub": "s", "role": "supervisor"})):
            assert [r["id"] for r in cluster.liaison.list_op_reports(who, {})["items"]] == both
        for who in (assertion({"sub": "leader-he", "role": "leader"}), assertion(UNAPPOINTED)):
            assert cluster.liaison.list_op_reports(who, {})["items"] == []
            assert rpc_refused(cluster.liaison.get_op_report, who, report["id"]).rule == \
                "operation_report_not_found"
        # a unit officer is refused by the permission table before any work is done
        unit_officer = assertion({"sub": "u", "role": "unit_officer", "unit": UNIT})
        assert rpc_refused(cluster.liaison.list_op_reports, unit_officer, {}).rule == \
            "role_not_allowed"
        assert cluster.liaison.get_op_report(leader, report["id"])["figures"]["revenue"] == 1150
        listed = cluster.liaison.list_op_reports
        assert [r["id"] for r in listed(office, {"uscc": LISTED_FIRST})["items"]] == \
            [report["id"]]
        assert [r["id"] for r in listed(office, {"period": "2026-05"})["items"]] == \
            [halted["id"]]
        assert len(listed(office, {"leader_id": "leader-liu", "period": "2026-04"})[
            "items"]) == 1
        assert listed(office, {"leader_id": "leader-he"})["items"] == []
        assert rpc_refused(listed, office, {"colour": "red"}).rule == "unknown_filter"

    with engine.connect() as connection:
        types = [row_to_event(row).type for row in connection.execute(
            sa.select(event_log).where(event_log.c.stream_type == "operation_report")
            .order_by(event_log.c.id))]
    assert types == ["OperationReportFiled", "OperationReportFiled", "OperationReportAmended"]
    _rebuilt_equal(engine)
    engine.dispose()


def _rebuilt_equal(engine) -> None:
    def rows():
        with engine.connect() as connection:
            return {table.name: sorted(map(tuple, connection.execute(sa.select(table))))
                    for table in views.TABLES}
    live = rows()
    assert live["liaison_operation_reports"]
    projections.rebuild(engine)
    assert rows() == live
