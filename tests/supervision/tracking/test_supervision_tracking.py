"""Tracking read off the ledger, on SQLite and PostgreSQL: each entry appended to a real ledger
and folded as `service.record` folds it; the matters each unit owes, the appeal facts per lead
unit, the problem appeals, supervision received, the leaders' units — and the same tables again
from `tracking.rebuild`; each event read through its producer's declared catalogue."""
import datetime as dt
import importlib
import itertools
import json

import pydantic
import pytest
import sqlalchemy as sa

from kernel.store import write_checkpoint
from kernel.envelope import Event, format_time
from services.audit import ledger
from services.registry import SERVICES
from services.supervision import facts
from services.supervision.tracking import views as tracking
from ledger_fold import declared, refold

UTC = dt.UTC
# Monday 2026-05-11, 09:00 in the office (01:00 UTC).
DAY0 = dt.datetime(2026, 5, 11, 1, 0, tzinfo=UTC)
_ids = itertools.count(1)


def at(days: float) -> dt.datetime:
    return DAY0 + dt.timedelta(days=days)


def event(stream_type: str, stream_id: str, type_: str, when: dt.datetime,
          payload: dict | None = None, **fields) -> Event:
    n = next(_ids)
    payload = declared(stream_type, type_, {**(payload or {}), **fields})
    return Event(event_id=f"00000000-0000-0000-0000-{n:012d}", stream_id=stream_id,
                 stream_type=stream_type, version=n, type=type_, occurred_at=format_time(when),
                 actor="office:clerk", correlation_id="c", causation_id="k", payload=payload)


class Ledger:
    """Appends to the real ledger and folds each entry, as the audit's `record` does."""

    def __init__(self, engine):
        self.engine = engine
        self.position = 0

    def enter(self, service: str, event: Event) -> int:
        self.position += 1
        with self.engine.begin() as connection:
            seq = ledger.append(connection, service, self.position, event)
            tracking.track(connection, seq, service, event)
            write_checkpoint(connection, tracking.CHECKPOINT, seq)  # as the follower does
        return seq

    def read(self, reader, *args, **kwargs):
        with self.engine.connect() as connection:
            return reader(connection, *args, **kwargs)


@pytest.fixture
def book(ledger_engine):
    return Ledger(ledger_engine)


def ticket(book, type_, when, appeal="T1", **payload):
    return book.enter("tickets", event("ticket", appeal, type_, when, **payload))


def dispatch(book, when, unit, appeal="T1", redispatch=False, sign_due=None):
    return ticket(book, "TicketRedispatched" if redispatch else "TicketDispatched", when, appeal,
                  lead_unit=unit, assisting_units=[],
                  sign_due=format_time(sign_due or when + dt.timedelta(days=1)))


def test_an_appeal_signed_resolved_and_rated(book):
    raised = ticket(book, "TicketRaised", at(0), title="用地指标", county="ganxian")
    dispatched = dispatch(book, at(0), "dept_land")
    signed = ticket(book, "TicketSignedFor", at(0.5), unit="dept_land",
                    first_response_due=format_time(at(2)), resolution_due=format_time(at(10)))
    classified = ticket(book, "TicketClassified", at(1), way="explain", unit="dept_land")
    extended = ticket(book, "ExtensionGranted", at(5), working_days=5,
                      resolution_due=format_time(at(15)))
    resolved = ticket(book, "TicketResolved", at(16), unit="dept_land")
    rated = ticket(book, "TicketRated", at(17), rating="basically_satisfied", via="enterprise")

    signing, resolution = book.read(tracking.matters, unit="dept_land")
    assert signing == facts.TrackedMatter(
        matter_id="appeal_signing:T1:1", kind=facts.APPEAL_SIGNING, stream_id="T1",
        unit="dept_land", due_at=at(1), done_at=at(0.5), seqs=(dispatched, signed),
        title="用地指标")
    assert resolution.kind == facts.APPEAL_RESOLUTION
    assert resolution.due_at == at(15)           # moved by the extension
    assert resolution.done_at == at(16)          # a day after it: late
    assert resolution.seqs == (signed, extended, resolved)
    assert resolution.late(at(30)) and not signing.late(at(30))

    [fact] = book.read(tracking.appeal_facts)
    assert fact == facts.AppealFact(
        appeal_id="T1", unit="dept_land", dispatched_at=at(0), sign_due=at(1),
        signed_at=at(0.5), resolution_due=at(15), resolved_at=at(16), replied=True,
        rating="basically_satisfied", sent_back=0,
        seqs=(dispatched, signed, classified, extended, resolved, rated),
        ratings=(("basically_satisfied", rated),))
    assert raised not in fact.seqs
    assert book.read(tracking.overdue, at(30)) == []
    assert book.read(tracking.problem_appeals) == []
    # The window is on the dispatch.
    assert book.read(tracking.appeal_facts, since=at(0), until=at(1)) == [fact]
    assert book.read(tracking.appeal_facts, since=at(1)) == []


