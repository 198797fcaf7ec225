"""The policy routes and the public portal at the gateway, with a stand-in policy service on the
real broker: what the gateway checks itself (a token on /api/v1, the shape of bodies, paths and
queries), what it passes on (the verified caller, the fields as the contract dumps them), and
how it answers (statuses, Location, downloads named in Chinese, HTML, Atom, secure headers).
The portal passes the public actor whatever token a request carries.

The stand-in answers with shapes the policy domain itself makes (`Policy.snapshot()`,
`build_edition`), so the answers are checked against the wire contract too. What the service
decides (who may read a draft) is tested with the service, and end to end in tests/browser and
tests/e2e/test_policy_life.py."""
import base64
import dataclasses
import hashlib
import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest
import requests

from gateway.auth import mint
from gateway.service import Gateway
from kernel.actor import Actor
from kernel.errors import NOT_FOUND, Refused
from kernel.rpc import rpc
from services.policy.permissions import PERMISSIONS
from services.policy import contract
from services.policy.compendium.edition import build_edition
from services.policy.policies.domain import Policy

AT = dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.timezone.utc)
OFFICE = Actor(sub="clerk-li", role="office")
TITLE = "关于支持企业稳岗扩岗的若干措施 <script>alert(1)</script>"
CONTACT = {"unit": "市人社局就业科", "person": "王敏", "phone": "0797-8123456",
           "email": "jiuye@ganzhou.example.cn"}
CALLS: list[tuple[str, dict, tuple]] = []
# What the stand-in says is published: a test changes it to stand for a publication.
MARK = ["mark-1"]
DOCUMENT_BODY = b"%PDF-1.7 stand-in "
ATOM = "{http://www.w3.org/2005/Atom}"


def _published() -> dict:
    policy = Policy.draft("p-1", issuing_unit="city-hrss", title=TITLE,
                          document_number="赣市人社字〔2024〕8号", level="municipal",
                          cost_category="labour", summary="对吸纳就业的企业给予一次性扩岗补助。",
                          effective_from="2024-01-01", effective_until="2026-12-31",
                          full_text="第一条 一次性扩岗补助。\n第二条 稳岗返还。", at=AT,
                          actor=OFFICE)
    policy.set_contact(at=AT, actor=OFFICE, **CONTACT)
    policy.publish(at=AT, actor=OFFICE)
    return policy.snapshot()


POLICY = _published()
SUMMARY = {key: POLICY[key] for key in contract.PolicySummary.model_fields
           if key in POLICY} | {"updated_at": POLICY["published_at"]}
EDITION = {**dataclasses.asdict(build_edition([POLICY], AT, 2)), "built_at": "2024-05-06T09:00:00Z"}
RULE = {"id": "r-1", "version": 2, "status": "filed", "status_label": "已报备", "policy_id": "p-1",
        "unit": "city-hrss", "kind": "operating_rules", "kind_label": "具体办法/操作细则",
        "due": "2024-05-20", "due_label": "2024-05-20", "late": False,
        "filing": {"title": "扩岗补助操作细则", "document_number": "赣市人社字〔2024〕9号",
                   "text": "细则全文", "procedure": "网上申请", "time_limits": "十个工作日",
                   "tasks": None, "responsibilities": None},
        "required_at": "2024-05-01T00:00:00Z", "overdue_at": None,
        "filed_at": "2024-05-10T00:00:00Z"}


