"""The public portal (notice 二(二)3) as a citizen's browser shows it: policies seeded over HTTP as
the office does (published, one amended, one left a draft), the compendium built, then the
compendium page, a policy page, the contact sheet and a search read in headless Chromium with
their Chinese text on screen; the draft never appears anywhere on the portal; the Atom feed
parses, with an entry per publication and amendment."""
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from gateway.auth import mint
from policy.fixtures import (
    AMENDED_NUMBER, AMENDMENT, AMENDMENT_REASON, draft_fields, policy_fields,
)
from registered_units import register_units, until_known

ATOM = "{http://www.w3.org/2005/Atom}"
SEEDED = 6  # policies of the register published, beside the amended one


class Seeded:
    def __init__(self, base: str):
        self.base = base
        self.office = mint("clerk-li", "office")
        self.published: list[dict] = []   # as drafted: the fields and the id
        self.amended: dict = {}
        self.draft: dict = {}

    def api(self, method: str, path: str, **kwargs):
        response = requests.request(method, f"{self.base}/api/v1{path}", timeout=60,
                                    headers={"Authorization": f"Bearer {self.office}"}, **kwargs)
        assert response.ok, (method, path, response.status_code, response.text)
        return response.json()

    def draft_policy(self, fields: dict) -> dict:
        """Drafted as the office, once the policy service knows its issuing unit."""
        body = {key: value for key, value in fields.items() if value is not None}
        response = until_known(lambda: requests.post(
            f"{self.base}/api/v1/policies", json=body, timeout=60,
            headers={"Authorization": f"Bearer {self.office}"}))
        assert response.ok, (response.status_code, response.text)
        return {**fields, "id": response.json()["id"]}

    def publish(self, fields: dict) -> dict:
        drafted = self.draft_policy(fields)
        self.api("POST", f"/policies/{drafted['id']}/publish", json={})
        return drafted


@pytest.fixture(scope="module")
def seeded(portal_stack):
    seeded = Seeded(portal_stack)
    register = policy_fields()
    amended = next(f for f in register if f["document_number"] == AMENDED_NUMBER)
    others = [f for f in register if f["document_number"] != AMENDED_NUMBER][:SEEDED]
    # Their issuing units, registered in liaison as the office does (the policy service refuses
    # a unit not in that register).
    register_units(portal_stack, seeded.office,
                   *(f["issuing_unit"] for f in [*others, amended, draft_fields()[0]]))
    seeded.published = [seeded.publish(fields) for fields in others]
    seeded.amended = seeded.publish(amended)
    seeded.api("POST", f"/policies/{seeded.amended['id']}/amend",
               json={"reason": AMENDMENT_REASON, **AMENDMENT})
    seeded.draft = seeded.draft_policy(draft_fields()[0])
    edition = seeded.api("POST", "/compendium")
    assert edition["policies"] == SEEDED + 1 and edition["new"] is True
    return seeded


def body_text(browser) -> str:
    return browser.find_element(By.TAG_NAME, "body").text


def visit(browser, url: str) -> str:
    browser.get(url)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN"
    return body_text(browser)


def test_the_compendium_page_shows_the_latest_edition_with_its_pdf(browser, seeded):
    text = visit(browser, f"{seeded.base}/portal/compendium")
    assert "赣州市惠企政策文件汇编" in text and "第1版" in text
    for fields in [*seeded.published, seeded.amended]:
        assert fields["title"] in text, fields["title"]
    assert "征求意见稿" not in text
    link = browser.find_element(By.LINK_TEXT, "下载 PDF 版")
    assert link.get_attribute("href") == f"{seeded.base}/portal/compendium.pdf"


def test_the_compendium_pdf_downloads_with_its_chinese_name(seeded):
    pdf = requests.get(f"{seeded.base}/portal/compendium.pdf", timeout=120)
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    name = unquote(pdf.headers["Content-Disposition"].split("filename*=UTF-8''", 1)[1])
    assert "汇编" in name and name.endswith(".pdf")


