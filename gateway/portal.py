"""The public portal of notice 二(二)3 (在政府门户网站开设惠企政策专栏): what a citizen or an enterprise
reads without signing in, under /portal — the published policies with a search box and filters,
a policy with its current text, its versions and whom to ask, the implementation rules filed,
the contact sheet (咨询联系表), the latest compendium (政策汇编) to download, and an Atom feed of
what was published or amended.

Every page is HTML (lang zh-CN, autoescaped, readable without JavaScript) and the same content is
JSON under /portal/api. The portal never takes the caller's token: every RPC is made as the one
public actor, and the policy service answers that actor with published things only, so nothing
unpublished can show here whatever a request carries. Each answer carries secure headers
(Content-Security-Policy default-src 'self': no inline script or style, no other origin).
"""
from __future__ import annotations

import collections
import datetime as dt
import hashlib
import os
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from nameko.extensions import DependencyProvider
from pydantic import Field, StringConstraints
from werkzeug.wrappers import Response

from gateway.http import json_response, read_path, read_query, texts
from gateway.operations import Answer, Routes, mount
from gateway.policy import (
    COMPENDIUM_TITLE, DOCUMENTS, LATEST_EDITION_CACHE, Flights, HeldDocuments, conditional,
    document_answer, document_download, document_format, in_pieces,
)
from kernel import identity
from kernel.actor import PUBLIC
from kernel.dependencies import TimedRpcProxy
from kernel.entrypoints import HTTP_STATUS
from kernel.errors import NOT_FOUND, Refused
from kernel.wire import Body, Text
from services.policy import contract
from services.policy.contract import CostCategory, Level

SITE = "赣州市惠企政策专栏"
CONTACT_SHEET_TITLE = "惠企政策咨询联系表"
FEED_TITLE = "赣州市惠企政策：发布与修订"
FEED_SIZE = 50
HTML = "text/html"
ATOM = "application/atom+xml"
CSS = "text/css"
ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Ids of the feed and its entries: stable across restarts, so a reader never sees one twice.
FEED_NAMESPACE = uuid.UUID("3c1f6f0e-6a57-4c55-9d0c-51a0c6b1f0d2")
FEED_ID = f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, 'portal/feed')}"
FEED_KINDS = {"published": "发布", "amended": "修订"}

PUBLIC_BASE_URL = "HUIQI_PUBLIC_BASE_URL"
DEFAULT_BASE_URL = "http://localhost:8000"
# A page is checked again on every visit; its ETag answers 304 until the next publication.
PAGE_CACHE = "public, no-cache"
PAGES_KEPT = 512
# Seconds a gateway answers by the mark of what is published it knows before asking again
# (HUIQI_PORTAL_MARK_AGE): a publication shows on the portal within this, plus one request.
PORTAL_MARK_AGE = "HUIQI_PORTAL_MARK_AGE"
DEFAULT_MARK_AGE = 1.0

SECURE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; base-uri 'none'; form-action 'self'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

HERE = Path(__file__).parent
templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                        autoescape=select_autoescape(["html", "xml"]),
                        trim_blocks=True, lstrip_blocks=True)

portal = Routes("portal", "The public portal (惠企政策专栏, notice 二(二)3): published policies, "
                          "rules, contacts and the compendium, without a token", prefix="/portal",
                          service="policy")
# What the portal serves of its own, calling no service.
assets = Routes("portal", portal.description, prefix="/portal", calls_service=False)

PAGE_ERRORS = (NOT_FOUND,)
HTML_ANSWER = Answer(200, "the page (HTML, zh-CN)", media_type=HTML, schema={"type": "string"})


def published(path: str, operation_id: str, summary: str, **options):
    """A portal route: GET, no token."""
    return portal("GET", path, operation_id, summary, secured=False, **options)


# -- what the portal takes ------------------------------------------------------------------