class StandInPolicy:
    """The policy service's RPC names, answering canned shapes and noting each call."""

    name = "policy"
    permissions = PERMISSIONS

    def _note(self, method, actor, *args):
        CALLS.append((method, actor, args))

    @rpc
    def draft_policy(self, actor, fields):
        self._note("draft_policy", actor, fields)
        return POLICY

    @rpc
    def act_on_policy(self, actor, policy_id, action, fields):
        self._note("act_on_policy", actor, policy_id, action, fields)
        if policy_id == "missing":
            raise Refused("policy_not_found", NOT_FOUND, f"no policy {policy_id}")
        return POLICY

    @rpc
    def get_policy(self, actor, policy_id):
        self._note("get_policy", actor, policy_id)
        if policy_id != "p-1":
            raise Refused("policy_not_found", NOT_FOUND, f"no policy {policy_id}")
        return POLICY

    @rpc
    def policy_version(self, actor, policy_id, number):
        self._note("policy_version", actor, policy_id, number)
        return POLICY["versions"][0]

    @rpc
    def list_policies(self, actor, filters, cursor=None, limit=50):
        self._note("list_policies", actor, filters, cursor, limit)
        return {"items": [SUMMARY], "next_cursor": "abc"}

    @rpc
    def list_rules(self, actor, filters):
        self._note("list_rules", actor, filters)
        return {"items": [RULE]}

    @rpc
    def require_rule(self, actor, fields):
        self._note("require_rule", actor, fields)
        return {**RULE, "status": "required", "filing": None, "filed_at": None}

    @rpc
    def build_compendium(self, actor):
        self._note("build_compendium", actor)
        new = sum(1 for call in CALLS if call[0] == "build_compendium") == 1
        return {"number": 2, "day": "2024-05-06", "digest": EDITION["digest"],
                "built_at": "2024-05-06T09:00:00Z", "policies": 1, "new": new}

    @rpc
    def compendium_edition(self, actor, number):
        self._note("compendium_edition", actor, number)
        return EDITION

    @rpc
    def compendium_document(self, actor, number, format, known_digest=None):
        self._note("compendium_document", actor, number, format, known_digest)
        if number not in (None, 2):
            raise Refused("edition_not_found", NOT_FOUND, f"no edition {number}")
        named = {"display_name": f"赣州市惠企政策文件汇编(第2期).{format}"} if format == "pdf" else {}
        body = DOCUMENT_BODY + format.encode()
        document = {"number": 2, "format": format, "edition_digest": EDITION["digest"],
                    "digest": hashlib.sha256(body).hexdigest(), "size": len(body),
                    "filename": f"huiqi-compendium-2-2024-05-06.{format}", **named,
                    "media_type": {"pdf": "application/pdf", "html": "text/html"}.get(
                        format, "application/octet-stream")}
        if known_digest != document["digest"]:
            document["base64"] = base64.b64encode(body).decode()
        return document

    @rpc
    def portal_mark(self, actor):
        self._note("portal_mark", actor)
        return {"mark": MARK[0], "edition": {"number": 2, "digest": EDITION["digest"]}}

    @rpc
    def contact_sheet(self, actor):
        self._note("contact_sheet", actor)
        return {"items": [dataclasses.asdict(row) for row in build_edition([POLICY], AT, 2).contacts],
                "edition": 2}

    @rpc
    def portal_feed(self, actor, limit=50):
        self._note("portal_feed", actor, limit)
        return {"items": [{"policy_id": "p-1", "title": TITLE,
                           "document_number": POLICY["document_number"],
                           "issuing_unit": "city-hrss", "kind": "published", "version": 1,
                           "at": POLICY["published_at"], "summary": POLICY["summary"]}]}


@pytest.fixture
def gateway(container_factory, service_config, monkeypatch):
    CALLS.clear()
    MARK[:] = ["mark-1"]
    # the mark asked on every request, so a test's publication shows at once
    monkeypatch.setenv("HUIQI_PORTAL_MARK_AGE", "0")
    for cls in (StandInPolicy, Gateway):
        config = service_config(RPC_TIMEOUT=10)
        container_factory(cls, config).start()
    base = f"http://{config['WEB_SERVER_ADDRESS']}"

    def call(method, path, role="office", **kwargs):
        headers = kwargs.pop("headers", {})
        tokens = {"office": mint("clerk-li", "office"),
                  "unit_officer": mint("officer-zhao", "unit_officer", unit="city-hrss"),
                  "enterprise": mint("boss", "enterprise", uscc="91360702MA35G0QX4J")}
        if role:
            headers["Authorization"] = f"Bearer {tokens[role]}"
        return requests.request(method, f"{base}{path}", headers=headers, timeout=20, **kwargs)

    return call


def calls(method):
    return [call for call in CALLS if call[0] == method]


def test_the_api_needs_a_token_and_passes_the_verified_caller(gateway):
    assert gateway("GET", "/api/v1/policies", role=None).status_code == 401
    assert not CALLS
    page = gateway("GET", "/api/v1/policies", role="unit_officer")
    assert page.status_code == 200, page.text
    contract.PolicyPage.model_validate(page.json())
    [(_, actor, _)] = calls("list_policies")
    assert actor == {"sub": "officer-zhao", "role": "unit_officer", "unit": "city-hrss"}


