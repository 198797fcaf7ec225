"""Tracking (跟踪调度, notice 二(五)1): what every unit owes and by when, read off the ledger as it
grows, so that supervision and the assessment reason only from entries anyone can verify.

`track(connection, seq, service, event)` is called for every ledger entry as supervision takes
it in, by seq (`services.supervision.tracking.reactions`: the follower's checkpoint commits in the
same transaction), and folds the few kinds of event that set up, move or settle a unit's
obligations into the tables below; every row keeps the seqs of the entries behind it.
`rebuild(connection)` empties the tables and moves the follower back to the ledger's start, so
the whole ledger is folded again, entry by entry, in seq order: the tables are nothing but the
fold of the ledger.

What is folded:

- appeals (tickets): each dispatch opens an APPEAL_SIGNING matter for the lead unit (due its
  `sign_due`), the signing settles it and opens an APPEAL_RESOLUTION matter (due its
  `resolution_due`, moved by a granted extension), the resolution settles that; a sending back
  (发回重办) or a reopening owes the resolution again, as a new matter (`…:<n>`) so the settled one
  keeps its record; a redispatch or a closing off withdraws what the previous handling still
  owed (a withdrawn matter is never overdue: nobody owes it any more). Beside the matters, one
  `AppealFact` per appeal and lead unit, every rating the enterprise gave (kept with the unit
  that led the appeal then, an unsatisfied one that sent it back too), and the problem appeals (提级督办): sent back three times
  or more, or passed among three units or more none of which signed for it.
  A return (退回) withdraws what the unit owed of that dispatch; the office's ruling (终审) owes
  the signing again; a merge or a split ends what the appeal owed. The hotline measures' steps
  (`hotline_steps`: each dispatch, return, resolution, 重办 and callback, with the unit that led
  then) are kept apart. Each assisting unit's task (协办) is an ASSIST_TASK matter due its due,
  settled by its answer, withdrawn when waived or ended by a redispatch. A merged enterprise's
  rating of the survivor's outcome (MergedAppealRated) is a rating of the survivor's lead unit.
- the rectification of a bad rating (差评整改): each is a RECTIFICATION matter of the unit that
  handled the appeal, due its `due`; classified fixed or explained it is settled, planned it is
  due the end of its plan's day until completed, disputed it is undated (the office owes its
  ruling, the ladder chases nobody) until the ruling settles it; a miss is added to its seqs.
  Each is kept whole (`rectifications`, with the seq of the rating that opened it) for
  差评整改按时率, and a rating the office voided (撤销差评) is recorded (`voided_ratings`: its
  seq, the reason, the ruling's seq) and leaves the ratings 满意率 counts.
- implementation rules (policy), surveys and help plans (liaison): required → a matter due at the
  end of its due date (office time), settled by the filing / submission; its overdue mark is
  added to its seqs. A rule required "as soon as possible" has no date and is never overdue.
- the action's deliverables (this service, `supervision.deliverables`): one matter per owner
  unit, settled by its delivery (or a summary report received), owed again when the office
  sends the delivery back, its acceptance and its miss added to its seqs. The assessment counts
  a delivery only once accepted (`accepted_deliveries`).
- supervision received (this service's `supervision_case` stream): each step a unit received,
  with its seq; a supervision notice (督查通知书) is also a NOTICE_ANSWER matter due by its
  `answer_by` date, settled by the unit's answer.
- the leaders' scoping (liaison): a leader's linked park, the departments linked to that park,
  the park's county, and the units of the liaison officers serving the leader.
- the register of units (liaison's UnitRegistered / UnitChanged): each unit's name and kind
  (county, zone, city department), so the year-end assessment names and counts every unit, one
  with no appeal too; the notice's 21 counties, districts and zones are known unregistered.

Every reader takes the connection first; none writes.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable

import sqlalchemy as sa

from kernel.campaign import COUNTIES, ZONES
from kernel.envelope import Event, format_time, parse_time
from kernel.events import Catalogue, Payload
from kernel.workdays import end_of_day
from services.liaison.events import EVENTS as LIAISON
from services.liaison.events import Linkage
from services.policy.events import EVENTS as POLICY
from services.supervision.cases.ladder import Step
from services.supervision.facts import (
    APPEAL_RESOLUTION,
    APPEAL_SIGNING,
    ASSIST_TASK,
    DELIVERABLE,
    HELP_PLAN,
    IMPLEMENTATION_RULE,
    MATTER_KINDS,
    NOTICE_ANSWER,
    RECTIFICATION,
    SURVEY,
    AppealFact,
    HotlineStep,
    ProblemAppeal,
    Rectification,
    TrackedMatter,
    VoidedRating,
)
from services.supervision.events import EVENTS as SUPERVISION
from services.tickets.events import EVENTS as TICKETS

UNIT_LIMIT = 100
ID_LIMIT = 240
# notice 二(五)1 with the office's practice: sent back three times, or passed among three units.
SENT_BACK_LIMIT = 3
PASSED_LIMIT = 3
SENT_BACK_3 = "sent_back_3"
PASSED_AMONG_3 = "passed_among_3"
PROBLEM_REASONS = {SENT_BACK_3: "三次发回重办", PASSED_AMONG_3: "三个单位以上推诿"}

# The liaison service's city ranks (services are independent: its words, copied): a plan accepted
# replaces the city leaders' linkages and keeps the county leaders'.
CITY_RANKS = ("top_city", "city")

# The supervision steps a unit receives, by the case's event type (`supervision.case`): each
# step reached, once. The inspection's findings and the interview held are recorded later on the
# same case, of a step already reached, and are not steps received again.
STEP_EVENTS = {
    "ReminderMade": "reminder",
    "SupervisionNoticeIssued": "notice",
    "OnSiteInspectionDue": "inspection",
    "AdmonitoryInterviewDue": "interview",
    "ListedForSupervision": "listed",
}
STEP_LABELS = Step.labels()

metadata = sa.MetaData()

matters_table = sa.Table(
    "tracking_matters", metadata,
    sa.Column("matter_id", sa.String(ID_LIMIT), primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("stream_id", sa.String(120), nullable=False),
    sa.Column("unit", sa.String(UNIT_LIMIT), nullable=False),
    sa.Column("title", sa.String(400), nullable=False, default=""),
    # Instants as the ledger spells them (UTC, "…Z"): one spelling, so text order is time order.
    sa.Column("due_at", sa.String(32)),
    sa.Column("done_at", sa.String(32)),
    sa.Column("withdrawn_at", sa.String(32)),
    sa.Column("seqs", sa.Text, nullable=False),
)

appeals_table = sa.Table(
    "tracking_appeals", metadata,
    sa.Column("appeal_id", sa.String(120), primary_key=True),
    sa.Column("title", sa.String(400), nullable=False, default=""),
    # The enterprise that raised it: whom each unit that led it served.
    sa.Column("uscc", sa.String(18)),
    sa.Column("lead_unit", sa.String(UNIT_LIMIT)),
    sa.Column("signed", sa.Boolean, nullable=False, default=False),
    # Matters opened so far of each kind: the next one's number.
    sa.Column("signings", sa.Integer, nullable=False, default=0),
    sa.Column("resolutions", sa.Integer, nullable=False, default=0),
    sa.Column("sent_back_seqs", sa.Text, nullable=False, default="[]"),
    # The lead units it was passed among since it was last signed for, with the dispatches' seqs.
    sa.Column("passed", sa.Text, nullable=False, default="[]"),
    sa.Column("passed_seqs", sa.Text, nullable=False, default="[]"),
    sa.Column("problem_reason", sa.String(40)),
    sa.Column("problem_unit", sa.String(UNIT_LIMIT)),
    sa.Column("problem_seqs", sa.Text),
    sa.Column("seqs", sa.Text, nullable=False, default="[]"),
)

appeal_facts_table = sa.Table(
    "tracking_appeal_facts", metadata,
    sa.Column("appeal_id", sa.String(120), primary_key=True),
    sa.Column("unit", sa.String(UNIT_LIMIT), primary_key=True),
    sa.Column("dispatched_at", sa.String(32), nullable=False),
    sa.Column("sign_due", sa.String(32)),
    sa.Column("signed_at", sa.String(32)),
    sa.Column("resolution_due", sa.String(32)),
    sa.Column("resolved_at", sa.String(32)),
    sa.Column("replied", sa.Boolean, nullable=False, default=False),
    sa.Column("rating", sa.String(40)),
    sa.Column("sent_back", sa.Integer, nullable=False, default=0),
    sa.Column("seqs", sa.Text, nullable=False),
)

# Every rating an enterprise gave an appeal (TicketRated), kept with the unit that led it then:
# the appeal's own row forgets a rating when an unsatisfied one sends it back, the ledger does
# not, and neither does the satisfaction rate (满意率) counted from this table. A merged
# enterprise's rating of the survivor's outcome (MergedAppealRated) is kept with the survivor
# and the unit that led it, `rated_appeal_id` naming the merged appeal it was given on.
ratings_table = sa.Table(
    "tracking_ratings", metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("appeal_id", sa.String(120), nullable=False),
    sa.Column("unit", sa.String(UNIT_LIMIT)),
    sa.Column("rating", sa.String(40), nullable=False),
    sa.Column("via", sa.String(40)),
    sa.Column("rated_at", sa.String(32), nullable=False),
    sa.Column("rated_appeal_id", sa.String(120)),
)

# Each rectification of a bad rating (差评整改), by the appeal whose stream holds it and its
# number there, with the rating's seq that opened it (`facts.Rectification`).
rectifications_table = sa.Table(
    "tracking_rectifications", metadata,
    sa.Column("appeal_id", sa.String(120), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("unit", sa.String(UNIT_LIMIT)),
    sa.Column("rating", sa.String(40), nullable=False),
    sa.Column("rating_seq", sa.BigInteger),
    # A merged enterprise's rating opens its rectification on the survivor: the merged appeal.
    sa.Column("rated_appeal_id", sa.String(120)),
    sa.Column("due_at", sa.String(32), nullable=False),
    sa.Column("way", sa.String(40)),
    sa.Column("classified_at", sa.String(32)),
    sa.Column("classified_on_time", sa.Boolean),
    sa.Column("plan_due", sa.String(32)),
    sa.Column("completed_at", sa.String(32)),
    sa.Column("completed_on_time", sa.Boolean),
    sa.Column("ruling", sa.String(40)),
    sa.Column("ruled_at", sa.String(32)),
    sa.Column("seqs", sa.Text, nullable=False),
)

# The ratings the office voided on a unit's 申诉 (撤销差评), by the rating's seq: they leave
# 满意率, and the measure names them with the ruling's reason and seq.
voided_table = sa.Table(
    "tracking_voided_ratings", metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("appeal_id", sa.String(120), nullable=False),
    sa.Column("unit", sa.String(UNIT_LIMIT)),
    sa.Column("rating", sa.String(40), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("ruling_seq", sa.BigInteger, nullable=False),
)

# The steps of an appeal in a unit's hands the hotline measures count (`facts.HotlineStep`):
# each dispatch to the unit, its return, each resolution, each sending back for 重办 and each
# callback, kept with the unit that led the appeal then.
hotline_table = sa.Table(
    "tracking_hotline", metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("appeal_id", sa.String(120), nullable=False),
    sa.Column("unit", sa.String(UNIT_LIMIT), nullable=False),
    sa.Column("step", sa.String(40), nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
)

supervision_table = sa.Table(
    "tracking_supervision", metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("unit", sa.String(UNIT_LIMIT), nullable=False),
    sa.Column("step", sa.String(40), nullable=False),
    sa.Column("matter_id", sa.String(ID_LIMIT)),
    sa.Column("case_id", sa.String(120), nullable=False),
    sa.Column("type", sa.String(120), nullable=False),
    sa.Column("occurred_at", sa.String(32), nullable=False),
)

leader_parks_table = sa.Table(
    "tracking_leader_parks", metadata,
    sa.Column("leader_id", sa.String(UNIT_LIMIT), primary_key=True),
    sa.Column("rank", sa.String(40)),
    sa.Column("park", sa.String(UNIT_LIMIT)),
)
department_parks_table = sa.Table(
    "tracking_department_parks", metadata,
    sa.Column("unit", sa.String(UNIT_LIMIT), primary_key=True),
    sa.Column("park", sa.String(UNIT_LIMIT), nullable=False),
)
park_counties_table = sa.Table(
    "tracking_park_counties", metadata,
    sa.Column("park", sa.String(UNIT_LIMIT), primary_key=True),
    sa.Column("county", sa.String(UNIT_LIMIT), nullable=False),
)
liaison_officers_table = sa.Table(
    "tracking_liaison_officers", metadata,
    sa.Column("cadre_id", sa.String(UNIT_LIMIT), primary_key=True),
    sa.Column("leader_id", sa.String(UNIT_LIMIT), nullable=False),
    sa.Column("unit", sa.String(UNIT_LIMIT), nullable=False),
)

units_table = sa.Table(
    "tracking_units", metadata,
    sa.Column("code", sa.String(UNIT_LIMIT), primary_key=True),
    sa.Column("name", sa.String(200)),
    sa.Column("kind", sa.String(40)),
    sa.Column("county", sa.String(UNIT_LIMIT)),
    sa.Column("seqs", sa.Text, nullable=False),
)

# The entries of supervision's own streams that its figures cite, as the ledger holds them.
entries_table = sa.Table(
    "tracking_entries", metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("stream_id", sa.String(120), nullable=False),
    sa.Column("type", sa.String(120), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
)
# A round's ratings (each cited by its seq in the results), a delivery's reviews (the last
# decides whether it counts).
CITED_TYPES = frozenset({"UnitRated", "DeliveryAccepted", "DeliverySentBack"})

TABLES = (matters_table, appeals_table, appeal_facts_table, ratings_table, hotline_table,
          rectifications_table, voided_table, supervision_table,
          leader_parks_table, department_parks_table, park_counties_table,
          liaison_officers_table, units_table, entries_table)

# The follower of the ledger (`tracking.reactions`): its consumer, the source it reads, and so
# the name of its checkpoint (`kernel.reactions.Reactor`), the last seq taken in.
CONSUMER = "tracking"
LEDGER = "ledger"
CHECKPOINT = f"{CONSUMER}:{LEDGER}"

# The liaison service's kinds of unit (its words; services share events, not modules).
COUNTY = "county"
ZONE = "zone"
CITY_DEPARTMENT = "city_department"
UNIT_KINDS = {COUNTY: "县(市、区)", ZONE: "开发区", CITY_DEPARTMENT: "市直部门"}
# The notice addresses the 18 counties, districts and county-level cities and the three
# development zones by name (its salutation): known to the assessment registered or not; the
# zones are the campaign's, as the liaison service tells them apart.
ALWAYS_KNOWN: dict[str, tuple[str, str]] = {
    code: (name, ZONE if code in ZONES else COUNTY) for code, name in COUNTIES.items()}


@dataclasses.dataclass(frozen=True)
class SupervisionStep:
    """One supervision step a unit received (督查), as the ledger holds it at `seq`."""

    seq: int
    unit: str
    step: str                 # reminder, notice, inspection, interview, listed (STEP_LABELS)
    matter_id: str | None
    case_id: str
    occurred_at: dt.datetime

    @property
    def label(self) -> str:
        return STEP_LABELS.get(self.step, self.step)


# -- the fold ----------------------------------------------------------------------------------

# The services whose events the fold reads, by name: each is read through its declared
# catalogue, so the fold reads no field its producer does not declare.
PRODUCERS: dict[str, Catalogue] = {
    "tickets": TICKETS, "policy": POLICY, "liaison": LIAISON, "supervision": SUPERVISION}

# A handler is given the entry's event (its envelope: stream, instant) and the event's payload
# as its producer's declared model.
Handler = Callable[[sa.Connection, int, Event, Payload], None]
HANDLERS: dict[tuple[str, str], tuple[Catalogue, Handler]] = {}


def handles(producer: str, stream_type: str, *types: str):
    """Register a handler of `types` of `stream_type`, events of the service `producer`. The
    handler, not the entry, names the producer: the follower takes the ledger in as one source,
    and a stream type is one service's."""
    catalogue = PRODUCERS[producer]
    undeclared = [type_ for type_ in types if type_ not in catalogue]
    if undeclared:
        raise ValueError(f"{producer} declares no event type {', '.join(undeclared)}")

    def register(handler: Handler) -> Handler:
        for type_ in types:
            HANDLERS[(stream_type, type_)] = (catalogue, handler)
        return handler
    return register


