"""The appeals' RPC entrypoints (a mixin of TicketsService): raising an appeal, the commands on
it, the ledger, an appeal and its history; the deadline watch; the reactions to other services'
events (`reactions`). Each command loads, decides (the aggregate checks the rules), and appends;
the read model follows in the same transaction.

Before deciding, the units a command names (a dispatch's or redispatch's lead and assisting units,
a unit officer's own unit) are checked against the register of units the liaison service keeps
(`kernel.units`, kept here by a reaction): an unknown one is refused by `UnknownUnit`, naming the
field, and nothing is written. A lead unit taken from the routing table was checked when its
route was set."""
from __future__ import annotations

import os
import uuid
from collections.abc import Mapping

import structlog
from eventlet import tpool

from kernel import settings, units
from kernel.campaign import COUNTIES, ZONES
from kernel.actor import SYSTEM, Actor
from kernel.dependencies import Reactions
from kernel.envelope import Event, utc_now
from kernel.errors import NotOwnVisit, Refused, RoleNotAllowed
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from kernel.watch import watch
from kernel.wire import body_fields, command_fields
from services.liaison.events import EVENTS as LIAISON
from services.tickets.appeals import contract, duplicates, queries, reactions, rules, views
from services.tickets.appeals.access import LINKED, check_may_read, shown_contact
from services.tickets.appeals.access import shown_reply
from services.tickets.appeals.appeal_view import history_entry
from services.tickets.appeals import across, merging
from services.tickets.appeals.deadlines import policy_from_json
from services.tickets.appeals.domain import Ticket, check_coordinating_county
from services.tickets.appeals.exceptions import TicketNotFound
from services.tickets.appeals.numbers import ledger_number
from services.tickets.appeals.vocabulary import Status, Way
from services.tickets.routing.domain import ROUTING_TABLE_ID, RoutingTable
from services.tickets.routing.exceptions import RouteNotFound

log = structlog.get_logger(__name__)
# Read once at start: a service with a broken policy refuses to start rather than misjudge.
POLICY = policy_from_json(os.environ.get("HUIQI_TICKET_DEADLINES"))



# The commands that rate an appeal: a bad rating's rectification is due as the policy says.
RATING = ("rate", "callback")
# The commands that name the units an appeal is handed to.
HANDING_ON = ("dispatch", "redispatch")


def check_named_units(uow: UnitOfWork, who: Actor, ticket: Ticket, method: str,
                      arguments: dict) -> None:
    """The units a command on an appeal names, each in the register (kernel.units), and the
    county a county coordination names a county of it.

    A unit officer reads only appeals its unit takes part in, so its own unit is checked after
    that; a dispatch's units after who may hand the appeal on (the rules table), so a caller who
    may not dispatch is told so whatever units it names. A missing or blank lead unit is the
    routing table's (dispatch) or the aggregate's to name."""
    if who.role == "unit_officer":
        units.check_unit(uow.connection, "unit", who.unit)
    if method in HANDING_ON:
        rules.check(method, ticket, who)
        units.check_unit(uow.connection, "lead_unit", arguments.get("lead_unit"))
        units.check_units(uow.connection, "assisting_units", arguments.get("assisting_units"))
    if method == "classify" and arguments.get("way") == Way.COUNTY_COORDINATION.value:
        rules.check(method, ticket, who)
        code = arguments.get("county_unit")
        if isinstance(code, str) and code.strip():
            code = units.check_unit(uow.connection, "county_unit", code).strip()
            check_coordinating_county(code, unit_kind(uow.connection, code))


def unit_kind(connection, code: str) -> str | None:
    """What the register of units calls `code`: its row's kind, or for a county or zone the
    notice names (always known, registered or not) the kind it would be registered as."""
    row = units.unit(connection, code)
    if row is not None and row["kind"]:
        return row["kind"]
    if code in ZONES:
        return "zone"
    return "county" if code in COUNTIES else None


def linked(uow: UnitOfWork, who: Actor, ticket_id: str) -> bool:
    """Whether a leader or liaison officer reaches the appeal through the linkage; asked only
    of them."""
    return who.role in LINKED and queries.in_linkage(uow.connection, who, ticket_id)


def load_ticket(uow: UnitOfWork, ticket_id: str) -> Ticket:
    ticket = uow.load(Ticket, ticket_id)
    if not ticket.exists:
        raise TicketNotFound(ticket_id)
    return ticket


def raised_fields(body) -> dict:
    """A body raising an appeal as `Ticket.raise_appeal`'s fields (`kernel.wire.body_fields`): a
    required field it lacks is None, for the aggregate to name."""
    return body_fields(body, contract.RaiseAppeal, "an appeal")