class PortalSearch(Body):
    """The portal's search: words and filters over the published policies, newest first."""

    q: Text(contract.NAME_LIMIT) | None = Field(
        None, description="words to find (Chinese or not), ranked by relevance")
    level: Level | None = None
    cost_category: CostCategory | None = None
    unit: Text(contract.CODE_LIMIT) | None = Field(None, description="the issuing unit")
    in_force_on: dt.date | None = Field(None, description="YYYY-MM-DD: in force on that day")
    cursor: Annotated[str, StringConstraints(max_length=contract.CURSOR_LIMIT,
                                             pattern=r"^[A-Za-z0-9_-]*$")] | None = Field(
        None, description="next_cursor of the previous page")
    limit: int = Field(20, ge=1, le=100)


SEARCH_FILTERS = ("q", "level", "cost_category", "unit", "in_force_on")


class PortalRules(Body):
    policy_id: Text(contract.CODE_LIMIT) | None = Field(
        None, description="one policy's rules")


# -- helpers --------------------------------------------------------------------------------

def public_assertion() -> str:
    """What the portal passes the services: the public actor (公众), who reads only what is
    published — never the request's caller, whatever token it carries."""
    return identity.gateway_assertion(PUBLIC)


def wants_html(request) -> bool:
    return "text/html" in request.headers.get("Accept", "")


def page(template: str, status: int = 200, **context) -> Response:
    body = templates.get_template(f"portal/{template}").render(
        site=SITE, compendium_title=COMPENDIUM_TITLE, **context)
    return Response(body, status=status, mimetype=HTML, headers=SECURE_HEADERS)


def data(body) -> Response:
    return json_response(200, body, dict(SECURE_HEADERS))


def error_page(refused: Refused) -> Response:
    status = HTTP_STATUS[refused.kind]
    heading = {404: "没有找到", 422: "查询条件有误", 503: "服务暂时不可用"}.get(status, "无法显示")
    return page("error.html", status, heading=heading, detail=refused.message)


def paragraphs(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def atom_feed(items: list[dict], base: str) -> bytes:
    """An Atom feed (RFC 4287) of the policies published or amended, newest first."""
    ET.register_namespace("", ATOM_NS)

    def add(parent, name: str, text: str | None = None, **attributes) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attributes)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: "zh-CN"})
    add(feed, "id", FEED_ID)
    add(feed, "title", FEED_TITLE)
    add(feed, "subtitle", "已发布和已修订的惠企政策")
    add(feed, "updated", items[0]["at"] if items else "2024-01-01T00:00:00Z")
    add(feed, "link", rel="self", type=ATOM, href=f"{base}/portal/feed.atom")
    add(feed, "link", rel="alternate", type=HTML, href=f"{base}/portal")
    author = add(feed, "author")
    add(author, "name", SITE)
    for item in items:
        entry = add(feed, "entry")
        version = item.get("version") or 1
        entry_id = uuid.uuid5(FEED_NAMESPACE, f"{item['policy_id']}/{version}")
        add(entry, "id", f"urn:uuid:{entry_id}")
        kind = FEED_KINDS.get(item.get("kind"), item.get("kind") or "")
        add(entry, "title", f"{item['title']}（{item.get('document_number') or ''}）{kind}"
                            f"第{version}版")
        add(entry, "updated", item["at"])
        add(entry, "published", item["at"])
        add(entry, "link", rel="alternate", type=HTML,
            href=f"{base}/portal/policies/{quote(item['policy_id'], safe='')}/versions/{version}")
        add(entry, "category", term=item.get("kind") or "", label=kind)
        if item.get("issuing_unit"):
            add(add(entry, "author"), "name", item["issuing_unit"])
        add(entry, "summary", item.get("summary") or item["title"])
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def public_base_url(environ=None) -> str:
    """Where the portal is reached from outside, for the feed's links: HUIQI_PUBLIC_BASE_URL,
    never the request's Host header, which any client writes as it likes."""
    value = (os.environ if environ is None else environ).get(PUBLIC_BASE_URL, DEFAULT_BASE_URL)
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query \
            or parts.fragment:
        raise ValueError(f"{PUBLIC_BASE_URL} must be an http(s) URL such as "
                         f"https://portal.example.gov.cn, not {value!r}")
    return value.strip().rstrip("/")


