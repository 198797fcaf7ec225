"""The life of a policy through the gateway over HTTP on RabbitMQ (notice 二(一)): drafted by its
issuing unit, given its consultation contact, published, amended, repealed — each step acted by
the role the notice gives it, found in the audit ledger in order; the public portal lists it
from its publication on, never as a draft."""
import json

import requests

from gateway.auth import mint
from registered_units import register_units, until_known

UNIT = "city-finance"
DRAFT = {
    "issuing_unit": UNIT,
    "title": "赣州市企业应急转贷资金管理办法",
    "document_number": "赣市金发〔2016〕12号",
    "level": "municipal",
    "cost_category": "financing",
    "summary": "市财政安排应急转贷资金2亿元，帮助企业按期续贷。",
    "effective_from": "2016-07-01",
    "issued_by": "赣州市人民政府金融工作办公室",
    "full_text": "第一条 市财政安排企业应急转贷资金2亿元。\n第二条 单笔转贷期限最长15天。",
}
CONTACT = {"unit": "市金融办", "person": "陈静", "phone": "0797-8993312",
           "email": "jrb@ganzhou.gov.cn"}
LIFE = ["PolicyDrafted", "ConsultationContactSet", "PolicyPublished", "PolicyAmended",
        "PolicyRepealed"]


def test_whole_life_of_a_policy(api, tokens):
    officer = mint("officer-chen", "unit_officer", unit=UNIT)
    other_unit = mint("officer-zhao", "unit_officer", unit="ruijin-power")
    office = tokens["office"]

    def act(token, action, body=None, expect=200):
        response = api.call("POST", f"/policies/{policy_id}/{action}", token, json=body or {})
        assert response.status_code == expect, (action, response.text)
        return response.json()

    def on_portal() -> str | None:
        """The policy's status as the public portal lists it; None while it is not listed."""
        answer = requests.get(f"{api.base}/portal/api/policies", params={"q": "应急转贷"},
                              timeout=30)
        assert answer.status_code == 200, answer.text
        return next((item["status"] for item in answer.json()["items"]
                     if item["id"] == policy_id), None)

    # The issuing unit is registered in liaison first; the policy service learns of it over the
    # broker, and refuses the draft (unknown_unit) until it has.
    register_units(api.base, office, UNIT)
    drafted = until_known(lambda: api.call("POST", "/policies", officer, json=DRAFT))
    assert drafted.status_code == 201, drafted.text
    policy_id = drafted.json()["id"]
    assert drafted.headers["Location"] == f"/api/v1/policies/{policy_id}"
    assert drafted.json()["status"] == "draft"
    assert on_portal() is None  # a draft never reaches the public

    # Publication needs the contact (谁出台、谁解释); to another unit the draft does not exist.
    refused = act(officer, "publish", expect=409)
    assert refused["title"] == "contact_required"
    assert act(other_unit, "set-contact", CONTACT, expect=404)["title"] == "policy_not_found"
    assert act(officer, "set-contact", CONTACT)["contact"]["person"] == "陈静"

    published = act(officer, "publish")
    assert (published["status"], published["current_version"]) == ("published", 1)
    # The gateway asks for the portal's mark again once it is HUIQI_PORTAL_MARK_AGE old.
    assert api.wait_for(lambda: on_portal() == "published")

    amended = act(officer, "amend", {"reason": "资金规模扩大", "summary": "应急转贷资金增至5亿元。",
                                     "full_text": "第一条 市财政安排企业应急转贷资金5亿元。"})
    assert (amended["status"], amended["current_version"]) == ("amended", 2)
    first = api.call("GET", f"/policies/{policy_id}/versions/1", office).json()
    assert first["summary"] == DRAFT["summary"] and first["reason"] is None

    repealed = act(office, "repeal", {"reason": "已被新办法取代"})
    assert repealed["status"] == "repealed"
    assert act(officer, "amend", {"reason": "再改", "summary": "x"}, expect=409)["title"] \
        == "policy_repealed"
    # the public may still read what was repealed, marked so
    assert api.wait_for(lambda: on_portal() == "repealed")

    def ledger_has_every_step():
        entries = api.call("GET", f"/audit/entries?stream_id={policy_id}",
                           tokens["supervisor"]).json()["items"]
        types = [json.loads(e["event"])["type"] for e in entries]
        life = [t for t in types if t in LIFE]
        return (entries, life) if len(life) == len(LIFE) else None

    entries, life = api.wait_for(ledger_has_every_step)
    assert life == LIFE
    events = [json.loads(e["event"]) for e in entries]
    actors = {e["type"]: e["actor"] for e in events}
    assert actors["PolicyPublished"] == f"unit_officer:{UNIT}:officer-chen"
    assert actors["PolicyRepealed"] == "office:clerk-li"
    assert api.call("GET", "/audit/verify", tokens["supervisor"]).json()["ok"] is True
