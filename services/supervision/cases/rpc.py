"""The ladder's RPC entrypoints (督查, a mixin of SupervisionService, notice 二(五)1): the
supervision cases and their notices, the ladder's thresholds, and its sweep (on a timer, or the
office's now). Commands load, decide (the aggregate checks the rules) and append on supervision's
own store; reads answer from the cases' read model, narrowed to the caller's units
(`services.supervision.access`).

Needs the service's `store` (EventSourcing).
"""
from __future__ import annotations

import datetime as dt
import os

import structlog

from kernel.actor import SYSTEM, Actor
from kernel.envelope import utc_now
from kernel.errors import UnknownCode
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from kernel.watch import watch
from services.supervision import access as roles
from services.supervision import facts, scoped
from services.supervision.cases import contract, ladder, sweep, views
from services.supervision.cases.domain import SupervisionCase
from services.supervision.cases.exceptions import CaseNotFound
from services.supervision.deliverables.domain import Deliverable
from services.supervision.scoped import Scoped
from services.supervision.tracking import views as tracking

log = structlog.get_logger(__name__)

SWEEP_INTERVAL = "HUIQI_SUPERVISION_SWEEP_INTERVAL"


def sweep_interval() -> float:
    """Seconds between the ladder's sweeps (every five minutes unless configured)."""
    return float(os.environ.get(SWEEP_INTERVAL, "300"))


class CasesRpc(Scoped):
    """The ladder's cases and notices, its thresholds and its sweep."""

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
            arguments = scoped.arguments(fields, command.body, f"the {action} command on a case")
            case = self._case(uow, who, case_id)
            getattr(case, command.method)(at=utc_now(), actor=who, **arguments)
            uow.save(case)
            return case.snapshot()

        return self.store.execute(f"{action}_supervision_case", decide)

    @rpc
    def supervision_cases(self, actor: dict, filters: dict | None = None) -> dict:
        """The cases the caller may read, the latest opened first."""
        def read(uow: UnitOfWork, scope) -> dict:
            given = scoped.filters(filters, contract.SupervisionCaseFilters)
            step = given.get("step")
            if step is not None and step not in ladder.Step.codes():
                raise UnknownCode("step", step, ladder.Step.codes())
            return {"items": views.cases(uow.connection, unit=given.get("unit"), step=step,
                                         open=scoped.flag(given.get("open")), units=scope)}

        return self._query("supervision_cases", actor, read)

    @rpc
    def supervision_notices(self, actor: dict, filters: dict | None = None) -> dict:
        """The supervision notices issued (督查通知书), by answer-by date; a unit officer sees his
        own unit's, a leader his linkage's units'."""
        def read(uow: UnitOfWork, scope) -> dict:
            given = scoped.filters(filters, contract.SupervisionNoticeFilters)
            found = views.notices(uow.connection, unit=given.get("unit"),
                                  answered=scoped.flag(given.get("answered")))
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
        who = scoped.may(Actor.from_dict(actor), "run the supervision sweep")
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