def track(connection: sa.Connection, seq: int, service: str, event: Event) -> None:
    """Fold the entry `seq` (`service`: the source it was taken in from) into the tracking
    tables, if it bears on what a unit owes; any other entry costs one dictionary lookup. The
    event's payload is read through the catalogue of the producer its handler names."""
    found = HANDLERS.get((event.stream_type, event.type))
    if found is not None:
        catalogue, handler = found
        handler(connection, seq, event, catalogue.parse(event))
    if event.type in CITED_TYPES:
        connection.execute(entries_table.insert().values(
            seq=seq, stream_id=event.stream_id, type=event.type,
            payload=json.dumps(event.payload, ensure_ascii=False, sort_keys=True)))


def rebuild(connection: sa.Connection) -> int:
    """Empty the tables and move the follower back to the ledger's start: it folds every entry
    again, in seq order, as it takes the ledger in anew; the entries it had taken in."""
    from kernel.store import handled_events, read_checkpoint, write_checkpoint

    read = read_checkpoint(connection, CHECKPOINT)
    for table in TABLES:
        connection.execute(table.delete())
    connection.execute(handled_events.delete().where(handled_events.c.consumer == CONSUMER))
    write_checkpoint(connection, CHECKPOINT, 0)
    return read


def ledger_read(connection: sa.Connection) -> int:
    """The seq of the last ledger entry tracking folded (the follower's checkpoint)."""
    from kernel.store import read_checkpoint

    return read_checkpoint(connection, CHECKPOINT)


