"""The appeal's rules as one table: which command on an appeal is allowed in which status, for which
role, whether only the lead unit may do it and whether an enterprise must own the appeal, and the
named error that explains each refusal (notice 二(四)2-3, 二(五)1-2).

The `Ticket` aggregate asks `check(command, appeal, actor)` once per command before it looks at
the command's own fields; its methods then only validate their input and record facts. Plain
Python, no I/O. `matrix()` prints the table as Markdown, command × status, for the documents.

The checks run in one order: the appeal exists; the actor's role may do it; an enterprise acts
only on its own appeal; a closed-off appeal is refused (销号 is final until reopened); a unit
officer's unit leads (or takes part in) the appeal; the status allows it. Who may act is thus
told before what state the appeal is in — except for signing for it, where before dispatch there
is no lead unit to be (`status_first`).
"""
from __future__ import annotations

import dataclasses
from typing import Protocol, Sequence

from kernel import rules_table
from kernel.actor import Actor
from kernel.errors import DomainError, RoleNotAllowed
from services.tickets.appeals.exceptions import (
    AppealStatusDoesNotAllow, NoPendingExtension, NotAwaitingUpperLevel, NotClassified, NotClosed,
    NotLeadUnit, NotOwnAppeal, NotRatedSatisfied, NotResolved, NotSignedFor, TicketClosed,
    TicketNotFound, UnitNotInvolved,
)
from services.tickets.appeals.exceptions import (
    NotMerged, NotReturned, TicketMergedAway, TicketSplitAway,
)
from services.tickets.appeals.exceptions import NotAssistingUnit
from services.tickets.appeals.exceptions import NotAwaitingCallback
from services.tickets.appeals.exceptions import NotRectifyingUnit
from services.tickets.appeals.vocabulary import Status

RECEIVED, DISPATCHED, SIGNED_FOR = Status.RECEIVED, Status.DISPATCHED, Status.SIGNED_FOR
IN_PROGRESS, AWAITING_UPPER_LEVEL = Status.IN_PROGRESS, Status.AWAITING_UPPER_LEVEL
RESOLVED, RATED, CLOSED = Status.RESOLVED, Status.RATED, Status.CLOSED

RETURNED, MERGED, SPLIT = Status.RETURNED, Status.MERGED, Status.SPLIT
# Closed off, merged into another or split into new appeals: nothing more is done on it.
ENDED = (CLOSED, MERGED, SPLIT)
OPEN = tuple(status for status in Status if status not in ENDED)
OPEN_BEFORE_RESOLUTION = (DISPATCHED, SIGNED_FOR, IN_PROGRESS, AWAITING_UPPER_LEVEL)
BEING_HANDLED = (SIGNED_FOR, IN_PROGRESS, AWAITING_UPPER_LEVEL)
CLASSIFIED = (IN_PROGRESS, AWAITING_UPPER_LEVEL)
# A returned appeal goes back to the office, which hands it on again or rules (终审).
REDISPATCHABLE = (DISPATCHED, SIGNED_FOR, IN_PROGRESS, RETURNED)
# 退回: before the unit has classified it; the 2 working days are the aggregate's to count.
RETURNABLE = (DISPATCHED, SIGNED_FOR)
# Merged or split while no unit has resolved it yet.
REGROUPABLE = (RECEIVED, DISPATCHED, SIGNED_FOR, IN_PROGRESS, AWAITING_UPPER_LEVEL, RETURNED)

OFFICE = ("office",)
UNIT = ("unit_officer",)
SYSTEM = ("system",)

# Which unit officers may act, when a unit officer may act at all.
LEAD = "lead"          # only the lead unit's (谁主管、谁负责); assisting units only add notes
INVOLVED = "involved"  # the lead unit's or an assisting unit's
ASSISTING = "assisting"  # an assisting unit's, on its own task (协办); never the lead unit's
RECTIFYING = "rectifying"  # the unit a bad rating was for, on its rectification (差评整改)

# Who may raise an appeal: the enterprise itself (under its own credit code), the office taking a
# call, fax, email or letter, and leaders, liaison officers and the liaison service turning a
# problem found on a visit into an appeal (notice 二(三)2: 摸清企业…存在的突出问题).
RAISERS = ("enterprise", "office", "leader", "liaison", "system")
# Who raises in another's name only on the strength of a visit, which the appeal then names.
RAISERS_BY_VISIT = ("leader", "liaison")


class Appeal(rules_table.Subject, Protocol):
    """What the rules read of an appeal: the `Ticket` aggregate provides it."""

    @property
    def lead_unit(self) -> str | None: ...

    @property
    def assisting_units(self) -> list[str]: ...

    @property
    def uscc(self) -> str | None: ...

    @property
    def rectifying_units(self) -> list[str]: ...


