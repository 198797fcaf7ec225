"""Tracking's wire contract (跟踪调度, notice 二(五)1): the matters each unit owes, their filters and
the replies that list and count them. Shape only; imports pydantic, the pure kernel and
supervision's shared facts and shapes."""
from __future__ import annotations

from pydantic import Field

from kernel.vocabulary import LabelledEnum
from kernel.wire import Body, Text
from services.supervision import facts
from services.supervision.shapes import CODE_LIMIT, SupervisionReply

MATTER_LABELS = {
    facts.APPEAL_SIGNING: "诉求签收",
    facts.APPEAL_RESOLUTION: "诉求办结",
    facts.IMPLEMENTATION_RULE: "实施细则",
    facts.SURVEY: "调研报告",
    facts.HELP_PLAN: "帮扶方案",
    facts.DELIVERABLE: "工作节点",
    facts.NOTICE_ANSWER: "督查通知书回复",
    facts.ASSIST_TASK: "协办任务",
    facts.RECTIFICATION: "差评整改",
}
TrackedMatterKind = LabelledEnum("TrackedMatterKind", {
    kind.upper(): (kind, MATTER_LABELS[kind]) for kind in facts.MATTER_KINDS}, module=__name__)
TrackedMatterKind.__doc__ = "What a unit owes: " + ", ".join(
    f"{kind} {label}" for kind, label in MATTER_LABELS.items())


class TrackedMatterFilters(Body):
    unit: Text(CODE_LIMIT) | None = Field(None, description="the unit that owes the matter")
    kind: TrackedMatterKind | None = None
    late: bool | None = Field(None, description="true: only the late; false: only the rest")


TRACKED_MATTER_FILTERS = tuple(TrackedMatterFilters.model_fields)


class SupervisionUnitPath(Body):
    unit: Text(CODE_LIMIT) = Field(description="a county, zone or city department (unit code)")


class TrackedMatterView(SupervisionReply):
    matter_id: str
    kind: str
    stream_id: str
    unit: str
    due_at: str | None
    done_at: str | None
    late: bool = Field(description="past its date and not done, or done after it")
    seqs: list[int] = Field(description="the ledger entries behind it")
    title: str = ""


class TrackedMatterList(SupervisionReply):
    items: list[TrackedMatterView]


class HotlineMeasureFilters(Body):
    month: Text(7) = Field(description="the office month, YYYY-MM: appeals dispatched in it")


HOTLINE_MEASURE_FILTERS = tuple(HotlineMeasureFilters.model_fields)


class VoidedRatingView(SupervisionReply):
    """A rating the office voided (撤销差评): it left 满意率."""

    seq: int = Field(description="the rating's ledger entry")
    appeal_id: str
    rating: str
    reason: str = Field(description="the office's reason for voiding it")
    ruling_seq: int = Field(description="the ruling's ledger entry")


class HotlineRate(SupervisionReply):
    label: str
    numerator: int
    denominator: int
    value: float | None = Field(description="numerator / denominator; none when nothing counted")
    seqs: list[int] = Field(description="the ledger entries counted")
    voided: list[VoidedRatingView] | None = Field(
        None, description="满意率 only: the ratings the office voided on the unit's 申诉, left out")


class HotlineUnitMeasures(SupervisionReply):
    unit: str
    measures: dict[str, HotlineRate] = Field(
        description="signing 及时签收率, completion 按时办结率, returns 回退率, redo 重办率, "
                    "callback 回访率, satisfaction 满意率, rectification 差评整改按时率")


class HotlineMeasuresView(SupervisionReply):
    """The hotline measures of one month, per unit the caller reads."""

    month: str
    basic_satisfied: bool = Field(description="whether 基本满意 counts as satisfied in 满意率")
    units: list[HotlineUnitMeasures]


class UnitTrackingView(SupervisionReply):
    """One unit's matters: due, done, late, each kind counted."""

    unit: str
    due: int = Field(description="not done, not late")
    done: int
    late: int
    by_kind: dict[str, dict[str, int]]
    matters: list[TrackedMatterView]
