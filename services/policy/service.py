"""The policy service: thin entrypoints over the policy registry (notice 二(一), 二(二)) — policies
and their versions, implementation rules, briefings, the compendium and its contact sheet, the
public portal's reads, matching, and the policy work appeals ask for (二(四)3).

Each command loads, decides (the aggregate checks the rules) and appends; the read models follow
in the same transaction (`projections`). Before deciding, the units a command names (a policy's
issuing unit, the unit owing a rule, a briefing's units and organiser) are checked against the
register of units the liaison service keeps (`kernel.units`, kept by a reaction): an unknown one
is refused naming the field, after the check of who may act. A contact's `unit` is the name of
whom to ask, free text, and is not checked. Reads are answered from the read models, narrowed by
what the caller may see (`access`): a draft never reaches the public, an enterprise, or a unit
officer of another unit.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import uuid

import structlog
from eventlet import tpool
from nameko.timer import timer

from kernel import checks, settings, units
from kernel.actor import SYSTEM, Actor
from kernel.base_service import EventSourcedService
from kernel.clock import office_day
from kernel.database import exclusive_turn
from kernel.dependencies import EventSourcing, Reactions
from kernel.envelope import format_time, parse_time, utc_now
from kernel.errors import Forbidden, Refused, UnknownCode
from kernel.rpc import rpc
from kernel.store import UnitOfWork, read_stream
from services.policy import (
    access, briefing as briefings, contract, documents, editions, enterprises, projections,
    queries, rendered, rules,
)
from services.policy.permissions import PERMISSIONS
from services.policy.briefing import Briefing
from services.policy.compendium import build_edition
from services.policy.domain import AnsweringPolicyNotInForce, PolicyWork
from services.policy.policy import Policy
from services.policy.exceptions import (
    NotAnObject, NotIssuingUnit, PolicyNotFound, RuleNotFound,
)
from services.policy.implementation import ImplementationRule, check_requirer, rule_id_for
from services.policy.reactions import open_policy_work
from services.policy.vocabulary import IN_FORCE

log = structlog.get_logger(__name__)


# The advisory lock one replica holds while it watches policies' end dates and rules' due dates
# (the kernel's locks are 7201001-7201004, the tickets' deadline watch 7201005).
POLICY_WATCH_LOCK = 7201006
# Who records what matching finds on publication: the service itself.
MATCHING = Actor(sub="matching", role="system")

IN_FORCE_CODES = {status.value for status in IN_FORCE}
DRAFT_FIELDS = set(contract.DraftPolicy.model_fields)
DRAFT_REQUIRED = {name for name, info in contract.DraftPolicy.model_fields.items()
                  if info.is_required()}
RULE_FIELDS = set(contract.RequireRule.model_fields)
RULE_SECTIONS = ("procedure", "time_limits", "tasks", "responsibilities")


def _required(action: contract.Action) -> tuple[str, ...]:
    return tuple(name for name, info in action.body.model_fields.items() if info.is_required())


def _table(actions: dict[str, contract.Action]) -> dict[str, tuple[str, set, tuple]]:
    """Each action as the HTTP API names it: its method, accepted fields and required ones
    (passed as None when missing, for the aggregate to name)."""
    return {name: (action.method, action.fields, _required(action))
            for name, action in actions.items()}


POLICY_ACTIONS = _table(contract.POLICY_ACTIONS)
RULE_ACTIONS = _table(contract.RULE_ACTIONS)
BRIEFING_ACTIONS = _table(contract.BRIEFING_ACTIONS)
SCHEDULE_FIELDS = set(contract.ScheduleBriefing.model_fields)


class MayNotMatch(Forbidden):
    rule = "may_not_match_enterprise"

    def __init__(self, role: str, why: str):
        super().__init__(f"a {role} may not {why}", field="enterprise")


def _action(table: dict, action: str, fields: dict, what: str) -> tuple[str, dict]:
    if action not in table:
        raise UnknownCode("action", action, sorted(table))
    method, allowed, required = table[action]
    if not isinstance(fields, dict):
        raise NotAnObject("fields", fields, sorted(allowed))
    checks.only_fields(fields, allowed, f"the {action} command on {what}")
    return method, {**{name: None for name in required}, **fields}


def check_briefing_units(connection, fields: dict) -> None:
    """The units a briefing's details name, each in the register: those present (`units`) and
    those reading their policies on the agenda (`agenda[i].unit`). What is not a code at all is
    left to the briefing's own checks."""
    units.check_units(connection, "units", fields.get("units"))
    agenda = fields.get("agenda")
    for index, item in enumerate(agenda if isinstance(agenda, (list, tuple)) else ()):
        if isinstance(item, dict):
            units.check_unit(connection, f"agenda[{index}].unit", item.get("unit"))