def own_entries(connection: sa.Connection, stream_id: str, type_: str
                ) -> list[tuple[int, dict]]:
    """The ledger's entries of one of supervision's own streams, of one cited type:
    (seq, payload), in seq order."""
    rows = connection.execute(
        sa.select(entries_table.c.seq, entries_table.c.payload)
        .where(entries_table.c.stream_id == stream_id, entries_table.c.type == type_)
        .order_by(entries_table.c.seq)).all()
    return [(row.seq, json.loads(row.payload)) for row in rows]


# -- small helpers -----------------------------------------------------------------------------

def _time(value: str | dt.datetime | None) -> str | None:
    """An instant in the ledger's one spelling (None for none given)."""
    if not value:
        return None
    if isinstance(value, str):
        value = parse_time(value)
    return format_time(value)


def _date_due(value: str | None) -> str | None:
    """A due date (inclusive, office time) as the last instant of that day."""
    if not value:
        return None
    return format_time(end_of_day(dt.date.fromisoformat(value)))


def _seqs(text: str | None) -> list[int]:
    return list(json.loads(text)) if text else []


def _with(seqs: Iterable[int], seq: int) -> str:
    return json.dumps(sorted({*seqs, seq}))


def _parsed(value: str | None) -> dt.datetime | None:
    return parse_time(value) if value else None


def _matter_row(connection: sa.Connection, matter_id: str):
    return connection.execute(sa.select(matters_table)
                              .where(matters_table.c.matter_id == matter_id)).first()


def open_matter(connection: sa.Connection, seq: int, *, matter_id: str, kind: str,
                stream_id: str, unit: str, due_at: str | None, title: str = "") -> None:
    """Owe a matter (again): a matter set up anew keeps the seqs it had."""
    row = _matter_row(connection, matter_id)
    if row is None:
        connection.execute(matters_table.insert().values(
            matter_id=matter_id, kind=kind, stream_id=stream_id, unit=unit, title=title[:400],
            due_at=due_at, done_at=None, withdrawn_at=None, seqs=json.dumps([seq])))
        return
    connection.execute(matters_table.update().where(matters_table.c.matter_id == matter_id)
                       .values(unit=unit, due_at=due_at, title=title[:400] or row.title,
                               done_at=None, withdrawn_at=None, seqs=_with(_seqs(row.seqs), seq)))


def touch_matter(connection: sa.Connection, seq: int, matter_id: str, **values) -> bool:
    """Add `seq` to the matter's seqs and set `values` (done_at, due_at, …); False if unknown."""
    row = _matter_row(connection, matter_id)
    if row is None:
        return False
    connection.execute(matters_table.update().where(matters_table.c.matter_id == matter_id)
                       .values(seqs=_with(_seqs(row.seqs), seq), **values))
    return True


def settle_matter(connection: sa.Connection, seq: int, matter_id: str, at: str) -> bool:
    """The matter done at `at` (the first doing counts: a second changes only the seqs)."""
    row = _matter_row(connection, matter_id)
    if row is None:
        return False
    done = row.done_at or at
    connection.execute(matters_table.update().where(matters_table.c.matter_id == matter_id)
                       .values(done_at=done, seqs=_with(_seqs(row.seqs), seq)))
    return True


def _to_matter(row) -> TrackedMatter:
    return TrackedMatter(matter_id=row.matter_id, kind=row.kind, stream_id=row.stream_id,
                         unit=row.unit, due_at=_parsed(row.due_at), done_at=_parsed(row.done_at),
                         seqs=tuple(_seqs(row.seqs)), title=row.title or "")


# -- appeals (tickets) -------------------------------------------------------------------------

def _appeal(connection: sa.Connection, appeal_id: str):
    row = connection.execute(sa.select(appeals_table)
                             .where(appeals_table.c.appeal_id == appeal_id)).first()
    if row is None:
        # An appeal whose raising the ledger does not hold (a ledger started mid-way): tracked
        # from what it does hold.
        connection.execute(appeals_table.insert().values(
            appeal_id=appeal_id, title="", lead_unit=None, signed=False, signings=0,
            resolutions=0, sent_back_seqs="[]", passed="[]", passed_seqs="[]", seqs="[]"))
        row = connection.execute(sa.select(appeals_table)
                                 .where(appeals_table.c.appeal_id == appeal_id)).first()
    return row


def _update_appeal(connection: sa.Connection, appeal_id: str, **values) -> None:
    connection.execute(appeals_table.update().where(appeals_table.c.appeal_id == appeal_id)
                       .values(**values))


def _signing_id(appeal_id: str, n: int) -> str:
    return f"{APPEAL_SIGNING}:{appeal_id}:{n}"


def _resolution_id(appeal_id: str, n: int) -> str:
    return f"{APPEAL_RESOLUTION}:{appeal_id}:{n}"


def _fact(connection: sa.Connection, appeal_id: str, unit: str | None):
    if unit is None:
        return None
    return connection.execute(sa.select(appeal_facts_table).where(
        appeal_facts_table.c.appeal_id == appeal_id, appeal_facts_table.c.unit == unit)).first()


def _update_fact(connection: sa.Connection, seq: int, appeal_id: str, unit: str | None,
                 **values) -> None:
    """Set `values` on the lead unit's fact of the appeal and count `seq` in it."""
    row = _fact(connection, appeal_id, unit)
    if row is None:
        return
    connection.execute(appeal_facts_table.update().where(
        appeal_facts_table.c.appeal_id == appeal_id, appeal_facts_table.c.unit == unit)
        .values(seqs=_with(_seqs(row.seqs), seq), **values))


def _withdraw_open(connection: sa.Connection, seq: int, appeal_id: str, at: str) -> None:
    """What the appeal's handling so far still owed is owed no more (redispatched, closed off)."""
    rows = connection.execute(sa.select(matters_table).where(
        matters_table.c.stream_id == appeal_id,
        matters_table.c.kind.in_([APPEAL_SIGNING, APPEAL_RESOLUTION]),
        matters_table.c.done_at.is_(None), matters_table.c.withdrawn_at.is_(None))).all()
    for row in rows:
        touch_matter(connection, seq, row.matter_id, withdrawn_at=at)


def _hotline(connection: sa.Connection, seq: int, appeal_id: str, unit: str | None,
             step: str, at: str) -> None:
    if unit:
        connection.execute(hotline_table.insert().values(
            seq=seq, appeal_id=appeal_id, unit=unit, step=step, at=at))


@handles("tickets", "ticket", "TicketRaised")
def _raised(connection, seq, event, fact):
    row = _appeal(connection, event.stream_id)
    _update_appeal(connection, event.stream_id, title=fact.title or row.title,
                   uscc=fact.uscc or row.uscc, seqs=_with(_seqs(row.seqs), seq))


