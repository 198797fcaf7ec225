"""Supervision's RPC entrypoints (a mixin of SupervisionService), notice 二(五), 三(二): the tracking view,
the ladder's cases and their notices, its thresholds and its sweep (also on a timer), scheduling
reports, the action's deliverables and summary reports, evaluation rounds, and the year-end
assessment with its records and exports.

Commands load, decide (the aggregate checks the rules) and append on supervision's own store; the
events are published on `supervision.events`, enter the audit's ledger, and come back as
supervision follows the ledger by seq, where tracking folds them.
Reads answer from tracking and the read models, narrowed to what the caller may see
(`services.supervision.access`): everything for the office and the working group, his own unit for a unit
officer, his linkage's units for a leader.

Needs the service's `store` (EventSourcing) and `runner` (a job's thread).
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import os

import structlog

from kernel import checks
from kernel.actor import SYSTEM, Actor
from kernel.envelope import format_time, utc_now
from kernel.errors import DomainError, NoSuch, NotFound, Refused, UnknownCode
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from kernel.watch import watch

from kernel.campaign import COUNTIES
from kernel.clock import office_day
from kernel.clock import start_of_office_day
from kernel import jobs
from services.supervision.assessment import accountability
from services.supervision import contract
from services.supervision.deliverables import domain as deliverables
from services.supervision import facts
from services.supervision.cases import ladder
from services.supervision.report import render as report
from services.supervision import access as roles
from services.supervision.deliverables import scheduling
from services.supervision.cases import sweep
from services.supervision.tracking import views as tracking
from services.supervision.cases import views
from services.supervision.assessment import domain as assessing
from services.supervision.assessment import views as assessment_views
from services.supervision.deliverables import views as deliverable_views
from services.supervision.assessment import disclosure
from kernel import offload
from services.supervision.assessment.accountability import YearAssessment
from services.supervision.assessment.exceptions import EvaluationRoundNotFound
from services.supervision.assessment.evaluation import EvaluationRound
from services.supervision.cases.domain import SupervisionCase
from services.supervision.deliverables.rules import DeliverableNotFound
from services.supervision.deliverables.domain import Deliverable, DeliverableCode
from services.supervision.cases.exceptions import CaseNotFound
from services.supervision.deliverables.scheduling import SchedulingReport

log = structlog.get_logger(__name__)

SWEEP_INTERVAL = "HUIQI_SUPERVISION_SWEEP_INTERVAL"


# Supervision's job ids begin so: the gateway's job routes ask this service for them.
EXPORT_JOB = "export-"


def sweep_interval() -> float:
    """Seconds between the ladder's sweeps (every five minutes unless configured)."""
    return float(os.environ.get(SWEEP_INTERVAL, "300"))


class NoSuchUnitTracked(NotFound):
    rule = "unit_not_tracked"

    def __init__(self, unit: str):
        super().__init__(f"unit {unit!r} owes nothing tracked, or is not the caller's to read",
                         field="unit")


def _arguments(fields, model, context: str) -> dict:
    """The body's fields, each the model takes; the required ones present (None when missing,
    for the aggregate to name)."""
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise UnknownCode("fields", type(fields).__name__, ["an object"])
    checks.only_fields(fields, set(model.model_fields), context)
    required = [name for name, info in model.model_fields.items() if info.is_required()]
    return {**{name: None for name in required}, **fields}


def _filters(filters, model) -> dict:
    """The filters given (blank ones are none), each checked against the model's names."""
    given = {name: value for name, value in (filters or {}).items()
             if value is not None and not (isinstance(value, str) and not value.strip())}
    checks.only_fields(given, set(model.model_fields), "the filters")
    return given


def _flag(value) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "1"):
        return True
    if str(value).lower() in ("false", "0"):
        return False
    raise UnknownCode("filter", value, ["true", "false"])


def matter_view(matter: facts.TrackedMatter, now: dt.datetime) -> dict:
    return {"matter_id": matter.matter_id, "kind": matter.kind, "stream_id": matter.stream_id,
            "unit": matter.unit, "title": matter.title,
            "kind_label": contract.MATTER_LABELS.get(matter.kind, matter.kind),
            "due_at": format_time(matter.due_at) if matter.due_at else None,
            "done_at": format_time(matter.done_at) if matter.done_at else None,
            "late": matter.late(now), "seqs": list(matter.seqs)}


def unit_counts(unit: str, matters: list[dict]) -> dict:
    """A unit's matters counted: done, late (not done past its date, or done after it), due
    (neither), by kind as well."""
    def state(item: dict) -> str:
        return "late" if item["late"] else "done" if item["done_at"] else "due"

    by_kind: dict[str, dict[str, int]] = {}
    totals = {"due": 0, "done": 0, "late": 0}
    for item in matters:
        which = state(item)
        totals[which] += 1
        by_kind.setdefault(item["kind"], {"due": 0, "done": 0, "late": 0})[which] += 1
    return {"unit": unit, **totals, "by_kind": by_kind, "matters": matters}


