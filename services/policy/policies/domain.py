"""The policy registry of notice 二(一): the Policy aggregate, one enterprise-benefit policy (惠企政策)
from its draft to its repeal or expiry.

A policy is drafted by its issuing unit (or the office), published once its full text and its
consultation contact are set (谁出台、谁宣讲、谁解释, 二(一)3), amended as new versions — every
published text is kept and readable (`versions`, `version_text`) — and ends repealed (废止) or
expired (失效) when its effective dates run out. The city's master measures (《若干政策措施》,
二(一)1) is a policy like the others; any policy may name it in `master_policy_id`.

Plain Python, no I/O. A command asks the rules table (`rules.check`) first, then checks its
fields, then records facts; state changes only in the `when_<Fact>` methods. Every command
returns the facts it recorded. Effective dates are calendar days in the office's zone, the end
date inclusive.
"""
from __future__ import annotations

import datetime as dt

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.clock import office_day
from kernel.envelope import format_time
from kernel.errors import FieldRequired, InvalidDate, NothingChanged, UnexpectedField, UnknownCode
from services.policy.policies import rules
from services.policy.policies.contact import contact as checked_contact
from services.policy.policies.criteria import criteria as checked_criteria
from services.policy.policies.events import EVENTS
from services.policy.policies.exceptions import (
    AlreadyLapsed,
    ContactRequired,
    EndBeforeStart,
    FullTextRequired,
    NoEndDate,
    NotYetExpired,
    PointsToItself,
    PolicyExpired,
)
from services.policy.vocabulary import IN_FORCE, CostCategory, Level, Status

# The limits, in characters. The policy's wire contract (still to come) declares the same.
TITLE_LIMIT = 200
DOCUMENT_NUMBER_LIMIT = checks.CODE_LIMIT
UNIT_LIMIT = checks.CODE_LIMIT
SUMMARY_LIMIT = 2000
FULL_TEXT_LIMIT = 100_000
REASON_LIMIT = checks.TEXT_LIMIT

# What a version of a policy holds: its text and what it says of itself. `issuing_unit` is not
# among them: who answers for a policy does not change with an amendment.
CONTENT_FIELDS = ("title", "document_number", "issued_by", "level", "cost_category", "summary",
                  "full_text", "effective_from", "effective_until", "criteria", "master_policy_id")
# An amendment keeps the policy's level: a provincial policy does not become a municipal one.
AMENDABLE_FIELDS = tuple(field for field in CONTENT_FIELDS if field != "level")


# -- input checks ----------------------------------------------------------------------------

