"""The assessment's exports (services.supervision.report.render): a snapshot of four units —
one not scored — rendered to PDF, .xlsx and JSON, then read back (the PDF by pypdf's text
extractor, the workbook by openpyxl, the JSON by json) to check that the ranking, every unit's
figures and the seqs behind each are there; a snapshot the report cannot be made from is
refused naming the field; and an assessment computed by `supervision.assessment` maps to a
snapshot whose figures and seqs are the assessment's own."""
import datetime as dt
import io
import json
import re

import pytest

from kernel import fonts
from services.supervision.assessment import domain as assessment
from services.supervision import facts
from services.supervision.report import render as report

pypdf = pytest.importorskip("pypdf")
openpyxl = pytest.importorskip("openpyxl")

MEASURES = [
    {"code": "signing", "label": "按时签收率", "weight": 0.3},
    {"code": "satisfaction", "label": "满意率", "weight": 0.4, "floor": 0.85},
    {"code": "redo", "label": "发回重办率", "weight": 0.2, "higher_is_better": False},
    {"code": "supervision", "label": "被督查", "kind": "count", "weight": 0.1,
     "higher_is_better": False},
]


def _unit(code, name, rank, score, signing, satisfaction, redo, supervision):
    def rate(pair, seqs):
        if pair is None:
            return {"value": None, "numerator": 0, "denominator": 0, "seqs": []}
        return {"value": pair[0] / pair[1], "numerator": pair[0], "denominator": pair[1],
                "seqs": seqs}
    return {"unit": code, "name": name, "rank": rank, "score": score, "figures": {
        "signing": rate(signing[0], signing[1]),
        "satisfaction": rate(satisfaction[0], satisfaction[1]),
        "redo": rate(redo[0], redo[1]),
        "supervision": {"value": supervision[0], "numerator": supervision[0],
                        "denominator": 20, "seqs": supervision[1],
                        "note": supervision[2]}}}


SNAPSHOT = {
    "year": 2016,
    "computed_on": "2016-12-31",
    "ledger_size": 240,
    "measures": MEASURES,
    "units": [
        _unit("zhanggong", "章贡区", 1, 93.75, ((19, 20), [11, 12, 13, 14, 15, 40]),
              ((9, 10), [21, 22, 23]), ((1, 10), [21]), (0, [], "未被督查")),
        _unit("fgw", "市发改委", 2, 88.5, ((15, 16), [51, 52, 53]),
              ((8, 9), [61, 62]), ((0, 9), [61, 62]), (1, [77], "电话催办1次")),
        _unit("ruijin", "瑞金市", 3, 71.25, ((12, 16), [81, 82, 83, 84, 99]),
              ((6, 8), [91, 92]), ((2, 8), [93]), (3, [101, 102], "电话催办1次、督查通知书1次")),
        _unit("tongjiju", "市统计局", None, None, (None, []), (None, []), (None, []),
              (0, [], "未被督查")),
    ],
    "trends": [
        {"measure": "signing", "unit": "", "points": [
            {"month": "2016-05", "value": 0.8, "seqs": [11, 51]},
            {"month": "2016-06", "value": 0.9, "seqs": [12, 52, 81]},
            {"month": "2016-07", "value": 0.875, "seqs": [13, 82]}]},
        {"measure": "signing", "unit": "ruijin", "points": [
            {"month": "2016-06", "value": 0.5, "seqs": [81]},
            {"month": "2016-07", "value": 0.75, "seqs": [82]}]},
        {"measure": "satisfaction", "unit": "", "points": [
            {"month": "2016-06", "value": 0.9, "seqs": [21, 61]},
            {"month": "2016-07", "value": None, "seqs": []}]},
    ],
    "records": [
        {"kind": "commendation", "unit": "zhanggong", "note": "综合排名第一", "seqs": [230]},
        {"kind": "admonishment_talk", "unit": "ruijin", "person": "李某",
         "note": "满意率低于下限", "seqs": [231, 232, 233]},
    ],
}

# every unit's figures as the PDF prints them (the value, then numerator/denominator)
PRINTED = {
    "章贡区": ["第1名 93.75", "95.0%(19/20)", "90.0%(9/10)", "10.0%(1/10)", "0 未被督查"],
    "市发改委": ["第2名 88.50", "93.8%(15/16)", "88.9%(8/9)", "0.0%(0/9)", "1 电话催办1次"],
    "瑞金市": ["第3名 71.25", "75.0%(12/16)", "75.0%(6/8)", "25.0%(2/8)",
              "3 电话催办1次、督查通知书1次"],
    "市统计局": ["未评分(无可考核事项)", "—(无可计数事项)"],
}


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def snapshot() -> report.Snapshot:
    return report.Snapshot.from_dict(SNAPSHOT)


