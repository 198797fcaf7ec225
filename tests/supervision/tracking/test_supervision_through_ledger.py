"""Supervision through the real path, on each store: appeals made by the tickets service's own
`Ticket` aggregate, each fact appended to the ledger (`ledger.append`) and folded by
`tracking.track` with its seq, as the audit's `record` does; the sweep run with its default
reader (tracking itself) twice a day over the weeks around National Day 2026 (1–7 October off,
Saturday 10 October a make-up working day); and the audit's own facts relayed into the ledger
after each sweep, as the audit following its own `audit.events` does, so "supervision received"
counts them with their seqs.

- an appeal not signed for, and one not resolved, each climb reminder → notice → inspection due →
  interview due → listed, each on the working day its threshold is reached, once; every step
  names the unit, the matter and ledger seqs that are the appeal's own entries;
- an appeal sent back three times is listed at once (提级督办), and so is one passed among three
  units none of which signed for it;
- once signed for, resolved, or (a problem appeal) resolved again, its case closes.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from kernel.store import write_checkpoint
from kernel.actor import Actor
from kernel.aggregate import Fact
from kernel.clock import OFFICE_TIME
from kernel.envelope import Event, format_time
from kernel.store import EventStore
from services.audit import ledger
from services.supervision import facts
from services.supervision.cases import sweep
from services.supervision.tracking import views as tracking
from services.supervision.cases import views
from services.supervision.cases.domain import SupervisionCase, case_id, problem_matter_id
from services.tickets.appeals.domain import Category, Channel, Ticket
from ledger_fold import declared, refold

OFFICE = Actor(sub="clerk", role="office")
UNIT = "city_industry"
COUNTIES = ("zhanggong", "ganxian", "nankang")
USCC = "91360702MA35G0QX4J"
ENTERPRISE = Actor(sub="boss", role="enterprise", uscc=USCC)
# Every day from Monday 28 September to Wednesday 21 October 2026, swept at 9:00 and 14:00.
DAYS = [dt.date(2026, 9, 28) + dt.timedelta(days=n) for n in range(24)]
HOURS = (9, 14)
# Both late matters are due at the end of Tuesday 29 September (T1's signing: dispatched Monday
# 28 September, one working day; T2's resolution: signed for Tuesday 8 September, fifteen
# working days, Sunday 20 September a make-up working day and Friday 25 September Mid-Autumn
# off). On the thresholds' defaults (1, 3, 5, 8, 10 working days overdue): Wed 30 Sep is day 1;
# 1–7 Oct holidays; Thu 8 Oct day 2, Fri 9 Oct day 3, Sat 10 Oct (make-up) day 4, Mon 12 Oct
# day 5, Tue 13 day 6, Wed 14 day 7, Thu 15 day 8, Fri 16 day 9, Mon 19 Oct day 10.
EXPECTED = {
    "SupervisionOpened": "2026-09-30",
    "ReminderMade": "2026-09-30",
    "SupervisionNoticeIssued": "2026-10-09",
    "OnSiteInspectionDue": "2026-10-12",
    "AdmonitoryInterviewDue": "2026-10-15",
    "ListedForSupervision": "2026-10-19",
}
STEPS = ("ReminderMade", "SupervisionNoticeIssued", "OnSiteInspectionDue",
         "AdmonitoryInterviewDue", "ListedForSupervision")
SIGNING_T1 = "appeal_signing:T1:1"
RESOLUTION_T2 = "appeal_resolution:T2:1"


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), OFFICE_TIME)


def officer(unit: str) -> Actor:
    return Actor(sub=f"officer-{unit}", role="unit_officer", unit=unit)


class Audit:
    """The ledger and tracking as the audit keeps them: each service's facts appended in its
    order and folded with their seqs; the audit store's own events relayed likewise."""

    def __init__(self, store: EventStore):
        self.store = store
        self.tickets_position = 0
        self.audit_position = 0
        self.versions: dict[str, int] = {}

    def _enter(self, service: str, position: int, event: Event) -> int:
        with self.store.engine.begin() as connection:
            seq = ledger.append(connection, service, position, event)
            tracking.track(connection, seq, service, event)
            write_checkpoint(connection, tracking.CHECKPOINT, seq)  # as the follower does
        return seq

    def tickets(self, ticket: Ticket, facts: list[Fact]) -> None:
        for fact in facts:
            self.versions[ticket.id] = self.versions.get(ticket.id, 0) + 1
            self.tickets_position += 1
            self._enter("tickets", self.tickets_position, Event(
                event_id=str(uuid.uuid4()), stream_id=ticket.id, stream_type="ticket",
                version=self.versions[ticket.id], type=fact.type,
                occurred_at=format_time(fact.occurred_at), actor=fact.actor,
                correlation_id="c", causation_id="c", payload=fact.payload))

    def relay(self) -> None:
        """The audit store's events not yet in the ledger, in the store's order."""
        while True:
            page = self.store.read_all(after=self.audit_position)
            if not page:
                return
            for position, event in page:
                self._enter("audit", position, event)
                self.audit_position = position

    def entries(self) -> dict[int, ledger.Entry]:
        with self.store.engine.connect() as connection:
            return {entry.seq: entry for entry in ledger.iter_entries(connection)}


