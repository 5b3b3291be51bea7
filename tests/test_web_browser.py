"""The front-desk page in a real browser: Debian's Chromium driven by
Playwright, against the real server on loopback. One browser for the session
(conftest.py) and one server for the whole module; each test has its own browser context (cookies)."""

from __future__ import annotations

import io
import os
import re
import time

import pypdf
import pytest

from helpers import REPO, run_cli
from webutil import LiveServer, axe_violations, browser_page, copy_project

DOCS = REPO / "docs"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_project(REPO, tmp_path_factory.mktemp("clinic"))
    with LiveServer(root) as server:
        yield server


@pytest.fixture
def page(browser, site):
    with browser_page(browser, site) as pg:
        yield pg


def visible_slugs(pg) -> list[str]:
    return pg.eval_on_selector_all("#cards > li:not([hidden])", "els => els.map(e => e.dataset.slug)")


def type_search(pg, text: str) -> list[str]:
    """Type into the search box like a person and wait for the list to follow."""
    pg.fill("#q", "")
    pg.type("#q", text, delay=10)
    pg.wait_for_function("([q]) => document.querySelector('#cards').dataset.query === q", arg=[text],
                         timeout=5000)
    return visible_slugs(pg)


def pdf_of(pg, url: str) -> tuple[dict, bytes]:
    resp = pg.request.get(url)
    assert resp.status == 200, resp.text()[:300]
    return resp.headers, resp.body()


# ---------------------------------------------------------------- search

def test_search_finds_spanish_words_and_typos_as_you_type(page):
    page.goto("/")
    assert len(visible_slugs(page)) >= 3
    assert type_search(page, "calambres")[0] == "leg-cramps"             # Spanish; title first
    assert type_search(page, "Calambrs") == ["leg-cramps"]               # a typo (titles, not body)
    assert type_search(page, "venous insuficiency")[0] == "cvi-symptoms"  # a typo; title first
    assert type_search(page, "CRAMP")[0] == "leg-cramps"                 # case, a word's start
    assert "cvi-symptoms" in type_search(page, "varicose")
    assert type_search(page, "calambre piernas")[0] == "leg-cramps"      # two Spanish words
    assert type_search(page, "charley horse") == ["leg-cramps"]          # a keyword
    assert type_search(page, "xyzzyq") == []
    assert page.inner_text("#count").startswith("0 ")
    # Enter opens the first match.
    page.fill("#q", "calambre")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/h/[a-z]+/leg-cramps"))
    assert page.locator("h1").inner_text() in ("Leg cramps", "Calambres en las piernas")


def test_search_works_without_script(browser, site):
    context = browser.new_context(base_url=site.url, java_script_enabled=False)
    pg = context.new_page()
    try:
        pg.goto("/?q=calambres")                       # the server filters the list
        assert visible_slugs(pg)[0] == "leg-cramps"
        pg.goto("/")
        pg.fill("#q", "insuficency checklist")
        pg.press("#q", "Enter")                        # the form's first button: open first match
        pg.wait_for_url(re.compile(r"/h/en/cvi-symptoms"))
    finally:
        context.close()


# ------------------------------------------------------- handout and print

def test_preview_language_paper_and_large_print(page):
    page.goto("/h/en/leg-cramps")
    img = page.locator(".preview img").first
    img.wait_for()
    page.wait_for_function("() => { const i = document.querySelector('.preview img');"
                           " return i.complete && i.naturalWidth > 500; }")
    assert "Leg cramps" in img.get_attribute("alt")
    assert page.locator("#paper").input_value() == "letter"       # the clinic's default
    page.select_option("#paper", "a4")                            # the script updates the preview
    page.wait_for_url(re.compile(r"paper=a4"))
    assert "paper=a4" in page.locator(".preview img").first.get_attribute("src")
    page.check("#large")
    page.wait_for_url(re.compile(r"large=1"))
    assert page.locator(".preview img").count() >= 1
    # Spanish version from the language choice.
    page.get_by_role("link", name=re.compile("Español|Spanish")).first.click()
    page.wait_for_url(re.compile(r"/h/es/leg-cramps"))
    assert page.locator("h1").inner_text() == "Calambres en las piernas"


def test_print_gives_an_inline_pdf_of_one_page(page):
    page.goto("/h/en/leg-cramps")
    link = page.locator("#print")
    assert link.get_attribute("target") is None            # no new tab (app.js prints from the page)
    headers, body = pdf_of(page, link.get_attribute("href"))
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith("inline")
    reader = pypdf.PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 1
    assert "Leg cramps" in reader.pages[0].extract_text()
    headers, body = pdf_of(page, page.locator("#download").get_attribute("href"))
    assert headers["content-disposition"].startswith("attachment")