def _may(who: Actor, doing: str, allowed) -> Actor:
    """The role checked before any work: `Refused` (forbidden) naming who may."""
    try:
        return roles.may(who, doing, allowed)
    except DomainError as exc:
        raise Refused.from_domain(exc) from exc


def _load(uow: UnitOfWork, aggregate, stream_id: str):
    return uow.load(aggregate, stream_id)


class SchedulingReportNotFound(NoSuch):
    rule = "scheduling_report_not_found"
    template, at = "no scheduling report {id}", "report_id"


class Scoped:
    """Who reads what: everything for the office and the working group, his own unit for a
    unit officer, his linkage's units for a leader (tracking keeps them)."""

    @staticmethod
    def _scope(connection, who: Actor) -> set[str] | None:
        leader = tracking.leader_units(connection, who.sub) if who.role == "leader" else None
        return roles.reader_scope(who, leader)

    def _query(self, name: str, actor: dict, read):
        """The question `name`: `read(uow, scope)`, the caller's scope found first (which
        refuses a caller who may not read supervision)."""
        who = Actor.from_dict(actor)
        return self.store.query(name, lambda uow: read(uow, self._scope(uow.connection, who)))

    def _command(self, name: str, actor: dict, fields: dict, model, context: str, decide,
                 allowed: tuple[str, ...], doing: str):
        """The command `name`: `decide(uow, who, arguments)`, the body's fields read first as
        `model`'s (`context` names the body in a refusal). A role not `allowed` is refused
        before anything is read or computed; the aggregate checks the rest."""
        who = Actor.from_dict(actor)
        _may(who, doing, allowed)
        return self.store.execute(name, lambda uow: decide(
            uow, who, _arguments(fields, model, context)))


