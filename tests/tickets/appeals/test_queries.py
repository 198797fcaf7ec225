"""The ledger view and the ledger workbook, on SQLite and PostgreSQL: a realistic ledger built
through the event store and its projector, and every filter, scope and page compared with a plain
Python reading of the same appeals' snapshots."""
import base64
import datetime as dt
import io
import os
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from eventlet import tpool
from openpyxl import load_workbook

from kernel.actor import SYSTEM, Actor
from kernel.errors import InvalidInput
from kernel.database import make_engine, migrate, reading
from kernel.envelope import Event, parse_time
from kernel.store import EventStore
from kernel import errors
from gateway.tickets import LedgerSheet
from linkage_facts import (
    enterprise_changed, enterprise_registered, leader_registered, liaison_appointed, linkage,
    linkage_changed, plan_accepted,
)
from services.tickets.appeals import queries, reactions, views
from services.tickets.appeals.domain import COUNTIES, Category, Channel, Rating, Status, Ticket, Way
from services.tickets.appeals.appeal_view import AppealView

# The ledger is built once per module in SQLite and PostgreSQL, by a fixture of its own.
pytestmark = pytest.mark.service

SHANGHAI = ZoneInfo("Asia/Shanghai")
TICKETS_MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "tickets" / "migrations"
NOW = dt.datetime(2026, 5, 20, 9, tzinfo=SHANGHAI)  # when the deadline watch last ran

office = Actor("clerk", "office")
supervisor = Actor("inspector", "supervisor")
nobody = Actor("visitor", "liaison")  # may raise appeals but reads no ledger

ENTERPRISES = [
    ("91360700MA35F0001E", "赣州稀土新材料有限公司"),
    ("91360782MA35F0002A", "南康家具产业集团有限公司"),
    ("91360781MA35F0003Y", "瑞金红都食品有限公司"),
    ("91360727MA35F0004U", "龙南ABC电子科技有限公司"),
]
COUNTY_CYCLE = ["zhanggong", "nankang", "ruijin", "longnan", "ganzhou_etdz"]
CATEGORY_CYCLE = ["financing", "tax_and_fees", "labour", "land_and_energy", "logistics", "technology"]
CHANNEL_CYCLE = [c.value for c in Channel]
UNITS = ["finance_bureau", "tax_bureau", "hr_bureau", "natural_resources_bureau"]
STAGES = ["received", "dispatched", "signed_for", "in_progress", "awaiting_upper_level",
          "resolved", "rated", "closed"]
TITLES = ["技改贷款贴息迟迟未到位", "增值税留抵退税进度缓慢", "春节后招工难用工缺口大",
          "厂房用电增容报装缓慢", "物流园区周边道路拥堵", "专利申请补助政策咨询"]
WAYS = [("policy_available", {"policies": ["赣市府发〔2016〕8号"], "guidance": "按第三条申请"}),
        ("municipal_policy", {"policy_work": "研究完善贴息办法"}),
        ("county_coordination", {"county_unit": "zhanggong_gov"}),
        ("unsolvable", {"explanation": "超出地方事权,已向企业解释"})]

# Receipts around Beijing-time midnight, where a UTC day and a local day disagree.
BOUNDARY_RECEIPTS = {
    10: dt.datetime(2026, 3, 2, 23, 59, 59, 999999, tzinfo=SHANGHAI),
    11: dt.datetime(2026, 3, 3, 0, 0, tzinfo=SHANGHAI),
    12: dt.datetime(2026, 3, 3, 0, 0, tzinfo=SHANGHAI),  # the same instant: id breaks the tie
    13: dt.datetime(2026, 3, 3, 7, 59, tzinfo=SHANGHAI),  # still 2 March in UTC
    14: dt.datetime(2026, 3, 3, 8, 0, tzinfo=SHANGHAI),   # 3 March in UTC too
}
SPECIAL_TITLES = {3: "留抵退税只退了50%其余未到账", 7: "=1+1 报表导出公式异常",
                  15: "用电增容 贷款 贴息 一并咨询"}
SPECIAL_DESCRIPTIONS = {9: "发票系统\x0b报错,无法开具专用发票"}


def officer(unit: str) -> Actor:
    return Actor(f"officer-{unit}", "unit_officer", unit=unit)


def enterprise(uscc: str) -> Actor:
    return Actor("boss", "enterprise", uscc=uscc)


def received_at(i: int) -> dt.datetime:
    return BOUNDARY_RECEIPTS.get(
        i, dt.datetime(2026, 2, 2, 8, tzinfo=SHANGHAI) + dt.timedelta(days=i * 37 % 40, hours=i % 11))