def test_overdue_signing_withdrawn_by_a_redispatch(book):
    ticket(book, "TicketRaised", at(0), title="融资难")
    first = dispatch(book, at(0), "dept_a")
    missed = ticket(book, "TicketDeadlineMissed", at(2), deadline="sign",
                    due=format_time(at(1)))

    [late] = book.read(tracking.overdue, at(2))
    assert (late.matter_id, late.unit, late.seqs) == ("appeal_signing:T1:1", "dept_a",
                                                      (first, missed))
    assert book.read(tracking.overdue, at(0.5)) == []       # not yet past its date

    again = dispatch(book, at(3), "dept_b", redispatch=True)
    assert [m.matter_id for m in book.read(tracking.overdue, at(3.5))] == []
    withdrawn = book.read(tracking.matters, unit="dept_a", withdrawn=True)
    assert [m.seqs for m in withdrawn] == [(first, missed, again)]
    assert book.read(tracking.matters, unit="dept_a") == []
    [owed] = book.read(tracking.matters, unit="dept_b")
    assert (owed.matter_id, owed.due_at) == ("appeal_signing:T1:2", at(4))
    assert [m.matter_id for m in book.read(tracking.overdue, at(5))] == ["appeal_signing:T1:2"]
    # A fact for each lead unit.
    assert [(f.unit, f.signed_at) for f in book.read(tracking.appeal_facts)] == [
        ("dept_a", None), ("dept_b", None)]


def test_sent_back_three_times_is_a_problem_appeal(book):
    ticket(book, "TicketRaised", at(0), title="用工")
    dispatch(book, at(0), "dept_hr")
    ticket(book, "TicketSignedFor", at(0.2), unit="dept_hr",
           first_response_due=format_time(at(2)), resolution_due=format_time(at(5)))
    backs = []
    for round_ in range(3):
        ticket(book, "TicketResolved", at(1 + round_), unit="dept_hr")
        ticket(book, "TicketRated", at(1.1 + round_), rating="unsatisfied")
        backs.append(ticket(book, "TicketSentBack", at(1.1 + round_),
                            resolution_due=format_time(at(8 + round_))))
        if round_ < 2:
            assert book.read(tracking.problem_appeals) == []
    assert book.read(tracking.problem_appeals) == [
        facts.ProblemAppeal("T1", "dept_hr", tracking.SENT_BACK_3, tuple(backs))]
    [fact] = book.read(tracking.appeal_facts)
    assert fact.sent_back == 3
    assert fact.resolved_at is None and fact.rating is None   # owed again
    resolutions = book.read(tracking.matters, kind=facts.APPEAL_RESOLUTION)
    assert [(m.matter_id, m.done_at is not None) for m in resolutions] == [
        ("appeal_resolution:T1:1", True), ("appeal_resolution:T1:2", True),
        ("appeal_resolution:T1:3", True), ("appeal_resolution:T1:4", False)]
    assert resolutions[-1].due_at == at(10)


def test_passed_among_three_units_none_signing(book):
    ticket(book, "TicketRaised", at(0), title="物流", appeal="T2")
    seqs = [dispatch(book, at(0), "dept_a", appeal="T2"),
            dispatch(book, at(1), "dept_b", appeal="T2", redispatch=True)]
    assert book.read(tracking.problem_appeals) == []
    seqs.append(dispatch(book, at(2), "county_x", appeal="T2", redispatch=True))
    assert book.read(tracking.problem_appeals) == [
        facts.ProblemAppeal("T2", "county_x", tracking.PASSED_AMONG_3, tuple(seqs))]


