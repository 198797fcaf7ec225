"""An enterprise's production and operation in a month (企业生产经营情况), as the liaison officer
of its city leader reports it. notice 三(一)2

The cadres the office appoints liaison officers (联络员) for a city leader's enterprises report
how those enterprises produce: an officer files, for an enterprise on his leader's list as the
linkage stands, one report per month (the report's id derives from the enterprise and the
month, so a second is refused, `one_report_per_enterprise_month`): its figures — output value
(产值), revenue (营业收入) and tax (税收) in 万元, employees (从业人员) in persons, each 0 or more,
each may be left out — its production status (正常, 部分停产, 停产) and the problems it has. A
correction is an amendment, with its reason: the report as it now stands and what was corrected,
so supervision reads either fact alone.

Events (stream `operation_report`, id `<uscc>-<YYYY-MM>`):
- OperationReportFiled {uscc, enterprise_name, county, park, period, leader_id, cadre_id,
  figures: {output_value, revenue, tax, employees}, production_status, problems}
- OperationReportAmended {uscc, period, leader_id, cadre_id, reason, corrections: [{field, was,
  now}], figures, production_status, problems}

Plain Python, no I/O: state changes only in the `when_<Fact>` methods.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.envelope import format_time
from services.liaison.fieldwork.events import EVENTS
from services.liaison.fieldwork import rules
from services.liaison.fieldwork.domain import inputs
from services.liaison.fieldwork.exceptions import NothingAmended
from services.liaison.fieldwork.vocabulary import (
    OPERATION_FIGURES, OPERATION_FIGURES_IN_PERSONS, OperationReportProductionStatus,
    OperationReportStatus,
)


def report_id_for(uscc, period) -> str:
    """The one report of an enterprise for a month: `<uscc>-<YYYY-MM>`."""
    return f"{checks.credit_code(uscc)}-{inputs.month('period', period)}"


def report_figures(values: Mapping) -> dict:
    """Every figure, None where not given."""
    return {name: inputs.figure(name, values.get(name),
                                whole=name in OPERATION_FIGURES_IN_PERSONS)
            for name in OPERATION_FIGURES}


class OperationReport(Aggregate):
    events = EVENTS
    stream_type = "operation_report"

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.status: str | None = None
        self.uscc: str | None = None
        self.enterprise_name: str | None = None
        self.county: str | None = None
        self.park: str | None = None
        self.period: str | None = None
        self.leader_id: str | None = None
        self.cadre_id: str | None = None
        self.filed_by: str | None = None
        self.filed_at: str | None = None
        self.figures: dict = {}
        self.production_status: str | None = None
        self.problems: str = ""
        self.amendments: list[dict] = []

    @classmethod
    def file(cls, *, uscc, period, production_status, output_value=None, revenue=None,
             tax=None, employees=None, problems: str | None = "", enterprise: Mapping,
             officer: Mapping | None, leader_linkage: Mapping | None, at: dt.datetime,
             actor: Actor, existing: "OperationReport | None" = None) -> "OperationReport":
        """A liaison officer's report for one month of an enterprise on his leader's list:
        `enterprise` is the register's row (name, county, park), `officer` the actor's
        appointment (None: not appointed), `leader_linkage` his leader's linkage as it stands,
        `existing` the report of that enterprise and month as loaded (a second is refused)."""
        at = checks.moment(at)
        rule = rules.OPERATION_REPORT_RULES["file"]
        rule.check_role(actor)
        uscc = checks.credit_code(uscc)
        report = cls(report_id_for(uscc, period))
        if existing is not None and existing.id != report.id:
            raise ValueError(f"existing is report {existing.id}, not {report.id}")
        leader_id = rules.check_on_leaders_list(uscc, actor, officer, leader_linkage)
        rule.check(existing or report, actor, leader_id)
        period = inputs.past_month("period", period, at)
        report._record_fact("OperationReportFiled", {
            "uscc": uscc,
            "enterprise_name": checks.text("enterprise_name", enterprise.get("name"),
                                           inputs.NAME_LIMIT),
            "county": enterprise.get("county"),
            "park": enterprise.get("park"),
            "period": period,
            "leader_id": leader_id,
            "cadre_id": actor.sub,
            "figures": report_figures({"output_value": output_value, "revenue": revenue,
                                       "tax": tax, "employees": employees}),
            "production_status": checks.code("production_status", production_status,
                                             OperationReportProductionStatus).value,
            "problems": checks.optional_text("problems", problems, inputs.TEXT_LIMIT),
        }, at, actor)
        return report

    def amend(self, *, reason: str, production_status=None, output_value=None, revenue=None,
              tax=None, employees=None, problems: str | None = None, officer_leader: str | None,
              at: dt.datetime, actor: Actor) -> list[Fact]:
        """A correction by a liaison officer of the report's leader (`officer_leader`: the
        leader the actor serves): what is given replaces what was reported (problems given as
        "" are cleared), what is left out stands."""
        at = checks.moment(at)
        rules.OPERATION_REPORT_RULES["amend"].check(self, actor, officer_leader)
        reason = checks.text("reason", reason, inputs.TEXT_LIMIT)
        given = {"output_value": output_value, "revenue": revenue, "tax": tax,
                 "employees": employees}
        figures = {**self.figures, **{name: value for name, value in report_figures(
            given).items() if given[name] is not None}}
        status = (checks.code("production_status", production_status,
                              OperationReportProductionStatus).value
                  if production_status is not None else self.production_status)
        problems = (checks.optional_text("problems", problems, inputs.TEXT_LIMIT)
                    if problems is not None else self.problems)
        corrections = [{"field": name, "was": self.figures.get(name), "now": figures[name]}
                       for name in OPERATION_FIGURES if figures[name] != self.figures.get(name)]
        for name, was, now in (("production_status", self.production_status, status),
                               ("problems", self.problems, problems)):
            if now != was:
                corrections.append({"field": name, "was": was, "now": now})
        if not corrections:
            raise NothingAmended()
        return [self._record_fact("OperationReportAmended", {
            "uscc": self.uscc, "period": self.period, "leader_id": self.leader_id,
            "cadre_id": actor.sub, "reason": reason, "corrections": corrections,
            "figures": figures, "production_status": status, "problems": problems,
        }, at, actor)]

    # -- facts applied --

    def when_OperationReportFiled(self, fact: Fact) -> None:
        p = fact.payload
        self.status = OperationReportStatus.FILED.value
        self.uscc, self.enterprise_name = p["uscc"], p["enterprise_name"]
        self.county, self.park = p["county"], p["park"]
        self.period, self.leader_id, self.cadre_id = p["period"], p["leader_id"], p["cadre_id"]
        self.filed_by = fact.actor
        self.filed_at = format_time(fact.occurred_at)
        self._stands(p)

    def when_OperationReportAmended(self, fact: Fact) -> None:
        p = fact.payload
        self.status = OperationReportStatus.AMENDED.value
        self._stands(p)
        self.amendments.append({"reason": p["reason"], "corrections": list(p["corrections"]),
                                "by": fact.actor, "at": format_time(fact.occurred_at)})

    def _stands(self, payload: dict) -> None:
        self.figures = dict(payload["figures"])
        self.production_status = payload["production_status"]
        self.problems = payload["problems"]

    def snapshot(self) -> dict:
        return {"id": self.id, "version": self.version, "status": self.status,
                "uscc": self.uscc, "enterprise_name": self.enterprise_name,
                "county": self.county, "park": self.park, "period": self.period,
                "leader_id": self.leader_id, "cadre_id": self.cadre_id,
                "filed_by": self.filed_by, "filed_at": self.filed_at,
                "figures": dict(self.figures), "production_status": self.production_status,
                "problems": self.problems,
                "amended_at": self.amendments[-1]["at"] if self.amendments else None,
                "amendments": [dict(a) for a in self.amendments]}
