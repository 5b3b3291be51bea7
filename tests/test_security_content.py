"""Content that cannot become an attack (issue 17): a QR code or website that
is a javascript:, data: or file: link, in clinic.yaml or in a template's
<qr href>, is an error at its line (it became a PDF link and the QR payload,
and passed check --strict); a file in content/<lang>/ that is a link out of
content/ is refused by name (it was built and served)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO
from helpers import run_cli
from webutil import LiveServer, copy_project


def _clinic_line(project: Path, key: str, value: str) -> int:
    clinic = project / "content" / "clinic.yaml"
    lines = clinic.read_text("utf-8").splitlines()
    [i] = [n for n, line in enumerate(lines) if line.startswith(f"{key}:")]
    lines[i] = f"{key}: {value}"
    clinic.write_text("\n".join(lines) + "\n", "utf-8")
    return i + 1


@pytest.mark.parametrize("key, value", [
    ("qr", "javascript:alert(document.domain)"), ("qr", "JavaScript:alert(1)"),
    ("qr", "'data:text/html,<script>alert(1)</script>'"), ("qr", "file:///etc/passwd"),
    ("website", "javascript:alert(1)"), ("qr", "vbscript:msgbox(1)"),
])
def test_a_link_that_is_not_a_web_address_tel_or_mailto_is_an_error_at_its_line(project, key, value):
    line = _clinic_line(project, key, value)
    out = project / "out"
    for args in (("build", "leg-cramps", "--lang", "en", "--out", str(out)),
                 ("check", "leg-cramps", "--lang", "en", "--strict")):
        result = run_cli(*args, "--project", str(project))
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert re.search(rf"content/clinic\.yaml:{line}: {key}: \w+: links are not allowed",
                         result.stderr), result.stderr
    assert not (out / "en" / "leg-cramps.pdf").exists()


@pytest.mark.parametrize("value", ["tel:+15415550142", "mailto:care@riverbend.example.org",
                                   "https://riverbend.example.org/book"])
def test_web_tel_and_mailto_links_are_fine(project, value):
    _clinic_line(project, "qr", value)
    out = project / "out"
    result = run_cli("build", "leg-cramps", "--lang", "en", "--out", str(out), "--project", str(project))
    assert result.returncode == 0, result.stderr
    uris = [a.get_object()["/A"].get("/URI") for a in PdfReader(out / "en" / "leg-cramps.pdf").pages[0]
            .get("/Annots", []) if "/A" in a.get_object()]
    assert value in uris


def test_a_template_qr_link_is_checked_at_its_line(project):
    template = project / "templates" / "handout.xml.j2"
    text = template.read_text("utf-8")
    assert '<qr href="{{ clinic.qr }}"' in text
    template.write_text(text.replace('<qr href="{{ clinic.qr }}"', '<qr href="javascript:alert(1)"'), "utf-8")
    line = next(n for n, l in enumerate(template.read_text("utf-8").splitlines(), 1) if "<qr href" in l)
    result = run_cli("build", "leg-cramps", "--lang", "en", "--out", str(project / "out"),
                     "--project", str(project))
    assert result.returncode == 1
    assert f"templates/handout.xml.j2:{line}:" in result.stderr and "javascript: links" in result.stderr


def test_a_link_out_of_content_is_refused_by_name(project, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.yaml").write_text(
        (project / "content" / "en" / "leg-cramps.yaml").read_text("utf-8").replace(
            "Leg cramps", "Secret notes", 1), "utf-8")
    (project / "content" / "en" / "notes.yaml").symlink_to(outside / "secret.yaml")
    (project / "content" / "en" / "cramps.yaml").symlink_to("leg-cramps.yaml")   # inside: fine
    out = project / "out"
    result = run_cli("build", "--lang", "en", "--out", str(out), "--project", str(project))
    assert result.returncode == 1
    assert re.search(r"content/en/notes\.yaml: is a link to a file outside content/", result.stderr), \
        result.stderr
    assert not (out / "en" / "notes.pdf").exists()
    assert (out / "en" / "cramps.pdf").exists() and (out / "en" / "leg-cramps.pdf").exists()
    check = run_cli("check", "--lang", "en", "--project", str(project))
    assert check.returncode == 1 and "notes.yaml: is a link to a file outside content/" in check.stderr
    with LiveServer(project, outbox_retry_seconds=0) as site:
        page = site.raw("GET", "/")[2]
        assert b"Secret notes" not in page
        for path in ("/h/en/notes", "/h/en/notes/handout.pdf"):
            status, _, body = site.raw("GET", path)
            assert status in (200, 404, 409) and b"Secret notes" not in body and b"%PDF" not in body
            assert status == 409 or b"outside content/" in body or status == 404


@pytest.mark.parametrize("linked", ["en", "blocks", "blocks/en"])
def test_a_folder_linked_out_of_content_is_refused(project, tmp_path, linked):
    """A language folder, or the shared blocks' folder, that is a link out of
    content/: its articles (or the block they include) are refused by name;
    the same folder linked from inside content/ is read."""
    import shutil

    from handouts import library
    from handouts.errors import HandoutError

    content = project / "content"
    for target, refused in ((tmp_path / "elsewhere", True), (content / "moved", False)):
        shutil.move(content / linked, target)
        (content / linked).symlink_to(target)
        library.cache_clear()
        try:
            entry = library.load(content / "en" / "leg-cramps.yaml")
            if refused:
                with pytest.raises(HandoutError, match="is a link to a file outside content/"):
                    entry.get()
            else:
                assert entry.get().title == "Leg cramps"
        finally:
            (content / linked).unlink()
            shutil.move(target, content / linked)
            library.cache_clear()


def test_files_with_no_link_below_content_are_not_resolved(project, monkeypatch):
    """Whether an article or the block it includes leads out of content/ is
    told by a stat a part of its path below content/ when none is a link
    (resolving the whole path cost 50 µs a file); a link is resolved."""
    from handouts import library

    def resolve(self, strict=False):
        raise AssertionError(f"{self} was resolved")

    library.cache_clear()
    monkeypatch.setattr(Path, "resolve", resolve)
    try:
        assert library.load(project / "content" / "en" / "leg-cramps.yaml").get().callout
        (project / "content" / "en" / "cramps.yaml").symlink_to("leg-cramps.yaml")
        with pytest.raises(AssertionError, match="cramps.yaml was resolved"):
            library.load(project / "content" / "en" / "cramps.yaml")
    finally:
        library.cache_clear()
