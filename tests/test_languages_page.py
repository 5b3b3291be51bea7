"""The front-desk page and the email in every shipped language beyond English
and Spanish (issue 24), through the real HTTP server and a real aiosmtpd:
each handout found by its own title, language names from the catalogs, the
message's subject and words from the handout's catalog; and a language CLDR
does not know (Hmong, ``hmn``) added with files alone."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from helpers import HANDOUTS, LANGS, REPO, plain_smtp, run_cli, use_smtp
from smtpserver import smtp_server
from webutil import LiveServer, copy_project

#: The languages beyond English and Spanish that the demo clinic ships.
NEW = [lang for lang in LANGS if lang not in ("en", "es")]
CASES = [(lang, slug) for lang in NEW for slug in HANDOUTS[lang]]
IDS = [f"{lang}/{slug}" for lang, slug in CASES]


def catalog(lang: str, root: Path = REPO) -> dict:
    return yaml.safe_load((root / "templates" / "labels" / f"{lang}.yaml").read_text("utf-8"))


def article(lang: str, slug: str) -> dict:
    return yaml.safe_load((REPO / "content" / lang / f"{slug}.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_project(REPO, tmp_path_factory.mktemp("langs"))
    with LiveServer(root) as server:
        yield server


def get(site: LiveServer, path: str, lang: str = "en") -> tuple[int, dict, str]:
    status, headers, body = site.raw("GET", path, headers={"Accept-Language": lang})
    return status, headers, body.decode("utf-8")


def test_at_least_one_language_beyond_english_and_spanish_is_shipped():
    assert "vi" in NEW, LANGS


@pytest.mark.parametrize("lang, slug", CASES, ids=IDS)
def test_the_page_finds_each_handout_by_its_own_title(site, lang, slug):
    """Typed as a patient's family would type it (the whole title), the
    handout comes first, and Enter opens it in that language."""
    title = article(lang, slug)["title"]
    status, _, body = get(site, f"/search.json?q={quote(title)}")
    assert status == 200
    found = json.loads(body)
    assert found["slugs"][:1] == [slug], (title, found)
    assert found["first"] == f"/h/{lang}/{slug}", (title, found)
    # Without script: the search form's Enter is a redirect to the same place.
    status, headers, _ = get(site, f"/?q={quote(title)}&go=1")
    assert status == 303 and headers["location"] == f"/h/{lang}/{slug}"
    # ... and the page it opens is in that language, titled with it.
    status, _, page = get(site, f"/h/{lang}/{slug}")
    assert status == 200 and f'lang="{lang}"' in page and html.escape(title, quote=False) in page


@pytest.mark.parametrize("lang, slug", CASES, ids=IDS)
def test_any_word_of_its_own_title_finds_a_handout(site, lang, slug):
    """Each word of the title on its own (for Chinese, which writes no
    spaces, any two neighbouring characters of it: "抽筋" in "腿抽筋")."""
    title = article(lang, slug)["title"]
    typed = []
    for word in re.findall(r"\w+", title):
        han = re.fullmatch(r"[\u3400-\u4dbf\u4e00-\u9fff]+", word)
        typed += [word[i:i + 2] for i in range(len(word) - 1)] if han else [word] if len(word) >= 3 else []
    assert typed, title
    for word in typed:
        _, _, body = get(site, f"/search.json?q={quote(word)}")
        assert slug in json.loads(body)["slugs"], (word, title)


@pytest.mark.parametrize("lang", NEW)
def test_language_names_on_the_page_come_from_the_catalogs(site, lang):
    own = catalog(lang)["handout"]["language"]
    # The switch names every page language in its own words: its catalog's.
    status, _, page = get(site, "/")
    assert status == 200
    assert re.search(rf'<button[^>]*name="lang" value="{re.escape(lang)}" lang="{re.escape(lang)}">'
                     rf'{re.escape(html.escape(own, quote=False))}</button>', page), own
    # A page in that language names its own language the same way.
    _, _, page = get(site, f"/h/{lang}/{HANDOUTS[lang][0]}", lang=lang)
    assert f'<html lang="{lang}"' in page and html.escape(own, quote=False) in page


def test_a_clinics_own_name_for_a_language_is_the_one_shown(tmp_path):
    root = copy_project(REPO, tmp_path / "clinic")
    (root / "templates" / "labels" / "vi.yaml").write_text(
        (root / "templates" / "labels" / "vi.yaml").read_text("utf-8").replace(
            'language: "Tiếng Việt"', 'language: "Việt ngữ"'), "utf-8")
    with LiveServer(root) as server:
        _, _, page = get(server, "/")
    assert ">Việt ngữ</button>" in page and ">Tiếng Việt</button>" not in page


@pytest.mark.parametrize("lang", NEW)
def test_email_in_the_handouts_language(tmp_path, lang):
    """Subject, greeting and every fixed word from the handout's catalog,
    the subject read back decoded from its RFC 2047 form."""
    root = copy_project(REPO, tmp_path / "clinic")
    slug = HANDOUTS[lang][0]
    title = article(lang, slug)["title"]
    words = catalog(lang)["email"]
    approved = run_cli("approve", slug, "--lang", lang, "--project", str(root), "--by", "Test Reviewer, MD")
    assert approved.returncode == 0, approved.stderr            # a draft is never emailed
    with smtp_server() as (inbox, port):
        use_smtp(root, plain_smtp(port))
        sent = run_cli("email", f"{lang}:{slug}", "--to", "Lan Nguyen <lan@example.org>", "--lang", lang,
                       "--project", str(root))
    assert sent.returncode == 0, sent.stderr
    [got] = inbox.received
    msg = got.message
    clinic = yaml.safe_load((root / "content" / "clinic.yaml").read_text("utf-8"))["name"]
    assert msg["Subject"] == words["subject_one"].format(title=title, clinic=clinic)
    assert msg["Content-Language"] == lang
    head = got.data.split(b"\r\n\r\n", 1)[0].decode("ascii")    # the header travels encoded
    assert "Subject: =?utf-8?" in head
    text = msg.get_body(("plain",)).get_content()
    for key in ("greeting", "intro_one", "open_one", "urgent", "sign_off"):
        phrase = words[key].format(name="Lan Nguyen", clinic=clinic)
        assert phrase in " ".join(text.split()), (key, phrase)
    assert f'<html lang="{lang}" dir="' in msg.get_body(("html",)).get_content()
    [(name, data)] = [(p.get_filename(), p.get_content()) for p in msg.iter_attachments()]
    assert name == f"{title}.pdf" and data[:5] == b"%PDF-"


# --------------------------------------------------------------------------
# A language CLDR does not know, added with files alone.

HMONG = "hmn"


def add_hmong(root: Path) -> None:
    """Hmong (``hmn``, spoken by many US patients; Babel's CLDR data has no
    locale for it): a catalog naming the language "Hmoob" and a handout.
    The words are the English ones under the Hmong code: what this proves is
    that nothing in the code needs CLDR to know a language."""
    words = catalog("en")
    words["handout"]["language"] = "Hmoob"
    (root / "templates" / "labels" / f"{HMONG}.yaml").write_text(
        yaml.safe_dump(words, allow_unicode=True, sort_keys=False), "utf-8")
    (root / "content" / HMONG).mkdir()
    shutil.copy(root / "content" / "en" / "leg-cramps.yaml", root / "content" / HMONG / "leg-cramps.yaml")
    shutil.copytree(root / "content" / "blocks" / "en", root / "content" / "blocks" / HMONG)


def test_a_language_cldr_does_not_know_builds_and_is_served(tmp_path):
    from babel import Locale, UnknownLocaleError

    with pytest.raises(UnknownLocaleError):
        Locale.parse(HMONG)
    root = copy_project(REPO, tmp_path / "clinic")
    add_hmong(root)
    built = run_cli("build", "--project", str(root), "--out", str(root / "out"), "--lang", HMONG)
    assert built.returncode == 0, built.stderr
    approved = run_cli("approve", "leg-cramps", "--lang", HMONG, "--project", str(root), "--by", "Test Reviewer, MD")
    assert approved.returncode == 0, approved.stderr
    with LiveServer(root) as server:
        for accept in ("en", HMONG):           # the page in English, and in Hmong
            status, _, page = get(server, "/", lang=accept)
            assert status == 200, page[:500]
            # the switch (on the English page): the catalog's own name
            assert (">Hmoob</button>" in page) == (accept == "en")
            # the card's chip: CLDR has no name for it, so the catalog's
            assert f'href="/h/{HMONG}/leg-cramps">Hmoob</a>' in page
            # ... and a page in Hmong names English as English's catalog does
            assert 'href="/h/en/leg-cramps">English</a>' in page
        status, _, page = get(server, f"/h/{HMONG}/leg-cramps", lang=HMONG)
        assert status == 200 and f'<html lang="{HMONG}"' in page
        status, _, pdf = server.raw("GET", f"/h/{HMONG}/leg-cramps/handout.pdf")
        assert status == 200 and pdf[:5] == b"%PDF-"
        with smtp_server() as (inbox, port):
            use_smtp(root, plain_smtp(port))
            sent = run_cli("email", f"{HMONG}:leg-cramps", "--to", "tou@example.org", "--lang", HMONG,
                           "--project", str(root))
        assert sent.returncode == 0, sent.stderr
        assert inbox.received[0].message["Content-Language"] == HMONG
