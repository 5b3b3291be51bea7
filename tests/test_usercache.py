"""The per-user cache on disk (handouts/usercache.py): a new process reads
the compiled handout template, the QR code's modules and the fonts' tables
a process before it made, in real processes; edits are seen at once; the PDFs are the same bytes
with the cache cold, warm and off; a cache of another kind of environment is
never used by the sandbox; a damaged entry, a folder others may write to or
one that cannot be made never fail a build."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from helpers import REPO, expect_error, template_path
from handouts import templatecache, templating, usercache
from handouts.web.security import PageSandbox

#: A child process that builds with the CLI and says what it made: every
#: template Jinja compiled, every QR code it encoded, whether it loaded the
#: QR encoder at all, how many images (the logo) PIL opened, which of
#: CLDR's locale data Babel loaded (and whether its global data), and how
#: many font files (faces) ReportLab parsed.
CHILD = """\
import json, sys
import jinja2
compiled = []
original = jinja2.Environment.compile
def compile(self, source, name=None, filename=None, *args, **kwargs):
    compiled.append(name)
    return original(self, source, name, filename, *args, **kwargs)
jinja2.Environment.compile = compile
from handouts.layout import qrmatrix
encoded = []
encode = qrmatrix._encode
def counted(url):
    encoded.append(url)
    return encode(url)
qrmatrix._encode = counted
from PIL import Image
opened = []
open_image = Image.open
def opening(fp, *args, **kwargs):
    opened.append(1)
    return open_image(fp, *args, **kwargs)
Image.open = opening
from reportlab.pdfbase import ttfonts
fonts = []
extract = ttfonts.TTFontFile.extractInfo
def extracting(self, *args, **kwargs):
    fonts.append(1)
    return extract(self, *args, **kwargs)
ttfonts.TTFontFile.extractInfo = extracting
from handouts.cli import main
code = 0
try:
    main(sys.argv[2:])
except SystemExit as exc:
    code = exc.code
with open(sys.argv[1], "w") as f:
    localedata, core = sys.modules.get("babel.localedata"), sys.modules.get("babel.core")
    json.dump({"code": code, "compiled": compiled, "encoded": encoded, "logos": len(opened),
               "encoder": "handouts._qrencoder" in sys.modules, "fonts": len(fonts),
               "cldr": sorted(localedata._cache) if localedata else [],
               "global_cldr": bool(core and core._global_data), "babel": "babel" in sys.modules}, f)
