"""The compendium of notice 二(一)2 (《赣州市惠企政策文件汇编》) and its contact sheet (咨询联系表), as plain
data: which policies an edition holds, in what order, under which headings.

An `Edition` is built from `Policy.snapshot()`s and a day: only the policies in force that day
(`policies.domain.in_force_on`, the aggregate's own rule) appear — never a draft, a repealed or expired
policy, or one not yet effective. They are grouped by level (national, provincial, municipal,
county) then by cost category, both in the vocabulary's order; within a group, by effective date,
then document number. Empty groups are left out and the numbering counts only what is shown.

The digest is SHA-256 of the canonical JSON of what the edition shows (not its number or day), so
the office can tell whether a policy change calls for a new edition. Rendering (HTML, PDF) is
elsewhere. Plain Python, no I/O.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable

from kernel.envelope import canonical_json
from services.policy.policies.domain import in_force_on, office_day_of
from services.policy.vocabulary import CostCategory, Level

TITLE = "赣州市惠企政策文件汇编"
CONTACT_SHEET_TITLE = "惠企政策咨询联系表"

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (1 to 99: enough for headings)."""
    if not 1 <= n <= 99:
        raise ValueError(f"heading number out of range: {n}")
    tens, units = divmod(n, 10)
    return ((_DIGITS[tens] if tens > 1 else "") + ("十" if tens else "")
            + (_DIGITS[units] if units else ""))


@dataclasses.dataclass(frozen=True)
class Entry:
    """One policy as the compendium prints it; `number` runs through the whole edition."""

    number: int
    policy_id: str
    version: int
    title: str
    document_number: str
    issued_by: str
    summary: str
    full_text: str
    effective_from: str
    effective_until: str | None


@dataclasses.dataclass(frozen=True)
class CategoryGroup:
    cost_category: str
    heading: str  # （一）税费
    entries: tuple[Entry, ...]


@dataclasses.dataclass(frozen=True)
class LevelSection:
    level: str
    heading: str  # 一、国家级惠企政策
    groups: tuple[CategoryGroup, ...]


@dataclasses.dataclass(frozen=True)
class ContentsLine:
    """A line of the table of contents: depth 1 a level, 2 a category, 3 a policy."""

    depth: int
    text: str
    document_number: str | None = None


@dataclasses.dataclass(frozen=True)
class ContactRow:
    """A row of the contact sheet (咨询联系表), numbered as the policy's entry. notice 二(一)3"""

    number: int
    title: str
    document_number: str
    issued_by: str
    contact_unit: str
    person: str
    phone: str
    email: str


@dataclasses.dataclass(frozen=True)
class Edition:
    number: int
    day: str
    title: str
    sections: tuple[LevelSection, ...]
    contents: tuple[ContentsLine, ...]
    contacts: tuple[ContactRow, ...]
    digest: str

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(entry for section in self.sections for group in section.groups
                     for entry in group.entries)


def build_edition(policies: Iterable[dict], at: dt.datetime | dt.date, number: int) -> Edition:
    """Edition `number` of the compendium: the policies (snapshots) in force on `at`'s day."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"an edition number is a positive whole number, not {number!r}")
    day = office_day_of(at)
    in_force = [policy for policy in policies if in_force_on(policy, day)]
    in_force.sort(key=lambda p: (p["effective_from"], p["document_number"], p["id"]))

    sections: list[LevelSection] = []
    counter = 0
    for level in Level:
        groups: list[CategoryGroup] = []
        for category in CostCategory:
            chosen = [p for p in in_force
                      if p["level"] == level.value and p["cost_category"] == category.value]
            if not chosen:
                continue
            entries = []
            for policy in chosen:
                counter += 1
                entries.append(_entry(counter, policy))
            groups.append(CategoryGroup(
                category.value, f"（{chinese_numeral(len(groups) + 1)}）{category.label}",
                tuple(entries)))
        if groups:
            sections.append(LevelSection(
                level.value, f"{chinese_numeral(len(sections) + 1)}、{level.label}级惠企政策",
                tuple(groups)))

    by_id = {policy["id"]: policy for policy in in_force}
    contents = tuple(_contents(sections))
    contacts = tuple(_contact_row(entry, by_id[entry.policy_id]["contact"])
                     for section in sections for group in section.groups
                     for entry in group.entries)
    sections_t = tuple(sections)
    return Edition(number=number, day=day.isoformat(), title=TITLE, sections=sections_t,
                   contents=contents, contacts=contacts, digest=digest_of(sections_t, contacts))


def digest_of(sections: tuple[LevelSection, ...], contacts: tuple[ContactRow, ...]) -> str:
    """SHA-256 of what an edition shows; its number and day are left out on purpose, so the same
    policies give the same digest whichever edition carries them."""
    shown = {"sections": [dataclasses.asdict(section) for section in sections],
             "contacts": [dataclasses.asdict(row) for row in contacts]}
    return hashlib.sha256(canonical_json(shown)).hexdigest()


def _entry(number: int, policy: dict) -> Entry:
    return Entry(number=number, policy_id=policy["id"],
                 version=policy.get("current_version") or 1, title=policy["title"],
                 document_number=policy["document_number"],
                 issued_by=policy.get("issued_by") or policy.get("issuing_unit") or "",
                 summary=policy["summary"], full_text=policy.get("full_text") or "",
                 effective_from=policy["effective_from"],
                 effective_until=policy.get("effective_until"))


def _contents(sections: list[LevelSection]):
    for section in sections:
        yield ContentsLine(1, section.heading)
        for group in section.groups:
            yield ContentsLine(2, group.heading)
            for entry in group.entries:
                yield ContentsLine(3, f"{entry.number}. {entry.title}", entry.document_number)


def _contact_row(entry: Entry, contact: dict | None) -> ContactRow:
    # Publication requires the contact (二(一)3), so a policy in force always has one.
    contact = contact or {}
    return ContactRow(number=entry.number, title=entry.title,
                      document_number=entry.document_number, issued_by=entry.issued_by,
                      contact_unit=contact.get("unit", ""), person=contact.get("person", ""),
                      phone=contact.get("phone", ""), email=contact.get("email", ""))
