"""Every rule of a policy briefing (宣讲活动, notice 二(二)1) that a command can break, one exception
each, on the kernel's shapes (`kernel.errors`): a stable `rule` code, the kind its base gives, a
`template` filled in with the words the raiser names, the `field` at fault."""
from __future__ import annotations

from kernel.errors import InvalidInput, NoSuch, NotNow, Taken, UnitNotOwner, Worded


class BriefingNotFound(NoSuch):
    rule = "briefing_not_found"
    template = "no briefing {id} is scheduled"


class BriefingAlreadyExists(Taken):
    rule = "briefing_already_exists"
    template = "briefing {id} is already scheduled; revise it instead"


class NotOrganisingUnit(UnitNotOwner):
    rule = "not_organising_unit"
    template = "only the organising unit ({owner}) or the office may {doing}; {unit} is not it"


class NoPoliciesExplained(Worded, InvalidInput):
    rule = "no_policies_explained"
    template = ("a briefing explains at least one policy (宣讲《若干政策措施》): policy_ids is "
                "empty")
    at = "policy_ids"


class EmptyAgenda(Worded, InvalidInput):
    rule = "empty_agenda"
    template = ("a briefing has an agenda (议程): give at least one item — a leader's speech, a "
                "department's reading or a park's statement")
    at = "agenda"


class AgendaItemIncomplete(Worded, InvalidInput):
    rule = "agenda_item_incomplete"
    template = "{field}: {label} is required for this agenda item"


class BriefingDateInPast(Worded, InvalidInput):
    rule = "briefing_date_in_past"
    template = "the briefing's date {date} is before today ({today}); schedule it for today or later"
    at = "date"


class BriefingAlreadyHeld(NotNow):
    rule = "briefing_already_held"
    template = "the briefing has already been held (已举行); you cannot {doing}"


class BriefingCancelled(NotNow):
    rule = "briefing_cancelled"
    template = "the briefing was cancelled (已取消); you cannot {doing}"


class BriefingNotYetDue(Worded):
    rule = "briefing_not_yet_due"
    template = ("the briefing is set for {date}; it cannot be recorded as held on {today}, "
                "before its date")
    at = "date"


class InvalidAttendance(Worded, InvalidInput):
    rule = "invalid_attendance"
    template = ("attendance {value!r} is not a count of people present (a whole number, at "
                "least 1)")
    at = "attendance"
