"""What the speed work must not change: the bytes (caches on or off, one
process or two, alone or after other brands), the order and the errors of a
batch, a clean Ctrl-C, and PDFs not kept in memory once written. (Speed itself
is measured by bench/bench.py, never here.)"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from helpers import REPO, SLUGS, processes_at_once
from handouts import batch
from handouts.build import run
from handouts.project import Project

TOO_LONG = "\n\n".join(["This sentence makes the handout far too long for one page. " * 4] * 9)


def cycled(project: Path, n: int) -> list[str]:
    """Replace the articles by n copies of the demos (slugs c-000 ...)."""
    en = project / "content" / "en"
    texts = [(en / f"{s}.yaml").read_text("utf-8") for s in SLUGS]
    for s in SLUGS:
        (en / f"{s}.yaml").unlink()
    slugs = [f"c-{i:03d}" for i in range(n)]
    for i, slug in enumerate(slugs):
        (en / f"{slug}.yaml").write_text(texts[i % 3], "utf-8")
    return slugs


def fresh_pdfs(project: Path, slugs: list[str], tmp: Path) -> dict[str, bytes]:
    """The PDF a new process makes of each handout (one process each, all at
    once): no cache has seen anything."""
    results = processes_at_once(*(["handouts", "build", "--project", str(project), "--lang", "en",
                                   "--out", str(tmp / f"fresh-{slug}"), slug] for slug in slugs))
    for result in results:
        assert result.returncode == 0, result.stderr
    return {slug: (tmp / f"fresh-{slug}" / "en" / f"{slug}.pdf").read_bytes() for slug in slugs}


def test_a_batch_in_two_processes_matches_one_process(project, tmp_path):
    slugs = cycled(project, 9)  # one pooled batch: an invalid one and a too long one among them
    en = project / "content" / "en"
    (en / "c-004.yaml").write_text("title: [not, a, title]\n", "utf-8")          # invalid
    data = yaml.safe_load((en / "c-007.yaml").read_text("utf-8"))              # too long
    data["sections"] += [{"heading": f"More {i}", "body": TOO_LONG} for i in range(2)]
    (en / "c-007.yaml").write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    proj = Project.find(project)
    one = run(proj, out=tmp_path / "one", jobs=1)
    two = run(proj, out=tmp_path / "two", jobs=2)
    assert batch.workers(2, len(slugs)) == 2
    assert [o.slug for o in two.outcomes] == [o.slug for o in one.outcomes] == slugs
    assert [[str(p) for p in o.problems] for o in two.outcomes] == \
        [[str(p) for p in o.problems] for o in one.outcomes]
    assert not one.outcomes[4].ok and not one.outcomes[7].ok
    assert "does not fit" in str(one.outcomes[7].problems[0])
    for slug in slugs:
        a, b = tmp_path / "one/en" / f"{slug}.pdf", tmp_path / "two/en" / f"{slug}.pdf"
        assert a.exists() == b.exists() == (slug not in ("c-004", "c-007"))
        if a.exists():
            assert a.read_bytes() == b.read_bytes(), slug


def test_warm_caches_give_the_bytes_of_a_fresh_process(second_brand, tmp_path):
    """Everything kept per process (QR codes, parsed text, broken lines, the
    encoded logo, the fitted plan) is keyed by content: a second brand, a
    repeated article and another paper all come out as a new process makes them."""
    demo = run(Project.find(REPO), write=False, jobs=1)       # warm every cache on the demo brand
    assert demo.ok
    proj = Project.find(second_brand)
    fits = ["cvi-symptoms", "leg-cramps"]  # risk-factors is too long for the second brand's A4
    report = run(proj, slugs=fits, out=tmp_path / "warm", jobs=1)
    assert report.ok, report.all_problems()
    fresh = fresh_pdfs(second_brand, fits, tmp_path)
    for slug in fits:
        assert (tmp_path / "warm/en" / f"{slug}.pdf").read_bytes() == fresh[slug], slug
    # The demo brand again, after the second brand: still the demo's bytes.
    again = run(Project.find(REPO), write=False, jobs=1)
    assert [o.pdf for o in again.outcomes] == [o.pdf for o in demo.outcomes]


def test_written_pdfs_are_not_kept_in_memory(project, tmp_path):
    report = run(Project.find(project), out=tmp_path / "out", jobs=1)
    assert report.ok
    for o in report.outcomes:
        assert o.pdf is None and o.size == o.output.stat().st_size > 10_000
    checked = run(Project.find(project), write=False, jobs=1)
    assert all(o.pdf and o.size == len(o.pdf) for o in checked.outcomes)


#: The real CLI, with one gate: after it has written its third PDF, the build
#: says so on fd READY and waits (on fd GATE, which nobody writes) for Ctrl-C.
#: The workers meanwhile go on rendering, so the signal comes while the pool
#: is busy and the rest of the batch is still to write, however loaded the
#: machine; no sleep decides when.
GATED_BUILD = """
import os, sys
ready, gate = (int(fd) for fd in sys.argv[1:3])
real_replace, written = os.replace, []
def replace(src, dst, *args, **kwargs):
    real_replace(src, dst, *args, **kwargs)
    if str(dst).endswith(".pdf"):
        written.append(dst)
        if len(written) == 3:
            os.write(ready, b"3 written\\n")
            os.read(gate, 1)
