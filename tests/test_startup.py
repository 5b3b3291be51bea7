"""What a build does before its first handout (issue 22, cold start): it
registers only the fonts it draws with and parses only the catalogs of the
languages it builds, while clinic.yaml's words are still checked in every
language with the same messages (the check reads a font's character map,
handouts/cmaps.py, instead of registering it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from helpers import REPO, clinic_path, error_lines, processes_at_once, run_cli


def shipped_and_other_fonts() -> list[Path]:
    import font_source_sans_pro
    import reportlab

    from handouts.fonts import FONTFILES

    vera = sorted((Path(reportlab.__file__).parent / "fonts").glob("Vera*.ttf"))
    assert vera
    return [*sorted(FONTFILES.glob("*/*.tt[fc]")), *map(Path, font_source_sans_pro.font_files_ttf.values()), *vera]


@pytest.mark.parametrize("path", shipped_and_other_fonts(), ids=lambda p: p.name)
def test_a_character_map_read_alone_is_what_reportlab_registers(path):
    from reportlab.pdfbase.ttfonts import TTFontFace

    from handouts import cmaps

    codes = cmaps.characters(path)
    registered = frozenset(TTFontFace(str(path)).charToGlyph)
    assert codes is not None and frozenset(codes) == registered
    # Looked up by binary search: the same answer for every code near a mapped one.
    near = {c + d for c in registered for d in (-1, 0, 1)} | {0, 0x10FFFF}
    assert [c for c in near if (c in codes) != (c in registered)] == []


def test_a_cold_english_build_registers_and_parses_only_what_it_draws(tmp_path, monkeypatch):
    """A one-handout English build of the demo (whose clinic.yaml has words
    in five languages) registers only Source Sans Pro, parses only the
    English catalog and opens only English CLDR data (Babel's locale files);
    a Chinese one adds the Chinese font and data, not the Arabic ones, and
    opens no English CLDR data (clinic.yaml's font keys, CLDR's English
    script names, are read only for a fonts: block that needs them). With
    the per-user cache off: with it warm, a build opens no CLDR data at all
    (tests/test_usercache.py)."""
    monkeypatch.setenv("HANDOUTS_CACHE_DIR", "off")
    def code(lang: str) -> str:
        return ("import json, sys\nfrom pathlib import Path\n"
                "cldr = set()\n"
                "def hook(event, args):\n"
                "    if event == 'open' and isinstance(args[0], str) and 'locale-data' in args[0]:\n"
                "        cldr.add(Path(args[0]).stem)\n"
                "sys.addaudithook(hook)\n"
                "from handouts.cli import main\nfrom handouts import catalog\n"
                "from reportlab.pdfbase import pdfmetrics\n"
                f"try:\n    main(['build', '--project', {str(REPO)!r}, '--lang', {lang!r}, "
                f"'--out', {str(tmp_path / lang)!r}, 'leg-cramps'])\n"
                "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
                "print(json.dumps([catalog._read.cache_info().currsize, sorted(pdfmetrics.getRegisteredFontNames()),"
                " sorted(cldr)]))\n")
    en, zh = processes_at_once(*([sys.executable, "-c", code(lang)] for lang in ("en", "zh-Hans")), cwd=REPO)
    assert en.returncode == zh.returncode == 0, en.stderr + zh.stderr
    latin = ["SourceSansPro", "SourceSansPro-Bold", "SourceSansPro-BoldIt", "SourceSansPro-It"]
    # en.yaml alone; no Arabic, no Chinese font; no Spanish, Vietnamese, Chinese or Arabic CLDR data
    assert json.loads(en.stdout.splitlines()[-1]) == [1, latin, ["en", "root"]]
    # zh-Hans.yaml and en.yaml (the reference every catalog is checked against)
    assert json.loads(zh.stdout.splitlines()[-1]) == [2, [*latin, "WenQuanYiMicroHei"],
                                                      ["root", "zh", "zh_Hans"]]


def test_clinic_words_are_checked_in_every_language_by_a_one_language_build(project, tmp_path):
    """A word of clinic.yaml that a language's font cannot draw stops an
    English build, with the same one line per field as when every font was
    registered at start-up: the Chinese and Arabic fonts (the Arabic italic
    face under its own name), and the Latin italic for Vietnamese."""
    clinic = clinic_path(project)
    text = clinic.read_text("utf-8")
    for old, new in (("  zh-Hans: 呵护腿部和静脉健康", "  zh-Hans: 呵护腿部🦵和静脉健康"),
                     ("  ar: رعاية لساقين وأوردة سليمة", "  ar: رعاية لساقين 🦵 وأوردة سليمة"),
                     ("  ar: هذه الورقة للتثقيف فقط.", "  ar: هذه الورقة ⛑ للتثقيف فقط."),
                     ("  vi: Tờ này chỉ để tìm hiểu.", "  vi: Tờ này ⛑ chỉ để tìm hiểu.")):
        assert old in text
        text = text.replace(old, new)
    clinic.write_text(text, "utf-8")
    result = run_cli("build", "--project", str(project), "--lang", "en", "--out", str(tmp_path), "leg-cramps")
    assert result.returncode == 1
    helmet, leg = '"⛑" (U+26D1 HELMET WITH WHITE CROSS)', '"🦵" (U+1F9B5 LEG)'
    assert error_lines(result) == [
        f"error: content/clinic.yaml:10: tagline.zh-Hans: the font WenQuanYiMicroHei (used for zh-Hans) "
        f"has no glyph for {leg} in the word “呵护腿部🦵和静脉健康”",
        f"error: content/clinic.yaml:11: tagline.ar: the font NotoSansArabic (used for ar) has no glyph "
        f"for {leg} in the word “🦵”",
        f"error: content/clinic.yaml:31: disclaimer.vi: the font SourceSansPro-It (used for vi) has no "
        f"glyph for {helmet} in the word “⛑”",
        f"error: content/clinic.yaml:33: disclaimer.ar: the font NotoSansArabic (used for ar) has no "
        f"glyph for {helmet} in the word “⛑”",
    ]
    assert not list(tmp_path.rglob("*.pdf"))


@pytest.mark.parametrize("key, said", [
    ("script: Arab", "Arab"),
    ('"scr\\x69pt": Arab', "Arab"),             # an escape spelling a letter of the key
    ('"scr\\u0069pt": Arab', "Arab"),
    ('? "scri\\\n  pt"\n: Arab', "Arab"),        # a quoted key's lines joined
    ("description: a script", None),            # the word, but not the key
    ("label:\n  script: Arab", None),           # not at the top
    ('"scripts": Arab', None),
])
def test_a_catalog_is_parsed_for_its_script_only_where_it_may_name_one(tmp_path, key, said):
    from handouts import catalog

    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "qq.yaml").write_text(f"{key}\nhandout:\n  language: Qq\n", "utf-8")
    assert catalog.declared_script(tmp_path, tmp_path, "qq") == said
    prose = labels / "qr.yaml"
    prose.write_text('handout:\n  call_us: "Prescriptions and descriptions, \\"quoted\\""\n', "utf-8")
    before = catalog._read.cache_info().misses
    assert catalog.declared_script(tmp_path, tmp_path, "qr") is None
    assert catalog._read.cache_info().misses == before       # not parsed: it cannot name a script


def test_the_logo_is_embedded_from_its_pixels_alone(project, tmp_path):
    """The same pixels saved another way (another compression, a text chunk,
    a resolution, a colour profile) make the same PDF: the brand keeps the
    logo's pixels, not its file."""
    from PIL import Image, ImageCms, PngImagePlugin

    logo = project / "content" / "assets" / "logo.png"
    built = []
    for i, options in enumerate(({}, {"compress_level": 1, "dpi": (300, 300), "icc_profile":
                                      ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()})):
        with Image.open(REPO / "content" / "assets" / "logo.png") as img:
            text = PngImagePlugin.PngInfo()
            text.add_text("Software", f"editor {i}")
            img.save(logo, "PNG", pnginfo=text, **options)
        out = tmp_path / str(i)
        result = run_cli("build", "--project", str(project), "--lang", "en", "--out", str(out), "leg-cramps")
        assert result.returncode == 0, result.stderr
        built.append((out / "en" / "leg-cramps.pdf").read_bytes())
    assert built[0] == built[1]
    assert (REPO / "content" / "assets" / "logo.png").read_bytes() != logo.read_bytes()


def test_each_shipped_font_file_is_read_once_a_process():
    """The Arabic family has no italics: its italic names stand for the
    upright files, which ReportLab would parse again only to register the
    new name as the font already holding that face. Each file is read once,
    and every name is the font ReportLab would have given it."""
    code = ("import sys\nopened = []\n"
            "sys.addaudithook(lambda event, args: opened.append(args[0]) if event == 'open' "
            "and isinstance(args[0], str) and 'fontfiles' in args[0] else None)\n"
            "from reportlab.pdfbase import pdfmetrics\nfrom handouts import fonts\n"
            "ar = fonts.shipped_family('arabic', fonts.default_family())\n"
            "zh = fonts.shipped_family('cjk', fonts.default_family())\n"
            "print(sorted((p.rsplit('/', 1)[-1], opened.count(p)) for p in set(opened)))\n"
            "print([pdfmetrics.getFont(getattr(ar, f)).fontName for f in fonts.FACES])\n"
            "print([pdfmetrics.getFont(getattr(zh, f)).fontName for f in fonts.FACES])\n")
    result, = processes_at_once([sys.executable, "-c", code], cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "[('NotoSansArabic-Bold.ttf', 1), ('NotoSansArabic-Regular.ttf', 1), ('wqy-microhei.ttc', 1)]",
        "['NotoSansArabic', 'NotoSansArabic-Bold', 'NotoSansArabic', 'NotoSansArabic-Bold']",
        "['WenQuanYiMicroHei', 'WenQuanYiMicroHei', 'WenQuanYiMicroHei', 'WenQuanYiMicroHei']"]
