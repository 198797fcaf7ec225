"""One appeal end to end: posted to the gateway over HTTP, stored by tickets, relayed over
RabbitMQ, appended to the audit ledger, and the chain verifies."""
import json

from gateway.auth import mint

APPEAL = {
    "enterprise_name": "赣州稀金新材料有限公司",
    "uscc": "91360702MA35G0QX4J",
    "title": "增值税留抵退税迟迟未到账",
    "description": "企业于三月申报留抵退税，至今未到账，流动资金紧张。",
    "channel": "direct_line",
    "category": "tax_and_fees",
    "county": "zhanggong",
}


def test_an_appeal_reaches_the_verified_ledger(api, tokens):
    enterprise = mint("ent-1", "enterprise", uscc=APPEAL["uscc"])
    created = api.call("POST", "/tickets", enterprise, json=APPEAL,
                       headers={"X-Correlation-ID": "skeleton-1"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["ledger_number"].startswith("GZ-20")
    assert created.headers["Location"] == f"/api/v1/tickets/{body['id']}"

    fetched = api.call("GET", f"/tickets/{body['id']}", enterprise)
    assert fetched.status_code == 200
    assert fetched.json()["status"] == "received"
    assert fetched.json()["title"] == APPEAL["title"]

    def in_ledger():
        # Other tests' appeals share the stack: wait for this one's own entry.
        entries = api.call("GET", f"/audit/entries?stream_id={body['id']}", tokens["supervisor"])
        assert entries.status_code == 200
        return entries.json()["items"] or None

    [entry] = api.wait_for(in_ledger)
    verdict = api.call("GET", "/audit/verify", tokens["supervisor"]).json()
    assert verdict["ok"] is True and verdict["entries"] >= 1
    assert len(verdict["head_hash"]) == 64
    event = json.loads(entry["event"])
    assert event["type"] == "TicketRaised"
    assert event["correlation_id"] == "skeleton-1"
    assert event["actor"] == f"enterprise:{APPEAL['uscc']}:ent-1"


def test_client_mistakes_get_problem_details(api, tokens):
    enterprise = mint("ent-1", "enterprise", uscc=APPEAL["uscc"])
    missing = {k: v for k, v in APPEAL.items() if k != "title"}
    response = api.call("POST", "/tickets", enterprise, json=missing)
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["field"] == "title"

    bad_code = {**APPEAL, "uscc": "91360702MA35G0QX4X"}
    response = api.call("POST", "/tickets", tokens["office"], json=bad_code)
    assert response.status_code == 422 and response.json()["field"] == "uscc"

    response = api.call("POST", "/tickets", enterprise, data="{not json",
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")

    response = api.call("GET", "/tickets/no-such-appeal", tokens["office"])
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/problem+json")

    response = api.call("POST", "/tickets", None, json=APPEAL)
    assert response.status_code == 401
    response = api.call("POST", "/tickets", "not-a-token", json=APPEAL)
    assert response.status_code == 401

    response = api.call("GET", "/audit/verify", enterprise)
    assert response.status_code == 403

    for method, path, status in [("GET", "/no/such/path", 404), ("DELETE", "/tickets", 405)]:
        response = api.call(method, path, tokens["office"])
        assert response.status_code == status
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert response.json()["status"] == status


def test_openapi_document_lists_every_command(api):
    document = api.call("GET", "/openapi.json").json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for action in ("dispatch", "sign-for", "classify", "resolve", "rate", "close-off"):
        assert f"/api/v1/tickets/{{ticket_id}}/{action}" in paths
    assert "uscc" in document["components"]["schemas"]["RaiseAppeal"]["properties"]
