"""What a patient gets from the real PDFs, for every handout in every language
in content/, on Letter and A4, in normal and large print, and in a packet:
whole words in the structure tree (what a screen reader reads)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli
from pdfutil import glued_words, pdftotext, poppler_structure_text, structure_blocks

CONTENT = REPO / "content"
LANGS = sorted(d.name for d in CONTENT.iterdir() if d.is_dir() and any(d.glob("*.yaml")))
HANDOUTS = {lang: sorted(p.stem for p in (CONTENT / lang).glob("*.yaml")) for lang in LANGS}
PAPERS = ("letter", "a4")
SINGLES = [f"{lang}/{slug}/{paper}{'/large' if large else ''}"
           for lang in LANGS for slug in HANDOUTS[lang] for paper in PAPERS for large in (False, True)]
PACKETS = [f"{lang}/packet/{paper}{'/large' if large else ''}"
           for lang in LANGS for paper, large in (("letter", False), ("a4", True))]
ALL = SINGLES + PACKETS

#: Article keys that are not printed as text.
NOT_PRINTED = {"keywords", "reviewed", "next_review", "checklist"}
#: clinic.yaml keys that are printed as text.
CLINIC_PRINTED = ("name", "tagline", "phone", "address", "website", "email", "disclaimer")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """Every variant of every handout, and packets, built once through the CLI."""
    out = tmp_path_factory.mktemp("reading")
    files = {}
    for lang in LANGS:
        for paper in PAPERS:
            for large in (False, True):
                folder = out / f"{paper}{'-large' if large else ''}"
                extra = ["--large-print"] if large else []
                result = run_cli("build", "--project", str(REPO), "--out", str(folder),
                                 "--paper", paper, "--lang", lang, *extra)
                assert result.returncode == 0, result.stderr
                for slug in HANDOUTS[lang]:
                    name = f"{slug}{'-large-print' if large else ''}.pdf"
                    files[f"{lang}/{slug}/{paper}{'/large' if large else ''}"] = folder / lang / name
        for key in PACKETS:
            if key.startswith(f"{lang}/"):
                _, _, paper, *large = key.split("/")
                target = out / f"packet-{lang}-{paper}{'-large' if large else ''}.pdf"
                result = run_cli("build", "--project", str(REPO), "--packet", str(target),
                                 "--paper", paper, "--lang", lang,
                                 *(["--large-print"] if large else []), *HANDOUTS[lang])
                assert result.returncode == 0, result.stderr
                files[key] = target
    return files


def printed_strings(data, skip=NOT_PRINTED):
    """Every printed string of a loaded YAML article."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in skip:
                yield from printed_strings(value, skip)
    elif isinstance(data, list):
        for value in data:
            yield from printed_strings(value, skip)


def slugs_in(key: str) -> tuple[str, list[str]]:
    lang, slug = key.split("/")[:2]
    return lang, HANDOUTS[lang] if slug == "packet" else [slug]


def article_words(lang: str, slug: str) -> list[str]:
    data = yaml.safe_load((CONTENT / lang / f"{slug}.yaml").read_text("utf-8"))
    return [w for s in printed_strings(data) for w in s.split()]


def clinic_words() -> list[str]:
    clinic = yaml.safe_load((CONTENT / "clinic.yaml").read_text("utf-8"))
    return [w for k in CLINIC_PRINTED if isinstance(clinic.get(k), str) for w in clinic[k].split()]


def vocabulary(key: str, path: Path) -> set[str]:
    """The words the text is made of: the YAML's, the clinic's and the page's
    own words as poppler lays them out line by line (which has the labels and
    the date, and never glues words from two lines)."""
    lang, slugs = slugs_in(key)
    words = set(pdftotext(path).split()) | set(clinic_words())
    for slug in slugs:
        words |= set(article_words(lang, slug))
    return words


@pytest.mark.parametrize("key", ALL)
def test_structure_text_has_every_word_whole(pdfs, key):
    """Line breaks are real spaces: no two words run together in the text a
    screen reader gathers from the structure tree (pdfplumber's tree and
    poppler's), and every word of the YAML is there as a whole word."""
    path = pdfs[key]
    vocab = vocabulary(key, path)
    tokens = " ".join(text for _, text in structure_blocks(path)).split()
    assert glued_words(tokens, vocab) == []
    assert glued_words(" ".join(poppler_structure_text(path)).split(), vocab) == []
    lang, slugs = slugs_in(key)
    have = set(tokens)
    for slug in slugs:
        missing = [w for w in article_words(lang, slug) if w not in have]
        assert missing == [], f"{slug}: not whole words in the structure text: {missing[:8]}"
    missing = [w for w in clinic_words() if w not in have]
    assert missing == [], f"clinic words not whole in the structure text: {missing[:8]}"


def test_print_the_structure_text_of_one_handout(pdfs, capsys):
    """Prints what a screen reader gets from leg-cramps, element by element, for
    docs/accessibility.md (run with -s)."""
    blocks = structure_blocks(pdfs["en/leg-cramps/letter"])
    for kind, text in blocks:
        print(f"{kind:7} {text}")
    assert ("H1", "Leg cramps") in blocks