@handles("tickets", "ticket", "TicketDispatched", "TicketRedispatched")
def _dispatched(connection, seq, event, fact):
    appeal_id = event.stream_id
    at = _time(event.occurred_at)
    unit, sign_due = fact.lead_unit, _time(fact.sign_due)
    row = _appeal(connection, appeal_id)
    _withdraw_open(connection, seq, appeal_id, at)
    n = row.signings + 1
    open_matter(connection, seq, matter_id=_signing_id(appeal_id, n), kind=APPEAL_SIGNING,
                stream_id=appeal_id, unit=unit, due_at=sign_due, title=row.title)
    # The unit's fact of the appeal: a unit handed it again goes on with the same fact.
    if _fact(connection, appeal_id, unit) is None:
        connection.execute(appeal_facts_table.insert().values(
            appeal_id=appeal_id, unit=unit, dispatched_at=at, sign_due=sign_due,
            signed_at=None, resolution_due=None, resolved_at=None, replied=False, rating=None,
            sent_back=0, seqs=json.dumps([seq])))
    else:
        _update_fact(connection, seq, appeal_id, unit, sign_due=sign_due)
    _hotline(connection, seq, appeal_id, unit, "dispatch", at)
    passed = json.loads(row.passed) if not row.signed else []
    passed_seqs = _seqs(row.passed_seqs) if not row.signed else []
    if unit not in passed:
        passed.append(unit)
    passed_seqs = sorted({*passed_seqs, seq})
    values = {"lead_unit": unit, "signed": False, "signings": n, "passed": json.dumps(passed),
              "passed_seqs": json.dumps(passed_seqs), "seqs": _with(_seqs(row.seqs), seq)}
    if row.problem_reason is None and len(passed) >= PASSED_LIMIT:
        values.update(problem_reason=PASSED_AMONG_3, problem_unit=unit,
                      problem_seqs=json.dumps(passed_seqs))
    _update_appeal(connection, appeal_id, **values)


@handles("tickets", "ticket", "TicketSignedFor")
def _signed(connection, seq, event, fact):
    appeal_id = event.stream_id
    at = _time(event.occurred_at)
    row = _appeal(connection, appeal_id)
    unit = row.lead_unit or fact.unit
    settle_matter(connection, seq, _signing_id(appeal_id, row.signings), at)
    n = row.resolutions + 1
    due = _time(fact.resolution_due)
    open_matter(connection, seq, matter_id=_resolution_id(appeal_id, n), kind=APPEAL_RESOLUTION,
                stream_id=appeal_id, unit=unit, due_at=due, title=row.title)
    held = _fact(connection, appeal_id, unit)
    _update_fact(connection, seq, appeal_id, unit,
                 signed_at=(held.signed_at if held is not None and held.signed_at else at),
                 resolution_due=due)
    _update_appeal(connection, appeal_id, signed=True, resolutions=n, passed="[]",
                   passed_seqs="[]", seqs=_with(_seqs(row.seqs), seq))


@handles("tickets", "ticket", "ExtensionGranted")
def _extended(connection, seq, event, fact):
    row = _appeal(connection, event.stream_id)
    due = _time(fact.resolution_due)
    if row.resolutions:
        touch_matter(connection, seq, _resolution_id(event.stream_id, row.resolutions),
                     due_at=due)
    _update_fact(connection, seq, event.stream_id, row.lead_unit, resolution_due=due)


@handles("tickets", "ticket", "TicketClassified", "PolicyAnswerNoted")
def _answered(connection, seq, event, fact):
    # The first response (首次答复) and a policy answer noted are answers the enterprise is given.
    row = _appeal(connection, event.stream_id)
    _update_fact(connection, seq, event.stream_id, row.lead_unit, replied=True)


@handles("tickets", "ticket", "TicketResolved")
def _resolved(connection, seq, event, fact):
    at = _time(event.occurred_at)
    row = _appeal(connection, event.stream_id)
    if row.resolutions:
        settle_matter(connection, seq, _resolution_id(event.stream_id, row.resolutions), at)
    _update_fact(connection, seq, event.stream_id, row.lead_unit, resolved_at=at, replied=True)
    _hotline(connection, seq, event.stream_id, row.lead_unit, "resolved", at)


@handles("tickets", "ticket", "TicketRated")
def _rated(connection, seq, event, fact):
    row = _appeal(connection, event.stream_id)
    rating = fact.rating
    _update_fact(connection, seq, event.stream_id, row.lead_unit, rating=rating)
    if rating:
        connection.execute(ratings_table.insert().values(
            seq=seq, appeal_id=event.stream_id, unit=row.lead_unit, rating=rating,
            via=fact.via, rated_at=_time(event.occurred_at), rated_appeal_id=event.stream_id))


@handles("tickets", "ticket", "MergedAppealRated")
def _merged_rated(connection, seq, event, fact):
    # A merged enterprise rates the survivor's outcome: a rating of the unit that handled the
    # survivor, counted with the survivor's appeal in that unit's 满意率.
    survivor = fact.survivor_id or event.stream_id
    row = _appeal(connection, survivor)
    if fact.rating:
        connection.execute(ratings_table.insert().values(
            seq=seq, appeal_id=survivor, unit=row.lead_unit, rating=fact.rating,
            via=fact.via, rated_at=_time(event.occurred_at), rated_appeal_id=event.stream_id))
        _link_ratings(connection, survivor)


@handles("tickets", "ticket", "TicketSentBack", "TicketReopened")
def _again(connection, seq, event, fact):
    # The resolution is owed again, by a new date: a new matter, the settled one kept as it was.
    appeal_id = event.stream_id
    row = _appeal(connection, appeal_id)
    unit = row.lead_unit
    n = row.resolutions + 1
    due = _time(fact.resolution_due)
    if unit is not None:
        open_matter(connection, seq, matter_id=_resolution_id(appeal_id, n),
                    kind=APPEAL_RESOLUTION, stream_id=appeal_id, unit=unit, due_at=due,
                    title=row.title)
    values = {"resolutions": n, "seqs": _with(_seqs(row.seqs), seq)}
    fact_values = {"resolution_due": due, "resolved_at": None, "rating": None}
    if event.type == "TicketSentBack":
        _hotline(connection, seq, appeal_id, unit, "redo", _time(event.occurred_at))
        sent_back = sorted({*_seqs(row.sent_back_seqs), seq})
        values["sent_back_seqs"] = json.dumps(sent_back)
        held = _fact(connection, appeal_id, unit)
        fact_values["sent_back"] = (held.sent_back if held is not None else 0) + 1
        if row.problem_reason is None and len(sent_back) >= SENT_BACK_LIMIT:
            values.update(problem_reason=SENT_BACK_3, problem_unit=unit,
                          problem_seqs=json.dumps(sent_back))
    _update_fact(connection, seq, appeal_id, unit, **fact_values)
    _update_appeal(connection, appeal_id, **values)


@handles("tickets", "ticket", "TicketDeadlineMissed")
def _missed(connection, seq, event, fact):
    row = _appeal(connection, event.stream_id)
    deadline = fact.deadline
    if deadline == "sign" and row.signings:
        touch_matter(connection, seq, _signing_id(event.stream_id, row.signings))
    elif deadline == "resolution" and row.resolutions:
        touch_matter(connection, seq, _resolution_id(event.stream_id, row.resolutions))


@handles("tickets", "ticket", "TicketClosedOff")
def _closed(connection, seq, event, fact):
    _appeal(connection, event.stream_id)
    _withdraw_open(connection, seq, event.stream_id, _time(event.occurred_at))


@handles("tickets", "ticket", "TicketReturned")
def _returned(connection, seq, event, fact):
    # What the unit still owed of the dispatch it returned is owed no more: the office decides.
    at = _time(event.occurred_at)
    row = _appeal(connection, event.stream_id)
    unit = fact.unit or row.lead_unit
    _withdraw_open(connection, seq, event.stream_id, at)
    _hotline(connection, seq, event.stream_id, unit, "return", at)
    # Nor is it owed in the unit's measures: a due it had not met when it returned the appeal
    # is not a signing or a resolution it missed.
    held = _fact(connection, event.stream_id, unit)
    values = {}
    if held is not None and held.signed_at is None:
        values["sign_due"] = None
    if held is not None and held.resolved_at is None:
        values["resolution_due"] = None
    _update_fact(connection, seq, event.stream_id, unit, **values)
    _update_appeal(connection, event.stream_id, seqs=_with(_seqs(row.seqs), seq))


