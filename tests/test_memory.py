"""Memory stays flat over a big batch (issue 22): building ten times as many
handouts in one process does not hold ten times as much. Measured in a
fresh process by its resident memory, never by time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import REPO

CHILD = r"""
import json, shutil, sys
from pathlib import Path
from handouts import build
from handouts.project import Project

def rss_mb():
    import os
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

root, n = Path(sys.argv[1]), int(sys.argv[2])
en = root / "content" / "en"
texts = [p.read_text("utf-8") for p in sorted(en.glob("*.yaml"))]
slugs = []
for i in range(n):   # distinct files (their own slugs), the demo's words cycled
    (en / f"copy-{i:04d}.yaml").write_text(texts[i % len(texts)], "utf-8")
    slugs.append(f"copy-{i:04d}")
project = Project.find(root)
first = build.run(project, slugs=slugs[:30], out=root / "out", jobs=1)
assert first.ok, first.all_problems()
after_30 = rss_mb()
report = build.run(project, slugs=slugs, out=root / "out", jobs=1)
assert report.ok and len(report.outcomes) == n, report.all_problems()
print(json.dumps({"after_30": after_30, "after_all": rss_mb()}))
"""


def test_a_batch_of_300_holds_no_more_than_a_batch_of_30(project: Path):
    """300 handouts from their own files, after 30: the process grows by a
    few megabytes at most (before: every file's data and every handout
    stayed in memory until the end, about 50 KB a handout)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", CHILD, str(project), "300"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    rss = json.loads(done.stdout.strip().splitlines()[-1])
    assert rss["after_all"] - rss["after_30"] < 6.0, rss


TRACED = r"""
import gc, json, sys, tracemalloc
from pathlib import Path
from handouts import build, review
from handouts.project import Project

root, n = Path(sys.argv[1]), int(sys.argv[2])
en = root / "content" / "en"
texts = [p.read_text("utf-8") for p in sorted(en.glob("*.yaml"))]
slugs = []
for i in range(n):
    (en / f"copy-{i:04d}.yaml").write_text(texts[i % len(texts)], "utf-8")
    slugs.append(f"copy-{i:04d}")
# every copy approved, as the demo's own words are
for p in sorted((root / "content" / "approvals" / "en").glob("*.yaml")):
    record = p.read_text("utf-8")
    for i in range(n):
        if texts[i % len(texts)] == (en / p.name).read_text("utf-8"):
            (p.parent / f"copy-{i:04d}.yaml").write_text(
                record.replace(f"handout: en/{p.stem}", f"handout: en/copy-{i:04d}"), "utf-8")
project = Project.find(root)
marks = {}
def progress(done, total):
    if done in (140, 268) and done not in marks:   # 12 handouts into the 2nd and 3rd chunk
        gc.collect()
        marks[done] = tracemalloc.get_traced_memory()[0]
tracemalloc.start()
report = build.run(project, slugs=slugs, out=root / "out", jobs=1, progress=progress)
assert report.ok and len(report.outcomes) == n, report.all_problems()
approved = [o for o in report.outcomes if o.approval and o.approval.record]
print(json.dumps({"per_handout": (marks[268] - marks[140]) / 128,
                  "approved": len(approved), "words_kept": sum(len(o.approval.text) + len(o.approval.record.text)
                                                              for o in approved),
                  "records_cached": len(review._read)}))
"""


def test_a_big_batch_keeps_no_handouts_words(project: Path):
    """A batch of 384 handouts written to disk, in a fresh process under
    tracemalloc: between the second and third chunk of 128, what the process
    holds grows by under 3 KB a handout (the outcome, its fit and a brief
    approval: about 2.2 KB). Before, each outcome kept its handout's words
    twice (the approval record's text and the canonical text, about 2.4 KB
    each) and the review cache kept every record read: about 7.3 KB a
    handout."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-c", TRACED, str(project), "384"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["approved"] > 0, got          # the records were read, and approved
    assert got["words_kept"] == 0, got
    assert got["records_cached"] == 0, got
    assert got["per_handout"] < 3072, got