class CasesRpc(Scoped):
    """Tracking, the ladder's cases and notices, its thresholds and its sweep."""

    # -- tracking (跟踪调度) --------------------------------------------------------------------

    @rpc
    def tracked_matters(self, actor: dict, filters: dict | None = None) -> dict:
        """The matters the caller may read: what each unit owes, by when, done or late."""
        def read(uow: UnitOfWork, scope) -> dict:
            given = _filters(filters, contract.TrackedMatterFilters)
            kind = given.get("kind")
            if kind is not None and kind not in facts.MATTER_KINDS:
                raise UnknownCode("kind", kind, list(facts.MATTER_KINDS))
            unit, late = given.get("unit"), _flag(given.get("late"))
            now = utc_now()
            items = [matter_view(m, now) for m in tracking.matters(uow.connection, unit, kind)
                     if roles.within(scope, m.unit)]
            if late is not None:
                items = [item for item in items if item["late"] is late]
            return {"items": items}

        return self._query("tracked_matters", actor, read)

    @rpc
    def unit_tracking(self, actor: dict, unit: str) -> dict:
        """One unit's matters counted due, done and late (its own, for a unit officer)."""
        def read(uow: UnitOfWork, scope) -> dict:
            if not roles.within(scope, unit):
                raise NoSuchUnitTracked(unit)
            now = utc_now()
            return unit_counts(unit, [matter_view(m, now)
                                      for m in tracking.matters(uow.connection, unit)])

        return self._query("unit_tracking", actor, read)

    # -- supervision cases (督查) ----------------------------------------------------------------

    def _case(self, uow: UnitOfWork, who: Actor, case_id: str) -> SupervisionCase:
        case = uow.load(SupervisionCase, case_id)
        if not case.exists or not roles.within(self._scope(uow.connection, who), case.unit):
            raise CaseNotFound(case_id)
        return case

    @rpc
    def supervision_case(self, actor: dict, case_id: str) -> dict:
        """A case: its matter, unit, the steps taken with the ledger entries behind each, its
        notice and the answer, what the inspection found and the interview."""
        who = Actor.from_dict(actor)
        return self.store.query("supervision_case",
                                lambda uow: self._case(uow, who, case_id).snapshot())

    @rpc
    def act_on_supervision_case(self, actor: dict, case_id: str, action: str,
                                fields: dict) -> dict:
        """answer (the unit's own officer), inspection and interview (the office or the working
        group record what happened once the case reached the step), close (the office)."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            if action not in contract.SUPERVISION_CASE_ACTIONS:
                raise UnknownCode("action", action, sorted(contract.SUPERVISION_CASE_ACTIONS))
            command = contract.SUPERVISION_CASE_ACTIONS[action]
            arguments = _arguments(fields, command.body, f"the {action} command on a case")
            case = self._case(uow, who, case_id)
            getattr(case, command.method)(at=utc_now(), actor=who, **arguments)
            uow.save(case)
            return case.snapshot()

        return self.store.execute(f"{action}_supervision_case", decide)

    @rpc
    def supervision_cases(self, actor: dict, filters: dict | None = None) -> dict:
        """The cases the caller may read, the latest opened first."""
        def read(uow: UnitOfWork, scope) -> dict:
            given = _filters(filters, contract.SupervisionCaseFilters)
            step = given.get("step")
            if step is not None and step not in ladder.Step.codes():
                raise UnknownCode("step", step, ladder.Step.codes())
            return {"items": views.cases(uow.connection, unit=given.get("unit"), step=step,
                                         open=_flag(given.get("open")), units=scope)}

        return self._query("supervision_cases", actor, read)

    @rpc
    def supervision_notices(self, actor: dict, filters: dict | None = None) -> dict:
        """The supervision notices issued (督查通知书), by answer-by date; a unit officer sees his
        own unit's, a leader his linkage's units'."""
        def read(uow: UnitOfWork, scope) -> dict:
            given = _filters(filters, contract.SupervisionNoticeFilters)
            found = views.notices(uow.connection, unit=given.get("unit"),
                                  answered=_flag(given.get("answered")))
            return {"items": roles.visible(scope, found)}

        return self._query("supervision_notices", actor, read)

    # -- the sweep (the timer's, or the office's now) ------------------------------------------

    @watch(interval=sweep_interval())
    def supervision_round(self):
        """The ladder's round: deliverables past their date recorded missed, then each late
        matter one step further, problem appeals listed, done matters' cases closed. One
        replica at a time runs it (the singleton `supervision_round`); should two overlap, they
        decide on the same streams and one of the two records."""
        try:
            self._sweep(SYSTEM, utc_now())
        except Exception:  # the next round tries again
            log.exception("supervision round failed")

    @rpc
    def run_supervision_sweep(self, actor: dict) -> dict:
        """The round now (the office or the working group), as the timer runs it."""
        try:
            who = roles.may(Actor.from_dict(actor), "run the supervision sweep")
        except DomainError as exc:
            raise Refused.from_domain(exc) from exc
        return self._sweep(who, utc_now())

    def _sweep(self, who: Actor, now: dt.datetime) -> dict:
        missed = self._mark_missed(who, now)
        swept = sweep.sweep(self.store.store, now, actor=who)
        log.info("supervision swept", actor=who.label, missed=len(missed),
                 recorded=len(swept.recorded), raced=swept.raced)
        return {"items": [{"case_id": case, "recorded": fact} for case, fact in swept.recorded],
                "missed": missed, "raced": swept.raced,
                "refused": [list(item) for item in swept.refused]}

    def _mark_missed(self, who: Actor, now: dt.datetime) -> list[dict]:
        """The deliverables past their date with owners that delivered nothing, recorded missed
        (once per owner): tracking then holds them as late matters for the ladder."""
        wanted = self.store.read(lambda c: sorted({
            m.stream_id for m in tracking.overdue(c, now) if m.kind == facts.DELIVERABLE}))
        marked = []
        for stream_id in wanted:
            def decide(uow: UnitOfWork, stream_id=stream_id) -> list[dict]:
                found = uow.load(Deliverable, stream_id)
                if not found.exists or not found.missing(now):
                    return []
                recorded = found.mark_missed(at=now, actor=who)
                uow.save(found)
                return [{"deliverable_id": stream_id, "unit": f.payload["unit"]}
                        for f in recorded]
            marked += self.store.execute("mark_deliverable_missed", decide)
        return marked

    # -- the ladder's thresholds ---------------------------------------------------------------

    @rpc
    def supervision_thresholds(self, actor: dict) -> dict:
        """The working days overdue at which each step is due (anyone who reads supervision)."""
        def read(uow: UnitOfWork, scope) -> dict:
            settings = uow.load(ladder.LadderSettings, ladder.SETTINGS_ID)
            # The version is the ETag a change names in If-Match.
            return {**settings.thresholds.to_dict(), "version": settings.version}

        return self._query("supervision_thresholds", actor, read)

    @rpc
    def set_supervision_thresholds(self, actor: dict, fields: dict) -> dict:
        """The office's thresholds, in force for every case's next step."""
        def decide(uow: UnitOfWork, who: Actor, arguments: dict) -> dict:
            settings = uow.load(ladder.LadderSettings, ladder.SETTINGS_ID)
            settings.set_thresholds(arguments, at=utc_now(), actor=who)
            uow.save(settings)
            return {**settings.thresholds.to_dict(), "version": settings.version}

        return self._command("set_supervision_thresholds", actor, fields,
                             contract.SupervisionThresholds, "the thresholds", decide,
                             roles.OFFICE_ONLY, "set the supervision thresholds")


