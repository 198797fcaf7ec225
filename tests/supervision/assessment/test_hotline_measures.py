"""The hotline measures by hand: three units over November 2026, every step entered in a real
ledger and folded by `tracking.track` with the payloads the tickets service declares, then the
measures computed (`assessment.measures`) and checked against the arithmetic in the comments —
及时签收率, 按时办结率, 回退率, 重办率, 回访率, 满意率 (a merged enterprise's rating and a rating the
office voided included) and 差评整改按时率; the year-end assessment's figures for the same appeals
are the same numbers. On both stores."""
import datetime as dt
import itertools

import pytest

from kernel.actor import SYSTEM
from kernel.envelope import format_time
from services.supervision import facts
from services.supervision.assessment import domain, measures
from services.supervision.cases.domain import SupervisionCase
from services.supervision.tracking import views as tracking
from ledger_fold import TicketBook, declared, ledger_engine  # noqa: F401 - the fixture

UTC = dt.UTC
# Monday 2026-11-02, 09:00 in the office (01:00 UTC).
D0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
AS_OF = dt.datetime(2026, 12, 1, tzinfo=UTC)
A, B, C = "dept_a", "dept_b", "dept_c"
_ids = itertools.count(1)


def day(n: float) -> dt.datetime:
    return D0 + dt.timedelta(days=n)


class Book(TicketBook):
    def __init__(self, engine):
        super().__init__(engine, D0, _ids)

    def dispatch(self, appeal, unit, when, sign_by, again=False):
        return self(appeal, "TicketRedispatched" if again else "TicketDispatched", when,
                    lead_unit=unit, assisting_units=[], sign_due=format_time(day(sign_by)))

    def sign(self, appeal, unit, when, resolve_by):
        return self(appeal, "TicketSignedFor", when, unit=unit,
                    resolution_due=format_time(day(resolve_by)))

    def resolve(self, appeal, unit, when):
        return self(appeal, "TicketResolved", when, summary="办结", unit=unit, on_time=True)

    def rate(self, appeal, when, rating, via="enterprise"):
        return self(appeal, "TicketRated", when, rating=rating, comment="", via=via)

    def call_back(self, appeal, when, rating):
        seq = self(appeal, "TicketCalledBack", when, reached=True, resolved="yes",
                   rating=rating, comment="", attempt=1)
        return seq, self.rate(appeal, when, rating, via="follow_up_call")

    def bad(self, appeal, unit, when, rating, due, redo_by=20):
        """A bad rating, the 重办 it sends the appeal to (resolution due `redo_by`), and the
        rectification (差评整改) it opens for the unit, due `due`."""
        rated = self.rate(appeal, when, rating)
        self(appeal, "TicketSentBack", when, resolution_due=format_time(day(redo_by)))
        self(appeal, "RectificationOpened", when, number=1, unit=unit, rating=rating,
             via="enterprise", working_days=5, due=format_time(day(due)))
        return rated

    def classify(self, appeal, unit, when, way, due, **more):
        return self(appeal, "RectificationClassified", when, number=1, unit=unit, way=way,
                    note="核实", due=format_time(day(due)), on_time=when <= due, **more)

    def return_(self, appeal, unit, when):
        return self(appeal, "TicketReturned", when, unit=unit, reason="职能不符",
                    legal_basis="三定方案", dispatch_version=2,
                    dispatched_at=format_time(day(0)), return_until=format_time(day(2)))


@pytest.fixture
def book(ledger_engine):
    return Book(ledger_engine)


def figures(rate: measures.Rate) -> tuple[int, int]:
    return rate.numerator, rate.denominator


