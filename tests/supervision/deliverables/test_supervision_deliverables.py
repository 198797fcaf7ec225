"""The action's deliverables from the notice's dates, their deliveries and misses, and the
scheduling reports: plain aggregates, no store; and a year's schedule folded by tracking into
the matters supervision reads."""
import datetime as dt

import pytest

from kernel.store import write_checkpoint
from kernel.actor import SYSTEM, Actor
from kernel.aggregate import Aggregate
from kernel.envelope import Event, format_time
from services.supervision.deliverables import rules as errors
from services.supervision.deliverables import scheduling
from services.supervision.deliverables.domain import (
    NOTICE_ITEMS,
    Deliverable,
    DeliverableCode,
    DeliveryStatus,
    year_schedule,
)

UTC = dt.UTC
OFFICE = Actor(sub="clerk", role="office")
SUPERVISOR = Actor(sub="inspector", role="supervisor")
OFFICER_A = Actor(sub="li", role="unit_officer", unit="dept_a")
ENTERPRISE = Actor(sub="boss", role="enterprise", uscc="91360700MA35XXXX0X")
DEPARTMENTS = ["dept_a", "dept_b"]
COUNTIES = ["ganxian", "ruijin_etdz"]


def office_time(month: int, day: int, hour: int = 10, year: int = 2016) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def schedule(code: str, year: int = 2016) -> Deliverable:
    planned = {p.code: p for p in year_schedule(year, departments=DEPARTMENTS,
                                                counties=COUNTIES)}
    return Deliverable.schedule(planned[code], at=office_time(5, 10, year=year), actor=OFFICE)


def replayed(aggregate: Aggregate) -> Aggregate:
    """A new aggregate as the store would fold it back from its first facts: what the next
    command decides on (the live one has applied each fact as it recorded it)."""
    return type(aggregate).replay(aggregate.id, aggregate.pending())


def test_the_notice_dates_and_owners():
    planned = year_schedule(2016, departments=DEPARTMENTS, counties=COUNTIES)
    table = {p.code: (p.due.isoformat(), p.owners, p.clause) for p in planned}
    assert table == {
        "mobilisation_meeting": ("2016-05-15", ("office",), "二(二)1"),
        "portal_publication": ("2016-05-15", ("dept_a", "dept_b"), "二(二)3"),
        "department_rules": ("2016-05-20", ("dept_a", "dept_b"), "二(一)1"),
        "compendium": ("2016-05-20", ("office",), "二(一)2、二(二)3"),
        "surveys": ("2016-05-25", ("dept_a", "dept_b"), "二(三)2"),
        "help_plans": ("2016-05-31", ("dept_a", "dept_b"), "二(三)2"),
        "briefings": ("2016-05-31", ("dept_a", "dept_b", "ganxian", "ruijin_etdz"), "二(二)1"),
        "summary_reports": ("2016-12-30", ("dept_a", "dept_b", "ganxian", "ruijin_etdz"),
                            "二(五)2"),
    }
    assert planned[0].stream_id == "deliverable:2016:mobilisation_meeting"
    assert {p.title for p in planned} == {code.label for code in DeliverableCode}
    assert len(NOTICE_ITEMS) == len(DeliverableCode)
    # Another year, the same dates.
    assert {p.due for p in year_schedule(2027, departments=DEPARTMENTS, counties=COUNTIES)
            if p.code == "help_plans"} == {dt.date(2027, 5, 31)}


@pytest.mark.parametrize("year", [2015, 2101, "2016", True, None])
def test_a_year_out_of_range_is_named(year):
    with pytest.raises(errors.InvalidYear) as refused:
        year_schedule(year, departments=DEPARTMENTS, counties=COUNTIES)
    assert refused.value.field == "year"


def test_no_departments_is_refused():
    with pytest.raises(errors.OwnersRequired) as refused:
        year_schedule(2016, departments=[], counties=COUNTIES)
    assert refused.value.field == "departments"


