"""Who may read which appeals (notice 二(四)2: 台账; 三(一): the leaders' linkage):

- an enterprise its own;
- a unit officer those its unit leads or assists on — the county an appeal is classified to for
  coordination (由县(市、区)协调解决) is one of its assisting units;
- a leader those of the enterprises in his linkage, of his linked park's enterprises and those
  raised from his visits; a liaison officer (联络员) those of the leader he is appointed to. A
  leader not in the register, or a liaison officer not appointed, reads none: the linkage is
  what the service learnt from the liaison service (`views`, kept by `reactions`), which the
  caller hands in as `in_linkage` for one appeal and which `scope_of` names for a list;
- the office, supervisors and the stack itself all of them.

The rows of the permission table for the appeals' operations (`ROWS`; a row per command on an
appeal, which a test holds to the rules table), and the rules that narrow them. Plain rules, no
I/O; the service applies them to single reads and to ledger queries alike.
"""
from __future__ import annotations

from kernel.actor import Actor
from kernel.permissions import OFFICE, OVERSIGHT, Scope, allow
from services.tickets.appeals.exceptions import NotInLinkage, NotOwnAppeal, UnitNotInvolved
from services.tickets.appeals.contact import masked_email, masked_phone

SEE_ALL = frozenset({"office", "supervisor", "system"})
# Roles whose reach is a leader's linkage: the leader himself, or his liaison officer.
LINKED = frozenset({"leader", "liaison"})

# Who reads the ledger, and how far (notice 二(四)2: 台账; 三(一): the leaders' linkage).
READERS = {**OVERSIGHT, "enterprise": Scope.OWN_ENTERPRISE, "unit_officer": Scope.INVOLVED_UNIT,
           "leader": Scope.LEADER_LINKAGE, "liaison": Scope.LIAISON_APPOINTMENT}

LEAD_UNIT = Scope.OWN_UNIT          # only the lead unit's officers (谁主管、谁负责)
ANY_UNIT = Scope.INVOLVED_UNIT     # the lead or an assisting unit's (协办)

# A row per command on an appeal (`act.<action>`, the wire's action names): the roles of its
# rule in the rules table (services.tickets.appeals.rules, which a test holds these to), a unit
# officer's scope as the rule's unit says. The rule still decides the appeal's status.
ACT_ROWS = (
    allow("act.dispatch", OFFICE),
    allow("act.redispatch", OFFICE),
    allow("act.sign-for", unit_officer=LEAD_UNIT),
    allow("act.sign-for-task", unit_officer=ANY_UNIT,
          note="an assisting unit, on its own task only: the lead unit and the other assisting "
               "units may not (rules: assisting)"),
    allow("act.answer-task", unit_officer=ANY_UNIT,
          note="an assisting unit's reply to the lead unit, on its own task only"),
    allow("act.waive-task", OFFICE),
    allow("act.urge", OFFICE),
    allow("act.classify", unit_officer=LEAD_UNIT),
    allow("act.progress", OFFICE, unit_officer=ANY_UNIT,
          note="the county an appeal is classified to for coordination (county_coordination) "
               "notes progress as an assisting unit; resolving stays with the lead unit"),
    allow("act.follow-up-upper-level", unit_officer=LEAD_UNIT),
    allow("act.request-extension", unit_officer=LEAD_UNIT),
    allow("act.grant-extension", OFFICE),
    allow("act.refuse-extension", OFFICE),
    allow("act.resolve", unit_officer=LEAD_UNIT),
    allow("act.rate", OFFICE, enterprise=Scope.OWN_ENTERPRISE,
          note="the enterprise's own rating, or the office's follow-up call (回访)"),
    allow("act.callback", OFFICE,
          note="回访: the office calls the contact back after the resolution; no unit records it"),
    allow("act.close-off", OFFICE),
    allow("act.reopen", OFFICE),
    allow("act.return", unit_officer=LEAD_UNIT,
          note="退回: within 2 working days of the dispatch, never once the office has ruled"),
    allow("act.rule-on-return", OFFICE),
    allow("act.merge", OFFICE, note="the duplicate check proposes; the office decides"),
    allow("act.split", OFFICE),
    allow("act.link", OFFICE),
    allow("act.rate-merged", OFFICE, enterprise=Scope.OWN_ENTERPRISE,
          note="a merged appeal's own enterprise, once the appeal it follows is resolved"),
    allow("act.classify-rectification", unit_officer=ANY_UNIT,
          note="差评整改: only the unit the bad rating was for (rules: not_rectifying_unit)"),
    allow("act.complete-rectification", unit_officer=ANY_UNIT,
          note="the unit reports its 限期整改 plan carried out, on its own rectification only"),
    allow("act.rule-on-dispute", OFFICE,
          note="the office upholds or voids a bad rating its unit disputed (申诉)"),
)


