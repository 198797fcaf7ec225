"""What each reader is shown of the year's assessment and of an evaluation round: a unit officer
his own unit's figures and its rank among all in every read (the assessment, the ranking, the
records, the dashboard, the workbook), nothing of another unit's until the office publishes the
ranking — a recorded act, the office's alone — and raters' identities kept with the office."""
from __future__ import annotations

import base64
import datetime as dt
import io

import sqlalchemy as sa

from services.audit import ledger
from test_supervision_rpc import (  # noqa: F401 - the fixtures
    ENTERPRISE, LAND, LEADER, OFFICE, SUPERVISOR, T0, TAX, USCC_A, USCC_B, appeal, audit,
    engine, event, refused,
)

OTHERS = ("city-land", "city-water")
USCC_C = "91360703MA35H2CD3F"


def three_units(audit) -> int:
    audit.ledger.take("tickets", [
        *appeal("t-1", "zhanggong-tax", USCC_A, T0, rating="satisfied", on_time=False),
        *appeal("t-2", "city-land", USCC_B, T0, rating="satisfied", on_time=True),
        *appeal("t-3", "city-water", USCC_A, T0, rating="unsatisfied", on_time=True)])
    audit.compute_assessment(OFFICE, {"year": T0.year})
    return T0.year


def mentions_others(value) -> bool:
    return any(other in repr(value) for other in OTHERS)


def test_a_unit_officer_sees_his_own_figures_and_rank_among_all_in_every_read(audit):
    year = three_units(audit)
    whole = audit.assessment(OFFICE, year)["assessment"]
    ranked = [u["unit"] for u in whole["units"] if u["rank"] is not None]
    assert set(OTHERS) <= set(ranked) and len(ranked) == 3
    tax_rank = next(u["rank"] for u in whole["units"] if u["unit"] == "zhanggong-tax")

    shown = audit.assessment(TAX, year)
    mine = shown["assessment"]
    assert [(u["unit"], u["rank"], u["of"]) for u in mine["units"]] == [
        ("zhanggong-tax", tax_rank, 3)]
    assert [(r["unit"], r["rank"], r["of"]) for r in mine["ranking"]] == [
        ("zhanggong-tax", tax_rank, 3)]
    assert mine["below_floor"] == []
    assert set(mine["trends"]) <= {"zhanggong-tax"}
    assert {s["unit"] for s in mine["trend_series"]} <= {"", "zhanggong-tax"}
    assert set(mine["seqs"]) == set(mine["units"][0]["seqs"])
    assert not mentions_others(shown)

    ranking = audit.assessment_ranking(TAX, year)
    assert [(r["unit"], r["rank"], r["of"]) for r in ranking["items"]] == [
        ("zhanggong-tax", tax_rank, 3)]
    assert ranking["published"] is False
    dashboard = audit.assessment_dashboard(TAX, year)
    assert [(r["unit"], r["of"]) for r in dashboard["ranking"]] == [("zhanggong-tax", 3)]
    assert not mentions_others(dashboard)

    from openpyxl import load_workbook
    made = audit.assessment_export(TAX, year, "xlsx")
    book = load_workbook(io.BytesIO(base64.b64decode(made["base64"])))
    cells = [cell for sheet in book for row in sheet.iter_rows(values_only=True)
             for cell in row if cell is not None]
    assert not mentions_others(cells)
    assert any("共3个单位参加排名" in str(cell) for cell in cells)

    # the office, the group and a registered leader see every unit
    assert len(audit.assessment_ranking(SUPERVISOR, year)["items"]) == len(whole["units"])
    assert refused(audit.assessment, LEADER, year).kind == "not_found"
    audit.ledger.take("liaison", [event("linkage", "linkage", "LinkageChanged", 1, T0, {
        "leader_id": LEADER["sub"], "rank": "city", "park": "park-1"})])
    assert len(audit.assessment(LEADER, year)["assessment"]["units"]) == len(whole["units"])
    assert refused(audit.assessment_ranking, ENTERPRISE, year).kind == "forbidden"


def test_commendations_show_a_unit_only_its_own_line(audit):
    year = three_units(audit)
    audit.act_on_assessment(OFFICE, year, "commend", {"top": 3})
    [commended] = audit.assessment_records(OFFICE, year)["items"]
    assert len(commended["units"]) == 3
    [mine] = audit.assessment_records(TAX, year)["items"]
    assert [u["unit"] for u in mine["units"]] == ["zhanggong-tax"]
    assert not mentions_others(mine)
    assert not mentions_others(audit.assessment(TAX, year)["records"])


