"""The compendium's documents (notice 二(一)2, 《赣州市惠企政策文件汇编》, with its contact sheet
惠企政策咨询联系表, 二(一)3): one edition rendered as an HTML page, a PDF or a Word file.

An edition comes in its dict form (`dataclasses.asdict(compendium.build_edition(...))`, which
carries number, day and digest); `render(edition, fmt)` answers (filename, media type, bytes).
The same edition always renders to the same bytes: the PDF's creation date and the .docx's
dates are the edition's day, never the clock, so an edition can be rendered again from the
policy versions it holds instead of being stored.

- HTML: `html_page` is a complete page; `html_body` is its body alone (the portal sets it inside
  its own page). Every text is escaped; the table of contents links to anchors in the page.
- PDF (fpdf2): Chinese is set in a TrueType CJK font whose used glyphs are embedded as a subset,
  so the text is real text (searchable, copyable), with bookmarks for the outline, a table of
  contents with page numbers and a page number on every page.
- .docx (python-docx): headings Word shows in its navigation pane, contents linked to bookmarks,
  the contact sheet as a table.

The font (`kernel.fonts`): `HUIQI_CJK_FONT` names a TrueType font file (.ttf, or .ttc whose
first face is used); by default Debian's WenQuanYi Micro Hei, which `bin/huiqi` installs
(fonts-wqy-microhei).
Called from a worker thread (eventlet tpool): every call builds its own document; nothing is
shared between calls.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

from kernel import fonts
from kernel.errors import UnknownCode
from services.policy.compendium.edition import CONTACT_SHEET_TITLE, TITLE

# The font lookup lives in the kernel (the assessment report sets Chinese too); its names stay
# here for the callers that know them from this module.
DEFAULT_CJK_FONT = fonts.DEFAULT_CJK_FONT
FONT_SETTING = fonts.FONT_SETTING
CjkFontMissing = fonts.CjkFontMissing
COMPILER = "赣州市降低企业成本优化发展环境专项行动领导小组办公室"
OFFICE_TIME = ZoneInfo("Asia/Shanghai")

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FORMATS = tuple(MEDIA_TYPES)
CONTACT_COLUMNS = ("序号", "政策名称(文号)", "咨询单位", "联系人", "联系电话", "电子邮箱")


def cjk_font_path(environ=None) -> Path:
    """The TrueType font the PDF sets Chinese in (`kernel.fonts`): `HUIQI_CJK_FONT`, else
    WenQuanYi Micro Hei."""
    return fonts.cjk_font_path(environ, "compendium")


def render(edition: dict, fmt: str) -> tuple[str, str, bytes]:
    """The edition as (filename, media type, bytes) in `fmt`: html, pdf or docx."""
    renderers = {"html": lambda e: html_page(e).encode("utf-8"), "pdf": pdf_bytes,
                 "docx": docx_bytes}
    if fmt not in renderers:
        raise UnknownCode("format", fmt, list(FORMATS))
    return filename(edition, fmt), MEDIA_TYPES[fmt], renderers[fmt](edition)


def filename(edition: dict, fmt: str) -> str:
    """An ASCII file name: huiqi-compendium-<number>-<day>.<fmt>."""
    return f"huiqi-compendium-{int(edition['number'])}-{edition['day']}.{fmt}"


def display_name(edition: dict, fmt: str) -> str:
    """The Chinese file name for a download's `filename*`: 赣州市惠企政策文件汇编(第1期).pdf"""
    return f"{edition.get('title') or TITLE}(第{int(edition['number'])}期).{fmt}"


# -- the words every format shares ------------------------------------------------------------

def chinese_date(day: str) -> str:
    """2017-06-01 → 2017年6月1日."""
    d = dt.date.fromisoformat(day)
    return f"{d.year}年{d.month}月{d.day}日"


def effective_dates(entry: dict) -> str:
    start = chinese_date(entry["effective_from"])
    until = entry.get("effective_until")
    return f"{start}至{chinese_date(until)}" if until else f"{start}起施行"


def edition_line(edition: dict) -> str:
    return f"第{int(edition['number'])}期 · {chinese_date(edition['day'])}编印"


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _entry_facts(entry: dict) -> list[tuple[str, str]]:
    return [("文号", entry["document_number"]), ("发布单位", entry.get("issued_by") or ""),
            ("有效期", effective_dates(entry))]


def _policy_count(edition: dict) -> int:
    return sum(len(group["entries"]) for section in edition["sections"]
               for group in section["groups"])


# Anchors: the HTML ids and the .docx bookmarks.
def _level_anchor(section: dict) -> str:
    return f"level-{section['level']}"