def test_scheduled_once_by_the_office_only():
    planned = year_schedule(2016, departments=DEPARTMENTS, counties=COUNTIES)[0]
    with pytest.raises(errors.RoleNotAllowed):
        Deliverable.schedule(planned, at=office_time(5, 10), actor=OFFICER_A)
    made = Deliverable.schedule(planned, at=office_time(5, 10), actor=SUPERVISOR)
    [fact] = made.pending()
    assert fact.type == "DeliverableScheduled"
    assert fact.payload == {"year": 2016, "code": "mobilisation_meeting",
                            "title": "专项行动动员大会", "owners": ["office"], "due": "2016-05-15",
                            "clause": "二(二)1"}
    with pytest.raises(errors.AlreadyScheduled):
        Deliverable.schedule(planned, at=office_time(5, 11), actor=OFFICE,
                             existing=replayed(made))


def test_delivered_on_the_due_day_is_on_time_the_day_after_late():
    surveys = replayed(schedule("surveys"))
    # 23:30 on May 25 in the office is still May 25.
    [on_time] = surveys.deliver(unit="dept_a", at=office_time(5, 25, 23), actor=OFFICER_A,
                                evidence_seqs=[12, 7, 12])
    assert on_time.payload["on_time"] is True
    assert on_time.payload["evidence_seqs"] == [7, 12]
    [late] = surveys.deliver(unit="dept_b", at=office_time(5, 26, 0), actor=OFFICE,
                             document="赣发改〔2016〕88号")
    assert late.payload["on_time"] is False and late.payload["document"] == "赣发改〔2016〕88号"
    assert surveys.status_of("dept_a") is DeliveryStatus.DELIVERED
    assert surveys.status_of("dept_b") is DeliveryStatus.DELIVERED_LATE
    assert surveys.status == "complete"


def test_delivery_refusals_name_the_field():
    surveys = replayed(schedule("surveys"))
    with pytest.raises(errors.NotOwnUnit) as refused:
        surveys.deliver(unit="dept_b", at=office_time(5, 20), actor=OFFICER_A, evidence_seqs=[1])
    assert refused.value.field == "unit"
    with pytest.raises(errors.NotAnOwner) as refused:
        surveys.deliver(unit="ganxian", at=office_time(5, 20), actor=OFFICE, evidence_seqs=[1])
    assert "ganxian" in refused.value.message and refused.value.field == "unit"
    with pytest.raises(errors.EvidenceRequired) as refused:
        surveys.deliver(unit="dept_a", at=office_time(5, 20), actor=OFFICER_A)
    assert refused.value.field == "evidence_seqs"
    with pytest.raises(errors.InvalidSeq):
        surveys.deliver(unit="dept_a", at=office_time(5, 20), actor=OFFICER_A,
                        evidence_seqs=[0])
    with pytest.raises(errors.RoleNotAllowed):
        surveys.deliver(unit="dept_a", at=office_time(5, 20), actor=ENTERPRISE,
                        evidence_seqs=[1])
    with pytest.raises(errors.NotSummaryReports):
        surveys.receive_summary_report(unit="dept_a", title="总结", pages=3, document="x",
                                       at=office_time(5, 20), actor=OFFICE)
    surveys.deliver(unit="dept_a", at=office_time(5, 20), actor=OFFICER_A, evidence_seqs=[3])
    with pytest.raises(errors.AlreadyDelivered):
        surveys.deliver(unit="dept_a", at=office_time(5, 21), actor=OFFICER_A,
                        evidence_seqs=[4])
    with pytest.raises(errors.DeliverableNotFound):
        Deliverable("deliverable:2016:surveys").deliver(
            unit="dept_a", at=office_time(5, 20), actor=OFFICER_A, evidence_seqs=[1])


def test_missed_once_per_owner_after_the_date():
    rules = replayed(schedule("department_rules"))
    with pytest.raises(errors.NotYetDue) as refused:
        rules.mark_missed(at=office_time(5, 20, 23), actor=SYSTEM)
    assert "2016-05-20" in refused.value.message
    rules.deliver(unit="dept_a", at=office_time(5, 19), actor=OFFICER_A, evidence_seqs=[5])
    assert rules.missing(office_time(5, 21)) == ["dept_b"]
    [missed] = rules.mark_missed(at=office_time(5, 21, 1), actor=SYSTEM)
    assert (missed.type, missed.payload) == ("DeliverableMissed",
                                             {"unit": "dept_b", "due": "2016-05-20"})
    assert rules.mark_missed(at=office_time(5, 22), actor=SYSTEM) == []   # once
    assert rules.status_of("dept_b") is DeliveryStatus.MISSED
    with pytest.raises(errors.RoleNotAllowed):
        rules.mark_missed(at=office_time(5, 22), actor=OFFICER_A)
    # Delivered late after all: still recorded, as late.
    [late] = rules.deliver(unit="dept_b", at=office_time(6, 2), actor=OFFICE, evidence_seqs=[9])
    assert late.payload["on_time"] is False
    assert rules.status_of("dept_b") is DeliveryStatus.DELIVERED_LATE


