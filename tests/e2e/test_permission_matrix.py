"""Who may see and do what, proven from outside: every operation of the served OpenAPI document,
called over HTTP as every kind of caller, each a registered actor (an enterprise; a city
department's and a county's unit officer; the office; a supervisor; a linked and an unlinked
leader; an appointed and an unappointed liaison officer) and with no token at all, on one
resource in the caller's scope and one outside it.

It fails on:
- an operation with no row in its service's permission table (`x-permission`);
- a 2xx where the row does not name the caller's role (which must be refused: 401 without a
  token, 403 with one);
- a 2xx whose body holds what is another's: another enterprise's credit code or appeal, an appeal
  outside a leader's linkage or a unit's work, a visit outside a liaison officer's appointment,
  or who rated an enterprise's operating tier, for anyone the tier is not shown to.

Writes are called only by the roles their rows refuse, so the world the reads see does not move.
The world is a stack of its own (`own_stack`), so no other test's data changes what is in scope.
"""
from __future__ import annotations

import re
import uuid

import pytest
import requests

from bench.city import credit_code
from gateway.auth import mint
from huiqi import stack

RUN = uuid.uuid4().hex[:6]
DEPARTMENT = f"dept-in-{RUN}"            # linked to the park of the linked leader
OTHER_DEPARTMENT = f"dept-out-{RUN}"
HELPING_UNIT = f"dept-help-{RUN}"        # the enterprise_help working group's unit
COUNTY = "ganxian"                       # enterprise A's county
OTHER_COUNTY = "nankang"                 # enterprise B's
PARK = f"park-{RUN}"
LINKED_LEADER = f"leader-top-{RUN}"
UNLINKED_LEADER = f"leader-county-{RUN}"
CADRE = f"cadre-{RUN}"
UNAPPOINTED = f"cadre-none-{RUN}"
# Who rated each enterprise's tier: a rater's name is the tier's history, shown only where the
# tier is (the office, the supervision group, the enterprise's county, the helping group).
RATER_A = f"rater-a-{RUN}"
RATER_B = f"rater-b-{RUN}"

# The park's fifteen rated above-size enterprises: the top leader's list (10 good, 3 average,
# 2 difficult); A is the first of them.
IN_PARK = {credit_code(700 + n): tier for n, tier in enumerate(
    ["good"] * 10 + ["average"] * 3 + ["difficult"] * 2)}
USCC_A = next(iter(IN_PARK))
USCC_B = credit_code(799)                # below designated size, another county: no one's list

GATEWAY_OWN = {"healthz", "metrics", "openapi_document", "who_am_i", "portal_stylesheet"}
MUTATING = {"post", "put", "patch", "delete"}
# Reads that must answer 2xx on the thing in scope: the matrix proves nothing if every call
# were refused.
GRANTED = {("get_ticket", caller) for caller in (
    "enterprise", "department_officer", "linked_leader", "appointed_liaison", "office",
    "supervisor")} | {("get_enterprise", caller) for caller in (
    "enterprise", "county_officer", "office")} | {("get_visit", caller) for caller in (
    "linked_leader", "appointed_liaison", "office")}


@pytest.fixture(scope="module")
def own_stack(module_amqp_uri, tmp_path_factory, free_port):
    """The stack as `huiqi up` starts it, on a vhost and a var/ of this module's own."""
    env = {"AMQP_URI": module_amqp_uri, "HUIQI_VAR_DIR": str(tmp_path_factory.mktemp("var")),
           "HUIQI_RELAY_INTERVAL": "0.5", "HUIQI_CATCHUP_INTERVAL": "2",
           "HUIQI_LOG_LEVEL": "WARNING"}
    for name in stack.ORDER:
        env[f"{name.upper()}_PORT"] = str(free_port())
    children = stack.start(env)
    try:
        stack.wait_healthy(children, env, timeout=90)
        yield stack.base_url("gateway", env)
    finally:
        stack.stop(children)


