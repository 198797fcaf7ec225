"""The field work's RPC entrypoints (a mixin of LiaisonService), notice 二(三): surveys, help
plans, visits and their problems, consultations and matchmaking, the liaison officers' monthly
operation reports (notice 三(一)2); the timer that marks late
surveys and help plans overdue; the reactions that show on a visit the appeals raised from it.

Each command loads, decides (the aggregate checks the rules) and appends; the names it is given
(units, parks, leaders, enterprises) are checked against the register (`registry.views`) first,
and the enterprise's name and county on a visit are the register's. Reads answer from the read
models (`views`), narrowed by what the caller may see (`access`): a leader and his liaison
officers by his list (`linkage.reach`). A visit is recorded only of an enterprise of its
leader's list, by those `access.check_visit_recorder` names.
"""
from __future__ import annotations

import uuid

import structlog
from nameko.timer import timer

from kernel import checks, settings
from kernel.actor import SYSTEM, Actor
from kernel.clock import office_day
from kernel.database import exclusive_turn
from kernel.dependencies import Reactions
from kernel.envelope import utc_now
from kernel.errors import NotAList, Refused, UnknownCode
from kernel.listing import given
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from kernel.wire import body_fields, command_fields, perform, saved
from services.liaison.fieldwork import access, contract, reactions, views
from services.liaison.fieldwork.domain.activities import Activity, Consultation, Matchmaking
from services.liaison.fieldwork.exceptions import (
    ActivityNotFound, HelpPlanNotFound, OperationReportNotFound, SurveyNotFound,
    UnknownEnterprise, UnknownLeader, UnknownPark, UnknownUnit, VisitNotFound,
)
from services.liaison.fieldwork.domain.help_plan import HelpPlan
from services.liaison.fieldwork.domain.operation_report import OperationReport, report_id_for
from services.liaison.fieldwork.domain.survey import Survey
from services.liaison.fieldwork.domain.visit import Visit
from services.liaison.linkage import views as linkage_views
from services.liaison.registry import views as registry

log = structlog.get_logger(__name__)

# The advisory lock one replica holds while it marks late surveys and help plans (the kernel's
# are 7201001-7201004, the tickets' deadline watch 7201005, the policy watch 7201006).
FIELDWORK_WATCH_LOCK = 7201007
# The working group whose members review help plans (入企帮扶组).
REVIEWING_GROUP = "enterprise_help"
# A county leader visits the enterprises of his own county (notice 三(一)1).
COUNTY_RANK = "county"


# -- the register --------------------------------------------------------------------------------

def _unit(connection, code, field: str = "unit") -> None:
    if isinstance(code, str) and code.strip() and registry.unit(connection, code.strip()) is None:
        raise UnknownUnit(field, code)


def _park(connection, park) -> None:
    if isinstance(park, str) and park.strip() and registry.park(connection, park.strip()) is None:
        raise UnknownPark(park)


def _leader(connection, leader_id) -> None:
    if (isinstance(leader_id, str) and leader_id.strip()
            and registry.leader(connection, leader_id.strip()) is None):
        raise UnknownLeader(leader_id)


# -- the linkage (same database): a department's park, the leaders linked there ----------------

def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _department_park(connection, unit) -> str | None:
    """The park the city department is linked to, if any."""
    unit = _text(unit)
    return linkage_views.department_park(connection, unit) if unit else None


def _park_leaders(connection, park: str | None) -> dict[str, str]:
    """The city leaders whose linkage, as it stands, is in the park (leader id → rank): a top
    leader whose one park it is, a leader with an enterprise there (as the register has it)."""
    if park is None:
        return {}
    in_park = {row["uscc"] for row in registry.enterprises(connection, park=park)}
    return {row["leader_id"]: row["rank"] for row in linkage_views.linkages(connection)
            if row.get("park") == park or in_park.intersection(row["enterprises"])}


def _leader_linkage(connection, leader_id) -> dict | None:
    leader_id = _text(leader_id)
    return linkage_views.linkage(connection, leader_id) if leader_id else None


def _appointment(connection, who: Actor) -> dict | None:
    """A liaison officer's appointment {cadre_id, leader_id, …}; None for anyone else."""
    return linkage_views.officer(connection, who.sub) if who.role == "liaison" else None


def _officer_leader(connection, who: Actor) -> str | None:
    """The leader a liaison officer serves, if he is appointed."""
    found = _appointment(connection, who)
    return found["leader_id"] if found else None


