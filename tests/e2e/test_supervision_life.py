"""Supervision's life over HTTP on the whole stack (notice 二(五), 三(二)): the office schedules the
action's deliverables of a past campaign year; the round of the ladder records the missed ones
and climbs — a reminder (电话催办), then a supervision notice (督查通知书) the unit's officer sees
and answers; another unit's officer sees none of it; the year's assessment is computed, a unit
commended and one referred to the discipline inspection organs with its evidence; and every seq
each record cites is an entry of the ledger (/api/v1/audit/entries/{seq}) of the stream and type
it claims. The exports download as .xlsx, .pdf and JSON."""
import json
from gateway.auth import mint

YEAR = 2016
UNIT = "e2e-city-commerce"
OTHER = "e2e-city-land"
RULES = f"deliverable:{YEAR}:department_rules"


def test_deliverables_ladder_notice_answer_assessment_and_records(api, tokens):
    office, supervisor = tokens["office"], tokens["supervisor"]
    officer = mint("officer-e2e", "unit_officer", unit=UNIT)
    other = mint("officer-e2e-2", "unit_officer", unit=OTHER)

    def call(method, path, token, body=None, expect=200, **kwargs):
        response = api.call(method, path, token, json=body, **kwargs)
        assert response.status_code == expect, (method, path, response.text)
        return response

    scheduled = call("POST", "/supervision/deliverables", office, {
        "year": YEAR, "departments": [UNIT, OTHER], "counties": ["zhanggong"]}, 201).json()
    assert RULES in {d["id"] for d in scheduled["items"]}
    call("POST", "/supervision/deliverables", officer, {"year": 2017, "departments": [UNIT]},
         403)
    call("POST", f"/supervision/deliverables/{RULES}/deliveries", other,
         {"unit": OTHER, "document": "赣市国土字〔2016〕8号"}, 201)

    # the audit takes its own events back into the ledger, where tracking folds them
    def late_rules():
        items = call("GET", "/supervision/matters", officer,
                     params={"kind": "deliverable", "late": "true"}).json()["items"]
        return [m for m in items if m["stream_id"] == RULES]
    [matter] = api.wait_for(late_rules, timeout=60)
    assert matter["unit"] == UNIT and matter["seqs"]

    # the ladder: a round records the misses and reminds; the next issues the notice
    def stepped(step):
        call("POST", "/supervision/sweeps", supervisor)
        cases = call("GET", "/supervision/cases", officer, params={"step": step}).json()["items"]
        return [c for c in cases if c["stream_id"] == RULES]
    [case] = api.wait_for(lambda: stepped("reminder") or stepped("notice"), timeout=90,
                          interval=2)
    [case] = api.wait_for(lambda: stepped("notice"), timeout=90, interval=2)
    assert case["unit"] == UNIT and case["notice"]["number"]

    notices = call("GET", "/supervision/notices", officer, params={"answered": "false"}).json()
    assert case["id"] in {n["case_id"] for n in notices["items"]}
    assert all(n["unit"] == UNIT for n in notices["items"])
    assert case["id"] not in {n["case_id"] for n in call(
        "GET", "/supervision/notices", other).json()["items"]}
    call("POST", f"/supervision/cases/{case['id']}/answer", other, {"answer": "x"}, 404)
    answered = call("POST", f"/supervision/cases/{case['id']}/answer", officer,
                    {"answer": "已制定具体办法并在门户网公布"}).json()
    assert answered["notice"]["answered"]["answer"] == "已制定具体办法并在门户网公布"
    call("POST", f"/supervision/cases/{case['id']}/answer", officer, {"answer": "again"}, 409)

    # the supervision the unit received reaches tracking with its seqs, then the assessment
    def received():
        items = call("GET", "/supervision/matters", office,
                     params={"unit": UNIT, "kind": "notice_answer"}).json()["items"]
        return [m for m in items if m["done_at"]]
    api.wait_for(received, timeout=60)
    computed = call("POST", "/assessments", office, {"year": YEAR, "units": [UNIT, OTHER]},
                    201).json()
    assert {u["unit"] for u in computed["assessment"]["units"]} == {UNIT, OTHER}
    ranking = call("GET", f"/assessments/{YEAR}/ranking", supervisor).json()["items"]
    assert {u["unit"] for u in ranking} == {UNIT, OTHER} and ranking[0]["rank"] == 1
    mine = call("GET", f"/assessments/{YEAR}", officer).json()["assessment"]["units"]
    assert [u["unit"] for u in mine] == [UNIT]

    call("POST", f"/assessments/{YEAR}/commend", office, {"top": 1})
    evidence = matter["seqs"][:1]
    call("POST", f"/assessments/{YEAR}/refer", office,
         {"unit": UNIT, "note": "敷衍塞责，移交纪检监察", "seqs": evidence})
    records = call("GET", f"/assessments/{YEAR}/records", office).json()["items"]
    assert [r["kind"] for r in records] == ["commendation", "discipline_referral"]

    for record in records:
        assert record["seqs"]
        for seq in record["seqs"]:
            entry = call("GET", f"/audit/entries/{seq}", supervisor).json()
            assert entry["seq"] == seq
            if record["kind"] == "discipline_referral":
                assert entry["stream_id"] == RULES
            else:   # the deliverables the unit owed, and the supervision it received
                assert entry["stream_id"].startswith((f"deliverable:{YEAR}:", "sv:"))

    pdf = call("GET", f"/assessments/{YEAR}/export.pdf", supervisor)
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = call("GET", f"/assessments/{YEAR}/export.xlsx", office)
    assert xlsx.content.startswith(b"PK")
    assert call("GET", f"/assessments/{YEAR}/export.json", office).json()["year"] == YEAR
    # a unit officer's export holds his own unit's figures and rank only
    mine = call("GET", f"/assessments/{YEAR}/export.json", officer).json()
    assert OTHER not in json.dumps(mine.get("ranking", []), ensure_ascii=False)
    assert call("GET", f"/assessments/{YEAR}/export.pdf", officer).content.startswith(b"%PDF")
