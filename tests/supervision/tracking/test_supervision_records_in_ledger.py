"""Every record of the year's assessment cites ledger entries that exist and say what the record
claims. A real ledger (`services.audit.ledger.append`, SQLite and PostgreSQL) is built from the
tickets service's facts (the Ticket aggregate's own), the audit's supervision steps and an
evaluation round; the facts are read back off it with their seqs, the assessment computed, the
records made and appended too; then each record, as the ledger holds it, is checked entry by
entry."""
import datetime as dt
import json
import uuid

import pytest
import sqlalchemy as sa

from kernel.actor import Actor
from kernel.clock import OFFICE_TIME
from kernel.database import make_engine, migrate
from kernel.envelope import Event, format_time, parse_time
from services.audit import ledger
from services.supervision.assessment.accountability import YearAssessment, stream_id
from services.supervision.assessment.domain import RoundRating, assess
from services.supervision.assessment.evaluation import EvaluationRound
from services.supervision.facts import AppealFact
from services.registry import SERVICES
from services.tickets.appeals.domain import Category, Channel, Ticket

OFFICE = Actor(sub="clerk", role="office")
A, B, C = "zhanggong", "ganxian", "city_finance"
UNITS = {A: "章贡区", B: "赣县区", C: "市财政局"}
CODES = ["91360702MA35G0QX4J", "91360700MA35F1AB2W", "91360702MA38ABCD1D"]
STEP_TYPES = {"ReminderMade": "reminder", "SupervisionNoticeIssued": "notice",
              "ListedForSupervision": "listed"}


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=OFFICE_TIME)


class Ledger:
    """Appends aggregates' facts as the services' events, as the audit's reaction does."""

    def __init__(self, connection):
        self.connection = connection
        self.position = {"tickets": 0, "audit": 0}
        self.versions: dict[str, int] = {}

    def append(self, service, stream_type, stream, facts):
        seqs = []
        for fact in facts:
            self.versions[stream] = self.versions.get(stream, 0) + 1
            self.position[service] += 1
            event = Event(event_id=str(uuid.uuid4()), stream_id=stream, stream_type=stream_type,
                          version=self.versions[stream], type=fact.type,
                          occurred_at=format_time(fact.occurred_at), actor=fact.actor,
                          correlation_id="c", causation_id="c", payload=fact.payload)
            seqs.append(ledger.append(self.connection, service, self.position[service], event))
        return seqs

    def step(self, type_, unit, matter_seqs, when):
        facts = [type("F", (), {"type": type_, "occurred_at": when, "actor": "system:timer",
                                "payload": {"unit": unit, "matter_id": f"m-{uuid.uuid4()}",
                                            "seqs": matter_seqs}})]
        return self.append("audit", "supervision_case", f"case-{uuid.uuid4()}", facts)[0]


def appeal(book, n, unit, uscc, ratings, days_to_sign=0):
    """An appeal raised, dispatched to `unit`, signed, classified, resolved and rated per
    `ratings` (an unsatisfied rating sends it back, and it is resolved again)."""
    ticket_id = f"T{n}"
    enterprise = Actor(sub="boss", role="enterprise", uscc=uscc)
    officer = Actor(sub="officer", role="unit_officer", unit=unit)
    ticket = Ticket.raise_appeal(
        ticket_id, ledger_number=f"GZ-2026-{n:04d}", enterprise_name=f"企业{n}", uscc=uscc,
        title="用地指标", description="厂房扩建缺用地指标", channel=Channel.codes()[0],
        category=Category.codes()[0], county=A, at=at(5, n), actor=enterprise)
    ticket.dispatch(lead_unit=unit, at=at(5, n, 11), actor=OFFICE)
    ticket.sign_for(at=at(5, n + days_to_sign, 15), actor=officer)
    ticket.classify(way="unsolvable", explanation="依法不能解决,已解释", at=at(5, n + days_to_sign,
                                                                              16), actor=officer)
    for k, rating in enumerate(ratings):
        ticket.resolve(summary="已答复企业", at=at(6, n, 9 + 2 * k), actor=officer)
        ticket.rate(rating=rating, at=at(6, n, 10 + 2 * k), actor=enterprise)
    book.append("tickets", "ticket", ticket_id, ticket.pending())


def read(connection):
    return {entry.seq: entry for entry in ledger.iter_entries(connection)}


def payload(entry):
    return json.loads(entry.event)["payload"]


