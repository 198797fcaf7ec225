"""The year-end assessment's exports (年终考核报告): one snapshot of an assessment rendered as an
Excel workbook, a printable PDF report in Chinese with charts, and a dashboard-ready JSON. Every
figure in each carries the ledger seqs it was computed from, so that anyone can look the entries
up (`/api/v1/audit/entries/{seq}`) and check the figure.

The input: a `Snapshot` (or its dict form, `Snapshot.from_dict`, checked field by field:
`ReportInputInvalid` names the field at fault, e.g. ``units[2].figures.satisfaction.value``):

    year          the campaign year assessed (int)
    computed_on   the day the assessment was computed (ISO date); the documents' own dates are
                  this day, never the clock, so one snapshot always renders to the same bytes
    ledger_size   the ledger's size the assessment read (int or None): "据账本第1至N条"
    title         the report's title ("" gives 《<year>年度降低企业成本优化发展环境专项行动年终考核报告》)
    measures      [{code, label, kind, weight, higher_is_better, floor}], in the report's order:
                  kind is "rate" (a share in 0..1, shown as a percentage), "count" (a whole
                  number, e.g. supervision received) or "score" (e.g. an evaluation's 1..5);
                  floor, if any, a value below which a unit is named (满意率 below 85%)
    units         [{unit, name, rank, score, figures: {measure code: {value, numerator,
                  denominator, seqs, note}}, note}], in ranking order (rank 1 first; equal
                  scores may share a rank; a unit not scored, rank and score None, last); a
                  figure's value is None when there was nothing to count
    trends        [{measure, unit, points: [{month "YYYY-MM", value, seqs}]}]: monthly series;
                  unit "" is the whole city
    records       [{kind, unit, person, note, seqs}]: what was done with the result — kind one
                  of RECORD_LABELS (commendation 表彰, admonishment_talk 诫勉谈话,
                  accountability 问责, discipline_referral 移交纪检监察)

`from_assessment` maps the assessment module's result (`supervision.assessment`) to a snapshot.

The outputs (`render(snapshot, fmt)` → (filename, media type, bytes); fmt xlsx, pdf or json):

- .xlsx (openpyxl): 综合排名 (the ranking with every measure), a sheet per measure (units ordered
  best first, numerator, denominator, value, seqs), 月度趋势 (months × series), 结果运用 (the
  records) and 条目索引 (every figure's seqs, one row each).
- PDF (fpdf2, the CJK font of `kernel.fonts`): the ranking as horizontal bars and as a table, each
  measure by unit as bars (a floor drawn as a red line, units below it in red), the monthly
  trends as lines, the records, and an appendix listing the seqs behind each chart's figures.
  Charts are drawn with fpdf2's own lines and rectangles; every number in them is real text.
- JSON (`dashboard`): the shape `DASHBOARD_SCHEMA` names, documented on `dashboard`.

Pure but for the bytes it returns: no clock, no store, nothing shared between calls.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import math
import re
from collections.abc import Iterable, Mapping

from kernel import fonts
from kernel.errors import InvalidInput, UnknownCode

FORMATS = ("xlsx", "pdf", "json")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}
DASHBOARD_SCHEMA = "huiqi.assessment.dashboard/1"
ISSUER = "赣州市降低企业成本优化发展环境专项行动领导小组办公室"
CITY = "全市"

RATE, COUNT, SCORE = "rate", "count", "score"
MEASURE_KINDS = (RATE, COUNT, SCORE)

# The measures of the year-end assessment (notice 二(五)3), by the codes the assessment and the
# API use: the labels a snapshot gets when it names a measure by code alone.
MEASURE_LABELS = {
    "signing": "按时签收率",
    "completion": "按时办结率",
    "reply": "答复率",
    "satisfaction": "满意率",
    "redo": "发回重办率",
    "supervision": "被督查次数",
    "deliverables": "工作节点按时完成率",
    "evaluation": "评议得分",
}
# What the office does with the result (notice 二(五)3): 表彰, 诫勉谈话, 问责, 移交纪检监察.
RECORD_LABELS = {
    "commendation": "表彰",
    "admonishment_talk": "诫勉谈话",
    "accountability": "问责",
    "discipline_referral": "移交纪检监察",
}


class ReportInputInvalid(InvalidInput):
    """A snapshot the report cannot be made from; `field` is the path of the value at fault."""

    rule = "report_input_invalid"

    def __init__(self, field: str, what: str):
        super().__init__(f"{field} {what}", field=field)


# -- the snapshot ------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Measure:
    code: str
    label: str
    kind: str = RATE
    weight: float = 0.0
    higher_is_better: bool = True
    floor: float | None = None


@dataclasses.dataclass(frozen=True)
class Figure:
    """One unit's value on one measure, with what it was counted from."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    seqs: tuple[int, ...] = ()
    note: str = ""            # what the figure is made of, in words: 电话催办2次、督查通知书1次


@dataclasses.dataclass(frozen=True)
class UnitResult:
    unit: str
    name: str
    rank: int | None          # None: not scored (nothing to assess it on), listed last
    score: float | None
    figures: Mapping[str, Figure]
    note: str = ""

    @property
    def seqs(self) -> tuple[int, ...]:
        """Every entry behind the unit's score: the union of its figures' seqs."""
        return tuple(sorted({seq for figure in self.figures.values() for seq in figure.seqs}))


@dataclasses.dataclass(frozen=True)
class TrendPoint:
    month: str
    value: float | None
    seqs: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class Trend:
    measure: str
    unit: str
    points: tuple[TrendPoint, ...]


@dataclasses.dataclass(frozen=True)
class Record:
    kind: str
    unit: str
    person: str = ""
    note: str = ""
    seqs: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class Snapshot:
    year: int
    computed_on: dt.date
    measures: tuple[Measure, ...]
    units: tuple[UnitResult, ...]
    trends: tuple[Trend, ...] = ()
    records: tuple[Record, ...] = ()
    ledger_size: int | None = None
    title: str = ""

    @property
    def heading(self) -> str:
        return self.title or f"{self.year}年度降低企业成本优化发展环境专项行动年终考核报告"

    def measure(self, code: str) -> Measure:
        return next(m for m in self.measures if m.code == code)

    def name_of(self, unit: str) -> str:
        if not unit:
            return CITY
        return next((u.name for u in self.units if u.unit == unit), unit)

    def ranked_on(self, code: str) -> list[UnitResult]:
        """The units best first on one measure; those with nothing to count last, in rank
        order."""
        measure = self.measure(code)
        counted = [u for u in self.units if _value(u, code) is not None]
        order = {u.unit: i for i, u in enumerate(self.units)}
        counted.sort(key=lambda u: (-_value(u, code) if measure.higher_is_better
                                    else _value(u, code), order[u.unit]))
        return counted + [u for u in self.units if _value(u, code) is None]

    def below_floor(self, unit: UnitResult) -> list[Measure]:
        """The measures on which the unit is under the office's floor."""
        return [m for m in self.measures if m.floor is not None
                and _value(unit, m.code) is not None and _value(unit, m.code) < m.floor]

    def as_dict(self) -> dict:
        """The dict form `from_dict` reads: JSON-ready."""
        out = dataclasses.asdict(self)
        out["computed_on"] = self.computed_on.isoformat()
        for unit, result in zip(out["units"], self.units):
            unit["figures"] = {code: dataclasses.asdict(f) for code, f in result.figures.items()}
        return json.loads(json.dumps(out))

    @classmethod
    def from_dict(cls, data: Mapping) -> Snapshot:
        """A snapshot from its dict form, every field checked (`ReportInputInvalid`)."""
        return _read_snapshot(data)