def record(store: EventStore, ticket_id: str, command) -> None:
    """One unit of work per command, as the service runs them."""
    with store.unit_of_work() as uow:
        ticket = uow.load(Ticket, ticket_id)
        command(ticket)
        uow.save(ticket)


def raise_one(store: EventStore, i: int) -> str:
    ticket_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"huiqi-ledger-{i}"))
    uscc, name = ENTERPRISES[i % len(ENTERPRISES)]
    with store.unit_of_work() as uow:
        uow.save(Ticket.raise_appeal(
            ticket_id, ledger_number=f"GZ-2026-{i + 1:06d}", enterprise_name=name, uscc=uscc,
            title=SPECIAL_TITLES.get(i, TITLES[i % len(TITLES)]),
            description=SPECIAL_DESCRIPTIONS.get(i, f"{name}反映:{TITLES[i % len(TITLES)]},请协调解决。"),
            channel=CHANNEL_CYCLE[i % len(CHANNEL_CYCLE)], category=CATEGORY_CYCLE[i % len(CATEGORY_CYCLE)],
            county=COUNTY_CYCLE[i % len(COUNTY_CYCLE)], at=received_at(i),
            actor=enterprise(uscc) if i % 5 == 0 else office))
    return ticket_id


def live_one(store: EventStore, i: int) -> str:
    """Take appeal i as far along its life as its stage says, a day or so per step."""
    ticket_id = raise_one(store, i)
    stage = i % len(STAGES)
    start = received_at(i)
    lead = UNITS[(i // 2) % len(UNITS)]
    assisting = [] if i % 3 == 0 else [UNITS[(i // 2 + 1) % len(UNITS)]]
    uscc = ENTERPRISES[i % len(ENTERPRISES)][0]

    def step(n: int, command) -> None:
        if stage >= n:
            record(store, ticket_id, command)

    step(1, lambda t: t.dispatch(lead_unit=lead, assisting_units=assisting,
                                 at=start + dt.timedelta(hours=1), actor=office))
    step(2, lambda t: t.sign_for(at=start + dt.timedelta(hours=2), actor=officer(lead)))
    if stage == STAGES.index("awaiting_upper_level"):
        way, details = "escalate_upward", {"level": "provincial", "report_reference": "赣企呈〔2026〕3号"}
    else:
        way, details = WAYS[(i // 8) % len(WAYS)] if stage == 3 else WAYS[0]
    step(3, lambda t: t.classify(way=way, at=start + dt.timedelta(days=1), actor=officer(lead), **details))
    for unit in assisting:  # the assisting unit's own task answered before the lead resolves
        step(5, lambda t: t.sign_for_task(at=start + dt.timedelta(days=2), actor=officer(unit)))
        step(5, lambda t: t.answer_task(reply="协办意见", at=start + dt.timedelta(days=2),
                                        actor=officer(unit)))
    step(5, lambda t: t.resolve(summary="已协调办结", at=start + dt.timedelta(days=3), actor=officer(lead)))
    if stage == STAGES.index("rated"):
        rating = ["satisfied", "basically_satisfied", "unsatisfied"][(i // 8) % 3]
        step(6, lambda t: t.rate(rating=rating, at=start + dt.timedelta(days=4), actor=enterprise(uscc)))
    step(7, lambda t: t.rate(rating="satisfied", at=start + dt.timedelta(days=4), actor=office))
    step(7, lambda t: t.close_off(at=start + dt.timedelta(days=5), actor=office))
    if i % 3 == 0 and 1 <= stage <= 4:
        record(store, ticket_id, lambda t: t.mark_overdue(at=NOW, actor=SYSTEM))
    return ticket_id


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def ledger(request, tmp_path_factory):
    """Thirty-six appeals in the ledger, built once per store; the tests only read them."""
    if request.param == "sqlite":
        admin, name = None, None
        url = f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'ledger.db'}"
    else:
        admin, name = request.getfixturevalue("pg_admin"), f"huiqi_t_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = admin.url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate(engine, TICKETS_MIGRATIONS)
    store = EventStore(engine, projectors=[views.project])
    ids = [live_one(store, i) for i in range(36)]
    snapshots = [AppealView.fold_events(t, store.read_stream(t)) for t in ids]
    yield engine, snapshots
    engine.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# -- the plain reading the queries are checked against ----------------------------------------

def local_day(moment: str) -> dt.date:
    return parse_time(moment).astimezone(SHANGHAI).date()


PLAIN = {
    "status": lambda s, v: s["status"] == v,
    "unit": lambda s, v: v in {s["lead_unit"], *s["assisting_units"]},
    "open_task_unit": lambda s, v: any(t["unit"] == v and t["status"] in ("open", "signed_for")
                                       for t in s["tasks"]),
    "county": lambda s, v: s["county"] == v,
    "category": lambda s, v: s["category"] == v,
    "channel": lambda s, v: s["channel"] == v,
    "overdue": lambda s, v: bool(s["overdue"]) == (v.lower() == "true"),
    "received_from": lambda s, v: local_day(s["received_at"]) >= dt.date.fromisoformat(v),
    "received_to": lambda s, v: local_day(s["received_at"]) <= dt.date.fromisoformat(v),
    "enterprise": lambda s, v: s["uscc"] == v.upper() or v.lower() in s["enterprise_name"].lower(),
    "q": lambda s, v: all(w.lower() in s["title"].lower() for w in v.split()),
}


def may_read(actor: Actor, s: dict) -> bool:
    if actor.role == "enterprise":
        return s["uscc"] == actor.uscc
    if actor.role == "unit_officer":
        return actor.unit in {s["lead_unit"], *s["assisting_units"]}
    # A leader's reach is his linkage, which the ledger fixture leaves empty.
    return actor.role in {"office", "supervisor", "system"}


def expected(snapshots, filters, actor=office) -> list[str]:
    chosen = [s for s in snapshots if may_read(actor, s)
              and all(PLAIN[name](s, value) for name, value in filters.items())]
    return [s["id"] for s in sorted(chosen, key=lambda s: (s["received_at"], s["id"]), reverse=True)]


def walked(engine, read, key: str) -> list[list]:
    """The `key` of every page `read(connection, cursor)` answers, its cursor followed to the
    end."""
    pages, cursor = [], None
    with reading(engine) as connection:
        while True:
            found = read(connection, cursor)
            pages.append(found[key])
            cursor = found["next_cursor"]
            if cursor is None:
                return pages
            assert len(pages) < 100, "the cursor never ends"


def all_pages(engine, actor, filters, limit) -> list[list[dict]]:
    return walked(engine, lambda connection, cursor: queries.page(
        connection, actor, filters, cursor, limit), "items")


def listed(engine, actor, filters, limit=200) -> list[str]:
    return [item["id"] for page in all_pages(engine, actor, filters, limit) for item in page]


def export_pages(engine, actor, filters, size=queries.EXPORT_PAGE_SIZE) -> list[list]:
    return walked(engine, lambda connection, cursor: queries.export_page(
        connection, actor, filters, cursor, size), "lines")


def exported(engine, actor, filters, size=queries.EXPORT_PAGE_SIZE):
    """The workbook as the gateway writes it from the service's pages."""
    sheet = LedgerSheet()
    for lines in export_pages(engine, actor, filters, size):
        sheet.add(lines)
    path = sheet.finish()
    try:
        with open(path, "rb") as file:
            return load_workbook(io.BytesIO(file.read()))
    finally:
        os.unlink(path)


# -- the data is what the tests think it is --------------------------------------------------

def test_the_ledger_covers_what_the_filters_tell_apart(ledger):
    _, snapshots = ledger
    assert len(snapshots) == 36
    # Returned, merged and split appeals are listed in their own service test
    # (test_regrouping_service): the lives here never leave a unit's hands.
    assert {s["status"] for s in snapshots} == set(Status.codes()) - {"returned", "merged", "split"}
    assert 3 <= sum(bool(s["overdue"]) for s in snapshots) < 36
    assert len({s["county"] for s in snapshots}) == 5
    assert any(s["reopen_count"] for s in snapshots)  # rated unsatisfied, sent back to work
    assert any("zhanggong_gov" in s["assisting_units"] for s in snapshots)


# -- filters ---------------------------------------------------------------------------------

FILTER_CASES = [
    {},
    {"status": "dispatched"}, {"status": "closed"}, {"status": "in_progress"}, {"status": "rated"},
    {"unit": "finance_bureau"}, {"unit": "zhanggong_gov"}, {"unit": "transport_bureau"},
    {"county": "ruijin"}, {"county": "ganzhou_etdz"}, {"county": "xunwu"},
    {"category": "financing"}, {"category": "technology"},
    {"channel": "hotline"}, {"channel": "letter"},
    {"overdue": "true"}, {"overdue": "false"}, {"overdue": "TRUE"},
    {"received_from": "2026-03-03"}, {"received_to": "2026-03-02"},
    {"received_from": "2026-03-03", "received_to": "2026-03-03"},
    {"received_from": "2026-03-02", "received_to": "2026-03-02"},
    {"enterprise": "91360781MA35F0003Y"}, {"enterprise": "91360781ma35f0003y"},
    {"enterprise": "家具"}, {"enterprise": "abc"},
    {"q": "贷款"}, {"q": "贷款 贴息"}, {"q": "50%"}, {"q": "%"}, {"q": "_"},
    {"county": "longnan", "overdue": "true"}, {"q": "增容"}, {"q": "增容 贴息"},
    {"unit": "tax_bureau", "status": "signed_for", "category": "labour"},
    {"open_task_unit": "tax_bureau"}, {"open_task_unit": "hr_bureau", "status": "in_progress"},
    {"open_task_unit": "transport_bureau"},
]


def described(filters: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in filters.items()) or "none"


@pytest.mark.parametrize("filters", FILTER_CASES, ids=described)
def test_each_filter_narrows_to_the_matching_appeals(ledger, filters):
    engine, snapshots = ledger
    assert listed(engine, office, filters) == expected(snapshots, filters)


def test_the_filters_that_should_find_something_do(ledger):
    engine, _ = ledger
    for filters in ({"status": "dispatched"}, {"overdue": "true"}, {"q": "50%"}, {"unit": "zhanggong_gov"},
                    {"received_from": "2026-03-03", "received_to": "2026-03-03"}, {"enterprise": "abc"},
                    {"open_task_unit": "tax_bureau"}):
        assert listed(engine, office, filters), filters
    assert listed(engine, office, {"q": "%"}) == listed(engine, office, {"q": "50%"})


def test_days_are_beijing_days(ledger):
    engine, snapshots = ledger
    by_number = {s["id"]: s["ledger_number"] for s in snapshots}
    third = {by_number[i] for i in listed(engine, office, {"received_from": "2026-03-03",
                                                             "received_to": "2026-03-03"})}
    assert {"GZ-2026-000012", "GZ-2026-000013", "GZ-2026-000014", "GZ-2026-000015"} <= third
    assert "GZ-2026-000011" not in third  # 23:59:59.999999 on the 2nd, Beijing time


def test_blank_filters_are_no_filters(ledger):
    engine, snapshots = ledger
    assert listed(engine, office, {"status": "", "county": "  ", "q": None}) == expected(snapshots, {})


def test_items_carry_the_row_the_units_and_the_deadlines_but_not_the_state(ledger):
    engine, snapshots = ledger
    with reading(engine) as connection:
        items = queries.page(connection, office, {}, None, 200)["items"]
    by_id = {s["id"]: s for s in snapshots}
    for item in items:
        s = by_id[item["id"]]
        assert "state" not in item
        assert item["assisting_units"] == s["assisting_units"]
        assert item["deadlines"] == s["deadlines"]
        assert item["overdue"] is bool(s["overdue"])
        for key in ("ledger_number", "uscc", "enterprise_name", "title", "channel", "category", "county",
                    "status", "lead_unit", "received_at", "resolved_at", "closed_at", "rating", "version"):
            assert item[key] == s[key], key


# -- scopes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("actor", [
    enterprise(ENTERPRISES[0][0]), enterprise(ENTERPRISES[3][0]),
    officer("finance_bureau"), officer("zhanggong_gov"), officer("transport_bureau"),
    supervisor, nobody, Actor("mayor", "leader"),
], ids=lambda a: a.label)
def test_each_actor_reads_only_what_it_may(ledger, actor):
    engine, snapshots = ledger
    found = listed(engine, actor, {}, limit=5)
    assert found == expected(snapshots, {}, actor)
    if actor.role not in ("liaison", "leader") and actor.unit != "transport_bureau":
        assert found
    assert not set(found) - {s["id"] for s in snapshots if may_read(actor, s)}


def test_a_scope_and_filters_narrow_together(ledger):
    engine, snapshots = ledger
    own = enterprise(ENTERPRISES[1][0])
    assert listed(engine, own, {"status": "dispatched"}) == expected(snapshots, {"status": "dispatched"}, own)
    # Asking for another enterprise's appeals finds none of them.
    assert listed(engine, own, {"enterprise": ENTERPRISES[2][0]}) == []
    unit = officer("tax_bureau")
    assert listed(engine, unit, {"unit": "finance_bureau"}) == expected(
        snapshots, {"unit": "finance_bureau"}, unit)


# -- pages -----------------------------------------------------------------------------------

@pytest.mark.parametrize("limit", [1, 4, 7, 36, 200])
@pytest.mark.parametrize("filters", [{}, {"overdue": "false"}, {"received_from": "2026-03-01"}],
                         ids=["all", "on-time", "march"])
def test_the_cursor_visits_every_appeal_once_in_order(ledger, limit, filters):
    engine, snapshots = ledger
    pages = all_pages(engine, office, filters, limit)
    ids = [item["id"] for page in pages for item in page]
    assert ids == expected(snapshots, filters)
    assert len(ids) == len(set(ids))
    assert all(len(page) == limit for page in pages[:-1])
    assert len(pages[-1]) <= limit
    keys = [(item["received_at"], item["id"]) for page in pages for item in page]
    assert keys == sorted(keys, reverse=True)


def test_the_tie_on_received_at_is_broken_by_id(ledger):
    engine, snapshots = ledger
    tied = sorted((s["id"] for s in snapshots if s["ledger_number"] in {"GZ-2026-000012", "GZ-2026-000013"}),
                  reverse=True)
    ids = [item["id"] for page in all_pages(engine, office, {}, 1) for item in page]
    assert ids[ids.index(tied[0]) + 1] == tied[1]


def test_a_cursor_is_url_safe_and_carries_on_with_the_same_filters(ledger):
    engine, snapshots = ledger
    with reading(engine) as connection:
        first = queries.page(connection, office, {"county": "zhanggong"}, None, 2)
        assert first["next_cursor"] and set(first["next_cursor"]) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        second = queries.page(connection, office, {"county": "zhanggong"}, first["next_cursor"], 2)
    assert [i["id"] for i in first["items"] + second["items"]] == expected(
        snapshots, {"county": "zhanggong"})[:4]


# -- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize("filters, error, field", [
    ({"colour": "red"}, errors.UnknownFilter, "colour"),
    ({"status": "open"}, errors.UnknownCode, "status"),
    ({"county": "beijing"}, errors.UnknownCode, "county"),
    ({"category": "税费"}, errors.UnknownCode, "category"),
    ({"channel": "wechat"}, errors.UnknownCode, "channel"),
    ({"overdue": "yes"}, errors.InvalidFilterValue, "overdue"),
    ({"received_from": "2026-02-30"}, errors.InvalidFilterValue, "received_from"),
    ({"received_from": "2026/03/01"}, errors.InvalidFilterValue, "received_from"),
    ({"received_to": "20260301"}, errors.InvalidFilterValue, "received_to"),
    ({"received_from": "0001-01-01"}, errors.InvalidFilterValue, "received_from"),
    ({"received_to": "9999-12-31"}, errors.InvalidFilterValue, "received_to"),
    ({"received_from": "2026-03-05", "received_to": "2026-03-01"}, errors.InvalidFilterValue, "received_to"),
    ({"status": ["closed"]}, errors.InvalidFilterValue, "status"),
    ({"overdue": True}, errors.InvalidFilterValue, "overdue"),
    ({"q": "贴" * 201}, errors.FieldTooLong, "q"),
    ({"enterprise": "x" * 201}, errors.FieldTooLong, "enterprise"),
    ({"unit": "x" * 101}, errors.FieldTooLong, "unit"),
])
def test_a_bad_filter_is_refused_by_name(ledger, filters, error, field):
    engine, _ = ledger
    with reading(engine) as connection:
        with pytest.raises(error) as refused:
            queries.page(connection, office, filters, None, 10)
        assert refused.value.field == field and refused.value.kind == "invalid"
        with pytest.raises(error):
            queries.export_page(connection, office, filters, None)


def token(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.mark.parametrize("cursor", [
    "not a cursor", "!!!!", "abcde", token(b"not json"), token(b'{"a": 1}'), token(b'["x", "y"]'),
    token(b'["2026-03-03T00:00:00.000000Z"]'), token(b'["2026-03-03T00:00:00.000000Z", ""]'),
    token(b'[1, 2]'), token(b"\xff\xfe"), "A" * 401, 12345,
])
def test_a_bad_cursor_is_refused(ledger, cursor):
    engine, _ = ledger
    with reading(engine) as connection, pytest.raises(errors.InvalidCursor) as refused:
        queries.page(connection, office, {}, cursor, 10)
    assert refused.value.field == "cursor" and isinstance(refused.value, InvalidInput)


@pytest.mark.parametrize("limit", [0, -1, 201, "10", True, None, 1.5])
def test_a_page_size_out_of_range_is_refused(ledger, limit):
    engine, _ = ledger
    with reading(engine) as connection, pytest.raises(errors.LimitOutOfRange) as refused:
        queries.page(connection, office, {}, None, limit)
    assert refused.value.field == "limit"


# -- the workbook ----------------------------------------------------------------------------

HEADERS = ["台账编号", "企业名称", "统一社会信用代码", "联系人", "联系电话", "诉求标题", "诉求内容",
           "受理渠道", "诉求类别", "诉求类型", "紧急程度", "所属县(市、区)", "责任单位(主办)", "协办单位", "办理状态", "处理方式", "重办次数",
           "受理时间", "交办时间", "签收期限", "签收时间", "首次答复时间", "退回时间",
           "办结期限", "是否逾期", "办结时间", "回访时间", "满意度评价", "评价时间", "销号时间"]


def local(moment):
    return parse_time(moment).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else None


def sheet_rows(book) -> list[dict]:
    sheet = book["诉求台账"]
    return [dict(zip(HEADERS, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_workbook_is_the_ledger_as_an_office_keeps_it(ledger):
    engine, snapshots = ledger
    book = exported(engine, office, {})
    assert book.sheetnames == ["诉求台账"]
    sheet = book["诉求台账"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert all(sheet.column_dimensions[c].width >= 10 for c in "ABCDEFGHIJKLMNOPQRSTUVW")
    rows = sheet_rows(book)
    by_number = {s["ledger_number"]: s for s in snapshots}
    assert [by_number[r["台账编号"]]["id"] for r in rows] == expected(snapshots, {})
    for row in rows:
        s = by_number[row["台账编号"]]
        classification = s["classification"]
        assert row == {
            "台账编号": s["ledger_number"], "企业名称": s["enterprise_name"], "统一社会信用代码": s["uscc"],
            # These appeals are raised untyped and without a contact, as before types existed.
            "联系人": None, "联系电话": None, "诉求类型": None, "紧急程度": None,
            "诉求标题": s["title"], "诉求内容": s["description"].replace("\x0b", ""),
            "受理渠道": Channel(s["channel"]).label, "诉求类别": Category(s["category"]).label,
            "所属县(市、区)": COUNTIES[s["county"]], "责任单位(主办)": s["lead_unit"],
            "协办单位": "、".join(s["assisting_units"]) or None, "办理状态": Status(s["status"]).label,
            "处理方式": Way(classification["way"]).label if classification else None,
            "重办次数": s["redo_count"],
            "受理时间": local(s["received_at"]), "签收期限": local(s["deadlines"]["sign"]),
            "办结期限": local(s["deadlines"]["resolution"]), "是否逾期": "是" if s["overdue"] else "否",
            "满意度评价": Rating(s["rating"]).label if s["rating"] else None,
            # Each step when it last happened, kept when the appeal went back since.
            "交办时间": local(s["times"]["dispatched"]), "签收时间": local(s["times"]["signed"]),
            "首次答复时间": local(s["times"]["first_response"]),
            "退回时间": local(s["times"]["returned"]), "办结时间": local(s["times"]["resolved"]),
            "回访时间": local(s["times"]["called_back"]), "评价时间": local(s["times"]["rated"]),
            "销号时间": local(s["times"]["closed"]),
        }


def test_the_workbook_shows_labels_not_codes(ledger):
    engine, _ = ledger
    rows = sheet_rows(exported(engine, office, {}))
    codes = set(Channel.codes()) | set(Category.codes()) | set(Status.codes()) | set(COUNTIES) \
        | set(Way.codes()) | set(Rating.codes())
    for column in ("受理渠道", "诉求类别", "所属县(市、区)", "办理状态", "处理方式", "满意度评价"):
        assert not {r[column] for r in rows} & codes, column
    assert {r["办理状态"] for r in rows} >= {"已交办", "已签收", "办理中", "待上级答复", "已办结", "已销号"}
    assert {r["是否逾期"] for r in rows} == {"是", "否"}
    late_night = next(r for r in rows if r["台账编号"] == "GZ-2026-000011")
    assert late_night["受理时间"] == "2026-03-02 23:59"


def test_an_enterprise_s_words_stay_words(ledger):
    engine, _ = ledger
    sheet = exported(engine, office, {"q": "=1+1"})["诉求台账"]
    assert sheet["F2"].value == "=1+1 报表导出公式异常" and sheet["F2"].data_type == "s"


@pytest.mark.parametrize("actor, filters", [
    (office, {"county": "ruijin"}),
    (office, {"overdue": "true", "received_to": "2026-03-02"}),
    (enterprise(ENTERPRISES[2][0]), {}),
    (enterprise(ENTERPRISES[2][0]), {"status": "closed"}),
    (officer("hr_bureau"), {"category": "labour"}),
    (officer("hr_bureau"), {}),
    (nobody, {}),
], ids=lambda v: v.label if isinstance(v, Actor) else described(v))
def test_the_workbook_honours_filters_and_scope(ledger, actor, filters):
    engine, snapshots = ledger
    by_number = {s["ledger_number"]: s["id"] for s in snapshots}
    book = exported(engine, actor, filters)
    assert [cell.value for cell in book["诉求台账"][1]] == HEADERS
    rows = sheet_rows(book)
    assert [by_number[r["台账编号"]] for r in rows] == expected(snapshots, filters, actor)


@pytest.mark.parametrize("size", [1, 5, 36])
def test_the_workbook_travels_in_bounded_pages_that_cover_the_ledger_once(ledger, size):
    engine, snapshots = ledger
    pages = export_pages(engine, office, {}, size)
    assert all(len(lines) == size for lines in pages[:-1]) and len(pages[-1]) <= size
    numbers = [line[0] for lines in pages for line in lines]
    by_number = {s["ledger_number"]: s["id"] for s in snapshots}
    assert [by_number[n] for n in numbers] == expected(snapshots, {})
    assert sheet_rows(exported(engine, office, {}, size)) == sheet_rows(exported(engine, office, {}))


def test_a_page_of_the_workbook_after_a_bad_cursor_is_refused(ledger):
    engine, _ = ledger
    with reading(engine) as connection, pytest.raises(errors.InvalidCursor):
        queries.export_page(connection, office, {}, "not a cursor")


def test_the_sheet_built_in_eventlet_s_thread_pool_is_the_same(ledger):
    engine, _ = ledger
    sheet = tpool.execute(LedgerSheet)
    for lines in export_pages(engine, office, {"county": "ruijin"}, 4):
        tpool.execute(sheet.add, lines)
    path = tpool.execute(sheet.finish)
    try:
        with open(path, "rb") as file:
            book = load_workbook(io.BytesIO(file.read()))
    finally:
        os.unlink(path)
    assert sheet_rows(book) == sheet_rows(exported(engine, office, {"county": "ruijin"}))
    assert book["诉求台账"].auto_filter.ref == f"A1:AD{len(sheet_rows(book)) + 1}"


# -- a unit's appeals, read from its rows of ticket_units -------------------------------------

@pytest.mark.parametrize("limit", [1, 3, 200])
@pytest.mark.parametrize("actor, filters", [
    (officer("finance_bureau"), {}), (officer("zhanggong_gov"), {}),
    (officer("tax_bureau"), {"unit": "finance_bureau"}),
    (officer("hr_bureau"), {"status": "closed"}),
    (office, {"unit": "natural_resources_bureau"}),
    (office, {"unit": "tax_bureau", "overdue": "false"}),
], ids=lambda v: v.label if isinstance(v, Actor) else described(v))
def test_a_units_appeals_page_in_the_ledgers_order(ledger, actor, filters, limit):
    engine, snapshots = ledger
    pages = all_pages(engine, actor, filters, limit)
    ids = [item["id"] for page in pages for item in page]
    assert ids == expected(snapshots, filters, actor)
    assert all(len(page) == limit for page in pages[:-1])


def test_a_units_rows_carry_their_appeals_receipt(ledger):
    engine, snapshots = ledger
    received = {s["id"]: s["received_at"] for s in snapshots}
    with reading(engine) as connection:
        rows = connection.execute(sa.select(views.ticket_units)).all()
    assert rows
    assert all(row.received_at == received[row.ticket_id] for row in rows)


# -- what grows with the ledger is read by index ---------------------------------------------

PLANNED = [
    (office, {}), (office, {"status": "closed"}), (office, {"county": "ruijin"}),
    (office, {"category": "labour"}), (office, {"channel": "hotline"}),
    (office, {"overdue": "true"}), (enterprise(ENTERPRISES[0][0]), {}),
    (officer("finance_bureau"), {}), (office, {"unit": "tax_bureau"}),
    (officer("finance_bureau"), {"status": "closed"}),
]


def plan(connection, query) -> str:
    sql = str(query.compile(connection.engine, compile_kwargs={"literal_binds": True}))
    if connection.engine.dialect.name == "sqlite":
        return "\n".join(r[-1] for r in connection.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
    # A few dozen rows make a sort the cheapest plan; forbidding it shows an ordered index exists
    # (a plan that must still sort keeps its Sort node, at a prohibitive cost).
    connection.execute(sa.text("SET LOCAL enable_sort = off"))
    return "\n".join(r[0] for r in connection.execute(sa.text("EXPLAIN " + sql)))


@pytest.mark.parametrize("actor, filters", PLANNED,
                         ids=lambda v: v.label if isinstance(v, Actor) else described(v))
def test_a_page_is_read_in_order_from_an_index_not_sorted(ledger, actor, filters):
    engine, _ = ledger
    cursor = ("2026-03-03T00:00:00.000000Z", "8")
    with reading(engine) as connection:
        for query in (queries._ledger(actor, filters, *views.ticket_rows.c).limit(51),
                      queries._ledger(actor, filters, *views.ticket_rows.c,
                                      cursor=cursor).limit(51)):
            shown = plan(connection, query)
            assert "TEMP B-TREE" not in shown and "Sort" not in shown, shown


def test_the_deadline_watch_reads_only_what_is_due_by_index(ledger):
    engine, _ = ledger
    with reading(engine) as connection:
        due = plan(connection, sa.select(views.ticket_rows.c.id).where(
            views.ticket_rows.c.next_due < "2026-05-20T00:00:00.000000Z")
            .order_by(views.ticket_rows.c.next_due))
        assert "ix_ticket_rows_next_due" in due and "SCAN ticket_rows\n" not in due + "\n", due


# -- a leader's ledger is his linkage's (notice 三(一)), from the liaison service's events ----

def take_in(engine, *events: Event) -> None:
    store = EventStore(engine)
    for event in events:
        with store.unit_of_work() as uow:
            reactions.LINKAGE_SUBSCRIPTIONS["liaison"][event.type](uow, event)


def reached(snapshots, usccs: set[str]) -> list[str]:
    chosen = [s for s in snapshots if s["uscc"] in usccs]
    return [s["id"] for s in sorted(chosen, key=lambda s: (s["received_at"], s["id"]),
                                    reverse=True)]


def test_a_leader_reads_his_linkage_and_a_liaison_officer_his_leader_s(ledger):
    engine, snapshots = ledger
    first, second, third = (e[0] for e in ENTERPRISES[:3])
    mayor, county_head = Actor("mayor", "leader"), Actor("county-head", "leader")
    cadre, stranger = Actor("cadre-chen", "liaison"), Actor("cadre-none", "liaison")
    ghost = Actor("ghost", "leader")   # linked by an event, but the register never held him
    try:
        take_in(engine, leader_registered("mayor", "top_city"),
                leader_registered("county-head", "county", "ruijin"),
                enterprise_registered(second, "park-ganxian"),
                plan_accepted(linkage("mayor", "top_city", "park-ganxian", [first])),
                linkage_changed("county-head", "county", None, [third]),
                linkage_changed("ghost", "city", None, [first]),
                liaison_appointed("cadre-chen", "mayor"))
        # His enterprise, and his park's; paged after the scope, as any ledger.
        assert listed(engine, mayor, {}, limit=5) == reached(snapshots, {first, second})
        assert listed(engine, cadre, {}, limit=3) == reached(snapshots, {first, second})
        assert listed(engine, county_head, {}) == reached(snapshots, {third})
        assert listed(engine, mayor, {"status": "closed"}) == [
            i for i in reached(snapshots, {first, second})
            if i in expected(snapshots, {"status": "closed"})]
        for nobody_s in (ghost, stranger, Actor("mayor", "liaison")):
            assert listed(engine, nobody_s, {}) == []
            assert export_pages(engine, nobody_s, {}) == [[]]
        assert [line[2] for lines in export_pages(engine, cadre, {}, 2) for line in lines] \
            == [s["uscc"] for i in reached(snapshots, {first, second})
                for s in snapshots if s["id"] == i]
        with reading(engine) as connection:
            mine = reached(snapshots, {first})[0]
            assert queries.in_linkage(connection, mayor, mine)
            assert queries.in_linkage(connection, cadre, mine)
            assert not queries.in_linkage(connection, ghost, mine)
            assert not queries.in_linkage(connection, county_head, mine)

        # The enterprise leaves the park; a later plan links the mayor elsewhere and leaves the
        # county leader's linkage alone; taking an event in twice changes nothing.
        moved = enterprise_changed(second, 2, park=None)
        take_in(engine, moved, moved)
        assert listed(engine, mayor, {}) == reached(snapshots, {first})
        take_in(engine, plan_accepted(linkage("mayor", "top_city", None, [ENTERPRISES[3][0]])))
        assert listed(engine, mayor, {}) == reached(snapshots, {ENTERPRISES[3][0]})
        assert listed(engine, county_head, {}) == reached(snapshots, {third})
    finally:
        with engine.begin() as connection:
            for table in views.LINKAGE_TABLES:
                connection.execute(table.delete())


def test_the_city_ranks_are_the_liaison_service_s():
    from services.liaison.linkage import rules as liaison_rules
    assert reactions.CITY_RANKS == liaison_rules.CITY_RANKS