"""


def child_build(tmp_path: Path, cache: Path | str, *args: str, project: Path = REPO,
                out: Path | None = None) -> dict:
    """``handouts build ARGS`` in a new process with its cache at ``cache``:
    its exit status, what it compiled and its stderr."""
    report = tmp_path / "report.json"
    env = {**os.environ, "PYTHONPATH": str(REPO), "HANDOUTS_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(report), "build", "--project",
                           str(project), "--out", str(out or tmp_path / "out"), *args],
                          env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    result = json.loads(report.read_text())
    result["stderr"] = done.stderr
    return result


def entries(cache: Path) -> dict[str, bytes]:
    return {str(p.relative_to(cache)): p.read_bytes() for p in sorted(cache.rglob("*")) if p.is_file()}


def test_a_second_process_reads_the_template_and_the_qr_code_from_the_cache(tmp_path):
    cache = tmp_path / "cache"
    args = ("--lang", "en", "--lang", "zh-Hans")      # six: fewer than a pooled batch
    first = child_build(tmp_path, cache, *args, out=tmp_path / "cold")
    assert first["code"] == 0, first["stderr"]
    assert first["compiled"] == ["handout.xml.j2"] and first["encoder"]
    assert first["encoded"] == ["https://riverbend.example.org/book"]   # clinic.yaml's qr:
    assert first["logos"] == 1 and "en" in first["cldr"] and first["global_cldr"]
    assert first["fonts"] == 5    # Source Sans Pro's four faces, the Chinese collection's first font
    stored = entries(cache)
    kinds = sorted({name.split("/")[0] for name in stored})
    assert kinds[:3] == ["cldr", "dates", "fonts"] and kinds[4:] == ["logo", "qr"], kinds
    assert kinds[3].startswith("jinja-HandoutSandbox-"), kinds
    # one template, one logo, one booking link, a language's review dates,
    # CLDR's facts (each of the clinic's five languages' script, the built
    # languages' direction) and five font faces
    assert len(stored) == 3 + 1 + 5 + 2 + 5, sorted(stored)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700

    second = child_build(tmp_path, cache, *args, out=tmp_path / "warm")
    assert second["code"] == 0, second["stderr"]
    assert second["compiled"] == second["encoded"] == [] and not second["encoder"]
    assert second["logos"] == 0 and second["cldr"] == [] and not second["global_cldr"]
    assert not second["babel"]      # its version read from its file, nothing of it imported
    assert second["fonts"] == 0
    assert entries(cache) == stored

    off = child_build(tmp_path, "off", *args, out=tmp_path / "off")
    assert off["code"] == 0 and off["compiled"] == ["handout.xml.j2"] and off["encoder"] and off["logos"]
    assert off["fonts"] == 5
    cold = sorted(p.relative_to(tmp_path / "cold") for p in (tmp_path / "cold").rglob("*.pdf"))
    assert len(cold) == 6
    for name in cold:
        same = {(tmp_path / side / name).read_bytes() for side in ("cold", "warm", "off")}
        assert len(same) == 1, f"{name} differs with the cache cold, warm or off"


def test_large_print_and_packets_are_the_same_bytes_from_a_warm_cache(tmp_path):
    cache = tmp_path / "cache"
    for side in ("cold", "warm", "off"):
        where = cache if side != "off" else "off"
        for args in (("--lang", "vi", "--large-print", "--paper", "a4"),
                     ("--packet", str(tmp_path / side / "packet.pdf"), "en:leg-cramps", "ar:leg-cramps")):
            done = child_build(tmp_path, where, *args, out=tmp_path / side)
            assert done["code"] == 0, done["stderr"]
            assert (done["compiled"] == []) is (side == "warm" or side == "cold" and "--packet" in args)
    for name in sorted(p.relative_to(tmp_path / "cold") for p in (tmp_path / "cold").rglob("*.pdf")):
        assert len({(tmp_path / side / name).read_bytes() for side in ("cold", "warm", "off")}) == 1, name


def test_an_edited_template_is_compiled_again_at_once(project, tmp_path):
    cache = tmp_path / "cache"
    args = ("--lang", "en", "leg-cramps")
    assert child_build(tmp_path, cache, *args, project=project)["compiled"] == ["handout.xml.j2"]
    names = set(entries(cache))
    template = template_path(project)
    template.write_text(template.read_text("utf-8").replace(
        "<heading>{{ section.heading }}</heading>", "<heading>Edited: {{ section.heading }}</heading>"),
        "utf-8")
    edited = child_build(tmp_path, cache, *args, project=project, out=tmp_path / "edited")
    assert edited["code"] == 0 and edited["compiled"] == ["handout.xml.j2"]
    from pypdf import PdfReader

    text = PdfReader(tmp_path / "edited" / "en" / "leg-cramps.pdf").pages[0].extract_text()
    assert "Edited: What can play a part" in text
    again = child_build(tmp_path, cache, *args, project=project, out=tmp_path / "again")
    assert again["compiled"] == []
    assert ((tmp_path / "again" / "en" / "leg-cramps.pdf").read_bytes()
            == (tmp_path / "edited" / "en" / "leg-cramps.pdf").read_bytes())
    assert set(entries(cache)) == names      # the entry was rewritten, not added to


def test_a_new_logo_is_read_at_once_and_a_bad_one_still_refused(project, tmp_path):
    from PIL import Image

    cache = tmp_path / "cache"
    args = ("--lang", "en", "leg-cramps")
    logo = project / "content" / "assets" / "logo.png"
    assert child_build(tmp_path, cache, *args, project=project, out=tmp_path / "a")["logos"] == 1
    Image.new("RGB", (300, 120), (200, 30, 30)).save(logo)
    new = child_build(tmp_path, cache, *args, project=project, out=tmp_path / "b")
    assert new["code"] == 0 and new["logos"] == 1
    pdf = "en/leg-cramps.pdf"
    assert (tmp_path / "a" / pdf).read_bytes() != (tmp_path / "b" / pdf).read_bytes()
    again = child_build(tmp_path, cache, *args, project=project, out=tmp_path / "c")
    off = child_build(tmp_path, "off", *args, project=project, out=tmp_path / "d")
    assert again["logos"] == 0 and off["logos"] == 1
    assert len({(tmp_path / side / pdf).read_bytes() for side in "bcd"}) == 1
    logo.write_bytes(b"GIF89a" + bytes(200))
    bad = child_build(tmp_path, cache, *args, project=project)
    expect_error(subprocess.CompletedProcess([], bad["code"], "", bad["stderr"]),
                 project / "content" / "clinic.yaml", None, "logo", "not a PNG or JPEG")


def test_a_broken_template_says_the_same_line_from_a_warm_cache(project, tmp_path):
    cache = tmp_path / "cache"
    template = template_path(project)
    lines = template.read_text("utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "<heading>{{ section.heading }}</heading>" in line)
    lines.insert(at + 1, "    <p>{{ section.no_such_field }}</p>\n")
    template.write_text("".join(lines), "utf-8")
    said = []
    for _ in range(2):
        done = child_build(tmp_path, cache, "--lang", "en", "leg-cramps", project=project)
        assert done["code"] == 1
        said.append([line for line in done["stderr"].splitlines() if line.startswith("error: ")])
        assert f"handout.xml.j2:{at + 2}:" in said[-1][0], said[-1]
    assert said[0] == said[1]
    assert done["compiled"] == []   # the second run's error came from the cached code


#: Refused by HandoutSandbox's own compiled code (its ``*`` goes through
#: call_binop), harmless to a plain Environment: it prints nothing.
PROBE = '{% set probe = ("ab" * 60000) | length %}\n'


def plain_environment(templates: Path) -> jinja2.Environment:
    """A plain Environment with the sandbox's options and the same loader
    paths: its compiled template has the same name, file and checksum."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(templates)]),
                             undefined=jinja2.StrictUndefined, autoescape=True,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    return templatecache.attach(env)