def appeal_facts(entries) -> list[AppealFact]:
    """The appeal facts off the ledger, as tracking folds them (a test's own short fold)."""
    facts: dict[str, dict] = {}
    for seq, entry in sorted(entries.items()):
        if entry.stream_type != "ticket":
            continue
        p, when = payload(entry), parse_time(entry.occurred_at)
        if entry.type == "TicketRaised":
            facts[entry.stream_id] = {"seqs": [seq]}
            continue
        fact = facts[entry.stream_id]
        fact["seqs"].append(seq)
        if entry.type == "TicketDispatched":
            fact.update(appeal_id=entry.stream_id, unit=p["lead_unit"], dispatched_at=when,
                        sign_due=parse_time(p["sign_due"]), signed_at=None, resolution_due=None,
                        resolved_at=None, replied=False, rating=None, sent_back=0)
        elif entry.type == "TicketSignedFor":
            fact.update(signed_at=when, resolution_due=parse_time(p["resolution_due"]))
        elif entry.type == "TicketResolved":
            fact.update(resolved_at=when, replied=True)
        elif entry.type == "TicketRated":
            fact["rating"] = p["rating"]
        elif entry.type == "TicketSentBack":
            fact.update(sent_back=fact["sent_back"] + 1, resolved_at=None,
                        resolution_due=parse_time(p["resolution_due"]))
    return [AppealFact(**{**f, "seqs": tuple(f["seqs"])}) for f in facts.values()]


def unit_of(entries, seq):
    """The unit an entry speaks of: a ticket's entry, its lead unit then (the appeal's raising,
    the unit it was first dispatched to); another, its payload's."""
    entry = entries[seq]
    if entry.stream_type != "ticket":
        return payload(entry)["unit"]
    dispatches = [(s, payload(e)["lead_unit"]) for s, e in sorted(entries.items())
                  if e.stream_id == entry.stream_id and e.type == "TicketDispatched"]
    before = [unit for s, unit in dispatches if s <= seq]
    return before[-1] if before else dispatches[0][1]


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    migrate(engine, SERVICES["audit"].migrations_path, SERVICES["supervision"].migrations_path)
    yield engine
    engine.dispose()


