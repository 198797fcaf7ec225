"""Near-duplicate detection stays bounded: a capped text, a bounded set of candidates, and cheap
bounds that never turn away a pair the full comparison would link."""
import difflib

from hypothesis import given, settings, strategies as st

from services.tickets.appeals.duplicates import (
    CANDIDATES, COMPARED_LENGTH, NEAR_DUPLICATE_THRESHOLD, compared_text, first_near_duplicate,
    is_near_duplicate, length_bound,
)

TEXT = "我公司于2025年申请的技术改造贷款贴息资金至今未拨付,影响企业资金周转,请尽快协调解决。"
texts = st.text(alphabet="贷款贴息资金未拨付企业用工难ab1 ,。", max_size=60)


def test_the_compared_text_is_capped_however_long_the_appeal():
    huge = TEXT * 50_000  # about 2 MB of text
    assert len(compared_text("标题", huge)) == COMPARED_LENGTH
    assert len(compared_text("标" * 100_000, huge)) == COMPARED_LENGTH
    assert compared_text("A  Title", "Some text, here.") == "atitlesometexthere"


def test_only_the_capped_start_is_compared():
    start = TEXT * 40  # well over the compared length once normalised
    assert is_near_duplicate("贴息未到位", start + "其余内容一", "贴息未到位", start + "完全不同的后文" * 300)
    assert not is_near_duplicate("贴息未到位", TEXT, "招工难", "园区企业普遍反映一线工人招聘困难。" * 3)


@settings(max_examples=300, deadline=None)
@given(texts, texts)
def test_the_cheap_bounds_are_upper_bounds_of_the_ratio(a, b):
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ratio = matcher.ratio()
    assert length_bound(a, b) >= ratio - 1e-12
    assert matcher.quick_ratio() >= ratio - 1e-12


@settings(max_examples=300, deadline=None)
@given(texts, texts, texts, texts)
def test_the_bounded_check_links_exactly_what_the_full_ratio_links(title_a, text_a, title_b, text_b):
    a, b = compared_text(title_a, text_a), compared_text(title_b, text_b)
    full = a == b or difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= \
        NEAR_DUPLICATE_THRESHOLD
    assert is_near_duplicate(title_a, text_a, title_b, text_b) == full


def test_at_most_the_given_number_of_candidates_is_compared():
    others = [{"id": f"t-{n}", "title": f"问题{n}", "description": "园区道路拥堵,物流车辆难以通行。" * n}
              for n in range(CANDIDATES - 1)]
    copy = {"id": "copy", "title": "贴息未到位", "description": TEXT}
    assert first_near_duplicate("贴息未到位", TEXT, others + [copy]) == "copy"
    beyond = others + [{"id": "one-more", "title": "招工难", "description": "缺工"}, copy]
    assert first_near_duplicate("贴息未到位", TEXT, beyond) is None
    assert first_near_duplicate("贴息未到位", TEXT, []) is None


def test_the_first_near_duplicate_in_the_order_given_wins():
    found = first_near_duplicate("贴息未到位", TEXT, [
        {"id": "different", "title": "招工难", "description": "缺工严重"},
        {"id": "newer", "title": "贴息未到位!", "description": TEXT + "谢谢"},
        {"id": "older", "title": "贴息未到位", "description": TEXT}])
    assert found == "newer"