class RecordsRpc(Scoped):
    """Scheduling reports and the action's deliverables."""

    # -- scheduling reports (调度通报) ----------------------------------------------------------

    @rpc
    def issue_scheduling_report(self, actor: dict, fields: dict) -> dict:
        """The office states each unit's due, done, late and open matters now, with the seqs."""
        def decide(uow: UnitOfWork, who: Actor, arguments: dict) -> dict:
            now = utc_now()
            units = arguments.get("units") or None
            year = office_day(now).year
            number = f"{year}-{uow.next_number(f'scheduling-report:{year}'):02d}"
            report = SchedulingReport.issue(
                number, title=arguments["title"], as_of=now,
                snapshot=tracking.scheduling_snapshot(uow.connection, now, units), at=now,
                actor=who)
            uow.save(report)
            return report.snapshot()

        return self._command("issue_scheduling_report", actor, fields,
                             contract.IssueSchedulingReport, "a scheduling report", decide,
                             roles.ACTORS, "issue a scheduling report")

    @rpc
    def scheduling_reports(self, actor: dict) -> dict:
        """The scheduling reports issued, the latest first (a unit officer sees his own line of
        each, a leader his linkage's units' lines)."""
        def read(uow: UnitOfWork, scope) -> dict:
            # the read model is newest first already (by the moment each report speaks of)
            return {"items": [_narrowed(report, scope) for report in
                              deliverable_views.scheduling_reports(uow.connection)]}

        return self._query("scheduling_reports", actor, read)

    @rpc
    def scheduling_report(self, actor: dict, report_id: str) -> dict:
        def read(uow: UnitOfWork, scope) -> dict:
            stream_id = report_id if report_id.startswith("scheduling:") else \
                scheduling.stream_id_for(report_id)
            report = uow.load(SchedulingReport, stream_id)
            if not report.exists:
                raise SchedulingReportNotFound(report_id)
            return _narrowed(report.snapshot(), scope)

        return self._query("scheduling_report", actor, read)

    # -- deliverables (工作节点) and summary reports (总结报告) ---------------------------------

    @rpc
    def schedule_deliverables(self, actor: dict, fields: dict) -> dict:
        """The action's deliverables of a campaign year, on the notice's dates (the office)."""
        def decide(uow: UnitOfWork, who: Actor, arguments: dict) -> dict:
            counties = arguments.get("counties")
            planned = deliverables.year_schedule(
                arguments["year"], departments=arguments["departments"] or (),
                counties=list(COUNTIES) if counties is None else counties)
            now, made = utc_now(), []
            for item in planned:
                deliverable = Deliverable.schedule(
                    item, at=now, actor=who, existing=uow.load(Deliverable, item.stream_id))
                uow.save(deliverable)
                made.append(deliverable.snapshot())
            return {"items": made}

        return self._command("schedule_deliverables", actor, fields, contract.ScheduleDeliverables,
                             "the schedule", decide, roles.ACTORS,
                             "schedule the action's deliverables")

    @rpc
    def deliverables(self, actor: dict, filters: dict | None = None) -> dict:
        """A year's deliverables (this year's unless named), each with its owners' deliveries;
        narrowed to the caller's units."""
        def read(uow: UnitOfWork, scope) -> dict:
            given = _filters(filters, contract.DeliverableFilters)
            year = int(given.get("year") or office_day(utc_now()).year)
            unit = given.get("unit")
            found = []
            # the read model's rows, by due date: the order the units owe them in
            for item in deliverable_views.deliverables(uow.connection, year):
                shown = _owned(item, scope)
                if shown["units"] and (unit is None or unit in shown["owners"]):
                    found.append(shown)
            return {"items": found}

        return self._query("deliverables", actor, read)

    @rpc
    def deliverable(self, actor: dict, deliverable_id: str) -> dict:
        def read(uow: UnitOfWork, scope) -> dict:
            item = uow.load(Deliverable, deliverable_id)
            shown = _owned(item.snapshot(), scope) if item.exists else None
            if shown is None or not shown["units"]:
                raise DeliverableNotFound(deliverable_id)
            return shown

        return self._query("deliverable", actor, read)

    @rpc
    def deliver(self, actor: dict, deliverable_id: str, fields: dict) -> dict:
        """A unit's delivery (its own officer, or the office for it), citing the entries or the
        document that show it."""
        def decide(uow: UnitOfWork, who: Actor, arguments: dict) -> dict:
            item = uow.load(Deliverable, deliverable_id)
            item.deliver(unit=arguments["unit"], at=utc_now(), actor=who,
                         evidence_seqs=arguments.get("seqs") or [],
                         document=arguments.get("document") or "",
                         note=arguments.get("note") or "")
            uow.save(item)
            return item.snapshot()

        return self._command("deliver", actor, fields, contract.DeliverDeliverable, "a delivery",
                             decide, roles.DELIVERERS, "record a deliverable's delivery")

    @rpc
    def act_on_delivery(self, actor: dict, deliverable_id: str, unit: str, action: str,
                        fields: dict) -> dict:
        """accept, send-back (with the reason): the office's review of a unit's delivery (or
        summary report); only an accepted one counts in the assessment."""
        who = Actor.from_dict(actor)
        if action not in contract.DELIVERY_ACTIONS:
            raise Refused.from_domain(UnknownCode("action", action,
                                                  sorted(contract.DELIVERY_ACTIONS)))
        command = contract.DELIVERY_ACTIONS[action]
        _may(who, "accept or send back a delivery", roles.OFFICE_ONLY)

        def decide(uow: UnitOfWork) -> dict:
            arguments = _arguments(fields, command.body, f"the {action} command on a delivery")
            item = uow.load(Deliverable, deliverable_id)
            getattr(item, command.method)(unit=unit, at=utc_now(), actor=who, **arguments)
            uow.save(item)
            return item.snapshot()

        return self.store.execute(f"{command.method}_delivery", decide)

    @rpc
    def receive_summary_report(self, actor: dict, fields: dict) -> dict:
        """A unit's summary report received (a delivery of the year's summary reports)."""
        def decide(uow: UnitOfWork, who: Actor, arguments: dict) -> dict:
            year = deliverables.campaign_year(arguments["year"])
            item = uow.load(Deliverable, deliverables.stream_id_for(
                year, DeliverableCode.SUMMARY_REPORTS.value))
            item.receive_summary_report(
                unit=arguments["unit"], title=arguments["title"], pages=arguments["pages"],
                document=arguments["document"], at=utc_now(), actor=who,
                evidence_seqs=arguments.get("seqs") or [])
            uow.save(item)
            return item.snapshot()

        return self._command("receive_summary_report", actor, fields, contract.ReceiveSummaryReport,
                             "a summary report", decide, roles.DELIVERERS,
                             "record a summary report received")


