"""Property-based fuzzing of every input (issue 12), with hypothesis.

The property, for every generated article, brand file, logo, file-system
shape and template edit:

    the build either writes a valid one-page PDF, or reports the project's
    own error (one line each, naming the file, and the line or field where
    there is one) with exit status 1; never a traceback or status 2, never
    a stray temporary file, and an earlier good PDF is left byte-identical.

The builds run in process (helpers.run_cli: the real CLI, without a process
start per case). The default number of cases per property keeps
`.ci/run` to a couple of minutes; set HANDOUTS_FUZZ_EXAMPLES for a long run:

    HANDOUTS_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py

Cases the fuzzing found are kept as plain regression tests in
tests/test_traps.py.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from helpers import GOOD, REPO, run_cli

LONG_RUN = int(os.environ.get("HANDOUTS_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=LONG_RUN or 12,
    deadline=None,
    derandomize=not LONG_RUN,          # the same cases in CI every time
    database=None,
    suppress_health_check=list(HealthCheck),
)
SLUG = "leg-cramps"


# ---------------------------------------------------------------------------
# The property.


class Clinic:
    """A throwaway copy of the demo clinic with one good PDF built already."""

    _good: dict[str, bytes] = {}

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="fuzz-")) / "clinic"
        shutil.copytree(REPO / "content", self.root / "content")
        shutil.copytree(REPO / "templates", self.root / "templates")
        (self.root / "content" / "en" / f"{SLUG}.yaml").write_text(GOOD, "utf-8")
        self.out = self.root.parent / "out"
        target = self.out / "en" / f"{SLUG}.pdf"
        target.parent.mkdir(parents=True)
        if "pdf" not in self._good:
            result = self.build()
            assert result.returncode == 0, result.stderr
            Clinic._good["pdf"] = target.read_bytes()
        else:
            target.write_bytes(self._good["pdf"])
        self.before = target.read_bytes()

    @property
    def article(self) -> Path:
        return self.root / "content" / "en" / f"{SLUG}.yaml"

    @property
    def clinic_yaml(self) -> Path:
        return self.root / "content" / "clinic.yaml"

    @property
    def template(self) -> Path:
        return self.root / "templates" / "handout.xml.j2"

    def build(self, *args: str):
        return run_cli("build", SLUG, "--project", str(self.root), "--out", str(self.out), *args)

    def close(self) -> None:
        shutil.rmtree(self.root.parent, ignore_errors=True)


def holds(clinic: Clinic) -> None:
    """Build and check the property."""
    result = clinic.build()
    target = clinic.out / "en" / f"{SLUG}.pdf"
    stray = [p.name for p in clinic.out.rglob("*") if p.suffix == ".tmp" or p.name.startswith(".")]
    assert not stray, stray
    if result.exception is not None:
        raise result.exception  # a traceback: the bug hypothesis shows
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert "error: unexpected" not in result.stderr, result.stderr
    if result.returncode == 0:
        reader = PdfReader(target)
        assert len(reader.pages) == 1
        assert reader.pages[0].extract_text().strip()
        return
    assert result.returncode == 1, (result.returncode, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors, result.stderr
    for line in result.stderr.splitlines():
        assert line.startswith(("error: ", "warning: ", "built ", "nothing ")), line
    for line in errors:
        where = line[len("error: "):].split(": ", 1)[0]
        assert where and where != "<input>", line  # names a file
    assert target.read_bytes() == clinic.before  # the earlier good PDF is untouched


def check(prepare, also_check: bool = False) -> None:
    clinic = Clinic()
    try:
        prepare(clinic)
        holds(clinic)
        if also_check:
            checks_cleanly(clinic)
    finally:
        clinic.close()


def checks_cleanly(clinic: Clinic) -> None:
    """`handouts check` on the same input: a table or errors, status 0 or 1."""
    result = run_cli("check", SLUG, "--project", str(clinic.root), "--lang", "en")
    if result.exception is not None:
        raise result.exception
    assert result.returncode in (0, 1), (result.returncode, result.stderr)
    assert "error: unexpected" not in result.stderr


# ---------------------------------------------------------------------------
# Strategies: text, values, documents.

SPECIAL = [
    "\u202eevil\u202c", "مرحبا بكم", "שלום", "e\u0301\u0301\u0301", "🦵🩸❤️", "\u200b\u200d\ufeff",
    "x" * 400, "supercalifragilistic" * 20, "\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\u2028",
    "{{ 7*7 }}", "{% if %}", "<b>", "</handout>", "&amp;", "]]>", "'", '"', "#", ": ", "- ",
    "\U0010fffd", "\ud7ff", "ﬁ", "İ", "ß", "١٢٣", "\u0300",
]

text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.sampled_from(SPECIAL),
    st.lists(st.sampled_from(SPECIAL + ["word", "cramps", " "]), max_size=8).map("".join),
    st.builds(lambda w, n: (w + " ") * n, st.sampled_from(["calf", "ü", "🦵"]), st.integers(1, 1500)),
)
scalar = st.one_of(
    text, st.integers(), st.integers(min_value=10**30, max_value=10**400), st.floats(),
    st.booleans(), st.none(), st.dates(),
)
value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=5)
                     | st.dictionaries(st.one_of(text, st.integers()), inner, max_size=4), max_leaves=20)

ARTICLE_KEYS = ["title", "summary", "reviewed", "next_review", "sections", "callout", "sources",
                "keywords", "heading", "body", "bullets", "checklist", "sumary", "titel"]
CLINIC_KEYS = ["name", "tagline", "phone", "address", "website", "email", "qr", "logo", "logo_alt",
               "colors", "paper", "disclaimer", "fonts", "reading_grade", "review_every_months",
               "primary", "accent", "regular", "bold", "latin", "arabic", "cjk"]


def paths(data, prefix=()):
    """Every path to a value in nested data."""
    yield prefix
    if isinstance(data, dict):
        for key, item in data.items():
            yield from paths(item, prefix + (key,))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from paths(item, prefix + (i,))


@st.composite
def mutated(draw, base: dict, keys: list[str]):
    """``base`` with a few keys set to random values, removed or added."""
    data = yaml.safe_load(yaml.safe_dump(base))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(list(paths(data))))
        parent = data
        for part in where[:-1]:
            parent = parent[part]
        op = draw(st.sampled_from(["set", "set", "drop", "add"]))
        if not where or op == "add":
            target = parent if not where else parent[where[-1]] if isinstance(parent[where[-1]], dict) else None
            if isinstance(target, dict):
                target[draw(st.sampled_from(keys) | text)] = draw(value)
        elif op == "drop":
            if isinstance(parent, dict) or (isinstance(parent, list) and len(parent) > 0):
                del parent[where[-1]]
        else:
            parent[where[-1]] = draw(value)
    return data


ODD_YAML = [
    "!!python/object/apply:os.system [echo hi]", "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1]",
    "!!python/name:os.system", "!custom x", "&a [1, 2]", "*a", "9" * 500, "1e99999", "-.inf", ".nan",
    "[" * 300 + "]" * 300, "{a: [b, {c: [d]}]}", "|\n  block", ">-\n  folded", "'unclosed", '"unclosed',
    "2026-02-30", "2026-13-01", "0x1F", "0o17", "yes", "~", "null", "@at", "`tick", "%TAG ! x",
    "---\nsecond: doc", "...", "? complex\n: key", "\t- tab",
]


@st.composite
def yaml_text(draw, base: dict, keys: list[str]):
    """A YAML file: a mutated document, with odd YAML spliced into its lines
    now and then, or random bytes."""
    kind = draw(st.sampled_from(["doc", "doc", "doc", "spliced", "spliced", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=600))
    data = draw(mutated(base, keys))
    try:
        out = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False, width=10**6)
    except yaml.YAMLError:
        out = yaml.safe_dump(yaml.safe_load(yaml.safe_dump(base)), sort_keys=False)
    if kind == "spliced":
        lines = out.splitlines()
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(lines)))
            how = draw(st.sampled_from(["value", "key", "line", "dup"]))
            odd = draw(st.sampled_from(ODD_YAML) | text)
            if how == "value" and at < len(lines) and ": " in lines[at]:
                key = lines[at].split(": ", 1)[0]
                lines[at] = f"{key}: {odd}"
            elif how == "key" and at < len(lines):
                lines[at] = f"{odd} {lines[at]}"
            elif how == "dup" and at < len(lines):
                lines.insert(at, lines[at])
            else:
                lines.insert(at, odd)
        out = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    return out.encode(encoding, "replace")


GOOD_ARTICLE = yaml.safe_load(GOOD)
GOOD_CLINIC = yaml.safe_load((REPO / "content" / "clinic.yaml").read_text("utf-8"))


# ---------------------------------------------------------------------------
# Properties.


@FUZZ
@given(yaml_text(GOOD_ARTICLE, ARTICLE_KEYS))
def test_fuzz_article_files(data):
    check(lambda c: c.article.write_bytes(data), also_check=True)


@FUZZ
@given(yaml_text(GOOD_CLINIC, CLINIC_KEYS))
def test_fuzz_clinic_files(data):
    check(lambda c: c.clinic_yaml.write_bytes(data))


def _shape(clinic: Clinic, target: Path, shape: str, payload: bytes) -> None:
    """Replace ``target`` with a file-system shape."""
    if target.exists() or target.is_symlink():
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink()
    if shape == "folder":
        target.mkdir()
    elif shape == "link-outside":
        target.symlink_to("/etc/passwd")
    elif shape == "link-dev-zero":
        target.symlink_to("/dev/zero")
    elif shape == "link-loop":
        target.symlink_to(target.name)
    elif shape == "link-dangling":
        target.symlink_to("nowhere-at-all")
    elif shape == "fifo":
        os.mkfifo(target)
    elif shape == "sparse-huge":
        with open(target, "wb") as fh:
            fh.truncate(3 * 1024 ** 3)
    elif shape == "unreadable":
        target.write_bytes(payload)
        target.chmod(0)
    else:
        target.write_bytes(payload)


SHAPES = ["bytes", "folder", "link-outside", "link-dev-zero", "link-loop", "link-dangling", "fifo",
          "sparse-huge", "unreadable"]
LOGO_VALUES = st.one_of(
    st.sampled_from(["assets/logo.png", "../../etc/passwd", "/etc/passwd", "assets/", "assets",
                     "assets/../../clinic/content/assets/logo.png", "assets/" + "x" * 300 + ".png",
                     "assets/a\nb.png", "assets/nul\x00.png", "~/logo.png", "C:\\logo.png",
                     "assets/logo.png/..", ".", ""]),
    text.map(lambda t: "assets/" + t),
)


@FUZZ
@given(st.sampled_from(["article", "logo", "font", "clinic", "template"]), st.sampled_from(SHAPES),
       st.binary(max_size=300), LOGO_VALUES)
def test_fuzz_file_system_shapes(which, shape, payload, logo):
    def prepare(c: Clinic):
        if which == "article":
            _shape(c, c.article, shape, payload)
        elif which == "clinic":
            _shape(c, c.clinic_yaml, shape, payload)
        elif which == "template":
            _shape(c, c.template, shape, payload)
        else:
            name = "logo.png" if which == "logo" else "font.ttf"
            _shape(c, c.root / "content" / "assets" / name, shape, payload)
            text = c.clinic_yaml.read_text("utf-8")
            if which == "font":
                text += "fonts:\n  regular: assets/font.ttf\n  bold: assets/font.ttf\n"
            else:
                text = text.replace("logo: assets/logo.png", f"logo: {yaml.safe_dump(logo).strip()}"
                                    if not logo.startswith("assets/logo.png") else "logo: assets/logo.png")
                text = text.replace("\n...", "")
            c.clinic_yaml.write_text(text, "utf-8")

    try:
        check(prepare)
    finally:
        if os.geteuid() == 0:
            pass  # root reads unreadable files anyway; nothing to undo


SNIPPETS = [
    "{{ article.title }}", "{{ article.nope }}", "{{ nope }}", "{% if %}", "{% for x in %}", "{% endfor %}",
    "{% endif %}", "{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}", "{{ lipsum() }}",
    "{% include 'handout.xml.j2' %}", "{% include '../content/clinic.yaml' %}", "{% extends 'handout.xml.j2' %}",
    "{% import 'labels/en.yaml' as x %}", "{{ range(10)|list }}", "{{ article.sections|length }}",
    "{% for i in range(N) %}<para>{{ i }}</para>{% endfor %}", "{{ 'x' * N }}", "{{ 'x'|center(N) }}",
    "{{ 'ab'|replace('a', 'b' * N) }}", "{{ '%0Nd' % 1 }}", "{{ '{:>N}'.format(1) }}", "{{ 2 ** N }}",
    "{{ article.title|wordwrap(1) }}", "{{ article|tojson }}", "{{ clinic|dictsort }}",
    "{{ article.reviewed.strftime('%Y') }}", "{{ article.reviewed|longdate('xx') }}", "{{ 1/0 }}",
    "{{ [1,2]|random }}", "{{ now() }}", "{% set x = namespace(a=1) %}{% set x.a = x.a ~ x.a %}",
    "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", "{% raw %}{{{% endraw %}", "{#", "#}",
    "<para>", "</para>", "<b>", "</b>", "<br/>", "<para><i>x</i></para>", "<marquee>x</marquee>",
    "<section><heading>h</heading></section>", "<!DOCTYPE x>", "<!ENTITY x 'y'>", "&nope;", "&#0;",
    "<para>&#x1F9B5;</para>", "<qr href=''>x</qr>", "<callout></callout>", "<title></title>",
    "<para>" + "<b>" * 60 + "x" + "</b>" * 60 + "</para>", "\x00", "\ufeff", "<?xml version='1.0'?>",
    "<handout>", "</handout>", "<bullets><item>x</item></bullets>", "<checklist></checklist>",
]


@st.composite
def template_edit(draw):
    lines = (REPO / "templates" / "handout.xml.j2").read_text("utf-8").splitlines()
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["insert", "insert", "insert", "delete", "duplicate", "text"]))
        at = draw(st.integers(0, len(lines) - 1))
        if op == "insert":
            snippet = draw(st.sampled_from(SNIPPETS))
            number = draw(st.sampled_from(["3", "40", "1000", "100000", "999999999"]))
            lines.insert(at, snippet.replace("N", number))
        elif op == "delete" and len(lines) > 1:
            del lines[at]
        elif op == "duplicate":
            lines.insert(at, lines[at])
        else:
            lines.insert(at, draw(text))
    return "\n".join(lines) + "\n"


@FUZZ
@given(template_edit())
def test_fuzz_template_edits(source):
    check(lambda c: c.template.write_text(source, "utf-8", errors="surrogatepass"))


def test_the_fuzz_harness_sees_a_good_build_and_a_bad_one():
    """The control: the harness itself can pass and can report."""
    reviewed = yaml.safe_load(GOOD)["reviewed"]
    assert reviewed <= dt.date.today(), "the good article's review date must not be in the future"
    check(lambda c: None)
    check(lambda c: c.article.write_text(GOOD.replace("title: Leg cramps", "title: 123"), "utf-8"))
    with pytest.raises(AssertionError):
        clinic = Clinic()
        try:
            clinic.before = b"not what was there"
            clinic.article.write_text(GOOD.replace("title: Leg cramps", "title: 123"), "utf-8")
            holds(clinic)
        finally:
            clinic.close()
