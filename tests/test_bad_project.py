"""Bad input beyond the articles is never a traceback either: the brand's
colours, the logo, the templates, the output folder, one bad handout among
good ones (earlier good PDFs stay byte-identical), a handout too long for its
page, and bad names on the command line. One clear ``error:`` line each, exit
status 1, nothing half-written, the other handouts still built.

The articles' own mistakes are in test_bad_input.py; the helpers both use are
in helpers.py.
"""

from __future__ import annotations

import random
import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from helpers import (
    BAD, GOOD, OTHERS, SENTENCE, SLUGS, article_path, assert_clean_failure,
    assert_nothing_half_written, assert_others_built, build, clinic_path, error_lines,
    expect_error, insert_in_section, line_of, pdfs, set_line, shown, template_path, write_article,
)


def tiny_png(width: int, height: int) -> bytes:
    """A few-hundred-byte PNG whose header claims ``width`` x ``height``
    (1-bit grey); its pixel data is short, as a bomb's would be."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 256)) + chunk(b"IEND", b""))


def too_long_article(sections: int = 6) -> str:
    body = (SENTENCE * 27).strip()
    assert len(body) < 2500  # within the schema's limit: only the page is too small
    secs = "".join(f"  - heading: Part {i + 1}\n    body: {body}\n" for i in range(sections))
    return f"title: Leg cramps\nsummary: Far too long.\nreviewed: 2026-11-01\nsections:\n{secs}"


# ---------------------------------------------------------------------------
# 9. Brand colours.


@pytest.mark.parametrize("value", ['"blue"', '"#12345"', "blue", "123456"])
def test_bad_primary_colour(project, value):
    clinic = clinic_path(project)
    line = set_line(clinic, r"\s+primary:", f"  primary: {value}")
    result, out = build(project)
    expect_error(result, clinic, line, "colors.primary")
    assert pdfs(out, None) == []


def test_low_contrast_accent_names_the_colour_and_its_ratio(project):
    clinic = clinic_path(project)
    set_line(clinic, r"\s+accent:", '  accent: "#FFD700"')
    result, out = build(project)
    # Gold on white: (1.05 / 0.748) = 1.40:1, below WCAG's 4.5:1.
    found = expect_error(result, clinic, None, None, "#FFD700", "1.40:1", "4.5")
    assert "accent" in found
    assert pdfs(out, None) == []


def test_low_contrast_points_at_the_accent_line(project):
    clinic = clinic_path(project)
    line = set_line(clinic, r"\s+accent:", '  accent: "#FFD700"')
    result, _ = build(project)
    expect_error(result, clinic, line, "colors.accent", "#FFD700", "1.40:1")


# ---------------------------------------------------------------------------
# 10. The logo.


def _file(name: str, data: bytes):
    """A logo maker: write ``data`` as assets/NAME."""
    def make(assets: Path) -> str:
        (assets / name).write_bytes(data)
        return f"assets/{name}"
    return make


def _truncated(assets: Path) -> str:
    real = (assets / "logo.png").read_bytes()
    (assets / "cut.png").write_bytes(real[: len(real) // 2])
    return "assets/cut.png"


def _symlink_outside(assets: Path) -> str:
    (assets / "evil.png").symlink_to("/etc/passwd")
    return "assets/evil.png"


def _gif(assets: Path) -> str:
    Image.new("RGB", (40, 20), "red").save(assets / "logo.gif", "GIF")
    return "assets/logo.gif"


#: case -> (make the file in content/assets and return the logo: value, words in the error)
LOGO_CASES = {
    "missing": (lambda assets: "assets/nope.png", ("not found",)),
    "random-bytes": (_file("noise.png", random.Random(7).randbytes(4096)), ("not a PNG or JPEG that can be opened",)),
    "truncated": (_truncated, ("not a PNG or JPEG that can be opened",)),
    "bomb-30000x30000": (_file("bomb.png", tiny_png(30000, 30000)), ()),
    "too-many-pixels-5000x5000": (_file("big.png", tiny_png(5000, 5000)), ("limit",)),
    "parent-path": (lambda assets: "../../etc/passwd", ("outside",)),
    "absolute-path": (lambda assets: "/etc/passwd", ("absolute",)),
    "symlink-outside": (_symlink_outside, ("outside",)),
    "gif": (_gif, ("GIF",)),
}


@pytest.mark.parametrize("case", LOGO_CASES)
def test_bad_logo_is_an_error_on_the_logo_line(project, case):
    make, words = LOGO_CASES[case]
    value = make(project / "content" / "assets")
    if case.startswith(("bomb", "too-many")):
        assert len((project / "content" / value).read_bytes()) < 1024  # small file, huge header
    clinic = clinic_path(project)
    line = set_line(clinic, r"logo:", f"logo: {value}")
    start = time.monotonic()
    result, out = build(project)
    assert time.monotonic() - start < 10  # a bomb is refused, never decoded
    found = expect_error(result, clinic, line, "logo", *words)
    assert value in found
    assert "root:" not in result.stderr + result.stdout  # never echoes a file it refused
    assert pdfs(out, None) == []


# ---------------------------------------------------------------------------
# 11. Templates: the sandbox holds, and every error names the template line.


@pytest.mark.parametrize("expr, words", [
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", ("sandbox",)),
    ("{{ cycler.__init__.__globals__ }}", ("sandbox",)),
    ("{{ lipsum.__globals__ }}", ("sandbox",)),
    ("{{ article.title|attr('__class__') }}", ("sandbox",)),
    ("{{ article.sections.append(1) }}", ("sandbox",)),
    ("{{ article.nonexistent }}", ("nonexistent",)),
    ("{{ nosuchvar }}", ("nosuchvar",)),
    ("{% if %}", ("syntax",)),
    ("{{ article.title|nosuchfilter }}", ("nosuchfilter",)),
    ("{% include '../../etc/passwd' %}", ("not found",)),
    ("{{ 'a' * 10**9 }}", ("sandbox",)),
    ("{{ 'ab' * 1000000000 }}", ("sandbox",)),
], ids=["str-subclasses", "cycler-globals", "lipsum-globals", "attr-filter", "list-append",
        "undefined-attr", "undefined-name", "syntax", "unknown-filter", "include-escape",
        "huge-power", "huge-repeat"])
def test_template_error_names_the_template_and_line(project, expr, words):
    line = insert_in_section(project, f"<para>{expr}</para>")
    result, out = build(project)
    template = template_path(project)
    found = expect_error(result, template, line, None, *words)
    both = result.stdout + result.stderr
    for leak in ("Popen", "subprocess", "__builtins__", "root:x:"):
        assert leak not in both
    assert all(shown(template) in e for e in error_lines(result)), found
    assert pdfs(out, None) == []
    assert_nothing_half_written(out)


@pytest.mark.parametrize("markup, words", [
    ("<marquee>hi</marquee>", ("<marquee>",)),
    ("<para>x <blink>hi</blink></para>", ("<blink>",)),
])
def test_unknown_markup_tag_names_the_template_line(project, markup, words):
    line = insert_in_section(project, markup)
    result, out = build(project)
    expect_error(result, template_path(project), line, None, *words)
    assert pdfs(out, None) == []


def test_misplaced_known_tag_names_its_own_line(project):
    line = insert_in_section(project, "<tagline>hi</tagline>")
    result, _ = build(project)
    expect_error(result, template_path(project), line, None, "<tagline>")


# ---------------------------------------------------------------------------
# 14. The output path.


def test_out_pointing_at_a_file_is_a_clear_error(project, tmp_path):
    target = tmp_path / "not-a-folder"
    target.write_bytes(b"keep me")
    result, _ = build(project, out=target)
    assert_clean_failure(result)
    assert all(str(target) in e for e in error_lines(result)), result.stderr
    assert "file" in result.stderr
    assert target.read_bytes() == b"keep me"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]


def test_a_folder_where_a_pdf_goes_fails_that_handout_only(project, tmp_path):
    out = tmp_path / "out"
    (out / "en" / f"{BAD}.pdf").mkdir(parents=True)
    result, _ = build(project, out=out)
    expect_error(result, out / "en" / f"{BAD}.pdf", None, None, "folder")
    assert_others_built(result, out)


# ---------------------------------------------------------------------------
# 15 and 16. One bad handout fails alone; earlier good output stays intact.


def test_one_bad_handout_does_not_stop_the_others(project):
    path = write_article(project, GOOD.replace("title: Leg cramps", "title: 123"))
    result, out = build(project)
    expect_error(result, path, 1, "title")
    assert_others_built(result, out)
    assert all(f"{s}.pdf" in result.stdout for s in OTHERS)


BREAKS = {
    "yaml-syntax": lambda p: write_article(p, GOOD.replace("    bullets:", "   bullets:")),
    "schema": lambda p: write_article(p, GOOD.replace("reviewed:", "reviewd:")),
    "missing-glyph": lambda p: write_article(p, GOOD.replace("sudden.", "sudden \u2603.")),
    "too-long": lambda p: write_article(p, too_long_article()),
    "empty": lambda p: write_article(p, b""),
}


@pytest.mark.parametrize("how", BREAKS)
def test_earlier_good_pdf_stays_byte_identical(project, how):
    write_article(project, GOOD)
    first, out = build(project)
    assert first.returncode == 0, first.stderr
    before = {s: (out / "en" / f"{s}.pdf").read_bytes() for s in SLUGS}

    BREAKS[how](project)
    second, _ = build(project, out=out)
    expect_error(second, article_path(project), None, None)
    after = {s: (out / "en" / f"{s}.pdf").read_bytes() for s in SLUGS}
    assert after[BAD] == before[BAD]
    assert after == before  # the others rebuild to the same bytes
    leftovers = [p.name for p in out.rglob("*") if p.suffix == ".tmp" or p.name.startswith(".")]
    assert leftovers == []


def test_bad_clinic_file_leaves_every_earlier_pdf_alone(project):
    first, out = build(project)
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in out.rglob("*.pdf")}
    set_line(clinic_path(project), r"\s+primary:", '  primary: "blue"')
    second, _ = build(project, out=out)
    expect_error(second, clinic_path(project), None, "colors.primary")
    assert {p: p.read_bytes() for p in out.rglob("*.pdf")} == before
    assert not [p for p in out.rglob("*") if p.suffix == ".tmp"]


# ---------------------------------------------------------------------------
# 17. Too long for one page.


def test_too_long_for_one_page_says_how_much_is_over(project):
    path = write_article(project, too_long_article())
    result, out = build(project)
    found = expect_error(result, path, None, None, "does not fit on one page")
    m = re.search(r"about (\d+) lines? \((\d+\.\d\d) in\) too long", found)
    assert m, found
    assert int(m.group(1)) > 0 and float(m.group(2)) > 0
    assert_others_built(result, out)


def test_too_long_names_the_line_and_field_where_it_overflows(project):
    text = too_long_article()
    path = write_article(project, text)
    result, _ = build(project)
    found = expect_error(result, path, None, None, "does not fit on one page")
    m = re.match(re.escape(f"error: {shown(path)}:") + r"(\d+): sections\[(\d)\]\.(heading|body): ", found)
    assert m, found
    heading = line_of(text, f"Part {m.group(2)}")
    assert int(m.group(1)) == (heading if m.group(3) == "heading" else heading + 1), found


def test_overlong_callout_is_blamed_for_the_overflow(project):
    body = (SENTENCE * 36).strip()
    bullet = "Call the clinic if a sore on your leg will not heal. " * 5
    bullets = "".join(f"    - {bullet.strip()}\n" for _ in range(10))
    text = (GOOD + f"callout:\n  heading: When to get help\n  body: {body}\n  bullets:\n{bullets}")
    path = write_article(project, text)
    result, _ = build(project)
    found = expect_error(result, path, None, None, "does not fit on one page")
    assert re.match(re.escape(f"error: {shown(path)}") + r"(:\d+)?: callout", found), found


# ---------------------------------------------------------------------------
# 18 and 19. Bad names on the command line.


@pytest.mark.parametrize("slugs", [["nosuch"], [BAD, "nosuch"], ["../en/leg-cramps"]])
def test_unknown_slug_is_a_clear_error(project, slugs):
    result, out = build(project, *slugs)
    assert_clean_failure(result)
    assert any(slugs[-1] in e for e in error_lines(result)), result.stderr
    assert pdfs(out, None) == []


@pytest.mark.parametrize("lang", ["../../x", "../en", "en/../en", "/etc"])
def test_path_like_lang_is_refused(project, lang):
    result, out = build(project, "--lang", lang)
    assert_clean_failure(result)
    assert any("--lang" in e and repr(lang) in e for e in error_lines(result)), result.stderr
    assert not out.exists() or not any(out.rglob("*"))
    assert not (project.parent / "x").exists()


