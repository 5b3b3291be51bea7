"""The article library: one Item type and parser, .yaml and .yml alike, each
article read once per content, and problems that carry a kind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from helpers import LANGS
from handouts import checks, library
from handouts.build import run
from handouts.errors import ContentError, Kind
from handouts.library import Item
from handouts.project import Project


@pytest.fixture(autouse=True)
def fresh_library():
    library.cache_clear()
    yield
    library.cache_clear()


def test_item_parse():
    assert Item.parse("es:leg-cramps", "en") == Item("es", "leg-cramps")
    assert Item.parse("leg-cramps", "fr") == Item("fr", "leg-cramps")
    assert str(Item("es", "leg-cramps")) == "es:leg-cramps"
    with pytest.raises(ContentError, match="not a language code"):
        Item.parse("../x:leg-cramps", "en")


def test_yml_is_found_and_yaml_wins(project: Path):
    en = project / "content/en"
    (en / "risk-factors.yaml").rename(en / "risk-factors.yml")
    proj = Project.find(project)
    assert library.files(proj, "en")["risk-factors"] == en / "risk-factors.yml"
    assert library.article(proj, Item("en", "risk-factors")).title == "Risk factors for vein problems"
    (en / "leg-cramps.yml").write_bytes((en / "leg-cramps.yaml").read_bytes())
    assert library.files(proj, "en")["leg-cramps"] == en / "leg-cramps.yaml"
    [stray] = library.stray_files(proj, "en")
    assert stray.path == en / "leg-cramps.yml" and "same name" in stray.message



def test_the_page_and_the_translation_survey_see_a_yml_handout(project: Path):
    from handouts.translations import survey
    from handouts.web.library import Library

    (project / "content/es/risk-factors.yaml").rename(project / "content/es/risk-factors.yml")
    proj = Project.find(project)
    card = Library(proj).card("risk-factors")
    assert card is not None and sorted(card.langs) == LANGS and len(card.good) == len(LANGS)
    found = survey(proj)
    assert found.missing("risk-factors") == [] and found.article("es", "risk-factors") is not None


def count_reads(monkeypatch) -> list[Path]:
    """Every article file read as YAML text, by any code (the loader's own
    reader, which every YAML parse goes through, still runs)."""
    from handouts import loader

    reads: list[Path] = []
    real = loader.read_text

    def counted(path, *args, **kwargs):
        if Path(path).parent.parent.name == "content":   # content/<lang>/<slug>.yaml
            reads.append(Path(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(loader, "read_text", counted)
    return reads


def test_check_parses_each_article_once(project: Path, monkeypatch):
    reads = count_reads(monkeypatch)
    results = checks.check(Project.find(project))
    articles = sorted((project / "content").glob("*/*.yaml"))
    assert len(articles) == 3 * len(LANGS) and len([r for r in results if r.lang != "*"]) == len(articles)
    assert sorted(reads) == articles  # once each: the build and the translation survey share them


def test_an_edit_is_read_again_even_with_the_same_size_and_time(project: Path, monkeypatch):
    reads = count_reads(monkeypatch)
    proj = Project.find(project)
    path = project / "content/en/leg-cramps.yaml"
    assert library.article(proj, Item("en", "leg-cramps")).title == "Leg cramps"
    assert library.article(proj, Item("en", "leg-cramps")).title == "Leg cramps"
    assert len(reads) == 1
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("Leg cramps", "Leg crampz", 1),
                    encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert library.article(proj, Item("en", "leg-cramps")).title == "Leg crampz"
    assert len(reads) == 2


def test_problems_carry_their_kind(project: Path):
    """check's glyph and fit columns come from the problems' kinds, not their words."""
    en = project / "content/en"
    text = (en / "leg-cramps.yaml").read_text(encoding="utf-8")
    (en / "leg-cramps.yaml").write_text(text.replace("Leg cramps", "Leg cramps \u0f00", 1),
                                        encoding="utf-8")
    long = "\n".join(f"  - heading: Part {i}\n    body: {'Walk a little every day. ' * 60}"
                     for i in range(6))
    (en / "risk-factors.yaml").write_text(
        "title: Too long\nsummary: Far too long to fit.\nreviewed: 2026-11-01\nsections:\n"
        + long + "\n", encoding="utf-8")
    report = run(Project.find(project), lang="en", write=False)
    kinds = {o.slug: {p.kind for p in o.problems} for o in report.outcomes}
    assert kinds["leg-cramps"] == {Kind.GLYPH}, report.all_problems() 
    assert kinds["risk-factors"] == {Kind.FIT}, report.all_problems()
    rows = {c.slug: c for c in checks.check(Project.find(project), ["en"])}
    assert rows["leg-cramps"].glyphs_ok is False and rows["risk-factors"].fits is False
    assert rows["cvi-symptoms"].glyphs_ok is True and rows["cvi-symptoms"].fits is True


def test_init_does_not_import_reportlab():
    """`handouts init` writes files through handouts.output, not the renderer."""
    code = ("import sys, handouts.scaffold, handouts.output; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'pikepdf')))")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    heavy = subprocess.run([sys.executable, "-c", code.replace("handouts.scaffold", "handouts.build")],
                           capture_output=True, text=True, env=env, timeout=60)
    assert "reportlab" in heavy.stdout  # the check itself can fail


def _files_as_listed(folder: Path) -> dict[str, Path]:
    """What library.files gave before its listing was kept: the folder read
    with pathlib at every call."""
    found: dict[str, Path] = {}
    for p in sorted(folder.iterdir(), key=lambda p: (p.suffix != ".yaml", p.name)):
        if p.suffix in (".yaml", ".yml") and not p.name.startswith("."):
            found.setdefault(p.stem, p)
    return dict(sorted(found.items()))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.sets(st.tuples(st.text(alphabet="ab.-_y", min_size=1, max_size=5),
                               st.sampled_from(["", ".yaml", ".yml", ".txt", ".", ".yaml.bak"])),
                     max_size=12))
def test_a_language_s_files_are_what_its_folder_holds(names, tmp_path_factory):
    """library.files (its folder's names kept until the folder changes,
    handouts/listing.py) gives what reading the folder with pathlib gives:
    .yaml before .yml, hidden files and other suffixes left out."""
    root = tmp_path_factory.mktemp("lib")
    folder = root / "content" / "en"
    folder.mkdir(parents=True)
    for stem, suffix in names:
        name = stem + suffix
        if name not in (".", "..") and "/" not in name:
            (folder / name).write_text("x", "utf-8")
    assert library.files(Project(root), "en") == _files_as_listed(folder)


def test_an_unchanged_folder_is_listed_once_and_a_change_is_seen_at_once(tmp_path, monkeypatch):
    """A language's folder is listed again only when it changes (its times);
    an article added, removed or renamed is seen by the next call. A folder
    changed within 2 s of being listed is listed every time (RACY_NS)."""
    from handouts import listing

    root = tmp_path / "clinic"
    folder = root / "content" / "en"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text("x", "utf-8")
    project = Project(root)
    before = listing.stats["listed"]
    library.files(project, "en")
    library.files(project, "en")
    assert listing.stats["listed"] == before + 2      # just changed: listed each time
    monkeypatch.setattr(listing, "RACY_NS", -1)       # as if it changed long ago
    library.files(project, "en")
    library.files(project, "en")
    library.languages(project)
    assert listing.stats["listed"] == before + 3
    (folder / "b.yml").write_text("x", "utf-8")
    assert list(library.files(project, "en")) == ["a", "b"]
    (folder / "b.yml").rename(folder / "c.yaml")
    assert list(library.files(project, "en")) == ["a", "c"]
    (folder / "a.yaml").unlink()
    assert list(library.files(project, "en")) == ["c"]
    assert library.files(project, "fr") == {}
