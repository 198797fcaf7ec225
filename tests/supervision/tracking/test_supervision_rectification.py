"""The rectification of a bad rating (差评整改) as tracking folds it off a real ledger: each event
of the tickets service's with the payload it declares; the matter the unit owes, its due moved by
a plan and cleared while the office reviews a dispute; the rating a ruling voids left out of the
ratings 满意率 counts and recorded with its reason; a merged enterprise's rating counted for the
survivor's unit; the ladder taking a late rectification up; a rebuild folding the same. Then
差评整改按时率's rule on plain facts. On both stores."""
import datetime as dt
import itertools

import pytest

from kernel.envelope import format_time
from kernel.store import EventStore
from kernel.workdays import end_of_day
from services.supervision import facts
from services.supervision.assessment import domain, measures
from services.supervision.cases import sweep
from services.supervision.cases import views as cases
from services.supervision.cases.domain import case_id
from services.supervision.report import render
from services.supervision.tracking import views as tracking
from services.tickets.events import EVENTS as TICKETS
from ledger_fold import TicketBook, declared, ledger_engine, refold  # noqa: F401 - the fixture

UTC = dt.UTC
# Monday 2026-11-02, 09:00 in the office (01:00 UTC).
D0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
A, B = "dept_a", "dept_b"
_ids = itertools.count(1)


def day(n: float) -> dt.datetime:
    return D0 + dt.timedelta(days=n)


class Book(TicketBook):
    def __init__(self, engine):
        super().__init__(engine, D0, _ids)

    def handled(self, appeal, unit, resolved_on=3):
        """Dispatched on day 0, signed in time, resolved in time."""
        self(appeal, "TicketDispatched", 0, lead_unit=unit, assisting_units=[],
             sign_due=format_time(day(1)))
        self(appeal, "TicketSignedFor", 0.5, unit=unit, resolution_due=format_time(day(10)))
        self(appeal, "TicketResolved", resolved_on, summary="办结", unit=unit, on_time=True)

    def bad(self, appeal, unit, when, rating="unsatisfied", number=1, due=7, **more):
        """A bad rating and the rectification it opens, due `due` days after day 0."""
        rated = self(appeal, "TicketRated", when, rating=rating, comment="", via="enterprise")
        opened = self(appeal, "RectificationOpened", when, number=number, unit=unit,
                      rating=rating, via="enterprise", working_days=5,
                      due=format_time(day(due)), **more)
        return rated, opened

    def classify(self, appeal, unit, when, way, number=1, due=7, **more):
        return self(appeal, "RectificationClassified", when, number=number, unit=unit, way=way,
                    note="核实", due=format_time(day(due)), on_time=when <= due, **more)


@pytest.fixture
def book(ledger_engine):
    return Book(ledger_engine)


def matter_of(connection, appeal, number=1) -> facts.TrackedMatter:
    return tracking.matter(connection, tracking.rectification_matter_id(appeal, number))


def test_each_event_moves_the_units_rectification_matter(book):
    book.handled("R1", A)
    rated, opened = book.bad("R1", A, 4)
    with book.engine.connect() as connection:
        owed = matter_of(connection, "R1")
    # opened: the unit owes it by its due, titled with the appeal
    assert (owed.kind, owed.unit, owed.due_at, owed.done_at) == (
        facts.RECTIFICATION, A, day(7), None)
    assert "差评整改" in owed.title and "R1" in owed.title
    assert owed.seqs == (opened,)

    # fixed (立行立改): settled; explained (解释说明) likewise
    fixed = book.classify("R1", A, 5, "fixed")
    book.handled("R2", A)
    book.bad("R2", A, 4)
    book.classify("R2", A, 8, "explained")
    # planned (限期整改): owed by the end of the plan's day, still open, until completed
    book.handled("R3", A)
    book.bad("R3", A, 4)
    planned = book.classify("R3", A, 5, "planned", plan="更换设备", plan_due="2026-11-20")
    with book.engine.connect() as connection:
        r1, r2, r3 = (matter_of(connection, a) for a in ("R1", "R2", "R3"))
    assert (r1.done_at, set(r1.seqs)) == (day(5), {opened, fixed})
    assert r2.done_at == day(8) and r2.late(day(20))          # explained after its due
    plan_end = end_of_day(dt.date(2026, 11, 20))
    assert (r3.due_at, r3.done_at) == (plan_end, None) and planned in r3.seqs
    completed = book("R3", "RectificationCompleted", 16, number=1, unit=A, note="已更换",
                     plan_due="2026-11-20", on_time=True)
    missed = book("R3", "RectificationMissed", 17, number=1, unit=A, due=format_time(plan_end))
    with book.engine.connect() as connection:
        r3 = matter_of(connection, "R3")
    assert r3.done_at == day(16) and {completed, missed} <= set(r3.seqs)

    # disputed (申诉): the office owes its ruling, so nothing is overdue meanwhile; the ruling
    # settles it
    book.handled("R4", A)
    book.bad("R4", A, 4)
    book.classify("R4", A, 5, "disputed")
    with book.engine.connect() as connection:
        r4 = matter_of(connection, "R4")
        late = {m.matter_id for m in tracking.overdue(connection, day(30))}
    assert (r4.due_at, r4.done_at) == (None, None)
    assert r4.matter_id not in late
    book("R4", "RectificationDisputeRuled", 12, number=1, unit=A, ruling="upheld",
         reason="差评属实", rating="unsatisfied")
    with book.engine.connect() as connection:
        assert matter_of(connection, "R4").done_at == day(12)
        # upheld: the rating stays counted
        assert tracking.voided_ratings(connection) == []