def raised(book: Audit, ticket_id: str, at: dt.datetime) -> Ticket:
    ticket = Ticket.raise_appeal(
        ticket_id, ledger_number=f"GZ-2026-{ticket_id}", enterprise_name="赣州某电子公司",
        uscc=USCC, title="厂房用电增容", description="新厂房用电增容迟迟未批",
        channel=Channel.codes()[0], category=Category.codes()[0], county="zhanggong", at=at,
        actor=ENTERPRISE)
    book.tickets(ticket, ticket.pending())
    return ticket


def handled(book: Audit, ticket: Ticket, unit: str, at: dt.datetime) -> None:
    """Signed for and classified by the lead unit at `at`."""
    book.tickets(ticket, ticket.sign_for(at=at, actor=officer(unit)))
    book.tickets(ticket, ticket.classify(way="unsolvable", explanation="依法不能解决,已解释",
                                         at=at + dt.timedelta(minutes=5), actor=officer(unit)))


def resolved(book: Audit, ticket: Ticket, unit: str, at: dt.datetime, rating: str) -> None:
    book.tickets(ticket, ticket.resolve(summary="已答复企业", at=at, actor=officer(unit)))
    book.tickets(ticket, ticket.rate(rating=rating, at=at + dt.timedelta(minutes=5),
                                     actor=ENTERPRISE))


def answer_notice(store: EventStore, matter_id: str, unit: str, at: dt.datetime) -> None:
    with store.unit_of_work() as uow:
        case = uow.load(SupervisionCase, case_id(matter_id))
        case.answer_notice(answer="已签收并整改,限期办结", at=at, actor=officer(unit))
        uow.save(case)


@pytest.fixture
def store(ledger_engine):
    return EventStore(ledger_engine, projectors=[views.project])


