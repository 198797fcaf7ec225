"""Who may run and read the evaluation rounds and the year-end assessment (notice 二(五)2-3).

- Evaluation rounds (二(五)2): the enterprises served rate; raters' identities stay with the
  office.
- The assessment (二(五)3): other units' figures stay with the office, the group and the
  leaders until the office publishes the ranking; a unit officer reads his own unit's figures
  and its rank among all ranked, and, once published, the published ranking. An export run as a
  job is seen by who started it and by oversight.

The area's rows of the service's permission table (`services.supervision.permissions`); what
each reader is shown of a year or a round is `assessment.disclosure`'s. Plain Python, no I/O.
"""
from __future__ import annotations

from kernel.permissions import OFFICE, OVERSIGHT, Scope, allow
from services.supervision.access import LEADER, SUPERVISION_READERS, UNIT

RATER = "enterprise"                  # rates the units that handled its appeals

# Who reads the assessment: every unit's figures for the office, the group and the leaders
# (notice 二(五)3 reports to them); a unit officer his own figures and his rank among all.
ASSESSMENT_READERS = {**OVERSIGHT, "leader": Scope.EVERY_ROW,
                      "unit_officer": Scope.OWN_FIGURES}
# An export run apart: its starter, and oversight.
JOB_READERS = {**OVERSIGHT, "unit_officer": Scope.SELF, "leader": Scope.SELF}

EVALUATION_ROWS = (
    allow("open_evaluation_round", OVERSIGHT),
    allow("evaluation_rounds", OVERSIGHT, enterprise=Scope.OWN_ENTERPRISE, **UNIT, **LEADER),
    allow("evaluation_round", OVERSIGHT, enterprise=Scope.OWN_ENTERPRISE, **UNIT, **LEADER),
    allow("rate_evaluated_unit", enterprise=Scope.OWN_ENTERPRISE),
    allow("close_evaluation_round", OVERSIGHT),
    allow("evaluation_results", SUPERVISION_READERS,
          note="raters' credit codes are the office's alone"),
)

ROWS = (
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