def _group_anchor(section: dict, group: dict) -> str:
    return f"group-{section['level']}-{group['cost_category']}"


def _entry_anchor(entry: dict) -> str:
    return f"policy-{entry['number']}"


CONTACTS_ANCHOR = "contacts"


# -- HTML -------------------------------------------------------------------------------------

_STYLE = """
body { font-family: "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.7; color: #222; }
.compendium h1 { text-align: center; }
.compendium .edition { text-align: center; color: #555; }
.compendium nav ol { list-style: none; padding-left: 1.5em; }
.compendium nav > ol { padding-left: 0; }
.compendium .policy { border-top: 1px solid #ddd; margin-top: 1.5em; }
.compendium dl { display: grid; grid-template-columns: 6em 1fr; margin: 0.5em 0; }
.compendium dt { color: #555; }
.compendium dd { margin: 0; }
.compendium .full-text { background: #fafafa; padding: 0.5em 1em; }
.compendium table { border-collapse: collapse; width: 100%; }
.compendium th, .compendium td { border: 1px solid #999; padding: 0.3em 0.5em;
                                 vertical-align: top; }
"""


def _e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def html_page(edition: dict) -> str:
    """The edition as a complete HTML page (UTF-8)."""
    title = f"《{edition.get('title') or TITLE}》第{int(edition['number'])}期"
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"{html_body(edition)}\n</body>\n</html>\n")


def html_body(edition: dict) -> str:
    """The edition as an HTML fragment (an `<article class="compendium">`): title, edition,
    contents, the policies by level and cost category, then the contact sheet."""
    out: list[str] = [f"<article class=\"compendium\" id=\"compendium-{int(edition['number'])}\">"]
    out.append(f"<h1>《{_e(edition.get('title') or TITLE)}》</h1>")
    out.append(f"<p class=\"edition\">{_e(edition_line(edition))} · "
               f"收录惠企政策{_policy_count(edition)}件</p>")
    out.extend(_html_contents(edition))
    for section in edition["sections"]:
        out.append(f"<section class=\"level\" id=\"{_level_anchor(section)}\">")
        out.append(f"<h2>{_e(section['heading'])}</h2>")
        for group in section["groups"]:
            out.append(f"<section class=\"category\" id=\"{_group_anchor(section, group)}\">")
            out.append(f"<h3>{_e(group['heading'])}</h3>")
            for entry in group["entries"]:
                out.extend(_html_entry(entry))
            out.append("</section>")
        out.append("</section>")
    out.extend(_html_contacts(edition))
    out.append(f"<footer><p class=\"digest\">版本摘要 SHA-256: <code>{_e(edition.get('digest'))}"
               "</code></p></footer>")
    out.append("</article>")
    return "\n".join(out)


def _html_contents(edition: dict) -> list[str]:
    out = ["<nav class=\"contents\" aria-labelledby=\"contents-title\">",
           "<h2 id=\"contents-title\">目录</h2>", "<ol>"]
    for section in edition["sections"]:
        out.append(f"<li><a href=\"#{_level_anchor(section)}\">{_e(section['heading'])}</a><ol>")
        for group in section["groups"]:
            out.append(f"<li><a href=\"#{_group_anchor(section, group)}\">"
                       f"{_e(group['heading'])}</a><ol>")
            for entry in group["entries"]:
                out.append(f"<li><a href=\"#{_entry_anchor(entry)}\">{entry['number']}. "
                           f"{_e(entry['title'])}</a> <span class=\"document-number\">"
                           f"{_e(entry['document_number'])}</span></li>")
            out.append("</ol></li>")
        out.append("</ol></li>")
    out.append(f"<li><a href=\"#{CONTACTS_ANCHOR}\">{_e(CONTACT_SHEET_TITLE)}</a></li>")
    out.extend(["</ol>", "</nav>"])
    return out