def _check_raiser(uow: UnitOfWork, who: Actor, fields: dict) -> str:
    """The credit code an appeal is raised under, for a caller who may raise it: a leader or
    liaison officer only from his leader's recorded visit to that enterprise."""
    code = Ticket.check_raiser(who, fields.get("uscc"), fields.get("visit_id"))
    if who.role in rules.RAISERS_BY_VISIT:
        visit_id = fields["visit_id"].strip()
        if not views.is_own_visit(uow.connection, who.role, who.sub, visit_id, code):
            raise NotOwnVisit("raise an appeal in an enterprise's name", field="visit_id")
    return code


class AppealsRpc:
    policy_answers = Reactions(reactions.POLICY_ANSWERS_CONSUMER,
                               reactions.POLICY_ANSWER_SUBSCRIPTIONS)
    # notice 二(三)2: visits' problems
    visits = Reactions(reactions.CONSUMER, reactions.visit_subscriptions(POLICY))
    # The register of units, from the liaison service's events: the units a command names are
    # checked against it (kernel.units), with liaison down too.
    known_units = Reactions(units.CONSUMER, units.subscriptions(LIAISON))
    # The leaders' linkage, their liaison officers and visits, from the liaison service's
    # events: how far a leader's or a liaison officer's ledger reaches (notice 三(一)).
    leader_linkage = Reactions(reactions.LINKAGE_CONSUMER, reactions.LINKAGE_SUBSCRIPTIONS)

    @rpc
    def raise_appeal(self, actor: dict, fields: dict) -> dict:
        who = Actor.from_dict(actor)

        # Compared before the write transaction opens, off the hub: only whether the
        # candidate is still open is checked again inside it.
        duplicate_of = self._open_duplicate(who, fields)

        def decide(uow: UnitOfWork) -> dict:
            raised = raised_fields(fields)
            at = utc_now()
            _check_raiser(uow, who, raised)
            open_one = load_ticket(uow, duplicate_of) if duplicate_of else None
            if open_one is not None and open_one.status != Status.CLOSED:
                open_one.link_duplicate(title=raised["title"], description=raised["description"],
                                        channel=raised["channel"], at=at, actor=SYSTEM)
                uow.save(open_one)
                return {"id": open_one.id, "ledger_number": open_one.ledger_number,
                        "status": open_one.status, "linked_to_open_appeal": True}
            ticket = Ticket.raise_appeal(
                str(uuid.uuid4()), ledger_number=ledger_number(uow, at), at=at, actor=who,
                policy=POLICY, **raised)
            uow.save(ticket)
            return {"id": ticket.id, "ledger_number": ticket.ledger_number,
                    "status": ticket.status, "linked_to_open_appeal": False}

        return self.store.execute("raise_appeal", decide)

    def _open_duplicate(self, who: Actor, fields: dict) -> str | None:
        """The id of the same enterprise's open appeal about the same problem, if there is one.

        A bounded comparison (`duplicates`), still pure Python: it runs in a
        thread of eventlet's pool so that a long text does not hold the other workers up.
        """
        if not isinstance(fields, Mapping):
            return None  # the command refuses it
        title, description = fields.get("title"), fields.get("description")
        if not (isinstance(title, str) and isinstance(description, str)):
            return None  # the aggregate will name what is missing

        def candidates(uow: UnitOfWork) -> list[dict]:
            # Before looking for an open duplicate: a caller must not learn of another
            # enterprise's appeal by raising one in its name.
            uscc = _check_raiser(uow, who, raised_fields(fields))
            return queries.open_appeals_of(uow.connection, uscc, limit=duplicates.CANDIDATES)

        found = self.store.query("raise_appeal", candidates)
        if not found:
            return None  # the enterprise has no open appeal: nothing to compare, no thread
        return tpool.execute(duplicates.first_near_duplicate, title, description, found)

    @rpc
    def act(self, actor: dict, ticket_id: str, action: str, fields: dict) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            method, arguments = command_fields(contract.ACTIONS, action, fields, "an appeal")
            ticket = load_ticket(uow, ticket_id)
            check_may_read(who, ticket.snapshot())
            check_named_units(uow, who, ticket, method, arguments)
            if action == "dispatch" and not arguments.get("lead_unit"):
                arguments["lead_unit"] = self._routed_unit(uow, ticket)
            if method in across.COMMANDS:
                across.perform(uow, ticket, method, arguments, at=utc_now(), actor=who,
                               policy=POLICY)
            else:
                if method in RATING:  # a bad rating opens a rectification, due by the policy
                    arguments["policy"] = POLICY
                getattr(ticket, method)(at=utc_now(), actor=who, **arguments)
                uow.save(ticket)
            # The appeal as GET answers it, folded with the facts just appended.
            view = views.appeal_view(uow.connection, ticket.id)
            return shown_reply(who, across.shown(uow.connection, who,
                                                 shown_contact(who, view, view)))

        return self.store.execute(action if action in contract.ACTIONS else "unknown", decide)

    def _routed_unit(self, uow: UnitOfWork, ticket: Ticket) -> str:
        """谁主管、谁负责: the routing table names the lead unit when the office does not."""
        table = uow.load(RoutingTable, ROUTING_TABLE_ID)
        unit = table.unit_for(ticket.category, ticket.county)
        if unit is None:
            raise RouteNotFound(ticket.category, ticket.county)
        return unit

    @rpc
    def get_ticket(self, actor: dict, ticket_id: str) -> dict:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            view = queries.appeal(uow.connection, ticket_id)
            if view is None:
                raise TicketNotFound(ticket_id)
            check_may_read(who, view, in_linkage=linked(uow, who, ticket_id))
            return shown_reply(who, across.shown(uow.connection, who,
                                                 shown_contact(who, view, view)))

        return self.store.query("get_ticket", read)

    @rpc
    def history(self, actor: dict, ticket_id: str) -> list[dict]:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> list[dict]:
            events: list[Event] = uow.read_stream(ticket_id)
            if not events:
                raise TicketNotFound(ticket_id)
            snapshot = Ticket.from_events(ticket_id, events).snapshot()
            check_may_read(who, snapshot, in_linkage=linked(uow, who, ticket_id))
            # An enterprise sees who acted by role and unit, not by their internal ids; each
            # reader the contact as the read rule shows it to him, and the resolution's reply.
            return [merging.history_shown_to(
                        who, history_entry(who.role, e, lambda p: shown_reply(
                            who, shown_contact(who, snapshot, p))))
                    for e in events]

        return self.store.query("history", read)

    @rpc
    def merge_proposals(self, actor: dict, ticket_id: str) -> dict:
        """The open appeals, of any enterprise, that read as the same matter as this one: the
        duplicate check proposes, the office decides whether to merge (act "merge")."""
        who = Actor.from_dict(actor)
        if who.role != "office":
            raise RoleNotAllowed(who.role, "read the merge proposals", ("office",))
        own, candidates = self.store.query(
            "merge_proposals", lambda uow: across.proposal_candidates(uow.connection, ticket_id))
        # Bounded, pure comparison: off the hub, as a raised appeal's own check is.
        return tpool.execute(across.proposals, own, candidates)

    @rpc
    def list_tickets(self, actor: dict, filters: dict, cursor: str | None = None,
                     limit: int = 50) -> dict:
        who = Actor.from_dict(actor)
        return self.store.query("list_tickets", lambda uow: queries.page(
            uow.connection, who, filters, cursor, limit))

    @rpc
    def export_tickets(self, actor: dict, filters: dict, cursor: str | None = None) -> dict:
        """A page of the ledger workbook's lines after `cursor`: the gateway writes the sheet,
        so the whole ledger never travels as one reply."""
        who = Actor.from_dict(actor)
        return self.store.query("export_tickets", lambda uow: queries.export_page(
            uow.connection, who, filters, cursor))

    @watch(interval=settings.deadline_watch_interval())
    def watch_deadlines(self):
        """Record each missed deadline once, and close off appeals left unrated too long.

        Only what is due is read, by index: appeals whose next due has passed, and resolved
        appeals old enough that their rating wait may be over. One replica sweeps at a time
        (`kernel.watch`: the others skip this round). Should two still overlap (a lock
        connection lost), the aggregate records a missed deadline only once per due time, and
        optimistic concurrency makes the slower one decide again on the fresh state.
        """
        now = utc_now()
        overdue = self.store.read(lambda c: queries.due_before(c, now))
        for ticket_id in overdue:
            self._watch(ticket_id, "mark_overdue",
                        lambda t: t.mark_overdue(at=now, actor=SYSTEM))
        unrated = self.store.read(
            lambda c: queries.resolved_unrated(c, now, POLICY.close_unrated_after))
        for ticket_id in unrated:
            self._watch(ticket_id, "close_off_unrated", lambda t: t.close_off_unrated(
                at=now, actor=SYSTEM, policy=POLICY))

    def _watch(self, ticket_id: str, command: str, decide) -> None:
        def run(uow: UnitOfWork) -> None:
            ticket = load_ticket(uow, ticket_id)
            decide(ticket)
            uow.save(ticket)
        try:
            self.store.execute(command, run)
        except Refused as refused:  # e.g. the rating period is not over yet: nothing to do
            log.debug("deadline watch: nothing to record", ticket_id=ticket_id, rule=refused.rule)
        except Exception:  # one appeal that cannot be processed must not stop the sweep
            log.exception("deadline watch failed", ticket_id=ticket_id, command=command)
