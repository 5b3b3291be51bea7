"""Benchmark handouts side by side with a peer and a floor, in one run.

    pip install -e '.[bench]'        # WeasyPrint and Typst, the peers
    python bench/bench.py [--rounds 5] [--batch 60] [--batch-rounds 3] [--distinct-rounds R]
                          [--memory 1000] [--markdown FILE] [--json FILE]

Four sides make the same page from the same three demo articles:
handouts; Typst 0.15 and WeasyPrint 70 (the peers: a comparable tagged
PDF/UA-1 page with the same embedded Source Sans Pro, the logo and a QR code,
bench/peers.py and bench/handout.typ; Typst gets the words as JSON in
sys_inputs, never as markup); and a plain ReportLab canvas drawing the same
words with no layout (the floor). Typst is measured two ways in a batch: one
``typst.compile`` per handout, and one ``typst.Compiler`` reused. Before
timing, each peer's page for each demo is checked to be one page and tagged.

Every measurement runs in a fresh process (bench/worker.py) and the sides take
turns within each round, so a busy machine slows all of them alike; the table
gives medians over the rounds, wall-clock and CPU time, and ratios. One
untimed run of each side comes first (font caches; handouts' bytecode and
its per-user cache, docs/security.md). Measured:

1. cold: one handout in a new process, imports included (handouts: the CLI);
2. batch: N handouts (the demos cycled) in one process after one untimed
   handout of each demo; handouts also with its process pool (``pool``);
   and a batch of N articles whose words are all new (bench/distinct.py:
   the demos with their letters swapped, another swap each, made once, the
   same files for every side, each side's pages checked once to be one page
   and tagged). The cycled batch repeats three sets of words, so a reused
   Typst Compiler answers 57 of its 60 compiles from its memo of identical
   earlier inputs (comemo): the second batch measures making new pages;
3. warm, one at a time (handouts' render API, as the web page uses it): the
   CPU of a first request, and the time of a second (a cache hit);
4. memory: ``handouts build`` of M handouts, the growth of resident memory
   from M/10 to M handouts;
5. the import floor: a new process importing exactly the third-party
   modules a one-handout build imports, the way it imports them, and
   nothing of handouts.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SIDES = ("handouts", "typst", "weasy", "floor")
PEERS = ("typst", "typst-reused", "weasy")


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), e.get("PYTHONPATH")]))
    # The untimed first run writes this tree's bytecode, as installing a wheel
    # does: with PYTHONDONTWRITEBYTECODE set (as on this project's machine),
    # every cold run compiled handouts' sources again, about 80 ms of CPU.
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    return e


def child(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd``; return its wall time, its CPU time (user + system, its
    children included) and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env(), capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def cold(side: str, tmp: Path) -> tuple[float, float]:
    if side == "handouts":
        cmd = [sys.executable, "-m", "handouts", "build", "--project", str(REPO), "--lang", "en",
               "--out", str(tmp / "cold"), "leg-cramps"]   # one handout (without --lang: one per language)
    else:
        cmd = [sys.executable, str(HERE / "worker.py"), side, "one"]
    wall, cpu, _ = child(cmd)
    return wall, cpu


def worker(side: str, mode: str, n: int = 0, *more: str) -> dict:
    _, _, out = child([sys.executable, str(HERE / "worker.py"), side, mode, str(n), *more])
    return json.loads(out.strip().splitlines()[-1])


def distinct_batch(side: str, n: int, project: Path, check: bool) -> dict:
    """One side's batch of the N new-word articles in ``project``; with
    ``check``, each page is checked to be one page and tagged (the floor's
    are not tagged: its page count only)."""
    out = worker(side, "distinct", n, str(project), *(["check"] if check else []))
    bad = {slug: p for slug, p in out.get("pages", {}).items() if p != [1, side != "floor"]}
    if bad:
        sys.exit(f"{side} did not make one tagged page per new-word article: {bad}")
    return out


def import_floor() -> tuple[float, float, list[str]]:
    """Time a new process importing what a one-handout build imports from
    other packages (the modules listed by the worker), and nothing else, the
    way the build imports them: the garbage collector off, what was made
    frozen (handouts.cli), and ReportLab's uri_pat compiled on first use,
    which a build never makes (handouts.lazyimports)."""
    modules = worker("handouts", "imports")["modules"]
    code = "import gc\ngc.disable()\nfrom handouts.lazyimports import lazy_parts\nwith lazy_parts():\n" + \
        "".join(f"    import {m}\n" for m in modules) + "gc.enable()\ngc.freeze()\n"
    walls, cpus = [], []
    for _ in range(5):
        w, c, _ = child([sys.executable, "-c", code])
        walls.append(w)
        cpus.append(c)
    return statistics.median(walls), statistics.median(cpus), modules


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def keep(runs: dict, out: dict) -> None:
    """Add one batch's wall and CPU seconds and memory growth to ``runs``."""
    for k, key in (("wall", "wall_s"), ("cpu", "cpu_s"), ("rss_growth_mb", "rss_growth_mb")):
        runs[k].append(out[key])


