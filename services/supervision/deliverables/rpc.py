"""The deliverables' RPC entrypoints (a mixin of SupervisionService, notice 二(五)1): scheduling
reports (调度通报), the action's deliverables (工作节点) and summary reports (总结报告), and the
office's review of a delivery. Commands load, decide (the aggregate checks the rules) and append
on supervision's own store; reads answer from the read models, narrowed to the caller's units
(`services.supervision.access`).

Needs the service's `store` (EventSourcing).
"""
from __future__ import annotations

from kernel.actor import Actor
from kernel.campaign import COUNTIES
from kernel.clock import office_day
from kernel.envelope import utc_now
from kernel.errors import NoSuch, Refused, UnknownCode
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from services.supervision import access as roles
from services.supervision import scoped
from services.supervision.deliverables import contract, scheduling
from services.supervision.deliverables import domain as deliverables
from services.supervision.deliverables import views as deliverable_views
from services.supervision.deliverables.domain import Deliverable, DeliverableCode
from services.supervision.deliverables.rules import DELIVERERS, DeliverableNotFound
from services.supervision.deliverables.scheduling import SchedulingReport
from services.supervision.scoped import Scoped
from services.supervision.tracking import views as tracking


class SchedulingReportNotFound(NoSuch):
    rule = "scheduling_report_not_found"
    template, at = "no scheduling report {id}", "report_id"


class DeliverablesRpc(Scoped):
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
            given = scoped.filters(filters, contract.DeliverableFilters)
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
                             decide, DELIVERERS, "record a deliverable's delivery")

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
        scoped.may(who, "accept or send back a delivery", roles.OFFICE_ONLY)

        def decide(uow: UnitOfWork) -> dict:
            arguments = scoped.arguments(fields, command.body, f"the {action} command on a delivery")
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
                             "a summary report", decide, DELIVERERS,
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

