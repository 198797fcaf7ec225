"""The compendium's documents (services.policy.compendium.documents): an edition built from the shared
register of policies (`policy.fixtures`), rendered to PDF, .docx and HTML, then read back — the
PDF by a text extractor, the .docx by python-docx, the HTML by html.parser — to check that every
policy in force and every contact is there as real text, in its heading, and that the drafts,
the repealed and the expired policy are not."""
import dataclasses
import html.parser
import io
import re

import pytest

from policy import fixtures
from services.policy.compendium import documents
from services.policy.compendium.edition import CONTACT_SHEET_TITLE, TITLE, build_edition
from services.policy.vocabulary import CostCategory, Level

pypdf = pytest.importorskip("pypdf")
docx = pytest.importorskip("docx")


def _flat(text: str) -> str:
    """Text with every space and line break gone: a wrapped line is still one string."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def edition() -> dict:
    built = build_edition(fixtures.published_snapshots(), fixtures.EDITION_AT, 1)
    return dataclasses.asdict(built)


@pytest.fixture(scope="module")
def entries(edition) -> list[dict]:
    return [entry for section in edition["sections"] for group in section["groups"]
            for entry in group["entries"]]


@pytest.fixture(scope="module")
def pdf(edition):
    name, media_type, data = documents.render(edition, "pdf")
    assert (name, media_type) == ("huiqi-compendium-1-2017-06-01.pdf", "application/pdf")
    assert data.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(data))


@pytest.fixture(scope="module")
def pdf_text(pdf) -> str:
    """The text of every page without its running head and page number, so that a paragraph
    running over a page break reads as one."""
    text = "\n".join(page.extract_text() for page in pdf.pages)
    text = text.replace(f"{TITLE}(第1期)", "")
    return _flat(re.sub(r"第 \d+ 页 / 共 \d+ 页", "", text))


@pytest.fixture(scope="module")
def docx_text(edition) -> str:
    _, media_type, data = documents.render(edition, "docx")
    assert media_type.endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return _flat("\n".join(parts))


@pytest.fixture(scope="module")
def page(edition) -> "Page":
    name, media_type, data = documents.render(edition, "html")
    assert (name, media_type) == ("huiqi-compendium-1-2017-06-01.html", "text/html; charset=utf-8")
    parsed = Page()
    parsed.feed(data.decode("utf-8"))
    parsed.close()
    return parsed


class Page(html.parser.HTMLParser):
    """What the tests read of the HTML: its text, ids, in-page links and the contact table."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.title = ""
        self.rows: list[list[str]] = []
        self._in_title = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a" and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"][1:])
        if tag == "title":
            self._in_title = True
        if tag == "tr":
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if self._in_title:
            self.title += data
        if self._cell is not None:
            self._cell.append(data)

    @property
    def flat(self) -> str:
        return _flat("".join(self.text))


# -- the fixture itself ----------------------------------------------------------------------

def test_the_register_covers_every_level_and_every_cost_category(edition, entries):
    fields = fixtures.policy_fields()
    assert len(fields) >= 30
    assert {f["level"] for f in fields} == set(Level.codes())
    assert {f["cost_category"] for f in fields} == set(CostCategory.codes())
    assert len(entries) == len(fields) == len(edition["contacts"])
    assert {e["document_number"] for e in entries} == {f["document_number"] for f in fields}
    snapshots = fixtures.published_snapshots()
    assert sum(1 for s in snapshots if s["status"] == "draft") == 2
    assert {s["status"] for s in snapshots} == {"published", "amended", "draft", "repealed",
                                                 "expired"}
    master = next(s for s in snapshots if s["document_number"] == fixtures.MASTER_NUMBER)
    assert master["title"] == fixtures.MASTER_TITLE
    assert sum(1 for s in snapshots if s["master_policy_id"] == master["id"]) >= 5


def test_the_register_is_a_fresh_copy_each_time():
    fields = fixtures.policy_fields()
    fields[0]["contact"]["person"] = "改过"
    assert fixtures.policy_fields()[0]["contact"]["person"] != "改过"


# -- PDF -------------------------------------------------------------------------------------

