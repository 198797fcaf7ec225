"""An appeal's contact over HTTP through the whole stack, as each role reads it: the office and
the lead unit as said, an assisting unit, the enterprise and a supervisor masked (138****5678),
a unit not involved and a leader outside whose linkage it lies not at all; on a 保密 appeal no
unit sees the contact, though it sees the enterprise and the matter. The appeal, the ledger, the
history and the .xlsx agree, and the office reads what was said. (A leader within his linkage
is shown it masked, by the same rule: tests/tickets/appeals/test_contact_and_masks.py.)"""
import io
import uuid

import pytest
from openpyxl import load_workbook

from bench.city import credit_code
from gateway.auth import mint
from registered_units import register_units, until_tickets_know

RUN = uuid.uuid4().hex[:6]
LEAD, ASSISTING, OTHER = f"mask-lead-{RUN}", f"mask-help-{RUN}", f"mask-other-{RUN}"
LEADER = f"mask-leader-{RUN}"  # in no linkage: he reaches none of these appeals
USCC = credit_code(640 + int(RUN[:2], 16) % 50)
PHONE, MASKED = "13812345678", "138****5678"


@pytest.fixture(scope="module")
def world(api, tokens):
    office = tokens["office"]
    register_units(api.base, office, LEAD, ASSISTING, OTHER)
    until_tickets_know(api.base, office, LEAD, ASSISTING, OTHER)
    leader = mint(LEADER, "leader")
    appeal = {"enterprise_name": f"赣县某电子企业{RUN}", "uscc": USCC, "channel": "hotline",
              "category": "labour", "county": "ganxian", "appeal_type": "help",
              "contact_person": "刘经理", "contact_phone": "+86 138 1234 5678"}
    plain = api.call("POST", "/tickets", office, json={
        **appeal, "title": f"普工招聘难{RUN}", "description": "普工缺口两百人。"})
    assert plain.status_code == 201, plain.text
    plain = plain.json()["id"]
    secret = api.call("POST", "/tickets", office, json={
        **appeal, "confidential": True,
        "appeal_type": "report", "urgency": "urgent", "title": f"举报某中介克扣工资{RUN}",
        "description": "某劳务中介克扣务工人员工资。"})
    assert secret.status_code == 201, secret.text
    for ticket_id in (plain, secret.json()["id"]):
        dispatched = api.call("POST", f"/tickets/{ticket_id}/dispatch", office,
                              json={"lead_unit": LEAD, "assisting_units": [ASSISTING]})
        assert dispatched.status_code == 200, dispatched.text
    return {"plain": plain, "secret": secret.json()["id"], "leader": leader}


def readers(world, tokens) -> dict:
    return {"office": tokens["office"], "supervisor": tokens["supervisor"],
            "lead": mint(f"officer-{RUN}", "unit_officer", unit=LEAD),
            "assisting": mint(f"helper-{RUN}", "unit_officer", unit=ASSISTING),
            "other_unit": mint(f"stranger-{RUN}", "unit_officer", unit=OTHER),
            "enterprise": mint(f"ent-{RUN}", "enterprise", uscc=USCC),
            "leader": world["leader"]}


def shown(api, token: str, ticket_id: str) -> dict | None:
    """The contact's phone on each read path, or None when the appeal is refused."""
    view = api.call("GET", f"/tickets/{ticket_id}", token)
    if view.status_code != 200:
        assert view.status_code in (403, 404), view.text
        return None
    items = api.call("GET", "/tickets", token, params={"limit": 200}).json()["items"]
    line = next(item for item in items if item["id"] == ticket_id)
    history = api.call("GET", f"/tickets/{ticket_id}/history", token).json()["events"]
    sheet = load_workbook(io.BytesIO(api.call("GET", "/tickets/export", token).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], next(r for r in rows[1:] if r[0] == view.json()["ledger_number"])))
    return {"view": view.json()["contact_phone"], "line": line["contact_phone"],
            "history": history[0]["payload"].get("contact_phone"), "sheet": row["联系电话"],
            "person": view.json()["contact_person"], "matter": view.json()["description"]}


def test_each_role_is_shown_the_contact_as_the_permission_table_says(api, tokens, world):
    seen = {name: shown(api, token, world["plain"])
            for name, token in readers(world, tokens).items()}
    paths = ("view", "line", "history", "sheet")
    for name in ("office", "lead"):
        assert [seen[name][p] for p in paths] == [PHONE] * 4, name
    for name in ("assisting", "enterprise", "supervisor"):
        assert [seen[name][p] for p in paths] == [MASKED] * 4, name
        assert seen[name]["person"] == "刘经理"
    # A unit not involved, and a leader outside whose linkage it lies, read nothing of it.
    assert seen["other_unit"] is None and seen["leader"] is None


def test_no_unit_sees_the_contact_of_a_confidential_appeal(api, tokens, world):
    seen = {name: shown(api, token, world["secret"])
            for name, token in readers(world, tokens).items()}
    paths = ("view", "line", "history", "sheet")
    assert [seen["office"][p] for p in paths] == [PHONE] * 4
    for name in ("lead", "assisting"):
        assert [seen[name][p] for p in paths] == [None] * 4, name
        assert seen[name]["person"] is None
        assert seen[name]["matter"] == "某劳务中介克扣务工人员工资。"  # the matter, still
    for name in ("enterprise", "supervisor"):
        assert [seen[name][p] for p in paths] == [MASKED] * 4, name
    assert seen["other_unit"] is None
    # The appeal's type and urgency travel with it, in words on the sheet.
    view = api.call("GET", f"/tickets/{world['secret']}", tokens["office"]).json()
    assert (view["appeal_type"], view["urgency"], view["confidential"]) == (
        "report", "urgent", True)
    assert view["deadlines"]["dispatch"] is not None and view["deadlines_met"]["dispatch"]
    listed = api.call("GET", "/tickets", tokens["office"], params={
        "appeal_type": "report", "urgency": "urgent", "enterprise": USCC}).json()["items"]
    assert [item["id"] for item in listed] == [world["secret"]]