ROWS = (
    allow("raise_appeal", OFFICE, enterprise=Scope.OWN_ENTERPRISE,
          leader=Scope.LEADER_LINKAGE, liaison=Scope.LIAISON_APPOINTMENT,
          note="a leader or liaison officer raises in an enterprise's name only from a visit, "
               "which the appeal names"),
    allow("list_tickets", READERS, note="narrowed to the caller's scope before it is paged"),
    allow("export_tickets", READERS,
          note="a page of the workbook's lines at a time, the list's scope and filters"),
    allow("get_ticket", READERS),
    allow("history", READERS, note="an enterprise sees who acted by role and unit only"),
    allow("merge_proposals", OFFICE,
          note="the duplicate check proposes across enterprises; merging is the office's act"),
    ACT_ROWS,
)


def check_may_read(actor: Actor, snapshot: dict, *, in_linkage: bool = False) -> None:
    """Refuse an actor who may not read the appeal; `in_linkage`: whether the appeal lies in the
    linkage a leader or liaison officer reaches."""
    if actor.role in SEE_ALL:
        return
    if actor.role == "enterprise":
        if actor.uscc != snapshot["uscc"]:
            raise NotOwnAppeal("read the appeal")
        return
    if actor.role == "unit_officer":
        if actor.unit not in {snapshot["lead_unit"], *snapshot["assisting_units"]}:
            raise UnitNotInvolved(actor.unit)
        return
    if actor.role in LINKED:
        if not in_linkage:
            raise NotInLinkage(actor.role)
        return
    raise UnitNotInvolved(actor.unit or actor.role)


# -- the contact: who reads it as said, masked, or not at all --------------------------------
# The log keeps the contact whole (the audit trail is whole); a reader is shown it as this read
# rule says, on every read path: the appeal, the ledger's lines, the history, the workbook.

FULL, MASKED, HIDDEN = "full", "masked", "hidden"
# The office takes and makes the calls; the stack's own jobs act on the log as it is.
CONTACT_IN_FULL = frozenset({"office", "system"})
CONTACT_FIELDS = ("contact_person", "contact_phone", "contact_email")


def contact_shown(actor: Actor, snapshot: dict) -> str:
    """How `actor` is shown the contact of the appeal `snapshot` (an appeal's view or its
    aggregate's snapshot):

    | reader | an appeal | a 保密 (confidential) appeal |
    | --- | --- | --- |
    | office, the stack itself | as said | as said |
    | the lead unit's officers (the handling unit) | as said | not at all |
    | an assisting unit's officers | masked | not at all |
    | the enterprise, leaders, liaison officers, supervisors | masked | masked |

    Masked: the phone as 138****5678, the e-mail as z***@example.cn, the person's name as said.
    The handling unit of a confidential appeal reads the enterprise's name and the matter, never
    who spoke: the office calls back."""
    if actor.role in CONTACT_IN_FULL:
        return FULL
    if actor.role == "unit_officer":
        if snapshot.get("confidential"):
            return HIDDEN
        if actor.unit is not None and actor.unit == snapshot.get("lead_unit"):
            return FULL
    return MASKED


def shown_contact(actor: Actor, snapshot: dict, fields: dict) -> dict:
    """`fields` (an appeal's view, a ledger line, a TicketRaised payload: whatever carries the
    contact fields) with the contact as `actor` is shown it (`contact_shown`); a copy, the
    original untouched."""
    shown = contact_shown(actor, snapshot)
    if shown == FULL or not any(fields.get(name) for name in CONTACT_FIELDS):
        return fields
    fields = dict(fields)
    if shown == HIDDEN:
        for name in CONTACT_FIELDS:
            if name in fields:
                fields[name] = None
        return fields
    if "contact_phone" in fields:
        fields["contact_phone"] = masked_phone(fields["contact_phone"])
    if "contact_email" in fields:
        fields["contact_email"] = masked_email(fields["contact_email"])
    return fields


# -- the resolution: the reply to the enterprise, the unit's internal note --------------------
# A resolution records both (TicketResolved: reply, summary); the enterprise is told the reply
# (答复意见) and the policies it cites, never what the unit noted for itself.

INTERNAL_NOTE_FIELDS = ("resolution_summary", "summary")
INTERNAL_NOTES_KEPT_FROM = frozenset({"enterprise"})


def shown_reply(actor: Actor, fields: dict) -> dict:
    """`fields` (an appeal's view, a TicketResolved payload) as `actor` may read the resolution:
    an enterprise without the unit's internal note, here or on the survivor it follows; every
    other reader as recorded. A copy, the original untouched."""
    if actor.role not in INTERNAL_NOTES_KEPT_FROM:
        return fields
    shown = dict(fields)
    if "resolution_summary" in shown:
        shown["resolution_summary"] = None
    shown.pop("summary", None)
    if isinstance(shown.get("survivor"), dict):
        shown["survivor"] = shown_reply(actor, shown["survivor"])
    return shown


def scope_of(actor: Actor) -> dict:
    """The filter a ledger query is narrowed to for this actor: {} means everything."""
    if actor.role in SEE_ALL:
        return {}
    if actor.role == "enterprise":
        return {"uscc": actor.uscc}
    if actor.role == "unit_officer":
        return {"involved_unit": actor.unit}
    if actor.role == "leader":
        return {"leader": actor.sub}
    if actor.role == "liaison":
        return {"liaison": actor.sub}
    return {"nothing": True}

