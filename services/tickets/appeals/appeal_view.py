"""The appeal as clients see it: the answer of `GET /api/v1/tickets/{id}` and of every command on
an appeal, the ledger's rows and the workbook's lines.

Two parts, folded from the same facts. What the aggregate decides on (status, units, deadlines,
rating …) is the `Ticket`'s own state, never recomputed here, so the view cannot show a state the
aggregate would not. What is kept only for display (the enterprise's name, the description, the
notes, follow-ups, ratings and extensions as history, the times of receipt and closing off …) is
folded by `AppealView`. Plain Python, no I/O: `projections` stores the view, and tests fold it
from facts directly.
"""
from __future__ import annotations

from typing import Callable, Iterable

from kernel.aggregate import Fact
from kernel.envelope import Event, format_time
from services.tickets.appeals.domain import Ticket

# The facts that mark each step of an appeal (the ledger's time columns): a step's time is the
# latest such fact's, kept when the appeal goes back (退回, 重办, reopened), so that the ledger
# says when each step last happened while its status says where the appeal stands now. An
# appeal ruled back to its unit after a return (终审) is handed to it again, as a dispatch.
STEP_FACTS: dict[str, tuple[str, ...]] = {
    "received": ("TicketRaised",),
    "dispatched": ("TicketDispatched", "TicketRedispatched", "TicketReturnRuled"),
    "signed": ("TicketSignedFor",),
    "first_response": ("TicketClassified",),
    "returned": ("TicketReturned",),
    "resolved": ("TicketResolved",),
    "called_back": ("TicketCalledBack",),
    "rated": ("TicketRated", "MergedAppealRated"),
    "closed": ("TicketClosedOff", "TicketMerged", "TicketSplit"),
}
_STEP_OF = {fact_type: step for step, types in STEP_FACTS.items() for fact_type in types}


