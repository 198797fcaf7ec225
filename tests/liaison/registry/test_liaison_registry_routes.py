"""The liaison registry's routes through the gateway over HTTP (RabbitMQ behind it): units,
parks, leaders and enterprises registered, an enterprise's profile changed (PATCH and POST), its
tier rated by its county with the ratings listed, the lists filtered, the leading group's
members set; bad shapes refused by the gateway naming the field, broken rules by the service."""
from __future__ import annotations

import pytest
import requests

from gateway.auth import mint
from gateway.service import Gateway
from services.liaison.service import LiaisonService

USCC = "91360702MA35G0QX4J"


@pytest.fixture
def api(container_factory, service_config, make_sqlite_url):
    container_factory(LiaisonService, service_config(make_sqlite_url())).start()
    config = service_config(make_sqlite_url(), RPC_TIMEOUT=20)
    container_factory(Gateway, config).start()
    base = f"http://{config['WEB_SERVER_ADDRESS']}/api/v1"

    def call(method: str, path: str, token: str, **kwargs):
        # The register's shared configuration asks for no version here (tests/e2e/
        # test_concurrency.py holds it to its ETag).
        return requests.request(method, f"{base}{path}", timeout=30,
                                headers={"Authorization": f"Bearer {token}", "If-Match": "*"},
                                **kwargs)
    return call