def test_the_pdf_embeds_its_cjk_font_and_uses_no_other(pdf):
    fonts = {}
    for pdf_page in pdf.pages:
        for font in pdf_page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        # A composite font with a Unicode map: extractable text, not shapes.
        assert font["/Subtype"] == "/Type0", name
        assert "/ToUnicode" in font, name
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is not embedded as TrueType"
        # A subset (ABCDEF+Name), not the whole font.
        assert re.fullmatch(r"/[A-Z]{6}\+.+", name), name
        assert len(descriptor["/FontFile2"].get_object().get_data()) < 1_000_000


def test_the_pdf_holds_the_title_and_every_heading_as_text(pdf_text, edition):
    assert _flat(f"《{TITLE}》") in pdf_text
    assert "第1期" in pdf_text and "2017年6月1日" in pdf_text
    assert "目录" in pdf_text
    for section in edition["sections"]:
        assert _flat(section["heading"]) in pdf_text
        for group in section["groups"]:
            assert _flat(group["heading"]) in pdf_text
    assert "一、国家级惠企政策" in pdf_text and "四、县(市、区)级惠企政策" in pdf_text
    assert "税费" in pdf_text and "（一）税费" in pdf_text
    assert CONTACT_SHEET_TITLE in pdf_text
    # No glyph went missing: nothing extracted as a replacement or private-use character.
    assert not re.search("[\ufffd\ue000-\uf8ff]", pdf_text)


def test_the_pdf_holds_every_policy_in_force_and_its_contact(pdf_text, entries, edition):
    for entry in entries:
        assert _flat(entry["title"]) in pdf_text, entry["title"]
        assert _flat(entry["document_number"]) in pdf_text, entry["document_number"]
        assert _flat(entry["summary"]) in pdf_text, entry["title"]
    for row in edition["contacts"]:
        for value in (row["contact_unit"], row["person"], row["phone"], row["email"]):
            assert _flat(value) in pdf_text, value


def test_the_pdf_shows_the_amended_text_only(pdf_text):
    assert _flat(fixtures.AMENDMENT["summary"]) in pdf_text
    assert "市财政安排应急转贷资金2亿元" not in pdf_text


def test_the_pdf_leaves_out_drafts_repealed_and_expired_policies(pdf_text):
    for fields in fixtures.absent_fields():
        assert _flat(fields["title"]) not in pdf_text, fields["title"]
        assert _flat(fields["document_number"]) not in pdf_text, fields["document_number"]


