"""The supervision service's permission table (`kernel.permissions`): who may call each RPC of
tracking, the ladder's cases, the deliverables, the evaluation rounds and the year-end
assessment, and which rows each role reaches. The scope itself is applied where the service
reads (`access`, `assessment.disclosure`).

- Supervision (notice 二(五)1): the office and the group read every unit; a unit officer his own
  unit's matters, cases, notices and reports and answers his own unit's notices; a leader his
  linkage's units. A unit declares its deliveries; only the office accepts them or sends them
  back, and only an accepted delivery counts.
- Evaluation rounds (二(五)2): the enterprises served rate; raters' identities stay with the
  office.
- The assessment (二(五)3): other units' figures stay with the office, the group and the
  leaders until the office publishes the ranking; a unit officer reads his own unit's figures
  and its rank among all ranked, and, once published, the published ranking. An export run as a
  job is seen by who started it and by oversight.

Plain Python, no I/O.
"""
from __future__ import annotations

from kernel.permissions import KERNEL_ROWS, OFFICE, OVERSIGHT, Scope, Table, allow

UNIT = {"unit_officer": Scope.OWN_UNIT}
LEADER = {"leader": Scope.LEADER_LINKAGE}
# Who reads supervision: every row, his own unit's, his linkage's units'.
SUPERVISION_READERS = {**OVERSIGHT, **UNIT, **LEADER}
# Who reads the assessment: every unit's figures for the office, the group and the leaders
# (notice 二(五)3 reports to them); a unit officer his own figures and his rank among all.
ASSESSMENT_READERS = {**OVERSIGHT, "leader": Scope.EVERY_ROW,
                      "unit_officer": Scope.OWN_FIGURES}
# An export run apart: its starter, and oversight.
JOB_READERS = {**OVERSIGHT, "unit_officer": Scope.SELF, "leader": Scope.SELF}

SUPERVISION = (
    allow("tracked_matters", SUPERVISION_READERS),
    allow("unit_tracking", SUPERVISION_READERS),
    allow("supervision_case", SUPERVISION_READERS),
    allow("act_on_supervision_case.answer", UNIT),
    allow("act_on_supervision_case.inspection", OVERSIGHT),
    allow("act_on_supervision_case.interview", OVERSIGHT),
    allow("act_on_supervision_case.close", OVERSIGHT),
    allow("supervision_cases", SUPERVISION_READERS),
    allow("supervision_notices", SUPERVISION_READERS),
    allow("run_supervision_sweep", OVERSIGHT),
    allow("supervision_thresholds", OVERSIGHT, unit_officer=Scope.PUBLISHED,
          leader=Scope.PUBLISHED),
    allow("set_supervision_thresholds", OFFICE),
    allow("issue_scheduling_report", OVERSIGHT),
    allow("scheduling_reports", SUPERVISION_READERS),
    allow("scheduling_report", SUPERVISION_READERS),
    allow("schedule_deliverables", OVERSIGHT),
    allow("deliverables", SUPERVISION_READERS),
    allow("deliverable", SUPERVISION_READERS),
    allow("deliver", OVERSIGHT, **UNIT),
    allow("receive_summary_report", OVERSIGHT, **UNIT),
    allow("act_on_delivery.accept", OFFICE,
          note="a delivery counts in the assessment once the office accepts it"),
    allow("act_on_delivery.send-back", OFFICE),
)

EVALUATION = (
    allow("open_evaluation_round", OVERSIGHT),
    allow("evaluation_rounds", OVERSIGHT, enterprise=Scope.OWN_ENTERPRISE, **UNIT, **LEADER),
    allow("evaluation_round", OVERSIGHT, enterprise=Scope.OWN_ENTERPRISE, **UNIT, **LEADER),
    allow("rate_evaluated_unit", enterprise=Scope.OWN_ENTERPRISE),
    allow("close_evaluation_round", OVERSIGHT),
    allow("evaluation_results", SUPERVISION_READERS,
          note="raters' credit codes are the office's alone"),
)

ASSESSMENT = (
    allow("compute_assessment", OVERSIGHT),
    allow("assessment", ASSESSMENT_READERS),
    allow("assessment_ranking", ASSESSMENT_READERS),
    allow("assessment_records", ASSESSMENT_READERS),
    allow("assessment_dashboard", ASSESSMENT_READERS),
    allow("assessment_export", ASSESSMENT_READERS),
    allow("start_assessment_export", ASSESSMENT_READERS),
    allow("export_job", JOB_READERS, note="a job is seen by who started it and by oversight"),
    allow("export_job_result", JOB_READERS),
    allow("act_on_assessment.commend", OVERSIGHT),
    allow("act_on_assessment.admonish", OVERSIGHT),
    allow("act_on_assessment.hold-accountable", OVERSIGHT),
    allow("act_on_assessment.refer", OFFICE),
    allow("act_on_assessment.publish", OFFICE,
          note="publishing the ranking is the office's recorded act"),
)

PERMISSIONS = Table(
    "supervision", SUPERVISION, EVALUATION, ASSESSMENT, KERNEL_ROWS,
    dispatch={"act_on_supervision_case": "action", "act_on_assessment": "action",
              "act_on_delivery": "action"},
)