def mark_age(environ=None) -> float:
    value = (os.environ if environ is None else environ).get(PORTAL_MARK_AGE,
                                                             str(DEFAULT_MARK_AGE))
    try:
        age = float(value)
        if not age >= 0:
            raise ValueError(value)
    except ValueError:
        raise ValueError(f"{PORTAL_MARK_AGE} must be a number of seconds, 0 or more, "
                         f"not {value!r}") from None
    return age


# -- the portal's pages, held until the next publication --------------------------------------

class Pages:
    """The portal's answers as this gateway holds them, keyed by the policy service's mark of
    what is published (`portal_mark`) and the request's path and query: a page is drawn once per
    publication, amendment, repeal, rule filed or edition built, and served from here until
    then. Only a 200 is held. Concurrent requests share one mark call and one drawing."""

    def __init__(self, kept: int = PAGES_KEPT, mark_age: float = DEFAULT_MARK_AGE):
        self.kept = kept
        self.mark_age = mark_age
        self.held: collections.OrderedDict = collections.OrderedDict()
        self.flights = Flights()
        self.known: dict | None = None
        self.known_at = 0.0

    def mark(self, ask) -> dict:
        """The service's mark, asked again once it is `mark_age` seconds old. While one request
        asks, the others are answered by the mark known: no request waits on another's call,
        so a page held is served without a turn of the broker."""
        if self.known is not None and (time.monotonic() - self.known_at < self.mark_age
                                       or "mark" in self.flights.under_way):
            return self.known
        return self.flights.run("mark", lambda: self._ask(ask))

    def _ask(self, ask) -> dict:
        asked_at = time.monotonic()
        self.known, self.known_at = ask(), asked_at
        return self.known

    def page(self, key, draw) -> tuple[int, bytes, dict, str | None]:
        found = self.held.get(key)
        if found is not None:
            self.held.move_to_end(key)
            return found
        return self.flights.run(key, lambda: self._draw(key, draw))

    def _draw(self, key, draw):
        response = draw()
        body = response.get_data()
        headers = {name: value for name, value in response.headers.items()
                   if name.lower() != "content-length"}
        etag = f'"{hashlib.sha256(body).hexdigest()}"' if response.status_code == 200 else None
        drawn = (response.status_code, body, headers, etag)
        if etag is not None:
            self.held[key] = drawn
            while len(self.held) > self.kept:
                self.held.popitem(last=False)
        return drawn


class HeldPages(DependencyProvider):
    """One `Pages` per gateway container, shared by its workers."""

    def setup(self):
        self.pages = Pages(mark_age=mark_age())

    def get_dependency(self, worker_ctx):
        return self.pages


# -- the portal -----------------------------------------------------------------------------

