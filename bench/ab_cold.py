"""Cold CPU of two checkouts of handouts, A against B, rounds alternating.

    python bench/ab_cold.py TREE_A TREE_B [ROUNDS]

Each round runs ``python -m handouts build --project TREE --lang en --out DIR
leg-cramps`` once in each tree (the order swapped every round), with the
tree first on PYTHONPATH and its bytecode written (two untimed runs first), and
takes the child's CPU (user + system, getrusage). Prints each tree's median and
the median of the per-round ratios B/A, with the load average: the way to
measure one change to the cold start on a shared machine (bench/bench.py
measures handouts against its peers).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys


def cold_cpu(tree: str, env: dict) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "handouts", "build", "--project", tree, "--lang", "en",
                    "--out", os.path.join(tree, "output", "ab-cold"), "leg-cramps"],
                   env=dict(env, PYTHONPATH=tree), cwd=tree, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main(argv: list[str]) -> None:
    trees = [os.path.abspath(t) for t in argv[:2]]
    rounds = int(argv[2]) if len(argv) > 2 else 7
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)   # an installed package has its bytecode
    for tree in trees:
        cold_cpu(tree, env)
        cold_cpu(tree, env)
    times: dict[str, list[float]] = {t: [] for t in trees}
    ratios = []
    for i in range(rounds):
        got = {t: cold_cpu(t, env) for t in (trees if i % 2 == 0 else trees[::-1])}
        for tree in trees:
            times[tree].append(got[tree])
        ratios.append(got[trees[1]] / got[trees[0]])
    for tree in trees:
        print(f"{tree}: {statistics.median(times[tree]):.3f} s CPU", [round(x, 3) for x in times[tree]])
    print(f"ratio B/A (median of rounds): {statistics.median(ratios):.3f}; load {os.getloadavg()}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1:])