@handles("tickets", "ticket", "TicketReturnRuled")
def _return_ruled(connection, seq, event, fact):
    # 终审: the unit must take the appeal, and owes its signing again by the new sign_due.
    row = _appeal(connection, event.stream_id)
    unit = fact.unit or row.lead_unit
    if unit is None:
        return
    n = row.signings + 1
    sign_due = _time(fact.sign_due)
    open_matter(connection, seq, matter_id=_signing_id(event.stream_id, n), kind=APPEAL_SIGNING,
                stream_id=event.stream_id, unit=unit, due_at=sign_due, title=row.title)
    _update_fact(connection, seq, event.stream_id, unit, sign_due=sign_due)
    _update_appeal(connection, event.stream_id, lead_unit=unit, signed=False, signings=n,
                   seqs=_with(_seqs(row.seqs), seq))


@handles("tickets", "ticket", "TicketCalledBack")
def _called_back(connection, seq, event, fact):
    row = _appeal(connection, event.stream_id)
    _hotline(connection, seq, event.stream_id, row.lead_unit, "callback",
             _time(event.occurred_at))
    _update_fact(connection, seq, event.stream_id, row.lead_unit)


@handles("tickets", "ticket", "TicketMerged", "TicketSplit")
def _ended(connection, seq, event, fact):
    # A merged or split appeal ends here: nothing it owed is owed any more.
    _appeal(connection, event.stream_id)
    _withdraw_open(connection, seq, event.stream_id, _time(event.occurred_at))
    for row in _open_tasks(connection, event.stream_id):
        touch_matter(connection, seq, row.matter_id, withdrawn_at=_time(event.occurred_at))


# -- assisting units' tasks (协办) ----------------------------------------------------------------

def _task_due(value: str | None) -> str | None:
    """A task's due as the ticket declares it: a day (inclusive, office time) or an instant."""
    if value and len(value) == 10:
        return _date_due(value)
    return _time(value)


def _open_tasks(connection: sa.Connection, appeal_id: str, unit: str | None = None):
    query = sa.select(matters_table).where(
        matters_table.c.stream_id == appeal_id, matters_table.c.kind == ASSIST_TASK,
        matters_table.c.done_at.is_(None), matters_table.c.withdrawn_at.is_(None))
    if unit is not None:
        query = query.where(matters_table.c.unit == unit)
    return connection.execute(query).all()


@handles("tickets", "ticket", "AssistTaskOpened")
def _task_opened(connection, seq, event, fact):
    # A task opened afresh (a redispatch) is a new matter: the one it replaces keeps its record.
    row = _appeal(connection, event.stream_id)
    open_matter(connection, seq, matter_id=f"{ASSIST_TASK}:{event.stream_id}:{fact.unit}:{seq}",
                kind=ASSIST_TASK, stream_id=event.stream_id, unit=fact.unit,
                due_at=_task_due(fact.due), title=row.title)


@handles("tickets", "ticket", "AssistTaskAnswered")
def _task_answered(connection, seq, event, fact):
    for row in _open_tasks(connection, event.stream_id, fact.unit):
        settle_matter(connection, seq, row.matter_id, _time(event.occurred_at))


@handles("tickets", "ticket", "AssistTaskWaived", "AssistTaskWithdrawn")
def _task_ended(connection, seq, event, fact):
    for row in _open_tasks(connection, event.stream_id, fact.unit):
        touch_matter(connection, seq, row.matter_id, withdrawn_at=_time(event.occurred_at))


@handles("tickets", "ticket", "AssistTaskSignedFor", "AssistTaskMissed")
def _task_noted(connection, seq, event, fact):
    for row in _open_tasks(connection, event.stream_id, fact.unit):
        touch_matter(connection, seq, row.matter_id)


# -- the rectification of a bad rating (差评整改) ------------------------------------------------

def rectification_matter_id(appeal_id: str, number: int) -> str:
    return f"{RECTIFICATION}:{appeal_id}:{number}"


def _rectification(connection: sa.Connection, appeal_id: str, number: int):
    return connection.execute(sa.select(rectifications_table).where(
        rectifications_table.c.appeal_id == appeal_id,
        rectifications_table.c.number == number)).first()


def _update_rectification(connection: sa.Connection, seq: int, appeal_id: str, number: int,
                          **values) -> bool:
    row = _rectification(connection, appeal_id, number)
    if row is None:
        return False  # a ledger started mid-way: its opening is not held
    connection.execute(rectifications_table.update().where(
        rectifications_table.c.appeal_id == appeal_id,
        rectifications_table.c.number == number)
        .values(seqs=_with(_seqs(row.seqs), seq), **values))
    return True


def _link_ratings(connection: sa.Connection, appeal_id: str) -> None:
    """Give each of the appeal's rectifications not yet tied to its rating the latest rating
    of its value that no other rectification holds (of the merged appeal it names, if it names
    one). A merged enterprise's rating sits on its own stream and may be folded after the
    rectification it opened on the survivor's, so either fold links them."""
    waiting = connection.execute(sa.select(rectifications_table).where(
        rectifications_table.c.appeal_id == appeal_id,
        rectifications_table.c.rating_seq.is_(None))
        .order_by(rectifications_table.c.number)).all()
    for row in waiting:
        held = set(connection.execute(sa.select(rectifications_table.c.rating_seq).where(
            rectifications_table.c.appeal_id == appeal_id,
            rectifications_table.c.rating_seq.is_not(None))).scalars())
        query = sa.select(ratings_table.c.seq).where(
            ratings_table.c.appeal_id == appeal_id, ratings_table.c.rating == row.rating)
        if row.rated_appeal_id is not None:
            query = query.where(ratings_table.c.rated_appeal_id == row.rated_appeal_id)
        found = [seq for seq in connection.execute(
            query.order_by(ratings_table.c.seq.desc())).scalars() if seq not in held]
        if found:
            connection.execute(rectifications_table.update().where(
                rectifications_table.c.appeal_id == appeal_id,
                rectifications_table.c.number == row.number).values(rating_seq=found[0]))


@handles("tickets", "ticket", "RectificationOpened")
def _rectification_opened(connection, seq, event, fact):
    # A matter the unit owes by its due, like an assisting unit's task: the ladder takes it up
    # when late. It runs on its own clock: a redispatch, merge or split of the appeal leaves it.
    appeal_id = event.stream_id
    row = _appeal(connection, appeal_id)
    due = _time(fact.due)
    rated = getattr(fact, "merged_appeal_id", None)
    if _rectification(connection, appeal_id, fact.number) is None:
        connection.execute(rectifications_table.insert().values(
            appeal_id=appeal_id, number=fact.number, unit=fact.unit, rating=fact.rating,
            rating_seq=None, rated_appeal_id=rated, due_at=due, seqs=json.dumps([seq])))
        _link_ratings(connection, appeal_id)
    if fact.unit:
        open_matter(connection, seq, matter_id=rectification_matter_id(appeal_id, fact.number),
                    kind=RECTIFICATION, stream_id=appeal_id, unit=fact.unit, due_at=due,
                    title=f"差评整改 rectification {fact.number} · {row.title or appeal_id}")


@handles("tickets", "ticket", "RectificationClassified")
def _rectification_classified(connection, seq, event, fact):
    appeal_id, at = event.stream_id, _time(event.occurred_at)
    plan_due = _date_due(fact.plan_due)
    _update_rectification(connection, seq, appeal_id, fact.number, way=fact.way,
                          classified_at=at, classified_on_time=fact.on_time, plan_due=plan_due)
    matter_id = rectification_matter_id(appeal_id, fact.number)
    if fact.way == "planned":
        # The unit owes its plan now, by the plan's date.
        touch_matter(connection, seq, matter_id, due_at=plan_due)
    elif fact.way == "disputed":
        # The office owes the next step (its ruling), not the unit: undated, the matter is
        # never overdue while the office reviews, so the ladder chases nobody meanwhile; the
        # ruling settles it. Whether the unit classified by its due stays in the measure.
        touch_matter(connection, seq, matter_id, due_at=None)
    else:
        settle_matter(connection, seq, matter_id, at)


@handles("tickets", "ticket", "RectificationCompleted")
def _rectification_completed(connection, seq, event, fact):
    at = _time(event.occurred_at)
    _update_rectification(connection, seq, event.stream_id, fact.number, completed_at=at,
                          completed_on_time=fact.on_time)
    settle_matter(connection, seq, rectification_matter_id(event.stream_id, fact.number), at)