def test_a_voided_rating_leaves_the_ratings_counted_and_is_recorded_with_its_reason(book):
    book.handled("V1", B)
    book("V1", "TicketRated", 3.5, rating="satisfied", comment="", via="enterprise")
    book("V1", "TicketSentBack", 3.5, resolution_due=format_time(day(20)))
    rated, _ = book.bad("V1", B, 4, rating="very_unsatisfied")
    book.classify("V1", B, 5, "disputed")
    ruling = book("V1", "RectificationDisputeRuled", 9, number=1, unit=B, ruling="voided",
                  reason="评价人误评", rating="very_unsatisfied")
    with book.engine.connect() as connection:
        voided = tracking.voided_ratings(connection)
        (appeal,) = [f for f in tracking.appeal_facts(connection) if f.appeal_id == "V1"]
        (rect,) = tracking.rectifications(connection)
    assert voided == [facts.VoidedRating(seq=rated, appeal_id="V1", unit=B,
                                         rating="very_unsatisfied", reason="评价人误评",
                                         ruling_seq=ruling)]
    assert [r for r, _ in appeal.ratings] == ["satisfied"]
    assert appeal.voided == tuple(voided)
    assert (rect.rating_seq, rect.way, rect.ruling) == (rated, "disputed", "voided")
    # 满意率: 1 of 1, the voided one named with its reason and the ruling
    figure = domain.satisfaction([appeal])
    assert (figure.numerator, figure.denominator) == (1, 1)
    assert figure.to_dict()["detail"]["voided"] == [
        {"seq": rated, "appeal_id": "V1", "rating": "very_unsatisfied",
         "reason": "评价人误评", "ruling_seq": ruling}]
    # and the exports' note of the figure says so
    note = render._detail_note("satisfaction", figure.to_dict()["detail"])
    assert note == f"撤销差评#{rated}（评价人误评）"


def test_a_merged_enterprises_rating_counts_for_the_survivors_unit(book):
    book.handled("S1", A)
    book("S1", "TicketRated", 4, rating="satisfied", comment="", via="enterprise")
    book("M1", "TicketRaised", 0, title="同一诉求")
    book("M1", "TicketMerged", 1, survivor_id="S1", survivor_ledger_number="1", reason="同一")
    merged = book("M1", "MergedAppealRated", 5, rating="unsatisfied", comment="",
                  via="enterprise", survivor_id="S1")
    opened = {"merged_appeal_id": "M1"} if (
        "merged_appeal_id" in TICKETS["RectificationOpened"].payload.model_fields) else {}
    book("S1", "RectificationOpened", 5, number=1, unit=A, rating="unsatisfied",
         via="enterprise", working_days=5, due=format_time(day(8)), **opened)
    with book.engine.connect() as connection:
        (survivor,) = [f for f in tracking.appeal_facts(connection) if f.appeal_id == "S1"]
        (rect,) = tracking.rectifications(connection)
    assert survivor.unit == A
    assert [r for r, _ in survivor.ratings] == ["satisfied", "unsatisfied"]
    assert rect.rating_seq == merged
    month = measures.monthly([survivor], [], day(30))["2026-11"][A]
    assert (month["satisfaction"].numerator, month["satisfaction"].denominator) == (1, 2)
    # voided, it leaves the survivor's unit's 满意率
    book.classify("S1", A, 6, "disputed", due=8)
    book("S1", "RectificationDisputeRuled", 7, number=1, unit=A, ruling="voided",
         reason="非本单位职责", rating="unsatisfied")
    with book.engine.connect() as connection:
        (survivor,) = [f for f in tracking.appeal_facts(connection) if f.appeal_id == "S1"]
    assert [r for r, _ in survivor.ratings] == ["satisfied"]
    assert [v.seq for v in survivor.voided] == [merged]


