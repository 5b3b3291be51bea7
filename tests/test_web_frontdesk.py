"""The front desk, finished (issue 20), in real Chromium against the real
server: Spanish first without a restart, search of the whole handout, plural
counts. Email, print and the phone layout are in test_web_email.py,
test_web_print.py and below."""

from __future__ import annotations

import os
import re
import time

import pytest

from helpers import REPO, plain_smtp, use_smtp
from smtpserver import smtp_server
from webutil import LiveServer, axe_violations, browser_page, copy_project


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_project(REPO, tmp_path_factory.mktemp("desk"))
    with LiveServer(root) as server:
        yield server


def wait_for_query(pg, text: str) -> None:
    pg.fill("#q", "")
    pg.type("#q", text, delay=10)
    pg.wait_for_function("([q]) => document.querySelector('#cards').dataset.query === q", arg=[text],
                         timeout=5000)


def visible(pg) -> list[str]:
    return pg.eval_on_selector_all("#cards > li:not([hidden])", "els => els.map(e => e.dataset.slug)")


def test_a_browser_asking_for_spanish_gets_a_spanish_page_with_spanish_titles(browser, site):
    with browser_page(browser, site, locale="es-MX") as pg:
        pg.goto("/")
        assert pg.locator("html").get_attribute("lang") == "es"
        assert pg.inner_text("h1") == "Buscar un folleto"
        card = pg.locator('#cards > li[data-slug="leg-cramps"] h2')
        assert card.inner_text() == "Calambres en las piernas"
        assert card.get_attribute("lang") == "es"
        assert pg.locator('#cards > li[data-slug="leg-cramps"] h2 a').get_attribute("href") \
            == "/h/es/leg-cramps"
        assert axe_violations(pg) == []
        wait_for_query(pg, "agárrese")                                  # in one bullet only
        assert pg.inner_text("#count") == "1 folleto encontrado"          # singular
        wait_for_query(pg, "")
        assert re.fullmatch(r"\d+ folletos", pg.inner_text("#count"))
    with browser_page(browser, site, locale="en-US") as pg:          # the same server, no restart
        pg.goto("/")
        assert pg.locator("html").get_attribute("lang") == "en"
        assert pg.inner_text('#cards > li[data-slug="leg-cramps"] h2') == "Leg cramps"


def test_the_language_switch_is_remembered(browser, site):
    with browser_page(browser, site, locale="en-US") as pg:
        pg.goto("/h/en/leg-cramps")
        pg.get_by_role("button", name="Español").click()
        pg.wait_for_url(re.compile(r"/h/en/leg-cramps$"))             # back where it was
        assert pg.locator("html").get_attribute("lang") == "es"
        assert "Imprimir" in pg.inner_text("#print")
        pg.goto("/")                                                    # remembered (cookie)
        assert pg.inner_text("h1") == "Buscar un folleto"
        assert axe_violations(pg) == []
        pg.get_by_role("button", name="English").click()
        pg.wait_for_url(re.compile(r"/$"))
        assert pg.inner_text("h1") == "Find a handout"


@pytest.mark.parametrize("word, lang", [("calambres", "es"), ("pantorrilla", "es"),
                                        ("calf", "en"), ("cramps", "en"), ("toes", "en"),
                                        ("agárrese", "es")])
def test_enter_opens_the_handout_in_the_language_of_the_word(browser, site, word, lang):
    with browser_page(browser, site, locale="en-US") as pg:
        pg.goto("/")
        pg.fill("#q", word)
        pg.press("#q", "Enter")
        pg.wait_for_url(re.compile(r"/h/[a-z]+/leg-cramps"))
        assert pg.url.endswith(f"/h/{lang}/leg-cramps"), pg.url


def test_search_reads_the_whole_handout_title_first_with_plurals_and_a_live_no_match(browser, site):
    with browser_page(browser, site, locale="en-US") as pg:
        pg.goto("/")
        wait_for_query(pg, "toes")                      # only in a bullet of leg-cramps
        assert visible(pg) == ["leg-cramps"]
        assert pg.inner_text("#count") == "1 matching handout"
        wait_for_query(pg, "agarrese")                  # Spanish, only in a bullet; no accent
        assert visible(pg) == ["leg-cramps"]
        wait_for_query(pg, "calf")                      # leg cramps are in the calf
        assert visible(pg)[0] == "leg-cramps"
        assert pg.locator("#none").is_hidden()
        wait_for_query(pg, "pantorrilla")
        assert visible(pg)[0] == "leg-cramps"
        wait_for_query(pg, "xyzzyq")
        assert visible(pg) == []
        assert pg.inner_text("#count") == "0 matching handouts"
        assert pg.locator("#none").is_visible()
        assert "No handout matches" in pg.inner_text("#none")
        assert axe_violations(pg) == []


def test_a_title_match_ranks_above_a_body_match(site):
    from handouts.web.library import Library

    lib = site.web.library
    cards = lib.cards()
    # "cramps" is in leg-cramps' title and in another handout's body at most
    ranked = [c.slug for c in lib.search("cramps", cards)]
    assert ranked[0] == "leg-cramps"
    body_only = [c.slug for c in cards if c.slug != "leg-cramps"
                 and "cramp" in " ".join(s.body or "" for e in c.good.values()
                                         for s in e.article.sections).lower()]
    for slug in body_only:
        assert slug in ranked[1:]
    assert isinstance(lib, Library)


