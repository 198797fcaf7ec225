"""The compendium's RPC entrypoints (a mixin of PolicyService): the office builds an edition of
《赣州市惠企政策文件汇编》 from the policies in force (notice 二(一)2); every caller reads the editions,
an edition as built, its documents (HTML, PDF, .docx) and its contact sheet (咨询联系表, 二(一)3).

An edition is re-rendered exactly as built: each of its policies replayed to the stream version
the edition recorded (`render_edition`). A document is rendered once per edition and format and
then served from the store (`views.compendium_documents`).
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt

import structlog
from eventlet import tpool

from kernel.actor import Actor
from kernel.envelope import format_time, utc_now
from kernel.errors import RoleNotAllowed, UnknownCode
from kernel.rpc import rpc
from kernel.store import UnitOfWork, read_stream
from services.policy.compendium import contract, documents, views
from services.policy.compendium.access import BUILDERS
from services.policy.compendium.domain import STREAM_ID, CompendiumEditions, summary
from services.policy.compendium.edition import build_edition
from services.policy.policies import views as policies
from services.policy.policies.domain import Policy
from services.policy.policies.rpc import current_day

log = structlog.get_logger(__name__)

# Editions as rebuilt, by (number, digest, built_at): an edition never changes once built, so
# replaying its policies once per process is enough. A few are kept: readers want the latest.
_EDITIONS: dict[tuple, dict] = {}
EDITIONS_KEPT = 8


def render_edition(connection, recorded: dict) -> dict:
    """An edition exactly as it was built: each policy replayed to the stream version the
    edition recorded, then `build_edition` again, for the same day and number."""
    key = (recorded["number"], recorded["digest"], recorded.get("built_at"))
    if key not in _EDITIONS:
        while len(_EDITIONS) >= EDITIONS_KEPT:
            _EDITIONS.pop(next(iter(_EDITIONS)))
        _EDITIONS[key] = _render_edition(connection, recorded)
    return _EDITIONS[key]


def _render_edition(connection, recorded: dict) -> dict:
    snapshots = []
    for held in recorded["policies"]:
        stream = [event for event in read_stream(connection, held["policy_id"])
                  if event.version <= held["stream_version"]]
        snapshots.append(Policy.from_events(held["policy_id"], stream).snapshot())
    edition = build_edition(snapshots, dt.date.fromisoformat(recorded["day"]),
                            recorded["number"])
    if edition.digest != recorded["digest"]:
        log.error("edition re-rendered differently", number=recorded["number"],
                  recorded=recorded["digest"], rendered=edition.digest)
    return {**dataclasses.asdict(edition), "built_at": recorded.get("built_at")}


def build_next_edition(uow: UnitOfWork, who: Actor, only_if_begun: bool = False) -> dict | None:
    """The next edition from the policies in force today; when it would show what the latest
    shows, the latest (new=false). `only_if_begun`: nothing before the office's first edition."""
    book = uow.load(CompendiumEditions, STREAM_ID)
    if only_if_begun and book.latest is None:
        return None
    now = utc_now()
    snapshots = policies.in_force_snapshots(uow.connection, current_day(now))
    edition = build_edition(snapshots, now, book.next_number)
    if book.unchanged(edition.digest):
        return summary(book.latest, new=False)
    book.build(edition, {s["id"]: s["version"] for s in snapshots}, at=now, actor=who)
    uow.save(book)
    return summary(book.latest, new=True)


def _check_format(format: str | None) -> None:
    if format is not None and format not in contract.DOCUMENT_FORMATS:
        raise UnknownCode("format", format, list(contract.DOCUMENT_FORMATS))


class CompendiumRpc:
    @rpc
    def build_compendium(self, actor: dict) -> dict:
        """A new edition of the compendium from the policies in force today (the office's);
        when it would show what the latest shows, the latest, with new=false. notice 二(一)2"""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            if who.role not in BUILDERS:
                raise RoleNotAllowed(who.role, "build the compendium (notice 二(一)2)", ("the office",))
            return build_next_edition(uow, who)

        return self.store.execute("build_compendium", decide)

    @rpc
    def compendium_editions(self, actor: dict) -> dict:
        Actor.from_dict(actor)
        return self.store.query("compendium_editions",
                                lambda uow: {"items": views.editions(uow.connection)})

    @rpc
    def compendium_edition(self, actor: dict, number: int | None = None) -> dict:
        """Edition `number` (None: the latest) as it was built: sections, contents, contacts."""
        Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            book = uow.load(CompendiumEditions, STREAM_ID)
            return render_edition(uow.connection, book.edition(number))

        return self.store.query("compendium_edition", read)

    @rpc
    def compendium_document(self, actor: dict, number: int | None = None,
                            format: str = "html", known_digest: str | None = None) -> dict:
        """Edition `number` (None: the latest) as a document: html, pdf or docx, with the
        SHA-256 `digest` of its bytes and, base64, the bytes themselves unless the caller
        already holds them (`known_digest` is that digest). Rendered once per edition and
        format, then served from the store (`views.compendium_documents`)."""
        Actor.from_dict(actor)

        def recorded_edition(uow: UnitOfWork) -> dict:
            _check_format(format)
            return uow.load(CompendiumEditions, STREAM_ID).edition(number)

        recorded = self.store.query("compendium_document", recorded_edition)
        key = (recorded["number"], format, recorded["digest"])
        found = self.store.read(lambda c: views.find_document(c, *key, with_body=False))
        if found is None:
            with views.rendering_turn((str(self.store.engine.url), *key)):
                found = self.store.read(lambda c: views.find_document(c, *key, with_body=False))
                if found is None:
                    self._render_document(recorded, format)
                    found = self.store.read(lambda c: views.find_document(c, *key, with_body=False))
        answer = {name: found[name] for name in views.DOCUMENT_META}
        if known_digest != found["digest"]:
            body = self.store.read(lambda c: views.find_document(c, *key, with_body=True))["body"]
            answer["base64"] = base64.b64encode(body).decode("ascii")
        return answer

    def _render_document(self, recorded: dict, fmt: str) -> None:
        edition = self.store.query("compendium_document", lambda uow: render_edition(
            uow.connection, recorded))
        # Off the hub and outside any transaction: a PDF takes a second or two.
        filename, media_type, body = tpool.execute(documents.render, edition, fmt)
        with self.store.engine.begin() as connection:
            views.keep_document(connection, recorded["number"], fmt, recorded["digest"],
                          filename=filename, display_name=documents.display_name(edition, fmt),
                          media_type=media_type, body=body, at=format_time(utc_now()))
        log.info("compendium document rendered", number=recorded["number"], format=fmt,
                 size=len(body))

    @rpc
    def contact_sheet(self, actor: dict) -> dict:
        """The contact sheet (咨询联系表) of the latest edition; without one, of the policies in
        force now."""
        Actor.from_dict(actor)

        def read(uow: UnitOfWork) -> dict:
            book = uow.load(CompendiumEditions, STREAM_ID)
            if book.latest is not None:
                edition = render_edition(uow.connection, book.latest)
                return {"items": edition["contacts"], "edition": edition["number"]}
            now = utc_now()
            edition = build_edition(policies.in_force_snapshots(uow.connection,
                                                                current_day(now)), now, 1)
            return {"items": [dataclasses.asdict(row) for row in edition.contacts],
                    "edition": None}

        return self.store.query("contact_sheet", read)
