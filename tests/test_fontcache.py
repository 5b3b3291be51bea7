"""Font faces from the per-user cache (handouts/fontcache.py) are the faces
ReportLab parses: for every font handouts ships, attribute by attribute;
a changed file, an entry of another kind or a damaged one is parsed again."""

from __future__ import annotations

import marshal
import shutil
from pathlib import Path

import font_source_sans_pro
import pytest
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from handouts import fontcache, fonts, usercache

#: The four faces of the Latin family and the files in handouts/fontfiles/.
SHIPPED = [Path(font_source_sans_pro.font_files_ttf[key]) for key in
           ("SourceSansPro", "SourceSansProBold", "SourceSansProIt", "SourceSansProBoldIt")] + \
    sorted(fonts.FONTFILES.rglob("*.tt[fc]"))


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(usercache.ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def same_as_parsed(font: TTFont, path: Path) -> None:
    parsed = TTFont("Parsed", str(path), subfontIndex=0, shapable=True, asciiReadable=False)
    mine, theirs = dict(vars(font.face)), dict(vars(parsed.face))
    scale, their_scale = mine.pop("_pdfScale"), theirs.pop("_pdfScale")
    assert mine == theirs
    assert [scale(v) for v in (0, 1, 7, 1000, 2048, -454)] == \
        [their_scale(v) for v in (0, 1, 7, 1000, 2048, -454)]
    for key in fontcache._NAMES:
        assert type(mine[key]) is type(theirs[key]) and mine[key].ustr == theirs[key].ustr
    assert set(vars(font)) == set(vars(parsed))
    assert (font.fontName, font._asciiReadable, font.shapable) == ("Mine", False, parsed.shapable)
    assert type(font.encoding) is type(parsed.encoding) and vars(font.encoding) == vars(parsed.encoding)
    assert dict(font.state) == {} and type(font.state) is type(parsed.state)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_face_from_the_cache_is_the_face_reportlab_parses(cache, path, monkeypatch):
    assert len(SHIPPED) == 7
    fontcache.ttfont("Mine", path)
    assert len(list((cache / fontcache.KIND).iterdir())) == 1
    parses = []
    extract = ttfonts.TTFontFile.extractInfo
    monkeypatch.setattr(ttfonts.TTFontFile, "extractInfo", lambda *a: parses.append(a) or extract(*a))
    font = fontcache.ttfont("Mine", path)
    assert parses == []                 # read from the entry, not parsed
    monkeypatch.setattr(ttfonts.TTFontFile, "extractInfo", extract)
    same_as_parsed(font, path)
    assert font.face.filename == str(path)
    assert font.face._ttf_data == path.read_bytes()


def test_a_changed_file_is_parsed_again(cache, tmp_path):
    regular, bold = (Path(font_source_sans_pro.font_files_ttf[k]) for k in ("SourceSansPro", "SourceSansProBold"))
    mine = tmp_path / "clinic.ttf"
    shutil.copyfile(regular, mine)
    assert fontcache.ttfont("Mine", mine).face.name == b"SourceSansPro-Regular"
    shutil.copyfile(bold, mine)       # the same path, other bytes
    font = fontcache.ttfont("Mine", mine)
    assert font.face.name == b"SourceSansPro-Bold"
    same_as_parsed(font, mine)
    assert len(list((cache / fontcache.KIND).iterdir())) == 2


@pytest.mark.parametrize("stored", [marshal.dumps([1, 2]), marshal.dumps({"name": b"x"}), b"\x00junk",
                                    b""])
def test_an_entry_that_is_not_a_face_is_parsed_again_and_rewritten(cache, stored):
    path = SHIPPED[0]
    fontcache.ttfont("Mine", path)
    (entry,) = (cache / fontcache.KIND).iterdir()
    good = usercache.read(fontcache.KIND, entry.name)
    usercache.write(fontcache.KIND, entry.name, stored)
    same_as_parsed(fontcache.ttfont("Mine", path), path)
    assert usercache.read(fontcache.KIND, entry.name) == good


def test_without_a_cache_the_face_is_parsed(monkeypatch):
    monkeypatch.setenv(usercache.ENV, "off")
    same_as_parsed(fontcache.ttfont("Mine", SHIPPED[0]), SHIPPED[0])


def test_a_clinics_own_font_file_is_read_and_hashed_once(cache, tmp_path, monkeypatch):
    """``fonts.custom_family`` names a clinic's font by its digest and
    registers its face from the bytes it read: the file is read once and
    its bytes hashed once, cache cold or warm."""
    regular = Path(font_source_sans_pro.font_files_ttf["SourceSansPro"])
    for run in range(2):
        mine = tmp_path / f"clinic-{run}.ttf"
        shutil.copyfile(regular, mine)
        read, hashed = [], []
        real_read, real_sha = Path.read_bytes, fonts.hashlib.sha256

        def read_bytes(self):
            if self == mine:
                read.append(self)
            return real_read(self)

        def sha256(data=b""):
            if len(data) == mine.stat().st_size:
                hashed.append(1)
            return real_sha(data)

        with monkeypatch.context() as m:
            m.setattr(Path, "read_bytes", read_bytes)
            m.setattr(fonts.hashlib, "sha256", sha256)
            family = fonts.custom_family({"regular": mine}, key=f"test-once-{run}")
        assert (len(read), len(hashed)) == (1, 1), (run, read, hashed)
        assert family.regular.startswith("Clinic-")
    assert len(list((cache / fontcache.KIND).iterdir())) == 1   # the second run: the same face, from the cache