class PortalApi:
    policy = TimedRpcProxy("policy")
    portal_pages = HeldPages()
    compendium_documents = HeldDocuments()

    def _mark(self) -> dict:
        return self.portal_pages.mark(lambda: self.policy.portal_mark(public_assertion()))

    def _held(self, request, draw) -> Response:
        """The answer `draw()` gives, drawn once per mark of what is published; with its ETag,
        or 304 when the reader holds it."""
        key = (self._mark()["mark"], request.full_path)
        status, body, headers, etag = self.portal_pages.page(key, draw)
        if etag is None:
            return Response(body, status=status, headers=headers)
        return in_pieces(conditional(request, etag, PAGE_CACHE,
                                     lambda: Response(body, status=status, headers=headers)))

    # Each page is drawn by one method from what the service answers the public actor; the JSON
    # twin answers the same data.

    def _search(self, request) -> tuple[PortalSearch, dict]:
        query = read_query(request, PortalSearch)
        found = self.policy.list_policies(public_assertion(), texts(query, SEARCH_FILTERS),
                                          query.cursor, query.limit)
        return query, found

    def _html(self, request, draw) -> Response:
        """A page, or the page saying why not (when a browser asked for HTML)."""
        try:
            return draw()
        except Refused as refused:
            if wants_html(request):
                return error_page(refused)
            raise

    @published("", "portal_index",
            "The published policies (惠企政策), searched and filtered, newest first",
            query=PortalSearch, rpc="list_policies", answers=HTML_ANSWER)
    def portal_index(self, request):
        return self._held(request, lambda: self._portal_index(request))

    def _portal_index(self, request):
        def draw():
            query, found = self._search(request)
            next_page = None
            if found.get("next_cursor"):
                given = {k: v for k, v in request.args.items() if k != "cursor" and v.strip()}
                next_page = "/portal?" + urlencode({**given, "cursor": found["next_cursor"]})
            return page("index.html", query=query.model_dump(mode="json"),
                        policies=found["items"], next_page=next_page,
                        levels=[(m.value, m.label) for m in Level],
                        cost_categories=[(m.value, m.label) for m in CostCategory])
        return self._html(request, draw)

    @published("/api/policies", "portal_policies",
            "The published policies as JSON, searched and filtered, newest first",
            query=PortalSearch, rpc="list_policies",
            answers=Answer(200, "a page of policies", contract.PolicyPage))
    def portal_policies(self, request):
        return self._held(request, lambda: data(self._search(request)[1]))

    @published("/policies/{policy_id}", "portal_policy",
            "A published policy: its current text, its versions and whom to ask",
            path_model=contract.PolicyPath, errors_=PAGE_ERRORS, rpc="get_policy",
            answers=HTML_ANSWER)
    def portal_policy(self, request, policy_id):
        return self._held(request, lambda: self._portal_policy(request, policy_id))

    def _portal_policy(self, request, policy_id):
        def draw():
            path = read_path({"policy_id": policy_id}, contract.PolicyPath)
            policy = self.policy.get_policy(public_assertion(), path.policy_id)
            return page("policy.html", policy=policy, text=policy, shown_version=None,
                        paragraphs=paragraphs(policy.get("full_text")))
        return self._html(request, draw)

    @published("/api/policies/{policy_id}", "portal_policy_data",
            "A published policy as JSON", path_model=contract.PolicyPath, errors_=PAGE_ERRORS,
            rpc="get_policy", answers=Answer(200, "the policy", contract.PolicyView))
    def portal_policy_data(self, request, policy_id):
        path = read_path({"policy_id": policy_id}, contract.PolicyPath)
        return self._held(request, lambda: data(self.policy.get_policy(public_assertion(),
                                                                       path.policy_id)))

    @published("/policies/{policy_id}/versions/{number}", "portal_policy_version",
            "One published version of a policy, as it was", path_model=contract.VersionPath,
            errors_=PAGE_ERRORS, rpc="policy_version", answers=HTML_ANSWER)
    def portal_policy_version(self, request, policy_id, number):
        return self._held(request, lambda: self._portal_policy_version(request, policy_id,
                                                                       number))

    def _portal_policy_version(self, request, policy_id, number):
        def draw():
            path = read_path({"policy_id": policy_id, "number": number}, contract.VersionPath)
            policy = self.policy.get_policy(public_assertion(), path.policy_id)
            version = self.policy.policy_version(public_assertion(), path.policy_id,
                                                 path.number)
            return page("policy.html", policy=policy, text=version, shown_version=version,
                        paragraphs=paragraphs(version.get("full_text")))
        return self._html(request, draw)

    @published("/api/policies/{policy_id}/versions/{number}", "portal_policy_version_data",
            "One published version of a policy as JSON", path_model=contract.VersionPath,
            errors_=PAGE_ERRORS, rpc="policy_version",
            answers=Answer(200, "the version", contract.VersionView))
    def portal_policy_version_data(self, request, policy_id, number):
        path = read_path({"policy_id": policy_id, "number": number}, contract.VersionPath)
        return self._held(request, lambda: data(self.policy.policy_version(
            public_assertion(), path.policy_id, path.number)))

    def _rules(self, request) -> dict:
        query = read_query(request, PortalRules)
        return self.policy.list_rules(public_assertion(),
                                      query.model_dump(mode="json", exclude_none=True))

    @published("/rules", "portal_rules",
            "The implementation rules filed (实施细则), optionally of one policy",
            query=PortalRules, rpc="list_rules", answers=HTML_ANSWER)
    def portal_rules(self, request):
        return self._held(request, lambda: self._html(
            request, lambda: page("rules.html", rules=self._rules(request)["items"])))

    @published("/api/rules", "portal_rules_data", "The implementation rules filed, as JSON",
            query=PortalRules, rpc="list_rules",
            answers=Answer(200, "the rules", contract.RuleList))
    def portal_rules_data(self, request):
        return self._held(request, lambda: data(self._rules(request)))

    @published("/contact-sheet", "portal_contact_sheet",
            "The contact sheet (咨询联系表): whom to ask about each policy in force",
            rpc="contact_sheet", answers=HTML_ANSWER)
    def portal_contact_sheet(self, request):
        return self._held(request, lambda: self._portal_contact_sheet(request))

    def _portal_contact_sheet(self, request):
        def draw():
            sheet = self.policy.contact_sheet(public_assertion())
            return page("contact_sheet.html", title=CONTACT_SHEET_TITLE, rows=sheet["items"],
                        edition=sheet.get("edition"))
        return self._html(request, draw)

    @published("/api/contact-sheet", "portal_contact_sheet_data",
            "The contact sheet as JSON", rpc="contact_sheet",
            answers=Answer(200, "the sheet", contract.ContactRows))
    def portal_contact_sheet_data(self, request):
        return self._held(request, lambda: data(self.policy.contact_sheet(public_assertion())))

    @published("/compendium", "portal_compendium",
            "The latest compendium (政策汇编), with its documents to download",
            rpc="compendium_edition", answers=HTML_ANSWER)
    def portal_compendium(self, request):
        return self._held(request, lambda: self._portal_compendium(request))

    def _portal_compendium(self, request):
        def draw():
            try:
                edition = self.policy.compendium_edition(public_assertion(), None)
            except Refused as refused:
                if refused.kind != NOT_FOUND:
                    raise
                edition = None  # none built yet: the page says so
            entries = sum(len(group["entries"]) for section in (edition or {}).get("sections", ())
                          for group in section["groups"])
            return page("compendium.html", edition=edition, entries=entries)
        return self._html(request, draw)

    @published("/api/compendium", "portal_compendium_data",
            "The latest compendium as JSON", errors_=PAGE_ERRORS,
            rpc="compendium_edition", answers=Answer(200, "the edition", contract.EditionView))
    def portal_compendium_data(self, request):
        return self._held(request, lambda: data(self.policy.compendium_edition(
            public_assertion(), None)))

    @mount("GET", "/portal/compendium.{format}",
           *(portal.operation("GET", f"/compendium.{fmt}", f"portal_compendium_{fmt}",
                              f"The latest compendium as {label}, to download", secured=False,
                              errors_=PAGE_ERRORS, rpc="compendium_document",
                              answers=document_answer(fmt))
             for fmt, label in DOCUMENTS.items()))
    def portal_compendium_document(self, request, format):
        """The latest edition's document, from what this gateway holds once it has it: the
        mark names the latest edition, so a download asks the service nothing more."""
        fmt = document_format(format)
        documents = self.compendium_documents
        latest = self._mark()["edition"]
        number = latest["number"] if latest else None
        document = latest and documents.held_for(number, fmt, latest["digest"])
        if not document:
            document = documents.fetch(number, fmt, lambda known: (
                self.policy.compendium_document(public_assertion(), number, fmt, known)))
        return in_pieces(document_download(request, document, fmt, LATEST_EDITION_CACHE,
                                           headers=SECURE_HEADERS))

    @published("/feed.atom", "portal_feed",
            "An Atom feed (RFC 4287) of the policies published or amended, newest first",
            answers=Answer(200, "the feed", media_type=ATOM, schema={"type": "string"}))
    def portal_feed(self, request):
        def draw():
            feed = self.policy.portal_feed(public_assertion(), FEED_SIZE)
            return Response(atom_feed(feed["items"], public_base_url()), status=200,
                            mimetype=ATOM, headers=SECURE_HEADERS)
        return self._held(request, draw)

    @assets("GET", "/portal.css", "portal_stylesheet", "The portal's stylesheet",
            secured=False, answers=Answer(200, "the stylesheet", media_type=CSS,
                                          schema={"type": "string"}))
    def portal_stylesheet(self, request):
        return Response((HERE / "static" / "portal.css").read_bytes(), status=200,
                        mimetype=CSS, headers={**SECURE_HEADERS,
                                               "Cache-Control": "public, max-age=3600"})