os.replace = replace
sys.argv = ["handouts", *sys.argv[3:]]
from handouts.cli import entry
entry()
"""


def test_ctrl_c_stops_a_pooled_build_cleanly(project, tmp_path):
    cycled(project, 20)
    out = tmp_path / "out"
    ready_r, ready_w = os.pipe()
    gate_r, gate_w = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", GATED_BUILD, str(ready_w), str(gate_r),
         "build", "--project", str(project), "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, pass_fds=(ready_w, gate_r),
        env={**os.environ, "PYTHONPATH": str(REPO)}, start_new_session=True)
    os.close(ready_w)
    os.close(gate_r)
    try:
        if not select.select([ready_r], [], [], 300)[0] or not os.read(ready_r, 64):
            pytest.fail(f"the build ended or stalled before writing three PDFs: {proc.communicate()}")
        workers = children(proc.pid)
        assert workers, "the 20 handouts are not built by a pool of workers"
        os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C does: to the build and its workers
        try:
            _, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            pytest.fail("Ctrl-C did not stop the build")
    finally:
        os.close(ready_r)
        os.close(gate_w)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    written = sorted(out.rglob("*.pdf"))
    assert len(written) == 3, "the build went on after Ctrl-C"
    assert proc.returncode not in (0, 2), (proc.returncode, err)  # stopped, and not a bug
    assert "Traceback" not in err and "error: unexpected" not in err, err
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")], "a half-written file was left"
    for pdf in written:  # every file written is whole
        assert len(PdfReader(pdf).pages) == 1
    # No worker is left behind: each has ended (the build waited for them).
    assert not [pid for pid in workers if alive(pid)], "a worker outlived the build"


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    ps = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in ps.stdout.split()]


def alive(pid: int) -> bool:
    """Running, sleeping or stopped; not gone and not a zombie waiting for init."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def modules_after(*commands: list[str]) -> list[set[str]]:
    """The modules a new process has imported after running the CLI, for
    each command (the processes run at once)."""
    def code(args):
        return ("import sys\nfrom handouts.cli import main\n"
                f"try:\n    main({list(args)!r})\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
                "print('\\n'.join(sys.modules))\n")
    results = processes_at_once(*([sys.executable, "-c", code(args)] for args in commands), cwd=REPO)
    for result in results:
        assert result.returncode == 0, result.stderr
    return [set(result.stdout.split()) for result in results]


def test_each_command_imports_only_what_it_needs(tmp_path):
    build, *quick, log = modules_after(
        ["build", "--project", str(REPO), "--out", str(tmp_path), "leg-cramps"],
        ["--help"], ["list", "--project", str(REPO)], ["log", "--help"])
    assert "handouts.build" in build
    assert not {m for m in build if m.startswith(("handouts.mail", "handouts.web", "starlette",
                                                  "reportlab.graphics", "email_validator"))}
    # The structure tree is written in ReportLab's one save: nothing re-opens the PDF.
    assert not {m for m in build if m.split(".")[0] in ("pikepdf", "lxml")}
    for loaded in quick:
        assert not {m for m in loaded if m.startswith(("handouts.build", "handouts.layout",
                                                       "reportlab.platypus", "pikepdf"))}
    assert "handouts.cli.mail" in log
    # --help lists the commands from LazyGroup.summaries: it imports none of them.
    assert not {m for m in quick[0] if m.startswith(("handouts.cli.", "handouts.library", "handouts.mail",
                                                     "handouts.web", "pydantic", "jinja2", "yaml"))}


