"""The compendium (services.policy.compendium.edition, 《赣州市惠企政策文件汇编》) and its contact sheet: which
policies an edition holds, grouped by level then cost category, its table of contents, its
contact rows, and a digest that is stable for the same policies and moves with any change."""
import dataclasses
import datetime as dt
import pathlib
import tomllib
from zoneinfo import ZoneInfo

import pytest

from kernel.actor import SYSTEM, Actor
from services.policy.compendium.edition import TITLE, build_edition, chinese_numeral
from services.policy.policies.domain import Policy, in_force_on

SHANGHAI = ZoneInfo("Asia/Shanghai")
office = Actor("clerk", "office")
DAY = dt.date(2026, 7, 1)


def at(month, day, year=2026):
    return dt.datetime(year, month, day, 10, tzinfo=SHANGHAI).astimezone(dt.UTC)


# The policies in force that day (in_force.toml, beside this module), each as `published` takes it.
IN_FORCE = [{"until": None, **row} for row in tomllib.loads(
    pathlib.Path(__file__).with_name("in_force.toml").read_text("utf-8"))["policy"]]


def published(pid, level, category, title, number, issued_by, start, until, contact) -> Policy:
    policy = Policy.draft(pid, issuing_unit="office", title=title, document_number=number,
                          level=level, cost_category=category, summary=f"{title}摘要",
                          full_text=f"第一条 {title}。", issued_by=issued_by,
                          effective_from=start, effective_until=until, contact=contact,
                          at=at(1, 5, 2020), actor=office)
    policy.publish(at=at(1, 6, 2020), actor=office)
    return policy


@pytest.fixture
def policies() -> dict[str, Policy]:
    made = {row["pid"]: published(**row) for row in IN_FORCE}
    # Never in the compendium: a draft, a repealed and an expired policy, one not yet effective,
    # and one whose end date passed though the timer has not recorded it.
    made["draft"] = Policy.draft(
        "draft", issuing_unit="office", title="赣州市稳岗返还办法(征求意见稿)",
        document_number="赣市人社字〔2026〕1号", level="municipal", cost_category="labour",
        summary="稳岗", full_text="第一条", effective_from="2026-01-01",
        contact=IN_FORCE[2]["contact"], at=at(1, 5), actor=office)
    made["repealed"] = published("repealed", "county", "labour", "南康区用工补贴办法",
                                 "康府发〔2024〕7号", "南康区人民政府", "2024-01-01", None,
                                 IN_FORCE[2]["contact"])
    made["repealed"].repeal(reason="被新政策替代", at=at(6, 1), actor=office)
    made["expired"] = published("expired", "national", "tax_and_fees", "关于阶段性减免增值税的公告",
                                "财税〔2022〕15号", "财政部", "2022-01-01", "2022-12-31",
                                IN_FORCE[0]["contact"])
    made["expired"].expire(at=at(1, 1, 2023), actor=SYSTEM)
    made["future"] = published("future", "county", "market", "赣县区开拓市场奖励办法",
                               "赣县府发〔2026〕30号", "赣县区人民政府", "2026-09-01", None,
                               IN_FORCE[2]["contact"])
    made["lapsed"] = published("lapsed", "provincial", "technology", "江西省技术改造补助办法",
                               "赣工信发〔2024〕2号", "江西省工业和信息化厅", "2024-01-01",
                               "2026-06-30", IN_FORCE[2]["contact"])
    return made


def edition(policies, day=DAY, number=1):
    return build_edition([policy.snapshot() for policy in policies.values()], day, number)


# -- what is in force -----------------------------------------------------------------------

def test_only_the_policies_in_force_that_day_appear(policies):
    shown = {entry.policy_id for entry in edition(policies).entries}
    assert shown == {row["pid"] for row in IN_FORCE}


def test_the_snapshot_rule_is_the_aggregates_rule(policies):
    for day in (dt.date(2026, 6, 30), DAY, dt.date(2026, 9, 1), dt.date(2028, 1, 1)):
        for policy in policies.values():
            assert in_force_on(policy.snapshot(), day) == policy.in_force(day)


def test_a_policy_enters_on_its_first_day_and_leaves_after_its_last():
    kwargs = {"level": "county", "category": "market", "title": "于都县市场开拓补助办法",
              "number": "于府发〔2026〕2号", "issued_by": "于都县人民政府", "contact": IN_FORCE[2]["contact"]}
    policy = published(start="2026-07-01", until="2026-07-31", pid="p", **kwargs)
    snapshots = [policy.snapshot()]
    assert build_edition(snapshots, dt.date(2026, 6, 30), 1).entries == ()
    assert len(build_edition(snapshots, dt.date(2026, 7, 1), 1).entries) == 1
    assert len(build_edition(snapshots, dt.date(2026, 7, 31), 1).entries) == 1
    assert build_edition(snapshots, dt.date(2026, 8, 1), 1).entries == ()


def test_the_day_is_the_offices_day_of_a_moment(policies):
    # 2026-06-30 17:00 UTC is 2026-07-01 01:00 in Ganzhou: the "lapsed" policy (until 06-30) is out.
    late = dt.datetime(2026, 6, 30, 17, tzinfo=dt.UTC)
    built = build_edition([p.snapshot() for p in policies.values()], late, 1)
    assert built.day == "2026-07-01"
    assert "lapsed" not in {entry.policy_id for entry in built.entries}