def calendar_date(field: str, value, required: bool = True) -> str | None:
    """A calendar day as ISO text; a datetime is refused (an effective date is a day)."""
    if value is None or value == "":
        if required:
            raise FieldRequired(field, "a date YYYY-MM-DD")
        return None
    if isinstance(value, dt.datetime):
        raise InvalidDate(field, value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise InvalidDate(field, value)


def _content(fields: dict, policy_id: str) -> dict:
    """Every content field checked, in its stored shape; the full text may still be empty."""
    start = calendar_date("effective_from", fields.get("effective_from"))
    end = calendar_date("effective_until", fields.get("effective_until"), required=False)
    if end is not None and end < start:
        raise EndBeforeStart(start=start, end=end)
    master = checks.optional_text("master_policy_id", fields.get("master_policy_id"), UNIT_LIMIT)
    if master == policy_id:
        raise PointsToItself()
    return {
        "title": checks.text("title", fields.get("title"), TITLE_LIMIT),
        "document_number": checks.text("document_number", fields.get("document_number"),
                                       DOCUMENT_NUMBER_LIMIT),
        "issued_by": checks.optional_text("issued_by", fields.get("issued_by"), checks.NAME_LIMIT),
        "level": _code("level", fields.get("level"), Level),
        "cost_category": _code("cost_category", fields.get("cost_category"), CostCategory),
        "summary": checks.text("summary", fields.get("summary"), SUMMARY_LIMIT),
        "full_text": checks.optional_text("full_text", fields.get("full_text"), FULL_TEXT_LIMIT),
        "effective_from": start,
        "effective_until": end,
        "criteria": checked_criteria(fields.get("criteria")),
        "master_policy_id": master or None,
    }


def _code(field: str, value, vocabulary) -> str:
    if value is None:
        raise FieldRequired(field, f"one of: {', '.join(vocabulary.codes())}")
    return checks.code(field, value, vocabulary).value


def office_day_of(at: dt.datetime | dt.date) -> dt.date:
    """The office's calendar day of a moment (a date is taken as it is)."""
    if isinstance(at, dt.datetime):
        return office_day(checks.moment(at))
    if isinstance(at, dt.date):
        return at
    raise InvalidDate("at", at)


def in_force_on(policy: dict, at: dt.datetime | dt.date) -> bool:
    """The rule of `Policy.in_force`, read from a snapshot (or any dict with `status`,
    `effective_from` and `effective_until`): published or amended, `at`'s day within its dates."""
    if policy.get("status") not in IN_FORCE:
        return False
    day = office_day_of(at).isoformat()
    until = policy["effective_until"]
    return policy["effective_from"] <= day and (until is None or day <= until)


# -- the policy ------------------------------------------------------------------------------

class Policy(Aggregate):
    """One enterprise-benefit policy (惠企政策) and its versions. notice 二(一)"""

    stream_type = "policy"
    events = EVENTS

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self._status: str | None = None
        self._issuing_unit: str | None = None
        self._content: dict | None = None
        self._contact: dict | None = None
        # Every published text, oldest first: version n is _versions[n - 1].
        self._versions: list[dict] = []
        self.drafted_at: str | None = None
        self.published_at: str | None = None
        self.ended_at: str | None = None
        self.end_reason: str | None = None

    # -- what the rules, the service and readers read --

    @property
    def status(self) -> str | None:
        return self._status

    @property
    def issuing_unit(self) -> str | None:
        return self._issuing_unit

    @property
    def contact(self) -> dict | None:
        return dict(self._contact) if self._contact else None

    @property
    def content(self) -> dict | None:
        """The current text: the draft's, or the latest published version's."""
        return _deep_copy(self._content) if self._content else None

    @property
    def versions(self) -> list[dict]:
        """Every published version, oldest first, each as it was published or amended."""
        return [_deep_copy(version) for version in self._versions]

    def version_text(self, number: int) -> dict:
        """Version `number` (1 is the first publication) exactly as it was."""
        if not 1 <= number <= len(self._versions):
            raise UnknownCode("version", number,
                                     [str(n) for n in range(1, len(self._versions) + 1)])
        return _deep_copy(self._versions[number - 1])

    def in_force(self, at: dt.datetime | dt.date) -> bool:
        """Published (or amended), not repealed or expired, and `at`'s day within its dates."""
        return in_force_on({"status": self._status, **(self._content or {})}, at)

    def lapsed(self, at: dt.datetime | dt.date) -> bool:
        """Its end date has passed at `at` (whether or not the timer has recorded it yet)."""
        until = self._content["effective_until"] if self._content else None
        return until is not None and office_day_of(at).isoformat() > until

    def snapshot(self) -> dict:
        """The policy as readers see it: status, current text, contact and every version."""
        content = self.content
        return {
            "id": self.id,
            "version": self.version,
            "status": self._status,
            "status_label": Status(self._status).label if self._status else None,
            "issuing_unit": self._issuing_unit,
            **(content or {}),
            "level_label": Level(content["level"]).label if content else None,
            "cost_category_label": (CostCategory(content["cost_category"]).label
                                    if content else None),
            "contact": self.contact,
            "current_version": len(self._versions) or None,
            "versions": self.versions,
            "drafted_at": self.drafted_at,
            "published_at": self.published_at,
            "ended_at": self.ended_at,
            "end_reason": self.end_reason,
        }

    # -- shared by the commands --

    def _check(self, command: str, actor: Actor) -> None:
        rules.check(command, self, actor)

    def _changed(self, fields: dict, allowed: tuple[str, ...], context: str) -> dict:
        """The current content with `fields` laid over it, all of it checked again."""
        for field in fields:
            if field not in allowed:
                raise UnexpectedField(field, context)
        return _content({**self._content, **fields}, self.id)

    # -- commands --

    @classmethod
    def draft(cls, policy_id: str, *, issuing_unit: str, title: str, document_number: str,
              level: str, cost_category: str, summary: str, effective_from,
              effective_until=None, full_text: str = "", issued_by: str = "",
              criteria: dict | None = None, contact: dict | None = None,
              master_policy_id: str | None = None, at: dt.datetime, actor: Actor,
              existing: Policy | None = None) -> Policy:
        """Draft a policy for `issuing_unit`; `existing` is what the store holds under the id."""
        at = checks.moment(at)
        policy_id = checks.text("policy_id", policy_id, UNIT_LIMIT)
        unit = checks.text("issuing_unit", issuing_unit, UNIT_LIMIT)
        rules.check_drafter(actor, unit, existing)
        policy = existing or cls(policy_id)
        policy._record_fact("PolicyDrafted", {
            "issuing_unit": unit,
            **_content({"title": title, "document_number": document_number,
                        "issued_by": issued_by, "level": level, "cost_category": cost_category,
                        "summary": summary, "full_text": full_text,
                        "effective_from": effective_from, "effective_until": effective_until,
                        "criteria": criteria, "master_policy_id": master_policy_id}, policy_id),
            "contact": None if contact is None else checked_contact(contact),
        }, at, actor)
        return policy

    def revise_draft(self, *, at: dt.datetime, actor: Actor, **fields) -> list[Fact]:
        """Change a draft before publication; no version is kept of a draft."""
        at = self._begin("revise_draft", at, actor)
        content = self._changed(fields, CONTENT_FIELDS, "a draft's revision")
        changed = [field for field in CONTENT_FIELDS if content[field] != self._content[field]]
        if not changed:
            raise NothingChanged(what="revision of the draft")
        return [self._record_fact("PolicyDraftRevised", {"changed": changed, **content}, at, actor)]

    def set_contact(self, *, at: dt.datetime, actor: Actor, **contact) -> list[Fact]:
        """Name the consultation contact: unit, person, phone, e-mail. notice 二(一)3"""
        at = self._begin("set_contact", at, actor)
        return [self._record_fact("ConsultationContactSet", checked_contact(contact), at, actor)]

    def publish(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        """Publish the draft as version 1: its full text and contact must be set. notice 二(一)3"""
        at = self._begin("publish", at, actor)
        if not self._content["full_text"]:
            raise FullTextRequired()
        if self._contact is None:
            raise ContactRequired()
        if self.lapsed(at):
            raise AlreadyLapsed(until=self._content["effective_until"])
        return [self._record_fact("PolicyPublished", {
            "number": 1,
            "issuing_unit": self._issuing_unit,
            **self._content,
            "contact": dict(self._contact),
        }, at, actor)]

    def amend(self, *, reason: str, at: dt.datetime, actor: Actor, **fields) -> list[Fact]:
        """Publish a new version of the policy in force; the earlier ones stay readable."""
        at = self._begin("amend", at, actor)
        if self.lapsed(at):
            raise PolicyExpired(f"amend the policy: its effective dates ended on "
                                f"{self._content['effective_until']}")
        content = self._changed(fields, AMENDABLE_FIELDS, "an amendment")
        if not content["full_text"]:
            raise FullTextRequired()
        changed = [field for field in CONTENT_FIELDS if content[field] != self._content[field]]
        if not changed:
            raise NothingChanged(what="amendment of the policy")
        return [self._record_fact("PolicyAmended", {
            "number": len(self._versions) + 1,
            "reason": checks.text("reason", reason, REASON_LIMIT),
            "changed": changed,
            **content,
        }, at, actor)]

    def repeal(self, *, reason: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        """废止: the policy no longer applies, before (or without) an end date."""
        at = self._begin("repeal", at, actor)
        return [self._record_fact("PolicyRepealed", {
            "reason": checks.text("reason", reason, REASON_LIMIT),
            "document_number": self._content["document_number"],
        }, at, actor)]

    def expire(self, *, at: dt.datetime, actor: Actor) -> list[Fact]:
        """失效: the timer records that the effective dates ran out (the day after the end date)."""
        at = self._begin("expire", at, actor)
        until = self._content["effective_until"]
        if until is None:
            raise NoEndDate()
        if not self.lapsed(at):
            raise NotYetExpired(until=until)
        return [self._record_fact("PolicyExpired", {
            "effective_until": until,
            "document_number": self._content["document_number"],
        }, at, actor)]

    def reached_enterprises(self, *, version: int, enterprises: list[dict],
                            at: dt.datetime, actor: Actor) -> list[Fact]:
        """精准推送: record which enterprises version `version` newly applies to, each with the
        reason matching gave; nothing when there are none. Matching reads the enterprises the
        service keeps, so the service finds them and the policy only records them."""
        at = checks.moment(at)
        if not enterprises:
            return []
        return [self._record_fact("PolicyReachedEnterprises", {
            "policy_id": self.id,
            "version": version,
            "enterprises": [item["uscc"] for item in enterprises],
            "reasons": {item["uscc"]: item.get("reason", "") for item in enterprises},
        }, at, actor)]

    # -- facts applied --

    def when_PolicyDrafted(self, fact: Fact) -> None:
        p = fact.payload
        self._status = Status.DRAFT.value
        self._issuing_unit = p["issuing_unit"]
        self._content = {field: p[field] for field in CONTENT_FIELDS}
        self._contact = p["contact"]
        self.drafted_at = format_time(fact.occurred_at)

    def when_PolicyDraftRevised(self, fact: Fact) -> None:
        self._content = {field: fact.payload[field] for field in CONTENT_FIELDS}

    def when_ConsultationContactSet(self, fact: Fact) -> None:
        self._contact = dict(fact.payload)

    def when_PolicyPublished(self, fact: Fact) -> None:
        self._status = Status.PUBLISHED.value
        self.published_at = format_time(fact.occurred_at)
        self._versions.append(self._version(fact, reason=None))

    def when_PolicyAmended(self, fact: Fact) -> None:
        self._status = Status.AMENDED.value
        self._content = {field: fact.payload[field] for field in CONTENT_FIELDS}
        self._versions.append(self._version(fact, reason=fact.payload["reason"]))

    def _version(self, fact: Fact, reason: str | None) -> dict:
        return {"number": fact.payload["number"], **_deep_copy(self._content),
                "published_at": format_time(fact.occurred_at), "reason": reason}

    def when_PolicyReachedEnterprises(self, fact: Fact) -> None:
        pass  # the enterprises' side of publication; nothing the policy decides on changes

    def when_PolicyRepealed(self, fact: Fact) -> None:
        self._end(Status.REPEALED, fact, fact.payload["reason"])

    def when_PolicyExpired(self, fact: Fact) -> None:
        self._end(Status.EXPIRED, fact, None)

    def _end(self, status: Status, fact: Fact, reason: str | None) -> None:
        self._status = status.value
        self.ended_at = format_time(fact.occurred_at)
        self.end_reason = reason


def _deep_copy(value: dict) -> dict:
    return {key: (_deep_copy(item) if isinstance(item, dict)
                  else list(item) if isinstance(item, list) else item)
            for key, item in value.items()}
