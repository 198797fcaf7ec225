"""Two clerks editing shared configuration at once cannot overwrite each other unseen: a thing with
a version answers it as its ETag, a change sent with a stale If-Match is refused (412) and
changes nothing, and a change of shared configuration without If-Match is refused (428)."""
from gateway.auth import mint
from registered_units import register_units, until_tickets_know

UNIT = "ruijin-concurrency"


def test_routes_change_only_with_the_etag_they_were_read_with(api, tokens):
    office = tokens["office"]
    register_units(api.base, office, UNIT)
    until_tickets_know(api.base, office, UNIT)
    route = {"category": "financing", "county": "ruijin", "unit": UNIT}

    read = api.call("GET", "/routes", office)
    assert read.status_code == 200
    etag = read.headers["ETag"]
    assert etag == f'"{read.json()["version"]}"'

    unconditional = api.call("PUT", "/routes", office, json=route)
    assert unconditional.status_code == 428, unconditional.text
    assert unconditional.json()["title"] == "if_match_required"

    changed = api.call("PUT", "/routes", office, json=route, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] != etag

    # The second clerk still holds the first ETag: refused, and the table is as the first left it.
    stale = api.call("DELETE", "/routes?category=financing&county=ruijin", office,
                     headers={"If-Match": etag})
    assert stale.status_code == 412, stale.text
    assert stale.json()["title"] == "stale_version"
    after = api.call("GET", "/routes", office)
    assert after.headers["ETag"] == changed.headers["ETag"]
    assert any(line["unit"] == UNIT for line in after.json()["routes"])

    removed = api.call("DELETE", "/routes?category=financing&county=ruijin", office,
                       headers={"If-Match": changed.headers["ETag"]})
    assert removed.status_code == 200, removed.text


def test_the_leading_group_and_an_enterprise_profile_are_shared_configuration(api, tokens):
    office = tokens["office"]
    register_units(api.base, office, UNIT)
    group = api.call("GET", "/leading-group", office)
    assert group.status_code == 200 and group.headers["ETag"]
    refused = api.call("PUT", "/leading-group", office,
                       json={"group": "problem_solving", "members": []})
    assert refused.status_code == 428
    change = {"group": "problem_solving",
              "members": [{"name": "钱七", "unit": UNIT, "role": "member"}]}
    stale = api.call("PUT", "/leading-group", office, json=change,
                     headers={"If-Match": f'"{group.json()["version"] + 5}"'})
    assert stale.status_code == 412, stale.text
    assert api.call("GET", "/leading-group", office).headers["ETag"] == group.headers["ETag"]

    officer = mint("officer-x", "unit_officer", unit="ruijin")
    refused = api.call("PATCH", "/enterprises/91360702MA35G0QX4J/profile", officer,
                       json={"industry": "electronics"})
    # 428 before anything else is looked at, or 403 if this officer may not change it at all
    assert refused.status_code in (403, 428)
    assert api.call("PATCH", "/enterprises/91360702MA35G0QX4J/profile", office,
                    json={"industry": "electronics"}).status_code == 428


def test_an_if_match_that_is_no_etag_is_refused_naming_it(api, tokens):
    refused = api.call("PUT", "/routes", tokens["office"],
                       json={"category": "financing", "county": "ruijin", "unit": UNIT},
                       headers={"If-Match": "yesterday"})
    assert refused.status_code == 422 and refused.json()["field"] == "If-Match"
