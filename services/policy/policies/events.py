"""What a policy's stream records (stream type "policy"), from its draft to its repeal or expiry.

A version of a policy is its content: the fields of `Content`, as the aggregate checked them
(codes for the level and the cost category, ISO days for the effective dates, the criteria in
their canonical shape). Plain declarations: consumers in other services import this module.
"""
from __future__ import annotations

from kernel.events import Catalogue, Payload, declare


class Content(Payload):
    """The text of one version of a policy and what it says of itself."""

    title: str
    document_number: str
    issued_by: str
    level: str
    cost_category: str
    summary: str
    full_text: str
    effective_from: str
    effective_until: str | None
    # industries, sizes, above_designated_size, counties, tiers: an empty list means any.
    criteria: dict
    master_policy_id: str | None


class PolicyDrafted(Content):
    """A unit (or the office) drafted a policy it will issue; a draft is its own work until it is
    published."""

    issuing_unit: str
    # unit, person, phone, email, or none yet: it is required only for publication.
    contact: dict | None


class PolicyDraftRevised(Content):
    """A draft's content was changed before publication; `changed` names the fields that
    differ."""

    changed: list[str]


class ConsultationContactSet(Payload):
    """The policy names who answers for it: the unit, person, phone and e-mail to ask
    (谁出台、谁宣讲、谁解释)."""

    unit: str
    person: str
    phone: str
    email: str


class PolicyPublished(Content):
    """The draft was published as version 1 of the policy, with its consultation contact."""

    number: int
    issuing_unit: str
    contact: dict


class PolicyAmended(Content):
    """A new version of the policy in force was published; the earlier ones stay readable."""

    number: int
    reason: str
    changed: list[str]


class PolicyRepealed(Payload):
    """The policy was repealed (废止): it no longer applies."""

    reason: str
    document_number: str


class PolicyExpired(Payload):
    """The policy's effective dates ran out (失效): recorded the day after its end date."""

    effective_until: str
    document_number: str


class PolicyReachedEnterprises(Payload):
    """A version of the policy newly applies to these enterprises (精准推送), each by credit code
    with the reason matching gave."""

    policy_id: str
    version: int
    enterprises: list[str]
    reasons: dict[str, str]


EVENTS = Catalogue(
    "policy",
    declare(PolicyDrafted, clause="二(一)1"),
    declare(PolicyDraftRevised, clause="二(一)1"),
    declare(ConsultationContactSet, clause="二(一)3"),
    declare(PolicyPublished, clause="二(一)1"),
    declare(PolicyAmended, clause="二(一)1"),
    declare(PolicyRepealed, clause="二(一)2"),
    declare(PolicyExpired, clause="二(一)2"),
    declare(PolicyReachedEnterprises, clause="二(二)"),
)