def load_policy(uow: UnitOfWork, policy_id: str, who: Actor) -> Policy:
    """The policy, if it exists and `who` may see it (a hidden draft is not found)."""
    policy = uow.load(Policy, policy_id)
    if not policy.exists:
        raise PolicyNotFound(policy_id)
    access.check_may_read_policy(who, policy.snapshot(), policy_id)
    return policy


def _current_day(at: dt.datetime) -> str:
    return office_day(at).isoformat()


def _office_day_of(moment: str) -> str:
    return office_day(parse_time(moment)).isoformat()


# Editions as rebuilt, by (number, digest, built_at): an edition never changes once built, so
# replaying its policies once per process is enough. A few are kept: readers want the latest.
_EDITIONS: dict[tuple, dict] = {}
EDITIONS_KEPT = 8


def render_edition(connection, recorded: dict) -> dict:
    """An edition exactly as it was built: each policy replayed to the stream version the
    edition recorded, then `build_edition` again, for the same day and number."""
    key = (recorded["number"], recorded["digest"], recorded.get("built_at"))
    if key not in _EDITIONS:
        while len(_EDITIONS) >= EDITIONS_KEPT:
            _EDITIONS.pop(next(iter(_EDITIONS)))
        _EDITIONS[key] = _render_edition(connection, recorded)
    return _EDITIONS[key]


def _render_edition(connection, recorded: dict) -> dict:
    snapshots = []
    for held in recorded["policies"]:
        stream = [event for event in read_stream(connection, held["policy_id"])
                  if event.version <= held["stream_version"]]
        snapshots.append(Policy.from_events(held["policy_id"], stream).snapshot())
    edition = build_edition(snapshots, dt.date.fromisoformat(recorded["day"]),
                            recorded["number"])
    if edition.digest != recorded["digest"]:
        log.error("edition re-rendered differently", number=recorded["number"],
                  recorded=recorded["digest"], rendered=edition.digest)
    return {**dataclasses.asdict(edition), "built_at": recorded.get("built_at")}


def build_next_edition(uow: UnitOfWork, who: Actor, only_if_begun: bool = False) -> dict | None:
    """The next edition from the policies in force today; when it would show what the latest
    shows, the latest (new=false). `only_if_begun`: nothing before the office's first edition."""
    book = uow.load(editions.CompendiumEditions, editions.STREAM_ID)
    if only_if_begun and book.latest is None:
        return None
    now = utc_now()
    snapshots = queries.in_force_snapshots(uow.connection, _current_day(now))
    edition = build_edition(snapshots, now, book.next_number)
    if book.unchanged(edition.digest):
        return editions.summary(book.latest, new=False)
    book.build(edition, {s["id"]: s["version"] for s in snapshots}, at=now, actor=who)
    uow.save(book)
    return editions.summary(book.latest, new=True)