def test_passing_starts_again_once_signed(book):
    ticket(book, "TicketRaised", at(0), title="技术", appeal="T3")
    dispatch(book, at(0), "dept_a", appeal="T3")
    dispatch(book, at(1), "dept_b", appeal="T3", redispatch=True)
    ticket(book, "TicketSignedFor", at(1.5), appeal="T3", unit="dept_b",
           first_response_due=format_time(at(3)), resolution_due=format_time(at(9)))
    dispatch(book, at(2), "dept_c", appeal="T3", redispatch=True)
    assert book.read(tracking.problem_appeals) == []
    # The resolution dept_b owed went with the appeal.
    assert book.read(tracking.matters, unit="dept_b", kind=facts.APPEAL_RESOLUTION) == []


def test_rules_surveys_and_help_plans(book):
    required = book.enter("policy", event(
        "implementation_rule", "rule-p1-dept_a", "ImplementationRuleRequired", at(0),
        policy_id="p1", unit="dept_a", kind="operating_rules", due="2026-05-20"))
    asap = book.enter("policy", event(
        "implementation_rule", "rule-p1-ganxian", "ImplementationRuleRequired", at(0),
        policy_id="p1", unit="ganxian", kind="work_plan", due=None))
    survey = book.enter("liaison", event("survey", "s1", "SurveyRequired", at(0),
                                         unit="dept_a", park="P1", leader_id="L1",
                                         due="2026-05-25"))
    plan = book.enter("liaison", event("help_plan", "h1", "HelpPlanRequired", at(0),
                                       unit="dept_b", leader_id="L1", due="2026-05-31"))
    # 2026-05-20 is due to the end of that day in the office (16:00 UTC).
    end_of_20th = dt.datetime(2026, 5, 20, 15, 59, 59, 999999, tzinfo=UTC)
    [rule] = book.read(tracking.matters, kind=facts.IMPLEMENTATION_RULE, unit="dept_a")
    assert rule.due_at == end_of_20th and rule.seqs == (required,)
    assert book.read(tracking.overdue, end_of_20th) == []
    assert [m.matter_id for m in book.read(tracking.overdue, end_of_20th
                                           + dt.timedelta(microseconds=1))] == [
        "implementation_rule:rule-p1-dept_a"]

    overdue_mark = book.enter("policy", event(
        "implementation_rule", "rule-p1-dept_a", "ImplementationRuleOverdue", at(10),
        policy_id="p1", unit="dept_a", kind="operating_rules", due="2026-05-20"))
    filed = book.enter("policy", event(
        "implementation_rule", "rule-p1-dept_a", "ImplementationRuleFiled", at(11),
        policy_id="p1", unit="dept_a", late=True))
    submitted = book.enter("liaison", event("survey", "s1", "SurveySubmitted", at(12),
                                            unit="dept_a", on_time=True))
    [rule] = book.read(tracking.matters, kind=facts.IMPLEMENTATION_RULE, unit="dept_a")
    assert rule.seqs == (required, overdue_mark, filed) and rule.done_at == at(11)
    assert rule.late(at(40))
    [s] = book.read(tracking.matters, kind=facts.SURVEY)
    assert (s.seqs, s.done_at, s.late(at(40))) == ((survey, submitted), at(12), False)
    # Due as soon as possible: never overdue.
    [undated] = book.read(tracking.matters, unit="ganxian")
    assert undated.due_at is None and undated.seqs == (asap,)
    assert [m.matter_id for m in book.read(tracking.overdue, at(60))] == ["help_plan:h1"]
    [p] = book.read(tracking.overdue, at(60))
    assert p.seqs == (plan,) and p.unit == "dept_b"