def test_summary_reports_received():
    reports = replayed(schedule("summary_reports"))
    [received] = reports.receive_summary_report(
        unit="ganxian", title="赣县区降低企业成本优化发展环境专项行动总结报告", pages=12,
        document="赣县发〔2016〕40号", at=office_time(12, 29), actor=OFFICE)
    assert received.type == "SummaryReportReceived"
    assert received.payload["on_time"] is True and received.payload["pages"] == 12
    with pytest.raises(errors.InvalidPages) as refused:
        reports.receive_summary_report(unit="dept_a", title="总结", pages=0, document="x",
                                       at=office_time(12, 29), actor=OFFICE)
    assert refused.value.field == "pages"
    assert reports.status_of("ganxian") is DeliveryStatus.DELIVERED
    assert sorted(reports.missing(office_time(12, 31))) == ["dept_a", "dept_b", "ruijin_etdz"]
    snapshot = reports.snapshot()
    assert snapshot["code_label"] == "专项行动总结报告"
    assert [u["status"] for u in snapshot["units"]] == ["pending", "pending", "delivered",
                                                       "pending"]


# -- scheduling reports ----------------------------------------------------------------------

SNAPSHOT = {
    "dept_b": {"due": ["m2", "m3"], "done": ["m2"], "late": ["m3"], "open": ["m3", "m4"],
               "seqs": [7, 3, 9]},
    "dept_a": {"due": ["m1"], "done": ["m1"], "late": [], "open": [], "seqs": [1, 2]},
}


def test_a_scheduling_report_states_the_snapshot():
    report = scheduling.SchedulingReport.issue(
        "2016-06", title="专项行动第一期调度通报", as_of=office_time(6, 1, 0),
        snapshot=SNAPSHOT, at=office_time(6, 1), actor=OFFICE)
    [fact] = report.pending()
    assert report.id == "scheduling:2016-06"
    assert fact.payload["as_of"] == "2016-05-31T16:00:00.000000Z"
    assert fact.payload["units"] == [
        {"unit": "dept_a", "due": 1, "done": 1, "late": 0, "open": 0,
         "matters": {"due": ["m1"], "done": ["m1"], "late": [], "open": []}, "seqs": [1, 2]},
        {"unit": "dept_b", "due": 2, "done": 1, "late": 1, "open": 2,
         "matters": {"due": ["m2", "m3"], "done": ["m2"], "late": ["m3"], "open": ["m3", "m4"]},
         "seqs": [3, 7, 9]}]
    assert fact.payload["totals"] == {"due": 3, "done": 2, "late": 1, "open": 2}
    again = replayed(report)
    assert again.snapshot()["totals"] == fact.payload["totals"] and again.number == "2016-06"
    with pytest.raises(errors.ReportAlreadyIssued):
        scheduling.SchedulingReport.issue("2016-06", title="重复", as_of=office_time(6, 1),
                                          snapshot={}, at=office_time(6, 1), actor=OFFICE,
                                          existing=again)
    with pytest.raises(errors.RoleNotAllowed):
        scheduling.SchedulingReport.issue("2016-07", title="x", as_of=office_time(6, 1),
                                          snapshot={}, at=office_time(6, 1), actor=OFFICER_A)


# -- folded by tracking ----------------------------------------------------------------------

