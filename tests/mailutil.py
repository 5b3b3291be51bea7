"""What the email tests share: the patient, the demo clinic with a Spanish
handout and an smtp block (the ``clinic`` fixture; import it into a test
module to use it), the outbox's rows and a message's attachments."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from helpers import free_port, plain_smtp, use_smtp

PATIENT = "María Núñez <maria@example.org>"

SPANISH = """\
title: Calambres en las piernas
summary: Casi todos los calambres no son graves. Si vuelven una y otra vez, pueden ser señal de un problema de circulación.
reviewed: 2026-11-01
sections:
  - heading: ¿Qué es un calambre?
    body: Un calambre es cuando un músculo de la pierna se pone duro de repente. Casi siempre se quita en unos minutos.
  - heading: Qué puede hacer
    bullets:
      - Estire y frote la pantorrilla.
      - Camine un poco.
      - Tome agua todos los días.
"""


@pytest.fixture
def clinic(project: Path) -> Path:
    """The demo project with a Spanish handout and an smtp block pointing nowhere yet."""
    es = project / "content" / "es"
    if not (es / "leg-cramps.yaml").exists():
        es.mkdir(exist_ok=True)
        (es / "leg-cramps.yaml").write_text(SPANISH, encoding="utf-8")
    use_smtp(project, plain_smtp(free_port()))
    return project


def db_rows(root: Path) -> list[dict]:
    path = root / ".handouts" / "handouts.db"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM messages ORDER BY id")]


def attachments(msg) -> list[tuple[str, bytes]]:
    return [(part.get_filename(), part.get_content()) for part in msg.iter_attachments()]
