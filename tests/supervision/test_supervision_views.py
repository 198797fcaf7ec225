"""The read models of the evaluation rounds and the years' assessments
(`supervision.assessment_views`), beside the deliverables' and scheduling reports': folded in the
command's transaction, rebuilt from the audit's log into identical tables, and what the listing
RPCs answer from. On both stores."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from kernel.actor import Actor
from kernel.database import reading
from kernel.errors import DomainError, Refused
from kernel.store import EventStore, UnitOfWork
from services.supervision import projections
from services.supervision.assessment import domain as assessment
from services.supervision.assessment import views as assessment_views
from services.supervision.deliverables import views as deliverable_views
from services.supervision.deliverables import domain as planning
from services.supervision.cases import views as case_views
from services.supervision.assessment.accountability import YearAssessment
from services.supervision.deliverables.domain import Deliverable
from services.supervision.assessment.evaluation import EvaluationRound
from services.supervision.facts import AppealFact
from services.supervision.service import SupervisionService
from services.supervision.deliverables.scheduling import SchedulingReport

UTC = dt.UTC
OFFICE = Actor("clerk-li", "office")
USCC_A = "91360702MA35G0QX4J"
USCC_B = "91360700MA35F1AB2W"
ENTERPRISE_A = Actor("ent-1", "enterprise", uscc=USCC_A)
ENTERPRISE_B = Actor("ent-2", "enterprise", uscc=USCC_B)
T0 = dt.datetime(2026, 6, 1, 2, 0, tzinfo=UTC)   # 10:00 in the office, Monday 1 June
READ_MODELS = (assessment_views.evaluation_rounds, assessment_views.assessments,
               deliverable_views.supervision_deliverables,
               deliverable_views.supervision_scheduling_reports, case_views.supervision_cases)


@pytest.fixture
def engine(ledger_engine):
    return ledger_engine


@pytest.fixture
def store(engine):
    return EventStore(engine, [projections.project])


def run(store: EventStore, decide):
    with store.unit_of_work() as uow:
        return decide(uow)


def open_round(store, round_id: str, at: dt.datetime) -> None:
    def decide(uow: UnitOfWork):
        uow.save(EvaluationRound.open(round_id, title=f"评议 {round_id}", opens="2026-06-01",
                                      closes="2026-06-30", units=["zhanggong", "city-land"],
                                      at=at, actor=OFFICE))
    run(store, decide)


def rate(store, round_id: str, who: Actor, unit: str, at: dt.datetime) -> None:
    def decide(uow: UnitOfWork):
        found = uow.load(EvaluationRound, round_id)
        found.rate(uscc=who.uscc, unit=unit, work_done=4, problems_fixed=3, comment="及时",
                   served_by={unit}, at=at, actor=who)
        uow.save(found)
    run(store, decide)


def record_a_year(store: EventStore) -> None:
    """Two rounds (the first rated by two enterprises and closed), a year's deliverables, a
    scheduling report, and the year's assessment computed with a referral made on it."""
    open_round(store, "evaluation-2026-01", T0)
    rate(store, "evaluation-2026-01", ENTERPRISE_A, "zhanggong", T0 + dt.timedelta(hours=1))
    rate(store, "evaluation-2026-01", ENTERPRISE_B, "city-land", T0 + dt.timedelta(hours=2))

    def close(uow: UnitOfWork):
        found = uow.load(EvaluationRound, "evaluation-2026-01")
        found.close(note="按期结束", at=T0 + dt.timedelta(days=1), actor=OFFICE)
        uow.save(found)
    run(store, close)
    open_round(store, "evaluation-2026-02", T0 + dt.timedelta(days=2))

    def schedule(uow: UnitOfWork):
        for item in planning.year_schedule(2026, departments=["city-land"],
                                           counties=["zhanggong"]):
            uow.save(Deliverable.schedule(item, at=T0, actor=OFFICE))
    run(store, schedule)

    def report(uow: UnitOfWork):
        uow.save(SchedulingReport.issue("2026-01", title="第1期调度通报", as_of=T0, snapshot={},
                                        at=T0, actor=OFFICE))
    run(store, report)

    appeal = AppealFact(appeal_id="t-1", unit="zhanggong", dispatched_at=T0 - dt.timedelta(
        days=20), sign_due=T0 - dt.timedelta(days=19), signed_at=T0 - dt.timedelta(days=19, hours=3),
        resolution_due=T0 - dt.timedelta(days=5), resolved_at=T0 - dt.timedelta(days=6),
        replied=True, rating="satisfied", sent_back=0, seqs=(1, 2, 3))
    computed = assessment.assess({"zhanggong": "章贡区"}, [appeal], {}, [], [], as_of=T0,
                                 year=2026)

    def assess(uow: UnitOfWork):
        found = uow.load(YearAssessment, "assessment-2026")
        found.compute(computed, at=T0 + dt.timedelta(days=3), actor=OFFICE)
        found.refer(unit="zhanggong", note="涉嫌违纪", seqs=[2], ledger_size=3,
                    at=T0 + dt.timedelta(days=4), actor=OFFICE)
        uow.save(found)
    run(store, assess)


def tables(engine) -> dict[str, list[dict]]:
    with engine.connect() as connection:
        return {table.name: sorted((dict(row._mapping) for row in
                                    connection.execute(sa.select(table))),
                                   key=lambda row: row["id"])
                for table in READ_MODELS}