@pytest.fixture(scope="module")
def pdf_data(snapshot) -> bytes:
    name, media_type, data = report.render(snapshot, "pdf")
    assert (name, media_type) == ("huiqi-assessment-2016.pdf", "application/pdf")
    assert data.startswith(b"%PDF-")
    return data


@pytest.fixture(scope="module")
def pdf_pages(pdf_data) -> list[str]:
    return [_flat(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(pdf_data)).pages]


@pytest.fixture(scope="module")
def workbook(snapshot):
    name, media_type, data = report.render(snapshot, "xlsx")
    assert name == "huiqi-assessment-2016.xlsx" and media_type.endswith("spreadsheetml.sheet")
    return openpyxl.load_workbook(io.BytesIO(data))


# -- the PDF ---------------------------------------------------------------------------------

def test_the_pdf_holds_the_ranking_in_order(pdf_pages):
    text = "".join(pdf_pages)
    assert "2016年度降低企业成本优化发展环境专项行动年终考核报告" in text
    chart = text[text.index("图1综合排名"):]
    places = [chart.index(_flat(f"{name}{printed[0]}")) for name, printed in PRINTED.items()]
    assert places == sorted(places), "the ranking chart lists the units best first"
    table = text[text.index("表1各单位考核指标汇总"):]
    assert "1章贡区93.75" in table and "2市发改委88.50" in table and "3瑞金市71.25" in table
    assert "—市统计局未评分" in table


def test_the_pdf_prints_every_units_figure_on_each_measures_chart(pdf_pages):
    text = "".join(pdf_pages)
    for name, printed in PRINTED.items():
        for figure in printed:
            assert _flat(figure) in text, (name, figure)
    signing = text[text.index("图2按时签收率"):text.index("图3满意率")]
    # best first on the measure: 95.0% (章贡区), 93.8% (市发改委), 75.0% (瑞金市), none last
    assert [signing.index(n) for n in ("章贡区", "市发改委", "瑞金市", "市统计局")] == sorted(
        signing.index(n) for n in ("章贡区", "市发改委", "瑞金市", "市统计局"))
    redo = text[text.index("图4发回重办率"):text.index("图5被督查")]
    # lower is better: 0.0% first
    assert redo.index("市发改委") < redo.index("章贡区") < redo.index("瑞金市")


def test_the_pdf_names_the_units_below_the_floor(pdf_pages):
    text = "".join(pdf_pages)
    assert "满意率低于下限85.0%的单位:瑞金市。" in text
    assert "下限85.0%" in text[text.index("图3满意率"):text.index("图4发回重办率")]


def test_the_pdf_draws_the_trends_and_lists_the_records(pdf_pages):
    text = "".join(pdf_pages)
    trends = text[text.index("三、月度趋势"):text.index("四、考核结果运用")]
    assert "图6按时签收率月度趋势" in trends and "图7满意率月度趋势" in trends
    assert all(month in trends for month in ("5月", "6月", "7月"))
    assert "全市" in trends and "瑞金市" in trends and "87.5%" in trends
    records = text[text.index("四、考核结果运用"):text.index("附录各图数据所据账本条目")]
    assert "表彰章贡区" in records and "诫勉谈话瑞金市李某满意率低于下限231-233" in records


def test_the_appendix_cites_the_seqs_behind_every_figure(pdf_pages, snapshot):
    appendix = "".join(pdf_pages)
    appendix = appendix[appendix.index("附录各图数据所据账本条目"):]
    # the score's seqs are the union of its figures': 11-15, 21-23, 40
    assert "图1综合排名章贡区93.7511-15,21-23,40" in appendix
    assert "图2按时签收率瑞金市75.0%(12/16)81-84,99" in appendix
    assert "图5被督查瑞金市3电话催办1次、督查通知书1次101-102" in appendix
    assert "图6按时签收率月度趋势7月瑞金市75.0%82" in appendix
    rows = report.figure_index(snapshot, drawn_only=True)
    for chart, _, name, value, seqs in rows:
        assert _flat(f"{chart}{name}{value}{report.seq_ranges(seqs) or '—'}") in appendix