@handles("tickets", "ticket", "RectificationDisputeRuled")
def _rectification_ruled(connection, seq, event, fact):
    appeal_id, at = event.stream_id, _time(event.occurred_at)
    _update_rectification(connection, seq, appeal_id, fact.number, ruling=fact.ruling,
                          ruled_at=at)
    settle_matter(connection, seq, rectification_matter_id(appeal_id, fact.number), at)
    if fact.ruling != "voided":
        return
    # 撤销差评: the rating leaves the measures; recorded with the ruling's reason and seq.
    row = _rectification(connection, appeal_id, fact.number)
    rating = None if row is None or row.rating_seq is None else connection.execute(
        sa.select(ratings_table).where(ratings_table.c.seq == row.rating_seq)).first()
    if rating is not None and connection.execute(sa.select(voided_table.c.seq).where(
            voided_table.c.seq == rating.seq)).first() is None:
        connection.execute(voided_table.insert().values(
            seq=rating.seq, appeal_id=rating.appeal_id, unit=rating.unit, rating=rating.rating,
            reason=fact.reason, ruling_seq=seq))


@handles("tickets", "ticket", "RectificationMissed")
def _rectification_missed(connection, seq, event, fact):
    _update_rectification(connection, seq, event.stream_id, fact.number)
    touch_matter(connection, seq, rectification_matter_id(event.stream_id, fact.number))


# -- implementation rules, surveys, help plans -------------------------------------------------

def _owed(kind: str, title: Callable[[Payload], str]):
    """Handlers for a thing one unit owes by a date: required, done, marked overdue."""
    def required(connection, seq, event, fact):
        open_matter(connection, seq, matter_id=f"{kind}:{event.stream_id}", kind=kind,
                    stream_id=event.stream_id, unit=fact.unit, due_at=_date_due(fact.due),
                    title=title(fact))

    def done(connection, seq, event, fact):
        settle_matter(connection, seq, f"{kind}:{event.stream_id}", _time(event.occurred_at))

    def noted(connection, seq, event, fact):
        touch_matter(connection, seq, f"{kind}:{event.stream_id}")
    return required, done, noted


def _register(producer: str, stream_type: str, kind: str, title, required: str,
              done: Iterable[str], noted: Iterable[str]) -> None:
    on_required, on_done, on_noted = _owed(kind, title)
    handles(producer, stream_type, required)(on_required)
    handles(producer, stream_type, *done)(on_done)
    handles(producer, stream_type, *noted)(on_noted)


_register("policy", "implementation_rule", IMPLEMENTATION_RULE,
          lambda fact: f"实施细则 implementation rule · {fact.policy_id}",
          "ImplementationRuleRequired", ["ImplementationRuleFiled"],
          ["ImplementationRuleOverdue"])
_register("liaison", "survey", SURVEY,
          lambda fact: f"调研专题报告 survey · {fact.park}".rstrip(" ·"),
          "SurveyRequired", ["SurveySubmitted"], ["SurveyOverdue"])
# A help plan is done when submitted (the notice's 制定…上报审核); its review and filing, and its
# being sent back, are noted on it.
_register("liaison", "help_plan", HELP_PLAN,
          lambda fact: f"帮扶方案 help plan · {fact.leader_id}",
          "HelpPlanRequired", ["HelpPlanSubmitted"],
          ["HelpPlanOverdue", "HelpPlanApproved", "HelpPlanSentBack", "HelpPlanFiled"])


# -- the action's deliverables (this service) --------------------------------------------------

def deliverable_matter_id(stream_id: str, unit: str) -> str:
    return f"{DELIVERABLE}:{stream_id}:{unit}"


@handles("supervision", "deliverable", "DeliverableScheduled")
def _scheduled(connection, seq, event, fact):
    for unit in fact.owners:
        open_matter(connection, seq, matter_id=deliverable_matter_id(event.stream_id, unit),
                    kind=DELIVERABLE, stream_id=event.stream_id, unit=unit,
                    due_at=_date_due(fact.due), title=fact.title)


@handles("supervision", "deliverable", "DeliverableDelivered", "SummaryReportReceived")
def _delivered(connection, seq, event, fact):
    settle_matter(connection, seq, deliverable_matter_id(event.stream_id, fact.unit),
                  _time(fact.at or event.occurred_at))


@handles("supervision", "deliverable", "DeliverySentBack")
def _delivery_sent_back(connection, seq, event, fact):
    # The office sent the delivery back: the unit owes it again, by the same date.
    touch_matter(connection, seq, deliverable_matter_id(event.stream_id, fact.unit),
                 done_at=None)


@handles("supervision", "deliverable", "DeliveryAccepted")
def _delivery_accepted(connection, seq, event, fact):
    touch_matter(connection, seq, deliverable_matter_id(event.stream_id, fact.unit))


@handles("supervision", "deliverable", "DeliverableMissed")
def _deliverable_missed(connection, seq, event, fact):
    touch_matter(connection, seq, deliverable_matter_id(event.stream_id, fact.unit))


# -- supervision received (this service's cases) ----------------------------------------------

def notice_matter_id(case_id: str, notice_number: str) -> str:
    return f"{NOTICE_ANSWER}:{case_id}:{notice_number}"


def _step(connection, seq, event, fact):
    unit = fact.unit
    if not unit:
        return
    connection.execute(supervision_table.insert().values(
        seq=seq, unit=unit, step=STEP_EVENTS[event.type], matter_id=fact.matter_id,
        case_id=event.stream_id, type=event.type, occurred_at=_time(event.occurred_at)))
    # A notice is an answer owed — but not one issued on the case of an unanswered notice: that
    # case is already the supervision of the answer owed, and a notice owed on it would open
    # another case, and so on, a notice more every few working days while the unit is silent.
    if event.type == "SupervisionNoticeIssued" and fact.kind != NOTICE_ANSWER:
        number = fact.notice_number or str(seq)
        answer_by = fact.answer_by
        due = _date_due(answer_by) if answer_by and len(answer_by) == 10 else _time(answer_by)
        open_matter(connection, seq, matter_id=notice_matter_id(event.stream_id, number),
                    kind=NOTICE_ANSWER, stream_id=event.stream_id, unit=unit, due_at=due,
                    title=f"督查通知书 supervision notice {number}")


for _type in STEP_EVENTS:
    handles("supervision", "supervision_case", _type)(_step)


@handles("supervision", "supervision_case", "NoticeAnswered")
def _notice_answered(connection, seq, event, fact):
    number = fact.notice_number
    if number:
        settle_matter(connection, seq, notice_matter_id(event.stream_id, number),
                      _time(event.occurred_at))
        return
    # Without a number: the case's notices the unit has not answered yet.
    rows = connection.execute(sa.select(matters_table.c.matter_id).where(
        matters_table.c.stream_id == event.stream_id, matters_table.c.kind == NOTICE_ANSWER,
        matters_table.c.done_at.is_(None))).all()
    for row in rows:
        settle_matter(connection, seq, row.matter_id, _time(event.occurred_at))


# -- the leaders' scoping (liaison) -----------------------------------------------------------

def _replace(connection, table: sa.Table, key: str, row: dict) -> None:
    connection.execute(table.delete().where(table.c[key] == row[key]))
    connection.execute(table.insert().values(**row))


@handles("liaison", "linkage", "PlanAccepted")
def _plan_accepted(connection, seq, event, fact):
    connection.execute(leader_parks_table.delete()
                       .where(leader_parks_table.c.rank.in_(CITY_RANKS)))
    for linkage in map(Linkage.model_validate, fact.linkages):
        _replace(connection, leader_parks_table, "leader_id", {
            "leader_id": linkage.leader_id, "rank": linkage.rank, "park": linkage.park})


@handles("liaison", "linkage", "LinkageChanged")
def _linkage_changed(connection, seq, event, fact):
    _replace(connection, leader_parks_table, "leader_id",
             {"leader_id": fact.leader_id, "rank": fact.rank, "park": fact.park})


@handles("liaison", "linkage", "DepartmentLinkedToPark")
def _department_linked(connection, seq, event, fact):
    _replace(connection, department_parks_table, "unit",
             {"unit": fact.unit, "park": fact.park})


