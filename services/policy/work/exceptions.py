"""Every rule of the policy work an appeal asks for (政策研究完善事项, notice 二(四)3) that a command
or a read can break, one exception each, on the kernel's shapes (`kernel.errors`)."""
from __future__ import annotations

from kernel.errors import Forbidden, NoSuch, Taken, Worded

ANSWERERS = ("unit_officer", "office")
READERS = ("office", "supervisor", "unit_officer")


class PolicyWorkAlreadyOpen(Taken):
    rule = "policy_work_already_open"
    template = "policy-work item {id} is already open for this request"
    at = None


class PolicyWorkNotFound(NoSuch):
    rule = "policy_work_not_found"
    template = "no policy-work item {id}"


class PolicyWorkAlreadyAnswered(Worded):
    rule = "policy_work_already_answered"
    template = ("policy-work item {id} is already answered by the policy {document_number}; an "
                "item is answered once")
    at = "item_id"


class NotItemUnit(Worded, Forbidden):
    rule = "not_item_unit"
    template = ("only the unit the policy work is owed by ({item_unit}) or the office may answer "
                "it; {unit} may not")
    at = "item_id"


class MayNotAnswerPolicyWork(Worded, Forbidden):
    rule = "may_not_answer_policy_work"
    template = ("a {role} may not answer policy work; only the unit officer of the unit it is "
                "owed by, or the office, may")


class AnsweringPolicyNotInForce(Worded):
    """The service's check, by the answering policy's own rule (`Policy.in_force`)."""

    rule = "answering_policy_not_in_force"
    template = ("policy {policy_id} is {status}, not in force: only a policy published and in "
                "force answers policy work")
    at = "policy_id"


class MayNotReadPolicyWork(Worded, Forbidden):
    rule = "may_not_read_policy_work"
    template = "a {role} may not read policy-work items; only " + ", ".join(READERS) + " may"