def _narrowed(report: dict, scope: set[str] | None) -> dict:
    """A scheduling report with only the lines of the units in scope."""
    if scope is None:
        return report
    return {**report, "units": roles.visible(scope, report["units"])}


def _owned(deliverable: dict, scope: set[str] | None) -> dict:
    """A deliverable with only the owners in scope."""
    if scope is None:
        return deliverable
    return {**deliverable, "units": roles.visible(scope, deliverable["units"])}


def _year_window(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The office's year: from its first moment to the next year's."""
    return start_of_office_day(dt.date(year, 1, 1)), start_of_office_day(dt.date(year + 1, 1, 1))


def ledger_size(connection) -> int:
    """The ledger as far as supervision has taken it in: the last seq tracking folded."""
    return tracking.ledger_read(connection)


def entry_seqs(connection, stream_id: str, type_: str) -> list[tuple[int, dict]]:
    """The ledger's entries of one of supervision's own streams, of one type: (seq, payload)."""
    return tracking.own_entries(connection, stream_id, type_)


class EvaluationRpc(Scoped):
    """Evaluation rounds (评议反馈): the office opens, the enterprises served rate, the office
    closes; results per unit with the seqs of the ratings."""

    @rpc
    def open_evaluation_round(self, actor: dict, fields: dict) -> dict:
        def decide(uow: UnitOfWork, who: Actor, arguments: dict) -> dict:
            now = utc_now()
            year = office_day(now).year
            round_id = f"evaluation-{year}-{uow.next_number(f'evaluation-round:{year}'):02d}"
            opened = EvaluationRound.open(round_id, at=now, actor=who, **arguments)
            uow.save(opened)
            return opened.snapshot()

        return self._command("open_evaluation_round", actor, fields, contract.OpenEvaluationRound,
                             "an evaluation round", decide, roles.ACTORS,
                             "open an evaluation round")

    def _round(self, uow: UnitOfWork, round_id: str) -> EvaluationRound:
        found = uow.load(EvaluationRound, round_id)
        if not found.exists:
            raise EvaluationRoundNotFound(round_id)
        return found

    @rpc
    def evaluation_rounds(self, actor: dict) -> dict:
        """The rounds, the latest first (anyone who reads supervision, and the enterprises)."""
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            scope = self._scope(uow.connection, who) if who.role != "enterprise" else None
            return {"items": [self._shown(snapshot, who, scope)
                              for snapshot in assessment_views.rounds(uow.connection)]}

        return self.store.query("evaluation_rounds", read)

    @staticmethod
    def _shown(snapshot: dict, who: Actor, scope: set[str] | None = None) -> dict:
        """A round as the caller is shown it (`disclosure.round_for`): an enterprise its own
        ratings, the office the raters too, anyone else the ratings of the units in scope
        without who gave them."""
        return disclosure.round_for(snapshot, role=who.role, uscc=who.uscc,
                                    units=scope if who.role == roles.UNIT_ROLE else None)

    @rpc
    def evaluation_round(self, actor: dict, round_id: str) -> dict:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            scope = self._scope(uow.connection, who) if who.role != "enterprise" else None
            return self._shown(self._round(uow, round_id).snapshot(), who, scope)

        return self.store.query("evaluation_round", read)

    @rpc
    def rate_evaluated_unit(self, actor: dict, round_id: str, fields: dict) -> dict:
        """An enterprise rates a unit that led one of its appeals, once in the round."""
        def decide(uow: UnitOfWork, who: Actor, arguments: dict) -> dict:
            found = self._round(uow, round_id)
            served = tracking.units_serving(uow.connection, who.uscc) if who.uscc else set()
            found.rate(uscc=who.uscc or "", served_by=served, at=utc_now(), actor=who,
                       **arguments)
            uow.save(found)
            return self._shown(found.snapshot(), who)

        return self._command("rate_evaluated_unit", actor, fields, contract.RateEvaluatedUnit,
                             "a rating", decide, (roles.RATER,), "rate a unit")

    @rpc
    def close_evaluation_round(self, actor: dict, round_id: str, fields: dict) -> dict:
        def decide(uow: UnitOfWork, who: Actor, arguments: dict) -> dict:
            found = self._round(uow, round_id)
            found.close(at=utc_now(), actor=who, **arguments)
            uow.save(found)
            return found.snapshot()

        return self._command("close_evaluation_round", actor, fields, contract.CloseEvaluationRound,
                             "closing a round", decide, roles.ACTORS,
                             "close the evaluation round")

    @rpc
    def evaluation_results(self, actor: dict, round_id: str) -> dict:
        """Per unit: ratings taken, mean marks, and the seqs of the ratings in the ledger."""
        def read(uow: UnitOfWork, scope) -> dict:
            found = self._round(uow, round_id)
            seqs: dict[str, list[int]] = {}
            for seq, payload in entry_seqs(uow.connection, round_id, "UnitRated"):
                seqs.setdefault(payload["unit"], []).append(seq)
            units = [{**line, "seqs": seqs.get(line["unit"], [])}
                     for line in found.results()]
            return {"round_id": round_id, "status": found.status,
                    "units": roles.visible(scope, units)}

        return self._query("evaluation_results", actor, read)


class AssessmentRpc(Scoped):
    """The year-end assessment: computed from tracking's facts and the round's ratings, read
    narrowed to the caller's units, its records, its exports."""

    @rpc
    def compute_assessment(self, actor: dict, fields: dict) -> dict:
        def decide(uow: UnitOfWork, who: Actor, arguments: dict) -> dict:
            year = accountability.campaign_year(arguments["year"])
            computed = self._assess(uow, year, arguments)
            record = uow.load(YearAssessment, accountability.stream_id(year))
            record.compute(computed, at=utc_now(), actor=who)
            uow.save(record)
            return record.snapshot()

        return self._command("compute_assessment", actor, fields, contract.ComputeAssessment,
                             "an assessment", decide, roles.ACTORS, "compute the assessment")

    @staticmethod
    def _assess(uow: UnitOfWork, year: int, arguments: dict) -> assessing.Assessment:
        connection = uow.connection
        since, until = _year_window(year)
        as_of = min(utc_now(), until)
        appeals = tracking.appeal_facts(connection, since, until)
        received: dict[str, list[tuple[str, int]]] = {}
        for step in tracking.supervision_received(connection, since=since, until=until):
            received.setdefault(step.unit, []).append((step.step, step.seq))
        prefix = f"{deliverables.STREAM_TYPE}:{year}:"
        # A delivery is the unit's declaration: it counts once the office has accepted it.
        accepted = tracking.accepted_deliveries(connection, year)
        owed = [m if (m.stream_id, m.unit) in accepted else dataclasses.replace(m, done_at=None)
                for m in tracking.matters(connection, kind=facts.DELIVERABLE)
                if m.stream_id.startswith(prefix)]
        ratings = []
        if arguments.get("round_id"):
            for seq, p in entry_seqs(connection, arguments["round_id"], "UnitRated"):
                ratings.append(assessing.RoundRating(p["unit"], p["uscc"], p["work_done"],
                                                     p["problems_fixed"], seq))
        # notice 三(二): every county, zone and city department is assessed — one with no
        # appeal too (unscored) — under its registered name; a unit the facts name that the
        # register does not hold is assessed under its code.
        register = tracking.units(connection, kinds=(
            tracking.COUNTY, tracking.ZONE, tracking.CITY_DEPARTMENT))
        named = tracking.units(connection)
        units = arguments.get("units") or sorted(
            set(register) | {a.unit for a in appeals} | set(received) | {m.unit for m in owed}
            | {r.unit for r in ratings})
        scoring = assessing.Scoring.of(arguments.get("weights"),
                                       arguments.get("satisfaction_floor"))
        return assessing.assess({unit: named.get(unit, unit) for unit in units}, appeals,
                                received, owed, ratings, as_of=as_of, year=year,
                                scoring=scoring)

    def _year(self, uow: UnitOfWork, year) -> YearAssessment:
        found = uow.load(YearAssessment, accountability.stream_id(int(year)))
        if not found.exists or found.snapshot_ is None:
            raise AssessmentNotFound(str(year))
        return found

    @staticmethod
    def _own_unit(uow: UnitOfWork, who: Actor, year) -> str | None:
        """The unit whose figures alone the caller is shown (a unit officer's), None for every
        unit (the office, the group, a registered leader); refused for anyone else, and a leader
        the ledger knows of no linkage for sees no assessment at all."""
        if who.role in roles.READERS_OF_ALL:
            return None
        if who.role == roles.UNIT_ROLE:
            return who.unit
        if who.role == roles.LEADER_ROLE:
            if tracking.known_leader(uow.connection, who.sub):
                return None
            raise AssessmentNotFound(str(year))
        raise Refused.from_domain(roles.SupervisionRoleNotAllowed(
            who.role, "read the assessment",
            (*roles.READERS_OF_ALL, roles.UNIT_ROLE, roles.LEADER_ROLE)))

    def _read(self, name: str, actor: dict, year, answer):
        """`answer(uow, found, unit)`: the caller's reach found before the year is read."""
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork):
            unit = self._own_unit(uow, who, year)
            return answer(uow, self._year(uow, year), unit)
        return self.store.query(name, read)

    @staticmethod
    def _disclosed(found: YearAssessment, unit: str | None) -> dict:
        """The year's snapshot as shown: whole, or a unit officer's own (`disclosure`)."""
        computed = found.snapshot()
        if unit is None:
            return computed
        return {**computed,
                "assessment": disclosure.own_assessment(computed["assessment"], unit,
                                                        found.published),
                "records": disclosure.own_records(computed["records"], unit)}

    @rpc
    def assessment(self, actor: dict, year: int) -> dict:
        """The assessment: each unit's figures with their seqs, score and place (a unit
        officer his own unit's, with its rank among all, and the ranking once published)."""
        return self._read("assessment", actor, year,
                          lambda uow, found, unit: self._disclosed(found, unit))

    @rpc
    def assessment_ranking(self, actor: dict, year: int) -> dict:
        def answer(uow, found, unit):
            shown = self._disclosed(found, unit)["assessment"]
            if unit is not None:
                return {"year": found.year, "items": shown["ranking"],
                        "published": found.published is not None}
            of = disclosure.ranked_count(shown["units"])
            return {"year": found.year, "items": [disclosure.placed(u, of)
                                                  for u in shown["units"]],
                    "published": found.published is not None}
        return self._read("assessment_ranking", actor, year, answer)

    @rpc
    def assessment_records(self, actor: dict, year: int) -> dict:
        def answer(uow, found, unit):
            return {"year": found.year, "items": self._disclosed(found, unit)["records"]}
        return self._read("assessment_records", actor, year, answer)

    @rpc
    def act_on_assessment(self, actor: dict, year: int, action: str, fields: dict) -> dict:
        """commend, admonish, hold-accountable, refer: each record citing ledger seqs; publish
        the ranking (the office)."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            if action not in contract.ASSESSMENT_ACTIONS:
                raise UnknownCode("action", action, sorted(contract.ASSESSMENT_ACTIONS))
            command = contract.ASSESSMENT_ACTIONS[action]
            arguments = _arguments(fields, command.body, f"the {action} command")
            found = uow.load(YearAssessment, accountability.stream_id(int(year)))
            found._check(command.method, who)
            if command.method in ("admonish", "refer"):
                arguments["ledger_size"] = ledger_size(uow.connection)
            getattr(found, command.method)(at=utc_now(), actor=who, **arguments)
            uow.save(found)
            records = found.snapshot()["records"]
            return {"year": found.year, "items": records, "published": found.published}

        return self.store.execute(f"{action}_assessment", decide)

    def _snapshot(self, uow: UnitOfWork, found: YearAssessment,
                  unit: str | None = None) -> "report.Snapshot":
        shown = self._disclosed(found, unit)
        records = [r for r in report_records(shown["records"])
                   if unit is None or r["unit"] == unit]
        made = report.from_assessment(shown["assessment"], records=records,
                                      ledger_size=ledger_size(uow.connection))
        if unit is None:
            return made
        own = next(iter(shown["assessment"]["units"]), None)
        if own is None or own.get("rank") is None:
            where = "本单位未计分"
        else:
            where = f"本单位综合排名第{own['rank']}名,共{own['of']}个单位参加排名"
        return dataclasses.replace(made, title=f"{made.heading}({where})")

    @rpc
    def assessment_dashboard(self, actor: dict, year: int) -> dict:
        """The dashboard's JSON (`report.dashboard`): every unit for the office, the group and
        the leaders; a unit officer's own, each line with the count it is ranked among."""
        def answer(uow, found, unit):
            made = report.dashboard(self._snapshot(uow, found, unit))
            if unit is not None:
                of = disclosure.ranked_count(found.snapshot_["units"])
                made["ranking"] = [{**line, "of": of} for line in made["ranking"]]
            return made
        return self._read("assessment_dashboard", actor, year, answer)

    @rpc
    def start_assessment_export(self, actor: dict, year: int, fmt: str) -> dict:
        """The assessment's .xlsx or .pdf rendered as a job (its view): the caller's reach is
        found and the snapshot read now, the rendering done apart."""
        who = Actor.from_dict(actor)
        snapshot = self._read("start_assessment_export", actor, year,
                              lambda uow, found, unit: self._snapshot(uow, found, unit))
        with self.store.engine.begin() as connection:
            job_id = jobs.create(connection, jobs.EXPORT, who, {"year": int(year), "format": fmt},
                                 total=1, prefix=EXPORT_JOB)
        engine = self.store.engine

        def work():
            jobs.running(engine, job_id)
            try:
                name, media_type, data = offload.run(report.render, snapshot, fmt)
            except Exception as exc:  # noqa: BLE001 - the job says it failed, and why
                log.exception("export job failed", job=job_id)
                jobs.failed(engine, job_id, f"{type(exc).__name__}: {exc}")
                return
            jobs.finished(engine, job_id, result=data, filename=name, media_type=media_type,
                          display_name=report.display_name(snapshot, fmt), done=1)

        self.runner.spawn(work, f"export:{job_id}")
        return self.store.read(lambda c: jobs.view(c, who, job_id))

    @rpc
    def export_job(self, actor: dict, job_id: str) -> dict:
        """An export job's status and progress (its starter's, or anyone's for oversight)."""
        who = Actor.from_dict(actor)
        return self.store.query("export_job", lambda uow: jobs.view(uow.connection, who, job_id))

    @rpc
    def export_job_result(self, actor: dict, job_id: str, offset: int = 0) -> dict:
        """A piece of a done export's file from `offset` (base64), and where the next begins."""
        who = Actor.from_dict(actor)
        return self.store.query("export_job_result", lambda uow: jobs.result_chunk(
            uow.connection, who, job_id, offset))

    @rpc
    def assessment_export(self, actor: dict, year: int, fmt: str) -> dict:
        """The assessment as .xlsx or .pdf: {filename, display_name, media_type, base64},
        rendered off the hub (a unit officer's holds his own unit only)."""
        def answer(uow, found, unit):
            return self._snapshot(uow, found, unit)
        snapshot = self._read("assessment_export", actor, year, answer)
        name, media_type, data = offload.run(report.render, snapshot, fmt)
        return {"filename": name, "display_name": report.display_name(snapshot, fmt),
                "media_type": media_type, "base64": _b64(data)}


def report_records(records: list[dict]) -> list[dict]:
    """The records as the report lists them: one line per unit commended, one per other
    record, each with its seqs."""
    lines = []
    for record in records:
        if record["kind"] == "commendation":
            lines += [{"kind": "commendation", "unit": u["unit"], "person": None,
                       "note": record.get("note") or f"第{u['rank']}名", "seqs": u["seqs"]}
                      for u in record["units"]]
        else:
            lines.append({"kind": record["kind"], "unit": record["unit"],
                          "person": record.get("person"),
                          "note": record.get("reason") or record.get("note") or "",
                          "seqs": record["seqs"]})
    return lines


class AssessmentNotFound(NoSuch):
    rule = "assessment_not_found"
    template, at = "no assessment of {id} has been computed", "year"


class SupervisionRpc(CasesRpc, RecordsRpc, EvaluationRpc, AssessmentRpc):
    """Every supervision entrypoint: the one mixin AuditService takes."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")