def test_the_pdf_has_page_numbers_and_fixed_dates(pdf_data, pdf_pages):
    reader = pypdf.PdfReader(io.BytesIO(pdf_data))
    assert reader.metadata["/CreationDate"].startswith("D:20161231")
    assert f"第2页/共{len(pdf_pages)}页" in pdf_pages[1]
    assert report.render(SNAPSHOT, "pdf")[2] == pdf_data


def test_a_missing_font_is_named_with_the_remedy(snapshot, monkeypatch, tmp_path):
    monkeypatch.setenv(fonts.FONT_SETTING, str(tmp_path / "nothing.ttf"))
    with pytest.raises(fonts.CjkFontMissing, match="assessment report.*HUIQI_CJK_FONT"):
        report.render(snapshot, "pdf")


def test_a_long_ranking_runs_on_over_pages(snapshot):
    many = dict(SNAPSHOT, trends=[], records=[], units=[
        _unit(f"u{n:02}", f"单位{n:02}", n, 100 - n, ((n, 60), [n]), ((9, 10), [100 + n]),
              ((0, 9), []), (0, [], "未被督查")) for n in range(1, 61)])
    text = "".join(_flat(p.extract_text()) for p in pypdf.PdfReader(
        io.BytesIO(report.render(many, "pdf")[2])).pages)
    assert "图1综合排名(续)" in text
    for n in range(1, 61):
        assert f"单位{n:02}第{n}名{100 - n:.2f}" in text


def test_a_year_with_nothing_scored_reports_no_ranking():
    """Early in a year (or on a fresh ledger) no unit has anything to count: the report still
    renders, every unit unscored, and says there is no ranking yet."""
    empty = dict(SNAPSHOT, trends=[], records=[], units=[
        _unit(code, name, None, None, (None, []), (None, []), (None, []), (0, [], "未被督查"))
        for code, name in (("zhanggong", "章贡区"), ("ruijin", "瑞金市"))])
    for fmt in ("pdf", "xlsx", "json"):
        assert report.render(empty, fmt)[2]
    text = "".join(_flat(p.extract_text()) for p in pypdf.PdfReader(
        io.BytesIO(report.render(empty, "pdf")[2])).pages)
    assert "尚无单位有可计分的数据,暂不排名。" in text
    assert "综合排名第一" not in text


# -- the workbook ----------------------------------------------------------------------------

def test_the_workbook_ranks_the_units_with_every_measure(workbook):
    assert workbook.sheetnames == ["综合排名", "按时签收率", "满意率", "发回重办率", "被督查",
                                   "月度趋势", "结果运用", "条目索引"]
    ranking = list(workbook["综合排名"].iter_rows(min_row=2, values_only=True))
    assert ranking[0] == ("名次", "单位名称", "单位代码", "综合得分", "按时签收率", "满意率",
                          "发回重办率", "被督查", "低于下限")
    assert ranking[1] == (1, "章贡区", "zhanggong", 93.75, 0.95, 0.9, 0.1, 0, None)
    assert ranking[3] == (3, "瑞金市", "ruijin", 71.25, 0.75, 0.75, 0.25, 3, "满意率")
    assert ranking[4][:4] == (None, "市统计局", "tongjiju", None)
    assert workbook["综合排名"]["E3"].number_format == "0.0%"
    weights = next(row for row in ranking if row[0] == "权重")
    assert weights[4:8] == (0.3, 0.4, 0.2, 0.1)


def test_each_measure_sheet_orders_the_units_best_first_with_seqs(workbook):
    rows = list(workbook["发回重办率"].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[3], r[4], r[5], r[7]) for r in rows] == [
        (1, "市发改委", 0, 9, 0.0, "61-62"),
        (2, "章贡区", 1, 10, 0.1, "21"),
        (3, "瑞金市", 2, 8, 0.25, "93"),
        (None, "市统计局", 0, 0, None, None),
    ]


def test_the_workbook_holds_the_trends_records_and_every_figures_seqs(workbook, snapshot):
    trends = list(workbook["月度趋势"].iter_rows(min_row=2, values_only=True))
    assert trends[0] == ("月份", "按时签收率·全市", "按时签收率·瑞金市", "满意率·全市")
    assert trends[1:] == [("2016-05", 0.8, None, None), ("2016-06", 0.9, 0.5, 0.9),
                          ("2016-07", 0.875, 0.75, None)]
    records = list(workbook["结果运用"].iter_rows(min_row=3, values_only=True))
    assert records[1] == ("诫勉谈话", "瑞金市", "ruijin", "李某", "满意率低于下限", "231-233")
    index = list(workbook["条目索引"].iter_rows(min_row=3, values_only=True))
    assert len(index) == len(report.figure_index(snapshot))
    assert ("图1 综合排名", "章贡区", "zhanggong", "93.75", 9, "11-15, 21-23, 40") in index