class Client:
    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()

    def call(self, method: str, path: str, token: str | None = None, body=None,
             expect: int | None = None, prefix: str = "/api/v1"):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if method != "GET":
            headers["If-Match"] = "*"   # the world's shared configuration, at any version
        response = self.http.request(method, f"{self.base}{prefix}{path}", headers=headers,
                                     json=body, timeout=60)
        if expect is not None:
            assert response.status_code == expect, (method, path, response.text)
        return response

    def until(self, predicate, timeout: float = 40):
        import time
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.3)
        raise AssertionError("the world did not settle in time")


def callers() -> dict[str, str | None]:
    """Every kind of caller, by name: a token each (None: no token)."""
    return {
        "enterprise": mint(f"ent-{RUN}", "enterprise", uscc=USCC_A),
        "department_officer": mint(f"officer-{RUN}", "unit_officer", unit=DEPARTMENT),
        "county_officer": mint(f"county-officer-{RUN}", "unit_officer", unit=COUNTY),
        "office": mint(f"clerk-{RUN}", "office"),
        "supervisor": mint(f"inspector-{RUN}", "supervisor"),
        "linked_leader": mint(LINKED_LEADER, "leader"),
        "unlinked_leader": mint(UNLINKED_LEADER, "leader"),
        "appointed_liaison": mint(CADRE, "liaison"),
        "unappointed_liaison": mint(UNAPPOINTED, "liaison"),
        "anonymous": None,
    }


ROLE_OF = {"enterprise": "enterprise", "department_officer": "unit_officer",
           "county_officer": "unit_officer", "office": "office", "supervisor": "supervisor",
           "linked_leader": "leader", "unlinked_leader": "leader",
           "appointed_liaison": "liaison", "unappointed_liaison": "liaison",
           "anonymous": None}


