"""Supervision's RPC mixin on both stores, without a broker: the mixin composed with a store that
runs commands and queries as the service's does (named domain errors become `Refused`, a lost
race is decided again), the audit's own events taken into the ledger and tracking as the audit
takes them back from `audit.events`; the roles each RPC lets through; and the gateway's routes
for it described by a valid OpenAPI document."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from kernel.store import write_checkpoint
from kernel.database import reading
from kernel.envelope import Event, format_time
from kernel.errors import ConcurrencyError, DomainError, Refused
from kernel.store import EventStore, UnitOfWork
from services.audit import ledger
from ledger_fold import declared
from services.supervision.tracking import views as tracking
from services.supervision.service import SupervisionService

OFFICE = {"sub": "clerk-li", "role": "office"}
SUPERVISOR = {"sub": "inspector-wang", "role": "supervisor"}
TAX = {"sub": "officer-zhao", "role": "unit_officer", "unit": "zhanggong-tax"}
LAND = {"sub": "officer-qian", "role": "unit_officer", "unit": "city-land"}
LEADER = {"sub": "leader-liu", "role": "leader"}
ENTERPRISE = {"sub": "ent-1", "role": "enterprise", "uscc": "91360702MA35G0QX4J"}
UTC = dt.timezone.utc


class LocalStore:
    """What `EventSourcing` gives a worker, on one engine: `execute` in a unit of work (domain
    errors refused by name, a lost race decided again), `query` reading, `read`."""

    def __init__(self, engine: sa.Engine, projectors=()):
        self.store = EventStore(engine, projectors)
        self.engine = engine

    def execute(self, command, decide, attempts: int = 3):
        for attempt in range(1, attempts + 1):
            try:
                with self.store.unit_of_work() as uow:
                    return decide(uow)
            except DomainError as exc:
                raise Refused.from_domain(exc) from exc
            except ConcurrencyError as exc:
                if attempt == attempts:
                    raise Refused("concurrent_change", "conflict", str(exc)) from exc

    def query(self, name, answer):
        try:
            with reading(self.engine) as connection:
                return answer(UnitOfWork(self.store, connection, "", ""))
        except DomainError as exc:
            raise Refused.from_domain(exc) from exc

    def read(self, query):
        with reading(self.engine) as connection:
            return query(connection)


class Ledgered:
    """The ledger as the audit keeps it: every event appended as the next entry and folded by
    tracking in the same transaction; the audit's own events once they are committed."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.positions: dict[str, int] = {}

    def take(self, service: str, events: list[Event]) -> list[int]:
        seqs = []
        with self.engine.begin() as connection:
            appender = ledger.Appender(connection)
            for event in events:
                self.positions[service] = self.positions.get(service, 0) + 1
                seq = appender.add(service, self.positions[service], event)
                tracking.track(connection, seq, service, event)
                write_checkpoint(connection, tracking.CHECKPOINT, seq)  # as the follower does
                seqs.append(seq)
            appender.flush()
        return seqs

    def take_own(self, store: EventStore, after: int = 0) -> int:
        """The audit's own events after `after` (its log's position), into the ledger; the
        position reached."""
        page = store.read_all(after=after, limit=10_000)
        if page:
            self.take("audit", [event for _, event in page])
            return page[-1][0]
        return after


def event(stream_id: str, stream_type: str, type_: str, version: int, at: dt.datetime,
          payload: dict, actor: str = "office:clerk-li") -> Event:
    return Event(event_id=f"{stream_id}-{version}", stream_id=stream_id,
                 stream_type=stream_type, version=version, type=type_,
                 occurred_at=format_time(at), actor=actor, correlation_id="c",
                 causation_id="", payload=declared(stream_type, type_, payload))


@pytest.fixture
def engine(ledger_engine):
    return ledger_engine


@pytest.fixture
def audit(engine):
    """The mixin over the store, and the ledger that takes its events back."""

    class Audit(SupervisionService):
        store = LocalStore(engine, _projectors())

    service = Audit()
    service.ledger = Ledgered(engine)
    return service


def _projectors():
    try:
        from services.supervision import projections
    except ImportError:  # the case read models not composed yet
        return []
    return [projections.project]