def _value(unit: UnitResult, code: str) -> float | None:
    figure = unit.figures.get(code)
    return None if figure is None else figure.value


# -- reading a snapshot's dict form ------------------------------------------------------------

def _required(data: Mapping, key: str, at: str):
    if not isinstance(data, Mapping):
        raise ReportInputInvalid(at or "snapshot", "must be an object")
    if key not in data or data[key] is None:
        raise ReportInputInvalid(_path(at, key), "is required")
    return data[key]


def _path(at: str, key) -> str:
    if isinstance(key, int):
        return f"{at}[{key}]"
    return f"{at}.{key}" if at else key


def _number(value, at: str, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ReportInputInvalid(at, f"must be a finite number, not {value!r}")
    return value


def _whole(value, at: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ReportInputInvalid(at, f"must be a whole number of at least {minimum}, "
                                     f"not {value!r}")
    return value


def _text(value, at: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ReportInputInvalid(at, "must be a non-empty text" if required else "must be a text")
    return value


def _seqs(value, at: str) -> tuple[int, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ReportInputInvalid(at, "must be a list of ledger seqs")
    return tuple(sorted({_whole(seq, _path(at, i), minimum=1) for i, seq in enumerate(value)}))


def _list(value, at: str) -> list:
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise ReportInputInvalid(at, "must be a list")
    return list(value)


def _read_measure(data, at: str) -> Measure:
    code = _text(_required(data, "code", at), _path(at, "code"), required=True)
    kind = data.get("kind") or RATE
    if kind not in MEASURE_KINDS:
        raise UnknownCode(_path(at, "kind"), kind, list(MEASURE_KINDS))
    floor = _number(data.get("floor"), _path(at, "floor"), optional=True)
    if kind == RATE and floor is not None and not 0 <= floor <= 1:
        raise ReportInputInvalid(_path(at, "floor"), "of a rate must lie in 0..1")
    weight = _number(data.get("weight", 0.0), _path(at, "weight"))
    if not 0 <= weight <= 1:
        raise ReportInputInvalid(_path(at, "weight"), "must lie in 0..1")
    return Measure(code=code,
                   label=_text(data.get("label") or MEASURE_LABELS.get(code, ""),
                               _path(at, "label"), required=True),
                   kind=kind, weight=weight,
                   higher_is_better=bool(data.get("higher_is_better", True)), floor=floor)


def _read_figure(data, at: str, measure: Measure) -> Figure:
    if not isinstance(data, Mapping):
        raise ReportInputInvalid(at, "must be an object")
    value = _number(data.get("value"), _path(at, "value"), optional=True)
    if measure.kind == RATE and value is not None and not 0 <= value <= 1:
        raise ReportInputInvalid(_path(at, "value"), f"is a rate: it must lie in 0..1, "
                                                     f"not {value!r}")
    return Figure(value=value,
                  numerator=_number(data.get("numerator"), _path(at, "numerator"),
                                    optional=True),
                  denominator=_number(data.get("denominator"), _path(at, "denominator"),
                                      optional=True),
                  seqs=_seqs(data.get("seqs"), _path(at, "seqs")),
                  note=_text(data.get("note"), _path(at, "note")))


def _read_unit(data, at: str, measures: Mapping[str, Measure]) -> UnitResult:
    figures_at = _path(at, "figures")
    figures = _required(data, "figures", at)
    if not isinstance(figures, Mapping):
        raise ReportInputInvalid(figures_at, "must be an object of figures by measure code")
    for code in figures:
        if code not in measures:
            raise UnknownCode(_path(figures_at, code), code, list(measures))
    unit = _text(_required(data, "unit", at), _path(at, "unit"), required=True)
    return UnitResult(
        unit=unit, name=_text(data.get("name") or unit, _path(at, "name"), required=True),
        rank=None if data.get("rank") is None else _whole(data["rank"], _path(at, "rank"),
                                                           minimum=1),
        score=_number(data.get("score"), _path(at, "score"), optional=True),
        figures={code: _read_figure(figures[code], _path(figures_at, code), measures[code])
                 for code in measures if code in figures},
        note=_text(data.get("note"), _path(at, "note")))


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _read_trend(data, at: str, measures: Mapping[str, Measure], units: set[str]) -> Trend:
    code = _required(data, "measure", at)
    if code not in measures:
        raise UnknownCode(_path(at, "measure"), code, list(measures))
    unit = _text(data.get("unit"), _path(at, "unit"))
    if unit and unit not in units:
        raise ReportInputInvalid(_path(at, "unit"), f"{unit!r} is not one of the units ranked")
    points = []
    for i, point in enumerate(_list(_required(data, "points", at), _path(at, "points"))):
        here = _path(_path(at, "points"), i)
        month = _required(point, "month", here)
        if not isinstance(month, str) or not _MONTH.match(month):
            raise ReportInputInvalid(_path(here, "month"), f"must be YYYY-MM, not {month!r}")
        value = _number(point.get("value"), _path(here, "value"), optional=True)
        if measures[code].kind == RATE and value is not None and not 0 <= value <= 1:
            raise ReportInputInvalid(_path(here, "value"), "is a rate: it must lie in 0..1")
        points.append(TrendPoint(month, value, _seqs(point.get("seqs"), _path(here, "seqs"))))
    months = [p.month for p in points]
    if months != sorted(set(months)):
        raise ReportInputInvalid(_path(at, "points"), "must be in month order, each month once")
    return Trend(measure=code, unit=unit, points=tuple(points))


def _read_record(data, at: str) -> Record:
    kind = _required(data, "kind", at)
    if kind not in RECORD_LABELS:
        raise UnknownCode(_path(at, "kind"), kind, list(RECORD_LABELS))
    unit = _text(_required(data, "unit", at), _path(at, "unit"), required=True)
    return Record(kind=kind, unit=unit, person=_text(data.get("person"), _path(at, "person")),
                  note=_text(data.get("note"), _path(at, "note")),
                  seqs=_seqs(data.get("seqs"), _path(at, "seqs")))


def _read_snapshot(data: Mapping) -> Snapshot:
    year = _whole(_required(data, "year", ""), "year", minimum=2000)
    day = _required(data, "computed_on", "")
    try:
        computed_on = day if isinstance(day, dt.date) else dt.date.fromisoformat(day[:10])
    except (TypeError, ValueError):
        raise ReportInputInvalid("computed_on", f"must be an ISO date, not {day!r}") from None
    measures = {}
    for i, item in enumerate(_list(_required(data, "measures", ""), "measures")):
        if isinstance(item, str):
            item = {"code": item}
        measure = _read_measure(item, f"measures[{i}]")
        if measure.code in measures:
            raise ReportInputInvalid(f"measures[{i}].code", f"{measure.code!r} is listed twice")
        measures[measure.code] = measure
    if not measures:
        raise ReportInputInvalid("measures", "must name at least one measure")
    units = [_read_unit(item, f"units[{i}]", measures)
             for i, item in enumerate(_list(_required(data, "units", ""), "units"))]
    codes = [u.unit for u in units]
    for i, code in enumerate(codes):
        if code in codes[:i]:
            raise ReportInputInvalid(f"units[{i}].unit", f"{code!r} is listed twice")
    for i, unit in enumerate(units):
        if (unit.rank is None) != (unit.score is None):
            raise ReportInputInvalid(f"units[{i}].rank", "and score are given together or not "
                                                         "at all (a unit not scored)")
        before = units[i - 1].rank if i else None
        if i and (before is None and unit.rank is not None
                  or None not in (before, unit.rank) and unit.rank < before):
            raise ReportInputInvalid(f"units[{i}].rank", "units must come in ranking order, "
                                                         "those not scored last")
    known = set(codes)
    ledger_size = data.get("ledger_size")
    return Snapshot(
        year=year, computed_on=computed_on, measures=tuple(measures.values()),
        units=tuple(units),
        trends=tuple(_read_trend(item, f"trends[{i}]", measures, known)
                     for i, item in enumerate(_list(data.get("trends"), "trends"))),
        records=tuple(_read_record(item, f"records[{i}]")
                      for i, item in enumerate(_list(data.get("records"), "records"))),
        ledger_size=None if ledger_size is None else _whole(ledger_size, "ledger_size"),
        title=_text(data.get("title"), "title"))


# -- from the assessment ----------------------------------------------------------------------

# How each of the assessment's measures is shown: its kind and which way is better.
_ASSESSMENT_KINDS = {"supervision": (COUNT, False), "evaluation": (SCORE, True),
                     "redo": (RATE, False)}


def from_assessment(assessment, *, records: Iterable[Mapping] = (),
                    ledger_size: int | None = None, appeals: Iterable | None = None,
                    title: str = "") -> Snapshot:
    """The snapshot of an assessment (`supervision.assessment.Assessment`, or its `to_dict()`
    form as the AssessmentComputed event records it). `records` are the records made on it
    (dicts of kind, unit, person, note, seqs). Given the `appeals` (`facts.AppealFact`) it was
    computed from and the Assessment itself, each month's point cites its seqs, computed by the
    assessment's own measures, and a whole-city series (全市) is added."""
    from kernel.clock import office_day
    from kernel.envelope import parse_time
    from services.supervision.assessment import domain as assessing

    computed = assessment if isinstance(assessment, Mapping) else assessment.to_dict()
    scoring = computed.get("scoring") or {}
    weights = scoring.get("weights") or {}
    floor = scoring.get("satisfaction_floor")
    measures = []
    for item in computed["measures"]:
        code = item["code"]
        kind, higher = _ASSESSMENT_KINDS.get(code, (RATE, True))
        label = item.get("label") or MEASURE_LABELS.get(code)
        if code == "supervision":
            # its value is the steps' points (reminder 1 … listed 5), not a count of steps
            label = f"{label}(扣分点)"
        measures.append({"code": code, "label": label,
                         "kind": kind, "higher_is_better": higher,
                         "weight": weights.get(code, 0.0),
                         "floor": floor if code == "satisfaction" else None})
    units = [{"unit": u["unit"], "name": u["name"], "rank": u["rank"], "score": u["score"],
              "figures": {code: {"value": f["value"], "numerator": f["numerator"],
                                 "denominator": f["denominator"], "seqs": f["seqs"],
                                 "note": _detail_note(code, f.get("detail") or {})}
                          for code, f in u["figures"].items()}}
             for u in computed["units"]]
    trends = _assessment_trends(computed, assessment, appeals, assessing)
    as_of = computed["as_of"]
    day = office_day(as_of if isinstance(as_of, dt.datetime) else parse_time(as_of))
    return Snapshot.from_dict({
        "year": computed["year"], "computed_on": day.isoformat(), "ledger_size": ledger_size,
        "title": title, "measures": measures, "units": units, "trends": trends,
        "records": [dict(r) for r in records]})


def _detail_note(code: str, detail: Mapping) -> str:
    """A figure's make-up in words: the supervision steps received, the deliverables late or
    missing, the ratings counted, the bad ratings voided."""
    if code == "supervision":
        steps = detail.get("by_step") or {}
        if not steps:
            return "未被督查"
        from services.supervision.assessment.domain import STEPS
        return "、".join(f"{steps[s].get('label') or STEPS[s]}{steps[s]['count']}次"
                        for s in STEPS if s in steps)
    if code == "deliverables":
        words = [("late", "逾期"), ("missing", "未交")]
        return "、".join(f"{label}{detail[key]}项" for key, label in words if detail.get(key))
    if code == "evaluation" and detail.get("ratings"):
        return f"{detail['ratings']}份评议"
    if code == "satisfaction" and detail.get("voided"):
        # the ratings the office voided on the unit's 申诉: left out, each with its reason
        return "撤销差评" + "；".join(f"#{v['seq']}（{v['reason']}）" for v in detail["voided"])
    return ""


def _assessment_trends(computed: Mapping, assessment, appeals, assessing) -> list[dict]:
    # The stored snapshot (AssessmentComputed) carries its series, each point with its seqs.
    if isinstance(assessment, Mapping) and computed.get("trend_series") is not None:
        return [dict(series) for series in computed["trend_series"]]
    codes = [m.value for m in assessing.APPEAL_MEASURES]
    months_of = computed.get("trends") or {}
    point_seqs: dict[tuple[str, str, str], tuple[int, ...]] = {}
    city: dict[str, dict[str, object]] = {}
    if appeals is not None and not isinstance(assessment, Mapping):
        assessed = {u.unit for u in assessment.units}
        by_month: dict[str, list] = {}
        for fact in appeals:
            if fact.unit in assessed:
                by_month.setdefault(assessing.month_of(fact.dispatched_at), []).append(fact)
        for month, facts_ in sorted(by_month.items()):
            whole = assessing.appeal_figures(facts_, assessment.as_of)
            city[month] = {code: (whole[code].value, whole[code].seqs) for code in codes}
            for unit in {f.unit for f in facts_}:
                figures = assessing.appeal_figures([f for f in facts_ if f.unit == unit],
                                                   assessment.as_of)
                for code in codes:
                    point_seqs[unit, month, code] = figures[code].seqs
    trends = []
    for code in codes:
        if city:
            trends.append({"measure": code, "unit": "", "points": [
                {"month": month, "value": _plain(values[code][0]), "seqs": values[code][1]}
                for month, values in sorted(city.items())]})
        for unit, months in months_of.items():
            if not months:
                continue
            trends.append({"measure": code, "unit": unit, "points": [
                {"month": month, "value": _plain(values.get(code)),
                 "seqs": point_seqs.get((unit, month, code), ())}
                for month, values in sorted(months.items())]})
    return trends


def _plain(value) -> float | None:
    """A value as the report takes it: an exact fraction as a float."""
    return None if value is None else float(value)


# -- words and numbers -------------------------------------------------------------------------

def shown(measure: Measure, value: float | None) -> str:
    """A value as the report prints it: 92.5% for a rate, 3 for a count, 4.25 for a score."""
    if value is None:
        return "—"
    if measure.kind == RATE:
        return f"{value * 100:.1f}%"
    if measure.kind == COUNT:
        return f"{value:g}" if value == int(value) else f"{value:.2f}"
    return f"{value:.2f}"


def shown_figure(measure: Measure, figure: Figure | None) -> str:
    """A figure with what it was counted from: 92.5%(37/40)."""
    if figure is None or figure.value is None:
        return "—(无可计数事项)"
    text = shown(measure, figure.value)
    if measure.kind == RATE and figure.numerator is not None and figure.denominator is not None:
        text += f"({_n(figure.numerator)}/{_n(figure.denominator)})"
    if figure.note:
        text += f" {figure.note}"
    return text


def score_text(score: float | None) -> str:
    return "未评分" if score is None else f"{score:.2f}"


def rank_text(rank: int | None) -> str:
    return "—" if rank is None else str(rank)


def _n(number: float) -> str:
    return f"{number:g}"


def seq_ranges(seqs: Iterable[int]) -> str:
    """Seqs as runs: 3-6, 9, 12-13 (every seq in a run is cited)."""
    runs: list[list[int]] = []
    for seq in sorted(set(seqs)):
        if runs and seq == runs[-1][1] + 1:
            runs[-1][1] = seq
        else:
            runs.append([seq, seq])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def month_label(month: str) -> str:
    return f"{int(month.split('-')[1])}月"


# -- rendering -------------------------------------------------------------------------------

def render(snapshot: Snapshot | Mapping, fmt: str) -> tuple[str, str, bytes]:
    """The assessment as (filename, media type, bytes) in `fmt`: xlsx, pdf or json."""
    renderers = {"xlsx": xlsx_bytes, "pdf": pdf_bytes, "json": json_bytes}
    if fmt not in renderers:
        raise UnknownCode("format", fmt, list(FORMATS))
    if not isinstance(snapshot, Snapshot):
        snapshot = Snapshot.from_dict(snapshot)
    return filename(snapshot, fmt), MEDIA_TYPES[fmt], renderers[fmt](snapshot)


def filename(snapshot: Snapshot, fmt: str) -> str:
    """An ASCII file name: huiqi-assessment-<year>.<fmt>."""
    return f"huiqi-assessment-{snapshot.year}.{fmt}"


def display_name(snapshot: Snapshot, fmt: str) -> str:
    """The Chinese file name for a download's `filename*`."""
    return f"{snapshot.heading}.{fmt}"


def figure_index(snapshot: Snapshot, *, drawn_only: bool = False
                 ) -> list[tuple[str, str, str, str, tuple[int, ...]]]:
    """Every figure the exports show, as (chart, unit, name, value shown, seqs): the ranking's
    scores (图1), each measure by unit (图2…), each trend's points (of the series the PDF draws,
    when `drawn_only`); what the PDF's appendix and the workbook's 条目索引 list."""
    rows = []
    for unit in snapshot.units:
        rows.append(("图1 综合排名", unit.unit, unit.name, score_text(unit.score), unit.seqs))
    for n, measure in enumerate(snapshot.measures, start=2):
        for unit in snapshot.ranked_on(measure.code):
            figure = unit.figures.get(measure.code)
            rows.append((f"图{n} {measure.label}", unit.unit, unit.name,
                         shown_figure(measure, figure), figure.seqs if figure else ()))
    for n, (code, trends) in enumerate(_trends_by_measure(snapshot),
                                       start=len(snapshot.measures) + 2):
        measure = snapshot.measure(code)
        if drawn_only:
            trends, _ = drawn_trends(snapshot, trends)
        for trend in trends:
            for point in trend.points:
                rows.append((f"图{n} {measure.label}月度趋势 {month_label(point.month)}",
                             trend.unit, snapshot.name_of(trend.unit),
                             shown(measure, point.value), point.seqs))
    return rows


_MOST_LINES = 7  # more lines than this in one chart and none can be followed


def drawn_trends(snapshot: Snapshot, series: list[Trend]) -> tuple[list[Trend], str]:
    """The series one trend chart draws, and a note when some are left to the workbook: all
    when few; else the whole city's and the three first and three last units of the ranking."""
    if len(series) <= _MOST_LINES:
        return series, ""
    by_unit = {t.unit: t for t in series}
    ranked = [u.unit for u in snapshot.units if u.rank is not None and u.unit in by_unit]
    chosen = ranked[:3] + [u for u in ranked[-3:] if u not in ranked[:3]]
    drawn = ([by_unit[""]] if "" in by_unit else []) + [by_unit[u] for u in chosen]
    return drawn, ("图中示" + ("全市及" if "" in by_unit else "") + "综合排名前三位、后三位单位;"
                   "各单位逐月数据见 Excel 表“月度趋势”。")


def _trends_by_measure(snapshot: Snapshot) -> list[tuple[str, list[Trend]]]:
    out: dict[str, list[Trend]] = {}
    for trend in snapshot.trends:
        out.setdefault(trend.measure, []).append(trend)
    order = [m.code for m in snapshot.measures]
    return sorted(out.items(), key=lambda item: order.index(item[0]))


# -- JSON ------------------------------------------------------------------------------------

def dashboard(snapshot: Snapshot) -> dict:
    """The assessment for a dashboard, in a stable shape (`DASHBOARD_SCHEMA`):

        {"schema": "huiqi.assessment.dashboard/1", "year": 2016, "title": "…",
         "computed_on": "2016-12-31", "ledger_size": 1234 | null,
         "measures": [{"code", "label", "kind", "weight", "higher_is_better", "floor"}],
         "ranking": [{"rank", "unit", "name", "score", "below_floor": [measure codes],
                      "seqs": [...]}],
         "figures": {"<measure code>": [{"unit", "name", "value", "numerator",
                                         "denominator", "display", "seqs": [...]}]},
         "trends": [{"measure", "unit", "name", "points": [{"month", "value", "seqs"}]}],
         "records": [{"kind", "label", "unit", "name", "person", "note", "seqs"}]}

    Rates are shares in 0..1 (display holds the printed text, "92.5%(37/40)"); figures list
    every unit, best first on that measure, a unit with nothing to count last with value null;
    seqs are ascending ledger seqs; a trend's unit "" (name 全市) is the whole city.
    """
    return {
        "schema": DASHBOARD_SCHEMA,
        "year": snapshot.year,
        "title": snapshot.heading,
        "computed_on": snapshot.computed_on.isoformat(),
        "ledger_size": snapshot.ledger_size,
        "measures": [dataclasses.asdict(m) for m in snapshot.measures],
        "ranking": [{"rank": u.rank, "unit": u.unit, "name": u.name, "score": u.score,
                     "below_floor": [m.code for m in snapshot.below_floor(u)],
                     "seqs": list(u.seqs)} for u in snapshot.units],
        "figures": {m.code: [_figure_json(m, u) for u in snapshot.ranked_on(m.code)]
                    for m in snapshot.measures},
        "trends": [{"measure": t.measure, "unit": t.unit, "name": snapshot.name_of(t.unit),
                    "points": [{"month": p.month, "value": p.value, "seqs": list(p.seqs)}
                               for p in t.points]} for t in snapshot.trends],
        "records": [{"kind": r.kind, "label": RECORD_LABELS[r.kind], "unit": r.unit,
                     "name": snapshot.name_of(r.unit), "person": r.person, "note": r.note,
                     "seqs": list(r.seqs)} for r in snapshot.records],
    }


def _figure_json(measure: Measure, unit: UnitResult) -> dict:
    figure = unit.figures.get(measure.code) or Figure(None)
    return {"unit": unit.unit, "name": unit.name, "value": figure.value,
            "numerator": figure.numerator, "denominator": figure.denominator,
            "display": shown_figure(measure, figure), "seqs": list(figure.seqs)}


def json_bytes(snapshot: Snapshot) -> bytes:
    return json.dumps(dashboard(snapshot), ensure_ascii=False, indent=2).encode("utf-8")


# -- .xlsx -----------------------------------------------------------------------------------

_CELL_LIMIT = 32000  # Excel holds at most 32,767 characters in a cell


def xlsx_bytes(snapshot: Snapshot) -> bytes:
    """The workbook: 综合排名, one sheet per measure, 月度趋势, 结果运用, 条目索引."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    moment = dt.datetime.combine(snapshot.computed_on, dt.time())
    book.properties.creator = ISSUER
    book.properties.title = snapshot.heading
    book.properties.created = book.properties.modified = moment
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE4EE")
    red = Font(color="C00000")

    def sheet(title: str, heading: str, columns: list[tuple[str, int]], first=False):
        ws = book.active if first else book.create_sheet()
        ws.title = _sheet_title(title, book)
        ws.append([heading])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([name for name, _ in columns])
        for i, (_, width) in enumerate(columns, start=1):
            ws.cell(row=2, column=i).font = bold
            ws.cell(row=2, column=i).fill = head_fill
            ws.cell(row=2, column=i).alignment = Alignment(wrap_text=True, vertical="center")
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "C3"
        return ws

    def number_format(measure: Measure) -> str:
        return "0.0%" if measure.kind == RATE else "0" if measure.kind == COUNT else "0.00"

    # 综合排名
    ws = sheet("综合排名", f"{snapshot.heading} · 综合排名",
               [("名次", 6), ("单位名称", 28), ("单位代码", 16), ("综合得分", 10)]
               + [(m.label, 12) for m in snapshot.measures] + [("低于下限", 16)], first=True)
    for unit in snapshot.units:
        ws.append([unit.rank, unit.name, unit.unit, unit.score]
                  + [_value(unit, m.code) for m in snapshot.measures]
                  + ["、".join(m.label for m in snapshot.below_floor(unit))])
        row = ws.max_row
        ws.cell(row=row, column=4).number_format = "0.00"
        for i, measure in enumerate(snapshot.measures, start=5):
            ws.cell(row=row, column=i).number_format = number_format(measure)
            value = _value(unit, measure.code)
            if measure.floor is not None and value is not None and value < measure.floor:
                ws.cell(row=row, column=i).font = red
    ws.append([])
    ws.append(["权重"] + [None] * 3 + [m.weight for m in snapshot.measures])
    if any(m.floor is not None for m in snapshot.measures):
        ws.append(["下限"] + [None] * 3 + [m.floor for m in snapshot.measures])

    # a sheet per measure
    for measure in snapshot.measures:
        ws = sheet(measure.label, f"{measure.label}({measure.code})" + (
            f" · 下限 {shown(measure, measure.floor)}" if measure.floor is not None else ""),
            [("本项名次", 8), ("单位名称", 28), ("单位代码", 16), ("分子", 8), ("分母", 8),
             (measure.label, 12), ("综合名次", 8), ("条目序号", 60)])
        for place, unit in enumerate(snapshot.ranked_on(measure.code), start=1):
            figure = unit.figures.get(measure.code) or Figure(None)
            ws.append([place if figure.value is not None else None, unit.name, unit.unit,
                       figure.numerator, figure.denominator, figure.value, unit.rank,
                       seq_ranges(figure.seqs)[:_CELL_LIMIT]])
            ws.cell(row=ws.max_row, column=6).number_format = number_format(measure)

    # 月度趋势: months down, series across
    if snapshot.trends:
        series = snapshot.trends
        ws = sheet("月度趋势", "月度趋势",
                   [("月份", 10)] + [(_series_name(snapshot, t), 18) for t in series])
        ws.freeze_panes = "B3"
        months = sorted({p.month for t in series for p in t.points})
        for month in months:
            values = [next((p.value for p in t.points if p.month == month), None)
                      for t in series]
            ws.append([month] + values)
            for i, trend in enumerate(series, start=2):
                ws.cell(row=ws.max_row, column=i).number_format = number_format(
                    snapshot.measure(trend.measure))

    # 结果运用
    ws = sheet("结果运用", "考核结果运用", [("类别", 14), ("单位名称", 28), ("单位代码", 16),
                                        ("人员", 12), ("事由", 40), ("条目序号", 40)])
    for record in snapshot.records:
        ws.append([RECORD_LABELS[record.kind], snapshot.name_of(record.unit), record.unit,
                   record.person, record.note, seq_ranges(record.seqs)[:_CELL_LIMIT]])

    # 条目索引: one row per figure, the seqs in full (runs), continued on further rows if long
    ws = sheet("条目索引", "各项数据所据账本条目(序号可在 /api/v1/audit/entries/{seq} 查验)",
               [("图表", 28), ("单位名称", 28), ("单位代码", 16), ("数值", 16), ("条目数", 8),
                ("条目序号", 80)])
    for chart, unit, name, value, seqs in figure_index(snapshot):
        text = seq_ranges(seqs)
        chunks = [text[i:i + _CELL_LIMIT] for i in range(0, len(text), _CELL_LIMIT)] or [""]
        ws.append([chart, name, unit, value, len(seqs), chunks[0]])
        for chunk in chunks[1:]:
            ws.append([chart, name, unit, "(续)", None, chunk])

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _series_name(snapshot: Snapshot, trend: Trend) -> str:
    return f"{snapshot.measure(trend.measure).label}·{snapshot.name_of(trend.unit)}"


def _sheet_title(title: str, book) -> str:
    """A sheet title Excel takes: at most 31 characters, none of []:*?/\\, unique."""
    clean = re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "sheet"
    taken = {ws.title for ws in book.worksheets[:-1]}
    candidate, n = clean, 2
    while candidate in taken:
        candidate = f"{clean[:28]}({n})"
        n += 1
    return candidate


# -- PDF -------------------------------------------------------------------------------------

_FONT = "cjk"
_INK = (33, 37, 41)
_GRID = (215, 219, 224)
_BAR = (52, 101, 164)
_BAR_BEST = (46, 139, 87)
_BAR_LOW = (200, 40, 40)
_MUTED = (110, 110, 110)
# Line colours a reader tells apart, in print as on screen; past eight, dashes tell them apart.
_PALETTE = [(52, 101, 164), (214, 96, 30), (46, 139, 87), (160, 50, 140), (200, 40, 40),
            (120, 120, 30), (30, 150, 170), (90, 90, 90)]
_ROW = 5.2       # mm per bar
_LABEL_W = 42    # unit names left of the bars
_VALUE_W = 30    # the value after the bar


def _pdf_class():
    from fpdf import FPDF

    class ReportPDF(FPDF):
        """The report's running head and 第 n 页 / 共 m 页 on every page but the cover."""

        running_head = ""

        def header(self):
            if self.page_no() == 1:
                return
            self.set_font(_FONT, size=8)
            self.set_text_color(*_MUTED)
            self.cell(0, 6, self.running_head, align="C", new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(*_INK)
            self.ln(2)

        def footer(self):
            self.set_y(-14)
            self.set_font(_FONT, size=8)
            self.set_text_color(*_MUTED)
            self.cell(0, 8, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")
            self.set_text_color(*_INK)

    return ReportPDF


def pdf_bytes(snapshot: Snapshot) -> bytes:
    """The printable report: cover and summary, 一 综合排名, 二 分项指标, 三 月度趋势,
    四 考核结果运用, 附录 (the seqs behind every chart's figures)."""
    font = fonts.cjk_font_path(document="assessment report")
    pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
    pdf.running_head = snapshot.heading
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font(_FONT, "", str(font))
    pdf.set_font(_FONT, size=10)
    pdf.set_text_color(*_INK)
    # Fixed metadata: the same snapshot gives the same bytes.
    pdf.set_creation_date(dt.datetime.combine(snapshot.computed_on, dt.time(),
                                              tzinfo=dt.timezone(dt.timedelta(hours=8))))
    pdf.set_title(snapshot.heading)
    pdf.set_author(ISSUER)
    pdf.set_lang("zh-CN")

    _cover(pdf, snapshot)
    _section(pdf, "一、综合排名")
    _caption(pdf, "图1 综合排名(综合得分)")
    _hbars(pdf, [(u.name, u.score, f"第{u.rank}名 {score_text(u.score)}" if u.rank
                  else "未评分(无可考核事项)", _BAR_BEST if u.rank and u.rank <= 3 and
                  len(snapshot.units) > 6 else _BAR) for u in snapshot.units],
           scale=_score_scale(snapshot), caption="图1 综合排名(续)")
    _ranking_table(pdf, snapshot)

    _section(pdf, "二、分项指标")
    for n, measure in enumerate(snapshot.measures, start=2):
        _measure_chart(pdf, snapshot, measure, n)

    trends = _trends_by_measure(snapshot)
    if trends:
        _section(pdf, "三、月度趋势")
        for n, (code, series) in enumerate(trends, start=len(snapshot.measures) + 2):
            _trend_chart(pdf, snapshot, snapshot.measure(code), series, n)

    _section(pdf, "四、考核结果运用" if trends else "三、考核结果运用")
    _records(pdf, snapshot)
    _appendix(pdf, snapshot)
    return bytes(pdf.output())


def _cover(pdf, snapshot: Snapshot) -> None:
    from fpdf.enums import XPos, YPos

    pdf.add_page()
    pdf.set_y(40)
    pdf.set_font(_FONT, size=20)
    pdf.multi_cell(0, 11, snapshot.heading, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font(_FONT, size=11)
    pdf.cell(0, 7, ISSUER, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    day = snapshot.computed_on
    pdf.cell(0, 7, f"{day.year}年{day.month}月{day.day}日", align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(10)
    pdf.set_font(_FONT, size=10.5)
    units = len(snapshot.units)
    lines = [f"参加考核单位 {units} 个。综合得分按各项指标加权计算,权重如下:"]
    lines += [f"  {m.label}:{m.weight * 100:g}%" + ("(越低越好)" if not m.higher_is_better
                                                      else "")
              + (f",下限 {shown(m, m.floor)}" if m.floor is not None else "")
              for m in snapshot.measures]
    best = [u for u in snapshot.units if u.rank == 1]
    if best:
        lines.append(f"综合排名第一:{'、'.join(u.name for u in best)}"
                     f"(综合得分 {score_text(best[0].score)})。")
    elif snapshot.units:
        # A year with nothing yet to count (no appeal, deliverable or rating): no ranking.
        lines.append("尚无单位有可计分的数据,暂不排名。")
    for measure in snapshot.measures:
        if measure.floor is None:
            continue
        low = [u.name for u in snapshot.units if measure in snapshot.below_floor(u)]
        if low:
            lines.append(f"{measure.label}低于下限 {shown(measure, measure.floor)} 的单位:"
                         f"{'、'.join(low)}。")
        else:
            lines.append(f"各单位{measure.label}均不低于下限 {shown(measure, measure.floor)}。")
    source = (f"账本第1至{snapshot.ledger_size}条" if snapshot.ledger_size else "账本条目")
    lines.append(f"本报告每一数据均据{source}计算,所据条目序号见附录,"
                 "可在 /api/v1/audit/entries/{序号} 查验。")
    for line in lines:
        pdf.multi_cell(0, 6.5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _section(pdf, title: str) -> None:
    from fpdf.enums import XPos, YPos

    pdf.add_page()
    pdf.start_section(title)
    pdf.set_font(_FONT, size=15)
    pdf.cell(0, 10, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _caption(pdf, text: str, note: str = "") -> None:
    from fpdf.enums import XPos, YPos

    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.set_font(_FONT, size=11)
    pdf.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if note:
        pdf.set_font(_FONT, size=8)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(0, 4.5, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*_INK)
    pdf.ln(1)


def _nice_top(value: float) -> float:
    """The axis's end: the least of 1, 2, 2.5, 5 × 10^k not below the value."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def _score_scale(snapshot: Snapshot) -> tuple[float, list[float], callable]:
    scores = [u.score for u in snapshot.units if u.score is not None]
    top = 100.0 if all(0 <= v <= 100 for v in scores) and any(v > 1 for v in scores) \
        else _nice_top(max(scores + [0]))
    return top, [top * i / 4 for i in range(5)], lambda v: f"{v:g}"


def _measure_scale(snapshot: Snapshot, measure: Measure):
    if measure.kind == RATE:
        return 1.0, [i / 4 for i in range(5)], lambda v: f"{v * 100:g}%"
    largest = max([_value(u, measure.code) or 0 for u in snapshot.units] + [0])
    if measure.kind == SCORE and largest <= 5:
        return 5.0, [0, 1, 2, 3, 4, 5], lambda v: f"{v:g}"
    return _count_scale(largest)


def _count_scale(largest: float):
    """An axis of whole numbers: four equal steps, each a whole number."""
    step = max(1, math.ceil(_nice_top(largest / 4))) if largest > 4 else 1
    return 4.0 * step, [step * i for i in range(5)], lambda v: f"{v:g}"


def _truncate(pdf, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _hbars(pdf, rows: list[tuple[str, float | None, str, tuple]], *, scale, caption: str,
           floor: float | None = None, floor_label: str = "") -> None:
    """Horizontal bars, one row each: name, bar, the value's text. Continues on the next page
    under `caption` when the rows do not fit."""
    top, ticks, tick_text = scale
    x0 = pdf.l_margin + _LABEL_W + 2
    width = pdf.epw - _LABEL_W - 2 - _VALUE_W
    remaining = list(rows)
    first = True
    while remaining:
        if not first:
            pdf.add_page()
            _caption(pdf, caption)
        room = pdf.h - pdf.b_margin - pdf.get_y() - 12
        fit = max(1, int(room // _ROW))
        chunk, remaining = remaining[:fit], remaining[fit:]
        first = False
        y0 = pdf.get_y() + 5
        height = len(chunk) * _ROW
        # axis: gridlines and their values above the bars
        pdf.set_font(_FONT, size=7)
        pdf.set_line_width(0.2)
        for tick in ticks:
            x = x0 + width * tick / top
            pdf.set_draw_color(*_GRID)
            pdf.line(x, y0 - 1, x, y0 + height)
            pdf.set_text_color(*_MUTED)
            pdf.set_xy(x - 8, y0 - 5)
            pdf.cell(16, 4, tick_text(tick), align="C")
        for i, (name, value, text, colour) in enumerate(chunk):
            y = y0 + i * _ROW
            pdf.set_font(_FONT, size=8.5)
            pdf.set_text_color(*_INK)
            pdf.set_xy(pdf.l_margin, y)
            pdf.cell(_LABEL_W, _ROW, _truncate(pdf, name, _LABEL_W - 1), align="R")
            length = 0.0
            if value is not None and top > 0:
                length = width * max(0.0, min(value, top)) / top
                pdf.set_fill_color(*colour)
                pdf.rect(x0, y + 0.8, max(length, 0.4), _ROW - 1.6, style="F")
            pdf.set_font(_FONT, size=8)
            pdf.set_text_color(*(colour if colour == _BAR_LOW else _INK))
            pdf.set_xy(x0 + length + 1, y)
            pdf.cell(_VALUE_W + width - length - 1, _ROW, text)
        pdf.set_draw_color(*_INK)
        pdf.line(x0, y0 - 1, x0, y0 + height)
        if floor is not None and top > 0:
            x = x0 + width * floor / top
            pdf.set_draw_color(*_BAR_LOW)
            pdf.set_line_width(0.4)
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
            pdf.line(x, y0 - 1, x, y0 + height)
            pdf.set_dash_pattern()
            pdf.set_font(_FONT, size=7)
            pdf.set_text_color(*_BAR_LOW)
            pdf.set_xy(x - 15, y0 + height)
            pdf.cell(30, 4, floor_label, align="C")
        pdf.set_text_color(*_INK)
        pdf.set_draw_color(*_INK)
        pdf.set_fill_color(255)
        pdf.set_line_width(0.2)
        pdf.set_y(y0 + height + 6)


_HEAD_FILL = (221, 228, 238)
_STRIPE = (245, 247, 250)


def _table(pdf, size: float, widths, aligns, line_height: float):
    """A table in the report's look: shaded heading, striped rows, light rules."""
    from fpdf.fonts import FontFace

    pdf.set_font(_FONT, size=size)
    pdf.set_draw_color(150, 155, 160)
    pdf.set_line_width(0.2)
    return pdf.table(col_widths=widths, text_align=aligns, line_height=line_height,
                     headings_style=FontFace(family=_FONT, size_pt=size, fill_color=_HEAD_FILL),
                     cell_fill_color=_STRIPE, cell_fill_mode="ROWS")


def _ranking_table(pdf, snapshot: Snapshot) -> None:
    from fpdf.fonts import FontFace

    _caption(pdf, "表1 各单位考核指标汇总", "“—”表示该项无可计数事项;红字低于下限。")
    measures = snapshot.measures
    rest = pdf.epw - 10 - 36 - 14
    widths = (10, 36, 14) + (rest / max(len(measures), 1),) * len(measures)
    with _table(pdf, 7.5, widths, "CENTER", 4.6) as table:
        row = table.row()
        for text in ["名次", "单位", "综合得分"] + [m.label for m in measures]:
            row.cell(text)
        for unit in snapshot.units:
            row = table.row()
            row.cell(rank_text(unit.rank))
            row.cell(unit.name, align="LEFT")
            row.cell(score_text(unit.score))
            low = snapshot.below_floor(unit)
            for measure in measures:
                style = FontFace(color=_BAR_LOW) if measure in low else None
                row.cell(shown(measure, _value(unit, measure.code)), style=style)
    pdf.set_font(_FONT, size=10)


def _measure_chart(pdf, snapshot: Snapshot, measure: Measure, n: int) -> None:
    title = f"图{n} {measure.label}"
    note = _measure_note(measure)
    _caption(pdf, title, note)
    rows = []
    for unit in snapshot.ranked_on(measure.code):
        figure = unit.figures.get(measure.code)
        value = figure.value if figure else None
        low = measure.floor is not None and value is not None and value < measure.floor
        rows.append((unit.name, value, shown_figure(measure, figure),
                     _BAR_LOW if low else _BAR))
    floor = measure.floor
    _hbars(pdf, rows, scale=_measure_scale(snapshot, measure), caption=f"{title}(续)",
           floor=floor, floor_label=f"下限 {shown(measure, floor)}" if floor is not None else "")


def _measure_note(measure: Measure) -> str:
    parts = [f"权重 {measure.weight * 100:g}%"]
    parts.append("越高越好" if measure.higher_is_better else "越低越好")
    if measure.floor is not None:
        parts.append(f"下限 {shown(measure, measure.floor)},低于下限者以红色标出")
    if measure.kind == RATE:
        parts.append("括号内为分子/分母")
    return ";".join(parts) + "。"


def _trend_chart(pdf, snapshot: Snapshot, measure: Measure, series: list[Trend],
                 n: int) -> None:
    """Lines over the months, one per series, with a legend below."""
    title = f"图{n} {measure.label}月度趋势"
    series, note = drawn_trends(snapshot, series)
    legend_rows = math.ceil(len(series) / 3)
    needed = 75 + legend_rows * 5
    if pdf.will_page_break(needed + 12):
        pdf.add_page()
    _caption(pdf, title, note)
    months = sorted({p.month for t in series for p in t.points})
    if measure.kind == RATE:
        top, ticks, tick_text = _measure_scale(snapshot, measure)
    else:
        top, ticks, tick_text = _count_scale(
            max([p.value or 0 for t in series for p in t.points] + [0]))
    x0, y0 = pdf.l_margin + 12, pdf.get_y() + 2
    width, height = pdf.epw - 16, 60

    def at(i: int, value: float) -> tuple[float, float]:
        step = width / max(len(months) - 1, 1)
        x = x0 + (i * step if len(months) > 1 else width / 2)
        return x, y0 + height - height * max(0.0, min(value, top)) / top

    pdf.set_line_width(0.2)
    pdf.set_font(_FONT, size=7)
    for tick in ticks:
        y = y0 + height - height * tick / top
        pdf.set_draw_color(*_GRID)
        pdf.line(x0, y, x0 + width, y)
        pdf.set_text_color(*_MUTED)
        pdf.set_xy(pdf.l_margin - 2, y - 2)
        pdf.cell(13, 4, tick_text(tick), align="R")
    for i, month in enumerate(months):
        x, _ = at(i, 0)
        pdf.set_xy(x - 8, y0 + height + 1)
        pdf.cell(16, 4, month_label(month), align="C")
    pdf.set_draw_color(*_INK)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    # the whole city's line in ink and heavier, the units' in the palette's colours
    colours = []
    for trend in series:
        colours.append(_INK if not trend.unit else
                       _PALETTE[sum(1 for c in colours if c != _INK) % len(_PALETTE)])
    for k, trend in enumerate(series):
        colour = colours[k]
        pdf.set_draw_color(*colour)
        pdf.set_fill_color(*colour)
        pdf.set_line_width(1.0 if not trend.unit else 0.6)
        if k >= len(_PALETTE) + 1:
            pdf.set_dash_pattern(dash=1.5, gap=1)
        index = {p.month: p for p in trend.points}
        run: list[tuple[float, float]] = []
        for i, month in enumerate(months):
            point = index.get(month)
            if point is None or point.value is None:
                if len(run) > 1:
                    pdf.polyline(run)
                run = []
                continue
            run.append(at(i, point.value))
        if len(run) > 1:
            pdf.polyline(run)
        pdf.set_dash_pattern()
        for i, month in enumerate(months):
            point = index.get(month)
            if point is not None and point.value is not None:
                x, y = at(i, point.value)
                pdf.circle(x, y, 0.8, style="F")
                if len(series) <= 3:
                    # few lines: each point's value printed beside it
                    pdf.set_font(_FONT, size=6.5)
                    pdf.set_text_color(*colour)
                    pdf.set_xy(x - 8, y - 5)
                    pdf.cell(16, 3.5, shown(measure, point.value), align="C")
    if measure.floor is not None:
        _, y = at(0, measure.floor)
        pdf.set_draw_color(*_BAR_LOW)
        pdf.set_line_width(0.3)
        pdf.set_dash_pattern(dash=1.2, gap=0.8)
        pdf.line(x0, y, x0 + width, y)
        pdf.set_dash_pattern()
        pdf.set_font(_FONT, size=7)
        pdf.set_text_color(*_BAR_LOW)
        pdf.set_xy(x0 + width - 30, y + 0.5)
        pdf.cell(30, 3.5, f"下限 {shown(measure, measure.floor)}", align="R")
    # the legend
    pdf.set_line_width(0.2)
    y = y0 + height + 7
    column = pdf.epw / 3
    for k, trend in enumerate(series):
        x = pdf.l_margin + (k % 3) * column
        row_y = y + (k // 3) * 5
        pdf.set_fill_color(*colours[k])
        pdf.rect(x, row_y + 1.3, 6, 1.6, style="F")
        pdf.set_font(_FONT, size=8)
        pdf.set_text_color(*_INK)
        pdf.set_xy(x + 7, row_y)
        rank = next((u.rank for u in snapshot.units if u.unit == trend.unit and u.rank), None)
        name = snapshot.name_of(trend.unit) + (f"(第{rank}名)" if rank else "")
        pdf.cell(column - 8, 4.5, _truncate(pdf, name, column - 9))
    pdf.set_text_color(*_INK)
    pdf.set_draw_color(*_INK)
    pdf.set_fill_color(255)
    pdf.set_y(y + legend_rows * 5 + 4)


def _records(pdf, snapshot: Snapshot) -> None:
    from fpdf.enums import XPos, YPos

    if not snapshot.records:
        pdf.set_font(_FONT, size=10.5)
        pdf.multi_cell(0, 6.5, "本年度尚未据考核结果作出表彰、诫勉谈话、问责或移交纪检监察。",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    with _table(pdf, 8.5, (22, 38, 18, 60, 36), ("CENTER", "LEFT", "LEFT", "LEFT", "LEFT"),
                5) as table:
        row = table.row()
        for text in ("类别", "单位", "人员", "事由", "条目序号"):
            row.cell(text)
        for record in snapshot.records:
            row = table.row()
            for text in (RECORD_LABELS[record.kind], snapshot.name_of(record.unit),
                         record.person or "—", record.note or "—",
                         seq_ranges(record.seqs) or "—"):
                row.cell(text)
    pdf.set_font(_FONT, size=10)


def _appendix(pdf, snapshot: Snapshot) -> None:
    _section(pdf, "附录 各图数据所据账本条目")
    pdf.set_font(_FONT, size=8.5)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(0, 4.8, "每行列出一个数据所据的账本条目序号(“3-6”表示第3至第6条);"
                           "每一条目可在 /api/v1/audit/entries/{序号} 查验其内容与哈希链。",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*_INK)
    pdf.ln(2)
    with _table(pdf, 7.5, (44, 26, 46, 58), ("LEFT", "LEFT", "RIGHT", "LEFT"), 4.2) as table:
        row = table.row()
        for text in ("图表", "单位", "数值", "条目序号"):
            row.cell(text)
        for chart, _, name, value, seqs in figure_index(snapshot, drawn_only=True):
            row = table.row()
            for text in (chart, name, value, seq_ranges(seqs) or "—"):
                row.cell(text)
    pdf.set_font(_FONT, size=10)
