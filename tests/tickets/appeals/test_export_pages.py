"""GET /tickets/export through the gateway and the tickets service on the real broker, on SQLite
and PostgreSQL: the service answers the workbook a bounded page at a time (never the whole
ledger in one reply), the gateway writes every page into one sheet, in the caller's scope, and
refuses a bad filter before writing anything."""
import io

import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy
from openpyxl import load_workbook

from callers import assertion
from gateway.auth import mint
from gateway.service import Gateway
from services.tickets.appeals import queries
from services.tickets.service import TicketsService

OFFICE = {"sub": "clerk-li", "role": "office"}
CREDIT_CODES = ["91360702MA35G0QX4J", "91360700MA35F1AB2W"]


@pytest.fixture
def served(db_url, make_sqlite_url, container_factory, service_config, monkeypatch):
    pages = []
    answer = queries.export_page

    def recorded(connection, actor, filters, cursor, size=None):
        page = answer(connection, actor, filters, cursor, size)
        pages.append((actor.role, cursor, len(page["lines"])))
        return page
    monkeypatch.setattr(queries, "EXPORT_PAGE_SIZE", 3)
    monkeypatch.setattr(queries, "export_page", recorded)
    container_factory(TicketsService, service_config(db_url)).start()
    gateway = service_config(make_sqlite_url())
    container_factory(Gateway, gateway).start()
    with ClusterRpcProxy(service_config()) as cluster:
        for n in range(8):
            uscc = CREDIT_CODES[n % 2]
            cluster.tickets.raise_appeal(assertion(OFFICE), {
                "enterprise_name": f"企业{n}", "uscc": uscc, "title": f"诉求{n}",
                "description": f"第{n}件诉求", "channel": "hotline", "category": "labour",
                "county": "ganxian"})
    return f"http://{gateway['WEB_SERVER_ADDRESS']}/api/v1", pages


def export(base: str, token: str, **params) -> requests.Response:
    return requests.get(f"{base}/tickets/export", params=params, timeout=60,
                        headers={"Authorization": f"Bearer {token}"})


def numbers(response: requests.Response) -> list[str]:
    sheet = load_workbook(io.BytesIO(response.content))["诉求台账"]
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_export_is_written_from_bounded_pages(served):
    base, pages = served
    whole = export(base, mint("clerk-li", "office"))
    assert whole.status_code == 200, whole.text
    assert whole.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert int(whole.headers["Content-Length"]) == len(whole.content)
    assert len(numbers(whole)) == 8 and len(set(numbers(whole))) == 8
    assert numbers(whole) == sorted(numbers(whole), reverse=True)
    # Eight appeals in pages of three: three replies, each after the last one's cursor.
    assert [(role, size) for role, _, size in pages] == [("office", 3)] * 2 + [("office", 2)]
    assert pages[0][1] is None and all(cursor for _, cursor, _ in pages[1:])

    pages.clear()
    own = export(base, mint("boss", "enterprise", uscc=CREDIT_CODES[1]))
    assert own.status_code == 200 and len(numbers(own)) == 4
    assert [size for _, _, size in pages] == [3, 1]


def test_a_bad_filter_or_caller_is_refused_before_anything_is_written(served):
    base, pages = served
    refused = export(base, mint("clerk-li", "office"), received_from="2026-02-30")
    assert refused.status_code == 422
    outsider = export(base, mint("nobody", "liaison"))
    assert outsider.status_code == 200 and numbers(outsider) == []
    assert [size for _, _, size in pages] == [0]
    assert export(base, "not-a-token").status_code == 401