def test_a_command_s_imports_are_frozen_not_collected(tmp_path):
    """A command's modules are imported with the garbage collector off and
    what they made is then frozen (gc.freeze: never scanned again, nor torn
    down object by object at exit); the collector is on for the work itself."""
    code = ("import gc\nfrom handouts.cli import main\n"
            f"try:\n    main(['build', '--project', {str(REPO)!r}, '--lang', 'en', '--out', "
            f"{str(tmp_path)!r}, 'leg-cramps'])\nexcept SystemExit as exc:\n    assert not exc.code\n"
            "print(gc.isenabled(), gc.get_freeze_count())\n")
    (result,) = processes_at_once([sys.executable, "-c", code], cwd=REPO)
    assert result.returncode == 0, result.stderr
    enabled, frozen = result.stdout.splitlines()[-1].split()
    assert enabled == "True" and int(frozen) > 30_000


def test_the_cli_leaves_nothing_for_the_collector_at_exit(tmp_path):
    """``handouts`` freezes what the command made before it exits (entry), so
    Python's collections at exit have nothing of it to scan."""
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: print('left', len(gc.get_objects()), 'frozen', gc.get_freeze_count()))\n"
            "from handouts.cli import entry\n"
            f"sys.argv = ['handouts', 'build', '--project', {str(REPO)!r}, '--lang', 'en', '--out', "
            f"{str(tmp_path)!r}, 'leg-cramps']\nentry()\n")
    (result,) = processes_at_once([sys.executable, "-c", code], cwd=REPO)
    assert result.returncode == 0, result.stderr
    _, left, _, frozen = result.stdout.splitlines()[-1].split()
    assert int(left) < 1000 and int(frozen) > 30_000


def test_help_lists_each_command_as_its_own_help_would():
    """``--help`` shows each command by LazyGroup.summaries, never importing
    it; at every width the line is the one click makes from the command's
    own help."""
    import click

    from handouts.cli import LazyGroup, main

    ctx = click.Context(main)
    assert set(LazyGroup.summaries) == set(LazyGroup.lazy)
    for name, summary in LazyGroup.summaries.items():
        real = main.get_command(ctx, name)
        assert not real.hidden, name
        for limit in range(10, 200):
            assert click.Command(name, help=summary).get_short_help_str(limit) == \
                real.get_short_help_str(limit), (name, limit)


#: What one English handout's build never uses, so never imports: the word
#: diff (a review's, or a mistake's "did you mean"), python-bidi (right-to-left
#: text only) and the email package's header classes (a message only).
NOT_FOR_ONE_HANDOUT = ("difflib", "bidi", "email.headerregistry")


def test_a_one_handout_build_imports_nothing_it_does_not_use(tmp_path):
    (build,) = modules_after(["build", "--project", str(REPO), "--lang", "en",
                              "--out", str(tmp_path), "leg-cramps"])
    assert "handouts.build" in build
    assert sorted(m for m in build if m in NOT_FOR_ONE_HANDOUT
                  or m.startswith(tuple(f"{n}." for n in NOT_FOR_ONE_HANDOUT))) == []


