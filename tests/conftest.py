"""Shared fixtures: a throwaway copy of the demo project, and helpers to build
it in-process or through the real CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SLUGS = ["cvi-symptoms", "leg-cramps", "risk-factors"]


def require_tool(name: str) -> str:
    """A test that needs an external tool fails loudly when it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; .ci/run installs it (apt-get install poppler-utils qpdf)")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the demo clinic (content/ and templates/) to edit."""
    root = tmp_path / "clinic"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    return root


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m handouts ARGS`` as a user would; never raises."""
    return subprocess.run(
        [sys.executable, "-m", "handouts", *args], cwd=cwd, capture_output=True, text=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The demo handouts built once through the CLI into a temp output folder."""
    out = tmp_path_factory.mktemp("out")
    result = run_cli("build", "--project", str(REPO), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out
