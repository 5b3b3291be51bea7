"""The benchmark's batch of new words (bench/distinct.py, bench/worker.py
``distinct``): every word of each article's own is new (neither its demo's
nor another article's), each article is approved as its demo is and fits
one tagged page, and the sides read the very same files. (Speed is measured
by bench/bench.py, never here.)"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import yaml
from pypdf import PdfReader

from helpers import REPO, SLUGS
from handouts.build import run
from handouts.project import Project

sys.path.insert(0, str(REPO / "bench"))

import distinct  # noqa: E402
import worker  # noqa: E402


def own_words(path) -> list[str]:
    """An article's own words: title, summary, headings, each paragraph of
    its bodies, bullets and sources (not the included callout block)."""
    article = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = [article["title"], article["summary"], *article.get("sources", [])]
    for section in article["sections"]:
        out += [section["heading"], *section.get("bullets", [])]
        out += [p for p in (section.get("body") or "").split("\n\n") if p.strip()]
    return out


def test_every_word_new_and_every_article_fits(tmp_path):
    root = tmp_path / "p"
    made = distinct.make(root, 5, seed=3)
    slugs = made["slugs"]
    assert slugs == worker.new_articles(root) and len(slugs) == 5
    en = root / "content" / "en"
    seen = {line for demo in SLUGS for line in own_words(en / f"{demo}.yaml")}
    for slug in slugs:
        words = own_words(en / f"{slug}.yaml")
        assert len(words) > 10 and not seen & set(words), slug   # block bodies too
        seen |= set(words)
    report = run(Project.find(root), slugs=slugs, write=False, jobs=1)
    assert report.ok and [o.slug for o in report.outcomes] == slugs
    for o in report.outcomes:
        assert o.fit.pages == 1 and o.approval.kind == "approved", o.slug
        assert worker._pages_tagged(o.pdf) == (1, True)


def test_each_side_reads_the_same_files(tmp_path):
    root = tmp_path / "p"
    slugs = distinct.make(root, 3)["slugs"]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    for side, tagged in (("handouts", True), ("floor", False)):
        out = subprocess.run([sys.executable, str(REPO / "bench" / "worker.py"), side, "distinct", "3", str(root),
                              "check"], capture_output=True, text=True, env=env, check=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        assert result["n"] == 3 and result["cpu_s"] > 0
        assert result["pages"] == {slug: [1, tagged] for slug in slugs}, side
    title = yaml.safe_load((root / "content" / "en" / f"{slugs[0]}.yaml").read_text("utf-8"))["title"]
    assert PdfReader(io.BytesIO(worker.Peer("floor", root).render(slugs[0]))).metadata.title == title
