"""The assessment's RPC entrypoints (a mixin of SupervisionService, notice 二(五)2-3, 三(二)): the
enterprises' evaluation rounds (评议反馈) and the year-end assessment (年终考核), computed from
tracking's facts and a round's ratings, with its records and its exports (as a reply, or as a job
rendered apart). Reads are narrowed to what the caller may see (`disclosure`).

Needs the service's `store` (EventSourcing) and `runner` (a job's thread).
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt

import structlog

from kernel import jobs, offload
from kernel.actor import Actor
from kernel.clock import office_day, start_of_office_day
from kernel.errors import NoSuch, Refused, UnknownCode
from kernel.envelope import utc_now
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from services.supervision import access as roles
from services.supervision import facts, scoped
from services.supervision.assessment import accountability, contract, disclosure
from services.supervision.assessment import domain as assessing
from services.supervision.assessment import measures
from services.supervision.assessment import views as assessment_views
from services.supervision.assessment.access import RATER
from services.supervision.assessment.accountability import YearAssessment
from services.supervision.assessment.evaluation import EvaluationRound
from services.supervision.assessment.exceptions import EvaluationRoundNotFound
from services.supervision.deliverables import domain as deliverables
from services.supervision.report import render as report
from services.supervision.scoped import Scoped
from services.supervision.tracking import views as tracking

log = structlog.get_logger(__name__)

# Supervision's job ids begin so: the gateway's job routes ask this service for them.
EXPORT_JOB = "export-"


class AssessmentNotFound(NoSuch):
    rule = "assessment_not_found"
    template, at = "no assessment of {id} has been computed", "year"


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
                             "a rating", decide, (RATER,), "rate a unit")

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
        # 回退率, 回访率 and 差评整改按时率 of the year, by the months' own definitions.
        hotline = measures.yearly(
            appeals, tracking.hotline_steps(connection, since, until), as_of,
            rectifications=tracking.rectifications(connection, since, until))
        return assessing.assess({unit: named.get(unit, unit) for unit in units}, appeals,
                                received, owed, ratings, as_of=as_of, year=year,
                                scoring=scoring, hotline=hotline)

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
            arguments = scoped.arguments(fields, command.body, f"the {action} command")
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

    # An export job's status and progress, and a piece of its file (its starter's, or oversight's).
    export_job, export_job_result = jobs.entrypoints("export_job", "export_job_result")

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



def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")

