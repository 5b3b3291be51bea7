"""libyaml's fast path (handouts/yamlfast.py) reads a file exactly as the
Python loader does -- the same values, the same line of every field, the same
problems -- and the demo's files take it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handouts import loader, yamlfast
from handouts.errors import ContentError

ROOT = Path(__file__).resolve().parents[1]
DEMO_YAML = sorted(p for d in ("content", "templates") for p in (ROOT / d).rglob("*.y*ml"))


def _python_only(monkeypatch):
    monkeypatch.setattr(yamlfast, "compose", lambda text, max_depth: None)


def _both(path: Path, monkeypatch):
    """(fast, python): each a Loaded, or the ContentError's message."""
    out = []
    for python in (False, True):
        with monkeypatch.context() as m:
            if python:
                _python_only(m)
            try:
                got = loader.load_yaml(path)
                out.append((got.data, got.marks, got.problems, got.comments))
            except ContentError as exc:
                out.append(str(exc))
    return out


def test_demo_files_take_the_fast_path():
    assert yaml.__with_libyaml__, "libyaml is missing: the fast path is never taken"
    assert len(DEMO_YAML) > 20
    for path in DEMO_YAML:
        text = loader.read_text(path)
        assert yamlfast.compose(text, loader.MAX_DEPTH) is not None, path


def test_load_yaml_reads_the_demo_without_the_python_parser(monkeypatch):
    def refuse(*args):
        raise AssertionError("the Python parser was used")
    monkeypatch.setattr(loader, "_RefusingLoader", refuse)
    for path in DEMO_YAML:
        assert loader.load_yaml(path).data


@pytest.mark.parametrize("path", DEMO_YAML, ids=lambda p: str(p.relative_to(ROOT)))
def test_demo_files_read_the_same(path, monkeypatch):
    fast, python = _both(path, monkeypatch)
    assert fast == python
    assert type(fast) is not str


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",
    "a: &x 1\n",
    "a: *x\n",
    "a: !!python/name:os.system x\n",
    "a: !thing x\n",
    "a: !!str 1\n",
    "a:\n\tb: 1\n",
    "a: 1\r\nb: 2\r\n",
    "a: 1\u2028b: 2\n",
    "%YAML 1.1\n---\na: 1\n",
    "a: [" * 500 + "]" * 500 + "\n",
    "a: [" * 45 + "]" * 45 + "\n",
    "".join(" " * i + f"k{i}:\n" for i in range(60)) + " " * 60 + "v: 1\n",
    "".join(" " * i + f"k{i}:\n" for i in range(130)) + " " * 130 + "v: 1\n",
    "a: 50% off\n",
    "a: 1\n---\nb: 2\n",
    "a: b: c\n",
    "a: 'never closed\n",
    "a: 1\na: 2\n",
    "? [a]\n: 1\n",
    "a: \x07\n",
    "a: 2024-02-30\n",
    "list:\n- one\n  - two\n",
    "list:\n- one\n -two\n",
    "",
    "# only a comment\n",
    "- a\n- b\n",
    "_: |#\n", "_: >-#\n", "- |2#\n  x\n", "_: | #\n",
])
def test_awkward_files_read_the_same(text, tmp_path, monkeypatch):
    path = tmp_path / "x.yaml"
    path.write_text(text, "utf-8")
    fast, python = _both(path, monkeypatch)
    assert fast == python


def test_doubtful_files_are_left_to_python():
    for text in ("a: &x 1\n", "a: *x\n", "a: !t x\n", "a: 1\r\n", "a:\n\tb: 1\n",
                 "%YAML 1.1\n---\na: 1\n", "a: [" * 45 + "]" * 45 + "\n", "a: 'open\n",
                 "a: [" * 300 + "]" * 300 + "\n", "_: |#\n", "a: >+#\n  b\n",
                 "".join(" " * i + f"k{i}:\n" for i in range(130)) + " " * 130 + "v: 1\n"):
        assert yamlfast.compose(text, loader.MAX_DEPTH) is None, text
    assert yamlfast.compose("a: Vein & Leg * care! [x]\nb: 50% off\n", loader.MAX_DEPTH) is not None


_WORD = st.one_of(
    st.text(alphabet="abcxyz019 -.\u00e9\u4e2d", max_size=12),
    st.text(alphabet="abcxyz019 -:#'\"&*!?[]{},|>.@%`\u00e9\u4e2d", max_size=12),
    st.sampled_from(["2024-01-31", "2024-02-30", "1e3", "0x1F", "yes", "~", "null", "1:20",
                     "'quoted: yes'", '"a\\tb"', "[a, b]", "{k: v}", "a # note", "#1 tip"]),
)
_KEY = st.text(alphabet="abcxyz_", min_size=1, max_size=6)


@st.composite
def _yaml_text(draw):
    """Block YAML, mostly well formed, with awkward scalars and indents."""
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        indent = " " * draw(st.sampled_from([0, 0, 2, 2, 4, 1, 3, 6]))
        kind = draw(st.sampled_from(["key", "key", "item", "keyitem", "cont", "block", "blank"]))
        word = draw(_WORD)
        if kind == "key":
            lines.append(f"{indent}{draw(_KEY)}: {word}")
        elif kind == "item":
            lines.append(f"{indent}- {word}")
        elif kind == "keyitem":
            lines.append(f"{indent}- {draw(_KEY)}: {word}")
        elif kind == "cont":
            lines.append(f"{indent}{word}")
        elif kind == "block":
            lines.append(f"{indent}{draw(_KEY)}: {draw(st.sampled_from(['|', '>', '|-']))}")
        else:
            lines.append("")
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_yaml_text())
def test_generated_yaml_reads_the_same(text, tmp_path, monkeypatch):
    path = tmp_path / "g.yaml"
    path.write_text(text, "utf-8")
    fast, python = _both(path, monkeypatch)
    assert fast == python, text


_DATA = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), _WORD, st.dates()),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(_KEY, inner, min_size=1, max_size=4)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(_KEY, _DATA, min_size=1, max_size=5), flow=st.sampled_from([False, None]),
       width=st.sampled_from([20, 80]))
def test_dumped_yaml_reads_the_same(data, flow, width, tmp_path, monkeypatch):
    """Well-formed files of every shape (most take the fast path)."""
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, width=width)
    path = tmp_path / "d.yaml"
    path.write_text(text, "utf-8")
    fast, python = _both(path, monkeypatch)
    assert fast == python, text
