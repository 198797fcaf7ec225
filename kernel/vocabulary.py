"""Coded vocabularies: English codes stored in events, Chinese labels beside them for the sheets
and documents a clerk reads.

A service declares a vocabulary once, in its area's `vocabulary.py`, in one of three ways:

- a class, when the words are its own::

      class Rating(LabelledEnum):
          SATISFIED = "satisfied", "满意"

- from a table of code → label it shares with another service (`kernel.campaign`)::

      Tier = LabelledEnum.of("Tier", OPERATING_TIERS, module=__name__, doc="...")

- the same words under another name, for a wire contract whose OpenAPI schema must be named
  apart from another with the same class name::

      PolicyStatus = Status.renamed("PolicyStatus", module=__name__, what="A policy's life")
"""
from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping


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

    @classmethod
    def of(cls, name: str, labels: Mapping[str, str], *, module: str, doc: str = "",
           leave_out: Iterable[str] = ()) -> type[LabelledEnum]:
        """A vocabulary from a table of code → label, in the table's order; each member named by
        its code in capitals; the codes in `leave_out` left out."""
        left_out = set(leave_out)
        made = cls(name, {code.upper(): (code, label) for code, label in labels.items()
                          if code not in left_out}, module=module)
        made.__doc__ = doc or None
        return made

    @classmethod
    def renamed(cls, name: str, *, module: str, what: str) -> type[LabelledEnum]:
        """The same codes and labels under another name; its docstring is `what` followed by
        each code and label, as the OpenAPI document shows it."""
        made = LabelledEnum(name, {member.name: (member.value, member.label) for member in cls},
                            module=module)
        made.__doc__ = what + ": " + ", ".join(f"{m.value} {m.label}" for m in cls)
        return made