def test_basket_makes_one_packet_in_mixed_languages(page):
    page.goto("/")
    page.check('input[name="item"][value="en/leg-cramps"]')
    page.check('input[name="item"][value="es/leg-cramps"]')
    assert "2" in page.inner_text("#basket-count")
    page.get_by_role("button", name="Make a packet").click()
    page.wait_for_url(re.compile(r"/packet\?"))
    items = page.locator(".packet-list li").all_inner_texts()
    assert len(items) == 2 and "Leg cramps" in items[0]
    headers, body = pdf_of(page, page.locator("#print").get_attribute("href"))
    assert headers["content-disposition"].startswith("inline")
    reader = pypdf.PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 2
    assert "Leg cramps" in reader.pages[0].extract_text()
    assert "Calambres en las piernas" in reader.pages[1].extract_text()


# ------------------------------------------------- bad files and live edits

def test_bad_file_is_unavailable_and_the_rest_work(page, site):
    bad = site.root / "content" / "en" / "broken-one.yaml"
    bad.write_text("summary: A handout with no title.\nreviewed: 2026-11-01\nsections:\n"
                   "  - heading: Hello\n    body: Words.\n", "utf-8")
    try:
        page.goto("/")
        card = page.locator('li[data-slug="broken-one"]')
        assert "Unavailable" in card.inner_text()
        assert "content/en/broken-one.yaml:1: title: required" in card.inner_text()
        assert page.locator('li[data-slug="leg-cramps"] h2 a').count() == 1
        page.goto("/h/en/broken-one")
        assert "content/en/broken-one.yaml:1: title: required" in page.inner_text(".problem")
        assert page.locator("#print").count() == 0
        page.goto("/h/en/leg-cramps")
        headers, body = pdf_of(page, page.locator("#print").get_attribute("href"))
        assert len(pypdf.PdfReader(io.BytesIO(body)).pages) == 1
    finally:
        bad.unlink()


def test_an_edited_file_shows_the_new_text_without_restart(page, site):
    path = site.root / "content" / "en" / "risk-factors.yaml"
    original = path.read_text("utf-8")
    page.goto("/h/en/risk-factors")
    pdf_of(page, page.locator("#print").get_attribute("href"))       # rendered and cached
    old_summary = page.locator(".lead").inner_text()
    new = "Walking every day keeps the blood in your legs moving well."
    record = site.root / "content" / "approvals" / "en" / "risk-factors.yaml"
    approval = record.read_bytes()
    path.write_text(re.sub(r"(?m)^summary: .*$", f"summary: {new}", original), "utf-8")
    try:
        page.goto("/h/en/risk-factors")
        assert page.locator(".lead").inner_text() == new != old_summary
        # New words are a draft until a clinician approves them: no Print.
        assert page.locator(".badge.draft").count() == 1 and page.locator("#print").count() == 0
        approved = run_cli("approve", "risk-factors", "--project", str(site.root), "--by", "Ana Ruiz, MD")
        assert approved.returncode == 0, approved.stderr
        page.goto("/h/en/risk-factors")
        assert page.locator(".badge.draft").count() == 0
        _, body = pdf_of(page, page.locator("#print").get_attribute("href"))
        text = " ".join(pypdf.PdfReader(io.BytesIO(body)).pages[0].extract_text().split())
        assert "Walking every day keeps" in text
        page.goto("/?q=walking")
        assert visible_slugs(page)[0] == "risk-factors"
    finally:
        path.write_text(original, "utf-8")
        record.write_bytes(approval)


def test_past_next_review_is_flagged(page, site):
    path = site.root / "content" / "en" / "leg-cramps.yaml"
    original = path.read_text("utf-8")
    # next_review is not a printed word: the approval still holds, and is due.
    text = re.sub(r"(?m)^next_review: .*\n", "", original) + "next_review: 2024-01-15\n"
    path.write_text(text, "utf-8")
    try:
        page.goto("/")
        card = page.locator('li[data-slug="leg-cramps"]')
        assert "Review was due January 15, 2024" in card.inner_text()
        assert "Review was due" not in page.locator('li[data-slug="risk-factors"]').inner_text()
    finally:
        path.write_text(original, "utf-8")


# ------------------------------------------------------------ accessibility

PAGES = ["/", "/?q=calambres", "/h/en/leg-cramps", "/h/es/leg-cramps",
         "/packet?item=en/leg-cramps&item=es/leg-cramps", "/activity", "/h/en/no-such-handout"]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations(page, path):
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


