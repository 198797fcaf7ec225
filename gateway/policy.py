"""The policy registry's HTTP routes (notice 二(一), 二(二)): policies and their life, their versions,
the implementation rules units owe, the briefings, the compendium with its documents and contact
sheet, the policy work appeals ask for, the portal deadlines and matching enterprises to
policies. Shapes, action names, filters and limits are the policy service's wire contract
(`services.policy.contract`); what a caller may do is the service's rule.
"""
from __future__ import annotations

import base64
import collections

import eventlet
import eventlet.event
from eventlet import tpool
from nameko.extensions import DependencyProvider
from pydantic import Field
from werkzeug.wrappers import Response

from gateway.auth import caller
from gateway.http import download, read_path
from gateway.operations import API, BINARY, Answer, Routes, file_answer, mount
from gateway.routes import (
    COMMAND_ERRORS, LIST_ERRORS, READ_ERRORS, Resources, in_full, paged,
    without_nulls,
)
from kernel.dependencies import TimedRpcProxy
from kernel.errors import NOT_FOUND, Refused
from services.policy.contract import (
    BRIEFING_ACTIONS, BRIEFING_FILTERS, FILTERS, POLICY_ACTIONS, RULE_ACTIONS, RULE_FILTERS,
    Body, BriefingFilters, BriefingList, BriefingPath, BriefingView, ContactRows, CreditCode,
    DraftPolicy, EditionList, EditionPath, EditionSummary, EditionView, EnterpriseProfile,
    ListQuery, MatchList, PolicyPage, PolicyPath, PolicyView, PolicyWorkItem, PortalDeadlines,
    Reply, RequireRule, RuleFilters, RuleList, RulePath, RuleView, ScheduleBriefing, VersionPath,
    VersionView,
)

COMPENDIUM_TITLE = "赣州市惠企政策文件汇编"
# The compendium's documents (services.policy.contract.DOCUMENT_FORMATS), each as its media type.
DOCUMENTS = {"pdf": "PDF", "docx": "a Word document (.docx)", "html": "an HTML page"}
DOCUMENT_MEDIA_TYPES = {"pdf": "application/pdf",
                        "docx": "application/vnd.openxmlformats-officedocument."
                                "wordprocessingml.document",
                        "html": "text/html"}

api = Routes("policy", "The policy registry (惠企政策): policies, implementation rules, "
                       "briefings, the compendium and contact sheet. notice 二(一), 二(二)")
# A thing drafted or scheduled is sent on without its nulls; the lists narrow by filters alone.
routes = Resources(api, proxy="policy", dump=without_nulls)


class EnterprisePath(Body):
    uscc: CreditCode = Field(description="统一社会信用代码")


class PolicyWorkList(Reply):
    items: list[PolicyWorkItem]


# How long a reader keeps a document: a numbered edition never changes; the latest may be
# replaced by the next edition, so it is checked again (its ETag answers 304 until then).
NUMBERED_EDITION_CACHE = "public, max-age=31536000, immutable"
LATEST_EDITION_CACHE = "public, max-age=300, must-revalidate"
# The documents a gateway keeps in memory: the last few editions in every format.
DOCUMENTS_KEPT = 12
# Bodies above this many bytes are decoded off the hub.
OFF_HUB_BYTES = 64 * 1024


def etag_of(digest: str) -> str:
    return f'"{digest}"'


def not_modified(request, etag: str) -> bool:
    """Whether the request's If-None-Match names `etag` (weak or strong, or *)."""
    given = request.headers.get("If-None-Match")
    if not given:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in given.split(",")}
    return "*" in tags or etag in tags


def conditional(request, etag: str, cache_control: str, answer, headers: dict | None = None
                ) -> Response:
    """`answer()` with its ETag and Cache-Control, or 304 Not Modified when the reader holds
    it already."""
    validators = {**(headers or {}), "ETag": etag, "Cache-Control": cache_control}
    if not_modified(request, etag):
        return Response(status=304, headers=validators)
    response = answer()
    response.headers.update(validators)
    return response


# A body is written a piece at a time, each piece a turn of the hub, so that a light call is
# answered between the pieces of a large download.
CHUNK = 128 * 1024


class Pieces:
    """A response body given to the server a piece at a time."""

    def __init__(self, body: bytes):
        self.body = body

    def __iter__(self):
        for start in range(0, len(self.body), CHUNK):
            yield self.body[start:start + CHUNK]
            eventlet.sleep(0)


def in_pieces(response: Response) -> Response:
    body = response.get_data()
    if len(body) > CHUNK:
        response.headers["Content-Length"] = str(len(body))
        response.response = Pieces(body)
    return response


class Flights:
    """One call per key at a time: callers asking for the same key while it is under way wait
    for its answer (or its error) instead of asking again."""

    def __init__(self):
        self.under_way: dict = {}

    def run(self, key, call):
        waiting = self.under_way.get(key)
        if waiting is not None:
            return waiting.wait()
        done = self.under_way[key] = eventlet.event.Event()
        try:
            result = call()
        except BaseException as exc:
            done.send_exception(exc)
            raise
        else:
            done.send(result)
            return result
        finally:
            del self.under_way[key]


