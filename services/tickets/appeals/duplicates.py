"""Telling whether two appeals are the same matter raised twice (by another channel, or again).

The office links such an appeal to the open one instead of opening a second ledger line
(notice 二(四)2: one ledger line per problem, closed off once).

The comparison is bounded, because the service runs it for every appeal raised and an enterprise
may write long texts or keep many appeals open: only the enterprise's most recent open appeals are
candidates (`CANDIDATES`), only the first `COMPARED_LENGTH` normalised characters of each text are
compared, and two cheap upper bounds of difflib's ratio (the lengths, then the character
multisets, both linear at most) turn most pairs away before the ratio, which is quadratic in the
worst case, is computed. Being upper bounds, they never turn away a pair the ratio would link.
"""
from __future__ import annotations

import difflib
import unicodedata
from typing import Iterable

# Measured on sample appeals (tests/domain/test_ticket.py): the same text re-sent by another
# channel with a greeting or a word changed scores above 0.95; the same problem re-worded by the
# enterprise about 0.65-0.75; a different problem of the same category about 0.5. 0.85 links only
# the re-sent copies and leaves re-wordings to the clerk: a missed link costs the office one manual
# link, a false one would hide a distinct problem from the ledger (notice 二(四)2: 列出清单).
NEAR_DUPLICATE_THRESHOLD = 0.85
# A re-sent copy is recognisable from its start: the title and the first paragraphs. 1,000
# characters keep the worst pair to about 10 ms of difflib; beyond them two appeals that share
# their first 1,000 characters are taken as the same matter.
COMPARED_LENGTH = 1000
# A copy is re-sent while the first is fresh: the most recent open appeals of the enterprise.
CANDIDATES = 20


def normalise(text: str) -> str:
    """Full-width folded, lower-cased, with whitespace and punctuation removed.

    Chinese text is written without spaces and enterprises mix full- and half-width punctuation,
    so only letters, digits and ideographs carry meaning for the comparison.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def compared_text(title: str, description: str) -> str:
    """What of an appeal is compared: its normalised title and description, capped."""
    # Cut before normalising as well, so that a huge text costs no more than a long one.
    raw = f"{title[:COMPARED_LENGTH]}\n{description[:COMPARED_LENGTH * 4]}"
    return normalise(raw)[:COMPARED_LENGTH]


def similarity(text_a: str, text_b: str) -> float:
    """difflib's ratio (0 to 1) of the two texts once normalised."""
    return _matcher(normalise(text_a), normalise(text_b)).ratio()


def length_bound(a: str, b: str) -> float:
    """An upper bound of the ratio from the lengths alone: 2·min / (len a + len b)."""
    total = len(a) + len(b)
    return 2 * min(len(a), len(b)) / total if total else 1.0


def is_near_duplicate(title_a: str, description_a: str, title_b: str, description_b: str) -> bool:
    return _near(compared_text(title_a, description_a), compared_text(title_b, description_b))


def first_near_duplicate(title: str, description: str,
                         candidates: Iterable[dict]) -> str | None:
    """The id of the first candidate (`{"id", "title", "description"}`) that is a near duplicate
    of the given appeal, comparing at most `CANDIDATES` of them; None when none is."""
    text = compared_text(title, description)
    for number, candidate in enumerate(candidates):
        if number == CANDIDATES:
            return None
        if _near(text, compared_text(candidate["title"], candidate["description"])):
            return candidate["id"]
    return None


def _near(a: str, b: str) -> bool:
    if a == b:
        return True
    if length_bound(a, b) < NEAR_DUPLICATE_THRESHOLD:
        return False
    matcher = _matcher(a, b)
    # The multiset bound next: most pairs compared are plainly different.
    return (matcher.quick_ratio() >= NEAR_DUPLICATE_THRESHOLD
            and matcher.ratio() >= NEAR_DUPLICATE_THRESHOLD)


def _matcher(a: str, b: str) -> difflib.SequenceMatcher:
    # autojunk off: on texts over 200 characters difflib would treat every common ideograph
    # (的, 企, 业 …) as junk and report long identical Chinese appeals as barely similar.
    return difflib.SequenceMatcher(None, a, b, autojunk=False)
