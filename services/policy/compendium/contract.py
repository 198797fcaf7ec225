"""The compendium's wire contract (《赣州市惠企政策文件汇编》, notice 二(一)2, with its contact sheet
咨询联系表, 二(一)3): an edition's number and document formats, the editions and the contact sheet
as they are read. Shape only; imports pydantic, the pure kernel and the service's shared shapes."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from kernel.wire import Body
from services.policy.shapes import Reply

DOCUMENT_FORMATS = ("html", "pdf", "docx")


class EditionPath(Body):
    number: int = Field(ge=1)


class DocumentQuery(Body):
    format: Literal["html", "pdf", "docx"] = "html"


class EditionSummary(Reply):
    """An edition of the compendium: its number, day, digest and how many policies it holds."""

    number: int
    day: str
    digest: str
    built_at: str
    policies: int
    new: bool | None = Field(None, description="build_compendium only: false when the latest "
                                               "edition already showed the same")


class EditionList(Reply):
    items: list[EditionSummary]


class ContactRow(Reply):
    """A row of the contact sheet (咨询联系表)."""

    number: int
    title: str
    document_number: str
    issued_by: str
    contact_unit: str
    person: str
    phone: str
    email: str


class ContactRows(Reply):
    items: list[ContactRow]
    edition: int | None = Field(description="the edition the sheet is of; null: the policies "
                                            "in force now, no edition built yet")


class EditionView(Reply):
    """An edition as built (`services.policy.compendium.edition.Edition`): sections by level and cost
    category, the table of contents, the contact sheet."""

    number: int
    day: str
    title: str
    digest: str
    built_at: str | None = None
    sections: list[dict[str, Any]]
    contents: list[dict[str, Any]]
    contacts: list[ContactRow]


class EditionDocument(Reply):
    filename: str
    media_type: str
    base64: str
