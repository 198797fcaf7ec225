"""Coded vocabularies: English codes stored in events, Chinese labels beside them for the sheets
and documents a clerk reads."""
from __future__ import annotations

import enum


class LabelledEnum(enum.StrEnum):
    """A code with its Chinese label: `Channel("fax").label == "传真"`."""

    def __new__(cls, code: str, label: str):
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def codes(cls) -> list[str]:
        return [member.value for member in cls]

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {member.value: member.label for member in cls}