def _html_entry(entry: dict) -> list[str]:
    out = [f"<article class=\"policy\" id=\"{_entry_anchor(entry)}\">",
           f"<h4>{entry['number']}. {_e(entry['title'])}</h4>", "<dl>"]
    for label, value in _entry_facts(entry):
        out.append(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>")
    out.append(f"<dt>政策摘要</dt><dd class=\"summary\">{_e(entry['summary'])}</dd>")
    out.append("</dl>")
    out.append("<div class=\"full-text\">")
    out.extend(f"<p>{_e(line)}</p>" for line in _paragraphs(entry.get("full_text")))
    out.append("</div>")
    out.append("</article>")
    return out


def _html_contacts(edition: dict) -> list[str]:
    out = [f"<section class=\"contacts\" id=\"{CONTACTS_ANCHOR}\">",
           f"<h2>{_e(CONTACT_SHEET_TITLE)}</h2>", "<table>", "<thead><tr>"]
    out.extend(f"<th scope=\"col\">{_e(column)}</th>" for column in CONTACT_COLUMNS)
    out.append("</tr></thead>")
    out.append("<tbody>")
    for row in edition["contacts"]:
        email = _e(row["email"])
        out.append(
            f"<tr><td>{row['number']}</td>"
            f"<td><a href=\"#policy-{row['number']}\">{_e(row['title'])}</a><br>"
            f"<span class=\"document-number\">{_e(row['document_number'])}</span></td>"
            f"<td>{_e(row['contact_unit'])}</td><td>{_e(row['person'])}</td>"
            f"<td>{_e(row['phone'])}</td>"
            f"<td><a href=\"mailto:{email}\">{email}</a></td></tr>")
    out.extend(["</tbody>", "</table>", "</section>"])
    return out


# -- PDF --------------------------------------------------------------------------------------

_FONT = "cjk"
_BODY_PT = 10.5
_LINE = 6.0  # mm per body line


def _pdf_class():
    from fpdf import FPDF

    class CompendiumPDF(FPDF):
        """A running head on every page but the cover, and 第 n 页 / 共 m 页 at the foot."""

        running_head = ""

        def header(self):
            if self.page_no() == 1:
                return
            self.set_font(_FONT, size=8)
            self.set_text_color(110)
            self.cell(0, 6, self.running_head, align="C", new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0)
            self.ln(2)

        def footer(self):
            if self.page_no() == 1:
                return
            self.set_y(-14)
            self.set_font(_FONT, size=8)
            self.set_text_color(110)
            self.cell(0, 8, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")
            self.set_text_color(0)

    return CompendiumPDF


def pdf_bytes(edition: dict) -> bytes:
    """The edition as a PDF: cover, contents, the policies, the contact sheet."""
    from fpdf.errors import FPDFException

    font = cjk_font_path()
    pages = _contents_pages(edition, font)
    # The measure is exact; should a later fpdf2 lay the contents out otherwise, one page more
    # or less is tried before giving up.
    for guess in (pages, pages + 1, pages - 1):
        try:
            return _pdf(edition, font, max(guess, 1))
        except FPDFException as error:
            if "insert_toc_placeholder" not in str(error):
                raise
            failure = error
    raise failure


def _new_pdf(edition: dict, font: Path):
    pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
    pdf.running_head = f"{edition.get('title') or TITLE}(第{int(edition['number'])}期)"
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font(_FONT, "", str(font))
    pdf.set_font(_FONT, size=_BODY_PT)
    return pdf


def _outline_of(edition: dict) -> list[tuple[int, str]]:
    """The bookmarks, as (depth, text): what the contents list."""
    outline = []
    for section in edition["sections"]:
        outline.append((0, section["heading"]))
        for group in section["groups"]:
            outline.append((1, group["heading"]))
            outline.extend((2, f"{entry['number']}. {entry['title']}")
                           for entry in group["entries"])
    outline.append((0, CONTACT_SHEET_TITLE))
    return outline


def _contents_pages(edition: dict, font: Path) -> int:
    """How many pages the contents take: laid out once on a scratch document (fpdf2 must be
    told before the body is laid out, and the page numbers it prints are all of one width)."""
    pdf = _new_pdf(edition, font)
    pdf.add_page()
    pdf.add_page()
    first = pdf.page
    _contents_lines(pdf, [(depth, text, 999, None) for depth, text in _outline_of(edition)])
    return pdf.page - first + 1


def _pdf(edition: dict, font: Path, contents_pages: int) -> bytes:
    from fpdf.enums import WrapMode, XPos, YPos

    pdf = _new_pdf(edition, font)
    title = edition.get("title") or TITLE
    # Fixed metadata: the same edition gives the same bytes.
    pdf.set_creation_date(dt.datetime.combine(dt.date.fromisoformat(edition["day"]), dt.time(),
                                              OFFICE_TIME))
    pdf.set_title(f"《{title}》第{int(edition['number'])}期")
    pdf.set_author(COMPILER)
    pdf.set_subject(f"{title}、{CONTACT_SHEET_TITLE}")
    pdf.set_keywords(f"惠企政策 降低企业成本 {edition.get('digest', '')}")
    pdf.set_creator("Huiqi")
    pdf.set_lang("zh-CN")
    pdf.alias_nb_pages()

    def write(text: str, size: float = _BODY_PT, h: float = _LINE, align: str = "J",
              indent: float = 0.0):
        pdf.set_font(_FONT, size=size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent, h, text, align=align, wrapmode=WrapMode.CHAR,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def keep_room(height: float):
        # A heading never stands alone at the foot of a page.
        if pdf.will_page_break(height):
            pdf.add_page()

    # The cover.
    pdf.add_page()
    pdf.set_y(70)
    write(f"《{title}》", size=26, h=14, align="C")
    pdf.ln(6)
    write(f"第{int(edition['number'])}期", size=16, h=10, align="C")
    write(chinese_date(edition["day"]), size=14, h=9, align="C")
    pdf.ln(50)
    write(f"收录惠企政策{_policy_count(edition)}件", size=12, h=8, align="C")
    write(f"{COMPILER}编", size=12, h=8, align="C")
    pdf.set_y(-40)
    write(f"版本摘要 SHA-256: {edition.get('digest', '')}", size=7, h=5, align="C")

    # The contents, filled in once the body is laid out.
    pdf.add_page()
    pdf.insert_toc_placeholder(_render_contents, pages=contents_pages)

    # The placeholder leaves a fresh page after the contents: the first level starts on it.
    for index, section in enumerate(edition["sections"]):
        if index:
            pdf.add_page()
        pdf.start_section(section["heading"], level=0)
        write(section["heading"], size=18, h=11, align="C")
        pdf.ln(3)
        for group in section["groups"]:
            keep_room(40)
            pdf.start_section(group["heading"], level=1)
            write(group["heading"], size=15, h=9, align="L")
            pdf.ln(1)
            for entry in group["entries"]:
                keep_room(30)
                pdf.start_section(f"{entry['number']}. {entry['title']}", level=2)
                write(f"{entry['number']}. {entry['title']}", size=13, h=7.5, align="L")
                pdf.ln(1)
                for label, value in _entry_facts(entry):
                    write(f"{label}：{value}", size=9.5, h=5.5, align="L")
                pdf.ln(1)
                write(f"政策摘要：{entry['summary']}")
                pdf.ln(1)
                for paragraph in _paragraphs(entry.get("full_text")):
                    write(paragraph, indent=0)
                pdf.ln(5)

    _pdf_contacts(pdf, edition, on_fresh_page=not edition["sections"])
    return bytes(pdf.output())


def _render_contents(pdf, outline) -> None:
    _contents_lines(pdf, [(section.level, section.name, section.page_number,
                           pdf.add_link(page=section.page_number)) for section in outline])


def _contents_lines(pdf, lines) -> None:
    """目录: each (depth, text, page, link), indented by depth, its page number flush right."""
    from fpdf.enums import WrapMode, XPos, YPos

    pdf.set_font(_FONT, size=18)
    pdf.set_x(pdf.l_margin)
    pdf.cell(pdf.epw, 12, "目  录", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    sizes = {0: 12.5, 1: 11, 2: 9.5}
    for depth, text, page, link in lines:
        size = sizes.get(depth, 9.5)
        pdf.set_font(_FONT, size=size)
        indent = 7 * depth
        h = size * 0.55
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(pdf.epw - indent - 14, h, text, align="L", wrapmode=WrapMode.CHAR,
                       link=link or "", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        # The page number on the entry's last line.
        pdf.set_xy(pdf.l_margin + pdf.epw - 14, pdf.y - h)
        pdf.cell(14, h, str(page), align="R", link=link or "", new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)
        pdf.ln(0.8 if depth == 2 else 1.5)


def _pdf_contacts(pdf, edition: dict, on_fresh_page: bool) -> None:
    """咨询联系表 on a landscape page (its e-mail addresses fit on one line); on the page the
    contents left fresh when the edition has no policy to list before it."""
    from fpdf.enums import WrapMode, XPos, YPos
    from fpdf.fonts import FontFace

    if not on_fresh_page:
        pdf.add_page(orientation="L")
    pdf.start_section(CONTACT_SHEET_TITLE, level=0)
    pdf.set_font(_FONT, size=18)
    pdf.multi_cell(0, 11, CONTACT_SHEET_TITLE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font(_FONT, size=9)
    heading = FontFace(family=_FONT, size_pt=9.5, fill_color=(230, 230, 230))
    with pdf.table(col_widths=(10, 88, 55, 18, 30, 56), text_align=("C", "L", "L", "C", "L", "L"),
                   line_height=5, wrapmode=WrapMode.CHAR, headings_style=heading,
                   repeat_headings=1) as table:
        row = table.row()
        for column in CONTACT_COLUMNS:
            row.cell(column)
        for contact in edition["contacts"]:
            row = table.row()
            row.cell(str(contact["number"]))
            row.cell(f"{contact['title']}\n{contact['document_number']}")
            row.cell(contact["contact_unit"])
            row.cell(contact["person"])
            row.cell(contact["phone"])
            row.cell(contact["email"])


# -- .docx ------------------------------------------------------------------------------------

_DOCX_BODY_FONT = "宋体"
_DOCX_HEADING_FONT = "黑体"


def docx_bytes(edition: dict) -> bytes:
    """The edition as a Word file: title, contents linked to the headings, the policies, the
    contact sheet as a table in a landscape section."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    title = edition.get("title") or TITLE
    moment = dt.datetime.combine(dt.date.fromisoformat(edition["day"]), dt.time())
    core = document.core_properties
    core.title = f"《{title}》第{int(edition['number'])}期"
    core.author = COMPILER
    core.last_modified_by = COMPILER
    core.subject = CONTACT_SHEET_TITLE
    core.keywords = f"惠企政策 {edition.get('digest', '')}"
    core.comments = ""
    core.revision = 1
    core.created = moment
    core.modified = moment
    core.last_printed = moment

    _docx_font(document.styles["Normal"], _DOCX_BODY_FONT, Pt(10.5))
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _docx_font(document.styles[name], _DOCX_HEADING_FONT, None)

    heading = document.add_heading(f"《{title}》", level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line = document.add_paragraph(
        f"{edition_line(edition)} · 收录惠企政策{_policy_count(edition)}件")
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(f"{COMPILER}编").alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading("目录", level=1)
    for section in edition["sections"]:
        _docx_link(document.add_paragraph(), section["heading"], _level_anchor(section))
        for group in section["groups"]:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Pt(14)
            _docx_link(paragraph, group["heading"], _group_anchor(section, group))
            for entry in group["entries"]:
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.left_indent = Pt(28)
                _docx_link(paragraph, f"{entry['number']}. {entry['title']}",
                           _entry_anchor(entry))
                paragraph.add_run(f"  {entry['document_number']}")
    _docx_link(document.add_paragraph(), CONTACT_SHEET_TITLE, CONTACTS_ANCHOR)

    bookmark = 0
    for section in edition["sections"]:
        document.add_page_break()
        bookmark += 1
        _docx_bookmarked(document.add_heading(section["heading"], level=1),
                         _level_anchor(section), bookmark)
        for group in section["groups"]:
            bookmark += 1
            _docx_bookmarked(document.add_heading(group["heading"], level=2),
                             _group_anchor(section, group), bookmark)
            for entry in group["entries"]:
                bookmark += 1
                _docx_bookmarked(
                    document.add_heading(f"{entry['number']}. {entry['title']}", level=3),
                    _entry_anchor(entry), bookmark)
                for label, value in _entry_facts(entry):
                    document.add_paragraph(f"{label}：{value}")
                document.add_paragraph(f"政策摘要：{entry['summary']}")
                for paragraph in _paragraphs(entry.get("full_text")):
                    document.add_paragraph(paragraph)

    landscape = document.add_section()
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = landscape.page_height, landscape.page_width
    bookmark += 1
    _docx_bookmarked(document.add_heading(CONTACT_SHEET_TITLE, level=1), CONTACTS_ANCHOR, bookmark)
    table = document.add_table(rows=1, cols=len(CONTACT_COLUMNS))
    table.style = "Table Grid"
    for cell, column in zip(table.rows[0].cells, CONTACT_COLUMNS):
        cell.text = column
    for contact in edition["contacts"]:
        cells = table.add_row().cells
        values = (str(contact["number"]), f"{contact['title']}\n{contact['document_number']}",
                  contact["contact_unit"], contact["person"], contact["phone"], contact["email"])
        for cell, value in zip(cells, values):
            cell.text = value

    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue(), moment)


def _docx_font(style, name: str, size) -> None:
    from docx.oxml.ns import qn

    style.font.name = name
    if size is not None:
        style.font.size = size
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)


def _bookmark_name(anchor: str) -> str:
    # Word's bookmark names take letters, digits and underscores only, at most 40 of them.
    return anchor.replace("-", "_")[:40]


def _docx_bookmarked(paragraph, anchor: str, number: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), _bookmark_name(anchor))
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def _docx_link(paragraph, text: str, anchor: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), _bookmark_name(anchor))
    link.set(qn("w:history"), "1")
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "1F4E79")
    properties.append(color)
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def _stable_zip(data: bytes, moment: dt.datetime) -> bytes:
    """The same archive with every member dated `moment` (zipfile dates members by the clock)."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