def test_seqs_too_long_for_one_cell_run_on_to_further_rows():
    seqs = list(range(1, 40000, 2))   # 20,000 single seqs: far beyond a cell's 32,767 chars
    many = dict(SNAPSHOT, units=[_unit("zhanggong", "章贡区", 1, 90.0, ((1, 1), seqs),
                                       ((1, 1), []), ((0, 1), []), (0, [], ""))],
                trends=[], records=[])
    book = openpyxl.load_workbook(io.BytesIO(report.render(many, "xlsx")[2]))
    rows = [r for r in book["条目索引"].iter_rows(min_row=3, values_only=True)
            if r[0] == "图2 按时签收率"]
    assert len(rows) >= 2 and rows[1][3] == "(续)"
    assert "".join(r[5] for r in rows) == report.seq_ranges(seqs)


# -- the JSON --------------------------------------------------------------------------------

def test_the_dashboard_json_has_its_documented_shape(snapshot):
    name, media_type, data = report.render(snapshot, "json")
    assert (name, media_type) == ("huiqi-assessment-2016.json", "application/json")
    board = json.loads(data)
    assert set(board) == {"schema", "year", "title", "computed_on", "ledger_size", "measures",
                          "ranking", "figures", "trends", "records"}
    assert (board["schema"], board["year"], board["computed_on"], board["ledger_size"]) == (
        "huiqi.assessment.dashboard/1", 2016, "2016-12-31", 240)
    assert board["measures"][1] == {"code": "satisfaction", "label": "满意率", "kind": "rate",
                                    "weight": 0.4, "higher_is_better": True, "floor": 0.85}
    assert [(r["rank"], r["unit"], r["score"]) for r in board["ranking"]] == [
        (1, "zhanggong", 93.75), (2, "fgw", 88.5), (3, "ruijin", 71.25), (None, "tongjiju", None)]
    assert board["ranking"][2]["below_floor"] == ["satisfaction"]
    assert board["ranking"][0]["seqs"] == [11, 12, 13, 14, 15, 21, 22, 23, 40]
    assert list(board["figures"]) == ["signing", "satisfaction", "redo", "supervision"]
    assert board["figures"]["redo"][0] == {
        "unit": "fgw", "name": "市发改委", "value": 0.0, "numerator": 0, "denominator": 9,
        "display": "0.0%(0/9)", "seqs": [61, 62]}
    assert board["figures"]["signing"][-1]["value"] is None
    assert board["trends"][0]["name"] == "全市" and board["trends"][1]["name"] == "瑞金市"
    assert board["trends"][1]["points"][0] == {"month": "2016-06", "value": 0.5, "seqs": [81]}
    assert board["records"][1] == {"kind": "admonishment_talk", "label": "诫勉谈话",
                                   "unit": "ruijin", "name": "瑞金市", "person": "李某",
                                   "note": "满意率低于下限", "seqs": [231, 232, 233]}


def test_a_snapshot_survives_its_dict_form(snapshot):
    assert report.Snapshot.from_dict(snapshot.as_dict()) == snapshot


# -- refusals --------------------------------------------------------------------------------

def _broken(path: list, value):
    data = json.loads(json.dumps(SNAPSHOT))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(("path", "value", "field"), [
    (["year"], "2016", "year"),
    (["computed_on"], "31/12/2016", "computed_on"),
    (["measures", 0, "kind"], "ratio", "measures[0].kind"),
    (["measures", 1, "floor"], 85, "measures[1].floor"),
    (["units", 1, "figures", "satisfaction", "value"], 1.2,
     "units[1].figures.satisfaction.value"),
    (["units", 1, "figures", "speed"], {"value": 1}, "units[1].figures.speed"),
    (["units", 0, "rank"], 4, "units[1].rank"),
    (["units", 2, "unit"], "fgw", "units[2].unit"),
    (["units", 0, "figures", "signing", "seqs"], [3, 0], "units[0].figures.signing.seqs[1]"),
    (["trends", 0, "points", 1, "month"], "2016-6", "trends[0].points[1].month"),
    (["trends", 1, "unit"], "nanning", "trends[1].unit"),
    (["records", 0, "kind"], "praise", "records[0].kind"),
])
def test_a_snapshot_that_cannot_be_reported_is_refused_naming_the_field(path, value, field):
    from kernel.errors import InvalidInput
    with pytest.raises(InvalidInput) as refused:
        report.render(_broken(path, value), "json")
    assert refused.value.field == field