def test_an_amended_policy_appears_in_its_latest_version(policies):
    policies["m-fin-b"].amend(reason="提高贴息比例", full_text="第一条 贴息比例提高至50%。",
                              at=at(6, 15), actor=office)
    [entry] = [e for e in edition(policies).entries if e.policy_id == "m-fin-b"]
    assert entry.version == 2 and entry.full_text == "第一条 贴息比例提高至50%。"


# -- grouping and order ---------------------------------------------------------------------

def test_levels_then_categories_in_the_vocabularys_order_with_chinese_headings(policies):
    built = edition(policies)
    assert built.title == TITLE == "赣州市惠企政策文件汇编"
    outline = [(s.level, s.heading, [(g.cost_category, g.heading) for g in s.groups])
               for s in built.sections]
    assert outline == [
        ("national", "一、国家级惠企政策",
         [("tax_and_fees", "（一）税费"), ("financing", "（二）融资")]),
        ("provincial", "二、省级惠企政策",
         [("tax_and_fees", "（一）税费"), ("labour", "（二）用工"), ("logistics", "（三）物流")]),
        ("municipal", "三、市级惠企政策",
         [("financing", "（一）融资"), ("land_and_energy", "（二）用地用能"),
          ("comprehensive", "（三）综合")]),
        ("county", "四、县(市、区)级惠企政策", [("institutional", "（一）制度性交易成本")]),
    ]


def test_within_a_group_by_effective_date_and_numbered_through_the_edition(policies):
    built = edition(policies)
    municipal_financing = built.sections[2].groups[0]
    assert [e.policy_id for e in municipal_financing.entries] == ["m-fin-a", "m-fin-b"]
    assert [e.number for e in built.entries] == list(range(1, len(IN_FORCE) + 1))


def test_an_empty_level_is_left_out_and_the_numbering_closes_up(policies):
    only = {pid: policies[pid] for pid in ("n-tax", "m-land")}
    assert [s.heading for s in edition(only).sections] == ["一、国家级惠企政策", "二、市级惠企政策"]


def test_the_order_does_not_depend_on_the_order_given(policies):
    forward = edition(policies)
    backward = edition(dict(reversed(list(policies.items()))))
    assert forward == backward


def test_chinese_numerals():
    assert [chinese_numeral(n) for n in (1, 4, 10, 11, 20, 23, 99)] == \
        ["一", "四", "十", "十一", "二十", "二十三", "九十九"]
    with pytest.raises(ValueError):
        chinese_numeral(0)


# -- table of contents and contact sheet ----------------------------------------------------

def test_the_table_of_contents(policies):
    contents = edition(policies).contents
    assert [(line.depth, line.text, line.document_number) for line in contents[:5]] == [
        (1, "一、国家级惠企政策", None),
        (2, "（一）税费", None),
        (3, "1. 关于进一步实施小微企业“六税两费”减免政策的公告", "财政部 税务总局公告2023年第12号"),
        (2, "（二）融资", None),
        (3, "2. 关于进一步加大对小微企业贷款延期还本付息支持力度的通知", "银发〔2020〕324号"),
    ]
    assert sum(line.depth == 3 for line in contents) == len(IN_FORCE)
    last = contents[-1]
    assert (last.depth, last.text, last.document_number) == (
        3, "10. 章贡区企业开办“一网通办”工作方案", "章府办字〔2026〕21号")


def test_the_contact_sheet_lists_every_policy_in_the_same_order(policies):
    built = edition(policies)
    assert [(r.number, r.title, r.document_number) for r in built.contacts] == \
        [(e.number, e.title, e.document_number) for e in built.entries]
    row = next(r for r in built.contacts if r.document_number == "赣市金发〔2026〕4号")
    assert (row.title, row.issued_by, row.contact_unit, row.person, row.phone, row.email) == (
        "赣州市应急转贷资金管理办法", "赣州市金融办", "市金融办", "赵磊", "13907971234",
        "jrb@ganzhou.gov.cn")


def test_an_edition_is_frozen(policies):
    built = edition(policies)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.number = 2


def test_an_edition_number_is_a_positive_whole_number(policies):
    for bad in (0, -1, True, "1"):
        with pytest.raises(ValueError):
            edition(policies, number=bad)


# -- the digest -----------------------------------------------------------------------------

def test_the_same_policies_give_the_same_digest_whatever_the_edition_or_day(policies):
    first = edition(policies, number=1)
    assert len(first.digest) == 64
    assert edition(policies, number=2).digest == first.digest
    # a day later nothing enters or leaves
    assert edition(policies, day=dt.date(2026, 7, 2)).digest == first.digest


def test_any_change_moves_the_digest(policies):
    before = edition(policies).digest
    policies["m-land"].amend(reason="更正", summary="工业用地弹性年期出让", at=at(6, 20),
                             actor=office)
    amended = edition(policies).digest
    assert amended != before
    policies["m-land"].set_contact(unit="市自然资源局", person="孙涛", phone="0797-8100007",
                                   email="zrzy@ganzhou.gov.cn", at=at(6, 21), actor=office)
    recontacted = edition(policies).digest
    assert recontacted not in (before, amended)
    policies["c-inst"].repeal(reason="已整合", at=at(6, 22), actor=office)
    assert edition(policies).digest not in (before, amended, recontacted)


def test_a_policy_coming_into_force_moves_the_digest(policies):
    assert edition(policies, day=dt.date(2026, 8, 31)).digest != \
        edition(policies, day=dt.date(2026, 9, 1)).digest