@handles("liaison", "linkage", "LiaisonOfficerAppointed")
def _officer(connection, seq, event, fact):
    _replace(connection, liaison_officers_table, "cadre_id",
             {"cadre_id": fact.cadre_id, "leader_id": fact.leader_id, "unit": fact.unit})


@handles("liaison", "park", "ParkRegistered", "ParkChanged")
def _park(connection, seq, event, fact):
    county = fact.county
    if county:
        _replace(connection, park_counties_table, "park",
                 {"park": event.stream_id, "county": county})


# -- the register of units (liaison) ----------------------------------------------------------

def _unit_row(connection, code: str):
    return connection.execute(sa.select(units_table).where(units_table.c.code == code)).first()


@handles("liaison", "unit", "UnitRegistered")
def _unit_registered(connection, seq, event, fact):
    values = {"name": fact.name, "kind": fact.kind, "county": fact.county}
    row = _unit_row(connection, event.stream_id)
    if row is None:
        connection.execute(units_table.insert().values(code=event.stream_id,
                                                       seqs=json.dumps([seq]), **values))
        return
    # A renaming folded first (a ledger started mid-way) keeps its newer name.
    if row.name:
        values["name"] = row.name
    connection.execute(units_table.update().where(units_table.c.code == event.stream_id)
                       .values(seqs=_with(_seqs(row.seqs), seq), **values))


@handles("liaison", "unit", "UnitChanged")
def _unit_changed(connection, seq, event, fact):
    name = fact.name
    row = _unit_row(connection, event.stream_id)
    if row is None:
        connection.execute(units_table.insert().values(
            code=event.stream_id, name=name, kind=None, county=None, seqs=json.dumps([seq])))
        return
    connection.execute(units_table.update().where(units_table.c.code == event.stream_id)
                       .values(name=name or row.name, seqs=_with(_seqs(row.seqs), seq)))


# -- readers -----------------------------------------------------------------------------------

def matters(connection: sa.Connection, unit: str | None = None,
            kind: str | None = None, *, withdrawn: bool = False) -> list[TrackedMatter]:
    """The matters tracked, of `unit` and of `kind` if given, by due date (undated last); those
    withdrawn (owed no more) only with `withdrawn`."""
    if kind is not None and kind not in MATTER_KINDS:
        raise ValueError(f"kind {kind!r} is not one of: {', '.join(MATTER_KINDS)}")
    query = sa.select(matters_table)
    if unit is not None:
        query = query.where(matters_table.c.unit == unit)
    if kind is not None:
        query = query.where(matters_table.c.kind == kind)
    if not withdrawn:
        query = query.where(matters_table.c.withdrawn_at.is_(None))
    rows = connection.execute(query).all()
    rows.sort(key=lambda r: (r.due_at is None, r.due_at or "", r.matter_id))
    return [_to_matter(row) for row in rows]


def matter(connection: sa.Connection, matter_id: str) -> TrackedMatter | None:
    row = _matter_row(connection, matter_id)
    return None if row is None else _to_matter(row)


def overdue(connection: sa.Connection, now: dt.datetime) -> list[TrackedMatter]:
    """The matters past their date at `now` and not done (nor withdrawn), longest overdue
    first."""
    rows = connection.execute(sa.select(matters_table).where(
        matters_table.c.due_at.is_not(None), matters_table.c.due_at < format_time(now),
        matters_table.c.done_at.is_(None), matters_table.c.withdrawn_at.is_(None))
        .order_by(matters_table.c.due_at, matters_table.c.matter_id)).all()
    return [_to_matter(row) for row in rows]


def appeal_facts(connection: sa.Connection, since: dt.datetime | None = None,
                 until: dt.datetime | None = None) -> list[AppealFact]:
    """Each appeal as each lead unit handled it, of those dispatched to the unit in
    [`since`, `until`)."""
    query = sa.select(appeal_facts_table, appeals_table.c.uscc).join(
        appeals_table, appeals_table.c.appeal_id == appeal_facts_table.c.appeal_id, isouter=True)
    if since is not None:
        query = query.where(appeal_facts_table.c.dispatched_at >= format_time(since))
    if until is not None:
        query = query.where(appeal_facts_table.c.dispatched_at < format_time(until))
    rows = connection.execute(query.order_by(appeal_facts_table.c.dispatched_at,
                                             appeal_facts_table.c.appeal_id,
                                             appeal_facts_table.c.unit)).all()
    given = ratings_given(connection, since, until)
    voided: dict[tuple[str, str], list[VoidedRating]] = {}
    for item in voided_ratings(connection, since, until):
        voided.setdefault((item.appeal_id, item.unit), []).append(item)
    return [AppealFact(
        appeal_id=row.appeal_id, unit=row.unit, dispatched_at=parse_time(row.dispatched_at),
        sign_due=_parsed(row.sign_due), signed_at=_parsed(row.signed_at),
        resolution_due=_parsed(row.resolution_due), resolved_at=_parsed(row.resolved_at),
        replied=bool(row.replied), rating=row.rating, sent_back=row.sent_back,
        seqs=tuple(_seqs(row.seqs)), uscc=row.uscc or "",
        ratings=tuple(given.get((row.appeal_id, row.unit), ())),
        voided=tuple(voided.get((row.appeal_id, row.unit), ()))) for row in rows]


def hotline_steps(connection: sa.Connection, since: dt.datetime | None = None,
                  until: dt.datetime | None = None) -> list[HotlineStep]:
    """The hotline steps (`facts.HotlineStep`) of the appeals dispatched to each unit in
    [`since`, `until`) (the unit's appeal fact's dispatch), in ledger order."""
    facts_ = appeal_facts_table
    query = sa.select(hotline_table).join(facts_, sa.and_(
        facts_.c.appeal_id == hotline_table.c.appeal_id, facts_.c.unit == hotline_table.c.unit))
    if since is not None:
        query = query.where(facts_.c.dispatched_at >= format_time(since))
    if until is not None:
        query = query.where(facts_.c.dispatched_at < format_time(until))
    return [HotlineStep(seq=row.seq, appeal_id=row.appeal_id, unit=row.unit, step=row.step,
                        at=parse_time(row.at))
            for row in connection.execute(query.order_by(hotline_table.c.seq)).all()]


def ratings_given(connection: sa.Connection, since: dt.datetime | None = None,
                  until: dt.datetime | None = None) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """Every rating given and not voided by the office (撤销差评), (rating, seq) in ledger order,
    by (appeal, the unit that led it), of the appeals dispatched to that unit in [`since`,
    `until`). A merged enterprise's rating is the survivor's."""
    facts = appeal_facts_table
    query = sa.select(ratings_table.c.appeal_id, ratings_table.c.unit, ratings_table.c.rating,
                      ratings_table.c.seq).join(facts, sa.and_(
                          facts.c.appeal_id == ratings_table.c.appeal_id,
                          facts.c.unit == ratings_table.c.unit)).join(
        voided_table, voided_table.c.seq == ratings_table.c.seq, isouter=True).where(
        voided_table.c.seq.is_(None))
    if since is not None:
        query = query.where(facts.c.dispatched_at >= format_time(since))
    if until is not None:
        query = query.where(facts.c.dispatched_at < format_time(until))
    found: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for row in connection.execute(query.order_by(ratings_table.c.seq)).all():
        found.setdefault((row.appeal_id, row.unit), []).append((row.rating, row.seq))
    return found


def voided_ratings(connection: sa.Connection, since: dt.datetime | None = None,
                   until: dt.datetime | None = None) -> list[VoidedRating]:
    """The ratings the office voided (撤销差评), in ledger order, of the appeals dispatched to
    the rated unit in [`since`, `until`)."""
    facts_ = appeal_facts_table
    query = sa.select(voided_table).join(facts_, sa.and_(
        facts_.c.appeal_id == voided_table.c.appeal_id, facts_.c.unit == voided_table.c.unit))
    if since is not None:
        query = query.where(facts_.c.dispatched_at >= format_time(since))
    if until is not None:
        query = query.where(facts_.c.dispatched_at < format_time(until))
    return [VoidedRating(seq=row.seq, appeal_id=row.appeal_id, unit=row.unit, rating=row.rating,
                         reason=row.reason, ruling_seq=row.ruling_seq)
            for row in connection.execute(query.order_by(voided_table.c.seq)).all()]


