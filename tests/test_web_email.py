"""Email from the front-desk page, in a real browser, through a real aiosmtpd
server on loopback; and the outbox when the mail server is down."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl, urlencode

import pytest

from helpers import REPO, free_port, plain_smtp, use_smtp
from smtpserver import smtp_server
from webutil import LiveServer, axe_violations, browser_page, copy_project

PATIENT = "maria.nunez@example.org"


@pytest.fixture(scope="module")
def mail_site(tmp_path_factory):
    root = copy_project(REPO, tmp_path_factory.mktemp("mailclinic"))
    with LiveServer(root, outbox_retry_seconds=0.5) as server:
        yield server


@pytest.fixture
def page(browser, mail_site):
    with browser_page(browser, mail_site) as pg:
        yield pg


def send_from_page(page, path: str, to: str, name: str = "") -> str:
    """Type, check (the whole address is shown before anything goes), send."""
    page.goto(path)
    page.fill("#to", to)
    if name:
        page.fill("#name", name)
    page.check("#consent")
    page.get_by_role("button", name="Check before sending").click()
    page.wait_for_selector("#check-address")
    page.get_by_role("button", name="Send now").click()
    page.wait_for_selector(".result")
    return page.inner_text(".result")


def test_email_arrives_with_the_pdf(page, mail_site):
    with smtp_server() as (inbox, port):
        use_smtp(mail_site.root, plain_smtp(port))
        page.goto("/h/es/leg-cramps")
        assert "Spanish" in page.inner_text("#email-lang")      # one choice: the handout shown
        shown = send_from_page(page, "/h/es/leg-cramps", PATIENT)
        assert "Sent to m••••@example.org" in shown
        assert PATIENT not in page.content()
        assert axe_violations(page) == []
    assert len(inbox.received) == 1
    msg = inbox.received[0].message
    assert msg["To"].addresses[0].addr_spec == PATIENT
    pdfs = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    # The Spanish handout (the one shown), the bytes the page serves, in a Spanish letter.
    assert msg["Content-Language"] == "es"
    assert "Hola" in msg.get_body(("plain",)).get_content()
    assert pdfs[0].get_content() == mail_site.web.renderer.pdf("leg-cramps", "es")
    # The activity view shows it, masked, with this week's count.
    page.goto("/activity")
    text = page.inner_text("main")
    assert "m••••@example.org" in text and PATIENT not in page.content()
    assert "Calambres en las piernas" in text
    assert page.locator(".counts li").nth(3).inner_text().startswith("1")


def test_a_packet_by_email(page, mail_site):
    with smtp_server() as (inbox, port):
        use_smtp(mail_site.root, plain_smtp(port))
        shown = send_from_page(page, "/packet?item=en/leg-cramps&item=es/leg-cramps", PATIENT)
        assert "Sent to" in shown
    msg = inbox.received[0].message
    pdfs = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 2
    # each language's handout is written about in its own words
    assert msg["Content-Language"] == "en, es"
    text = msg.get_body(("plain",)).get_content()
    english, spanish = text.split("— — —")
    assert "Hello" in english and "Leg cramps" in english and "Calambres" not in english
    assert "Hola" in spanish and "Calambres en las piernas" in spanish and "Leg cramps" not in spanish
    html = msg.get_body(("html",)).get_content()
    assert '<div lang="es" dir="ltr">' in html and "Hola" in html


def test_server_down_leaves_it_waiting_in_the_outbox_and_says_why(page, mail_site):
    port = free_port()
    use_smtp(mail_site.root, plain_smtp(port))                    # nothing listens there yet
    shown = send_from_page(page, "/h/en/risk-factors", PATIENT)
    assert f"Not sent yet: waiting in the outbox for {PATIENT}" in shown    # in full: a typo shows
    assert re.search(r"Why: the mail server did not answer", shown)
    page.goto("/activity")
    assert "waiting in the outbox" in page.inner_text("main")
    assert PATIENT not in page.content()               # masked, even while it waits
    # The mail server comes back: the page's own retry delivers it.
    with smtp_server(port) as (inbox, _):
        deadline = time.time() + 20
        while not inbox.received and time.time() < deadline:
            time.sleep(0.2)
    assert len(inbox.received) == 1
    assert inbox.received[0].message["To"].addresses[0].addr_spec == PATIENT
    page.goto("/activity")
    assert "sent" in page.locator("tbody tr").first.inner_text()


def test_no_consent_no_email_and_everything_typed_is_kept(page, mail_site):
    with smtp_server() as (inbox, port):
        use_smtp(mail_site.root, plain_smtp(port))
        page.goto("/h/en/leg-cramps")
        page.fill("#to", PATIENT)
        page.fill("#name", "Ana")
        page.get_by_role("button", name="Check before sending").click()
        page.wait_for_selector("#consent-error")
        assert "Tick the box" in page.inner_text("#consent-error")
        assert page.input_value("#to") == PATIENT and page.input_value("#name") == "Ana"
        assert page.locator("#confirm").count() == 0
        assert axe_violations(page) == []
    assert inbox.received == []


def test_nothing_is_sent_until_the_whole_address_is_checked(page, mail_site):
    typed = "María Núñez <maria.nunez@example.org>"       # as the README writes it, accents and all
    with smtp_server() as (inbox, port):
        use_smtp(mail_site.root, plain_smtp(port))
        page.goto("/h/en/leg-cramps")
        assert page.get_attribute("#to", "type") == "text"    # no browser type=email block
        page.fill("#to", typed)
        page.check("#consent")
        page.get_by_role("button", name="Check before sending").click()
        page.wait_for_selector("#check-address")
        assert page.inner_text("#check-address") == typed     # in full, as typed
        assert "Nothing is sent yet" in page.inner_text("#confirm")
        assert page.input_value("#to") == typed and page.is_checked("#consent")
        assert axe_violations(page) == []
        time.sleep(0.5)
        assert inbox.received == []                           # checking sent nothing
        page.get_by_role("button", name="Send now").click()
        page.wait_for_selector(".result")
        assert "Sent to m••••@example.org" in page.inner_text(".result")
    msg = inbox.received[0].message
    assert msg["To"].addresses[0].display_name == "María Núñez"
    assert msg.get_body(("plain",)).get_content().startswith("Hello María Núñez,")


def test_a_name_for_the_greeting_and_a_changed_address_is_checked_again(page, mail_site):
    with smtp_server() as (inbox, port):
        use_smtp(mail_site.root, plain_smtp(port))
        page.goto("/h/en/leg-cramps")
        page.fill("#to", "ana@exmaple.org")
        page.fill("#name", "Ana Pérez")
        page.check("#consent")
        page.get_by_role("button", name="Check before sending").click()
        page.wait_for_selector("#check-address")
        assert page.inner_text("#check-address") == "Ana Pérez <ana@exmaple.org>"   # the typo shows
        page.fill("#to", "ana@example.org")                   # corrected, then Send: checked again
        page.get_by_role("button", name="Send now").click()
        page.wait_for_selector("#check-address")
        assert page.inner_text("#check-address") == "Ana Pérez <ana@example.org>"
        assert inbox.received == []
        page.get_by_role("button", name="Send now").click()
        page.wait_for_selector(".result")
    msg = inbox.received[0].message
    assert msg["To"].addresses[0].addr_spec == "ana@example.org"
    assert msg.get_body(("plain",)).get_content().startswith("Hello Ana Pérez,")


def test_a_bad_address_is_said_next_to_the_field_in_plain_words(page, mail_site):
    with smtp_server() as (inbox, port):
        use_smtp(mail_site.root, plain_smtp(port))
        page.goto("/h/es/leg-cramps")
        page.fill("#to", "maria@@example")
        page.check("#consent")
        page.get_by_role("button", name="Check before sending").click()
        page.wait_for_selector("#to-error")
        assert "Check for a typo" in page.inner_text("#to-error")
        assert "<input>" not in page.content() and "to:" not in page.inner_text("#to-error")
        assert page.get_attribute("#to", "aria-invalid") == "true"
        assert page.input_value("#to") == "maria@@example" and page.is_checked("#consent")
        assert page.locator("h1").inner_text() == "Calambres en las piernas"   # still the handout
        assert axe_violations(page) == []
    assert inbox.received == []


def test_no_email_form_without_a_mail_server(page, mail_site):
    use_smtp(mail_site.root, None)
    page.goto("/h/en/leg-cramps")
    assert page.locator("#to").count() == 0
    assert "Email is not set up on this computer" in page.inner_text("#email")
    assert "ask the person who looks after this page" in page.inner_text("#email")
    assert axe_violations(page) == []


def test_a_waiting_email_can_be_cancelled_from_the_page(page, mail_site):
    use_smtp(mail_site.root, plain_smtp(free_port(), timeout=1))       # nothing listens there
    shown = send_from_page(page, "/h/en/leg-cramps", "pat.cancel@example.org")
    assert "waiting in the outbox for pat.cancel@example.org" in shown   # in full while it waits
    from handouts import mail
    waiting = [e for e in mail.outbox_list(mail_site.root) if e.to == "pat.cancel@example.org"]
    assert len(waiting) == 1
    page.get_by_role("button", name="Cancel this email").click()
    page.wait_for_selector(".result")
    assert "Cancelled. Nothing was sent" in page.inner_text(".result")
    assert not [e for e in mail.outbox_list(mail_site.root) if e.to == "pat.cancel@example.org"]


def test_the_email_reads_items_and_options_as_the_page_does(page, mail_site):
    """The email form's fields go through the page's own parser: a repeated
    item is sent once, a paper size that does not exist is the clinic's, and
    large print is on for every spelling the page accepts."""
    query = "item=en/leg-cramps&item=en/leg-cramps&item=es/cvi-symptoms&paper=tabloid&large=true"
    page.goto("/packet?" + query)
    assert page.locator(".packet-list li").count() == 2
    assert page.is_checked("#large")
    csrf = page.get_attribute('input[name="csrf"]', "value")
    fields = parse_qsl(query) + [("to", PATIENT), ("consent", "yes"), ("csrf", csrf),
                                 ("step", "send"), ("checked", PATIENT)]
    with smtp_server() as (inbox, port):
        use_smtp(mail_site.root, plain_smtp(port))
        resp = page.request.post("/email", data=urlencode(fields), headers={
            "content-type": "application/x-www-form-urlencoded"})
        assert resp.status == 200 and "Sent to" in resp.text()
    pdfs = [p.get_content() for p in inbox.received[0].message.iter_attachments()
            if p.get_content_type() == "application/pdf"]
    renderer = mail_site.web.renderer
    paper = renderer.default_paper()
    assert pdfs == [renderer.pdf("leg-cramps", "en", paper, True),
                    renderer.pdf("cvi-symptoms", "es", paper, True)]
