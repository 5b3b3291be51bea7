"""The render API for email and the front-desk page: the same bytes as
`handouts build`, memoised on every input, never stale."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from helpers import REPO, SLUGS, run_cli
from handouts import render as api
from handouts.errors import HandoutError
from handouts.library import Item
from handouts.project import Project


@pytest.fixture(autouse=True)
def fresh_cache():
    api.cache_clear()
    yield
    api.cache_clear()


def pdf(project: Project, slug: str, lang: str, **options) -> bytes:
    return api.render(project, Item(lang, slug), **options).pdf


def cli_pdf(project: Path, tmp: Path, *args: str) -> bytes:
    out = tmp / "cli-out"
    result = run_cli("build", "--project", str(project), "--out", str(out), *args)
    assert result.returncode == 0, result.stderr
    pdfs = list(out.rglob("*.pdf"))
    assert len(pdfs) == 1, pdfs
    return pdfs[0].read_bytes()


def test_same_bytes_as_build(built):
    proj = Project.find(REPO)
    for slug in SLUGS:
        assert pdf(proj, slug, "en") == (built / "en" / f"{slug}.pdf").read_bytes(), slug


def test_large_print_and_paper_same_bytes_as_build(project, tmp_path):
    proj = Project.find(project)
    expected = cli_pdf(project, tmp_path, "--large-print", "--paper", "a4", "en:leg-cramps")
    assert pdf(proj, "leg-cramps", "en", paper="a4", large_print=True) == expected
    assert pdf(proj, "leg-cramps", "en") != expected


def test_packet_same_bytes_as_build(project, tmp_path):
    target = tmp_path / "packet.pdf"
    result = run_cli("build", "--project", str(project), "--packet", str(target),
                     "risk-factors", "leg-cramps")
    assert result.returncode == 0, result.stderr
    done = api.render_packet(Project.find(project), [Item("en", "risk-factors"), Item("en", "leg-cramps")])
    assert done.pdf == target.read_bytes()
    assert done.items == (("en", "risk-factors"), ("en", "leg-cramps")) and len(done.fits) == 2
    assert "Risk factors" in done.title and "Leg cramps" in done.title and done.lang == "en"


def test_mixed_language_packet_same_bytes_as_build(project, tmp_path):
    """The API makes a packet of several languages itself (the page has no
    fallback of its own)."""
    target = tmp_path / "packet.pdf"
    result = run_cli("build", "--project", str(project), "--packet", str(target),
                     "es:leg-cramps", "en:risk-factors")
    assert result.returncode == 0, result.stderr
    done = api.render_packet(Project.find(project), [Item("es", "leg-cramps"), Item("en", "risk-factors")])
    assert done.pdf == target.read_bytes() and done.lang == "es"


def test_the_result_says_fit_title_and_language(project):
    done = api.render(Project.find(project), Item("es", "leg-cramps"), large_print=True)
    assert done.pdf.startswith(b"%PDF") and done.item == Item("es", "leg-cramps")
    assert done.lang == "es" and done.title.startswith("Calambres")
    assert done.fit.fits and done.fit.pages in (1, 2) and done.fit.body_pt >= 18


def test_a_yml_handout_renders(project, tmp_path):
    (project / "content/en/leg-cramps.yaml").rename(project / "content/en/leg-cramps.yml")
    done = api.render(Project.find(project), Item("en", "leg-cramps"))
    assert done.pdf == cli_pdf(project, tmp_path, "en:leg-cramps") and done.title == "Leg cramps"


def test_second_call_is_served_from_cache(project):
    proj = Project.find(project)
    first = api.render(proj, Item("en", "leg-cramps"))
    assert api.cache_info()["misses"] == 1
    again = api.render(Project.find(project), Item("en", "leg-cramps"))
    assert again is first  # the very same object: nothing was rendered
    assert api.cache_info()["hits"] == 1 and api.cache_info()["misses"] == 1
    # Other options are other entries.
    assert pdf(proj, "leg-cramps", "en", paper="a4") != first.pdf
    assert api.cache_info()["misses"] == 2


def edit(path: Path, old: str, new: str) -> None:
    """Change a file but keep its size and modification time: only the
    content tells that it changed."""
    text = path.read_text(encoding="utf-8")
    assert old in text and len(old) == len(new)
    st = path.stat()
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_edited_article_is_never_stale(project, tmp_path):
    proj = Project.find(project)
    before = pdf(proj, "leg-cramps", "en")
    edit(project / "content/en/leg-cramps.yaml", "cramps", "crampz")
    after = pdf(proj, "leg-cramps", "en")
    assert after != before
    assert after == cli_pdf(project, tmp_path, "en:leg-cramps")


def test_edited_clinic_logo_and_template_are_never_stale(project, tmp_path):
    proj = Project.find(project)
    seen = {pdf(proj, "leg-cramps", "en")}
    edit(project / "content/clinic.yaml", "Vein", "Vain")
    seen.add(pdf(proj, "leg-cramps", "en"))
    # The same logo size, one pixel changed, the old modification time.
    logo = project / "content/assets/logo.png"
    st = logo.stat()
    with Image.open(logo) as img:
        img.load()
        img = img.convert("RGBA")
    img.putpixel((img.width // 2, img.height // 2), (255, 0, 0, 255))
    img.save(logo)
    os.utime(logo, ns=(st.st_atime_ns, st.st_mtime_ns))
    seen.add(pdf(proj, "leg-cramps", "en"))
    # The catalog's words (the template takes them from there).
    edit(project / "templates/labels/en.yaml", "Call us", "Ring us")
    latest = pdf(proj, "leg-cramps", "en")
    seen.add(latest)
    assert len(seen) == 4, "an edit was served stale"
    assert latest == cli_pdf(project, tmp_path, "en:leg-cramps")


def test_bad_input_raises_and_is_not_kept(project):
    proj = Project.find(project)
    article = project / "content/en/leg-cramps.yaml"
    good = article.read_text(encoding="utf-8")
    article.write_text(good.replace("title:", "titel:", 1), encoding="utf-8")
    with pytest.raises(HandoutError) as err:
        pdf(proj, "leg-cramps", "en")
    assert "leg-cramps.yaml" in str(err.value)
    with pytest.raises(HandoutError, match="no handout named"):
        pdf(proj, "no-such-handout", "en")
    with pytest.raises(HandoutError, match="not a language code"):
        pdf(proj, "leg-cramps", "../../etc")
    assert api.cache_info()["entries"] == 0
    article.write_text(good, encoding="utf-8")
    assert pdf(proj, "leg-cramps", "en").startswith(b"%PDF")


def test_other_paper_and_large_print_reuse_the_checked_handout(project, monkeypatch):
    """The front desk asks for the same handout on other paper or in large
    print: its words are read, checked and put in the template once."""
    from handouts import build, handout

    proj = Project.find(project)
    pdf(proj, "leg-cramps", "en")
    fresh = {}
    for options in ({"paper": "a4"}, {"large_print": True}):
        api.cache_clear()
        fresh[str(options)] = pdf(proj, "leg-cramps", "en", **options)
    api.cache_clear()
    pdf(proj, "leg-cramps", "en")

    def never(*args, **kwargs):
        raise AssertionError("the handout was made again")

    monkeypatch.setattr(build, "load_handout", never)
    monkeypatch.setattr(handout, "handout_markup", never)
    for options in ({"paper": "a4"}, {"large_print": True}):
        assert pdf(proj, "leg-cramps", "en", **options) == fresh[str(options)]


def test_edited_article_is_never_stale_on_other_paper(project):
    proj = Project.find(project)
    letter = api.render(proj, Item("en", "leg-cramps"))
    edit(project / "content/en/leg-cramps.yaml", "cramps", "crampz")
    a4 = api.render(proj, Item("en", "leg-cramps"), paper="a4")
    assert "crampz" in a4.approvals[0].text and "crampz" not in letter.approvals[0].text


def test_a_new_day_is_rendered_again(project, monkeypatch):
    """The review line depends on the day (a review falls due): yesterday's
    PDF is not served today."""
    import datetime as dt
    import types

    proj = Project.find(project)
    pdf(proj, "leg-cramps", "en")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr(api, "dt", types.SimpleNamespace(date=types.SimpleNamespace(today=lambda: tomorrow)))
    pdf(proj, "leg-cramps", "en")
    assert api.cache_info()["misses"] == 2 and api.cache_info()["hits"] == 0


def test_a_digest_is_kept_on_the_files_times_and_an_edit_is_still_seen(tmp_path, monkeypatch):
    """Asking whether an input changed costs a stat; an edit that keeps the
    size and modification time moves the change time, so it is still seen;
    a file read in the same clock tick as it was written is read every time."""
    import time

    from handouts import inputs

    path = tmp_path / "words.yaml"
    path.write_text("title: Leg cramps\n", encoding="utf-8")
    first = inputs.file_digest(path)
    assert not any(key[0] == str(path) for key in inputs._known), "a file written just now was kept"
    monkeypatch.setattr(inputs, "RACY_NS", -1)   # as if it had been written long ago
    assert inputs.file_digest(path) == first
    assert any(key[0] == str(path) for key in inputs._known)
    time.sleep(0.05)    # a tick of the file system's clock
    edit(path, "cramps", "crampz")
    assert inputs.file_digest(path) != first


def test_the_page_starts_ready_with_its_start_up_frozen(project):
    """``handouts serve`` (settings_for) starts the page with render.ready:
    the brand loaded and every object made so far frozen out of the garbage
    collector's reach (a full collection that scanned them cost the render
    it fell in 15-25 ms); the PDFs are the same."""
    import gc

    from handouts.web.serve import settings_for
    from webutil import LiveServer

    proj = Project.find(project)
    before = api.render(proj, Item("en", "leg-cramps")).pdf
    api.cache_clear()
    assert settings_for("127.0.0.1", environ={}).ready_at_start
    gc.unfreeze()
    try:
        with LiveServer(project):
            assert gc.get_freeze_count() == 0      # tests' servers are not `handouts serve`
        with LiveServer(project, ready_at_start=True) as server:
            assert gc.get_freeze_count() > 20_000
            status, _, body = server.raw("GET", "/")
            assert status == 200
        assert api.render(proj, Item("en", "leg-cramps")).pdf == before
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("change", ["article", "catalog", "new template file", "block", "record gone",
                                    "clinic"])
def test_an_input_changed_while_rendering_is_not_kept(project, monkeypatch, change):
    """A file edited, added or removed while a handout is being rendered:
    the PDF made from what was read is returned, but not kept, and the next
    request renders the edit."""
    from handouts import build

    proj = Project.find(project)
    fresh = pdf(proj, "leg-cramps", "en")
    api.cache_clear()
    render_single = build.render_single

    def render_then_edit(*args, **kwargs):
        done = render_single(*args, **kwargs)
        if change == "article":
            edit(project / "content/en/leg-cramps.yaml", "cramps", "crampz")
        elif change == "catalog":
            edit(project / "templates/labels/en.yaml", "Call us", "Ring us")
        elif change == "new template file":
            (project / "templates/labels/notes.txt").write_text("not a catalog\n", encoding="utf-8")
        elif change == "block":
            edit(project / "content/blocks/en/when-to-get-help.yaml", "a clot", "a clog")
        elif change == "record gone":
            (project / "content/approvals/en/leg-cramps.yaml").unlink()
        else:
            edit(project / "content/clinic.yaml", "Vein", "Vain")
        return done

    monkeypatch.setattr(build, "render_single", render_then_edit)
    assert pdf(proj, "leg-cramps", "en") == fresh   # made from what was read
    assert api.cache_info()["entries"] == 0
    monkeypatch.setattr(build, "render_single", render_single)
    after = api.render(proj, Item("en", "leg-cramps"))
    assert api.cache_info()["misses"] == 2
    if change == "new template file":
        assert after.pdf == fresh   # read again, the same words
    else:
        assert after.pdf != fresh
    assert api.render(proj, Item("en", "leg-cramps")) is after   # kept now


def test_the_check_after_a_render_walks_and_hashes_once(monkeypatch):
    """The inputs are read once a render: the check after it (that no input
    changed while it was made) stats each file and walks each folder again,
    without hashing their digests again; and the template folders are walked
    once when the project's are the bundled ones (the demo). Before, each
    folder was walked and hashed twice, the templates four times."""
    from handouts import inputs

    walked = []

    def tree_digest(folder, seen=None):
        walked.append(str(folder))
        return inputs.tree_digest(folder, seen)

    monkeypatch.setattr(api, "tree_digest", tree_digest)
    proj = Project.find(REPO)
    assert proj.templates == proj.root / "templates" == api.bundled_root() / "templates"
    api.render(proj, Item("en", "leg-cramps"))
    assert sorted(walked) == [str(REPO / "content/blocks/en"), str(REPO / "templates")]
