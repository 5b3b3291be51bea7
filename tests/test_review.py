"""Approvals bind to words (issue 19): the canonical words of a handout, their
digest, the approval record and its validation, the word diff and the states."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from handouts import build, review
from handouts.errors import HandoutError
from handouts.inputs import cached_brand
from handouts.library import Item
from handouts.project import Project

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 26)
BY = "Ana Ruiz, MD"


@pytest.fixture
def clinic(project: Path) -> Path:
    """The demo clinic with no approvals."""
    shutil.rmtree(project / "content" / review.FOLDER)
    return project


def words_of(root: Path, slug: str = "leg-cramps", lang: str = "en") -> str:
    project = Project(root)
    brand, _ = cached_brand(project)
    handout = build.load_handout(Item(lang, slug), project.content / lang / f"{slug}.yaml", brand)
    return review.words(build.handout_markup(handout, brand, project, build.words(project, lang)).root)


def test_words_are_every_word_the_patient_sees_but_the_review_line(clinic):
    text = words_of(clinic)
    for expected in ("# Leg cramps", "Questions? Call us", "(541) 555-0142",   # article, catalog, clinic
                     "[qr alt] QR code that opens riverbend.example.org/book",
                     "This sheet is for learning only."):
        assert expected in text
    assert "reviewed" not in text.lower()
    spanish = words_of(clinic, lang="es")
    assert "¿Preguntas? Llámenos" in spanish and "Questions" not in spanish


def test_one_changed_word_changes_the_digest_and_the_diff_shows_it(clinic):
    before = words_of(clinic)
    path = clinic / "content" / "en" / "leg-cramps.yaml"
    path.write_text(path.read_text("utf-8").replace("stop within minutes", "stop within hours"), "utf-8")
    after = words_of(clinic)
    assert review.digest(before) != review.digest(after)
    ops = review.diff(before, after)
    assert ("-", "minutes.") in ops and ("+", "hours.") in ops
    assert review.changed_words(ops) == (1, 1)
    assert review.digest(words_of(clinic)) == review.digest(after)   # stable


def test_a_catalog_word_is_part_of_what_is_approved(clinic):
    before = words_of(clinic)
    labels = clinic / "templates" / "labels" / "en.yaml"
    labels.write_text(labels.read_text("utf-8").replace("Questions? Call us", "Questions? Phone us"), "utf-8")
    assert review.digest(words_of(clinic)) != review.digest(before)


def test_record_round_trip_and_states(clinic):
    item = Item("en", "leg-cramps")
    text = words_of(clinic)
    content = clinic / "content"
    rec = review.write(content, item, BY, text, day=dt.date(2026, 11, 2))
    path = content / "approvals" / "en" / "leg-cramps.yaml"
    assert rec.path == path and path.is_file()
    assert [p.name for p in path.parent.iterdir()] == ["leg-cramps.yaml"]   # no temporary left
    found = review.records(Project(clinic), TODAY)
    assert not found.problems
    got = found.get(item)
    assert (got.by, got.date, got.text, got.digest) == (BY, dt.date(2026, 11, 2), text, review.digest(text))

    assert review.state(item, text, got, today=TODAY).kind == review.APPROVED
    changed = review.state(item, text.replace("stop within minutes", "stop within hours"), got, today=TODAY)
    assert changed.kind == review.CHANGED and changed.draft
    assert "changed since Ana Ruiz, MD approved them (sha256:" in changed.warning()
    assert "on 2026-11-02: 1 removed, 1 added" in changed.warning()
    assert review.state(item, text, None, today=TODAY).kind == review.NEVER
    due = review.state(item, text, got, months=24, today=dt.date(2028, 11, 3))
    assert not due.draft and due.review_due and "review due" in due.label()
    assert not review.state(item, text, got, months=24, today=dt.date(2028, 11, 2)).review_due


def test_words_with_yaml_specials_round_trip(clinic):
    item = Item("en", "leg-cramps")
    text = "# Title: with colon\n- item #not a comment\n[qr alt] x\n'quoted' \"both\" ¿ü? · 911"
    review.write(clinic / "content", item, BY, text, day=TODAY)
    assert review.records(Project(clinic), TODAY).get(item).text == text


@pytest.mark.parametrize("by", ["", "   ", "Ana Ruiz", "Ana Ruiz,", ", MD", "Ana\nRuiz, MD"])
def test_approve_needs_a_name_and_a_credential_and_writes_nothing_otherwise(clinic, by):
    with pytest.raises(HandoutError) as exc:
        review.write(clinic / "content", Item("en", "leg-cramps"), by, "words", day=TODAY)
    assert len(exc.value.problems) == 1 and "--by" in str(exc.value)
    assert not (clinic / "content" / "approvals").exists()


def _approved(clinic) -> Path:
    review.write(clinic / "content", Item("en", "leg-cramps"), BY, words_of(clinic), day=TODAY)
    return clinic / "content" / "approvals" / "en" / "leg-cramps.yaml"


def _problems(clinic) -> list[str]:
    return [str(p) for p in review.records(Project(clinic), TODAY).problems]


def _line(path: Path, start: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if line.startswith(start))


def test_a_hand_edited_text_is_refused_at_its_digest_line(clinic):
    path = _approved(clinic)
    path.write_text(path.read_text("utf-8").replace("within minutes", "within hours"), "utf-8")
    [problem] = _problems(clinic)
    assert problem.startswith(f"{path}:{_line(path, 'digest:')}: digest: does not match the approved text")
    assert "edited by hand" in problem
    assert review.records(Project(clinic), TODAY).broken == {Item("en", "leg-cramps")}


def test_an_empty_by_is_refused_at_its_line(clinic):
    path = _approved(clinic)
    path.write_text(path.read_text("utf-8").replace(f'by: "{BY}"', 'by: ""'), "utf-8")
    [problem] = _problems(clinic)
    assert problem.startswith(f"{path}:{_line(path, 'by:')}: by: is empty")


def test_an_approval_for_a_handout_that_does_not_exist(clinic):
    path = _approved(clinic)
    other = path.with_name("leg-cramp.yaml")
    other.write_text(path.read_text("utf-8").replace("handout: en/leg-cramps", "handout: en/leg-cramp"), "utf-8")
    [problem] = _problems(clinic)
    assert problem.startswith(f"{other}:1: an approval for a handout that does not exist")


def test_two_approvals_for_one_handout(clinic):
    path = _approved(clinic)
    shutil.copy(path, path.with_suffix(".yml"))
    [problem] = _problems(clinic)
    assert problem.startswith(f"{path.with_suffix('.yml')}:1: a second approval for en/leg-cramps")
    # and a file that lists two
    path.with_suffix(".yml").unlink()
    body = path.read_text("utf-8").split("handout:", 1)[1]
    path.write_text("- handout:" + body.replace("\n", "\n  ") + "\n- handout:" + body.replace("\n", "\n  "), "utf-8")
    [problem] = _problems(clinic)
    assert problem.startswith(f"{path}:") and "holds 2 approvals for one handout" in problem


def test_a_copied_record_and_other_hand_edits(clinic):
    path = _approved(clinic)
    copy = clinic / "content" / "approvals" / "en" / "risk-factors.yaml"
    shutil.copy(path, copy)
    [problem] = _problems(clinic)
    assert problem.startswith(f"{copy}:{_line(copy, 'handout:')}: handout: this record is for 'en/leg-cramps'")
    copy.unlink()
    path.write_text(path.read_text("utf-8").replace("date: 2026-11-26", "date: 2027-01-01")
                    + "approved: yes\n", "utf-8")
    problems = _problems(clinic)
    assert f"{path}:{_line(path, 'approved:')}: approved: unknown key" in problems[0]
    path.write_text(path.read_text("utf-8").replace("approved: yes\n", ""), "utf-8")
    [problem] = _problems(clinic)
    assert problem == f"{path}:{_line(path, 'date:')}: date: 2027-01-01 is in the future"


# ---------------------------------------------------------------------------
# Done when (issue 19): one changed word of an approved handout makes it a
# draft everywhere, and approving it again brings the review line back.

from helpers import LANGS, free_port, plain_smtp, run_cli, squash, use_smtp   # noqa: E402
from smtpserver import smtp_server                                      # noqa: E402
from webutil import LiveServer                                          # noqa: E402

FICTIONAL = "Dr. Jordan Lee, MD (fictional demo reviewer)"
#: Machine-drafted translations (issue 24): drafts until a qualified medical
#: translator and a clinician approve them, so the demo leaves them unapproved.
DRAFTS = {"vi", "zh-Hans", "ar"}
REVIEWED = [lang for lang in LANGS if lang not in DRAFTS]
ONLY_REVIEWED = [arg for lang in REVIEWED for arg in ("--lang", lang)]


def pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return squash(" ".join(p.extract_text() or "" for p in pdf.pages))


@pytest.fixture
def demo(project: Path) -> Path:
    """The demo clinic as it ships: every handout approved."""
    return project


def test_the_demo_is_approved_by_its_fictional_reviewer_and_check_strict_passes():
    records = review.records(Project(REPO))
    assert not records.problems
    assert len(records.found) == sum(1 for lang in REVIEWED for p in (REPO / "content" / lang).glob("*.yaml"))
    assert not any(item.lang in DRAFTS for item in records.found)
    for record in records.found.values():
        assert record.by == FICTIONAL and "fictional" in record.note
    result = run_cli("check", "--strict", "--project", str(REPO), *ONLY_REVIEWED)
    assert result.returncode == 0, result.stdout + result.stderr
    # The machine-drafted translations are drafts, and strict says so, for them only.
    every = run_cli("check", "--strict", "--project", str(REPO))
    assert every.returncode == 1
    warned = [ln for ln in every.stdout.splitlines() if ln.startswith("warning: ")]
    assert warned and all("draft: never approved" in ln and any(f"({d})" in ln for d in DRAFTS)
                          for ln in warned), warned


def test_one_changed_word_makes_a_draft_everywhere_until_it_is_approved_again(demo, tmp_path):
    out = tmp_path / "out"
    path = demo / "content" / "en" / "leg-cramps.yaml"
    assert run_cli("check", "--strict", "--project", str(demo), *ONLY_REVIEWED).returncode == 0
    before = run_cli("build", "leg-cramps", "--lang", "en", "--project", str(demo), "--out", str(out))
    assert before.returncode == 0, before.stderr
    approved = pdf_text(out / "en" / "leg-cramps.pdf")
    assert "Last reviewed by our clinicians:" in approved and "Draft" not in approved

    # One word.
    text = path.read_text("utf-8")
    old = next(w for w in text.split() if w == "minutes.")  # "... and stop within minutes."
    path.write_text(text.replace(" minutes.", " hours.", 1), "utf-8")

    # check --strict fails, naming the handout, who approved what and when, and that it changed.
    strict = run_cli("check", "--strict", "--project", str(demo))
    assert strict.returncode == 1
    said = squash(strict.stdout)
    assert ("content/en/leg-cramps.yaml: draft: the words changed since Dr. Jordan Lee, MD (fictional "
            "demo reviewer) approved them (sha256:") in said
    assert "1 removed, 1 added (words)" in said
    # ... the other language's translation is out of date ...
    assert "es/leg-cramps is out of date: it was translated from other English words" in said
    listed = run_cli("list", "--project", str(demo)).stdout
    row = next(line for line in listed.splitlines() if line.startswith("leg-cramps"))
    assert "changed since approved" in row and row.rstrip().endswith("out of date")
    # ... and nothing else is a draft.
    assert "cvi-symptoms (en): content/en/cvi-symptoms.yaml: draft" not in said

    # Its PDF claims no review and says draft where the line was.
    built = run_cli("build", "leg-cramps", "--lang", "en", "--project", str(demo), "--out", str(out))
    assert built.returncode == 0 and "DRAFT: not yet reviewed" in built.stdout
    draft = pdf_text(out / "en" / "leg-cramps.pdf")
    assert "Draft: not yet reviewed" in draft
    assert "reviewed by" not in draft.lower() and "Last reviewed" not in draft

    # handouts review shows the new word (and the old one), marked.
    shown = run_cli("review", "leg-cramps", "--project", str(demo))
    assert shown.returncode == 0, shown.stderr
    assert "[-minutes.-] {+hours.+}" in shown.stdout
    assert "changed since Dr. Jordan Lee, MD (fictional demo reviewer) approved it" in shown.stdout
    assert old

    # The page: a badge, no print, no email.
    with LiveServer(demo) as server:
        status, _, body = server.raw("GET", "/h/en/leg-cramps")
        assert status == 200
        page = body.decode()
        assert 'class="badge draft"' in page and "Draft: not yet reviewed" in page
        assert 'id="print"' not in page and 'action="/email"' not in page
        status, _, _ = server.raw("GET", "/h/en/leg-cramps/handout.pdf?paper=letter&print=1")
        assert status == 403
        status, _, body = server.raw("GET", "/")
        assert b"Draft: not yet reviewed" in body
        # ... the approved Spanish version still prints, marked out of date.
        status, _, body = server.raw("GET", "/h/es/leg-cramps")
        assert 'id="print"' in body.decode() and 'id="stale"' in body.decode()
        status, _, _ = server.raw("GET", "/h/es/leg-cramps/handout.pdf?paper=letter")
        assert status == 200

    # handouts approve --by: the review line is back, check --strict passes for English.
    again = run_cli("approve", "leg-cramps", "--project", str(demo), "--by", "Ana Ruiz, MD")
    assert again.returncode == 0, again.stderr
    assert run_cli("build", "leg-cramps", "--lang", "en", "--project", str(demo), "--out", str(out)).returncode == 0
    back = pdf_text(out / "en" / "leg-cramps.pdf")
    assert f"Last reviewed by our clinicians: {TODAY_LONG()}" in back and "Draft" not in back
    ok = run_cli("check", "--strict", "--project", str(demo), "--lang", "en")
    assert ok.returncode == 0, ok.stdout
    # The Spanish stays out of date until it is translated and says from which words.
    assert "es/leg-cramps is out of date" in run_cli("check", "--project", str(demo)).stdout


def TODAY_LONG() -> str:
    return f"{dt.date.today():%B} {dt.date.today().day}, {dt.date.today().year}"


def test_a_draft_is_never_emailed_and_the_log_keeps_the_words_that_went(demo):
    with smtp_server() as (inbox, port):
        use_smtp(demo, plain_smtp(port))
        sent = run_cli("email", "leg-cramps", "--to", "maria@example.org", "--project", str(demo))
        assert sent.returncode == 0, sent.stderr
        [got] = inbox.received
        words = review.lookup(demo / "content", Item("en", "leg-cramps")).digest
        assert squash(got.message["X-Handouts-Approved"]) == f"en/leg-cramps {words}"
        log = run_cli("log", "--project", str(demo))
        assert f"leg-cramps (en, words {words[:19]})" in log.stdout
        path = demo / "content" / "en" / "leg-cramps.yaml"
        path.write_text(path.read_text("utf-8").replace(" minutes.", " hours.", 1), "utf-8")
        refused = run_cli("email", "leg-cramps", "--to", "maria@example.org", "--project", str(demo))
        assert refused.returncode == 1
        [line] = [x for x in refused.stderr.splitlines() if x.startswith("error:")]
        assert "content/en/leg-cramps.yaml: is a draft (changed since approved" in line
        assert "never emailed to a patient" in line
        assert len(inbox.received) == 1


def test_draft_preview_lets_staff_open_a_draft_but_never_email_it(demo):
    (demo / "content" / "approvals" / "en" / "leg-cramps.yaml").unlink()   # never approved
    clinic = demo / "content" / "clinic.yaml"
    clinic.write_text(clinic.read_text("utf-8") + "draft_preview: true\n", "utf-8")
    with LiveServer(demo) as server:
        status, _, body = server.raw("GET", "/h/en/leg-cramps")
        page = body.decode()
        assert "Staff preview only" in page and 'id="print"' in page and 'action="/email"' not in page
        status, _, pdf = server.raw("GET", "/h/en/leg-cramps/handout.pdf?paper=letter")
        assert status == 200
        import io
        from pypdf import PdfReader
        assert "Draft: not yet reviewed" in squash(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())


def test_review_of_a_handout_never_approved_shows_all_its_words(demo):
    (demo / "content" / "approvals" / "es" / "cvi-symptoms.yaml").unlink()
    shown = run_cli("review", "es:cvi-symptoms", "--project", str(demo))
    assert shown.returncode == 0
    assert shown.stdout.startswith("es/cvi-symptoms (content/es/cvi-symptoms.yaml): never approved")
    assert "# Señales de insuficiencia venosa crónica (IVC)" in shown.stdout
    assert "approve cvi-symptoms --lang es" in shown.stderr


@pytest.mark.parametrize("args, why", [
    ((), "--by: is required"),
    (("--by", ""), "--by: is empty"),
    (("--by", "   "), "--by: is empty"),
    (("--by", "Ana Ruiz"), "needs a name and a credential"),
])
def test_approve_refuses_a_missing_or_empty_by_and_writes_nothing(demo, args, why):
    record = demo / "content" / "approvals" / "en" / "leg-cramps.yaml"
    before = record.read_bytes()
    result = run_cli("approve", "leg-cramps", "--project", str(demo), *args)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and why in line
    assert record.read_bytes() == before


def test_approve_writes_nothing_when_one_of_several_handouts_is_bad(demo):
    result = run_cli("approve", "leg-cramps", "leg-cramp", "--project", str(demo), "--by", "Ana Ruiz, MD")
    assert result.returncode == 1
    assert "no handout named leg-cramp; did you mean leg-cramps?" in result.stderr
    assert "Ana Ruiz" not in (demo / "content" / "approvals" / "en" / "leg-cramps.yaml").read_text("utf-8")


@pytest.mark.parametrize("command", ["check", "build", "list", "review"])
def test_a_tampered_record_is_one_line_naming_file_and_line_with_exit_1(demo, tmp_path, command):
    record = demo / "content" / "approvals" / "en" / "leg-cramps.yaml"
    record.write_text(record.read_text("utf-8").replace("stop within minutes", "stop within hours"), "utf-8")
    line = next(i for i, x in enumerate(record.read_text("utf-8").splitlines(), 1) if x.startswith("digest:"))
    extra = {"build": ["--out", str(tmp_path / "out")], "review": ["leg-cramps"]}.get(command, [])
    result = run_cli(command, "--project", str(demo), *extra)
    assert result.returncode == 1
    said = result.stdout + result.stderr
    assert f"content/approvals/en/leg-cramps.yaml:{line}: digest: does not match the approved text" in said
    assert "Traceback" not in said
    if command == "build":   # the others still build; nothing for this one
        assert not (tmp_path / "out" / "en" / "leg-cramps.pdf").exists()
        assert (tmp_path / "out" / "en" / "cvi-symptoms.pdf").exists()


def test_an_approval_of_a_handout_that_does_not_exist_fails_check(demo):
    (demo / "content" / "en" / "risk-factors.yaml").unlink()
    result = run_cli("check", "--project", str(demo), "--lang", "en")
    assert result.returncode == 1
    assert ("content/approvals/en/risk-factors.yaml:1: an approval for a handout that does not exist"
            in result.stdout + result.stderr)


def test_a_changed_word_in_the_shared_block_makes_every_handout_that_includes_it_a_draft(demo):
    block = demo / "content" / "blocks" / "en" / "when-to-get-help.yaml"
    block.write_text(block.read_text("utf-8").replace("chest pain", "chest ache", 1), "utf-8")
    result = run_cli("check", "--strict", "--project", str(demo), "--lang", "en")
    assert result.returncode == 1
    drafts = {line.split("(en): ")[1].split(":")[0] for line in result.stdout.splitlines()
              if ": draft: the words changed since" in line}
    including = {f"content/en/{p.name}" for p in (demo / "content" / "en").glob("*.yaml")
                 if "include: when-to-get-help" in p.read_text("utf-8")}
    assert drafts == including and including
    shown = run_cli("review", "leg-cramps", "--project", str(demo))
    assert "[-pain-] {+ache+}" in shown.stdout