def test_every_record_cites_entries_that_say_what_it_claims(engine):
    with engine.begin() as connection:
        book = Ledger(connection)
        # A: three appeals, all satisfied; B: three, one unsatisfied twice then basically
        # satisfied, one unsatisfied (sent back, left), one signed late; C: two satisfied.
        appeal(book, 1, A, CODES[0], ["satisfied"])
        appeal(book, 2, A, CODES[1], ["satisfied"])
        appeal(book, 3, A, CODES[2], ["basically_satisfied"])
        appeal(book, 4, B, CODES[0], ["unsatisfied", "unsatisfied", "basically_satisfied"])
        appeal(book, 5, B, CODES[1], ["unsatisfied"])
        appeal(book, 6, B, CODES[2], ["satisfied"], days_to_sign=4)
        appeal(book, 7, C, CODES[0], ["satisfied"])
        appeal(book, 8, C, CODES[1], ["satisfied"])
        entries = read(connection)
        facts = appeal_facts(entries)
        b_seqs = [s for f in facts if f.unit == B for s in f.seqs]
        supervision: dict[str, list] = {A: [], B: [], C: []}
        for type_, unit, day in [("ReminderMade", B, 10), ("SupervisionNoticeIssued", B, 14),
                                 ("ListedForSupervision", B, 20), ("ListedForSupervision", B, 27),
                                 ("ReminderMade", A, 12), ("ListedForSupervision", A, 28)]:
            seq = book.step(type_, unit, b_seqs[:2], at(7, day))
            supervision[unit].append((STEP_TYPES[type_], seq))

        round_ = EvaluationRound.open("round-2026", title="2026年度评议", opens="2026-12-01",
                                      closes="2026-12-15", units=list(UNITS), at=at(11, 30),
                                      actor=OFFICE)
        for uscc, unit, marks in [(CODES[0], A, (5, 5)), (CODES[1], B, (2, 1)),
                                  (CODES[0], C, (4, 4))]:
            round_.rate(uscc=uscc, unit=unit, work_done=marks[0], problems_fixed=marks[1],
                        served_by={f.unit for f in facts if f.appeal_id in
                                   {e.stream_id for e in entries.values()
                                    if e.type == "TicketRaised" and payload(e)["uscc"] == uscc}},
                        at=at(12, 3), actor=Actor(sub="boss", role="enterprise", uscc=uscc))
        round_.close(at=at(12, 16), actor=OFFICE)
        book.append("audit", "evaluation_round", round_.id, round_.pending())
        entries = read(connection)
        ratings = [RoundRating(payload(e)["unit"], payload(e)["uscc"],
                               payload(e)["work_done"], payload(e)["problems_fixed"], seq)
                   for seq, e in entries.items() if e.type == "UnitRated"]

        result = assess(UNITS, facts, supervision, [], ratings, as_of=at(12, 31), year=2026)
        assert result.below_floor == [B]          # B: 2 of 3 satisfied
        year = YearAssessment(stream_id(2026))
        year.compute(result, at=at(12, 31), actor=OFFICE)
        year.commend(top=1, at=at(12, 31, 11), actor=OFFICE)
        year.admonish(unit=B, person="张某", reason="服务企业不到位", ledger_size=len(entries),
                      at=at(12, 31, 12), actor=OFFICE)
        year.hold_accountable(unit=B, reason="两次挂牌督办仍未整改", at=at(12, 31, 13),
                              actor=OFFICE)
        sent_back = next(s for s, e in entries.items() if e.type == "TicketSentBack")
        year.refer(unit=B, person="张某", note="推诿敷衍,涉嫌违纪", seqs=[sent_back],
                   ledger_size=len(entries), at=at(12, 31, 14), actor=OFFICE)
        book.append("audit", "assessment", year.id, year.pending())
        entries = read(connection)

    records = {e.type: payload(e) for e in entries.values() if e.stream_type == "assessment"}
    assert set(records) == {"AssessmentComputed", "CommendationRecorded",
                            "AdmonishmentTalkRecorded", "AccountabilityRecorded",
                            "DisciplineReferralMade"}

    # every figure of the snapshot cites entries of its own unit
    for unit in records["AssessmentComputed"]["snapshot"]["units"]:
        assert unit["seqs"], unit["unit"]
        assert {unit_of(entries, seq) for seq in unit["seqs"]} == {unit["unit"]}

    # 表彰: the top unit, every cited entry its own
    commendation = records["CommendationRecorded"]
    [top] = commendation["units"]
    assert (top["unit"], top["rank"]) == (C, 1)
    assert top["seqs"] and {unit_of(entries, s) for s in commendation["seqs"]} == {C}

    # 诫勉谈话: B's satisfaction below the floor; its cited ratings say so, appeal by appeal
    talk = records["AdmonishmentTalkRecorded"]
    grounds = {g["measure"]: g for g in talk["grounds"]}
    assert (talk["unit"], talk["person"], sorted(grounds)) == (B, "张某",
                                                               ["satisfaction", "score"])
    # below 60 too: the score's ground cites B's entries, every one
    assert grounds["score"]["value"] < grounds["score"]["threshold"] == 60
    assert {unit_of(entries, s) for s in grounds["score"]["seqs"]} == {B}
    ground = grounds["satisfaction"]
    last_rating: dict[str, str] = {}
    for seq in ground["seqs"]:
        entry = entries[seq]
        assert unit_of(entries, seq) == B
        if entry.type == "TicketRated":
            last_rating[entry.stream_id] = payload(entry)["rating"]
    assert len(last_rating) == ground["denominator"] == 3
    satisfied = [r for r in last_rating.values() if r in ("satisfied", "basically_satisfied")]
    # T4 basically satisfied at last, T6 satisfied, T5 left unsatisfied → 2 of 3 < 85%
    assert len(satisfied) == ground["numerator"] == 2
    assert ground["numerator"] / ground["denominator"] < ground["threshold"]

    # 问责: the two listings of B, each a ListedForSupervision naming B
    accountability = records["AccountabilityRecorded"]
    assert accountability["listed"] == len(accountability["seqs"]) == 2
    for seq in accountability["seqs"]:
        assert (entries[seq].type, payload(entries[seq])["unit"]) == ("ListedForSupervision", B)

    # 移交纪检监察: the evidence is the appeal sent back, of B
    referral = records["DisciplineReferralMade"]
    [evidence] = referral["seqs"]
    assert entries[evidence].type == "TicketSentBack" and unit_of(entries, evidence) == B

    # every seq any record cites is an entry of the ledger, and the chain holds
    cited = {s for r in records.values() for s in r.get("seqs", [])}
    assert cited and cited <= set(entries)
    with engine.connect() as connection:
        assert ledger.verify_ledger(connection).ok


def test_a_record_citing_a_seq_beyond_the_ledger_is_refused(engine):
    from services.supervision.assessment.exceptions import UnknownSeq
    year = YearAssessment(stream_id(2026))
    with engine.connect() as connection:
        size = connection.execute(sa.select(sa.func.count()).select_from(ledger.ledger)).scalar()
    with pytest.raises(UnknownSeq) as refused:
        year.refer(unit=B, note="证据", seqs=[size + 1], ledger_size=size, at=at(12, 31),
                   actor=OFFICE)
    assert refused.value.field == "seqs[0]"