@dataclasses.dataclass(frozen=True)
class Rule(rules_table.Row):
    """One row of the table: who may run a command on an appeal, and in which statuses.

    A status outside `statuses` is refused by `refused[status]` if named, else by `otherwise`,
    else — closed off — by `TicketClosed`, else by `StatusDoesNotAllow`. The unit is checked
    before the status unless `status_first`.

    The refusals word the command as `doing` ("a supervisor may not sign for the appeal"; the
    command's name by default), as `step_words` when the unit or the order of the steps is at
    fault ("only the lead unit may classify the appeal"; `doing` by default), and as
    `status_words` in `StatusDoesNotAllow` ("cannot sign for an appeal that is …"; `doing` by
    default).
    """

    unit: str | None = None
    own_appeal: bool = False
    status_first: bool = False
    step_words: str = ""
    status_words: str = ""

    role_not_allowed = RoleNotAllowed
    status_does_not_allow = AppealStatusDoesNotAllow
    # Closed off is final for every command but reopening (销号).
    final_refusals = {CLOSED: TicketClosed, MERGED: TicketMergedAway, SPLIT: TicketSplitAway}

    def refusing(self, error: type[DomainError], status: Status) -> DomainError:
        if error is AppealStatusDoesNotAllow:
            return AppealStatusDoesNotAllow(self.status_words or self.doing, status,
                                            self.statuses)
        if error in (TicketClosed, TicketMergedAway, TicketSplitAway):
            return error(self.doing)
        if error in (NotSignedFor, NotClassified):
            return error(self.step_words or self.doing)
        return error()

    def cells(self) -> dict[str, str]:
        return {"unit": self.unit or "", "own appeal": "✓" if self.own_appeal else ""}


NOT_YET_SIGNED = {RECEIVED: NotSignedFor, DISPATCHED: NotSignedFor}

RULES: dict[str, Rule] = rules_table.table(
    # 交办: the office hands the appeal to the unit in charge (谁主管、谁负责). notice 二(四)2
    Rule("dispatch", OFFICE, (RECEIVED,)),
    Rule("redispatch", OFFICE, REDISPATCHABLE),
    # 签收: the lead unit takes the appeal on. notice 二(四)2 Until it is dispatched there is no
    # lead unit to be, so the status is what explains a refusal first.
    Rule("sign_for", UNIT, (DISPATCHED,), unit=LEAD, status_first=True,
         doing="sign for the appeal", status_words="sign for"),
    # 催办: the office presses a unit still handling it. notice 二(五)1
    Rule("urge", OFFICE, OPEN_BEFORE_RESOLUTION),
    # The five ways of handling; classifying is the first response. notice 二(四)3
    Rule("classify", UNIT, (SIGNED_FOR,), unit=LEAD, refused=NOT_YET_SIGNED,
         step_words="classify the appeal"),
    # Assisting units take part through progress notes (协办). notice 二(四)2
    Rule("note_progress", ("unit_officer", "office"), BEING_HANDLED, unit=INVOLVED,
         status_words="note progress on"),
    # 协办: an assisting unit signs for its own task and replies to the lead unit; the office may
    # waive a task. Before dispatch there is no task, so the status explains a refusal first.
    Rule("sign_for_task", UNIT, OPEN_BEFORE_RESOLUTION, unit=ASSISTING, status_first=True,
         doing="sign for its task", status_words="sign for a task on"),
    Rule("answer_task", UNIT, OPEN_BEFORE_RESOLUTION, unit=ASSISTING, status_first=True,
         doing="reply to the lead unit", status_words="reply on"),
    Rule("waive_task", OFFICE, OPEN_BEFORE_RESOLUTION, doing="waive a task",
         status_words="waive a task on"),
    # 做好沟通汇报,争取上级支持: only once reported upward. notice 二(四)3
    Rule("follow_up_upper_level", UNIT, (AWAITING_UPPER_LEVEL,), unit=LEAD,
         otherwise=NotAwaitingUpperLevel, doing="follow up with the upper level"),
    Rule("request_extension", UNIT, BEING_HANDLED, unit=LEAD,
         doing="request an extension", status_words="request an extension for"),
    # A request waits only while the appeal is being handled; elsewhere there is none to decide.
    Rule("grant_extension", OFFICE, BEING_HANDLED, otherwise=NoPendingExtension,
         doing="grant an extension"),
    Rule("refuse_extension", OFFICE, BEING_HANDLED, otherwise=NoPendingExtension,
         doing="refuse an extension"),
    # 办结: signed for, then classified, then resolved. notice 二(四)2-3
    Rule("resolve", UNIT, CLASSIFIED, unit=LEAD,
         refused={**NOT_YET_SIGNED, SIGNED_FOR: NotClassified}, step_words="resolve the appeal"),
    # The enterprise's rating, or the office's follow-up call (回访). notice 二(五)2
    Rule("rate", ("enterprise", "office"), (RESOLVED,), own_appeal=True, otherwise=NotResolved,
         doing="rate the appeal"),
    # 回访: the office calls the contact back once the appeal is resolved, rated by the
    # enterprise or not, until it is closed off; 否, 部分 or a 差评 send it back (重办).
    Rule("callback", OFFICE, (RESOLVED, RATED), otherwise=NotAwaitingCallback,
         doing="record a callback", status_words="call back on"),
    # 销号: only once rated satisfied or basically satisfied (unsatisfied sends it straight
    # back). notice 二(四)2
    Rule("close_off", OFFICE, (RATED,), otherwise=NotRatedSatisfied),
    # The timer closes off an appeal the enterprise left unrated.
    Rule("close_off_unrated", SYSTEM, (RESOLVED,),
         doing="close off an unrated appeal", status_words="close off unrated"),
    Rule("reopen", OFFICE, (CLOSED,), otherwise=NotClosed),
    # The deadline watch. notice 二(五)1
    # A rectification of a bad rating keeps its clock whatever became of the appeal since.
    Rule("mark_overdue", SYSTEM, tuple(Status), doing="mark deadlines missed"),
    # One ledger line per problem: the same problem again is linked to the open line. notice 二(四)2
    Rule("link_duplicate", ("office", "system"), OPEN, doing="link a duplicate appeal"),
    # The policy service tells the appeal which policy answers the policy work it asked for
    # (notice 二(四)3); a fact for the record, in whatever status the appeal is by then.
    Rule("note_policy_answer", SYSTEM, tuple(Status), doing="note the policy answering it"),
    # 退回: the lead unit sends an appeal not its own back to the office, with a reason code and
    # the legal basis, within 2 working days of the dispatch; the office redispatches it or
    # rules that the unit must take it (终审), which is final.
    Rule("return_appeal", UNIT, RETURNABLE, unit=LEAD, doing="return the appeal",
         status_words="return"),
    Rule("rule_on_return", OFFICE, (RETURNED,), otherwise=NotReturned,
         doing="rule on the return"),
    # 合并: the office merges duplicates into one surviving appeal (the duplicate check only
    # proposes); each merged one ends there and its enterprise follows the survivor.
    Rule("merge_in", OFFICE, REGROUPABLE, doing="merge appeals into the appeal",
         status_words="merge appeals into"),
    Rule("merge_into", OFFICE, REGROUPABLE, doing="merge the appeal into another",
         status_words="merge"),
    # A merged enterprise rates its own outcome, on its own appeal, once the survivor is resolved.
    Rule("rate_merged", ("enterprise", "office"), (MERGED,), own_appeal=True,
         otherwise=NotMerged, doing="rate the merged appeal's outcome"),
    # 拆分: an appeal of several matters becomes new numbered appeals, each linked back.
    Rule("split", OFFICE, REGROUPABLE, doing="split the appeal", status_words="split"),
    # 关联: any appeal, in any status, may be linked to another as related.
    Rule("link_related", OFFICE, tuple(Status), doing="link the appeal to another"),
    # 差评整改: the unit the bad rating was for (the aggregate checks which) verifies and
    # classifies it, and reports a plan carried out; the office rules on a 申诉. A
    # rectification outlives the round of handling it came from, so every status allows these.
    Rule("classify_rectification", UNIT, tuple(Status), unit=RECTIFYING,
         doing="classify the rectification of a bad rating"),
    Rule("complete_rectification", UNIT, tuple(Status), unit=RECTIFYING,
         doing="report a rectification plan carried out"),
    Rule("rule_on_dispute", OFFICE, tuple(Status), doing="rule on a disputed bad rating"),
)


