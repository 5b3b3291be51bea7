"""Plain language: every demo handout reads at US grade 6 or lower, measured
offline."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import REPO, SLUGS
from handouts import library
from handouts.schema.article import load_article
from handouts.readability import grade, prose


@pytest.mark.parametrize("slug", SLUGS)
def test_demo_handouts_read_at_grade_6_or_lower(slug):
    article = library.load(REPO / "content" / "en" / f"{slug}.yaml").get()   # with its shared block
    assert grade(article) <= 6.0


def test_prose_counts_headings_and_bullets_as_sentences():
    article = library.load(REPO / "content" / "en" / "leg-cramps.yaml").get()
    text = prose(article)
    assert "When to get help." in text and "Call us: a sore that has not healed in about 2 weeks." in text
    assert "What can play a part." in text and "Getting older." in text
    assert "Leg cramps." in text  # the title


def test_hard_text_scores_higher_than_grade_6(tmp_path):
    hard = ("Venous insufficiency constitutes a pathophysiological condition characterized by "
            "incompetent valvular mechanisms precipitating retrograde hemodynamic circulation.")
    path = tmp_path / "hard.yaml"
    path.write_text(f"title: Venous insufficiency\nsummary: {hard}\nreviewed: 2026-11-01\n"
                    f"sections:\n  - heading: Pathophysiology\n    body: {hard} {hard}\n", "utf-8")
    article, _ = load_article(path)
    assert grade(article) > 12.0


OFFLINE = r"""
import socket
def refuse(*a, **k):
    raise OSError("network is off in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from pathlib import Path
from handouts import library
from handouts.readability import grade
article = library.load(Path(r"{path}")).get()
print(round(grade(article), 2))
"""


def test_reading_grade_works_with_the_network_off(tmp_path):
    """textstat must not fetch anything (0.7.10+ downloads NLTK data)."""
    code = OFFLINE.replace("{path}", str(REPO / "content" / "en" / "leg-cramps.yaml"))
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "NLTK_DATA": str(tmp_path / "none"),
           "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert 0 < float(result.stdout.strip()) <= 6.0