def _reach(connection, who: Actor):
    """A leader's or liaison officer's list; nothing for anyone else."""
    return linkage_views.reach_of(connection, who)


def _check_visit(connection, who: Actor, *, leader_id, uscc, units, doing: str) -> None:
    """The visit is of an enterprise of its leader's list, recorded by one who may (`access`).
    A leader or units missing or misshapen are left for the aggregate to name."""
    leader_id = _text(leader_id)
    if leader_id is None:
        return
    units = [unit.strip() for unit in units if isinstance(unit, str)] \
        if isinstance(units, list) else []
    reach = linkage_views.leader_reach(connection, leader_id)
    # his park, or the park of the enterprise of his list visited (a city leader links no park
    # of his own, but the departments linked to where his enterprises are go with him)
    parks = {reach.park} - {None}
    if reach.covers(uscc):
        parks |= {(registry.enterprise(connection, uscc) or {}).get("park")} - {None}
    park_departments = [row["unit"] for row in linkage_views.department_parks(connection)
                        if row["park"] in parks]
    leader = registry.leader(connection, leader_id) or {}
    home_county = leader.get("county") if leader.get("rank") == COUNTY_RANK else None
    access.check_visit_recorder(who, leader_id=leader_id, uscc=uscc, units=units,
                                leader_reach=reach, officer_leader=_officer_leader(
                                    connection, who),
                                park_departments=park_departments, doing=doing,
                                home_county=home_county,
                                enterprise_county=(registry.enterprise(connection, uscc)
                                                   or {}).get("county"))


def _enterprise(connection, uscc, field: str = "uscc") -> dict:
    code = checks.credit_code(uscc, field)
    found = registry.enterprise(connection, code)
    if found is None:
        raise UnknownEnterprise(code, field)
    return found


def _enterprises(connection, values, field: str = "enterprises") -> None:
    if isinstance(values, (list, tuple)):
        for n, value in enumerate(values):
            _enterprise(connection, value, f"{field}[{n}]")


def _filters(filters, known) -> dict:
    return given(filters, {name: name for name in known})


