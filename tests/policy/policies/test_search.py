"""Chinese search over the policy registry (services.policy.policies.search), on SQLite and PostgreSQL:
a word from the middle of a full text is found, every term must match, a title hit ranks above
a text-only hit, bigrams found apart are no phrase, a 文号 is found by its year or number, and the
index follows the current text. The p0002 migration builds the tables the code declares."""
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel.actor import Actor
from kernel.database import MIGRATIONS, make_engine
from services.policy.enterprises import views as enterprises
from services.policy.policies import search
from services.policy.policies import views as projections
from services.policy.policies.domain import Policy

POLICY_MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "policy" / "migrations"
finance = Actor("li", "unit_officer", unit="finance_bureau")
CONTACT = {"unit": "市财政局", "person": "李明", "phone": "0797-8123456",
           "email": "czj@ganzhou.gov.cn"}
MAY = dt.datetime(2026, 5, 10, 2, tzinfo=dt.UTC)


def snapshot(policy_id: str, *, title: str, full_text: str, summary: str = "为企业减负。",
             document_number: str | None = None, level: str = "municipal") -> dict:
    policy = Policy.draft(
        policy_id, issuing_unit="finance_bureau", title=title,
        document_number=document_number or f"赣市财发〔2026〕{len(policy_id)}号", level=level,
        cost_category="financing", summary=summary, full_text=full_text,
        effective_from=dt.date(2026, 6, 1), contact=CONTACT, at=MAY, actor=finance)
    policy.publish(at=MAY, actor=finance)
    return policy.snapshot()


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    # Until the policy service's p0001 is in place, the tables as the code declares them.
    for metadata in (projections.metadata, search.metadata):
        metadata.create_all(engine)
    yield engine
    engine.dispose()


def add(connection, *snapshots) -> None:
    """Each policy as the read model keeps it (its row) and as search indexes it."""
    for state in snapshots:
        connection.execute(projections.policy_rows.insert().values(
            id=state["id"], status=state["status"], level=state["level"],
            title=state["title"], state=json.dumps(state, ensure_ascii=False)))
        search.index_policy(connection, state)


def ids(found) -> list[str]:
    return [policy_id for policy_id, _ in found]


LOAN = snapshot("loan", title="赣州市中小微企业贷款贴息办法",
                full_text="第一条 为缓解融资难题，对符合条件的企业给予贷款贴息支持。"
                          "第二条 本办法自发布之日起施行。")
LABOUR = snapshot("labour", title="稳岗返还实施细则",
                  full_text="第一条 对不裁员或少裁员的企业，返还失业保险费。"
                            "第二条 招用困难人员给予用工补贴。")
BOTH = snapshot("both", title="降低企业成本若干措施",
                full_text="一、落实贷款贴息。二、加大用工补贴力度。三、降低用地成本。")


def test_a_policy_is_found_by_a_two_character_word_from_the_middle_of_its_full_text(engine):
    with engine.begin() as connection:
        add(connection, LOAN, LABOUR)
        assert ids(search.search(connection, "融资")) == ["loan"]
        assert ids(search.search(connection, "失业")) == ["labour"]
        assert search.search(connection, "土地") == []


def test_every_term_of_the_query_must_match(engine):
    with engine.begin() as connection:
        add(connection, LOAN, LABOUR, BOTH)
        assert sorted(ids(search.search(connection, "贴息"))) == ["both", "loan"]
        assert ids(search.search(connection, "贴息 用工")) == ["both"]
        assert ids(search.search(connection, "贴息、补贴")) == ["both"]
        assert search.search(connection, "贴息 失业") == []


def test_a_title_hit_ranks_above_a_text_only_hit(engine):
    with engine.begin() as connection:
        add(connection, BOTH, LOAN)
        found = search.search(connection, "贷款")
        assert ids(found) == ["loan", "both"]
        (_, title_score), (_, text_score) = found
        assert title_score > text_score
        # Equal scores: by id.
        twin_b = snapshot("twin-b", title="融资担保", full_text="担保费补助。")
        twin_a = snapshot("twin-a", title="融资担保", full_text="担保费补助。")
        add(connection, twin_b, twin_a)
        assert ids(search.search(connection, "担保费")) == ["twin-a", "twin-b"]


def test_bigrams_found_apart_are_not_the_phrase(engine):
    apart = snapshot("apart", title="名词解释", full_text="本办法所称三字，是指字词之外的内容。")
    whole = snapshot("whole", title="用语规范", full_text="本办法所称三字词，是指专用名词。")
    with engine.begin() as connection:
        add(connection, apart, whole)
        assert ids(search.search(connection, "三字词")) == ["whole"]
        # The caller's own way to the texts, instead of policy_rows.
        texts = {"apart": apart, "whole": whole}
        assert ids(search.search(connection, "三字词", texts=lambda _c, wanted: {
            policy_id: texts[policy_id] for policy_id in wanted})) == ["whole"]
        assert sorted(ids(search.search(connection, "三字 字词"))) == ["apart", "whole"]