def test_rounds_and_assessments_are_folded_as_commands_append(store, engine):
    record_a_year(store)
    with engine.connect() as connection:
        rounds = assessment_views.rounds(connection)
        # the latest opened first
        assert [r["id"] for r in rounds] == ["evaluation-2026-02", "evaluation-2026-01"]
        assert [r["id"] for r in assessment_views.rounds(connection, status="closed")] == [
            "evaluation-2026-01"]
        first = assessment_views.round_(connection, "evaluation-2026-01")
        row = connection.execute(sa.select(assessment_views.evaluation_rounds).where(
            assessment_views.evaluation_rounds.c.id == "evaluation-2026-01")).one()
        made = assessment_views.assessments_made(connection)
        year = assessment_views.assessment(connection, "assessment-2026")
        assert assessment_views.round_(connection, "evaluation-2099-01") is None
    # the row is the aggregate's own snapshot, its columns drawn from it
    assert first == run(store, lambda uow: uow.load(
        EvaluationRound, "evaluation-2026-01").snapshot())
    assert (row.status, row.opens, row.closes, row.version) == (
        "closed", "2026-06-01", "2026-06-30", 4)
    assert [(r["uscc"], r["unit"]) for r in first["ratings"]] == [
        (USCC_A, "zhanggong"), (USCC_B, "city-land")]
    assert [m["id"] for m in made] == ["assessment-2026"]
    assert (year["year"], year["status"], year["computations"], year["version"]) == (
        2026, "computed", 1, 2)
    assert year["assessment"]["units"][0]["unit"] == "zhanggong"
    assert [r["kind"] for r in year["records"]] == ["discipline_referral"]


def test_rebuilding_from_the_log_gives_identical_tables(store, engine):
    record_a_year(store)
    before = tables(engine)
    assert len(before["supervision_evaluation_rounds"]) == 2
    assert len(before["supervision_assessments"]) == 1
    assert len(before["supervision_deliverables"]) == len(planning.year_schedule(
        2026, departments=["city-land"], counties=["zhanggong"]))
    assert len(before["supervision_scheduling_reports"]) == 1
    # a row drifted and a row lost: the rebuild writes them as the log has them
    with engine.begin() as connection:
        connection.execute(assessment_views.evaluation_rounds.update().where(
            assessment_views.evaluation_rounds.c.id == "evaluation-2026-01").values(
            status="open", state="{}"))
        connection.execute(assessment_views.assessments.delete())
    assert tables(engine) != before

    refolded = projections.rebuild(engine)

    # 2 rounds, 1 assessment, the deliverables and 1 report
    assert refolded == 2 + 1 + len(before["supervision_deliverables"]) + 1
    assert tables(engine) == before


class LocalStore:
    """What the service's `EventSourcing` gives the RPC mixin, on one store."""

    def __init__(self, store: EventStore):
        self.store, self.engine = store, store.engine

    def execute(self, command, decide):
        try:
            with self.store.unit_of_work() as uow:
                return decide(uow)
        except DomainError as exc:
            raise Refused.from_domain(exc) from exc

    def query(self, name, answer):
        try:
            with reading(self.engine) as connection:
                return answer(UnitOfWork(self.store, connection, "", ""))
        except DomainError as exc:
            raise Refused.from_domain(exc) from exc


def test_the_listing_rpcs_answer_from_the_read_models(store, engine):
    record_a_year(store)

    class Audit(SupervisionService):
        pass

    audit = Audit()
    audit.store = LocalStore(store)
    office, tax = OFFICE.to_dict(), {"sub": "officer-zhao", "role": "unit_officer",
                                     "unit": "zhanggong"}

    rounds = audit.evaluation_rounds(office)["items"]
    assert [r["id"] for r in rounds] == ["evaluation-2026-02", "evaluation-2026-01"]
    assert len(rounds[1]["ratings"]) == 2
    # an enterprise sees its own ratings of each round only
    mine = audit.evaluation_rounds(ENTERPRISE_A.to_dict())["items"]
    assert [r["uscc"] for r in mine[1]["ratings"]] == [USCC_A]

    listed = audit.deliverables(office, {"year": "2026"})["items"]
    dues = [d["due"] for d in listed]
    assert dues == sorted(dues) and len(listed) == len(tables(engine)["supervision_deliverables"])
    owned = audit.deliverables(tax, {"year": "2026"})["items"]
    assert owned and all([u["unit"] for u in d["units"]] == ["zhanggong"] for d in owned)
    assert audit.deliverables(office, {"year": "2025"})["items"] == []

    reports = audit.scheduling_reports(office)["items"]
    assert [r["number"] for r in reports] == ["2026-01"]

    # the listings read the tables, not the log: a row gone from a table is gone from them
    with engine.begin() as connection:
        connection.execute(assessment_views.evaluation_rounds.delete().where(
            assessment_views.evaluation_rounds.c.id == "evaluation-2026-02"))
        connection.execute(deliverable_views.supervision_scheduling_reports.delete())
    assert [r["id"] for r in audit.evaluation_rounds(office)["items"]] == ["evaluation-2026-01"]
    assert audit.scheduling_reports(office)["items"] == []
    projections.rebuild(engine)
    assert len(audit.evaluation_rounds(office)["items"]) == 2
    assert json.loads(json.dumps(audit.scheduling_reports(office)))["items"][0]["number"] == \
        "2026-01"