def test_a_year_schedule_folded_by_tracking(db_url):
    """The deliverables' events through a real ledger: the sweep's miss is an overdue matter of
    kind DELIVERABLE; a delivery settles the owner's matter."""
    from kernel.database import make_engine, migrate
    from services.audit import ledger
    from services.supervision import facts
    from services.supervision.tracking import views as tracking
    from services.registry import SERVICES

    engine = make_engine(db_url)
    migrate(engine, SERVICES["audit"].migrations_path, SERVICES["supervision"].migrations_path)
    position = 0

    def enter(aggregate: Aggregate) -> list[int]:
        """Append the aggregate's pending facts as the store would, folding each entry."""
        nonlocal position
        seqs = []
        with engine.begin() as connection:
            for fact in aggregate.pending():
                position += 1
                event = Event(event_id=f"e-{position}", stream_id=aggregate.id,
                              stream_type=aggregate.stream_type, version=position,
                              type=fact.type, occurred_at=format_time(fact.occurred_at),
                              actor=fact.actor, correlation_id="c", causation_id="k",
                              payload=fact.payload)
                seq = ledger.append(connection, "audit", position, event)
                tracking.track(connection, seq, "audit", event)
                write_checkpoint(connection, tracking.CHECKPOINT, seq)  # as the follower does
                seqs.append(seq)
        aggregate._pending.clear()
        return seqs

    try:
        help_plans = schedule("help_plans")
        [scheduled] = enter(help_plans)
        help_plans.deliver(unit="dept_a", at=office_time(5, 30), actor=OFFICER_A,
                           evidence_seqs=[scheduled])
        [delivered] = enter(help_plans)
        with engine.connect() as connection:
            assert tracking.overdue(connection, office_time(5, 31, 23)) == []
            late = tracking.overdue(connection, office_time(6, 1, 0))
        assert [(m.kind, m.unit, m.seqs) for m in late] == [
            (facts.DELIVERABLE, "dept_b", (scheduled,))]
        help_plans.mark_missed(at=office_time(6, 1, 9), actor=SYSTEM)
        [missed] = enter(help_plans)
        with engine.connect() as connection:
            [a, b] = tracking.matters(connection, kind=facts.DELIVERABLE)
        assert (a.unit, a.done_at, a.seqs) == ("dept_a", office_time(5, 30),
                                               (scheduled, delivered))
        assert (b.unit, b.done_at, b.seqs) == ("dept_b", None, (scheduled, missed))
        assert b.title == "市领导挂点联系帮扶方案"
    finally:
        engine.dispose()


def test_the_read_models_refold_the_streams(db_url):
    """The projector the service adds for the deliverable and scheduling_report streams."""
    from kernel.database import make_engine, migrate
    from kernel.refolding import Refolding
    from services.supervision.deliverables import views
    from services.registry import SERVICES

    def events(aggregate: Aggregate, first: int = 1) -> list[Event]:
        return [Event(event_id=f"{aggregate.id}-{n}", stream_id=aggregate.id,
                      stream_type=aggregate.stream_type, version=n, type=fact.type,
                      occurred_at=format_time(fact.occurred_at), actor=fact.actor,
                      correlation_id="c", causation_id="k", payload=fact.payload)
                for n, fact in enumerate(aggregate.pending(), start=first)]

    engine = make_engine(db_url)
    migrate(engine, SERVICES["audit"].migrations_path, SERVICES["supervision"].migrations_path)
    projector = Refolding(views.FOLDS, views.TABLES)
    try:
        meeting, rules = schedule("mobilisation_meeting"), schedule("department_rules")
        rules.deliver(unit="dept_a", at=office_time(5, 18), actor=OFFICER_A, evidence_seqs=[2])
        report = scheduling.SchedulingReport.issue(
            "2016-05", title="第一期调度通报", as_of=office_time(5, 21), snapshot=SNAPSHOT,
            at=office_time(5, 21), actor=OFFICE)
        with engine.begin() as connection:
            projector.project(connection, events(meeting) + events(rules) + events(report))
        with engine.connect() as connection:
            listed = views.deliverables(connection, year=2016)
            assert views.past_due(connection, "2016-05-21") == [
                "deliverable:2016:department_rules", "deliverable:2016:mobilisation_meeting"]
            assert views.past_due(connection, "2016-05-15") == []
            [issued] = views.scheduling_reports(connection)
            assert views.deliverables(connection, year=2017) == []
        assert [d["code"] for d in listed] == ["mobilisation_meeting", "department_rules"]
        assert [u["status"] for u in listed[1]["units"]] == ["delivered", "pending"]
        assert issued["number"] == "2016-05" and issued["totals"]["late"] == 1
    finally:
        engine.dispose()