def test_code_compiled_by_a_plain_environment_never_reaches_the_sandbox(project, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv(usercache.ENV, str(cache))
    template = template_path(project)
    args = ("--lang", "en", "leg-cramps")
    assert child_build(tmp_path, cache, *args, project=project)["code"] == 0
    (sandbox_entry,) = [p for p in cache.rglob("*") if p.parent.name.startswith("jinja-") and p.is_file()]

    template.write_text(PROBE + template.read_text("utf-8"), "utf-8")
    plain_environment(template.parent).get_template(template.name)   # compiled and stored

    refused = child_build(tmp_path, cache, *args, project=project)
    expect_error(subprocess.CompletedProcess([], refused["code"], "", refused["stderr"]),
                 template, 1, None, "refused by the sandbox")
    assert refused["compiled"] == ["handout.xml.j2"]
    (plain_entry,) = [p for p in cache.rglob(sandbox_entry.name) if p != sandbox_entry]
    assert plain_entry.parent.name.startswith("jinja-Environment-")
    # The plain Environment's entry is what a shared folder would have handed
    # the sandbox: put where the sandbox looks, it is used and the limit is gone.
    shutil.copyfile(plain_entry, sandbox_entry)
    used = child_build(tmp_path, cache, *args, project=project)
    assert used["code"] == 0 and used["compiled"] == []


def test_each_kind_of_environment_has_a_folder_of_its_own(tmp_path, monkeypatch):
    monkeypatch.setenv(usercache.ENV, str(tmp_path / "cache"))
    sandbox = templating.environment(tmp_path)
    page = templating.environment(tmp_path, sandbox=PageSandbox)
    plain = plain_environment(tmp_path)
    kinds = {templatecache.kind(env) for env in (sandbox, page, plain)}
    assert len(kinds) == 3
    assert sandbox.bytecode_cache.kind == templatecache.kind(sandbox)
    before = templatecache.kind(sandbox)
    monkeypatch.setattr(jinja2, "__version__", "3.0.0")
    assert templatecache.kind(sandbox) != before
    monkeypatch.undo()
    monkeypatch.setattr(templatecache, "MAGIC_NUMBER", b"\x00\x00\r\n")
    assert templatecache.kind(sandbox) != before
    monkeypatch.undo()
    # The options that change the code, too.
    trimmed = templating.environment(tmp_path)
    trimmed.trim_blocks = False
    assert templatecache.kind(trimmed) != before


def test_a_damaged_entry_is_compiled_again_and_rewritten(tmp_path):
    cache = tmp_path / "cache"
    args = ("--lang", "en", "leg-cramps")
    assert child_build(tmp_path, cache, *args, out=tmp_path / "good")["code"] == 0
    good = entries(cache)
    reference = (tmp_path / "good" / "en" / "leg-cramps.pdf").read_bytes()
    damages = {"cut short": lambda b: b[: len(b) // 2], "empty": lambda b: b"",
               "a byte flipped": lambda b: b[:-5] + bytes([b[-5] ^ 1]) + b[-4:],
               "its digest only": lambda b: b[:32]}
    for what, damage in damages.items():
        for name, data in good.items():
            (cache / name).write_bytes(damage(data))
        done = child_build(tmp_path, cache, *args, out=tmp_path / "damaged")
        assert done["code"] == 0, (what, done["stderr"])
        assert done["compiled"] == ["handout.xml.j2"] and done["encoder"] and done["logos"], what
        assert done["fonts"] == 4, what
        assert (tmp_path / "damaged" / "en" / "leg-cramps.pdf").read_bytes() == reference, what
        assert entries(cache) == good, what


def test_a_qr_entry_for_another_code_is_not_used(tmp_path, monkeypatch):
    """An entry must name exactly the link it was made for, and be a QR
    code's square of 0s and 1s; anything else is encoded again."""
    from handouts.layout import qrmatrix

    monkeypatch.setenv(usercache.ENV, str(tmp_path / "cache"))
    url = "https://example.org/book"
    made = qrmatrix.matrix.__wrapped__(url)
    (path,) = (tmp_path / "cache" / "qr").iterdir()
    stored = json.loads(usercache.read("qr", path.name))
    for wrong in ({**stored, "url": "https://example.org/other"}, {**stored, "level": "H"},
                  {**stored, "rows": stored["rows"][:-1]}, {**stored, "rows": [r.replace("1", "2") for r in stored["rows"]]},
                  {**stored, "rows": "0" * 21}, [1, 2, 3]):
        usercache.write("qr", path.name, json.dumps(wrong).encode())
        assert qrmatrix.matrix.__wrapped__(url) == made
        assert json.loads(usercache.read("qr", path.name)) == stored
    assert len(made) == 25 and made == qrmatrix._encode(url)


def test_writes_are_whole_for_a_reader_at_the_same_time(tmp_path):
    """Two processes write and read one entry as fast as they can: every read
    is one of the two whole values, never half of one and never missing."""
    code = """\
import sys
from handouts import usercache
mine = sys.argv[1].encode() * 400_000
seen = set()
for _ in range(150):
    assert usercache.write("race", "entry", mine)
    got = usercache.read("race", "entry")
    seen.add(None if got is None else got[:1] * (len(got) == 400_000 and len(set(got)) == 1))
print(sorted(map(repr, seen)))
"""
    env = {**os.environ, "PYTHONPATH": str(REPO), usercache.ENV: str(tmp_path / "cache")}
    procs = [subprocess.Popen([sys.executable, "-c", code, letter], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for letter in "ab"]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert set(eval(out)) <= {"b'a'", "b'b'"}, out      # noqa: S307 - our own child's repr
    assert [p.name for p in (tmp_path / "cache" / "race").iterdir()] == ["entry"]   # no temporary left


def test_the_cache_holds_no_patient_words(tmp_path):
    cache = tmp_path / "cache"
    assert child_build(tmp_path, cache, "--lang", "en")["code"] == 0
    stored = b"".join(entries(cache).values())
    for slug in ("leg-cramps", "cvi-symptoms", "risk-factors"):
        import yaml

        article = yaml.safe_load((REPO / "content" / "en" / f"{slug}.yaml").read_text("utf-8"))
        for words in [article["title"], article["summary"],
                      *(s["heading"] for s in article["sections"])]:
            assert words.encode() not in stored, words


@pytest.mark.parametrize("why", ["others may write to it", "owned by another user"])
def test_a_folder_others_control_is_refused(tmp_path, monkeypatch, caplog, why):
    folder = tmp_path / "shared"
    folder.mkdir()
    if why == "others may write to it":
        folder.chmod(0o777)
    else:
        monkeypatch.setattr(os, "geteuid", lambda: os.stat(folder).st_uid + 1)
    monkeypatch.setenv(usercache.ENV, str(folder))
    with caplog.at_level("DEBUG", logger="handouts.cache"):
        assert usercache.root() is None
    assert [r.getMessage() for r in caplog.records] == [f"cache off: {folder}: {why}"]
    assert not usercache.write("qr", "x", b"data") and usercache.read("qr", "x") is None
    assert list(folder.iterdir()) == []
    if why == "others may write to it":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o777   # left as it was
        done = child_build(tmp_path, folder, "--lang", "en", "leg-cramps")
        assert done["code"] == 0 and done["compiled"] == ["handout.xml.j2"]
        assert list(folder.iterdir()) == []


def test_no_place_for_the_cache_never_fails_a_build(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("in the way")
    outputs = {}
    for where in ("off", a_file / "handouts", "/proc/self/handouts-cache", a_file):
        done = child_build(tmp_path, where, "--lang", "en", "leg-cramps", out=tmp_path / "out")
        assert done["code"] == 0, (where, done["stderr"])
        assert done["compiled"] == ["handout.xml.j2"] and done["encoder"], where
        outputs[str(where)] = (tmp_path / "out" / "en" / "leg-cramps.pdf").read_bytes()
    assert len(set(outputs.values())) == 1
    assert a_file.read_text() == "in the way"


def test_where_the_cache_goes(tmp_path, monkeypatch):
    monkeypatch.delenv(usercache.ENV)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert usercache.root() == tmp_path / "xdg" / "handouts"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert usercache.root() == tmp_path / "home" / ".cache" / "handouts"
    assert stat.S_IMODE((tmp_path / "home" / ".cache" / "handouts").stat().st_mode) == 0o700
    monkeypatch.setenv(usercache.ENV, "OFF")
    assert usercache.root() is None


def test_the_suite_keeps_its_cache_out_of_the_real_home():
    import tempfile

    from conftest import CACHE_DIR

    assert os.environ[usercache.ENV] == CACHE_DIR
    assert Path(CACHE_DIR).parent == Path(tempfile.gettempdir())


LANGUAGES = ["en", "es", "vi", "zh-Hans", "zh-Hant", "zh", "ar", "fa", "he", "ur", "ko", "ja", "ru",
             "hi", "dv", "prs-Arab", "xx", "tlh", "sr-Cyrl"]


def _fresh_scripts():
    from handouts import scripts

    for cached in (scripts.code_of, scripts.script_of, scripts.babel_locale):
        cached.cache_clear()
    return scripts


def test_babels_version_is_read_without_importing_it():
    """The cache's entries of CLDR's facts and dates are keyed by Babel's
    version, read from its file in a process that has not imported Babel:
    the version Babel itself says."""
    code = ("import sys\nfrom handouts.scripts import babel_version\nversion = babel_version()\n"
            "assert 'babel' not in sys.modules\nimport babel\nprint(version, babel.__version__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    ours, babels = done.stdout.split()
    assert ours == babels and ours[0].isdigit()


def test_cldr_facts_from_the_cache_are_babels_own(tmp_path, monkeypatch):
    """Each language's script and direction read back from the cache are
    what Babel's CLDR data gives, for languages CLDR knows and does not."""
    monkeypatch.setenv(usercache.ENV, "off")
    scripts = _fresh_scripts()
    expected = {lang: (scripts.script_of(lang), scripts.script_of(lang).assumed,
                       scripts.script_of(lang, "Arab")) for lang in LANGUAGES}
    monkeypatch.setenv(usercache.ENV, str(tmp_path / "cache"))
    for _ in ("written", "read back"):
        scripts = _fresh_scripts()
        got = {lang: (scripts.script_of(lang), scripts.script_of(lang).assumed,
                      scripts.script_of(lang, "Arab")) for lang in LANGUAGES}
        assert got == expected
    assert expected["ar"][0].rtl and expected["he"][0].rtl and not expected["en"][0].rtl
    assert expected["xx"][1] and expected["prs-Arab"][0].rtl
    # An entry for another Babel, or of the wrong shape, is not used.
    import babel

    for path in (tmp_path / "cache" / "cldr").iterdir():
        stored = json.loads(usercache.read("cldr", path.name))
        wrong = {**stored, "value": ["Hebr", False] if stored["fact"] == "script" else not stored["value"],
                 "babel": "0.0"}
        usercache.write("cldr", path.name, json.dumps(wrong).encode())
    scripts = _fresh_scripts()
    assert {lang: scripts.script_of(lang) for lang in LANGUAGES} == {k: v[0] for k, v in expected.items()}
    for path in (tmp_path / "cache" / "cldr").iterdir():
        usercache.write("cldr", path.name, b'{"value": 3}')
    scripts = _fresh_scripts()
    assert {lang: scripts.script_of(lang) for lang in LANGUAGES} == {k: v[0] for k, v in expected.items()}
    assert babel.__version__ in usercache.read("cldr", path.name).decode()
    _fresh_scripts()


def test_dates_from_the_cache_are_babels_own(tmp_path, monkeypatch):
    import datetime as dt

    from babel.dates import format_date

    from handouts import longdates

    monkeypatch.setenv(usercache.ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(longdates, "_known", {})
    days = [dt.date(2026, 11, 1), dt.date(2027, 2, 28), dt.date(2030, 12, 31)]
    langs = ["en", "es", "vi", "zh-Hans", "ar"]
    written = {(d, lang): longdates.longdate(d, lang) for d in days for lang in langs}
    monkeypatch.setattr(longdates, "_known", {})       # a new process: only the cache
    for (d, lang), text in written.items():
        assert longdates.longdate(d, lang) == text == format_date(d, "long", locale=lang.replace("-", "_"))
    assert longdates.longdate(dt.date(2026, 11, 1), "tlh") == "2026-11-01"   # Babel does not know it
    assert longdates.longdate(None) == ""
    assert longdates.longdate(dt.datetime(2026, 11, 1, 9, 30), "en") == "November 1, 2026"
    assert set(longdates._known["en"]) == {d.isoformat() for d in days}    # no datetime, no time
    # A damaged entry, or one for another Babel, is not used.
    key = usercache.digest(*longdates._entry("en").values())   # the entry write_json keeps
    stored = json.loads(usercache.read("dates", key))
    for wrong in ({**stored, "babel": "0.0"}, {**stored, "dates": {"2026-11-01": 7}},
                  {**stored, "dates": {"someday": "Someday"}}, [stored]):
        usercache.write("dates", key, json.dumps(wrong).encode())
        monkeypatch.setattr(longdates, "_known", {})
        assert longdates.longdate(dt.date(2026, 11, 1), "en") == "November 1, 2026"
        assert longdates._known["en"] == {"2026-11-01": "November 1, 2026"}
