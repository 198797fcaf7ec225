"""The compendium's documents rendered once per edition and format, over RPC on the real broker:
concurrent first requests render once (off the hub), the bytes are kept in the store with their
SHA-256, a caller holding that digest is not sent them again, and the portal's mark of what is
published moves with a publication and an edition, not with a draft."""
from __future__ import annotations

import base64
import hashlib

import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from kernel.database import make_engine
from policy.test_policy_service import (  # noqa: F401 - the fixture, by its name
    OFFICE, OFFICER, PUBLIC, draft_fields, policy_service, published,
)
from services.policy.compendium import documents


def test_each_document_is_rendered_once_and_its_bytes_sent_only_to_who_lacks_them(
        make_sqlite_url, policy_service, monkeypatch):
    rendered = []
    render = documents.render

    def counting(edition, fmt):
        rendered.append((edition["number"], fmt))
        return render(edition, fmt)

    monkeypatch.setattr(documents, "render", counting)
    url = make_sqlite_url()
    config = policy_service(url, RELAY_ENABLED=False)
    with ClusterRpcProxy(config) as cluster:
        published(cluster)
        cluster.policy.build_compendium(assertion(OFFICE))
        asked = [cluster.policy.compendium_document.call_async(assertion(PUBLIC), None, "html")
                 for _ in range(6)]
        answers = [reply.result() for reply in asked]
        assert rendered == [(1, "html")]
        body = base64.b64decode(answers[0]["base64"])
        assert body.startswith(b"<!DOCTYPE html") or b"<html" in body
        digest = hashlib.sha256(body).hexdigest()
        assert {answer["digest"] for answer in answers} == {digest}
        assert {base64.b64decode(answer["base64"]) for answer in answers} == {body}
        held = cluster.policy.compendium_document(assertion(PUBLIC), 1, "html", digest)
        assert "base64" not in held and held["digest"] == digest and held["size"] == len(body)
        assert held["number"] == 1 and held["filename"].endswith(".html")
        stale = cluster.policy.compendium_document(assertion(PUBLIC), 1, "html", "0" * 64)
        assert base64.b64decode(stale["base64"]) == body
        cluster.policy.compendium_document(assertion(PUBLIC), 1, "docx")
        assert rendered == [(1, "html"), (1, "docx")]
    engine = make_engine(url)
    with engine.connect() as connection:
        kept = connection.execute(sa.text(
            "SELECT number, format, digest FROM compendium_documents ORDER BY format")).all()
    engine.dispose()
    assert [(row.number, row.format) for row in kept] == [(1, "docx"), (1, "html")]
    assert kept[1].digest == digest


def test_the_portal_mark_moves_with_what_is_published_only(make_sqlite_url, policy_service):
    config = policy_service(make_sqlite_url(), RELAY_ENABLED=False)
    with ClusterRpcProxy(config) as cluster:
        empty = cluster.policy.portal_mark(assertion(PUBLIC))
        assert empty["edition"] is None
        cluster.policy.draft_policy(assertion(OFFICER), draft_fields(title="草稿政策"))
        assert cluster.policy.portal_mark(assertion(PUBLIC)) == empty
        published(cluster)
        after = cluster.policy.portal_mark(assertion(PUBLIC))
        assert after["mark"] != empty["mark"]
        edition = cluster.policy.build_compendium(assertion(OFFICE))
        built = cluster.policy.portal_mark(assertion(PUBLIC))
        assert built["mark"] != after["mark"]
        assert built["edition"] == {"number": 1, "digest": edition["digest"]}