def check(command: str, appeal: Appeal, actor: Actor) -> Rule:
    """Refuse, by its named error, an actor who may not run `command` on `appeal` now."""
    rule = RULES[command]
    if not appeal.exists:
        raise TicketNotFound(appeal.id)
    rule.check_role(actor)
    if rule.own_appeal and actor.role == "enterprise" and actor.uscc != appeal.uscc:
        raise NotOwnAppeal(rule.doing)
    status = Status(appeal.status)
    if status in ENDED or rule.status_first:
        rule.refuse_in(status)
    if actor.role == "unit_officer":
        if rule.unit == LEAD and actor.unit != appeal.lead_unit:
            raise NotLeadUnit(actor.unit, appeal.lead_unit, rule.step_words or rule.doing)
        if rule.unit == INVOLVED and actor.unit not in {appeal.lead_unit, *appeal.assisting_units}:
            raise UnitNotInvolved(actor.unit)
        if rule.unit == ASSISTING and actor.unit not in appeal.assisting_units:
            raise NotAssistingUnit(actor.unit, rule.doing)
        if rule.unit == RECTIFYING and actor.unit not in appeal.rectifying_units:
            raise NotRectifyingUnit(actor.unit, ", ".join(appeal.rectifying_units) or "none")
    rule.refuse_in(status)
    return rule


def matrix(commands: Sequence[str] | None = None) -> str:
    """The table as Markdown: a row per command, its roles, which unit officers (lead, involved,
    assisting, rectifying), whether an enterprise must own the appeal, and per status ✓ where the
    command is allowed, · where `StatusDoesNotAllow` refuses it, or else the rule code of the
    named error."""
    return rules_table.matrix(RULES, Status, commands)