def test_a_build_makes_validators_only_for_the_files_it_reads(tmp_path):
    """The schema's models are built when first used (defer_build), and only
    the files' own models are used: clinic.yaml, an article, a shared block.
    A section, the fonts (205 fields) or the smtp block never get validators
    of their own, which a cold start used to build at import."""
    code = ("from handouts.cli import main\nfrom handouts.schema.fields import Strict\n"
            f"try:\n    main(['build', '--project', {str(REPO)!r}, '--lang', 'en', '--out', "
            f"{str(tmp_path)!r}, 'leg-cramps'])\nexcept SystemExit as exc:\n    assert not exc.code\n"
            "def models(cls):\n    for sub in cls.__subclasses__():\n        yield sub\n"
            "        yield from models(sub)\n"
            "print(' '.join(sorted(m.__name__ for m in models(Strict) if m.__pydantic_complete__)))\n")
    (result,) = processes_at_once([sys.executable, "-c", code], cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["Article", "Block", "Clinic"]


def test_the_clinic_validator_leaves_fonts_and_smtp_to_their_own():
    """clinic.yaml's fonts: (205 fields) and smtp: blocks are validated by
    their own models only when given (fields.Nested), so the validator of a
    clinic.yaml without them is built without them."""
    from handouts.schema.clinic import Clinic

    def models(schema):
        if isinstance(schema, dict):
            if schema.get("type") == "model":
                yield schema["cls"].__name__
            for value in schema.values():
                yield from models(value)
        elif isinstance(schema, list):
            for value in schema:
                yield from models(value)

    Clinic.model_rebuild()  # built now if nothing has validated a clinic.yaml yet (defer_build)
    assert sorted(set(models(Clinic.__pydantic_core_schema__))) == ["Clinic", "Colors", "ReadingTarget"]


def test_every_mail_command_is_reachable_from_the_lazy_cli():
    import click

    from handouts.cli import main
    from handouts.cli.mail import COMMANDS

    ctx = click.Context(main)
    for command in COMMANDS:
        assert command.name in main.list_commands(ctx)
        assert main.get_command(ctx, command.name) is command


def test_a_plain_address_skips_only_what_email_validator_accepts():
    """A build checks the clinic's address without email-validator when it is
    plain (address.is_plain); every address it calls plain, the full check
    accepts unchanged, and the tricky ones still go the full way."""
    import random

    from email_validator import validate_email

    from handouts import address

    tricky = ["a..b@x.org", ".a@x.org", "a.@x.org", "a@x.test", "a@x.local", "a@x.localhost", "a@x.onion",
              "a@x.arpa", "a@x.invalid", "a@xn--abc.org", "a@ab--c.org", "a@a-.org", "a@-a.org", "a@x.c0m",
              "a@x.c", "a@X.org", "a@x.org.", "a@x..org", "a@localhost", "a" * 65 + "@x.org",
              "a@" + "b" * 64 + ".org", "María <m@x.org>", "m@x.org\n", "ü@x.org", "a@ü.org"]
    assert not [a for a in tricky if address.is_plain(a)]
    assert address.is_plain("care@riverbend.example.org") and address.is_plain("a+b_c.d@x-y.example.com")
    rng = random.Random(7)
    plain = []
    for _ in range(20000):
        local = "".join(rng.choice("ab.-_+1X") for _ in range(rng.randint(1, 6)))
        domain = "".join(rng.choice("abcnx.-1") for _ in range(rng.randint(1, 10)))
        addr = f"{local}@{domain}{rng.choice(['.org', '.test', '.c0', '', '.local'])}"
        if address.is_plain(addr):
            plain.append(addr)
    assert len(plain) > 500
    for addr in plain:
        assert validate_email(addr, check_deliverability=False, allow_smtputf8=False).ascii_email == addr
        assert address.parse(addr).addr == addr


def test_a_build_puts_off_what_its_handout_never_uses(tmp_path):
    """The CLI's one-shot commands import with handouts.lazyimports: a Latin
    handout's build never compiles ReportLab's uri_pat (about 30 ms) nor
    loads HarfBuzz (about 8 ms). An Arabic handout in the same process then
    loads HarfBuzz and is shaped; the pattern still matches when used; and the
    bytes are those of a build imported the usual way (the library's run)."""
    code = (
        "import sys\nfrom handouts.cli import main\n"
        "def cli(*args):\n    try:\n        main(['build', '--project', %r, *args])\n"
        "    except SystemExit as exc:\n        assert not exc.code, exc.code\n"
        "cli('--lang', 'en', '--out', %r, 'leg-cramps')\n"
        "from reportlab.platypus import paragraph\n"
        "print(type(paragraph.uri_pat).__name__, getattr(paragraph.uri_pat, 'compiled', None),\n"
        "      'uharfbuzz._harfbuzz' in sys.modules)\n"
        "cli('--out', %r, 'ar:leg-cramps')\n"
        "print('uharfbuzz._harfbuzz' in sys.modules, type(sys.modules['uharfbuzz']).__name__,\n"
        "      paragraph.uri_pat.match('https://example.org/a') is not None, paragraph.uri_pat.compiled)\n"
    ) % (str(REPO), str(tmp_path / "cli"), str(tmp_path / "cli"))
    library = ("from pathlib import Path\nfrom handouts.build import run\nfrom handouts.project import Project\n"
               f"report = run(Project.find(Path({str(REPO)!r})), slugs=['leg-cramps'], langs=['en', 'ar'], "
               f"out=Path({str(tmp_path / 'lib')!r}), jobs=1)\nassert report.ok\n")
    lazy, usual = processes_at_once([sys.executable, "-c", code], [sys.executable, "-c", library], cwd=REPO)
    assert lazy.returncode == 0, lazy.stderr
    assert usual.returncode == 0, usual.stderr
    first, then = [line for line in lazy.stdout.splitlines() if not line.startswith("built")]
    assert first.split() == ["LazyPattern", "False", "False"]
    assert then.split() == ["True", "module", "True", "True"]
    for lang in ("en", "ar"):
        made = (tmp_path / "cli" / lang / "leg-cramps.pdf").read_bytes()
        assert made == (tmp_path / "lib" / lang / "leg-cramps.pdf").read_bytes(), lang
    assert "\u0627" in "".join(p.extract_text() for p in PdfReader(tmp_path / "cli" / "ar" / "leg-cramps.pdf").pages)