class AppealView:
    """What is shown of an appeal beyond what its aggregate decides on, fact by fact."""

    def __init__(self):
        self.enterprise_name: str | None = None
        self.description: str | None = None
        self.channel: str | None = None
        self.visit_id: str | None = None
        # Who to call back, as said: a reader is shown it by access.shown_contact.
        self.contact_person: str | None = None
        self.contact_phone: str | None = None
        self.contact_email: str | None = None
        self.received_at: str | None = None
        self.signed_for_at: str | None = None
        self.classification: dict | None = None
        self.extension_request: dict | None = None
        self.extensions: list[dict] = []
        self.urge_count = 0
        self.progress_notes: list[dict] = []
        self.upper_level_follow_ups: list[dict] = []
        self.duplicates: list[dict] = []
        # What is shown of each assisting unit's task beyond its state, by unit.
        self.tasks: dict[str, dict] = {}
        self.resolution_summary: str | None = None
        # 答复意见: what the enterprise is told (the summary is the unit's internal note).
        self.reply: str | None = None
        self.reply_policies: list[str] = []
        self.ratings: list[dict] = []
        self.callbacks: list[dict] = []
        self.reopen_count = 0
        self.closed_at: str | None = None
        self.close_reason: str | None = None
        # 退回 with the ruling on it, and the appeals this one points at (merging).
        self.returns: list[dict] = []
        self.links: list[dict] = []
        # What is shown of each rectification of a bad rating beyond its state, by number.
        self.rectifications: dict[int, dict] = {}
        self.times: dict[str, str | None] = dict.fromkeys(STEP_FACTS)

    @classmethod
    def fold(cls, ticket_id: str, facts: Iterable[Fact]) -> dict:
        """The view of an appeal from its facts, in order."""
        facts = list(facts)
        ticket = Ticket.replay(ticket_id, facts)
        view = cls()
        for fact in facts:
            view.apply(fact)
        return view.as_dict(ticket.snapshot())

    @classmethod
    def fold_events(cls, ticket_id: str, events: Iterable[Event]) -> dict:
        """As `fold`, from the stored events of the appeal's stream."""
        return cls.fold(ticket_id, (Fact.from_event(e) for e in events))

    def apply(self, fact: Fact) -> None:
        step = _STEP_OF.get(fact.type)
        if step is not None:
            # An appeal is received when its raise says, which may be before it was recorded.
            self.times[step] = (fact.payload["received_at"] if step == "received"
                                else format_time(fact.occurred_at))
        on_fact = getattr(self, f"on_{fact.type}", None)
        if on_fact is not None:
            on_fact(fact)

    def as_dict(self, decided: dict) -> dict:
        """The view: `decided` is the aggregate's snapshot. The keys are those of the wire
        contract's TicketView; their meaning never changes."""
        return {
            "id": decided["id"],
            "version": decided["version"],
            "ledger_number": decided["ledger_number"],
            "enterprise_name": self.enterprise_name,
            "uscc": decided["uscc"],
            "title": decided["title"],
            "description": self.description,
            "channel": self.channel,
            "visit_id": self.visit_id,
            "category": decided["category"],
            "county": decided["county"],
            "appeal_type": decided["appeal_type"],
            "urgency": decided["urgency"],
            "confidential": decided["confidential"],
            "contact_person": self.contact_person,
            "contact_phone": self.contact_phone,
            "contact_email": self.contact_email,
            "received_at": self.received_at,
            "step_days": decided["step_days"],
            "status": decided["status"],
            "lead_unit": decided["lead_unit"],
            "assisting_units": list(decided["assisting_units"]),
            "signed_for_at": self.signed_for_at,
            "classification": dict(self.classification) if self.classification else None,
            "deadlines": dict(decided["deadlines"]),
            "deadlines_met": dict(decided["deadlines_met"]),
            "missed": list(decided["missed"]),
            "overdue": list(decided["overdue"]),
            # The aggregate says whether a request waits; the view shows what was asked.
            "pending_extension": (dict(self.extension_request)
                                  if decided["pending_extension"] is not None else None),
            "extensions": list(self.extensions),
            "urge_count": self.urge_count,
            "progress_notes": list(self.progress_notes),
            "upper_level_follow_ups": list(self.upper_level_follow_ups),
            "duplicates": list(self.duplicates),
            # The aggregate says each task's state and due; the view adds its times and words.
            "tasks": [{**task, **self.tasks.get(task["unit"], {})} for task in decided["tasks"]],
            "resolution_summary": self.resolution_summary,
            "reply": self.reply,
            "reply_policies": list(self.reply_policies),
            "resolved_at": decided["resolved_at"],
            "rating": decided["rating"],
            "ratings": list(self.ratings),
            "callbacks": [dict(entry) for entry in self.callbacks],
            "redo_count": decided["redo_count"],
            "reopen_count": self.reopen_count,
            "closed_at": self.closed_at,
            "close_reason": self.close_reason,
            "returns": [dict(entry) for entry in self.returns],
            # The aggregate says each rectification's state and dues; the view adds its steps.
            "rectifications": [{**entry, **self.rectifications.get(entry["number"], {})}
                               for entry in decided["rectifications"]],
            "links": [dict(link) for link in self.links],
            "times": dict(self.times),
            # A merged appeal's reader is shown the survivor's progress when it is read.
            "survivor": None,
        }

    # -- facts shown --

    def on_TicketRaised(self, fact: Fact) -> None:
        p = fact.payload
        self.enterprise_name = p["enterprise_name"]
        self.description = p["description"]
        self.channel = p["channel"]
        self.visit_id = p.get("visit_id")
        self.contact_person = p.get("contact_person")
        self.contact_phone = p.get("contact_phone")
        self.contact_email = p.get("contact_email")
        self.received_at = p["received_at"]
        if p.get("split_from"):
            self._link("split_from", p["split_from"], fact)

    def on_DuplicateAppealLinked(self, fact: Fact) -> None:
        self.duplicates.append({**fact.payload, "linked_at": format_time(fact.occurred_at)})

    def on_TicketDispatched(self, fact: Fact) -> None:
        self._handed_to_a_unit()

    def on_TicketRedispatched(self, fact: Fact) -> None:
        self._handed_to_a_unit()

    def _handed_to_a_unit(self) -> None:
        # The new lead unit signs for and classifies it afresh.
        self.signed_for_at = None
        self.classification = None
        self.tasks = {}

    def on_AssistTaskOpened(self, fact: Fact) -> None:
        self.tasks[fact.payload["unit"]] = {
            "working_days": fact.payload["working_days"],
            "opened_at": format_time(fact.occurred_at)}

    def on_AssistTaskSignedFor(self, fact: Fact) -> None:
        self.tasks[fact.payload["unit"]]["signed_for_at"] = format_time(fact.occurred_at)

    def on_AssistTaskAnswered(self, fact: Fact) -> None:
        self.tasks[fact.payload["unit"]].update(
            answered_at=format_time(fact.occurred_at), reply=fact.payload["reply"],
            on_time=fact.payload["on_time"])

    def on_AssistTaskWaived(self, fact: Fact) -> None:
        self.tasks[fact.payload["unit"]].update(
            waived_at=format_time(fact.occurred_at), waive_reason=fact.payload["reason"])

    # -- the rectification of a bad rating (差评整改) --

    def on_RectificationOpened(self, fact: Fact) -> None:
        self.rectifications[fact.payload["number"]] = {
            "opened_at": format_time(fact.occurred_at),
            "merged_appeal_id": fact.payload.get("merged_appeal_id")}

    def on_RectificationClassified(self, fact: Fact) -> None:
        p = fact.payload
        self.rectifications[p["number"]].update(
            way=p["way"], note=p["note"], plan=p.get("plan"),
            classified_at=format_time(fact.occurred_at), on_time=p["on_time"])

    def on_RectificationCompleted(self, fact: Fact) -> None:
        p = fact.payload
        self.rectifications[p["number"]].update(
            completed_at=format_time(fact.occurred_at), completion_note=p["note"],
            completed_on_time=p["on_time"])

    def on_RectificationDisputeRuled(self, fact: Fact) -> None:
        p = fact.payload
        self.rectifications[p["number"]].update(
            ruling=p["ruling"], ruling_reason=p["reason"],
            ruled_at=format_time(fact.occurred_at))

    def on_TicketSignedFor(self, fact: Fact) -> None:
        self.signed_for_at = format_time(fact.occurred_at)

    def on_TicketUrged(self, fact: Fact) -> None:
        self.urge_count += 1

    def on_TicketClassified(self, fact: Fact) -> None:
        self.classification = {"way": fact.payload["way"], **fact.payload["details"]}

    def on_ProgressNoted(self, fact: Fact) -> None:
        self.progress_notes.append({**fact.payload, "at": format_time(fact.occurred_at)})

    def on_UpperLevelFollowedUp(self, fact: Fact) -> None:
        self.upper_level_follow_ups.append({**fact.payload, "at": format_time(fact.occurred_at)})

    def on_ExtensionRequested(self, fact: Fact) -> None:
        self.extension_request = {
            "working_days": fact.payload["working_days"],
            "reason": fact.payload["reason"],
            "requested_at": format_time(fact.occurred_at),
        }

    def on_ExtensionGranted(self, fact: Fact) -> None:
        self.extensions.append({**self.extension_request, "granted": True,
                                "resolution_due": fact.payload["resolution_due"]})

    def on_ExtensionRefused(self, fact: Fact) -> None:
        self.extensions.append({**self.extension_request, "granted": False,
                                "refusal_reason": fact.payload["reason"]})

    def on_TicketResolved(self, fact: Fact) -> None:
        self.resolution_summary = fact.payload["summary"]
        self.reply = fact.payload.get("reply")
        self.reply_policies = list(fact.payload.get("policies") or [])

    def on_TicketCalledBack(self, fact: Fact) -> None:
        self.callbacks.append({**fact.payload, "at": format_time(fact.occurred_at)})

    def on_TicketRated(self, fact: Fact) -> None:
        self.ratings.append({**fact.payload, "at": format_time(fact.occurred_at)})

    def on_TicketSentBack(self, fact: Fact) -> None:
        self.reopen_count += 1

    def on_TicketReopened(self, fact: Fact) -> None:
        self.reopen_count += 1
        self.closed_at = None
        self.close_reason = None

    def on_TicketClosedOff(self, fact: Fact) -> None:
        self.closed_at = format_time(fact.occurred_at)
        self.close_reason = fact.payload["reason"]

    def on_PolicyAnswerNoted(self, fact: Fact) -> None:
        # Shown among the progress notes, citing the policy (notice 二(四)3).
        p = fact.payload
        self.progress_notes.append({
            "note": f"政策已出台: 《{p['title']}》({p['document_number']})",
            "unit": p["unit"], "at": format_time(fact.occurred_at),
            "policy": {"policy_id": p["policy_id"], "document_number": p["document_number"],
                       "title": p["title"]}})

    # -- returns, merges, splits and links --

    def _link(self, kind: str, other: dict, fact: Fact, **more) -> None:
        self.links.append({"kind": kind, "ticket_id": other["ticket_id"],
                           "ledger_number": other.get("ledger_number"),
                           "at": format_time(fact.occurred_at), **more})

    def on_TicketReturned(self, fact: Fact) -> None:
        p = fact.payload
        self.returns.append({"unit": p["unit"], "reason": p["reason"],
                             "legal_basis": p["legal_basis"], "dispatched_at": p["dispatched_at"],
                             "returned_at": format_time(fact.occurred_at)})
        self.signed_for_at = None

    def on_TicketReturnRuled(self, fact: Fact) -> None:
        self.returns[-1].update(ruling=fact.payload["ruling"],
                                ruled_at=format_time(fact.occurred_at))

    def on_AppealsMerged(self, fact: Fact) -> None:
        for merged in fact.payload["merged"]:
            self._link("merged_from", merged, fact, uscc=merged.get("uscc"))

    def on_TicketMerged(self, fact: Fact) -> None:
        p = fact.payload
        self._link("merged_into", {"ticket_id": p["survivor_id"],
                                   "ledger_number": p["survivor_ledger_number"]}, fact)
        self.closed_at = format_time(fact.occurred_at)

    def on_MergedAppealRated(self, fact: Fact) -> None:
        p = fact.payload
        self.ratings.append({"rating": p["rating"], "comment": p["comment"], "via": p["via"],
                             "at": format_time(fact.occurred_at)})

    def on_TicketSplit(self, fact: Fact) -> None:
        for part in fact.payload["parts"]:
            self._link("split_into", part, fact)
        self.closed_at = format_time(fact.occurred_at)

    def on_AppealLinked(self, fact: Fact) -> None:
        self._link("related", fact.payload, fact, note=fact.payload["note"] or None)



# Roles whose actor label carries a scope (`role:scope:sub`): the unit, or the credit code.
_SCOPED_ROLES = ("unit_officer", "enterprise")


def shown_actor(reader_role: str, label: str) -> str:
    """Who acted, as `reader_role` is shown it: an enterprise sees the role and the unit (or
    credit code) but never the person's internal id; everyone else sees the whole label."""
    if reader_role != "enterprise":
        return label
    role, _, rest = label.partition(":")
    if role in _SCOPED_ROLES and ":" in rest:
        return f"{role}:{rest.partition(':')[0]}"
    return role


def history_entry(reader_role: str, event: Event,
                  shown_payload: Callable[[dict], dict] | None = None) -> dict:
    """One event of an appeal's history as `reader_role` is shown it; `shown_payload`, if given,
    is the read rule its payload passes through (the contact's, `access.shown_contact`)."""
    entry = event.to_dict()
    entry["actor"] = shown_actor(reader_role, entry["actor"])
    if shown_payload is not None:
        entry["payload"] = shown_payload(entry["payload"])
    return entry