def test_a_policy_page_shows_its_current_text_versions_and_contact(browser, seeded):
    amended = seeded.amended
    text = visit(browser, f"{seeded.base}/portal/policies/{amended['id']}")
    assert amended["title"] in text and amended["document_number"] in text
    assert AMENDMENT["summary"] in text
    assert amended["contact"]["person"] in text and amended["contact"]["phone"] in text
    assert "第2版" in text and AMENDMENT_REASON in text
    browser.find_element(By.PARTIAL_LINK_TEXT, "第1版").click()
    first = body_text(browser)
    assert "第1版" in first and amended["summary"] in first
    assert browser.current_url.endswith(f"/portal/policies/{amended['id']}/versions/1")


def test_the_contact_sheet_names_whom_to_ask_for_each_policy(browser, seeded):
    text = visit(browser, f"{seeded.base}/portal/contact-sheet")
    assert "惠企政策咨询联系表" in text
    rows = browser.find_elements(By.CSS_SELECTOR, "table.contacts tbody tr")
    assert len(rows) == SEEDED + 1
    for fields in [*seeded.published, seeded.amended]:
        assert fields["contact"]["person"] in text and fields["contact"]["email"] in text


def test_a_search_typed_into_the_form_finds_the_policy_without_javascript(browser, seeded):
    visit(browser, f"{seeded.base}/portal")
    wanted = seeded.published[0]
    box = browser.find_element(By.ID, "q")
    box.send_keys(wanted["title"][:6])
    browser.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
    # The click returns before the results page has loaded: read it once it has.
    WebDriverWait(browser, 30).until(lambda b: "q=" in b.current_url and b.find_elements(
        By.CSS_SELECTOR, "ol.policies h2 a"))
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "ol.policies h2 a")]
    assert wanted["title"] in titles


def test_the_draft_never_appears_on_the_portal(browser, seeded):
    draft = seeded.draft
    pages = ["/portal", "/portal/compendium", "/portal/contact-sheet", "/portal/rules",
             f"/portal?q={draft['title'][:6]}", f"/portal?unit={draft['issuing_unit']}",
             f"/portal/policies/{draft['id']}", f"/portal/policies/{draft['id']}/versions/1"]
    for page in pages:
        browser.get(f"{seeded.base}{page}")
        assert draft["title"] not in browser.page_source, page
        assert draft["document_number"] not in browser.page_source, page
    browser.get(f"{seeded.base}/portal/policies/{draft['id']}")
    assert "没有找到" in body_text(browser)
    for path in ("/portal/feed.atom", "/portal/api/policies", f"/portal/api/policies/{draft['id']}",
                 "/portal/api/compendium", "/portal/api/contact-sheet",
                 f"/portal/api/policies?q={draft['title'][:6]}"):
        answer = requests.get(f"{seeded.base}{path}", timeout=30,
                              headers={"Authorization": f"Bearer {seeded.office}"})
        assert draft["title"] not in answer.text, path


def test_the_feed_is_atom_with_every_publication_and_amendment(seeded):
    feed = requests.get(f"{seeded.base}/portal/feed.atom", timeout=30)
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith(
        "application/atom+xml")
    root = ET.fromstring(feed.content)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}").text, name
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == SEEDED + 2  # each publication, and the amendment
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    updated = [entry.find(f"{ATOM}updated").text for entry in entries]
    assert updated == sorted(updated, reverse=True)
    kinds = [entry.find(f"{ATOM}category").get("term") for entry in entries]
    assert kinds.count("amended") == 1 and kinds.count("published") == SEEDED + 1
    newest = entries[0]
    assert seeded.amended["title"] in newest.find(f"{ATOM}title").text
    assert newest.find(f"{ATOM}link").get("href").endswith(
        f"/portal/policies/{seeded.amended['id']}/versions/2")
    assert newest.find(f"{ATOM}summary").text