class FieldworkRpc:
    visit_appeals = Reactions(reactions.CONSUMER, reactions.SUBSCRIPTIONS)

    # -- surveys (调研) ------------------------------------------------------------------------

    @rpc
    def require_survey(self, actor: dict, fields: dict) -> dict:
        """The office requires a department's survey of the park it is linked to, reported to
        a city leader linked to that park (the linkage's read models, same database)."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            arguments = body_fields(fields, contract.RequireSurvey, "requiring a survey")
            _unit(uow.connection, arguments["unit"])
            _park(uow.connection, arguments.get("park"))
            _leader(uow.connection, arguments.get("leader_id"))
            linked_park = _department_park(uow.connection, arguments["unit"])
            survey = Survey.require(str(uuid.uuid4()), at=utc_now(), actor=who,
                                    linked_park=linked_park,
                                    park_leaders=_park_leaders(uow.connection, linked_park),
                                    **arguments)
            return saved(uow, survey)

        return self.store.execute("require_survey", decide)

    @rpc
    def act_on_survey(self, actor: dict, survey_id: str, action: str, fields: dict) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            method, arguments = command_fields(contract.SURVEY_ACTIONS, action, fields,
                                               "a survey")
            survey = uow.load(Survey, survey_id)
            if not survey.exists or not access.may_read_report(
                    who, survey.snapshot(), _reach(uow.connection, who)):
                raise SurveyNotFound(survey_id)
            _enterprises(uow.connection, arguments.get("enterprises"))
            return perform(uow, survey, method, arguments, who)

        return self.store.execute(f"{action}_survey", decide)

    @rpc
    def get_survey(self, actor: dict, survey_id: str) -> dict:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            found = views.survey(uow.connection, survey_id)
            if found is None or not access.may_read_report(who, found,
                                                           _reach(uow.connection, who)):
                raise SurveyNotFound(survey_id)
            return found

        return self.store.query("get_survey", read)

    @rpc
    def list_surveys(self, actor: dict, filters: dict | None = None) -> dict:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            reach = _reach(uow.connection, who)
            return {"items": [item for item in views.surveys(uow.connection, **_filters(
                filters, contract.SURVEY_FILTERS)) if access.may_read_report(who, item, reach)]}

        return self.store.query("list_surveys", read)

    # -- help plans (帮扶方案) -----------------------------------------------------------------

    @rpc
    def require_help_plan(self, actor: dict, fields: dict) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            arguments = body_fields(fields, contract.RequireHelpPlan, "requiring a help plan")
            _unit(uow.connection, arguments["unit"])
            _leader(uow.connection, arguments["leader_id"])
            plan = HelpPlan.require(
                str(uuid.uuid4()), at=utc_now(), actor=who,
                leader_linkage=_leader_linkage(uow.connection, arguments["leader_id"]),
                **arguments)
            return saved(uow, plan)

        return self.store.execute("require_help_plan", decide)

    @rpc
    def act_on_help_plan(self, actor: dict, plan_id: str, action: str, fields: dict) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            method, arguments = command_fields(contract.HELP_PLAN_ACTIONS, action, fields,
                                               "a help plan")
            plan = uow.load(HelpPlan, plan_id)
            reviewing = who.role == "unit_officer" and method == "review"
            if not plan.exists or not (reviewing or access.may_read_report(
                    who, plan.snapshot(), _reach(uow.connection, who))):
                raise HelpPlanNotFound(plan_id)
            if method == "review":
                arguments["group_units"] = registry.working_group_units(uow.connection,
                                                                        REVIEWING_GROUP)
            return perform(uow, plan, method, arguments, who)

        return self.store.execute(f"{action}_help_plan", decide)

    @rpc
    def get_help_plan(self, actor: dict, plan_id: str) -> dict:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            found = views.help_plan(uow.connection, plan_id)
            if found is None or not self._may_read_plan(uow, who, found):
                raise HelpPlanNotFound(plan_id)
            return found

        return self.store.query("get_help_plan", read)

    @rpc
    def list_help_plans(self, actor: dict, filters: dict | None = None) -> dict:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            reach = _reach(uow.connection, who)
            return {"items": [item for item in views.help_plans(uow.connection, **_filters(
                filters, contract.HELP_PLAN_FILTERS)) if self._may_read_plan(uow, who, item,
                                                                             reach)]}

        return self.store.query("list_help_plans", read)

    @staticmethod
    def _may_read_plan(uow: UnitOfWork, who: Actor, plan: dict, reach=None) -> bool:
        """A reviewer of the enterprise_help group reads the plans it reviews."""
        reach = reach if reach is not None else _reach(uow.connection, who)
        return access.may_read_report(who, plan, reach) or (
            who.role == "unit_officer" and plan["status"] != "required"
            and who.unit in registry.working_group_units(uow.connection, REVIEWING_GROUP))

    # -- visits (走访) -------------------------------------------------------------------------

    @rpc
    def record_visit(self, actor: dict, fields: dict) -> dict:
        """A visit as it happened; each problem found becomes an appeal (the tickets service
        reacts to `VisitProblemFound`)."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            arguments = body_fields(fields, contract.RecordVisit, "a visit")
            problems = arguments.pop("problems", None) or []
            if not isinstance(problems, list):
                raise NotAList("problems")
            _leader(uow.connection, arguments["leader_id"])
            for n, unit in enumerate(arguments.get("units") or []):
                _unit(uow.connection, unit, f"units[{n}]")
            enterprise = _enterprise(uow.connection, arguments["uscc"])
            _check_visit(uow.connection, who, leader_id=arguments["leader_id"],
                         uscc=enterprise["uscc"], units=arguments.get("units") or [],
                         doing="record a visit")
            now = utc_now()
            visit = Visit.record(str(uuid.uuid4()), at=now, actor=who,
                                 enterprise_name=enterprise["name"],
                                 county=enterprise["county"], **arguments)
            for n, problem in enumerate(problems):
                self._find_problem(visit, problem, now, who, f"problems[{n}]")
            return saved(uow, visit)

        return self.store.execute("record_visit", decide)

    @staticmethod
    def _find_problem(visit: Visit, problem, at, who: Actor, context: str) -> None:
        arguments = body_fields(problem, contract.VisitProblemReport, context, field=context)
        visit.find_problem(problem_id=str(uuid.uuid4()), at=at, actor=who, **arguments)

    @rpc
    def add_visit_problem(self, actor: dict, visit_id: str, fields: dict) -> dict:
        """A problem found on a visit, recorded after it: it becomes an appeal."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            visit = uow.load(Visit, visit_id)
            if not visit.exists or not access.may_read_visit(who, visit.snapshot(),
                                                             _reach(uow.connection, who)):
                raise VisitNotFound(visit_id)
            _check_visit(uow.connection, who, leader_id=visit.leader_id, uscc=visit.uscc,
                         units=visit.units, doing="record a visit's problem")
            self._find_problem(visit, fields, utc_now(), who, "a visit's problem")
            return saved(uow, visit)

        return self.store.execute("add_visit_problem", decide)

    def _visit(self, uow: UnitOfWork, who: Actor, visit_id: str) -> dict:
        found = views.visit(uow.connection, visit_id)
        if found is None or not access.may_read_visit(who, found, _reach(uow.connection, who)):
            raise VisitNotFound(visit_id)
        return found

    @rpc
    def get_visit(self, actor: dict, visit_id: str) -> dict:
        """The visit, its problems and the appeals raised from them with their status."""
        who = Actor.from_dict(actor)
        return self.store.query("get_visit", lambda uow: self._visit(uow, who, visit_id))

    @rpc
    def visit_problems(self, actor: dict, visit_id: str) -> dict:
        who = Actor.from_dict(actor)
        return self.store.query("visit_problems", lambda uow: {
            "items": self._visit(uow, who, visit_id)["problems"]})

    @rpc
    def list_visits(self, actor: dict, filters: dict | None = None) -> dict:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            reach = _reach(uow.connection, who)
            return {"items": [item for item in views.visits(uow.connection, **_filters(
                filters, contract.VISIT_FILTERS)) if access.may_read_visit(who, item, reach)]}

        return self.store.query("list_visits", read)

    # -- operation reports (企业生产经营情况, notice 三(一)2) --------------------------------

    @rpc
    def file_operation_report(self, actor: dict, fields: dict) -> dict:
        """A liaison officer's report of an enterprise on his leader's list (the linkage's read
        models, same database) for a month: one per enterprise and month."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            arguments = body_fields(fields, contract.OperationReportFiling,
                                    "an operation report")
            enterprise = _enterprise(uow.connection, arguments["uscc"])
            officer = _appointment(uow.connection, who)
            existing = uow.load(OperationReport, report_id_for(arguments["uscc"],
                                                               arguments["period"]))
            report = OperationReport.file(
                at=utc_now(), actor=who, enterprise=enterprise, officer=officer,
                leader_linkage=_leader_linkage(uow.connection, officer and officer["leader_id"]),
                existing=existing, **arguments)
            return saved(uow, report)

        return self.store.execute("file_operation_report", decide)

    @rpc
    def amend_op_report(self, actor: dict, report_id: str, fields: dict) -> dict:
        """A correction of a filed report, by a liaison officer of its leader."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            arguments = body_fields(fields, contract.OperationReportAmendment,
                                    "an operation report's amendment")
            leader = _officer_leader(uow.connection, who)
            report = uow.load(OperationReport, report_id)
            if not report.exists or not access.may_read_operation_report(
                    who, report.snapshot(), leader):
                raise OperationReportNotFound(report_id)
            report.amend(at=utc_now(), actor=who, officer_leader=leader, **arguments)
            return saved(uow, report)

        return self.store.execute("amend_op_report", decide)

    @rpc
    def get_op_report(self, actor: dict, report_id: str) -> dict:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            found = views.operation_report(uow.connection, report_id)
            if found is None or not access.may_read_operation_report(
                    who, found, _officer_leader(uow.connection, who)):
                raise OperationReportNotFound(report_id)
            return found

        return self.store.query("get_op_report", read)

    @rpc
    def list_op_reports(self, actor: dict, filters: dict | None = None) -> dict:
        """The reports the caller may read, the latest month first."""
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            leader = _officer_leader(uow.connection, who)
            return {"items": [
                item for item in views.operation_reports(uow.connection, **_filters(
                    filters, contract.OPERATION_REPORT_FILTERS))
                if access.may_read_operation_report(who, item, leader)]}

        return self.store.query("list_op_reports", read)

    # -- consultations and matchmaking -------------------------------------------------------

    def _record_activity(self, who: Actor, cls: type[Activity], fields: dict, model) -> dict:
        def decide(uow: UnitOfWork) -> dict:
            arguments = body_fields(fields, model, f"a {cls.what}")
            _unit(uow.connection, arguments["unit"])
            _enterprises(uow.connection, arguments.get("enterprises"))
            activity = cls.record(str(uuid.uuid4()), at=utc_now(), actor=who, **arguments)
            return saved(uow, activity)

        return self.store.execute(f"record_{cls.what}", decide)

    @rpc
    def record_consultation(self, actor: dict, fields: dict) -> dict:
        """企业问诊 of the expert advisory group (专家精准帮扶顾问团)."""
        return self._record_activity(Actor.from_dict(actor), Consultation, fields,
                                     contract.RecordConsultation)

    @rpc
    def record_matchmaking(self, actor: dict, fields: dict) -> dict:
        """银企对接 or 产业链对接."""
        return self._record_activity(Actor.from_dict(actor), Matchmaking, fields,
                                     contract.RecordMatchmaking)

    @rpc
    def record_outcome(self, actor: dict, kind: str, activity_id: str,
                                fields: dict) -> dict:
        """What came of a consultation or a matchmaking, once known."""
        who = Actor.from_dict(actor)
        classes = {Consultation.stream_type: Consultation, Matchmaking.stream_type: Matchmaking}

        def decide(uow: UnitOfWork) -> dict:
            if kind not in classes:
                raise UnknownCode("kind", kind, sorted(classes))
            arguments = body_fields(fields, contract.FieldworkOutcome, "an outcome")
            activity = uow.load(classes[kind], activity_id)
            if not activity.exists or not access.may_read_activity(
                    who, activity.snapshot(), _reach(uow.connection, who)):
                raise ActivityNotFound(kind, activity_id)
            activity.record_outcome(at=utc_now(), actor=who, **arguments)
            return saved(uow, activity)

        return self.store.execute("record_outcome", decide)

    def _activities(self, who: Actor, kind: str, filters) -> dict:
        def read(uow: UnitOfWork) -> dict:
            reach = _reach(uow.connection, who)
            return {"items": [access.disclose_activity(who, item, reach) for item in
                              views.activities(uow.connection, kind, **_filters(
                                  filters, contract.ACTIVITY_FILTERS))
                              if access.may_read_activity(who, item, reach)]}

        return self.store.query(f"list_{kind}s", read)

    @rpc
    def list_consultations(self, actor: dict, filters: dict | None = None) -> dict:
        return self._activities(Actor.from_dict(actor), Consultation.stream_type, filters)

    @rpc
    def list_matchmakings(self, actor: dict, filters: dict | None = None) -> dict:
        return self._activities(Actor.from_dict(actor), Matchmaking.stream_type, filters)

    @rpc
    def get_activity(self, actor: dict, kind: str, activity_id: str) -> dict:
        who = Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            found = views.activity(uow.connection, kind, activity_id)
            reach = _reach(uow.connection, who)
            if found is None or not access.may_read_activity(who, found, reach):
                raise ActivityNotFound(kind, activity_id)
            return access.disclose_activity(who, found, reach)

        return self.store.query("get_activity", read)

    # -- the timer -----------------------------------------------------------------------------

    # A short name: the timer's correlation id ("liaison.<entrypoint>.<uuid>") must fit the
    # event log's 64 characters.
    @timer(interval=settings.deadline_watch_interval())
    def watch_fieldwork(self):
        """Mark each survey and help plan still owed after its due date overdue, once
        (SurveyOverdue, HelpPlanOverdue: supervision follows them). One replica at a time (a
        PostgreSQL advisory lock); should two overlap, the aggregate refuses a second mark."""
        with exclusive_turn(self.store.engine, FIELDWORK_WATCH_LOCK) as mine:
            if not mine:
                return
            now = utc_now()
            day = office_day(now).isoformat()
            for survey_id in self.store.read(lambda c: views.overdue_surveys(c, day)):
                self._fieldwork_watch(Survey, survey_id, "mark_survey_overdue", now)
            for plan_id in self.store.read(lambda c: views.overdue_help_plans(c, day)):
                self._fieldwork_watch(HelpPlan, plan_id, "mark_help_plan_overdue", now)

    def _fieldwork_watch(self, aggregate_cls, stream_id: str, command: str, now) -> None:
        def run(uow: UnitOfWork) -> None:
            aggregate = uow.load(aggregate_cls, stream_id)
            aggregate.mark_overdue(at=now, actor=SYSTEM)
            uow.save(aggregate)
        try:
            self.store.execute(command, run)
        except Refused as refused:  # marked meanwhile by another replica: nothing to do
            log.debug("fieldwork watch: nothing to record", stream_id=stream_id,
                      rule=refused.rule)
        except Exception:  # one stream that cannot be processed must not stop the watch
            log.exception("fieldwork watch failed", stream_id=stream_id, command=command)