def test_the_pdf_has_bookmarks_contents_and_page_numbers(pdf, entries, edition):
    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title, pdf.get_destination_page_number(item)

    bookmarks = dict(titles(pdf.outline))
    assert [item.title for item in pdf.outline if not isinstance(item, list)] == \
        [section["heading"] for section in edition["sections"]] + [CONTACT_SHEET_TITLE]
    for entry in entries:
        assert f"{entry['number']}. {entry['title']}" in bookmarks
    # Each policy's bookmark leads to the page that prints its title.
    for entry in entries[:5] + entries[-3:]:
        page_index = bookmarks[f"{entry['number']}. {entry['title']}"]
        assert _flat(entry["title"]) in _flat(pdf.pages[page_index].extract_text())
    total = len(pdf.pages)
    for number in (2, total // 2, total):
        assert f"第{number}页/共{total}页" in _flat(pdf.pages[number - 1].extract_text())
    assert pdf.metadata.title == f"《{TITLE}》第1期"


def test_the_same_edition_gives_the_same_bytes(edition):
    for fmt in documents.FORMATS:
        assert documents.render(edition, fmt)[2] == documents.render(edition, fmt)[2], fmt


def test_the_pdf_dates_come_from_the_edition(pdf):
    assert pdf.metadata["/CreationDate"].startswith("D:20170601")


def test_a_missing_font_is_named_with_the_remedy(edition, monkeypatch, tmp_path):
    monkeypatch.setenv("HUIQI_CJK_FONT", str(tmp_path / "nothing.ttf"))
    with pytest.raises(documents.CjkFontMissing, match="HUIQI_CJK_FONT"):
        documents.render(edition, "pdf")


def test_the_font_setting_is_honoured(monkeypatch):
    default = documents.cjk_font_path({})
    assert str(default) == documents.DEFAULT_CJK_FONT
    assert documents.cjk_font_path({"HUIQI_CJK_FONT": str(default)}) == default


def test_an_unknown_format_is_refused(edition):
    from kernel.errors import UnknownCode

    with pytest.raises(UnknownCode):
        documents.render(edition, "odt")


# -- .docx -----------------------------------------------------------------------------------

def test_the_docx_holds_every_heading_policy_and_contact(docx_text, edition, entries):
    assert _flat(f"《{TITLE}》") in docx_text
    for section in edition["sections"]:
        assert _flat(section["heading"]) in docx_text
        for group in section["groups"]:
            assert _flat(group["heading"]) in docx_text
    for entry in entries:
        assert _flat(entry["title"]) in docx_text
        assert _flat(entry["document_number"]) in docx_text
    for row in edition["contacts"]:
        for value in (row["contact_unit"], row["person"], row["phone"], row["email"]):
            assert _flat(value) in docx_text
    for fields in fixtures.absent_fields():
        assert _flat(fields["title"]) not in docx_text


def test_the_docx_headings_are_word_headings(edition):
    document = docx.Document(io.BytesIO(documents.render(edition, "docx")[2]))
    headings = [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith("Heading")]
    assert ("Heading 1", edition["sections"][0]["heading"]) in headings
    assert ("Heading 2", edition["sections"][0]["groups"][0]["heading"]) in headings
    assert ("Heading 1", CONTACT_SHEET_TITLE) in headings
    assert document.core_properties.created.date().isoformat() == "2017-06-01"
    contact_table = document.tables[-1]
    assert len(contact_table.rows) == len(edition["contacts"]) + 1
    body = document.element.xml
    anchors = set(re.findall(r'w:anchor="([^"]+)"', body))
    bookmarks = re.findall(r'<w:bookmarkStart [^>]*w:name="([^"]+)"', body)
    assert anchors and anchors <= set(bookmarks) and len(bookmarks) == len(set(bookmarks))


# -- HTML ------------------------------------------------------------------------------------

def test_the_html_page_has_its_title_contents_and_resolving_anchors(page, edition):
    assert page.title == f"《{TITLE}》第1期"
    assert _flat(f"《{TITLE}》") in page.flat
    assert "第1期" in page.flat and "2017年6月1日" in page.flat
    assert len(page.ids) == len(set(page.ids)), "an id is used twice"
    assert page.links, "the contents link to nothing"
    assert set(page.links) <= set(page.ids), set(page.links) - set(page.ids)
    for section in edition["sections"]:
        assert f"level-{section['level']}" in page.links
    assert "contacts" in page.links


def test_the_html_holds_every_policy_and_the_contact_sheet(page, entries, edition):
    for entry in entries:
        for value in (entry["title"], entry["document_number"], entry["summary"],
                      entry["issued_by"]):
            assert _flat(value) in page.flat
        assert f"policy-{entry['number']}" in page.ids
        for line in entry["full_text"].splitlines():
            assert _flat(line) in page.flat
    contact_rows = page.rows[1:]
    assert page.rows[0] == list(documents.CONTACT_COLUMNS)
    assert len(contact_rows) == len(edition["contacts"])
    for cells, row in zip(contact_rows, edition["contacts"]):
        assert cells[0] == str(row["number"])
        assert cells[2:] == [row["contact_unit"], row["person"], row["phone"], row["email"]]
    for fields in fixtures.absent_fields():
        assert _flat(fields["title"]) not in page.flat


def test_the_html_escapes_what_the_policies_say(edition):
    sections = [dict(section, groups=[dict(group, entries=[dict(
        entry, title="<script>alert(1)</script>", summary="A & B \"quoted\"")
        for entry in group["entries"]]) for group in section["groups"]])
        for section in edition["sections"]]
    body = documents.html_body(dict(edition, sections=sections))
    assert "<script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "A &amp; B &quot;quoted&quot;" in body


def test_the_body_fragment_is_the_page_body(edition):
    body = documents.html_body(edition)
    page = documents.html_page(edition)
    assert body.startswith("<article class=\"compendium\"")
    assert "<html" not in body and body in page


def test_an_edition_with_no_policy_in_force_still_renders():
    empty = dataclasses.asdict(build_edition([], fixtures.EDITION_AT, 2))
    for fmt in documents.FORMATS:
        name, _, data = documents.render(empty, fmt)
        assert name == f"huiqi-compendium-2-2017-06-01.{fmt}" and data
    reader = pypdf.PdfReader(io.BytesIO(documents.render(empty, "pdf")[2]))
    text = _flat("".join(page.extract_text() for page in reader.pages))
    assert CONTACT_SHEET_TITLE in text and "收录惠企政策0件" in text
    assert len(reader.pages) == 3  # the cover, the contents, the contact sheet