def test_a_draft_is_checked_then_passed_on_and_answered_201_with_its_location(gateway):
    fields = {"issuing_unit": "city-hrss", "title": " 稳岗措施 ", "document_number": "赣市人社字〔2024〕8号",
              "level": "municipal", "cost_category": "labour", "summary": "扩岗补助",
              "effective_from": "2024-01-01", "contact": CONTACT}
    drafted = gateway("POST", "/api/v1/policies", json=fields)
    assert drafted.status_code == 201, drafted.text
    assert drafted.headers["Location"] == "/api/v1/policies/p-1"
    contract.PolicyView.model_validate(drafted.json())
    [(_, _, (passed,))] = calls("draft_policy")
    assert passed["title"] == "稳岗措施" and passed["effective_from"] == "2024-01-01"
    assert "effective_until" not in passed and passed["contact"] == CONTACT

    wrong = gateway("POST", "/api/v1/policies", json={**fields, "level": "galactic"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "level"
    extra = gateway("POST", "/api/v1/policies", json={**fields, "status": "published"})
    assert extra.status_code == 422 and extra.json()["field"] == "status"
    assert len(calls("draft_policy")) == 1  # refused at the gateway, never sent on


@pytest.mark.parametrize("action, body", [
    ("set-contact", CONTACT), ("publish", {}), ("amend", {"reason": "提高补助标准", "summary": "新摘要"}),
    ("repeal", {"reason": "已被新政策替代"}), ("answer-policy-work", {"item_id": "w-1"}),
])
def test_each_action_of_the_contract_is_passed_on_by_name(gateway, action, body):
    done = gateway("POST", f"/api/v1/policies/p-1/{action}", json=body)
    assert done.status_code == 200, done.text
    [(_, _, (policy_id, name, fields))] = calls("act_on_policy")
    assert (policy_id, name, fields) == ("p-1", action, body)


def test_unknown_actions_bad_bodies_and_a_missing_policy_are_refused_by_name(gateway):
    unknown = gateway("POST", "/api/v1/policies/p-1/shred", json={})
    assert unknown.status_code == 404 and "publish" in unknown.json()["detail"]
    no_reason = gateway("POST", "/api/v1/policies/p-1/repeal", json={})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    missing = gateway("POST", "/api/v1/policies/missing/publish", json={})
    assert missing.status_code == 404 and missing.json()["title"] == "policy_not_found"
    assert missing.headers["Content-Type"].startswith("application/problem+json")


def test_list_filters_reach_the_service_as_text_and_unknown_ones_are_refused(gateway):
    page = gateway("GET", "/api/v1/policies?q=稳岗&level=municipal&in_force_on=2024-05-01"
                          "&status=&limit=5&cursor=abc")
    assert page.status_code == 200, page.text
    [(_, _, (filters, cursor, limit))] = calls("list_policies")
    assert filters == {"q": "稳岗", "level": "municipal", "in_force_on": "2024-05-01"}
    assert (cursor, limit) == ("abc", 5)
    assert gateway("GET", "/api/v1/policies?colour=red").json()["field"] == "colour"
    assert gateway("GET", "/api/v1/policies?in_force_on=May").status_code == 422


def test_rules_compendium_and_its_documents(gateway):
    required = gateway("POST", "/api/v1/rules", json={
        "policy_id": "p-1", "unit": "city-hrss", "kind": "operating_rules", "due": "2024-05-20"})
    assert required.status_code == 201 and required.headers["Location"] == "/api/v1/rules/r-1"
    contract.RuleView.model_validate(required.json())
    assert gateway("GET", "/api/v1/rules?status=filed").json()["items"][0]["id"] == "r-1"

    first = gateway("POST", "/api/v1/compendium")
    again = gateway("POST", "/api/v1/compendium")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.headers["Location"] == "/api/v1/compendium/editions/2"
    contract.EditionView.model_validate(gateway("GET", "/api/v1/compendium/editions/2").json())

    pdf = gateway("GET", "/api/v1/compendium/editions/2.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    disposition = pdf.headers["Content-Disposition"]
    assert disposition.startswith(
        "attachment; filename=\"huiqi-compendium-2-2024-05-06.pdf\"; filename*=UTF-8''")
    assert unquote(disposition.split("''", 1)[1]) == "赣州市惠企政策文件汇编(第2期).pdf"
    assert calls("compendium_document")[0][2] == (2, "pdf", None)
    # Without a display name from the service, the gateway names it in Chinese itself.
    html = gateway("GET", "/api/v1/compendium/editions/2.html")
    assert unquote(html.headers["Content-Disposition"].split("''", 1)[1]) == \
        "赣州市惠企政策文件汇编（第2期）.html"
    assert gateway("GET", "/api/v1/compendium/editions/2.xls").json()["title"] == "unknown_format"
    assert gateway("GET", "/api/v1/compendium/editions/0").status_code == 422


def test_the_portal_never_passes_the_callers_token_on(gateway):
    for role in (None, "office"):
        CALLS.clear()
        MARK[0] = f"published-before-{role}"   # so the page is drawn again, not held
        answer = gateway("GET", "/portal/api/policies?q=稳岗", role=role)
        assert answer.status_code == 200, answer.text
        [(_, actor, _)] = calls("list_policies")
        assert actor == {"sub": "portal", "role": "public"}
    for path in ("/portal", "/portal/policies/p-1", "/portal/policies/p-1/versions/1",
                 "/portal/rules", "/portal/contact-sheet", "/portal/compendium",
                 "/portal/compendium.pdf", "/portal/feed.atom", "/portal/api/contact-sheet",
                 "/portal/api/compendium", "/portal/api/rules", "/portal/api/policies/p-1"):
        CALLS.clear()
        answer = gateway("GET", path, role="office")
        assert answer.status_code == 200, (path, answer.text)
        assert CALLS and {call[1]["role"] for call in CALLS} == {"public"}, path


def test_portal_pages_are_escaped_chinese_html_with_secure_headers(gateway):
    page = gateway("GET", "/portal/policies/p-1", role=None)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    html = page.text
    assert '<html lang="zh-CN">' in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "市人社局就业科" in html and "0797-8123456" in html and "第1版" in html
    assert "第二条 稳岗返还。" in html
    index = gateway("GET", "/portal?q=稳岗&level=municipal", role=None).text
    assert 'value="稳岗"' in index and '<option value="municipal" selected>' in index
    assert "/portal?q=" in index and "cursor=abc" in index  # the next page keeps the search
    compendium = gateway("GET", "/portal/compendium", role=None).text
    assert 'href="/portal/compendium.pdf"' in compendium and "第2版" in compendium
    sheet = gateway("GET", "/portal/contact-sheet", role=None).text
    assert "惠企政策咨询联系表" in sheet and "jiuye@ganzhou.example.cn" in sheet
    css = gateway("GET", "/portal/portal.css", role=None)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")


def test_a_missing_page_is_html_for_a_browser_and_problem_json_otherwise(gateway):
    browser = gateway("GET", "/portal/policies/nope", role=None,
                      headers={"Accept": "text/html,application/xhtml+xml"})
    assert browser.status_code == 404 and browser.headers["Content-Type"].startswith("text/html")
    assert "没有找到" in browser.text
    client = gateway("GET", "/portal/policies/nope", role=None)
    assert client.status_code == 404
    assert client.headers["Content-Type"].startswith("application/problem+json")
    bad = gateway("GET", "/portal?level=galactic", role=None, headers={"Accept": "text/html"})
    assert bad.status_code == 422 and "查询条件有误" in bad.text


def test_the_feed_is_atom(gateway):
    feed = gateway("GET", "/portal/feed.atom", role=None)
    assert feed.headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id").text.startswith("urn:uuid:")
    assert root.find(f"{ATOM}updated").text == POLICY["published_at"]
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
    assert TITLE in entry.find(f"{ATOM}title").text
    assert entry.find(f"{ATOM}link").get("href").endswith("/portal/policies/p-1/versions/1")
    assert entry.find(f"{ATOM}summary").text == POLICY["summary"]
    again = ET.fromstring(gateway("GET", "/portal/feed.atom", role=None).content)
    assert again.find(f"{ATOM}entry/{ATOM}id").text == entry.find(f"{ATOM}id").text


def test_the_portal_deadlines_are_refused_to_an_enterprise_before_any_call(gateway):
    deadlines = gateway("GET", "/api/v1/portal-deadlines", role="enterprise")
    assert deadlines.status_code == 403 and deadlines.json()["title"] == "role_not_allowed"
    assert "unit_officer, office, supervisor" in deadlines.json()["detail"]
    assert not calls("portal_deadlines")


def test_the_feed_links_to_the_public_base_url_whatever_host_a_request_names(gateway,
                                                                               monkeypatch):
    forged = {"Host": "evil.example.com"}
    default = ET.fromstring(gateway("GET", "/portal/feed.atom", role=None, headers=forged).content)
    links = [link.get("href") for link in default.iter(f"{ATOM}link")]
    assert links and all(link.startswith("http://localhost:8000/portal") for link in links)
    monkeypatch.setenv("HUIQI_PUBLIC_BASE_URL", "https://zwgk.ganzhou.example.cn/")
    MARK[0] = "after-the-setting-changed"
    feed = gateway("GET", "/portal/feed.atom", role=None, headers=dict(forged))
    links = [link.get("href") for link in ET.fromstring(feed.content).iter(f"{ATOM}link")]
    assert "https://zwgk.ganzhou.example.cn/portal/feed.atom" in links
    assert all(link.startswith("https://zwgk.ganzhou.example.cn/portal") for link in links)
    assert b"evil.example.com" not in feed.content


def test_a_bad_public_base_url_is_named():
    from gateway.portal import public_base_url
    with pytest.raises(ValueError, match="HUIQI_PUBLIC_BASE_URL"):
        public_base_url({"HUIQI_PUBLIC_BASE_URL": "zwgk.ganzhou.example.cn"})
    assert public_base_url({}) == "http://localhost:8000"


def test_the_latest_document_travels_once_and_is_answered_with_its_digest(gateway):
    first = gateway("GET", "/portal/compendium.pdf", role=None)
    assert first.status_code == 200, first.text
    digest = hashlib.sha256(first.content).hexdigest()
    assert first.headers["ETag"] == f'"{digest}"'
    assert "max-age=300" in first.headers["Cache-Control"]
    assert "immutable" not in first.headers["Cache-Control"]
    again = gateway("GET", "/portal/compendium.pdf", role=None)
    assert again.content == first.content
    # held by the gateway: the service was asked for it once
    assert len(calls("compendium_document")) == 1
    held = gateway("GET", "/portal/compendium.pdf", role=None,
                   headers={"If-None-Match": f'W/"other", "{digest}"'})
    assert held.status_code == 304 and held.content == b""
    assert held.headers["ETag"] == f'"{digest}"'
    assert gateway("GET", "/portal/compendium.pdf", role=None,
                   headers={"If-None-Match": '"other"'}).status_code == 200


def test_concurrent_first_downloads_ask_the_service_once(gateway):
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda _: gateway("GET", "/portal/compendium.docx", role=None),
                                range(12)))
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    assert len([call for call in calls("compendium_document") if call[2][1] == "docx"]) == 1


def test_a_numbered_edition_is_immutable_and_its_bytes_are_not_sent_again(gateway):
    first = gateway("GET", "/api/v1/compendium/editions/2.pdf")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    digest = hashlib.sha256(first.content).hexdigest()
    again = gateway("GET", "/api/v1/compendium/editions/2.pdf",
                    headers={"If-None-Match": f'"{digest}"'})
    assert again.status_code == 304
    # the gateway told the service which digest it holds, so the bytes did not travel again
    assert [call[2][2] for call in calls("compendium_document")] == [None, digest]
    assert gateway("GET", "/api/v1/compendium/editions/3.pdf").status_code == 404


def test_portal_pages_are_held_until_the_next_publication(gateway):
    first = gateway("GET", "/portal/policies/p-1", role=None)
    etag = first.headers["ETag"]
    assert etag == f'"{hashlib.sha256(first.content).hexdigest()}"'
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert first.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in first.headers["Content-Security-Policy"]
    again = gateway("GET", "/portal/policies/p-1", role=None)
    assert again.content == first.content and len(calls("get_policy")) == 1
    assert gateway("GET", "/portal/policies/p-1", role=None,
                   headers={"If-None-Match": etag}).status_code == 304
    # a page not found is not held
    gateway("GET", "/portal/policies/nope", role=None)
    gateway("GET", "/portal/policies/nope", role=None)
    assert len(calls("get_policy")) == 3
    MARK[0] = "after-the-next-publication"
    gateway("GET", "/portal/policies/p-1", role=None)
    assert len(calls("get_policy")) == 4


def test_a_large_body_is_sent_in_pieces_of_the_whole_length(gateway):
    from gateway.policy import CHUNK, Pieces, in_pieces
    from werkzeug.wrappers import Response as Plain
    body = bytes(range(256)) * (CHUNK // 128 + 3)
    response = in_pieces(Plain(body))
    assert isinstance(response.response, Pieces)
    assert response.headers["Content-Length"] == str(len(body))
    pieces = list(response.response)
    assert len(pieces) > 1 and b"".join(pieces) == body


def test_bad_portal_mark_ages_are_named():
    from gateway.portal import mark_age
    with pytest.raises(ValueError, match="HUIQI_PORTAL_MARK_AGE"):
        mark_age({"HUIQI_PORTAL_MARK_AGE": "-1"})
    with pytest.raises(ValueError, match="HUIQI_PORTAL_MARK_AGE"):
        mark_age({"HUIQI_PORTAL_MARK_AGE": "soon"})
    assert mark_age({}) == 1.0


def test_the_mark_is_asked_again_only_once_it_is_old():
    from gateway.portal import Pages
    asked = []

    def ask():
        asked.append(1)
        return {"mark": f"m{len(asked)}", "edition": None}

    held = Pages(mark_age=3600)
    assert held.mark(ask) == held.mark(ask) == {"mark": "m1", "edition": None}
    assert len(asked) == 1
    every_time = Pages(mark_age=0)
    assert [every_time.mark(ask)["mark"] for _ in range(2)] == ["m2", "m3"]
