"""The assessment's wire contract (notice 二(五)2-3, 三(二)): the enterprises' evaluation rounds
(评议反馈), the year-end assessment (年终考核), the records made on it, its exports, and the
replies. Shape only: whether a value is allowed is for the aggregates to say."""
from __future__ import annotations

import datetime as dt

from pydantic import Field

from kernel.vocabulary import LabelledEnum
from kernel.wire import Action, Body, Text
from services.supervision.shapes import (
    CODE_LIMIT, FIRST_YEAR, ITEMS_LIMIT, LAST_YEAR, NAME_LIMIT, SEQS_LIMIT, TEXT_LIMIT,
    TITLE_LIMIT, Codes, Seqs, SupervisionReply,
)

RATING = (1, 5)                       # an enterprise's score of a unit, worst to best
TOP_LIMIT = 50                        # units commended at once


class AssessmentExportFormat(LabelledEnum):
    XLSX = "xlsx", "Excel 表格"
    PDF = "pdf", "PDF 报告"
    JSON = "json", "看板数据"


EXPORT_MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


# -- evaluation rounds (评议反馈) -------------------------------------------------------------

class OpenEvaluationRound(Body):
    title: Text(TITLE_LIMIT)
    opens: dt.date = Field(description="YYYY-MM-DD, the first day ratings are taken")
    closes: dt.date = Field(description="YYYY-MM-DD, the last day")
    units: Codes = Field(min_length=1, max_length=ITEMS_LIMIT, description="the units rated")


class EvaluationRoundPath(Body):
    round_id: Text(CODE_LIMIT)


class RateEvaluatedUnit(Body):
    """An enterprise's rating of a unit that handled one of its appeals: once per unit and
    round."""

    unit: Text(CODE_LIMIT)
    work_done: int = Field(ge=RATING[0], le=RATING[1], description="工作成效, 1 (worst) to 5")
    problems_fixed: int = Field(ge=RATING[0], le=RATING[1],
                                description="问题解决, 1 (worst) to 5")
    comment: Text(TEXT_LIMIT, minimum=0) = ""


class CloseEvaluationRound(Body):
    note: Text(TEXT_LIMIT, minimum=0) = ""


# -- the year-end assessment (年终考核) -------------------------------------------------------

class AssessmentWeights(Body):
    """Each measure's weight in the score; together they make 1."""

    signing: float = Field(ge=0, le=1, description="按时签收率")
    completion: float = Field(ge=0, le=1, description="按时办结率")
    reply: float = Field(ge=0, le=1, description="答复率")
    satisfaction: float = Field(ge=0, le=1, description="满意率")
    redo: float = Field(ge=0, le=1, description="发回重办率 (lower is better)")
    supervision: float = Field(ge=0, le=1, description="被督查 (fewer is better)")
    deliverables: float = Field(ge=0, le=1, description="工作节点按时完成")
    evaluation: float = Field(ge=0, le=1, description="评议得分")
    # The hotline measures are shown beside the score; they weigh nothing unless given a weight.
    returns: float = Field(0, ge=0, le=1, description="回退率 (lower is better)")
    callback: float = Field(0, ge=0, le=1, description="回访率")
    rectification: float = Field(0, ge=0, le=1, description="差评整改按时率")


class ComputeAssessment(Body):
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    units: Codes = Field(default_factory=list, max_length=ITEMS_LIMIT,
                         description="the units assessed; empty: every unit in the facts")
    weights: AssessmentWeights | None = Field(None, description="null: the defaults")
    satisfaction_floor: float | None = Field(None, ge=0, le=1,
                                             description="满意率 floor; null: 0.85")
    round_id: Text(CODE_LIMIT) | None = Field(None, description="the evaluation round whose "
                                                                "results count")


class AssessmentPath(Body):
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)


class AssessmentExportPath(Body):
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    format: AssessmentExportFormat


class RecordCommendation(Body):
    """表彰: the top units of the ranking."""

    top: int = Field(ge=1, le=TOP_LIMIT, description="how many of the top units")
    note: Text(TEXT_LIMIT, minimum=0) = ""


class RecordAdmonishmentTalk(Body):
    """诫勉谈话: a unit (or a person of it) below a threshold."""

    unit: Text(CODE_LIMIT)
    person: Text(NAME_LIMIT) | None = Field(None, description="the person talked to, if one")
    reason: Text(TEXT_LIMIT)
    seqs: Seqs = Field(default_factory=list, max_length=SEQS_LIMIT,
                       description="extra entries cited beside the assessment's")


class RecordAccountability(Body):
    """问责: a unit listed for supervision repeatedly (twice or more, by default)."""

    unit: Text(CODE_LIMIT)
    reason: Text(TEXT_LIMIT)


class MakeDisciplineReferral(Body):
    """移交纪检监察: a case of misconduct referred with its evidence."""

    unit: Text(CODE_LIMIT)
    person: Text(NAME_LIMIT) | None = None
    note: Text(TEXT_LIMIT)
    seqs: Seqs = Field(min_length=1, max_length=SEQS_LIMIT,
                       description="the ledger entries that are its evidence")


class PublishRanking(Body):
    """Publish the latest computation's ranking: every reader of the assessment then sees each
    unit's place and score (until then, a unit officer sees only his own)."""

    note: Text(TEXT_LIMIT, minimum=0) = ""


ASSESSMENT_ACTIONS = {
    "commend": Action("commend", RecordCommendation, "Commend the top units (表彰)"),
    "admonish": Action("admonish", RecordAdmonishmentTalk,
                       "Record an admonishment talk (诫勉谈话) with a unit or a person"),
    "hold-accountable": Action("hold_accountable", RecordAccountability,
                               "Hold a unit accountable (问责) for repeated listed supervision"),
    "refer": Action("refer", MakeDisciplineReferral,
                    "Refer a case of misconduct to the discipline inspection organs (移交纪检监察)"),
    "publish": Action("publish", PublishRanking,
                      "Publish the ranking (the office): a recorded act, after which every "
                      "reader of the assessment sees each unit's place and score"),
}


class EvaluationRoundView(SupervisionReply):
    id: str


class EvaluationRoundList(SupervisionReply):
    items: list[dict]


class EvaluationResults(SupervisionReply):
    """Per unit: ratings taken, the averages of work done and problems fixed, the seqs."""

    round_id: str
    units: list[dict]


class AssessmentView(SupervisionReply):
    """The assessment as computed: per unit its measures (each with its numerator, denominator
    and seqs), score and place; the weights and floor; the records made on it."""

    year: int


class AssessmentRanking(SupervisionReply):
    year: int
    items: list[dict]


class AssessmentRecords(SupervisionReply):
    year: int
    items: list[dict] = Field(description="commendations, admonishment talks, accountability, "
                                          "referrals, each citing ledger seqs")


class AssessmentDashboard(SupervisionReply):
    """The dashboard-ready JSON of the assessment (`supervision.report`)."""