def test_deliverables_and_supervision_received(book):
    scheduled = book.enter("audit", event(
        "deliverable", "deliverable:2026:surveys", "DeliverableScheduled", at(0), year=2026,
        code="surveys", title="对口园区和企业调研专题报告", owners=["dept_a", "dept_b"],
        due="2026-05-25", clause="二(三)2"))
    delivered = book.enter("audit", event(
        "deliverable", "deliverable:2026:surveys", "DeliverableDelivered", at(13),
        unit="dept_a", at=format_time(at(13)), on_time=True, evidence_seqs=[1], document=None))
    missed = book.enter("audit", event(
        "deliverable", "deliverable:2026:surveys", "DeliverableMissed", at(15),
        unit="dept_b", due="2026-05-25"))
    [done, late] = book.read(tracking.matters, kind=facts.DELIVERABLE)
    assert (done.unit, done.done_at, done.seqs) == ("dept_a", at(13), (scheduled, delivered))
    assert (late.matter_id, late.seqs) == ("deliverable:deliverable:2026:surveys:dept_b",
                                           (scheduled, missed))
    assert [m.unit for m in book.read(tracking.overdue, at(15))
            if m.kind == facts.DELIVERABLE] == ["dept_b"]

    matter_id = late.matter_id
    case = "supervision_case:x"
    reminded = book.enter("audit", event("supervision_case", case, "ReminderMade", at(16),
                                         unit="dept_b", matter_id=matter_id, seqs=[missed]))
    noticed = book.enter("audit", event(
        "supervision_case", case, "SupervisionNoticeIssued", at(17), unit="dept_b",
        matter_id=matter_id, notice_number="督〔2026〕1号", answer_by="2026-06-05"))
    steps = book.read(tracking.supervision_received, unit="dept_b")
    assert [(s.seq, s.step, s.label, s.matter_id) for s in steps] == [
        (reminded, "reminder", "电话催办", matter_id), (noticed, "notice", "督查通知书", matter_id)]
    assert book.read(tracking.supervision_received, unit="dept_a") == []
    [answer] = book.read(tracking.matters, kind=facts.NOTICE_ANSWER)
    assert answer.unit == "dept_b" and answer.done_at is None
    assert answer.due_at == dt.datetime(2026, 6, 5, 15, 59, 59, 999999, tzinfo=UTC)
    answered = book.enter("audit", event("supervision_case", case, "NoticeAnswered", at(20),
                                         unit="dept_b", notice_number="督〔2026〕1号"))
    [answer] = book.read(tracking.matters, kind=facts.NOTICE_ANSWER)
    assert answer.done_at == at(20) and answer.seqs == (noticed, answered)


# A linkage of no enterprise, as liaison records its coverage.
NO_COVERAGE = {"enterprises": 0, "tiers": {"good": 0, "average": 0, "difficult": 0},
               "counties": [], "parks": []}


def linkage(leader_id: str, rank: str, park: str | None) -> dict:
    return {"leader_id": leader_id, "rank": rank, "park": park, "enterprises": [],
            "coverage": NO_COVERAGE}


def test_leader_units_follow_the_linkage(book):
    def liaison(stream_type, stream_id, type_, **payload):
        return book.enter("liaison", event(stream_type, stream_id, type_, at(0), **payload))

    liaison("park", "P1", "ParkRegistered", id="P1", name="赣州经开区园区", county="ganzhou_etdz")
    liaison("park", "P2", "ParkRegistered", id="P2", name="南康家具园", county="nankang")
    liaison("linkage", "city", "PlanAccepted", plan_id="plan-1", linkages=[
        linkage("L1", "top_city", "P1"), linkage("L2", "city", None)])
    liaison("linkage", "city", "DepartmentLinkedToPark", unit="dept_a", park="P1")
    liaison("linkage", "city", "DepartmentLinkedToPark", unit="dept_b", park="P2")
    liaison("linkage", "city", "LiaisonOfficerAppointed", cadre_id="c1", name="王",
            unit="dept_c", leader_id="L1")
    assert book.read(tracking.leader_units, "L1") == {"dept_a", "ganzhou_etdz", "dept_c"}
    assert book.read(tracking.leader_units, "L2") == set()
    assert book.read(tracking.leader_units, "nobody") == set()

    liaison("linkage", "city", "LinkageChanged", leader_id="L1", rank="top_city", park="P2",
            enterprises=[])
    liaison("park", "P2", "ParkChanged", county="ganxian")
    assert book.read(tracking.leader_units, "L1") == {"dept_b", "ganxian", "dept_c"}
    # A later plan replaces the city leaders' linkages.
    liaison("linkage", "city", "PlanAccepted", plan_id="plan-2", linkages=[
        linkage("L2", "city", "P1")])
    assert book.read(tracking.leader_units, "L1") == {"dept_c"}
    assert book.read(tracking.leader_units, "L2") == {"dept_a", "ganzhou_etdz"}