def test_appeals_climb_are_listed_and_close_through_the_ledger(store):
    book = Audit(store)
    tickets: dict[str, Ticket] = {}

    # T2: signed for on time on Tuesday 8 September, its resolution due the end of 29 September.
    t2 = tickets["T2"] = raised(book, "T2", local(dt.date(2026, 9, 8), 8))
    book.tickets(t2, t2.dispatch(lead_unit=UNIT, at=local(dt.date(2026, 9, 8), 9), actor=OFFICE))
    handled(book, t2, UNIT, local(dt.date(2026, 9, 8), 10))

    def t1_dispatched(day):
        t1 = tickets["T1"] = raised(book, "T1", local(day, 9, 10))
        book.tickets(t1, t1.dispatch(lead_unit=UNIT, at=local(day, 9, 20), actor=OFFICE))

    def notices_answered(day):
        for matter in (SIGNING_T1, RESOLUTION_T2):
            answer_notice(store, matter, UNIT, local(day, 8))

    def t3_sent_back_twice(day):
        t3 = tickets["T3"] = raised(book, "T3", local(day, 7))
        book.tickets(t3, t3.dispatch(lead_unit=UNIT, at=local(day, 7, 5), actor=OFFICE))
        handled(book, t3, UNIT, local(day, 7, 10))
        for n in range(2):
            resolved(book, t3, UNIT, local(day, 7, 30 + 10 * n), "unsatisfied")

    def t3_sent_back_again(day):
        resolved(book, tickets["T3"], UNIT, local(day, 11), "unsatisfied")

    def t4_passed_twice(day):
        t4 = tickets["T4"] = raised(book, "T4", local(day, 8))
        book.tickets(t4, t4.dispatch(lead_unit=COUNTIES[0], at=local(day, 8, 10), actor=OFFICE))
        book.tickets(t4, t4.redispatch(lead_unit=COUNTIES[1], reason="非本单位职责",
                                       at=local(day, 8, 20), actor=OFFICE))

    def t4_passed_again(day):
        book.tickets(tickets["T4"], tickets["T4"].redispatch(
            lead_unit=COUNTIES[2], reason="非本单位职责", at=local(day, 11), actor=OFFICE))

    def t1_signed_t2_resolved(day):
        handled(book, tickets["T1"], UNIT, local(day, 10))
        resolved(book, tickets["T2"], UNIT, local(day, 10, 30), "satisfied")

    def t3_resolved(day):
        resolved(book, tickets["T3"], UNIT, local(day, 8), "satisfied")

    # What happens before the sweep at (day, hour).
    script = {
        (dt.date(2026, 9, 28), 14): t1_dispatched,
        (dt.date(2026, 10, 12), 9): lambda day: (notices_answered(day),
                                                 t3_sent_back_twice(day)),
        (dt.date(2026, 10, 12), 14): t3_sent_back_again,
        (dt.date(2026, 10, 13), 9): t4_passed_twice,
        (dt.date(2026, 10, 13), 14): t4_passed_again,
        (dt.date(2026, 10, 20), 14): t1_signed_t2_resolved,
        (dt.date(2026, 10, 21), 9): t3_resolved,
    }
    seen: dict[str, list[tuple[str, str]]] = {}
    for day in DAYS:
        for hour in HOURS:
            if (day, hour) in script:
                script[day, hour](day)
                book.relay()
            swept = sweep.sweep(store, local(day, hour))
            assert swept.refused == [], swept.refused
            for case, fact in swept.recorded:
                seen.setdefault(case, []).append((fact, f"{day.isoformat()} {hour}"))
            book.relay()

    entries = book.entries()
    in_ledger = {json.loads(entry.event)["event_id"]: seq for seq, entry in entries.items()}

    # (a) each late matter climbs each step on its day, once, then (d) closes when done
    for matter, ticket_id in ((SIGNING_T1, "T1"), (RESOLUTION_T2, "T2")):
        case = case_id(matter)
        assert seen[case] == [(fact, f"{day} 9") for fact, day in EXPECTED.items()] + [
            ("SupervisionClosed", "2026-10-20 14")], matter
        stream = store.read_stream(case)
        # the notice answered on Monday 12 October before that day's sweep
        assert [e.type for e in stream] == ["SupervisionOpened", *STEPS[:2], "NoticeAnswered",
                                            *STEPS[2:], "SupervisionClosed"]
        for event in stream:
            # the audit's own facts are entries of the ledger too
            assert event.event_id in in_ledger, event.type
        for event in (e for e in stream if e.type in STEPS):
            p = event.payload
            assert (p["unit"], p["matter_id"]) == (UNIT, matter)
            assert p["seqs"], event.type
            for seq in p["seqs"]:
                assert entries[seq].stream_type == "ticket", (event.type, seq)
                assert entries[seq].stream_id == ticket_id, (event.type, seq)
        closed = stream[-1].payload
        assert closed["done_at"] is not None and closed["seqs"]
        assert {entries[s].stream_id for s in closed["seqs"]} == {ticket_id}
        done_types = {entries[s].type for s in closed["seqs"]}
        assert ("TicketSignedFor" if ticket_id == "T1" else "TicketResolved") in done_types

    # "supervision received": every step the unit received, each an entry naming it
    with store.engine.connect() as connection:
        received = tracking.supervision_received(connection, unit=UNIT)
        notices = tracking.matters(connection, kind="notice_answer")
        cases = views.open_cases(connection)
    by_step = {}
    # T3's bad ratings each opened a rectification (差评整改) the unit never classified: each is
    # late on its own case, apart from the appeal's signing and resolution counted here.
    rectifying = [step for step in received
                  if (step.matter_id or "").startswith(f"{facts.RECTIFICATION}:")]
    assert {step.matter_id.split(":")[1] for step in rectifying} <= {"T3"}
    for step in received:
        entry = entries[step.seq]
        assert entry.stream_type == "supervision_case"
        assert json.loads(entry.event)["payload"]["unit"] == UNIT
        if step not in rectifying:
            by_step.setdefault(step.step, []).append(step)
    assert {step: len(found) for step, found in by_step.items()} == {
        "reminder": 2, "notice": 2, "inspection": 2, "interview": 2,
        # T1's and T2's, and T3's directly
        "listed": 3}
    # the notices were answered in time: owed no more, so never supervised themselves
    assert len(notices) == 2 and all(n.done_at is not None for n in notices)
    assert not [c for c in seen if "notice_answer" in c]

    # (b) sent back three times: listed at once, on the sweep after the third, not before
    problem = case_id(problem_matter_id("T3"))
    assert seen[problem] == [("SupervisionOpened", "2026-10-12 14"),
                             ("ListedForSupervision", "2026-10-12 14"),
                             ("SupervisionClosed", "2026-10-21 9")]
    listed = store.read_stream(problem)[1].payload
    assert (listed["direct"], listed["reason"], listed["unit"]) == (True, "sent_back_3", UNIT)
    assert [entries[s].type for s in listed["seqs"]] == ["TicketSentBack"] * 3
    assert {entries[s].stream_id for s in listed["seqs"]} == {"T3"}

    # (c) passed among three units, none signing: listed at once, naming the last of them
    passed = case_id(problem_matter_id("T4"))
    assert seen[passed] == [("SupervisionOpened", "2026-10-13 14"),
                            ("ListedForSupervision", "2026-10-13 14")]
    listed = store.read_stream(passed)[1].payload
    assert (listed["direct"], listed["reason"], listed["unit"]) == (
        True, "passed_among_3", COUNTIES[2])
    assert [entries[s].type for s in listed["seqs"]] == [
        "TicketDispatched", "TicketRedispatched", "TicketRedispatched"]
    # its signing, late since Thursday 15 October, is left to the listed case
    assert not [c for c in seen if ":T4:" in c]
    # open still: T4's, and T3's unclassified rectifications (差评整改), owed whatever the appeal
    assert [c["id"] for c in cases if c["kind"] != facts.RECTIFICATION] == [passed]

    # tracking is the fold of the ledger: rebuilt from it, the same supervision received
    with store.engine.begin() as connection:
        refold(connection)
        assert tracking.supervision_received(connection, unit=UNIT) == received