def test_keyboard_only_with_visible_focus(page):
    page.goto("/")
    assert page.evaluate("document.activeElement.id") == "q"     # type at once
    first = page.evaluate("document.querySelector('a[href], button, input, select').className")
    assert first == "skip"                                         # the first stop skips the menu
    page.focus(".skip")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.focus("#q")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    # Every focus stop shows an outline of at least 2 px.
    seen = 0
    for _ in range(12):
        page.keyboard.press("Tab")
        outline = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                                " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
        assert outline[0] != "none" and outline[1] >= 2, (focused, outline)
        seen += 1
    # Reach the search box, type, and open with Enter; then Print by keyboard.
    page.focus("#q")
    page.keyboard.type("leg cramps")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/h/en/leg-cramps"))
    page.focus("#print")
    assert page.evaluate("document.activeElement.id") == "print"


@pytest.mark.parametrize("viewport", [
    {"width": 640, "height": 450},     # a 1280-pixel screen at 200% zoom
    {"width": 768, "height": 1024},    # a tablet, upright
])
def test_zoom_and_tablet_need_no_sideways_scrolling(browser, site, viewport):
    context = browser.new_context(base_url=site.url, viewport=viewport, has_touch=True)
    pg = context.new_page()
    try:
        for path in ("/", "/h/en/leg-cramps", "/packet?item=en/leg-cramps&item=es/leg-cramps"):
            pg.goto(path)
            wide = pg.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert wide <= 0, (path, viewport, wide)
        # Targets stay big enough to touch.
        pg.goto("/h/en/leg-cramps")
        box = pg.locator("#print").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    finally:
        context.close()


def test_screenshots_for_the_readme(browser, site, tmp_path):
    """The README's pictures of the page, taken here (and looked at by people).
    They go to docs/ with HANDOUTS_UPDATE_SCREENSHOTS=1, else to a temporary
    folder, so that running the tests leaves the work tree clean."""
    folder = DOCS if os.environ.get("HANDOUTS_UPDATE_SCREENSHOTS") == "1" else tmp_path
    context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 860})
    pg = context.new_page()
    try:
        pg.goto("/")
        pg.type("#q", "leg")
        pg.wait_for_function("document.querySelectorAll('#cards > li:not([hidden])').length >= 1")
        pg.fill("#q", "")
        pg.check('input[name="item"][value="en/leg-cramps"]')
        pg.check('input[name="item"][value="es/leg-cramps"]')
        pg.wait_for_load_state("networkidle")
        pg.evaluate("document.activeElement.blur()")
        pg.screenshot(path=str(folder / "frontdesk-page.png"))
        pg.goto("/h/es/leg-cramps")
        pg.wait_for_load_state("networkidle")
        pg.screenshot(path=str(folder / "frontdesk-handout.png"))
    finally:
        context.close()
    assert (folder / "frontdesk-page.png").stat().st_size > 20_000


def test_sign_in_page_in_the_browser(browser, tmp_path):
    root = copy_project(REPO, tmp_path / "clinic")
    with LiveServer(root, password="correct horse battery") as server:
        context = browser.new_context(base_url=server.url)
        context.set_default_timeout(10_000)
        pg = context.new_page()
        try:
            pg.goto("/h/en/leg-cramps")
            pg.wait_for_url(re.compile(r"/signin\?next="))
            assert axe_violations(pg) == []
            assert pg.locator("nav").count() == 0               # nothing to see before sign-in
            pg.fill("#name", "JD")
            pg.fill("#password", "wrong password")
            pg.press("#password", "Enter")
            assert "not right" in pg.inner_text(".problem")
            pg.fill("#password", "correct horse battery")
            pg.press("#password", "Enter")
            pg.wait_for_url(re.compile(r"/h/en/leg-cramps$"))    # back where they were going
            assert "Signed in: JD" in pg.inner_text("header")
            cookie = next(c for c in context.cookies() if c["name"] == "handouts_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["expires"] > time.time()
            assert pg.evaluate("document.cookie") == ""           # script cannot read it
            pg.get_by_role("button", name="Sign out").click()
            pg.wait_for_url(re.compile(r"/signin"))
            pg.goto("/")
            assert "/signin" in pg.url
        finally:
            context.close()


def test_the_page_in_spanish(browser, tmp_path):
    root = copy_project(REPO, tmp_path / "clinic")
    with LiveServer(root, ui_lang="es") as server:
        # --ui-lang: the page's language when the browser asks for none it has (French here)
        context = browser.new_context(base_url=server.url, locale="fr-FR")
        pg = context.new_page()
        try:
            pg.goto("/")
            assert pg.locator("html").get_attribute("lang") == "es"
            assert pg.inner_text("h1") == "Buscar un folleto"
            assert "Reviewed" not in pg.inner_text("main")
            assert "noviembre" in pg.inner_text("main")           # Babel's Spanish dates
            assert axe_violations(pg) == []
        finally:
            context.close()