def test_the_registry_through_the_gateway(api):
    office = mint("clerk-li", "office")
    county = mint("officer-wang", "unit_officer", unit="zhanggong")
    other = mint("officer-zhao", "unit_officer", unit="nankang")
    reader = mint("boss", "enterprise", uscc=USCC)

    def ok(response, status=200):
        assert response.status_code == status, response.text
        return response.json()

    unit = api("POST", "/units", office, json={"code": "zhanggong", "name": "章贡区",
                                               "kind": "county"})
    assert ok(unit, 201)["county"] == "zhanggong"
    assert unit.headers["Location"] == "/api/v1/units/zhanggong"
    ok(api("POST", "/units", office, json={"code": "finance", "name": "市财政局",
                                           "kind": "city_department"}), 201)
    ok(api("POST", "/parks", office, json={"id": "zg-hitech", "name": "章贡高新区",
                                           "county": "zhanggong"}), 201)
    ok(api("POST", "/leaders", office, json={"id": "secretary", "name": "李书记",
                                             "rank": "top_city", "title": "市委书记"}), 201)

    registered = api("POST", "/enterprises", county, json={
        "uscc": USCC, "name": "赣州稀土集团", "county": "zhanggong", "park": "zg-hitech",
        "industry": "稀土", "size": "large", "above_designated_size": True})
    assert ok(registered, 201)["tier"] is None
    assert registered.headers["Location"] == f"/api/v1/enterprises/{USCC}"

    assert ok(api("POST", f"/enterprises/{USCC}/tier", county,
                  json={"tier": "difficult"}))["tier"] == "difficult"
    assert ok(api("PATCH", f"/enterprises/{USCC}/profile", county,
                  json={"park": None}))["park"] is None
    assert ok(api("POST", f"/enterprises/{USCC}/profile", office,
                  json={"park": "zg-hitech", "name": "中国稀土(赣州)"}))["version"] == 4
    ratings = ok(api("GET", f"/enterprises/{USCC}/ratings", county))
    assert [(r["tier"], r["rated_by"]) for r in ratings["ratings"]] == [
        ("difficult", "zhanggong")]
    got = ok(api("GET", f"/enterprises/{USCC}", reader))
    assert got["name"] == "中国稀土(赣州)" and got["park"] == "zg-hitech"

    listed = ok(api("GET", "/enterprises", county, params={
        "county": "zhanggong", "tier": "difficult", "above_designated_size": "true"}))
    assert [item["uscc"] for item in listed["items"]] == [USCC]
    assert ok(api("GET", "/enterprises", office, params={"tier": "unrated"}))["items"] == []
    assert [p["id"] for p in ok(api("GET", "/parks", reader))["items"]] == ["zg-hitech"]
    assert ok(api("GET", "/parks/zg-hitech", reader))["county"] == "zhanggong"
    assert [u["code"] for u in ok(api("GET", "/units", reader,
                                      params={"kind": "city_department"}))["items"]] == [
        "finance"]
    assert ok(api("GET", "/units/finance", reader))["name"] == "市财政局"
    assert ok(api("PATCH", "/units/finance", office, json={"name": "市财政局(国资委)"}))[
        "version"] == 2
    assert ok(api("GET", "/leaders", county, params={"rank": "top_city"}))["items"][0][
        "id"] == "secretary"
    assert ok(api("PATCH", "/leaders/secretary", office, json={"name": "李明"}))["name"] == "李明"
    assert ok(api("GET", "/leaders/secretary", county))["title"] == "市委书记"
    assert ok(api("PATCH", "/parks/zg-hitech", office, json={"name": "章贡高新技术产业园区"}))[
        "version"] == 2

    group = ok(api("PUT", "/leading-group", office, json={
        "group": "supervision", "members": [{"name": "赵六", "unit": "finance",
                                             "role": "head"}]}))
    assert group["groups"]["supervision"]["members"] == [
        {"name": "赵六", "unit": "finance", "role": "head"}]
    assert ok(api("GET", "/leading-group", mint("officer-qian", "unit_officer",
                                                unit="finance")))["office"]["name"] == \
        "市发展改革委"

    # refused: the gateway's shapes, then the service's rules, naming the field
    for method, path, token, body, status, title, field in (
            ("POST", "/enterprises", office, {"uscc": "9136070", "name": "x"}, 422,
             "invalid_input", "uscc"),
            ("POST", f"/enterprises/{USCC}/tier", county, {"tier": "excellent"}, 422,
             "invalid_input", "tier"),
            ("POST", f"/enterprises/{USCC}/tier", other, {"tier": "good"}, 403,
             "not_own_county", "county"),
            ("PATCH", f"/enterprises/{USCC}/profile", county, {"park": "nowhere"}, 422,
             "unknown_park", "park"),
            ("POST", "/enterprises", office, {
                "uscc": "91360702MA35G0QX4K", "name": "x", "county": "zhanggong",
                "industry": "x", "size": "small", "above_designated_size": False}, 422,
             "invalid_uscc", "uscc"),
            ("POST", "/parks", county, {"id": "p2", "name": "x", "county": "zhanggong"}, 403,
             "role_not_allowed", None),
            ("PUT", "/leading-group", office, {"group": "supervision", "members": [
                {"name": "x", "unit": "nowhere"}]}, 422, "unknown_unit", "members[0].unit")):
        answer = api(method, path, token, json=body)
        assert answer.status_code == status, (path, answer.text)
        problem = answer.json()
        assert problem["title"] == title, problem
        if field:
            assert problem["field"] == field, problem
    assert api("GET", "/enterprises/91360702MA35G0QX19", reader).status_code == 404
    assert ok(api("GET", f"/enterprises/{USCC}", reader))["version"] == 4

    # an enterprise reads its own entry, without the tier; another's is not found to it, the
    # list is itself, and sorting the city by tier is refused naming the field
    other_firm = "91360702MA35G0QX19"
    ok(api("POST", "/enterprises", office, json={
        "uscc": other_firm, "name": "章贡小微", "county": "zhanggong", "industry": "电子",
        "size": "micro", "above_designated_size": False}), 201)
    ok(api("POST", f"/enterprises/{other_firm}/tier", county, json={"tier": "difficult"}))
    hidden = {"tier", "rated_at", "rated_by", "ratings"}
    assert not hidden & set(ok(api("GET", f"/enterprises/{USCC}", reader)))
    assert api("GET", f"/enterprises/{other_firm}", reader).status_code == 404
    assert [item["uscc"] for item in ok(api("GET", "/enterprises", reader))["items"]] == [USCC]
    refusal = api("GET", "/enterprises", reader, params={"tier": "difficult"})
    assert refusal.status_code == 403 and refusal.json()["field"] == "tier", refusal.text
    assert api("GET", f"/enterprises/{USCC}/ratings", reader).status_code == 403
    # the county itself sees them, who rated stays with the office
    seen = ok(api("GET", f"/enterprises/{other_firm}", county))
    assert seen["tier"] == "difficult" and "actor" not in seen["ratings"][0]
    assert ok(api("GET", f"/enterprises/{other_firm}", office))["ratings"][0]["actor"] == \
        "unit_officer:zhanggong:officer-wang"