def measure(args) -> dict:
    for side in PEERS:
        pages = worker(side, "check")["pages"]
        if any(p != [1, True] for p in pages.values()):
            sys.exit(f"{side} did not make one tagged page per demo: {pages}")
    res: dict = {"cold": {s: {"wall": [], "cpu": []} for s in SIDES},
                 "batch": {s: {"wall": [], "cpu": [], "rss_growth_mb": []}
                           for s in (*SIDES, "typst-reused", "pool")},
                 "distinct": {s: {"wall": [], "cpu": [], "rss_growth_mb": []} for s in (*SIDES, "typst-reused")},
                 "warm": {"first_cpu": [], "hit_wall": []}}
    with tempfile.TemporaryDirectory(prefix="handouts-bench-") as tmp:
        project = Path(tmp) / "distinct"
        if args.distinct_rounds:   # untimed: the articles, made once, dropped if handouts cannot fit them
            _, _, made = child([sys.executable, str(HERE / "distinct.py"), str(project), str(args.batch)])
            res["distinct_made"] = {k: v for k, v in json.loads(made.strip().splitlines()[-1]).items()
                                    if k != "slugs"}
        for side in SIDES:  # untimed: font caches, bytecode
            cold(side, Path(tmp))
        for r in range(args.rounds):
            k = r % len(SIDES)
            order = SIDES[k:] + SIDES[:k]
            for side in order:
                w, c = cold(side, Path(tmp))
                res["cold"][side]["wall"].append(w)
                res["cold"][side]["cpu"].append(c)
            for side in (*order, "typst-reused", "pool"):
                if r >= args.batch_rounds:
                    break
                keep(res["batch"][side], worker(side, "batch", args.batch))
            for side in (*order, "typst-reused"):
                if r >= args.distinct_rounds:
                    break
                keep(res["distinct"][side], distinct_batch(side, args.batch, project, check=r == 0))
            warm = worker("handouts", "warm")
            res["warm"]["first_cpu"] += warm["first_cpu_s"]
            res["warm"]["hit_wall"] += warm["hit_wall_s"]
            print(f"  round {r + 1}/{args.rounds} done", file=sys.stderr)
    if args.memory:
        small = worker("handouts", "memory", args.memory // 10)
        big = worker("handouts", "memory", args.memory)
        res["memory"] = {"n_small": args.memory // 10, "n_big": args.memory,
                         "peak_small_mb": small["peak_rss_mb"], "peak_big_mb": big["peak_rss_mb"]}
    res["import_floor"] = dict(zip(("wall", "cpu", "modules"), import_floor()))
    return res


COLUMNS = ("handouts", "typst", "typst-reused", "weasy", "floor")
HEAD = ("measure (median)", "handouts", "Typst, one compile each", "Typst, Compiler reused", "WeasyPrint",
        "canvas (floor)", "handouts ÷ Typst", "handouts ÷ Typst reused", "handouts ÷ WeasyPrint",
        "handouts ÷ floor")


def ratio(h: list[float], other: list[float]) -> str:
    """The median of the per-round ratios handouts / other ('' if not measured)."""
    pairs = [a / b for a, b in zip(h, other) if b]
    return f"{statistics.median(pairs):.2f}×" if pairs else ""


def table(res: dict, args) -> list[tuple[str, ...]]:
    rows = [HEAD]

    def row(name: str, runs: dict, key: str, scale: float, unit: int, first: str = "handouts") -> None:
        vals = {s: runs[s][key] if s in runs else [] for s in COLUMNS}
        vals["handouts"] = runs[first][key]
        cells = [f"{median(v) * scale:.{unit}f}" if v else "" for v in vals.values()]
        rows.append((name, *cells, *(ratio(vals["handouts"], vals[s]) for s in COLUMNS[1:])))

    per = 1000 / args.batch
    row("cold, 1 handout, wall s", res["cold"], "wall", 1, 3)
    row("cold, 1 handout, CPU s", res["cold"], "cpu", 1, 3)
    row(f"batch of {args.batch}, wall ms/handout", res["batch"], "wall", per, 1)
    row(f"batch of {args.batch}, CPU ms/handout", res["batch"], "cpu", per, 1)
    row(f"batch of {args.batch}, handouts with 2 processes, wall ms/handout", res["batch"], "wall", per, 1,
        first="pool")
    if args.distinct_rounds:
        row(f"batch of {args.batch}, every handout new words, wall ms/handout", res["distinct"], "wall", per, 1)
        row(f"batch of {args.batch}, every handout new words, CPU ms/handout", res["distinct"], "cpu", per, 1)
    w = res["warm"]
    blank = ("",) * (len(HEAD) - 2)
    rows.append(("warm, new handout (render API), CPU ms", f"{median(w['first_cpu']) * 1000:.1f}", *blank))
    rows.append(("warm, same handout again (cache hit), ms", f"{median(w['hit_wall']) * 1000:.2f}", *blank))
    rows.append((f"resident memory growth over the batch of {args.batch}, MB",
                 *(f"{median(res['batch'][s]['rss_growth_mb']):.1f}" for s in COLUMNS), "", "", "", ""))
    if args.distinct_rounds:
        rows.append((f"resident memory growth over the batch of {args.batch} new words, MB",
                     *(f"{median(res['distinct'][s]['rss_growth_mb']):.1f}" for s in COLUMNS), "", "", "", ""))
    if "memory" in res:
        m = res["memory"]
        rows.append((f"peak memory, build of {m['n_small']} → {m['n_big']} handouts, MB",
                     f"{m['peak_small_mb']:.0f} → {m['peak_big_mb']:.0f}", *blank))
    f = res["import_floor"]
    rows.append(("import floor (a new process importing only the dependencies a build imports), s",
                 f"{f['wall']:.3f} wall, {f['cpu']:.3f} CPU", *blank))
    return rows


def markdown(rows) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def machine() -> dict:
    sys.path.insert(0, str(REPO))   # this tree's handouts, as the workers get (env())
    import handouts

    try:
        import weasyprint
        weasy = weasyprint.__version__
    except ImportError:
        sys.exit("WeasyPrint is missing: pip install -e '.[bench]'")
    try:
        import typst
    except ImportError:
        sys.exit("Typst is missing: pip install -e '.[bench]'")
    import reportlab

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": cpu, "cores": len(os.sched_getaffinity(0)), "platform": platform.platform(),
            "python": platform.python_version(), "handouts": handouts.__version__,
            "reportlab": reportlab.Version, "weasyprint": weasy, "typst": typst.__version__,
            "load_before": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of cold runs and warm runs (default 5)")
    parser.add_argument("--batch", type=int, default=60, help="handouts in each batch, the cycled and the new words (default 60)")
    parser.add_argument("--batch-rounds", type=int, default=3, help="rounds that include the cycled batch (default 3)")
    parser.add_argument("--distinct-rounds", type=int, metavar="R",
                        help="rounds that include the batch of new words (default: as --batch-rounds; 0: skip)")
    parser.add_argument("--memory", type=int, default=1000, help="handouts in the memory run (0: skip)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the raw results as JSON")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table as Markdown")
    args = parser.parse_args()
    if args.distinct_rounds is None:
        args.distinct_rounds = args.batch_rounds
    info = machine()
    print(f"{info['date']}: {info['cpu']}, {info['cores']} cores, Python {info['python']}, "
          f"load {info['load_before'][0]:.2f}", file=sys.stderr)
    res = measure(args)
    info["load_after"] = os.getloadavg()
    rows = table(res, args)
    md = markdown(rows)
    print(md)
    print(f"\nimport floor modules: {len(res['import_floor']['modules'])}; "
          f"load average {info['load_before'][0]:.2f} before, {info['load_after'][0]:.2f} after")
    if "distinct_made" in res:
        made = res["distinct_made"]
        print(f"new-word articles: {args.batch} kept of {made['made']} made ({made['did_not_fit']} did not fit "
              f"one page in handouts; the rest past the first {args.batch} dropped)")
    if args.markdown:
        args.markdown.write_text(md + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "args": vars(args) | {"json": None, "markdown": None},
                                         "results": res}, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