def refused(call, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as caught:
        call(*args, **kwargs)
    return caught.value


# -- appeals in the ledger, as tickets records them ---------------------------------------------

T0 = dt.datetime(2026, 5, 11, 1, 0, tzinfo=UTC)  # Monday, 09:00 in the office


def dispatched(ticket: str, unit: str, at: dt.datetime, sign_due: dt.datetime,
               version: int = 2) -> Event:
    return event(ticket, "ticket", "TicketDispatched", version, at, {
        "lead_unit": unit, "assisting_units": [], "sign_due": format_time(sign_due)})


def raised(ticket: str, at: dt.datetime, uscc: str = "91360702MA35G0QX4J") -> Event:
    return event(ticket, "ticket", "TicketRaised", 1, at, {
        "ledger_number": f"GZ-{ticket}", "enterprise_name": "赣州某企业", "uscc": uscc,
        "title": f"诉求 {ticket}", "description": "融资难", "category": "financing",
        "county": "zhanggong", "channel": "online", "received_at": format_time(at),
        "step_days": {}}, actor=f"enterprise:{uscc}:ent")


# -- tracking --------------------------------------------------------------------------------

def test_the_tracking_view_is_narrowed_to_what_the_caller_may_read(audit):
    audit.ledger.take("tickets", [
        raised("t-1", T0), dispatched("t-1", "zhanggong-tax", T0, T0 + dt.timedelta(days=1)),
        raised("t-2", T0), dispatched("t-2", "city-land", T0, T0 + dt.timedelta(days=1))])

    everything = audit.tracked_matters(OFFICE)["items"]
    assert {(m["unit"], m["kind"]) for m in everything} == {
        ("zhanggong-tax", "appeal_signing"), ("city-land", "appeal_signing")}
    tax = audit.tracked_matters(TAX)["items"]
    assert [m["unit"] for m in tax] == ["zhanggong-tax"]
    assert tax[0]["late"] is True and tax[0]["seqs"] == [2]  # the dispatch set it up
    # a unit officer asking for another unit gets nothing of it
    assert audit.tracked_matters(TAX, {"unit": "city-land"})["items"] == []
    assert audit.tracked_matters(SUPERVISOR, {"unit": "city-land", "late": "true"})["items"][0][
        "stream_id"] == "t-2"
    assert audit.tracked_matters(SUPERVISOR, {"late": "false"})["items"] == []
    # a leader with no linkage sees no unit
    assert audit.tracked_matters(LEADER)["items"] == []

    counted = audit.unit_tracking(TAX, "zhanggong-tax")
    assert (counted["due"], counted["done"], counted["late"]) == (0, 0, 1)
    assert counted["by_kind"] == {"appeal_signing": {"due": 0, "done": 0, "late": 1}}
    assert refused(audit.unit_tracking, TAX, "city-land").kind == "not_found"

    no = refused(audit.tracked_matters, ENTERPRISE)
    assert (no.kind, no.rule) == ("forbidden", "supervision_role_not_allowed")
    bad = refused(audit.tracked_matters, OFFICE, {"kind": "lunch"})
    assert (bad.kind, bad.field) == ("invalid", "kind")
    bad = refused(audit.tracked_matters, OFFICE, {"colour": "red"})
    assert (bad.kind, bad.field) == ("invalid", "colour")


# -- thresholds ------------------------------------------------------------------------------

def test_the_office_sets_the_thresholds_and_everyone_reads_them(audit):
    assert audit.supervision_thresholds(TAX) == {
        "version": 0, "reminder": 1, "notice": 3, "inspection": 5, "interview": 8, "listed": 10}
    changed = {"reminder": 0, "notice": 2, "inspection": 4, "interview": 6, "listed": 9}
    # The version is the thresholds' ETag: one change, one version more.
    assert audit.set_supervision_thresholds(OFFICE, changed) == {**changed, "version": 1}
    assert audit.supervision_thresholds(SUPERVISOR) == {**changed, "version": 1}

    no = refused(audit.set_supervision_thresholds, SUPERVISOR, changed)
    assert no.kind == "forbidden"
    bad = refused(audit.set_supervision_thresholds, OFFICE, {**changed, "notice": 0})
    assert (bad.kind, bad.field) == ("invalid", "thresholds.notice")
    bad = refused(audit.set_supervision_thresholds, OFFICE, {**changed, "lunch": 1})
    assert (bad.kind, bad.field) == ("invalid", "lunch")
    assert audit.supervision_thresholds(OFFICE) == {**changed, "version": 1}


# -- the ladder through the RPCs: deliverables missed, climbed, a notice answered ------------

DEPARTMENTS = ["city-land", "zhanggong-tax"]


def test_a_missed_deliverable_climbs_to_a_notice_the_unit_answers(audit):
    made = audit.schedule_deliverables(OFFICE, {"year": 2016, "departments": DEPARTMENTS,
                                                "counties": ["zhanggong"]})["items"]
    assert [d["code"] for d in made][:2] == ["mobilisation_meeting", "portal_publication"]
    again = refused(audit.schedule_deliverables, OFFICE, {"year": 2016,
                                                          "departments": DEPARTMENTS})
    assert again.kind == "conflict"
    assert refused(audit.schedule_deliverables, TAX, {"year": 2017,
                                                      "departments": DEPARTMENTS}).kind \
        == "forbidden"
    # the office delivers its meeting; the officer of the tax bureau his unit's rules
    meeting = "deliverable:2016:mobilisation_meeting"
    assert audit.deliver(OFFICE, meeting, {"unit": "office", "document": "赣市办字〔2016〕1号"})[
        "units"][0]["status"] == "delivered_late"
    mine = audit.deliverables(TAX, {"year": "2016"})["items"]
    assert all([u["unit"] for u in d["units"]] == ["zhanggong-tax"] for d in mine)
    assert "mobilisation_meeting" not in [d["code"] for d in mine]
    other = refused(audit.deliver, TAX, "deliverable:2016:department_rules",
                    {"unit": "city-land", "seqs": [1]})
    assert other.kind == "forbidden"
    position = audit.ledger.take_own(audit.store.store)

    rules_matter = "deliverable:2016:department_rules"
    late = audit.tracked_matters(TAX, {"kind": "deliverable", "late": "true"})["items"]
    assert rules_matter in {m["stream_id"] for m in late}
    assert refused(audit.run_supervision_sweep, TAX).kind == "forbidden"

    # the round: every owner that delivered nothing recorded missed, and the ladder's first
    # step taken; then a notice, one step a round (years overdue)
    first = audit.run_supervision_sweep(SUPERVISOR)
    assert {"deliverable_id": rules_matter, "unit": "zhanggong-tax"} in first["missed"]
    assert {"deliverable_id": meeting, "unit": "office"} not in first["missed"]
    position = audit.ledger.take_own(audit.store.store, position)
    cases = audit.supervision_cases(TAX)["items"]
    assert cases and {c["unit"] for c in cases} == {"zhanggong-tax"}
    assert {c["step"] for c in cases} == {"reminder"}
    audit.run_supervision_sweep(OFFICE)
    position = audit.ledger.take_own(audit.store.store, position)
    notices = audit.supervision_notices(TAX, {"answered": "false"})["items"]
    assert notices and {n["unit"] for n in notices} == {"zhanggong-tax"}
    case_id = next(n["case_id"] for n in notices
                   if n["matter_id"].startswith(f"deliverable:{rules_matter}"))
    assert audit.supervision_notices(LAND, {"unit": "zhanggong-tax"})["items"] == []
    assert refused(audit.supervision_case, LAND, case_id).kind == "not_found"

    # the unit answers its notice; another unit's officer cannot; the working group reads it
    assert refused(audit.act_on_supervision_case, LAND, case_id, "answer",
                   {"answer": "已整改"}).kind == "not_found"
    assert refused(audit.act_on_supervision_case, TAX, case_id, "inspection", {
        "findings": "x", "inspectors": ["王"], "date": "2016-06-01"}).kind == "forbidden"
    answered = audit.act_on_supervision_case(TAX, case_id, "answer",
                                             {"answer": "已制定实施细则并报送", "seqs": [1]})
    assert answered["notice"]["answered"]["answer"] == "已制定实施细则并报送"
    assert refused(audit.act_on_supervision_case, TAX, case_id, "answer",
                   {"answer": "again"}).kind == "conflict"
    assert refused(audit.act_on_supervision_case, TAX, case_id, "shout", {}).field == "action"
    assert refused(audit.act_on_supervision_case, TAX, case_id, "answer",
                   {"answer": "x", "mood": "sad"}).field == "mood"
    assert audit.supervision_case(SUPERVISOR, case_id)["notice"]["answered"] is not None
    audit.ledger.take_own(audit.store.store, position)
    steps = {(s["unit"], s["kind"]) for s in audit.tracked_matters(OFFICE, {
        "kind": "notice_answer"})["items"]}
    assert ("zhanggong-tax", "notice_answer") in steps


def test_scheduling_reports_state_each_units_matters_with_seqs(audit):
    audit.ledger.take("tickets", [
        raised("t-1", T0), dispatched("t-1", "zhanggong-tax", T0, T0 + dt.timedelta(days=1))])
    issued = audit.issue_scheduling_report(OFFICE, {"title": "第1期调度通报"})
    year = dt.datetime.now(UTC).year
    assert issued["number"] == f"{year}-01"
    [line] = issued["units"]
    assert (line["unit"], line["due"], line["late"], line["seqs"]) == ("zhanggong-tax", 1, 1, [2])
    second = audit.issue_scheduling_report(SUPERVISOR, {"title": "第2期", "units": ["city-land"]})
    assert second["number"] == f"{year}-02"
    assert [r["number"] for r in audit.scheduling_reports(OFFICE)["items"]] == [
        f"{year}-02", f"{year}-01"]
    assert audit.scheduling_report(LAND, f"{year}-01")["units"] == []
    assert audit.scheduling_report(TAX, f"{year}-01")["units"][0]["unit"] == "zhanggong-tax"
    assert refused(audit.scheduling_report, OFFICE, "1999-09").kind == "not_found"
    assert refused(audit.issue_scheduling_report, TAX, {"title": "x"}).kind == "forbidden"


# -- an evaluation round and the assessment, every record citing entries of the ledger ---------

USCC_A = "91360702MA35G0QX4J"
USCC_B = "91360700MA35F1AB2W"


def appeal(ticket: str, unit: str, uscc: str, at: dt.datetime, *, rating: str,
           on_time: bool) -> list[Event]:
    """An appeal raised, dispatched, signed for and resolved (in time or not), then rated."""
    sign_due, resolution_due = at + dt.timedelta(days=1), at + dt.timedelta(days=10)
    resolved = at + dt.timedelta(days=5 if on_time else 12)
    return [
        raised(ticket, at, uscc), dispatched(ticket, unit, at, sign_due),
        event(ticket, "ticket", "TicketSignedFor", 3, at + dt.timedelta(hours=2), {
            "resolution_due": format_time(resolution_due),
            "first_response_due": format_time(at + dt.timedelta(days=3))}),
        event(ticket, "ticket", "TicketResolved", 4, resolved, {"summary": "办结"}),
        event(ticket, "ticket", "TicketRated", 5, resolved + dt.timedelta(hours=1),
              {"rating": rating}, actor=f"enterprise:{uscc}:ent"),
    ]


def test_a_round_and_an_assessment_whose_records_cite_ledger_entries(audit):
    audit.ledger.take("tickets", [
        *appeal("t-1", "zhanggong-tax", USCC_A, T0, rating="satisfied", on_time=True),
        *appeal("t-2", "zhanggong-tax", USCC_B, T0, rating="satisfied", on_time=True),
        *appeal("t-3", "city-land", USCC_A, T0, rating="unsatisfied", on_time=False)])
    today = dt.datetime.now(UTC).date()
    opened = audit.open_evaluation_round(OFFICE, {
        "title": "2026年第一轮评议", "opens": (today - dt.timedelta(days=1)).isoformat(),
        "closes": (today + dt.timedelta(days=1)).isoformat(),
        "units": ["zhanggong-tax", "city-land"]})
    round_id = opened["id"]
    a, b = dict(ENTERPRISE), {"sub": "ent-2", "role": "enterprise", "uscc": USCC_B}
    audit.rate_evaluated_unit(a, round_id, {"unit": "zhanggong-tax", "work_done": 5,
                                            "problems_fixed": 4})
    audit.rate_evaluated_unit(a, round_id, {"unit": "city-land", "work_done": 2,
                                            "problems_fixed": 1, "comment": "拖延"})
    # the second enterprise was never served by the land bureau; nobody rates twice
    assert refused(audit.rate_evaluated_unit, b, round_id, {
        "unit": "city-land", "work_done": 5, "problems_fixed": 5}).kind in ("forbidden",
                                                                              "conflict")
    assert refused(audit.rate_evaluated_unit, a, round_id, {
        "unit": "city-land", "work_done": 5, "problems_fixed": 5}).kind == "conflict"
    assert [r["unit"] for r in audit.evaluation_round(b, round_id)["ratings"]] == []
    audit.close_evaluation_round(OFFICE, round_id, {})
    position = audit.ledger.take_own(audit.store.store)
    results = {u["unit"]: u for u in audit.evaluation_results(SUPERVISOR, round_id)["units"]}
    assert results["zhanggong-tax"]["ratings"] == 1 and len(results["zhanggong-tax"]["seqs"]) == 1

    year = T0.year
    computed = audit.compute_assessment(OFFICE, {"year": year, "round_id": round_id})
    ranking = audit.assessment_ranking(OFFICE, year)["items"]
    # The two units with appeals ranked; the notice's counties and zones follow, unscored.
    scored = [u for u in ranking if u["rank"] is not None]
    assert [u["unit"] for u in scored] == ["zhanggong-tax", "city-land"]
    assert [u["rank"] for u in scored] == [1, 2]
    assert len(ranking) == 2 + 21 and all(u["score"] is None for u in ranking[2:])
    mine = audit.assessment(TAX, year)["assessment"]["units"]
    assert [u["unit"] for u in mine] == ["zhanggong-tax"]
    land = computed["assessment"]["units"][1]
    assert land["figures"]["completion"]["numerator"] == 0 and land["below_floor"] is True

    audit.act_on_assessment(OFFICE, year, "commend", {"top": 1})
    audit.act_on_assessment(SUPERVISOR, year, "admonish", {
        "unit": "city-land", "reason": "满意率低于85%", "person": "钱科长"})
    refused_refer = refused(audit.act_on_assessment, OFFICE, year, "refer", {
        "unit": "city-land", "note": "x", "seqs": [10**6]})
    assert (refused_refer.kind, refused_refer.field) == ("invalid", "seqs[0]")
    audit.act_on_assessment(OFFICE, year, "refer", {"unit": "city-land", "note": "涉嫌违纪",
                                                    "seqs": [11, 12]})
    assert refused(audit.act_on_assessment, TAX, year, "commend", {"top": 1}).kind \
        == "forbidden"
    records = audit.assessment_records(OFFICE, year)["items"]
    assert [r["kind"] for r in records] == ["commendation", "admonishment_talk",
                                            "discipline_referral"]
    assert [r["kind"] for r in audit.assessment_records(TAX, year)["items"]] == ["commendation"]

    # every cited seq is an entry of the ledger that says what the record claims
    audit.ledger.take_own(audit.store.store, position)
    with audit.store.engine.connect() as connection:
        entries = {row.seq: row for row in connection.execute(sa.select(ledger.ledger)).all()}
    for record in records:
        assert record["seqs"], record
        for seq in record["seqs"]:
            assert seq in entries
    commended = {entries[s].stream_id for s in records[0]["seqs"]}
    assert commended <= {"t-1", "t-2", round_id}
    admonished = {(entries[s].stream_id, entries[s].type) for s in records[1]["seqs"]}
    assert ("t-3", "TicketRated") in admonished

    # the exports
    export = audit.assessment_export(SUPERVISOR, year, "pdf")
    assert export["media_type"] == "application/pdf" and export["filename"].endswith(".pdf")
    import base64
    assert base64.b64decode(export["base64"]).startswith(b"%PDF")
    dashboard = audit.assessment_dashboard(OFFICE, year)
    assert dashboard["year"] == year
    # a unit officer's dashboard and exports hold his own unit, with its rank among all
    own = audit.assessment_dashboard(TAX, year)["ranking"]
    assert [(u["unit"], u["rank"], u["of"]) for u in own] == [("zhanggong-tax", 1, 2)]
    assert audit.assessment_export(TAX, year, "xlsx")["filename"].endswith(".xlsx")
    assert refused(audit.assessment_export, ENTERPRISE, year, "xlsx").kind == "forbidden"
    assert refused(audit.assessment, OFFICE, year + 1).kind == "not_found"


# -- the gateway's routes ----------------------------------------------------------------------

def composed_gateway():
    """The gateway with supervision's routes, as gateway/service.py composes it once wired."""
    from gateway.assessments import AssessmentsApi
    from gateway.evaluations import EvaluationsApi
    from gateway.service import Gateway
    from gateway.supervision import SupervisionApi

    if issubclass(Gateway, SupervisionApi):
        return Gateway
    return type("Gateway", (SupervisionApi, EvaluationsApi, AssessmentsApi, Gateway), {})


def test_the_openapi_document_describes_every_supervision_route():
    from openapi_spec_validator import validate

    from gateway import openapi

    document = openapi.document(composed_gateway())
    validate(document)
    paths = document["paths"]
    expected = {
        "/api/v1/supervision/matters": {"get"}, "/api/v1/supervision/units/{unit}": {"get"},
        "/api/v1/supervision/cases": {"get"}, "/api/v1/supervision/cases/{case_id}": {"get"},
        "/api/v1/supervision/cases/{case_id}/answer": {"post"},
        "/api/v1/supervision/cases/{case_id}/inspection": {"post"},
        "/api/v1/supervision/cases/{case_id}/interview": {"post"},
        "/api/v1/supervision/notices": {"get"},
        "/api/v1/supervision/thresholds": {"get", "put"},
        "/api/v1/supervision/sweeps": {"post"},
        "/api/v1/supervision/scheduling-reports": {"get", "post"},
        "/api/v1/supervision/deliverables": {"get", "post"},
        "/api/v1/supervision/deliverables/{deliverable_id}/deliveries": {"post"},
        "/api/v1/supervision/summary-reports": {"post"},
        "/api/v1/evaluations": {"get", "post"},
        "/api/v1/evaluations/{round_id}/ratings": {"post"},
        "/api/v1/evaluations/{round_id}/close": {"post"},
        "/api/v1/evaluations/{round_id}/results": {"get"},
        "/api/v1/assessments": {"post"}, "/api/v1/assessments/{year}": {"get"},
        "/api/v1/assessments/{year}/ranking": {"get"},
        "/api/v1/assessments/{year}/records": {"get"},
        "/api/v1/assessments/{year}/commend": {"post"},
        "/api/v1/assessments/{year}/hold-accountable": {"post"},
        "/api/v1/assessments/{year}/refer": {"post"},
        "/api/v1/assessments/{year}/export.pdf": {"get"},
        "/api/v1/assessments/{year}/export.xlsx": {"get"},
        "/api/v1/assessments/{year}/export.json": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    pdf = paths["/api/v1/assessments/{year}/export.pdf"]["get"]["responses"]["200"]
    assert "application/pdf" in pdf["content"]
    answer = paths["/api/v1/supervision/cases/{case_id}/answer"]["post"]
    assert {"401", "403", "404", "409", "422"} <= set(answer["responses"])
    steps = document["components"]["schemas"]["SupervisionStep"]["enum"]
    assert steps == ["reminder", "notice", "inspection", "interview", "listed"]


def test_the_wire_vocabularies_are_the_domains():
    from services.supervision import contract
    from services.supervision.cases import ladder

    assert contract.SupervisionStep.labels() == ladder.Step.labels()
    assert set(contract.AssessmentWeights.model_fields) == {
        m.value for m in __import__("services.supervision.assessment.domain",
                                    fromlist=["Measure"]).Measure}
