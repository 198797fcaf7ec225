"""The words of Chinese search (services.policy.policies.terms): CJK bigrams and single characters,
lower-cased ASCII words, full-width forms made half-width, punctuation dropped, a 文号 findable
by its year or its number, and the substring check that bigrams alone cannot make."""
from collections import Counter

from services.policy.policies.terms import (
    contains,
    needs_confirming,
    query_terms,
    searchable,
    segments,
    terms,
)


def test_a_cjk_run_gives_its_overlapping_bigrams_and_its_characters():
    assert terms("贷款贴息") == Counter({"贷款": 1, "款贴": 1, "贴息": 1,
                                         "贷": 1, "款": 1, "贴": 1, "息": 1})


def test_a_one_character_run_gives_the_character_itself():
    assert terms("县") == Counter({"县": 1})
    assert query_terms("县") == ["县"]


def test_counts_add_up_across_the_text():
    counted = terms("企业，企业。企业")
    assert counted["企业"] == 3 and counted["业企"] == 0


def test_punctuation_breaks_a_run_and_is_dropped():
    assert segments("三字，字词。") == ["三字", "字词"]
    assert "字字" not in terms("三字，字词")
    assert not any(term in "，。、；：“”（）〔〕《》" for term in terms("（一）《若干措施》；“好”"))


def test_ascii_words_and_numbers_are_lower_cased_whole_words():
    assert terms("GB2312 and UTF-8") == Counter({"gb2312": 1, "and": 1, "utf": 1, "8": 1})
    assert query_terms("ISO 9001") == ["iso", "9001"]


def test_full_width_forms_are_made_half_width():
    assert terms("ＧＢ２０１６") == terms("gb2016")
    assert query_terms("２０１６") == ["2016"]
    assert segments("（２０１６）") == ["2016"]


def test_a_document_number_is_found_by_its_year_or_its_number():
    indexed = terms("赣市府发〔2016〕10号")
    for query in ("2016", "10号", "赣市府发", "市府"):
        assert set(query_terms(query)) <= set(indexed), query
        assert contains(query, searchable("赣市府发〔2016〕10号")), query
    assert query_terms("10号") == ["10", "号"]
    assert query_terms("赣市府发〔2016〕10号") == ["赣市", "市府", "府发", "2016", "10", "号"]


def test_mixed_scripts_in_one_segment_are_separate_runs():
    assert set(terms("2016年")) == {"2016", "年"}
    assert query_terms("第10号文件") == ["第", "10", "号文", "文件"]


def test_a_query_asks_for_bigrams_only_and_without_repeats():
    assert query_terms("企业企业") == ["企业", "业企"]
    assert query_terms("中小微 企业") == ["中小", "小微", "企业"]
    assert query_terms(" ，。 ") == []


def test_the_substring_check_refuses_bigrams_found_apart():
    text = searchable("本办法所称三字，是指字词之外的内容")
    assert set(query_terms("三字词")) <= set(terms("本办法所称三字，是指字词之外的内容"))
    assert not contains("三字词", text)
    assert contains("三字 字词", text)


def test_only_a_query_of_several_terms_per_segment_needs_confirming():
    assert not needs_confirming("贴息")
    assert not needs_confirming("贴息 2016")
    assert not needs_confirming("号")
    assert needs_confirming("三字词")
    assert needs_confirming("10号")
    assert needs_confirming("x" * 100)