@pytest.fixture(scope="module")
def world(own_stack):
    """The registered actors and one resource in and one out of each caller's scope."""
    client = Client(own_stack)
    office = mint(f"clerk-{RUN}", "office")
    call = client.call

    for code, name in ((DEPARTMENT, "市工信局"), (OTHER_DEPARTMENT, "市商务局"),
                       (HELPING_UNIT, "市发改委")):
        call("POST", "/units", office, {"code": code, "name": name,
                                        "kind": "city_department"}, 201)
    call("POST", "/parks", office, {"id": PARK, "name": "赣县区高新技术产业园",
                                    "county": COUNTY}, 201)
    call("POST", "/leaders", office, {"id": LINKED_LEADER, "name": "周市长", "rank": "top_city",
                                      "title": "市长"}, 201)
    call("POST", "/leaders", office, {"id": UNLINKED_LEADER, "name": "王县长", "rank": "county",
                                      "title": "县长", "county": OTHER_COUNTY}, 201)
    for n, (uscc, tier) in enumerate(IN_PARK.items()):
        call("POST", "/enterprises", office, {
            "uscc": uscc, "name": f"园区企业{RUN}{n:02d}", "county": COUNTY, "park": PARK,
            "industry": "electronics", "size": "medium", "above_designated_size": True}, 201)
        rater = mint(RATER_A if uscc == USCC_A else f"rater-{RUN}", "office")
        call("POST", f"/enterprises/{uscc}/tier", rater, {"tier": tier}, 200)
    call("POST", "/enterprises", office, {
        "uscc": USCC_B, "name": f"南康企业{RUN}", "county": OTHER_COUNTY,
        "industry": "furniture", "size": "small", "above_designated_size": False}, 201)
    call("POST", f"/enterprises/{USCC_B}/tier", mint(RATER_B, "office"), {"tier": "difficult"},
         200)
    call("PUT", "/leading-group", office, {"group": "enterprise_help", "members": [
        {"name": "孙主任", "unit": HELPING_UNIT, "role": "head"}]})

    plan = call("POST", "/plans", office, {"parks": {LINKED_LEADER: PARK}}, 201).json()
    call("POST", f"/plans/{plan['id']}/accept", office, None, 200)
    call("POST", f"/departments/{DEPARTMENT}/park", office, {"park": PARK}, 200)
    call("POST", "/liaison-officers", office, {"cadre_id": CADRE, "name": "陈静",
                                               "unit": DEPARTMENT,
                                               "leader_id": LINKED_LEADER}, 201)

    def appeal(uscc: str, name: str, county: str, token: str, unit: str) -> str:
        ticket_id = call("POST", "/tickets", token, {
            "enterprise_name": name, "uscc": uscc, "title": f"用地指标 {RUN}",
            "description": "厂房扩建用地指标不足", "channel": "direct_line",
            "category": "land_and_energy", "county": county}, expect=201).json()["id"]

        def dispatched():
            # The tickets service learns of a unit a moment after liaison registered it.
            response = call("POST", f"/tickets/{ticket_id}/dispatch", office,
                            {"lead_unit": unit})
            assert response.status_code in (200, 422, 409), response.text
            return response if response.status_code == 200 else None
        client.until(dispatched)
        return ticket_id

    appeal_a = appeal(USCC_A, f"园区企业{RUN}00", COUNTY,
                      mint(f"ent-{RUN}", "enterprise", uscc=USCC_A), DEPARTMENT)
    appeal_b = appeal(USCC_B, f"南康企业{RUN}", OTHER_COUNTY,
                      mint(f"ent-b-{RUN}", "enterprise", uscc=USCC_B), OTHER_DEPARTMENT)
    visit = call("POST", "/visits", mint(LINKED_LEADER, "leader"), {
        "date": "2026-05-02", "leader_id": LINKED_LEADER, "cadres": ["刘洋"],
        "units": [DEPARTMENT], "uscc": USCC_A, "findings": "资金周转紧张", "problems": [
            {"title": f"流动资金贷款难 {RUN}", "description": "银行抽贷",
             "category": "financing"}]}, 201).json()

    def visit_appeal():
        items = call("GET", f"/visits/{visit['id']}/problems", office).json()["items"]
        return items and items[0].get("appeal") and items[0]["appeal"]["ticket_id"]
    appeal_v = client.until(visit_appeal)
    return {"client": client, "appeal_a": appeal_a, "appeal_b": appeal_b,
            "appeal_v": appeal_v, "visit": visit["id"]}


def secrets_of(world) -> dict[str, set[str]]:
    """What each caller must never be shown."""
    raters = {RATER_A, RATER_B}
    appeals = {world["appeal_a"], world["appeal_b"], world["appeal_v"]}
    return {
        "enterprise": {USCC_B, world["appeal_b"]} | raters,
        "department_officer": {world["appeal_b"]} | raters,
        "county_officer": {world["appeal_b"], RATER_B},
        "office": set(),
        "supervisor": set(),
        "linked_leader": {world["appeal_b"]} | raters,
        "unlinked_leader": appeals | {world["visit"]} | raters,
        "appointed_liaison": {world["appeal_b"]} | raters,
        "unappointed_liaison": appeals | {world["visit"]} | raters,
        "anonymous": appeals | {world["visit"], USCC_A, USCC_B} | raters,
    }


def path_values(world, path: str) -> tuple[dict, dict]:
    """The path's parameters filled twice: with a thing in the callers' scope, and one outside."""
    inside = {"ticket_id": world["appeal_a"], "uscc": USCC_A, "visit_id": world["visit"],
              "leader_id": LINKED_LEADER, "unit": DEPARTMENT, "code": DEPARTMENT,
              "park_id": PARK, "year": "2026", "number": "1", "seq": "1"}
    outside = {"ticket_id": world["appeal_b"], "uscc": USCC_B, "visit_id": f"visit-none-{RUN}",
               "leader_id": UNLINKED_LEADER, "unit": OTHER_DEPARTMENT, "code": OTHER_DEPARTMENT,
               "park_id": f"park-none-{RUN}", "year": "2025", "number": "2", "seq": "2"}
    names = re.findall(r"\{(\w+)\}", path)
    fill = lambda values: {name: values.get(name, f"none-{RUN}") for name in names}  # noqa: E731
    return fill(inside), fill(outside)


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, spelled in methods.items():
            yield path, method, spelled