def test_a_document_number_is_found_by_its_year_or_its_number(engine):
    decree = snapshot("decree", title="关于印发降低企业成本优化发展环境若干政策措施的通知",
                      full_text="各县（市、区）人民政府：现将若干政策措施印发给你们。",
                      document_number="赣市府发〔2016〕10号")
    other = snapshot("other", title="其他通知", full_text="2016年度第11号公告。",
                     document_number="赣市财发〔2017〕9号")
    with engine.begin() as connection:
        add(connection, decree, other)
        assert ids(search.search(connection, "10号")) == ["decree"]
        assert sorted(ids(search.search(connection, "2016"))) == ["decree", "other"]
        assert ids(search.search(connection, "赣市府发〔2016〕10号")) == ["decree"]
        assert ids(search.search(connection, "赣市府发（２０１６）１０号")) == ["decree"]
        assert ids(search.search(connection, "11号")) == ["other"]
        assert search.search(connection, "201") == []


def test_latin_words_are_whole_and_case_blind(engine):
    iso = snapshot("iso", title="ISO 9001 认证奖励",
                   full_text="通过ISO9001或GB/T 19001认证的企业给予奖励。")
    with engine.begin() as connection:
        add(connection, iso)
        assert ids(search.search(connection, "iso")) == ["iso"]
        assert ids(search.search(connection, "ｇｂ")) == ["iso"]
        assert search.search(connection, "is") == []


def test_candidates_from_the_callers_filter(engine):
    county = snapshot("county", title="县级贷款贴息", full_text="县里的贷款贴息。", level="county")
    with engine.begin() as connection:
        add(connection, LOAN, BOTH, county)
        municipal = (sa.select(projections.policy_rows.c.id)
                     .where(projections.policy_rows.c.level == "municipal"))
        assert sorted(ids(search.search(connection, "贴息", ids_allowed=municipal))) == [
            "both", "loan"]
        assert ids(search.search(connection, "贷款贴息", ids_allowed=municipal)) == [
            "loan", "both"]
        assert ids(search.search(connection, "贴息", ids_allowed=["county"])) == ["county"]
        assert search.search(connection, "贴息", ids_allowed=[]) == []


def test_limit_and_offset_page_through_the_ranking(engine):
    with engine.begin() as connection:
        add(connection, LOAN, LABOUR, BOTH)
        everything = search.search(connection, "企业", limit=None)
        assert len(everything) == 3
        assert search.search(connection, "企业", limit=1, offset=1) == everything[1:2]
        confirmed = search.search(connection, "第一条", limit=None)
        assert search.search(connection, "第一条", limit=1, offset=1) == confirmed[1:2]
        assert search.search(connection, "，。") == []


def test_the_index_follows_the_current_text_and_can_be_rebuilt(engine):
    policy = Policy.draft("amended", issuing_unit="finance_bureau", title="物流补贴办法",
                          document_number="赣市财发〔2026〕30号", level="municipal",
                          cost_category="logistics", summary="物流降本。",
                          full_text="对冷链运输给予补贴。", effective_from=dt.date(2026, 6, 1),
                          contact=CONTACT, at=MAY, actor=finance)
    policy.publish(at=MAY, actor=finance)
    with engine.begin() as connection:
        add(connection, policy.snapshot(), LOAN)
        assert ids(search.search(connection, "冷链")) == ["amended"]
        policy.amend(reason="扩大范围", full_text="对多式联运给予补贴。", at=MAY, actor=finance)
        connection.execute(projections.policy_rows.delete()
                           .where(projections.policy_rows.c.id == "amended"))
        add(connection, policy.snapshot())
        # Only the current version's text is searched.
        assert search.search(connection, "冷链") == []
        assert ids(search.search(connection, "多式联运")) == ["amended"]
        before = {q: search.search(connection, q) for q in ("补贴", "贷款贴息", "联运")}
        assert search.reindex(connection) == 2
        assert {q: search.search(connection, q) for q in before} == before
        search.remove(connection, "amended")
        assert search.search(connection, "联运") == []
        assert search.reindex(connection, [LOAN]) == 1
        assert ids(search.search(connection, "贷款")) == ["loan"]


def _columns(inspector, table: str) -> dict:
    return {column["name"]: column["nullable"] for column in inspector.get_columns(table)}


def test_the_p0002_migration_builds_the_tables_the_code_declares(db_url, tmp_path):
    """Run p0002 after the policy service's p0001 (a stand-in while that is not written), and
    compare what it built with the tables `search` and `enterprises` declare."""
    versions = tmp_path / "policy"
    versions.mkdir()
    shutil.copy(POLICY_MIGRATIONS / "p0002_search_and_enterprises.py", versions)
    p0001 = sorted(POLICY_MIGRATIONS.glob("p0001_*.py"))
    if p0001:
        shutil.copy(p0001[0], versions)
    else:
        (versions / "p0001_stand_in.py").write_text(
            'revision = "p0001"\ndown_revision = None\nbranch_labels = ("policy",)\n'
            'depends_on = "k0001"\n\n\ndef upgrade():\n    pass\n')
    from alembic import command
    from alembic.config import Config

    engine = make_engine(db_url)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("version_locations", f"{MIGRATIONS / 'versions'} {versions}")
        config.set_main_option("path_separator", "space")
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")
        inspector = sa.inspect(engine)
        for table in (search.policy_terms, enterprises.policy_enterprises):
            assert _columns(inspector, table.name) == {
                column.name: column.nullable for column in table.columns}, table.name
            assert set(inspector.get_pk_constraint(table.name)["constrained_columns"]) == {
                column.name for column in table.primary_key}
            assert {index["name"]: index["column_names"]
                    for index in inspector.get_indexes(table.name)} == {
                index.name: [column.name for column in index.columns]
                for index in table.indexes}
    finally:
        engine.dispose()