class Documents:
    """The compendium's documents as this gateway holds them, by edition number and format,
    each with the SHA-256 of its bytes: the service sends a document's bytes only to a gateway
    that does not hold that digest, so a download is served from here."""

    def __init__(self, kept: int = DOCUMENTS_KEPT):
        self.kept = kept
        self.held: collections.OrderedDict = collections.OrderedDict()
        self.flights = Flights()

    def held_for(self, number: int, fmt: str, edition_digest: str | None = None) -> dict | None:
        """The document held for (number, fmt), if it is of that edition (when given)."""
        found = self.held.get((number, fmt))
        if found is None or (edition_digest and found["edition_digest"] != edition_digest):
            return None
        self.held.move_to_end((number, fmt))
        return found

    def fetch(self, number: int | None, fmt: str, ask) -> dict:
        """The document of edition `number` (None: the latest) in `fmt`; `ask(known_digest)`
        is the service's compendium_document. Concurrent misses ask once."""
        return self.flights.run((number, fmt), lambda: self._fetch(number, fmt, ask))

    def _fetch(self, number, fmt, ask) -> dict:
        held = self.held.get((number, fmt)) if number is not None else None
        reply = ask(held["digest"] if held else None)
        key = (reply["number"], fmt)
        if "base64" not in reply:
            held = held or self.held.get(key)
            if held is not None and held["digest"] == reply["digest"]:
                self.held.move_to_end(key)
                return held
            reply = ask(None)   # held no longer: ask for the bytes
        encoded = reply.pop("base64")
        body = (tpool.execute(base64.b64decode, encoded) if len(encoded) > OFF_HUB_BYTES
                else base64.b64decode(encoded))
        document = {**reply, "body": body}
        self.held[key] = document
        self.held.move_to_end(key)
        while len(self.held) > self.kept:
            self.held.popitem(last=False)
        return document


class HeldDocuments(DependencyProvider):
    """One `Documents` per gateway container, shared by its workers."""

    def setup(self):
        self.documents = Documents()

    def get_dependency(self, worker_ctx):
        return self.documents


def compendium_download(document: dict, fmt: str, number: int | None = None,
                        headers: dict | None = None) -> Response:
    """A compendium document the service rendered, as a download named in Chinese: the
    service's `display_name` when it gives one, else the compendium's title with the edition's
    number. Its bytes are `body`, or base64."""
    given = document["filename"]
    chinese = document.get("display_name") or (given if not given.isascii() else (
        f"{COMPENDIUM_TITLE}（第{number}期）.{fmt}" if number else f"{COMPENDIUM_TITLE}.{fmt}"))
    ascii_name = given if given.isascii() else f"compendium.{fmt}"
    body = document["body"] if "body" in document else base64.b64decode(document["base64"])
    return download(body, document["media_type"], ascii_name, chinese, headers)


def document_download(request, document: dict, fmt: str, cache_control: str,
                      headers: dict | None = None) -> Response:
    """The download with its ETag (the SHA-256 of its bytes), or 304 if the reader holds it."""
    return conditional(request, etag_of(document["digest"]), cache_control,
                       lambda: compendium_download(document, fmt, document.get("number"),
                                                   headers),
                       headers)


def document_answer(fmt: str) -> Answer:
    return file_answer(f"the document, named in Chinese ({COMPENDIUM_TITLE}…)",
                       DOCUMENT_MEDIA_TYPES[fmt],
                       schema={"type": "string"} if fmt == "html" else BINARY)


def document_format(name: str) -> str:
    """A document format the compendium is rendered in, or a 404 naming them."""
    if name not in DOCUMENTS:
        raise Refused("unknown_format", NOT_FOUND,
                      f"no .{name} document of the compendium; there are: "
                      f"{', '.join('.' + fmt for fmt in DOCUMENTS)}")
    return name