def rectifications(connection: sa.Connection, since: dt.datetime | None = None,
                   until: dt.datetime | None = None) -> list[Rectification]:
    """The rectifications of bad ratings (差评整改), by appeal and number, of the appeals
    dispatched to the rectifying unit in [`since`, `until`) (the month its rating counts in)."""
    rect, facts_ = rectifications_table, appeal_facts_table
    query = sa.select(rect).join(facts_, sa.and_(
        facts_.c.appeal_id == rect.c.appeal_id, facts_.c.unit == rect.c.unit))
    if since is not None:
        query = query.where(facts_.c.dispatched_at >= format_time(since))
    if until is not None:
        query = query.where(facts_.c.dispatched_at < format_time(until))
    rows = connection.execute(query.order_by(rect.c.appeal_id, rect.c.number)).all()
    return [Rectification(
        appeal_id=row.appeal_id, number=row.number, unit=row.unit, rating=row.rating,
        rating_seq=row.rating_seq, due=parse_time(row.due_at), way=row.way,
        classified_at=_parsed(row.classified_at), classified_on_time=row.classified_on_time,
        plan_due=_parsed(row.plan_due), completed_at=_parsed(row.completed_at),
        completed_on_time=row.completed_on_time, ruling=row.ruling,
        ruled_at=_parsed(row.ruled_at), seqs=tuple(_seqs(row.seqs))) for row in rows]


def units_serving(connection: sa.Connection, uscc: str) -> set[str]:
    """The units that led an appeal the enterprise raised: whom it may rate in an evaluation
    round (评议反馈)."""
    return set(connection.execute(
        sa.select(appeal_facts_table.c.unit).distinct().join(
            appeals_table, appeals_table.c.appeal_id == appeal_facts_table.c.appeal_id)
        .where(appeals_table.c.uscc == uscc)).scalars())


def problem_appeals(connection: sa.Connection) -> list[ProblemAppeal]:
    """The appeals that go straight to listed supervision (提级督办), in the order found."""
    rows = connection.execute(sa.select(appeals_table)
                              .where(appeals_table.c.problem_reason.is_not(None))
                              .order_by(appeals_table.c.appeal_id)).all()
    found = [ProblemAppeal(appeal_id=row.appeal_id, unit=row.problem_unit or row.lead_unit or "",
                           reason=row.problem_reason, seqs=tuple(_seqs(row.problem_seqs)))
             for row in rows]
    found.sort(key=lambda problem: (problem.seqs[-1] if problem.seqs else 0, problem.appeal_id))
    return found


def supervision_received(connection: sa.Connection, unit: str | None = None,
                         since: dt.datetime | None = None,
                         until: dt.datetime | None = None) -> list[SupervisionStep]:
    """The supervision steps units received (of `unit` if given), in ledger order."""
    query = sa.select(supervision_table)
    if unit is not None:
        query = query.where(supervision_table.c.unit == unit)
    if since is not None:
        query = query.where(supervision_table.c.occurred_at >= format_time(since))
    if until is not None:
        query = query.where(supervision_table.c.occurred_at < format_time(until))
    rows = connection.execute(query.order_by(supervision_table.c.seq)).all()
    return [SupervisionStep(seq=row.seq, unit=row.unit, step=row.step, matter_id=row.matter_id,
                            case_id=row.case_id, occurred_at=parse_time(row.occurred_at))
            for row in rows]


def unit_register(connection: sa.Connection) -> dict[str, dict]:
    """Every unit known, by code: {name, kind, county, seqs}; the notice's 21 counties,
    districts and zones with their names even if never registered (seqs then empty). A unit
    registered without a name is named by its code."""
    found = {code: {"name": name, "kind": kind, "county": code, "seqs": []}
             for code, (name, kind) in ALWAYS_KNOWN.items()}
    for row in connection.execute(sa.select(units_table).order_by(units_table.c.code)).all():
        known = found.get(row.code, {})
        found[row.code] = {"name": row.name or known.get("name") or row.code,
                           "kind": row.kind or known.get("kind"),
                           "county": row.county or known.get("county"),
                           "seqs": _seqs(row.seqs)}
    return dict(sorted(found.items()))


def units(connection: sa.Connection, kinds: Iterable[str] | None = None) -> dict[str, str]:
    """The units known, code → name (of `kinds` only, if given: county, zone,
    city_department)."""
    wanted = set(kinds) if kinds is not None else None
    return {code: unit["name"] for code, unit in unit_register(connection).items()
            if wanted is None or unit["kind"] in wanted}


def unit_kinds(connection: sa.Connection) -> dict[str, str | None]:
    """The units known, code → kind (None for a unit only ever renamed in the ledger read)."""
    return {code: unit["kind"] for code, unit in unit_register(connection).items()}


def accepted_deliveries(connection: sa.Connection, year: int) -> set[tuple[str, str]]:
    """(deliverable stream, unit) of the year's deliveries the office accepted, as the ledger's
    entries of the deliverables' streams hold them: the last review of each delivery decides."""
    prefix = f"{DELIVERABLE}:{year}:"
    rows = connection.execute(
        sa.select(entries_table.c.stream_id, entries_table.c.type, entries_table.c.payload)
        .where(entries_table.c.stream_id.like(prefix + "%"),
               entries_table.c.type.in_(("DeliveryAccepted", "DeliverySentBack")))
        .order_by(entries_table.c.seq)).all()
    accepted: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.stream_id, json.loads(row.payload)["unit"])
        if row.type == "DeliveryAccepted":
            accepted.add(key)
        else:
            accepted.discard(key)
    return accepted


def known_leader(connection: sa.Connection, leader_id: str) -> bool:
    """Whether the ledger shows `leader_id` as a leader: linked to a park, or served by an
    appointed liaison officer. A token naming anyone else is no registered leader."""
    for table in (leader_parks_table, liaison_officers_table):
        if connection.execute(sa.select(table.c.leader_id)
                              .where(table.c.leader_id == leader_id).limit(1)).first():
            return True
    return False


def leader_units(connection: sa.Connection, leader_id: str) -> set[str]:
    """The units a leader sees (his linkage's): the departments linked to his park, the park's
    county, and the units of the liaison officers serving him."""
    park = connection.execute(sa.select(leader_parks_table.c.park)
                              .where(leader_parks_table.c.leader_id == leader_id)).scalar()
    units: set[str] = set()
    if park:
        units.update(connection.execute(sa.select(department_parks_table.c.unit)
                                        .where(department_parks_table.c.park == park)).scalars())
        units.update(connection.execute(sa.select(park_counties_table.c.county)
                                        .where(park_counties_table.c.park == park)).scalars())
    units.update(connection.execute(sa.select(liaison_officers_table.c.unit)
                                    .where(liaison_officers_table.c.leader_id == leader_id))
                 .scalars())
    return units


def scheduling_snapshot(connection: sa.Connection, now: dt.datetime,
                        units: Iterable[str] | None = None) -> dict[str, dict]:
    """Per unit, what a scheduling report (调度通报) states at `now`: the matters due by now, those
    done (on time or not), those late (done late, or overdue and not done), those still open,
    each with its matters' ids, and every seq behind them. See `supervision.scheduling`."""
    wanted = set(units) if units is not None else None
    stamp = format_time(now)
    snapshot: dict[str, dict] = {}
    for row in connection.execute(sa.select(matters_table)
                                  .where(matters_table.c.withdrawn_at.is_(None))
                                  .order_by(matters_table.c.matter_id)).all():
        if wanted is not None and row.unit not in wanted:
            continue
        entry = snapshot.setdefault(row.unit, {"due": [], "done": [], "late": [], "open": [],
                                               "seqs": set()})
        due = row.due_at is not None and row.due_at <= stamp
        done = row.done_at is not None and row.done_at <= stamp
        late = row.due_at is not None and (
            (done and row.done_at > row.due_at) or (not done and row.due_at < stamp))
        if due:
            entry["due"].append(row.matter_id)
        if done:
            entry["done"].append(row.matter_id)
        else:
            entry["open"].append(row.matter_id)
        if late:
            entry["late"].append(row.matter_id)
        entry["seqs"].update(_seqs(row.seqs))
    for entry in snapshot.values():
        entry["seqs"] = sorted(entry["seqs"])
    if wanted is not None:
        for unit in wanted - set(snapshot):
            snapshot[unit] = {"due": [], "done": [], "late": [], "open": [], "seqs": []}
    return snapshot