def test_publishing_the_ranking_is_the_office_s_recorded_act(audit):
    year = three_units(audit)
    for who in (TAX, SUPERVISOR):
        assert refused(audit.act_on_assessment, who, year, "publish", {}).kind == "forbidden"
    published = audit.act_on_assessment(OFFICE, year, "publish", {"note": "2026年度考核结果"})
    assert published["published"]["of"] == 3
    again = refused(audit.act_on_assessment, OFFICE, year, "publish", {})
    assert (again.kind, again.rule) == ("conflict", "ranking_already_published")

    audit.ledger.take_own(audit.store.store)
    with audit.store.engine.connect() as connection:
        [entry] = connection.execute(sa.select(ledger.ledger.c.stream_id).where(
            ledger.ledger.c.type == "RankingPublished")).all()
    assert entry.stream_id == f"assessment-{year}"

    # every permitted reader now sees the published ranking; other units' figures stay theirs
    ranking = audit.assessment_ranking(TAX, year)
    assert ranking["published"] is True
    assert set(OTHERS) <= {r["unit"] for r in ranking["items"]}
    assert all(r["of"] == 3 for r in ranking["items"])
    shown = audit.assessment(TAX, year)["assessment"]
    assert set(OTHERS) <= {r["unit"] for r in shown["ranking"]}
    assert [u["unit"] for u in shown["units"]] == ["zhanggong-tax"]


def test_raters_identities_stay_with_the_office(audit):
    audit.ledger.take("tickets", [
        *appeal("t-1", "zhanggong-tax", USCC_A, T0, rating="satisfied", on_time=True),
        *appeal("t-2", "zhanggong-tax", USCC_B, T0, rating="satisfied", on_time=True),
        *appeal("t-3", "zhanggong-tax", USCC_C, T0, rating="satisfied", on_time=True),
        *appeal("t-4", "city-land", USCC_A, T0, rating="satisfied", on_time=True)])
    today = dt.datetime.now(dt.timezone.utc).date()
    round_id = audit.open_evaluation_round(OFFICE, {
        "title": "评议", "opens": (today - dt.timedelta(days=1)).isoformat(),
        "closes": (today + dt.timedelta(days=1)).isoformat(),
        "units": ["zhanggong-tax", "city-land"]})["id"]
    for n, uscc in enumerate((USCC_A, USCC_B, USCC_C)):
        audit.rate_evaluated_unit({"sub": f"e{n}", "role": "enterprise", "uscc": uscc},
                                  round_id, {"unit": "zhanggong-tax", "work_done": 3 + n % 3,
                                             "problems_fixed": 4, "comment": f"意见{n}"})
    audit.rate_evaluated_unit(ENTERPRISE, round_id, {"unit": "city-land", "work_done": 2,
                                                     "problems_fixed": 2, "comment": "慢"})

    whole = audit.evaluation_round(OFFICE, round_id)
    assert {r["uscc"] for r in whole["ratings"]} == {USCC_A, USCC_B, USCC_C}
    for who in (SUPERVISOR, TAX):
        for shown in (audit.evaluation_round(who, round_id),
                      audit.evaluation_rounds(who)["items"][0]):
            assert all("uscc" not in r for r in shown["ratings"])
            for uscc in (USCC_A, USCC_B, USCC_C):
                assert uscc not in repr(shown)
    mine = audit.evaluation_round(TAX, round_id)
    assert sorted(r["comment"] for r in mine["ratings"]) == ["意见0", "意见1", "意见2"]
    assert {r["unit"] for r in mine["ratings"]} == {"zhanggong-tax"}
    # one rating alone would name its rater: the land bureau sees its count and means only
    land = audit.evaluation_round(LAND, round_id)
    assert land["ratings"] == []
    assert [(r["unit"], r["ratings"]) for r in land["results"]] == [("city-land", 1)]
    # the enterprise still sees its own ratings
    assert {r["unit"] for r in audit.evaluation_round(ENTERPRISE, round_id)["ratings"]} == {
        "zhanggong-tax", "city-land"}
