"""The words of Chinese search over the policy registry (政策检索): what a text is indexed under,
and what a query looks for.

The method is character n-grams, the way full-text engines without a dictionary read Chinese:

- The text is normalised first: NFKC (full-width letters, digits and brackets become their
  half-width forms: "２０１６" is "2016"), then lower case.
- It is cut into *segments* at anything that is not a letter or a digit (spaces, punctuation,
  brackets such as 〔〕), which are dropped.
- Within a segment, a run of CJK characters gives its overlapping character bigrams ("贷款贴息"
  gives 贷款, 款贴, 贴息) and each of its characters alone, so a one-character query (a 号, a 县)
  finds the character anywhere; a run of other letters and digits gives one lower-cased word
  ("GB2312" gives gb2312). A 文号 such as "赣市府发〔2016〕10号" gives 赣市, 市府, 府发, 2016, 10
  and 号 (with the single characters), so "2016" or "10号" finds it.
- A query is cut the same way, but a CJK run of two or more characters asks only for its
  bigrams, a one-character run for the character. Every term must be present (AND), and then
  each query segment must appear as it is within a segment of the text (`contains`): bigrams
  alone would also accept 三字 and 字词 far apart for 三字词.

Why n-grams: there is no word dictionary to keep up (new policy names, place names and 文号 are
found the day they are published), no tokenizer dependency, and the same plain SQL (`term = ?`)
answers on SQLite and PostgreSQL alike. The cost is a larger index than words would give.
Plain Python, no I/O.
"""
from __future__ import annotations

import unicodedata
from collections import Counter

# A word longer than this is indexed, and looked for, by its first TERM_LIMIT characters (the
# column's width); the substring check still compares the whole of it.
TERM_LIMIT = 64

# The scripts read by characters rather than by words: CJK ideographs (with their extensions and
# compatibility forms), 〇, kana and hangul, none of which put spaces between words.
_CJK_RANGES = (
    (0x3005, 0x3007),    # 々 〆 〇
    (0x3040, 0x30FF),    # hiragana, katakana
    (0x3400, 0x4DBF),    # CJK extension A
    (0x4E00, 0x9FFF),    # CJK unified ideographs
    (0xAC00, 0xD7AF),    # hangul syllables
    (0xF900, 0xFAFF),    # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def _is_word_char(char: str) -> bool:
    return char.isalnum()


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def segments(text: str) -> list[str]:
    """The normalised text cut at everything that is not a letter or a digit, which is dropped."""
    found, current = [], []
    for char in normalise(text):
        if _is_word_char(char):
            current.append(char)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


def runs(segment: str) -> list[tuple[bool, str]]:
    """A segment as its runs: (True, CJK characters) or (False, other letters and digits)."""
    found: list[tuple[bool, str]] = []
    for char in segment:
        cjk = is_cjk(char)
        if found and found[-1][0] == cjk:
            found[-1] = (cjk, found[-1][1] + char)
        else:
            found.append((cjk, char))
    return found


def _bigrams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


def terms(text: str) -> Counter:
    """Every term a text is indexed under, with how often it occurs."""
    counted: Counter = Counter()
    for segment in segments(text):
        for cjk, run in runs(segment):
            if cjk:
                counted.update(_bigrams(run))
                counted.update(run)
            else:
                counted[run[:TERM_LIMIT]] += 1
    return counted


def segment_terms(segment: str) -> list[str]:
    """What one query segment asks the index for, in order, without repeats."""
    asked: list[str] = []
    for cjk, run in runs(segment):
        found = (_bigrams(run) or [run]) if cjk else [run[:TERM_LIMIT]]
        asked.extend(term for term in found if term not in asked)
    return asked


def query_terms(q: str) -> list[str]:
    """The distinct terms a query asks for, in the order they appear; [] when it has none."""
    asked: list[str] = []
    for segment in segments(q):
        asked.extend(term for term in segment_terms(segment) if term not in asked)
    return asked


def needs_confirming(q: str) -> bool:
    """Whether finding every term in the index is not yet proof the query's segments appear:
    true as soon as a segment asks for more than itself (two bigrams, a word beside a CJK run,
    a word cut at TERM_LIMIT). A segment that is a single term is proved by the index alone."""
    return any(segment_terms(segment) != [segment] for segment in segments(q))


def searchable(text: str) -> str:
    """The text as the substring check reads it: its segments, one space between them."""
    return " ".join(segments(text))


def contains(q: str, searchable_text: str) -> bool:
    """Every segment of the query appears, unbroken, within the text (as `searchable` gives it)."""
    return all(segment in searchable_text for segment in segments(q))