def test_often_given_first_from_this_clinics_own_log_with_a_way_back_to_a_z(browser, tmp_path):
    root = copy_project(REPO, tmp_path / "clinic")
    with LiveServer(root) as server, browser_page(browser, server, locale="en-US") as pg:
        pg.goto("/")
        az = pg.eval_on_selector_all("#cards > li", "els => els.map(e => e.dataset.slug)")
        assert pg.locator("nav.order").count() == 0            # nothing given yet: A-Z
        last = az[-1]
        # the last one A-Z is given three times (Download: counted by the page's own POST)
        pg.goto(f"/h/en/{last}")
        for _ in range(3):
            with pg.expect_download():
                pg.click("#download")
        deadline = time.time() + 10
        while server.web.events.given().get(last, 0) < 3 and time.time() < deadline:
            time.sleep(0.1)
        pg.goto("/")
        order = pg.eval_on_selector_all("#cards > li", "els => els.map(e => e.dataset.slug)")
        assert order[0] == last and sorted(order) == sorted(az)
        assert pg.get_attribute("nav.order a[aria-current]", "href") == "/"
        assert axe_violations(pg) == []
        pg.get_by_role("link", name="A–Z").click()
        pg.wait_for_url(re.compile(r"order=az"))
        assert pg.eval_on_selector_all("#cards > li", "els => els.map(e => e.dataset.slug)") == az
        # no patient data in what the order is made from: only handouts and counts
        assert set(server.web.events.given()) <= set(az)


PHONE = dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
             device_scale_factor=2)


def test_on_a_phone_print_and_email_are_above_the_fold_and_there_are_no_keyboard_hints(
        browser, tmp_path):
    root = copy_project(REPO, tmp_path / "clinic")
    with smtp_server() as (_, port), LiveServer(root) as server:
        use_smtp(root, plain_smtp(port))
        with browser_page(browser, server, locale="en-US", **PHONE) as pg:
            pg.goto("/h/en/leg-cramps")
            title = pg.locator("h1").bounding_box()
            for target in (pg.locator("#print"), pg.get_by_role("link", name="Email to patient")):
                box = target.bounding_box()
                assert box and title["y"] < box["y"] and box["y"] + box["height"] <= 844, box
            assert "Ctrl" not in pg.inner_text("main")
            assert pg.evaluate("document.documentElement.scrollWidth") <= 390
            assert axe_violations(pg) == []
            pg.get_by_role("link", name="Email to patient").click()   # it takes you to the form
            assert pg.locator("#to").is_visible()
            pg.goto("/")
            assert pg.locator("#q-hint .keys").is_hidden()             # "Press Enter" is for keyboards
            assert "Press Enter" not in pg.inner_text("#q-hint")
            assert pg.evaluate("document.documentElement.scrollWidth") <= 390
        with browser_page(browser, server, locale="en-US") as pg:       # a desk computer has keys
            pg.goto("/")
            assert "Press Enter" in pg.inner_text("#q-hint")
            pg.goto("/h/en/leg-cramps")
            assert pg.get_by_role("link", name="Email to patient").is_hidden()   # the form is beside it


def test_screenshots_at_1280_and_390(browser, tmp_path):
    """Pictures of the finished front desk for docs/ (HANDOUTS_UPDATE_SCREENSHOTS=1;
    otherwise a temporary folder): the page in Spanish, the email's check step,
    and a phone's handout and front page."""
    folder = REPO / "docs" if os.environ.get("HANDOUTS_UPDATE_SCREENSHOTS") == "1" else tmp_path
    root = copy_project(REPO, tmp_path / "clinic")
    shots = []
    with smtp_server() as (inbox, port), LiveServer(root) as server:
        use_smtp(root, plain_smtp(port))
        desk = dict(viewport={"width": 1280, "height": 800})
        with browser_page(browser, server, locale="es-MX", **desk) as pg:
            pg.goto("/")
            pg.wait_for_load_state("networkidle")
            shots.append(folder / "frontdesk-es.png")
            pg.screenshot(path=str(shots[-1]))
        with browser_page(browser, server, locale="en-US", **desk) as pg:
            pg.goto("/h/en/leg-cramps")
            pg.fill("#to", "María Núñez <maria.nunez@example.org>")
            pg.check("#consent")
            pg.get_by_role("button", name="Check before sending").click()
            pg.wait_for_selector("#check-address")
            pg.wait_for_load_state("networkidle")
            pg.locator("#email").scroll_into_view_if_needed()
            shots.append(folder / "frontdesk-email-check.png")
            pg.screenshot(path=str(shots[-1]))
        with browser_page(browser, server, locale="es-MX", **PHONE) as pg:
            pg.goto("/h/es/leg-cramps")
            pg.wait_for_load_state("networkidle")
            shots.append(folder / "frontdesk-phone-handout.png")
            pg.screenshot(path=str(shots[-1]))
            pg.goto("/")
            pg.wait_for_load_state("networkidle")
            shots.append(folder / "frontdesk-phone.png")
            pg.screenshot(path=str(shots[-1]))
    assert inbox.received == []                      # checking sent nothing
    for shot in shots:
        assert shot.stat().st_size > 20_000, shot
