"""What supervision and the assessment reason from: facts read off the ledger, each carrying the
seqs of the entries that show it, so that every figure and every record built on them can cite
the entries anyone can verify. Plain data, no I/O; the tracking read model
(`supervision.tracking`) fills them as the ledger grows."""
from __future__ import annotations

import dataclasses
import datetime as dt

# Kinds of tracked matter: an appeal's signing and its resolution (each owed by its lead unit),
# an implementation rule, a survey, a help plan, one of the action's deliverables, a
# supervision notice the unit must answer, an assisting unit's own task on an appeal (协办), and
# the rectification of a bad rating the unit that handled the appeal owes (差评整改).
APPEAL_SIGNING = "appeal_signing"
APPEAL_RESOLUTION = "appeal_resolution"
IMPLEMENTATION_RULE = "implementation_rule"
SURVEY = "survey"
HELP_PLAN = "help_plan"
DELIVERABLE = "deliverable"
NOTICE_ANSWER = "notice_answer"
ASSIST_TASK = "assist_task"
RECTIFICATION = "rectification"
MATTER_KINDS = (APPEAL_SIGNING, APPEAL_RESOLUTION, IMPLEMENTATION_RULE, SURVEY, HELP_PLAN,
                DELIVERABLE, NOTICE_ANSWER, ASSIST_TASK, RECTIFICATION)


@dataclasses.dataclass(frozen=True)
class TrackedMatter:
    """One thing a unit owes by a date: due, done or late."""

    matter_id: str            # the owing stream's id, with the kind: "<kind>:<stream_id>[:<n>]"
    kind: str                 # one of MATTER_KINDS
    stream_id: str            # the appeal's, rule's, survey's … stream
    unit: str                 # the unit that owes it
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    seqs: tuple[int, ...]     # the ledger entries that set it up, moved its date, or did it
    title: str = ""

    def late(self, now: dt.datetime) -> bool:
        """Past its date and not done (or done after it)."""
        if self.due_at is None:
            return False
        return (self.done_at or now) > self.due_at


@dataclasses.dataclass(frozen=True)
class VoidedRating:
    """A rating the office voided (撤销差评) on the unit's 申诉: it leaves the measures. `seq` is
    the rating's entry, `ruling_seq` the ruling's."""

    seq: int
    appeal_id: str
    unit: str
    rating: str
    reason: str
    ruling_seq: int

    def to_dict(self) -> dict:
        return {"seq": self.seq, "appeal_id": self.appeal_id, "rating": self.rating,
                "reason": self.reason, "ruling_seq": self.ruling_seq}


@dataclasses.dataclass(frozen=True)
class AppealFact:
    """One appeal as one lead unit handled it (an appeal redispatched to another unit is a fact
    of each): what the assessment's appeal measures count."""

    appeal_id: str
    unit: str
    dispatched_at: dt.datetime
    sign_due: dt.datetime | None
    signed_at: dt.datetime | None
    resolution_due: dt.datetime | None
    resolved_at: dt.datetime | None
    replied: bool             # the enterprise was given an answer (resolved, or an answer noted)
    rating: str | None        # satisfied, basically_satisfied, unsatisfied; None if not rated
    sent_back: int            # times sent back for redo (发回重办) while this unit led
    seqs: tuple[int, ...]     # every entry counted here
    uscc: str = ""            # the enterprise that raised it: whom the unit served
    # Every rating the enterprise gave while this unit led, in ledger order, with the seq of its
    # entry: an unsatisfied one that sent the appeal back stays, and one after the redo is
    # another. `rating` is only the appeal's rating as it stands (cleared by a send-back).
    ratings: tuple[tuple[str, int], ...] = ()
    # The ratings the office voided on the unit's 申诉 (差评整改): left out of `ratings`, kept
    # here so a reader of 满意率 sees which left it and why.
    voided: tuple[VoidedRating, ...] = ()

    def given_ratings(self) -> tuple[tuple[str, int | None], ...]:
        """Every rating given, (rating, seq). A fact made without its ratings (by hand, in a
        test or a bench) counts the rating as it stands, with no seq of its own."""
        if self.ratings:
            return self.ratings
        return ((self.rating, None),) if self.rating is not None else ()


@dataclasses.dataclass(frozen=True)
class ProblemAppeal:
    """An appeal that goes straight to listed supervision (提级督办): sent back for redo three
    times or more, or passed among three units or more with none leading."""

    appeal_id: str
    unit: str                 # the unit that leads it now (or last led it)
    reason: str               # "sent_back_3" or "passed_among_3"
    seqs: tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class HotlineStep:
    """One step of an appeal in a unit's hands that the hotline measures count, as the ledger
    holds it at `seq`: its dispatch to the unit, the unit's return (退回), its resolution, its
    sending back for 重办, or the office's callback (回访)."""

    seq: int
    appeal_id: str
    unit: str
    step: str                 # dispatch, return, resolved, redo, callback
    at: dt.datetime


@dataclasses.dataclass(frozen=True)
class Rectification:
    """One rectification of a bad rating (差评整改) as the ledger holds it: opened by the rating
    for the unit that handled the appeal, due its `due`; classified once (fixed, planned,
    explained, disputed), a plan completed by its `plan_due`, a dispute ruled by the office.
    `on_time` flags are the tickets service's own, recorded on its events."""

    appeal_id: str            # the appeal whose stream holds it (a merged one's: the survivor)
    number: int
    unit: str
    rating: str
    rating_seq: int | None    # the rating's entry (a merged enterprise's: on its own appeal)
    due: dt.datetime
    way: str | None = None    # fixed, planned, explained, disputed; None while unclassified
    classified_at: dt.datetime | None = None
    classified_on_time: bool | None = None
    plan_due: dt.datetime | None = None       # the end of the plan's day (office time)
    completed_at: dt.datetime | None = None
    completed_on_time: bool | None = None
    ruling: str | None = None                 # upheld, voided
    ruled_at: dt.datetime | None = None
    seqs: tuple[int, ...] = ()                # opened, classified, completed, ruled, missed