def test_every_operation_has_a_row(world):
    document = world["client"].call("GET", "/openapi.json", expect=200).json()
    missing = [spelled["operationId"] for _, _, spelled in operations(document)
               if "x-permission" not in spelled and spelled["operationId"] not in GATEWAY_OWN]
    assert missing == [], f"operations with no row in their service's permission table: {missing}"
    assert sum(1 for _ in operations(document)) > 150


def test_every_operation_as_every_caller(world):
    client = world["client"]
    document = client.call("GET", "/openapi.json", expect=200).json()
    tokens = callers()
    secrets = secrets_of(world)
    failures: list[str] = []
    calls = 0
    granted = set()
    for path, method, spelled in operations(document):
        row = spelled.get("x-permission")
        if row is None:
            continue
        roles = row["roles"]
        secured = bool(spelled.get("security"))
        inside, outside = path_values(world, path)
        # An open route is called as the public, whatever a request carries.
        who = tokens.items() if secured else [("anonymous", None)]
        for caller, token in who:
            role = ROLE_OF[caller] if secured else "public"
            allowed = role in roles
            if method in MUTATING and allowed:
                continue          # the reads must see the world as it was made
            for values in (inside, outside):
                url = path.format(**values)
                response = client.call(method.upper(), url, token,
                                       body={} if method in MUTATING else None, prefix="")
                calls += 1
                status = response.status_code
                where = f"{method.upper()} {url} as {caller}"
                if not allowed:
                    expected = 401 if token is None and secured else 403
                    if status != expected:
                        failures.append(f"{where}: {status}, the row refuses {role} "
                                        f"(expected {expected})")
                    continue
                if 200 <= status < 300 and values is inside:
                    granted.add((spelled["operationId"], caller))
                if 200 <= status < 300:
                    text = response.content.decode("utf-8", errors="replace")
                    leaked = sorted(s for s in secrets[caller] if s in text)
                    if leaked:
                        failures.append(f"{where}: 2xx holding another's data {leaked}")
    assert calls > 1000
    assert GRANTED - granted == set(), "reads in scope that were refused"
    assert failures == [], "\n".join(failures)