def test_a_late_rectification_is_taken_up_by_the_ladder_and_a_rebuild_folds_the_same(book):
    book.handled("L1", A)
    book.bad("L1", A, 4, due=7)
    # a dispute under review is chased by nobody
    book.handled("L2", B)
    book.bad("L2", B, 4, due=7)
    book.classify("L2", B, 5, "disputed")
    store = EventStore(book.engine, projectors=[cases.project])
    swept = sweep.sweep(store, day(10))
    opened = swept.of("SupervisionOpened")
    assert opened == [case_id(tracking.rectification_matter_id("L1", 1))]
    with book.engine.connect() as connection:
        (case,) = [c for c in cases.open_cases(connection)
                   if c["matter_id"] == tracking.rectification_matter_id("L1", 1)]
    assert (case["kind"], case["unit"]) == (facts.RECTIFICATION, A)
    # classified at last: the case closes on the next sweep
    book.classify("L1", A, 11, "fixed")
    closed = sweep.sweep(store, day(11.5))
    assert closed.of("SupervisionClosed") == opened

    with book.engine.connect() as connection:
        before = (tracking.matters(connection, kind=facts.RECTIFICATION),
                  tracking.rectifications(connection), tracking.voided_ratings(connection))
    with book.engine.begin() as connection:
        refold(connection)
    with book.engine.connect() as connection:
        after = (tracking.matters(connection, kind=facts.RECTIFICATION),
                 tracking.rectifications(connection), tracking.voided_ratings(connection))
    assert after == before


def _rect(**values) -> facts.Rectification:
    return facts.Rectification(**{"appeal_id": "X", "number": 1, "unit": A,
                                  "rating": "unsatisfied", "rating_seq": 1, "due": day(7),
                                  "seqs": (1,), **values})


def test_the_on_time_rate_counts_each_rectification_once_its_outcome_is_settled():
    as_of = day(20)
    plan_day = end_of_day(dt.date(2026, 11, 15))
    cases_ = {
        # settled, on time: fixed or explained by the due; planned and completed by its day
        "fixed": (_rect(way="fixed", classified_at=day(5), classified_on_time=True), True, True),
        "explained late": (_rect(way="explained", classified_at=day(8),
                                 classified_on_time=False), True, False),
        "planned done": (_rect(way="planned", classified_at=day(5), classified_on_time=True,
                               plan_due=plan_day, completed_at=day(12), completed_on_time=True),
                         True, True),
        # a plan met late is late, however early it was classified
        "planned done late": (_rect(way="planned", classified_at=day(5),
                                    classified_on_time=True, plan_due=plan_day,
                                    completed_at=day(16), completed_on_time=False), True, False),
        # a plan whose day passed uncompleted is settled, late
        "planned missed": (_rect(way="planned", classified_at=day(5), classified_on_time=True,
                                 plan_due=plan_day), True, False),
        # a plan still running is not settled
        "planned running": (_rect(way="planned", classified_at=day(5), classified_on_time=True,
                                  plan_due=end_of_day(dt.date(2026, 11, 30))), False, False),
        # a dispute counts once ruled, on time by its classification alone
        "disputed ruled": (_rect(way="disputed", classified_at=day(5), classified_on_time=True,
                                 ruling="voided", ruled_at=day(15)), True, True),
        "disputed pending": (_rect(way="disputed", classified_at=day(5),
                                   classified_on_time=True), False, False),
        # unclassified: settled (late) once its due passed, else not yet counted
        "missed": (_rect(), True, False),
        "open": (_rect(due=day(25)), False, False),
    }
    for name, (item, settled, on_time) in cases_.items():
        assert measures.rectification_settled(item, as_of) is settled, name
        if settled:
            assert measures.rectification_on_time(item) is on_time, name
    rate = measures.rectification([item for item, _, _ in cases_.values()], as_of)
    # settled: fixed, explained late, planned done, planned done late, planned missed,
    # disputed ruled, missed = 7; on time: fixed, planned done, disputed ruled = 3
    assert (rate.numerator, rate.denominator) == (3, 7)
    assert rate.to_dict()["label"] == "差评整改按时率"