def test_three_units_over_one_month_give_every_measure_by_hand(book):
    s = {}
    # -- unit A: three appeals ------------------------------------------------------------------
    # A1: signed and resolved in time; the callback reached the contact, 满意.
    s["a1d"] = book.dispatch("A1", A, 0, 1)
    book.sign("A1", A, 0.5, 10)
    s["a1r"] = book.resolve("A1", A, 3)
    s["a1c"], s["a1rate"] = book.call_back("A1", 4, "satisfied")
    # M1, merged into A1, its enterprise rates the survivor's outcome 满意: A's rating too.
    book("M1", "TicketRaised", 0, title="同一诉求")
    book("M1", "TicketMerged", 1, survivor_id="A1", survivor_ledger_number="1", reason="同一事项")
    s["m1rate"] = book("M1", "MergedAppealRated", 5, rating="satisfied", comment="",
                       via="enterprise", survivor_id="A1")
    # A2: signed late (day 2 past its day-1 due), resolved, rated 不满意 → 重办 with a new due
    # (day 20), resolved again on day 15 (in time for the due as it stands), rated 非常满意.
    s["a2d"] = book.dispatch("A2", A, 0, 1)
    book.sign("A2", A, 2, 10)
    s["a2r"] = book.resolve("A2", A, 8)
    # Its 不满意 opened a rectification due day 16: A classified it 限期整改 on day 10 (by its
    # due), the plan to be carried out by 20 November, and completed it on day 17 (19 November,
    # by the plan's day).
    s["a2bad"] = book.rate("A2", 9, "unsatisfied")
    s["a2redo"] = book("A2", "TicketSentBack", 9, resolution_due=format_time(day(20)))
    s["a2open"] = book("A2", "RectificationOpened", 9, number=1, unit=A, rating="unsatisfied",
                       via="enterprise", working_days=5, due=format_time(day(16)))
    book.classify("A2", A, 10, "planned", 16, plan="整改窗口服务", plan_due="2026-11-20")
    s["a2done"] = book("A2", "RectificationCompleted", 17, number=1, unit=A, note="已整改",
                       plan_due="2026-11-20", on_time=True)
    book.resolve("A2", A, 15)
    s["a2good"] = book.rate("A2", 16, "very_satisfied")
    # A3: returned by A half a day after dispatch; the office rules (终审) A must take it, to
    # sign by day 2; A signs on day 1.5, resolves on day 7 past its day-5 due; 基本满意.
    s["a3d"] = book.dispatch("A3", A, 0, 1)
    s["a3ret"] = book.return_("A3", A, 0.5)
    book("A3", "TicketReturnRuled", 1, unit=A, ruling="must_take",
         returned_at=format_time(day(0.5)), sign_due=format_time(day(2)))
    book.sign("A3", A, 1.5, 5)
    s["a3r"] = book.resolve("A3", A, 7)
    s["a3rate"] = book.rate("A3", 8, "basically_satisfied")
    # -- unit B: two appeals --------------------------------------------------------------------
    # B1: in time throughout; callback, 满意.
    s["b1d"] = book.dispatch("B1", B, 0, 1)
    book.sign("B1", B, 0.2, 10)
    s["b1r"] = book.resolve("B1", B, 4)
    s["b1c"], s["b1rate"] = book.call_back("B1", 5, "satisfied")
    # B2: returned by B unsigned, and redispatched to C: B owed neither its signing nor its
    # resolution any more.
    s["b2d"] = book.dispatch("B2", B, 0, 1)
    s["b2ret"] = book.return_("B2", B, 0.5)
    # B3: in time, rated 非常不满意 on day 6 → 重办, resolved again on day 11 (by day 20); its
    # rectification (due day 13) B disputed on day 7, and the office voided the rating on day 9.
    s["b3d"] = book.dispatch("B3", B, 0, 1)
    book.sign("B3", B, 0.3, 10)
    book.resolve("B3", B, 5)
    s["b3bad"] = book.bad("B3", B, 6, "very_unsatisfied", 13)
    book.classify("B3", B, 7, "disputed", 13)
    s["b3void"] = book("B3", "RectificationDisputeRuled", 9, number=1, unit=B, ruling="voided",
                       reason="评价人误评,企业已确认", rating="very_unsatisfied")
    book.resolve("B3", B, 11)
    # B4: in time, rated 不满意 on day 6 → 重办, resolved again on day 13; its rectification (due
    # day 13) B explained on day 15, late.
    s["b4d"] = book.dispatch("B4", B, 0, 1)
    book.sign("B4", B, 0.3, 10)
    book.resolve("B4", B, 5)
    s["b4bad"] = book.bad("B4", B, 6, "unsatisfied", 13)
    book.resolve("B4", B, 13)
    book.classify("B4", B, 15, "explained", 13)
    # -- unit C: four appeals -------------------------------------------------------------------
    # B2 at C: signed and resolved in time, neither called back nor rated.
    s["c-b2d"] = book.dispatch("B2", C, 1, 2, again=True)
    book.sign("B2", C, 1.5, 10)
    s["c-b2r"] = book.resolve("B2", C, 6)
    # C1: signed in time, due day 10, still unresolved on the 1st of December.
    s["c1d"] = book.dispatch("C1", C, 0, 1)
    book.sign("C1", C, 0.5, 10)
    # C2: in time, rated 不满意 on day 4 → 重办, resolved again on day 8; its rectification
    # (due day 11) never classified, marked missed on day 12.
    book.dispatch("C2", C, 0, 1)
    book.sign("C2", C, 0.5, 10)
    book.resolve("C2", C, 3)
    s["c2bad"] = book.bad("C2", C, 4, "unsatisfied", 11)
    book.resolve("C2", C, 8)
    s["c2miss"] = book("C2", "RectificationMissed", 12, number=1, unit=C,
                       due=format_time(day(11)))
    # C3: dispatched on day 20, resolved on day 25, rated 非常不满意 on day 26 → 重办 due day 40
    # (11 December), unresolved on the 1st; its rectification is due day 33 (5 December): not
    # yet settled either.
    book.dispatch("C3", C, 20, 21)
    book.sign("C3", C, 20.5, 30)
    book.resolve("C3", C, 25)
    s["c3bad"] = book.bad("C3", C, 26, "very_unsatisfied", 33, redo_by=40)

    with book.engine.connect() as connection:
        appeals = tracking.appeal_facts(connection)
        steps = tracking.hotline_steps(connection)
        rectifications = tracking.rectifications(connection)
    month = measures.monthly(appeals, steps, AS_OF, rectifications=rectifications)
    assert list(month) == ["2026-11"]
    a, b, c = (month["2026-11"][unit] for unit in (A, B, C))
    assert set(a) == set(measures.MEASURES)

    # 及时签收率: A — A1 and A3 (by the ruling's due) in time, A2 late: 2/3. B — B1, B3, B4:
    # 3/3 (B2 was returned unsigned: no signing owed). C — B2, C1, C2, C3: 4/4.
    assert (figures(a["signing"]), figures(b["signing"]), figures(c["signing"])) == (
        (2, 3), (3, 3), (4, 4))
    # 按时办结率: A — A1 in time, A2 in time for its due as it stands (day 15 ≤ day 20), A3 late
    # (day 7 > day 5): 2/3. B — B1, and B3 and B4 resolved again by their redo's due (days 11
    # and 13 ≤ day 20): 3/3. C — B2 in time, C1 past its due unresolved, C2 again by its redo's
    # due (day 8 ≤ 20), C3's redo not due yet (not counted): 2/3.
    assert (figures(a["completion"]), figures(b["completion"]), figures(c["completion"])) == (
        (2, 3), (3, 3), (2, 3))
    # 回退率: A — 1 return (A3) of 3 dispatches: 1/3. B — 1 (B2) of 4: 1/4. C — 0 of 4: 0/4.
    assert (figures(a["returns"]), figures(b["returns"]), figures(c["returns"])) == (
        (1, 3), (1, 4), (0, 4))
    assert set(a["returns"].seqs) == {s["a1d"], s["a2d"], s["a3d"], s["a3ret"]}
    # 重办率: A — A2 sent back of A1, A2, A3 resolved: 1/3. B — B3 and B4 of B1, B3, B4: 2/3.
    # C — C2 and C3 of B2, C2, C3 resolved (C1 is not): 2/3.
    assert (figures(a["redo"]), figures(b["redo"]), figures(c["redo"])) == (
        (1, 3), (2, 3), (2, 3))
    assert s["a2redo"] in a["redo"].seqs
    # 回访率: A — A1 called back of 3 resolved: 1/3. B — B1 of 3: 1/3. C — none of 3: 0/3.
    assert (figures(a["callback"]), figures(b["callback"]), figures(c["callback"])) == (
        (1, 3), (1, 3), (0, 3))
    assert {s["a1c"], s["a1r"]} <= set(a["callback"].seqs)
    # 满意率 (基本满意 counted as satisfied, the default): A — 满意 (A1), 满意 (M1's enterprise,
    # merged into A1: A's), 不满意 and 非常满意 (A2, both counted), 基本满意 (A3): 4/5. B — 满意
    # (B1), 不满意 (B4); B3's 非常不满意 voided by the office, out of both: 1/2. C — 不满意 (C2),
    # 非常不满意 (C3): 0/2.
    assert (figures(a["satisfaction"]), figures(b["satisfaction"]),
            figures(c["satisfaction"])) == ((4, 5), (1, 2), (0, 2))
    assert set(a["satisfaction"].seqs) == {
        s["a1rate"], s["m1rate"], s["a2bad"], s["a2good"], s["a3rate"]}
    assert s["b3bad"] not in b["satisfaction"].seqs
    # the voided rating is named, with the office's reason and its ruling
    assert b["satisfaction"].to_dict()["voided"] == [
        {"seq": s["b3bad"], "appeal_id": "B3", "rating": "very_unsatisfied",
         "reason": "评价人误评,企业已确认", "ruling_seq": s["b3void"]}]
    assert a["satisfaction"].to_dict()["voided"] == []
    # The office may set 基本满意 not counted: A — 满意, 满意 and 非常满意 of 5: 3/5.
    strict = measures.monthly(appeals, steps, AS_OF, basic_satisfied=False)["2026-11"]
    assert figures(strict[A]["satisfaction"]) == (3, 5)
    # 差评整改按时率: A — A2's, classified by its due and its plan completed by its day: 1/1. B —
    # B3's disputed by its due and ruled (on time: the review is the office's), B4's explained
    # after its due: 1/2. C — C2's never classified, its due passed (missed): 0/1; C3's not due
    # yet: not counted.
    assert (figures(a["rectification"]), figures(b["rectification"]),
            figures(c["rectification"])) == ((1, 1), (1, 2), (0, 1))
    assert {s["a2open"], s["a2done"]} <= set(a["rectification"].seqs)
    assert s["c2miss"] in c["rectification"].seqs

    # The year-end assessment of the same appeals gives the same figures, the voided rating
    # left out of its 满意率 too, and named there.
    # 回退率, 回访率 and 差评整改按时率 are the year's by the months' own definitions
    # (`measures.yearly`): one month here, so the same.
    assessed = domain.assess({A: "A", B: "B", C: "C"}, appeals, {}, [], [], as_of=AS_OF,
                             year=2026, hotline=measures.yearly(
                                 appeals, steps, AS_OF, rectifications=rectifications))
    for unit, mine in ((A, a), (B, b), (C, c)):
        year = assessed.unit(unit).figures
        for code in ("signing", "completion", "satisfaction", "returns", "callback",
                     "rectification"):
            assert (year[code].numerator, year[code].denominator) == figures(mine[code])
            assert set(year[code].seqs) == set(mine[code].seqs)
    assert assessed.unit(B).figures["satisfaction"].to_dict()["detail"]["voided"] == (
        b["satisfaction"].to_dict()["voided"])


