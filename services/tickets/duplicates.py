"""Telling whether two appeals are the same matter raised twice (by another channel, or again).

The office links such an appeal to the open one instead of opening a second ledger line
(notice 二(四)2: one ledger line per problem, closed off once).
"""
from __future__ import annotations

import difflib
import unicodedata

# Measured on sample appeals (tests/domain/test_ticket.py): the same text re-sent by another
# channel with a greeting or a word changed scores above 0.95; the same problem re-worded by the
# enterprise about 0.65-0.75; a different problem of the same category about 0.5. 0.85 links only
# the re-sent copies and leaves re-wordings to the clerk: a missed link costs the office one manual
# link, a false one would hide a distinct problem from the ledger (notice 二(四)2: 列出清单).
NEAR_DUPLICATE_THRESHOLD = 0.85


def normalise(text: str) -> str:
    """Full-width folded, lower-cased, with whitespace and punctuation removed.

    Chinese text is written without spaces and enterprises mix full- and half-width punctuation,
    so only letters, digits and ideographs carry meaning for the comparison.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def similarity(text_a: str, text_b: str) -> float:
    """difflib's ratio (0 to 1) of the two texts once normalised."""
    return _matcher(normalise(text_a), normalise(text_b)).ratio()


def is_near_duplicate(title_a: str, description_a: str, title_b: str, description_b: str) -> bool:
    a = normalise(f"{title_a}\n{description_a}")
    b = normalise(f"{title_b}\n{description_b}")
    if a == b:
        return True
    matcher = _matcher(a, b)
    # The cheap upper bounds first: most pairs compared in a sweep are plainly different, and the
    # full ratio is quadratic on appeals of a few thousand characters.
    return (
        matcher.real_quick_ratio() >= NEAR_DUPLICATE_THRESHOLD
        and matcher.quick_ratio() >= NEAR_DUPLICATE_THRESHOLD
        and matcher.ratio() >= NEAR_DUPLICATE_THRESHOLD
    )


def _matcher(a: str, b: str) -> difflib.SequenceMatcher:
    # autojunk off: on texts over 200 characters difflib would treat every common ideograph
    # (的, 企, 业 …) as junk and report long identical Chinese appeals as barely similar.
    return difflib.SequenceMatcher(None, a, b, autojunk=False)