class PolicyService(EventSourcedService):
    name = "policy"
    permissions = PERMISSIONS

    store = EventSourcing(projectors=[projections.project])
    reactions = Reactions("policy-work", {"tickets": {"PolicyWorkRequested": open_policy_work}})
    # The enterprises' profiles, from the liaison service's events: matching works with liaison
    # down.
    enterprise_profiles = Reactions(enterprises.CONSUMER, enterprises.SUBSCRIPTIONS)
    # The register of units, from the liaison service's events: the units a command names are
    # checked against it (kernel.units), with liaison down too.
    known_units = Reactions(units.CONSUMER, units.SUBSCRIPTIONS)

    # -- policies ------------------------------------------------------------------------------

    @rpc
    def draft_policy(self, actor: dict, fields: dict) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            checks.only_fields(fields, DRAFT_FIELDS, "a policy's draft")
            arguments = {**{name: None for name in DRAFT_REQUIRED}, **fields}
            # Who may draft for the unit first; then whether the unit is in the register (a unit
            # officer's own unit is the issuing unit, so an officer of an unknown unit is refused
            # here too). A missing or blank unit is the aggregate's to name.
            issuing_unit = arguments["issuing_unit"]
            if isinstance(issuing_unit, str) and issuing_unit.strip():
                rules.check_drafter(who, issuing_unit.strip())
                units.check_unit(uow.connection, "issuing_unit", issuing_unit)
            policy = Policy.draft(str(uuid.uuid4()), at=utc_now(), actor=who,
                                            **arguments)
            uow.save(policy)
            return policy.snapshot()

        return self.store.execute("draft_policy", decide)

    @rpc
    def act_on_policy(self, actor: dict, policy_id: str, action: str, fields: dict) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            method, arguments = _action(POLICY_ACTIONS, action, fields, "a policy")
            policy = load_policy(uow, policy_id, who)
            now = utc_now()
            if method == "answer_policy_work":
                return self._answer_policy_work(uow, policy, who, now, **arguments)
            previous = (policy.content["criteria"] if policy.status in IN_FORCE_CODES else None)
            getattr(policy, method)(at=now, actor=who, **arguments)
            if method in ("publish", "amend"):
                self._reach_enterprises(uow, policy, previous, now)
            uow.save(policy)
            return policy.snapshot()

        return self.store.execute(POLICY_ACTIONS[action][0] if action in POLICY_ACTIONS
                                  else "unknown", decide)

    def _reach_enterprises(self, uow: UnitOfWork, policy: Policy,
                           previous_criteria: dict | None, now: dt.datetime) -> None:
        """精准推送: the enterprises this version newly applies to, recorded with it."""
        reached = enterprises.newly_eligible(uow.connection, policy.snapshot(),
                                             previous_criteria, now)
        policy.reached_enterprises(version=len(policy.versions), enterprises=reached, at=now,
                                   actor=MATCHING)

    def _answer_policy_work(self, uow: UnitOfWork, policy: Policy, who: Actor,
                            now: dt.datetime, item_id=None) -> dict:
        """notice 二(四)3: the unit's policy, in force, answers the policy work an appeal asked
        for; the appeal is told (tickets reacts to PolicyWorkAnswered)."""
        item_id = checks.text("item_id", item_id, contract.CODE_LIMIT)
        if who.role == "unit_officer" and who.unit != policy.issuing_unit:
            raise NotIssuingUnit(who.unit, policy.issuing_unit, "answer policy work with it")
        if not policy.in_force(now):
            raise AnsweringPolicyNotInForce(policy.id, policy.status)
        item = uow.load(PolicyWork, item_id)
        content = policy.content
        item.answer(policy_id=policy.id, document_number=content["document_number"],
                    title=content["title"], at=now, actor=who)
        uow.save(item)
        return policy.snapshot()

    @rpc
    def get_policy(self, actor: dict, policy_id: str) -> dict:
        who = Actor.from_dict(actor)
        return self.store.query("get_policy", lambda uow: access.check_may_read_policy(
            who, queries.policy(uow.connection, policy_id), policy_id))

    @rpc
    def policy_version(self, actor: dict, policy_id: str, number: int) -> dict:
        """Version `number` of a policy (1 is the first publication), exactly as published."""
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            return load_policy(uow, policy_id, who).version_text(number)

        return self.store.query("policy_version", read)

    @rpc
    def list_policies(self, actor: dict, filters: dict, cursor: str | None = None,
                      limit: int = contract.DEFAULT_PAGE_SIZE) -> dict:
        who = Actor.from_dict(actor)
        return self.store.query("list_policies", lambda uow: queries.page(
            uow.connection, who, filters, cursor, limit))

    # -- implementation rules --------------------------------------------------------------------

    @rpc
    def require_rule(self, actor: dict, fields: dict) -> dict:
        """The office requires of a unit an implementation rule for a policy. notice 二(一)1"""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            checks.only_fields(fields, RULE_FIELDS, "an implementation rule's requirement")
            policy_id = checks.text("policy_id", fields.get("policy_id"), contract.CODE_LIMIT)
            unit = checks.text("unit", fields.get("unit"), contract.CODE_LIMIT)
            load_policy(uow, policy_id, who)
            check_requirer(who, None, policy_id, unit)
            units.check_unit(uow.connection, "unit", unit)
            existing = uow.load(ImplementationRule, rule_id_for(policy_id, unit))
            owed = ImplementationRule.require(policy_id, unit=unit, kind=fields.get("kind"),
                                              due=fields.get("due"), at=utc_now(), actor=who,
                                              existing=existing)
            uow.save(owed)
            return owed.snapshot()

        return self.store.execute("require_rule", decide)

    @rpc
    def act_on_rule(self, actor: dict, rule_id: str, action: str, fields: dict) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            method, arguments = _action(RULE_ACTIONS, action, fields, "an implementation rule")
            owed = uow.load(ImplementationRule, rule_id)
            if not owed.exists:
                raise RuleNotFound(rule_id)
            access.check_may_read_rule(who, owed.snapshot(), rule_id,
                                       queries.policy(uow.connection, owed.snapshot()["policy_id"]))
            # A section left out of the body is not given (the kind decides which it needs).
            arguments = {name: value for name, value in arguments.items()
                         if not (name in RULE_SECTIONS and value is None)}
            getattr(owed, method)(at=utc_now(), actor=who, **arguments)
            uow.save(owed)
            return owed.snapshot()

        return self.store.execute(RULE_ACTIONS[action][0] if action in RULE_ACTIONS
                                  else "unknown", decide)

    @rpc
    def get_rule(self, actor: dict, rule_id: str) -> dict:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            found = queries.rule(uow.connection, rule_id)
            policy = queries.policy(uow.connection, found["policy_id"]) if found else None
            return access.check_may_read_rule(who, found, rule_id, policy)

        return self.store.query("get_rule", read)

    @rpc
    def list_rules(self, actor: dict, filters: dict | None = None) -> dict:
        who = Actor.from_dict(actor)
        return self.store.query("list_rules", lambda uow: {
            "items": queries.rules(uow.connection, who, filters)})

    # -- briefings -------------------------------------------------------------------------------

    @rpc
    def schedule_briefing(self, actor: dict, fields: dict) -> dict:
        """A policy briefing (宣讲活动). notice 二(二)1"""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            checks.only_fields(fields, SCHEDULE_FIELDS, "scheduling a briefing")
            briefings.check_scheduler(who, None, "")
            if who.role == "unit_officer":  # the organiser: the officer's own unit
                units.check_unit(uow.connection, "organiser", who.unit)
            check_briefing_units(uow.connection, fields)
            briefing = Briefing.schedule(str(uuid.uuid4()), at=utc_now(), actor=who, **fields)
            uow.save(briefing)
            return briefing.snapshot()

        return self.store.execute("schedule_briefing", decide)

    @rpc
    def act_on_briefing(self, actor: dict, briefing_id: str, action: str, fields: dict) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            method, arguments = _action(BRIEFING_ACTIONS, action, fields, "a briefing")
            briefing = uow.load(Briefing, briefing_id)
            if method == "revise":
                briefings.check(method, briefing, who)
                check_briefing_units(uow.connection, arguments)
            getattr(briefing, method)(at=utc_now(), actor=who, **arguments)
            uow.save(briefing)
            return briefing.snapshot()

        return self.store.execute(BRIEFING_ACTIONS[action][0] if action in BRIEFING_ACTIONS
                                  else "unknown", decide)

    @rpc
    def get_briefing(self, actor: dict, briefing_id: str) -> dict:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            return access.check_may_read_briefing(
                who, queries.briefing(uow.connection, briefing_id), briefing_id)

        return self.store.query("get_briefing", read)

    @rpc
    def list_briefings(self, actor: dict, filters: dict | None = None) -> dict:
        who = Actor.from_dict(actor)
        return self.store.query("list_briefings", lambda uow: {
            "items": queries.briefings(uow.connection, who, filters)})

    # -- policy work -----------------------------------------------------------------------------

    @rpc
    def policy_work_items(self, actor: dict) -> list[dict]:
        who = Actor.from_dict(actor)
        return self.store.query("policy_work_items",
                                lambda uow: queries.policy_work_items(uow.connection, who))

    # -- the compendium --------------------------------------------------------------------------

    @rpc
    def build_compendium(self, actor: dict) -> dict:
        """A new edition of the compendium from the policies in force today (the office's);
        when it would show what the latest shows, the latest, with new=false. notice 二(一)2"""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            if who.role not in editions.BUILDERS:
                raise editions.MayNotBuildCompendium(who.role)
            return build_next_edition(uow, who)

        return self.store.execute("build_compendium", decide)

    @rpc
    def compendium_editions(self, actor: dict) -> dict:
        Actor.from_dict(actor)
        return self.store.query("compendium_editions",
                                lambda uow: {"items": queries.editions(uow.connection)})

    def _edition(self, number: int | None, name: str, format: str | None = None) -> dict:
        def read(uow: UnitOfWork) -> dict:
            if format is not None and format not in contract.DOCUMENT_FORMATS:
                raise UnknownCode("format", format, list(contract.DOCUMENT_FORMATS))
            book = uow.load(editions.CompendiumEditions, editions.STREAM_ID)
            return render_edition(uow.connection, book.edition(number))

        return self.store.query(name, read)

    @rpc
    def compendium_edition(self, actor: dict, number: int | None = None) -> dict:
        """Edition `number` (None: the latest) as it was built: sections, contents, contacts."""
        Actor.from_dict(actor)
        return self._edition(number, "compendium_edition")

    @rpc
    def compendium_document(self, actor: dict, number: int | None = None,
                            format: str = "html", known_digest: str | None = None) -> dict:
        """Edition `number` (None: the latest) as a document: html, pdf or docx, with the
        SHA-256 `digest` of its bytes and, base64, the bytes themselves unless the caller
        already holds them (`known_digest` is that digest). Rendered once per edition and
        format, then served from the store (`rendered`)."""
        Actor.from_dict(actor)

        def recorded_edition(uow: UnitOfWork) -> dict:
            if format not in contract.DOCUMENT_FORMATS:
                raise UnknownCode("format", format, list(contract.DOCUMENT_FORMATS))
            return uow.load(editions.CompendiumEditions, editions.STREAM_ID).edition(number)

        recorded = self.store.query("compendium_document", recorded_edition)
        key = (recorded["number"], format, recorded["digest"])
        found = self.store.read(lambda c: rendered.find(c, *key, with_body=False))
        if found is None:
            with rendered.turn((str(self.store.engine.url), *key)):
                found = self.store.read(lambda c: rendered.find(c, *key, with_body=False))
                if found is None:
                    self._render_document(recorded, format)
                    found = self.store.read(lambda c: rendered.find(c, *key, with_body=False))
        answer = {name: found[name] for name in rendered.META}
        if known_digest != found["digest"]:
            body = self.store.read(lambda c: rendered.find(c, *key, with_body=True))["body"]
            answer["base64"] = base64.b64encode(body).decode("ascii")
        return answer

    def _render_document(self, recorded: dict, fmt: str) -> None:
        edition = self.store.query("compendium_document", lambda uow: render_edition(
            uow.connection, recorded))
        # Off the hub and outside any transaction: a PDF takes a second or two.
        filename, media_type, body = tpool.execute(documents.render, edition, fmt)
        with self.store.engine.begin() as connection:
            rendered.keep(connection, recorded["number"], fmt, recorded["digest"],
                          filename=filename, display_name=documents.display_name(edition, fmt),
                          media_type=media_type, body=body, at=format_time(utc_now()))
        log.info("compendium document rendered", number=recorded["number"], format=fmt,
                 size=len(body))

    @rpc
    def contact_sheet(self, actor: dict) -> dict:
        """The contact sheet (咨询联系表) of the latest edition; without one, of the policies in
        force now."""
        Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            book = uow.load(editions.CompendiumEditions, editions.STREAM_ID)
            if book.latest is not None:
                edition = render_edition(uow.connection, book.latest)
                return {"items": edition["contacts"], "edition": edition["number"]}
            now = utc_now()
            edition = build_edition(queries.in_force_snapshots(uow.connection,
                                                               _current_day(now)), now, 1)
            return {"items": [dataclasses.asdict(row) for row in edition.contacts],
                    "edition": None}

        return self.store.query("contact_sheet", read)

    # -- the portal, matching --------------------------------------------------------------------

    @rpc
    def portal_mark(self, actor: dict) -> dict:
        """What the portal shows, in one digest: it changes with every publication, amendment,
        repeal, expiry, contact changed, rule filed and edition built (and with the day, for
        the contact sheet of what is in force). The gateway keys its pages by it; the latest
        edition's number and digest key the latest documents."""
        Actor.from_dict(actor)
        return self.store.query("portal_mark", lambda uow: queries.portal_mark(
            uow.connection, _current_day(utc_now())))

    @rpc
    def portal_feed(self, actor: dict, limit: int = 50) -> dict:
        """What was published or amended, newest first (the portal's Atom feed)."""
        Actor.from_dict(actor)
        return self.store.query("portal_feed",
                                lambda uow: {"items": queries.feed(uow.connection, limit)})

    @rpc
    def portal_deadlines(self, actor: dict, year: int | None = None) -> dict:
        """Per unit: policies on the portal by May 15, implementation rules by May 20."""
        who = Actor.from_dict(actor)
        unit = access.deadline_units(who)
        year = year or office_day(utc_now()).year
        return self.store.query("portal_deadlines", lambda uow: queries.portal_deadlines(
            uow.connection, int(year), _office_day_of, unit))

    @rpc
    def match_enterprise(self, actor: dict, enterprise) -> dict:
        """The policies in force today and, for each, whether the enterprise (a credit code of a
        known enterprise, or a profile) meets it and why; the eligible first."""
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            uscc = enterprise.get("uscc") if isinstance(enterprise, dict) else enterprise
            if who.role == "enterprise" and uscc != who.uscc:
                raise MayNotMatch(who.role, "match another enterprise")
            if not isinstance(enterprise, dict):
                self._check_may_look_up(uow, who, enterprise)
            now = utc_now()
            snapshots = queries.in_force_snapshots(uow.connection, _current_day(now))
            verdicts = enterprises.match(uow.connection, enterprise, snapshots, now)
            verdicts.sort(key=lambda verdict: not verdict["eligible"])
            return {"items": verdicts}

        return self.store.query("match_enterprise", read)

    @staticmethod
    def _check_may_look_up(uow: UnitOfWork, who: Actor, uscc) -> None:
        """A known enterprise's verdicts tell its operating tier (notice 三(一)1), which stays
        with the office, supervision, the enterprise's county and the enterprise itself."""
        if who.role in access.SEE_ALL or who.role == "enterprise":
            return
        if who.role == "unit_officer":
            kept = enterprises.row(uow.connection, checks.credit_code(uscc))
            if kept is not None and kept["county"] == who.unit:
                return
            raise MayNotMatch(who.role, "look up an enterprise outside its county by its "
                                        "credit code; give a profile")
        raise MayNotMatch(who.role, "look an enterprise up by its credit code; give a profile")

    # -- the timer -------------------------------------------------------------------------------

    @timer(interval=settings.deadline_watch_interval())
    def watch_policy_dates(self):
        """Record each policy whose end date has passed as expired (失效), and each
        implementation rule past its due date unfiled as overdue, once; then build the
        compendium's next edition if what is in force has changed since the latest.

        Only what is due is read, by index. One replica watches at a time (a PostgreSQL
        advisory lock); should two overlap, the aggregates refuse a second record and optimistic
        concurrency makes the slower decide again on the fresh state.
        """
        with exclusive_turn(self.store.engine, POLICY_WATCH_LOCK) as mine:
            if not mine:
                return
            now = utc_now()
            day = _current_day(now)
            for policy_id in self.store.read(lambda c: queries.lapsed_policies(c, day)):
                self._watch(Policy, policy_id, "expire_policy",
                            lambda policy: policy.expire(at=now, actor=SYSTEM))
            for rule_id in self.store.read(lambda c: queries.overdue_rules(c, day)):
                self._watch(ImplementationRule, rule_id, "mark_rule_overdue",
                            lambda owed: owed.mark_overdue(at=now, actor=SYSTEM))
            # After the expiries: an edition is regenerated when what is in force has changed
            # (published, amended, repealed, expired, or come into force by its dates).
            try:
                self.store.execute("regenerate_compendium", lambda uow: build_next_edition(
                    uow, SYSTEM, only_if_begun=True))
            except Exception:  # the next round tries again
                log.exception("compendium regeneration failed")

    def _watch(self, aggregate_cls, stream_id: str, command: str, decide) -> None:
        def run(uow: UnitOfWork) -> None:
            aggregate = uow.load(aggregate_cls, stream_id)
            decide(aggregate)
            uow.save(aggregate)
        try:
            self.store.execute(command, run)
        except Refused as refused:  # recorded meanwhile by another replica: nothing to do
            log.debug("policy watch: nothing to record", stream_id=stream_id, rule=refused.rule)
        except Exception:  # one stream that cannot be processed must not stop the watch
            log.exception("policy watch failed", stream_id=stream_id, command=command)