def test_an_assisting_unit_acts_only_on_its_own_task(world):
    """Run last: its appeal is one no read above looks for."""
    client, call = world["client"], world["client"].call
    tokens = callers()
    office = tokens["office"]
    helping = mint(f"helping-officer-{RUN}", "unit_officer", unit=HELPING_UNIT)
    other = mint(f"other-officer-{RUN}", "unit_officer", unit=OTHER_DEPARTMENT)
    ticket_id = call("POST", "/tickets", office, {
        "enterprise_name": f"园区企业{RUN}00", "uscc": USCC_A, "title": f"协办 {RUN}",
        "description": "需两部门协办", "channel": "hotline", "category": "technology",
        "county": COUNTY}, expect=201).json()["id"]
    call("POST", f"/tickets/{ticket_id}/dispatch", office, {
        "lead_unit": DEPARTMENT, "assisting_units": [OTHER_DEPARTMENT, HELPING_UNIT]}, 200)

    def act(token, action, body=None):
        return call("POST", f"/tickets/{ticket_id}/{action}", token, body or {})

    for caller in ("department_officer", "county_officer", "enterprise", "supervisor",
                   "linked_leader", "appointed_liaison", "anonymous"):
        for action, body in (("sign-for-task", {}), ("answer-task", {"reply": "代回复"})):
            refused = act(tokens[caller], action, body)
            expected = 401 if tokens[caller] is None else 403
            assert refused.status_code == expected, (caller, action, refused.text)
    # the lead unit is told why: only an assisting unit, on its own task
    assert act(tokens["department_officer"], "sign-for-task").json()["title"] == \
        "not_assisting_unit"
    assert act(helping, "waive-task", {"unit": OTHER_DEPARTMENT, "reason": "r"}).status_code == 403

    assert act(helping, "sign-for-task").status_code == 200
    answered = act(helping, "answer-task", {"reply": "已提供技术意见"}).json()
    states = {task["unit"]: task["status"] for task in answered["tasks"]}
    # one assisting unit's acts never touch the other's task
    assert states == {OTHER_DEPARTMENT: "open", HELPING_UNIT: "answered"}
    assert act(other, "answer-task", {"reply": "x"}).json()["title"] == \
        "assist_task_not_signed_for"
    history = call("GET", f"/tickets/{ticket_id}/history", office, expect=200).json()["events"]
    acted = [(e["type"], e["payload"]["unit"], e["actor"].split(":")[1]) for e in history
             if e["type"] in ("AssistTaskSignedFor", "AssistTaskAnswered")]
    assert acted == [("AssistTaskSignedFor", HELPING_UNIT, HELPING_UNIT),
                     ("AssistTaskAnswered", HELPING_UNIT, HELPING_UNIT)]


def test_an_enterprise_sees_no_other_enterprise_s_merged_appeal(world):
    """Run last: its appeals are ones no read above looks for."""
    call = world["client"].call
    tokens = callers()
    office, owner_a = tokens["office"], tokens["enterprise"]
    owner_b = mint(f"ent-b-{RUN}", "enterprise", uscc=USCC_B)

    def raised(uscc: str, county: str) -> str:
        return call("POST", "/tickets", office, {
            "enterprise_name": f"企业{uscc[-4:]}{RUN}", "uscc": uscc, "title": f"园区停电 {RUN}",
            "description": "园区停电两天，生产停摆。", "channel": "hotline",
            "category": "technology", "county": county}, expect=201).json()["id"]

    survivor, merged = raised(USCC_A, COUNTY), raised(USCC_B, OTHER_COUNTY)
    # Proposals and merges are the office's alone.
    for caller, token in tokens.items():
        if caller == "office":
            continue
        expected = 401 if token is None else 403
        assert call("GET", f"/tickets/{survivor}/merge-proposals", token).status_code == expected
        assert call("POST", f"/tickets/{survivor}/merge", token,
                    {"appeals": [merged], "reason": "重复"}).status_code == expected, caller
    call("POST", f"/tickets/{survivor}/merge", office, {"appeals": [merged], "reason": "重复"},
         expect=200)

    # The survivor's enterprise: nothing of B's merged appeal, in the view, list or history.
    seen = call("GET", f"/tickets/{survivor}", owner_a, expect=200).json()
    assert merged not in str(seen) and USCC_B not in str(seen)
    history = call("GET", f"/tickets/{survivor}/history", owner_a, expect=200).json()
    assert merged not in str(history) and USCC_B not in str(history)
    assert call("GET", f"/tickets/{merged}", owner_a).status_code == 403
    assert merged not in {line["id"] for line in call(
        "GET", "/tickets?limit=200", owner_a, expect=200).json()["items"]}
    # The merged enterprise: its own appeal and the survivor's progress, no name or code of A's.
    followed = call("GET", f"/tickets/{merged}", owner_b, expect=200).json()
    assert followed["status"] == "merged" and followed["survivor"]["id"] == survivor
    assert USCC_A not in str(followed) and f"企业{USCC_A[-4:]}" not in str(followed)
    assert call("GET", f"/tickets/{survivor}", owner_b).status_code == 403
    # The office sees both ends.
    assert merged in str(call("GET", f"/tickets/{survivor}", office, expect=200).json()["links"])