def test_an_assisting_units_task_is_a_matter_due_its_date_settled_by_its_answer(book):
    book.dispatch("T9", A, 0, 1)
    opened = book("T9", "AssistTaskOpened", 0, unit=B, lead_unit=A, working_days=3,
                  due=format_time(day(3)))
    book("T9", "AssistTaskOpened", 0, unit=C, lead_unit=A, working_days=3,
         due=format_time(day(3)))
    answered = book("T9", "AssistTaskAnswered", 4, unit=B, lead_unit=A, reply="意见",
                    due=format_time(day(3)), on_time=False)
    book("T9", "AssistTaskWaived", 5, unit=C, reason="无需协办", due=format_time(day(3)))
    with book.engine.connect() as connection:
        tasks = tracking.matters(connection, kind=facts.ASSIST_TASK)
        waived = [m for m in tracking.matters(connection, kind=facts.ASSIST_TASK,
                                              withdrawn=True) if m.unit == C]
    assert [(m.unit, m.due_at, m.done_at, m.late(AS_OF)) for m in tasks] == [
        (B, day(3), day(4), True)]
    assert set(tasks[0].seqs) == {opened, answered}
    assert len(waived) == 1  # withdrawn: owed no more, never overdue
    # late, it is taken up by the ladder like an appeal's matter
    case = SupervisionCase.open(tasks[0].matter_id, kind=facts.ASSIST_TASK,
                                stream_id=tasks[0].stream_id, unit=B, due_at=tasks[0].due_at,
                                seqs=tasks[0].seqs, at=AS_OF, actor=SYSTEM)
    assert case.snapshot()["kind_label"] == "协办任务"