def test_a_notice_on_an_unanswered_notice_is_not_owed_again(store):
    """The case of an unanswered notice climbs on its own; its notice opens no further matter
    (else a silent unit would get a new case, and a new notice, every few working days)."""
    book = Audit(store)

    def notice(case: str, kind: str, number: str) -> None:
        book.versions[case] = book.versions.get(case, 0) + 1
        book.audit_position += 1
        book._enter("audit", book.audit_position, Event(
            event_id=str(uuid.uuid4()), stream_id=case, stream_type="supervision_case",
            version=book.versions[case], type="SupervisionNoticeIssued",
            occurred_at=format_time(local(dt.date(2026, 10, 9), 9)), actor="system:timer",
            correlation_id="c", causation_id="c", payload=declared(
                "supervision_case", "SupervisionNoticeIssued", {
                    "unit": UNIT, "kind": kind, "matter_id": f"{kind}:x", "seqs": [1],
                    "notice_number": number, "answer_by": "2026-10-13"})))

    notice("supervision_case:a", "appeal_resolution", "督查通知〔2026〕1号")
    notice("supervision_case:b", "notice_answer", "督查通知〔2026〕2号")
    with store.engine.connect() as connection:
        owed = tracking.matters(connection, kind="notice_answer")
        received = tracking.supervision_received(connection, unit=UNIT)
    assert [m.stream_id for m in owed] == ["supervision_case:a"]
    # both are still notices the unit received
    assert [s.step for s in received] == ["notice", "notice"]