class PolicyApi:
    policy = TimedRpcProxy("policy")
    compendium_documents = HeldDocuments()

    # -- policies ----------------------------------------------------------------------------

    draft_policy = routes.create(
        "policies", "draft_policy",
        "Draft a policy (惠企政策) for its issuing unit; publish it once text and contact are set",
        body=DraftPolicy, view=PolicyView, described="drafted", where="the policy's URL")
    list_policies = routes.listing(
        "policies", "list_policies",
        "The policies, filtered; by relevance when q is given, else newest published first",
        query=ListQuery, sends=paged(FILTERS), view=PolicyPage, described="a page of policies")
    get_policy = routes.get(
        "/policies/{policy_id}", "get_policy",
        "A policy: its current text, contact and every published version",
        path_model=PolicyPath, view=PolicyView, described="the policy")
    policy_version = routes.get(
        "/policies/{policy_id}/versions/{number}", "policy_version",
        "One published version of a policy, exactly as it was", path_model=VersionPath,
        view=VersionView, described="the version")
    act_on_policy = routes.act("/policies/{policy_id}", PolicyPath, POLICY_ACTIONS,
                               kind="a policy", prefix="policy", view=PolicyView,
                               rpc="act_on_policy")

    # -- implementation rules ----------------------------------------------------------------

    require_rule = routes.create(
        "rules", "require_rule",
        "Require of a unit an implementation rule (实施细则) for a policy (the office)",
        body=RequireRule, view=RuleView, described="required", errors_=COMMAND_ERRORS,
        dump=in_full, where="the rule's URL")
    list_rules = routes.listing(
        "rules", "list_rules", "The implementation rules, filtered", query=RuleFilters,
        filters=RULE_FILTERS, view=RuleList, described="the rules")
    get_rule = routes.get("/rules/{rule_id}", "get_rule", "An implementation rule",
                          path_model=RulePath, view=RuleView, described="the rule")
    act_on_rule = routes.act("/rules/{rule_id}", RulePath, RULE_ACTIONS,
                             kind="an implementation rule", prefix="rule", view=RuleView,
                             rpc="act_on_rule")

    # -- briefings ---------------------------------------------------------------------------

    schedule_briefing = routes.create(
        "briefings", "schedule_briefing", "Schedule a policy briefing (宣讲活动, notice 二(二)1)",
        body=ScheduleBriefing, view=BriefingView, described="scheduled",
        errors_=COMMAND_ERRORS, where="the briefing's URL")
    list_briefings = routes.listing(
        "briefings", "list_briefings", "The briefings, filtered", query=BriefingFilters,
        filters=BRIEFING_FILTERS, view=BriefingList, described="the briefings")
    get_briefing = routes.get("/briefings/{briefing_id}", "get_briefing", "A briefing",
                              path_model=BriefingPath, view=BriefingView,
                              described="the briefing")
    act_on_briefing = routes.act("/briefings/{briefing_id}", BriefingPath, BRIEFING_ACTIONS,
                                 kind="a briefing", prefix="briefing", view=BriefingView,
                                 rpc="act_on_briefing")

    # -- the compendium (notice 二(一)2) ------------------------------------------------------

    build_compendium = routes.make_or_find(
        "/compendium", "build_compendium",
        "Build an edition of the compendium (政策汇编) from the policies in force (the office)",
        body=None, view=EditionSummary, made="a new edition",
        found="nothing changed since the latest edition: that edition",
        new=lambda edition: edition.get("new", True),
        location="/compendium/editions/{number}", where="the edition's URL")
    compendium_editions = routes.read(
        "/compendium/editions", "compendium_editions",
        "Every edition of the compendium, oldest first", view=EditionList,
        described="the editions", errors_=())
    compendium_edition = routes.get(
        "/compendium/editions/{number}", "compendium_edition",
        "An edition of the compendium: its sections, contents and contact sheet",
        path_model=EditionPath, view=EditionView, described="the edition")

    @mount("GET", f"{API}/compendium/editions/{{number}}.{{format}}",
           *(api.operation("GET", f"/compendium/editions/{{number}}.{fmt}",
                           f"compendium_document_{fmt}",
                           f"An edition of the compendium as {label}", path_model=EditionPath,
                           rpc="compendium_document",
                           errors_=READ_ERRORS, answers=document_answer(fmt))
             for fmt, label in DOCUMENTS.items()))
    def compendium_document(self, request, number, format):
        actor = caller(request)
        fmt = document_format(format)
        path = read_path({"number": number}, EditionPath)
        document = self.compendium_documents.fetch(path.number, fmt, lambda known: (
            self.policy.compendium_document(actor, path.number, fmt, known)))
        return in_pieces(document_download(request, document, fmt, NUMBERED_EDITION_CACHE))

    contact_sheet = routes.read(
        "/compendium/contact-sheet", "contact_sheet",
        "The contact sheet (咨询联系表) of the latest edition, or of the policies in force",
        view=ContactRows, described="the sheet", errors_=())

    # -- the portal's deadlines, policy work, matching ----------------------------------------

    portal_deadlines = routes.read(
        "/portal-deadlines", "portal_deadlines",
        "Per unit: policies on the portal by May 15, rules by May 20 — met, late or missing",
        view=PortalDeadlines, described="the deadlines", errors_=LIST_ERRORS)
    policy_work_items = routes.read(
        "/policy-work", "policy_work_items",
        "Policy work appeals asked of the units (notice 二(四)3): a unit officer sees its own",
        view=PolicyWorkList, described="the items", errors_=LIST_ERRORS, into="items")
    matching_policies = routes.get(
        "/enterprises/{uscc}/matching-policies", "matching_policies",
        "The policies in force an enterprise is eligible for, and why (精准推送)",
        path_model=EnterprisePath, rpc="match_enterprise", view=MatchList,
        described="a verdict per policy in force")
    match_profile = routes.command(
        "POST", "/matching-policies", "match_profile",
        "The policies in force an enterprise of the given profile is eligible for, and why",
        body=EnterpriseProfile, errors_=LIST_ERRORS, rpc="match_enterprise", dump=in_full,
        view=MatchList, described="a verdict per policy in force")