def test_an_unknown_format_is_refused(snapshot):
    from kernel.errors import UnknownCode
    with pytest.raises(UnknownCode, match="format"):
        report.render(snapshot, "docx")


# -- from the assessment ---------------------------------------------------------------------

T = dt.timezone(dt.timedelta(hours=8))


def _appeal(n, unit, month, signed_late=False, rating="satisfied", sent_back=0):
    dispatched = dt.datetime(2016, month, 3, 9, tzinfo=T)
    due = dispatched + dt.timedelta(days=1)
    signed = due + dt.timedelta(hours=2 if signed_late else -2)
    return facts.AppealFact(
        appeal_id=f"a{n}", unit=unit, dispatched_at=dispatched, sign_due=due, signed_at=signed,
        resolution_due=dispatched + dt.timedelta(days=10),
        resolved_at=dispatched + dt.timedelta(days=5), replied=True, rating=rating,
        sent_back=sent_back, seqs=(10 * n, 10 * n + 1))


def test_an_assessment_maps_to_a_snapshot_with_its_own_figures_and_seqs():
    appeals = [_appeal(1, "zhanggong", 5), _appeal(2, "zhanggong", 6, signed_late=True),
               _appeal(3, "ruijin", 5, rating="unsatisfied", sent_back=1),
               _appeal(4, "ruijin", 6)]
    computed = assessment.assess(
        {"zhanggong": "章贡区", "ruijin": "瑞金市"}, appeals,
        {"ruijin": [("reminder", 501), ("notice", 502)]}, [], [],
        as_of=dt.datetime(2016, 12, 31, 12, tzinfo=T), year=2016)
    snap = report.from_assessment(computed, appeals=appeals, ledger_size=600,
                                  records=[{"kind": "commendation", "unit": "zhanggong",
                                            "seqs": [550]}])
    assert (snap.year, snap.computed_on, snap.ledger_size) == (2016, dt.date(2016, 12, 31), 600)
    assert [m.code for m in snap.measures] == [m.value for m in assessment.Measure]
    assert snap.measure("satisfaction").floor == 0.85
    assert snap.measure("supervision").kind == report.COUNT
    assert not snap.measure("redo").higher_is_better
    assert [u.unit for u in snap.units] == [u.unit for u in computed.units]
    for mine, theirs in zip(snap.units, computed.units):
        assert (mine.rank, mine.score) == (theirs.rank, float(round(theirs.score, 2)))
        for code, figure in theirs.figures.items():
            assert mine.figures[code].seqs == figure.seqs
            assert mine.figures[code].numerator == figure.numerator
    ruijin = next(u for u in snap.units if u.unit == "ruijin")
    assert ruijin.figures["supervision"].note == "电话催办1次、督查通知书1次"
    assert ruijin.figures["satisfaction"].value == 0.5
    # the whole city's May signing: both appeals on time, citing both appeals' entries
    city = next(t for t in snap.trends if t.measure == "signing" and t.unit == "")
    assert city.points[0] == report.TrendPoint("2016-05", 1.0, (10, 11, 30, 31))
    june = next(t for t in snap.trends if t.measure == "signing" and t.unit == "zhanggong")
    assert june.points[1] == report.TrendPoint("2016-06", 0.0, (20, 21))
    # the dict form the event records maps alike, its trend points with their seqs
    from_dict = report.from_assessment(computed.to_dict(), records=[
        {"kind": "discipline_referral", "unit": "ruijin", "person": None, "note": "",
         "seqs": [502]}])
    assert [u.figures for u in from_dict.units] == [u.figures for u in snap.units]
    assert from_dict.trends == snap.trends
    assert json.loads(report.render(from_dict, "json")[2])["records"][0]["person"] == ""
    text = "".join(_flat(p.extract_text()) for p in pypdf.PdfReader(
        io.BytesIO(report.render(snap, "pdf")[2])).pages)
    assert "满意率低于下限85.0%的单位:瑞金市。" in text