def dump(connection) -> dict:
    return {table.name: sorted(tuple(row) for row in connection.execute(sa.select(table)))
            for table in tracking.TABLES}


def test_rebuild_from_the_ledger_gives_the_same_tables(book):
    test_sent_back_three_times_is_a_problem_appeal(book)
    test_deliverables_and_supervision_received(book)
    book.enter("tickets", event("ticket", "T9", "ProgressNoted", at(1), note="不相干"))
    with book.engine.connect() as connection:
        live = dump(connection)
    assert sum(map(len, live.values())) > 10
    with book.engine.begin() as connection:
        connection.execute(tracking.matters_table.update().values(title="篡改"))
        read = refold(connection, chunk=7)
    assert read == book.read(lambda c: c.execute(sa.select(sa.func.count())
                                                 .select_from(ledger.ledger)).scalar())
    with book.engine.connect() as connection:
        assert dump(connection) == live


def test_each_event_folded_is_its_producer_s_alone():
    """The follower takes the whole ledger in as one source, so the fold knows an event's
    producer by the handler its stream type and type find, and parses it through that
    producer's catalogue: no other service may declare the type (none could record it)."""
    catalogues = [importlib.import_module(f"services.{service}.events").EVENTS
                  for service in SERVICES.event_sources]
    for (stream_type, type_), (producer, _) in tracking.HANDLERS.items():
        assert type_ in producer, (stream_type, type_)
        others = [c.service for c in catalogues if c.service != producer.service and type_ in c]
        assert not others, f"{type_} is declared by {producer.service} and by {others}"
    with pytest.raises(ValueError, match="tickets declares no event type TicketLost"):
        tracking.handles("tickets", "ticket", "TicketLost")


def test_an_event_not_as_its_producer_declares_it_is_not_folded(book):
    with pytest.raises(pydantic.ValidationError, match="lead_unit"):
        book.enter("tickets", Event(
            event_id="00000000-0000-0000-0000-999999999999", stream_id="T1",
            stream_type="ticket", version=1, type="TicketDispatched",
            occurred_at=format_time(at(0)), actor="office:clerk", correlation_id="c",
            causation_id="k", payload={"unit": "dept_a", "sign_due": format_time(at(1))}))
    assert book.read(tracking.matters) == []


def test_unknown_kind_is_named():
    with pytest.raises(ValueError, match="kind 'appeal'"):
        tracking.matters(None, kind="appeal")


def test_scheduling_snapshot(book):
    ticket(book, "TicketRaised", at(0), title="融资", appeal="T5")
    first = dispatch(book, at(0), "dept_a", appeal="T5")
    signed = ticket(book, "TicketSignedFor", at(2), appeal="T5", unit="dept_a",
                    first_response_due=format_time(at(3)), resolution_due=format_time(at(10)))
    snapshot = book.read(tracking.scheduling_snapshot, at(4), units=["dept_a", "dept_z"])
    assert snapshot["dept_a"] == {
        "due": ["appeal_signing:T5:1"], "done": ["appeal_signing:T5:1"],
        "late": ["appeal_signing:T5:1"], "open": ["appeal_resolution:T5:1"],
        "seqs": [first, signed]}
    assert snapshot["dept_z"] == {"due": [], "done": [], "late": [], "open": [], "seqs": []}
    assert json.dumps(snapshot)   # plain data, ready for an event


def test_each_step_reached_is_received_once(book):
    case = "supervision_case:y"
    names = {"matter_id": "survey:s9", "kind": "survey", "stream_id": "s9", "unit": "dept_c"}
    seqs = [book.enter("audit", event("supervision_case", case, type_, at(n), names))
            for n, type_ in enumerate(["SupervisionOpened", "OnSiteInspectionDue",
                                       "OnSiteInspectionRecorded", "AdmonitoryInterviewDue",
                                       "AdmonitoryInterviewHeld", "ListedForSupervision",
                                       "SupervisionClosed"])]
    steps = book.read(tracking.supervision_received, unit="dept_c")
    assert [(s.step, s.seq) for s in steps] == [
        ("inspection", seqs[1]), ("interview", seqs[3]), ("listed", seqs[5])]
    assert book.read(tracking.supervision_received, since=at(4)) == steps[2:]
