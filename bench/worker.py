"""One measurement in a fresh process, printed as one line of JSON. The
orchestrator (bench.py) starts it, so that every run, of every side, starts
from the same state and runs alternate.

    python bench/worker.py SIDE MODE [N]
    python bench/worker.py SIDE distinct N DIR [check]

SIDE is ``handouts``, ``pool`` (handouts using every core), ``weasy``,
``typst`` (one ``typst.compile`` per handout), ``typst-reused`` (one
``typst.Compiler`` for the process) or ``floor``; MODE is ``one`` (one handout, nothing warmed: a cold start is this
process's whole life), ``batch`` (one untimed handout of each demo first, then
N handouts, the demo articles cycled), or ``warm`` (handouts only: the render
cache, first and second requests); ``check`` (a peer: every demo's page
count and whether it is tagged, the check that the peer makes a comparable page);
``distinct`` (one untimed handout of each demo first, then the N articles
of new words that bench/distinct.py made in the project DIR, each once;
with ``check``, then each of those pages' count and whether it is tagged).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
DEMOS = ["cvi-symptoms", "leg-cramps", "risk-factors"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def make_project(root: Path, n: int) -> list[str]:
    """A copy of the demo project whose en/ holds n articles (the demos cycled)."""
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    en = root / "content" / "en"
    texts = {s: (en / f"{s}.yaml").read_text(encoding="utf-8") for s in DEMOS}
    approvals = root / "content" / "approvals" / "en"
    records = {s: (approvals / f"{s}.yaml").read_text(encoding="utf-8") for s in DEMOS
               if (approvals / f"{s}.yaml").exists()}
    for s in DEMOS:
        (en / f"{s}.yaml").unlink()
        (approvals / f"{s}.yaml").unlink(missing_ok=True)
    slugs = []
    for i in range(n):
        slug = f"bench-{i:04d}"
        demo = DEMOS[i % 3]
        (en / f"{slug}.yaml").write_text(texts[demo], encoding="utf-8")
        if demo in records:   # the demo's approval, for the same words under the new name
            (approvals / f"{slug}.yaml").write_text(
                records[demo].replace(f"handout: en/{demo}\n", f"handout: en/{slug}\n"), encoding="utf-8")
        slugs.append(slug)
    return slugs


def new_articles(root: Path) -> list[str]:
    """The slugs of the new-word articles in a project bench/distinct.py made."""
    return sorted(p.stem for p in (root / "content" / "en").glob("new-*.yaml"))


class Peer:
    """weasy, typst, typst-reused or floor: article dicts in, bytes out (the
    articles of the project at ``root``: this checkout's, or a copy)."""

    def __init__(self, side: str, root: Path = REPO):
        import peers

        self.make = {"weasy": peers.weasy_pdf, "typst": peers.typst_pdf,
                     "typst-reused": peers.typst_reused_pdf, "floor": peers.floor_pdf}[side]
        self.side = side
        self.content = root / "content"
        self.clinic = peers.load_clinic(self.content / "clinic.yaml")
        self.peers = peers

    def render(self, slug: str) -> bytes:
        article = self.peers.load_article(self.content / "en" / f"{slug}.yaml")
        if self.side != "floor":
            return self.make(article, self.clinic, self.content)
        return self.make(article, self.clinic)


def third_party_modules() -> list[str]:
    """Every module imported so far that is neither the standard library nor
    handouts (nor this benchmark)."""
    from handouts.lazyimports import StandIn

    ours = {"handouts", "worker", "peers", "__main__"}
    names = []
    for name, module in list(sys.modules.items()):
        top = name.split(".")[0]
        if (top in sys.stdlib_module_names or top in ours or top.startswith("_")
                or isinstance(module, StandIn)       # put off, never loaded (handouts.lazyimports)
                or getattr(module, "__name__", None) != name or getattr(module, "__spec__", None) is None):
            continue
        names.append(name)
    return sorted(names)


def cpu_of(owner, name: str, label: str, spent: dict[str, float]) -> None:
    """Wrap ``owner.name`` so that the CPU seconds of its calls add up in
    ``spent[label]`` (for the benchmarks that time steps of a run)."""
    fn = getattr(owner, name)

    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.process_time() - start
    setattr(owner, name, wrapper)


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - w, time.process_time() - c


def main() -> None:
    side, mode = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    root = Path(sys.argv[4]) if len(sys.argv) > 4 else REPO    # distinct: the project bench/distinct.py made
    check = sys.argv[5:] == ["check"]
    out: dict = {"side": side, "mode": mode}
    tmp = Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    try:
        if side == "handouts" and mode == "imports":
            # In a process that imported nothing before, as the cold run: the
            # CLI building one English handout.
            from handouts.cli import main as cli

            try:
                cli(["build", "--project", str(REPO), "--lang", "en", "--out", str(tmp), "leg-cramps"])
            except SystemExit as exc:
                assert not exc.code, exc.code
            out["modules"] = third_party_modules()
        elif side in ("handouts", "pool"):
            from handouts.build import run
            from handouts.project import Project

            if mode == "one":
                report = run(Project.find(REPO), slugs=["leg-cramps"], out=tmp)
                assert report.ok, report.all_problems()
            elif mode == "batch":
                slugs = make_project(tmp / "p", n)
                project = Project.find(tmp / "p")
                jobs = 0 if side == "pool" else 1
                warm = run(project, slugs=slugs[:3], write=False, jobs=1)
                assert warm.ok, warm.all_problems()
                base = current_rss_mb()
                report, out["wall_s"], out["cpu_s"] = timed(
                    lambda: run(project, out=tmp / "out", jobs=jobs))
                assert report.ok and len(report.outcomes) == n, report.all_problems()
                out["cpu_s"] += _children_cpu()
                out["rss_growth_mb"] = current_rss_mb() - base
            elif mode == "distinct":
                project = Project.find(root)
                slugs = new_articles(root)
                warm = run(project, slugs=DEMOS, write=False, jobs=1)   # untimed: the demos' own words
                assert warm.ok and len(slugs) == n, (warm.all_problems(), len(slugs))
                base = current_rss_mb()
                report, out["wall_s"], out["cpu_s"] = timed(
                    lambda: run(project, slugs=slugs, out=tmp / "out", jobs=1))
                assert report.ok and len(report.outcomes) == n, report.all_problems()
                out["rss_growth_mb"] = current_rss_mb() - base
                if check:
                    out["pages"] = {o.slug: _pages_tagged(o.output.read_bytes()) for o in report.outcomes}
            elif mode == "memory":
                make_project(tmp / "p", n)
                report = run(Project.find(tmp / "p"), out=tmp / "out", jobs=1)
                assert report.ok and len(report.outcomes) == n, report.all_problems()
            elif mode == "warm":
                from handouts import render as api
                from handouts.library import Item

                project = Project.find(REPO)
                api.ready(project)      # as the page starts: brand and fonts, start-up frozen
                api.render(project, Item("en", "leg-cramps"), paper="a4")  # untimed: the first request
                firsts, hits = [], []
                for slug in DEMOS:
                    _, w, c = timed(lambda: api.render(project, Item("en", slug)))
                    firsts.append(c)
                    for _ in range(5):
                        _, w, c = timed(lambda: api.render(project, Item("en", slug)))
                        hits.append(w)
                out["first_cpu_s"] = firsts
                out["hit_wall_s"] = hits
        else:
            peer = Peer(side, root if mode == "distinct" else REPO)
            if mode == "one":
                peer.render("leg-cramps")
            elif mode in ("batch", "distinct"):
                slugs = [DEMOS[i % 3] for i in range(n)] if mode == "batch" else new_articles(root)
                assert len(slugs) == n, len(slugs)
                for slug in DEMOS:   # untimed: one of each demo, its own words
                    peer.render(slug)
                base = current_rss_mb()
                pdfs, out["wall_s"], out["cpu_s"] = timed(lambda: [peer.render(slug) for slug in slugs])
                out["rss_growth_mb"] = current_rss_mb() - base
                if check:
                    out["pages"] = {slug: _pages_tagged(pdf) for slug, pdf in zip(slugs, pdfs)}
            elif mode == "check":
                out["pages"] = {slug: _pages_tagged(peer.render(slug)) for slug in DEMOS}
        out["n"] = n if mode in ("batch", "distinct") else 1
        out["peak_rss_mb"] = rss_mb()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(out))


def _pages_tagged(data: bytes) -> tuple[int, bool]:
    import io

    import pypdf

    pdf = pypdf.PdfReader(io.BytesIO(data))
    mark = pdf.trailer["/Root"].get("/MarkInfo")
    tagged = bool(mark and mark.get_object().get("/Marked")) and "/StructTreeRoot" in pdf.trailer["/Root"]
    return len(pdf.pages), tagged


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


if __name__ == "__main__":
    main()
