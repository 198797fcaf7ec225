"""Every rule of the policy work an appeal asks for (政策研究完善事项, notice 二(四)3) that a command
or a read can break, one exception each, on the kernel's shapes (`kernel.errors`)."""
from __future__ import annotations

from kernel.errors import NoSuch, Taken, UnitNotOwner, Worded


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


class NotItemUnit(UnitNotOwner):
    rule = "not_item_unit"
    template = ("only the unit the policy work is owed by ({owner}) or the office may {doing}; "
                "{unit} may not")
    at = "item_id"


class AnsweringPolicyNotInForce(Worded):
    """The service's check, by the answering policy's own rule (`Policy.in_force`)."""

    rule = "answering_policy_not_in_force"
    template = ("policy {policy_id} is {status}, not in force: only a policy published and in "
                "force answers policy work")
    at = "policy_id"

