"""The render API's first renders of two checkouts, A against B, alternating.

    python bench/ab_warm.py TREE_A TREE_B ROUNDS

Each round runs ``bench/worker.py handouts warm`` once in each tree (the order
swapped every round) and keeps its three first renders' CPU (ms); prints each
tree's rounds and the median of their medians, with the load average.
"""

import json, subprocess, sys, statistics, os
if len(sys.argv) < 4:
    sys.exit(__doc__)
trees = [os.path.abspath(t) for t in sys.argv[1:3]]; rounds = int(sys.argv[3])
res = {t: [] for t in trees}
for i in range(rounds):
    for t in (trees if i % 2 == 0 else trees[::-1]):
        out = subprocess.run([sys.executable, f"{t}/bench/worker.py", "handouts", "warm"], env=dict(os.environ, PYTHONPATH=t),
                             capture_output=True, text=True, check=True).stdout
        d = json.loads(out.strip().splitlines()[-1])
        res[t].append([round(x * 1000, 1) for x in d["first_cpu_s"]])
for t in trees:
    print(t, "median of medians", statistics.median(statistics.median(r) for r in res[t]), res[t])
print(os.getloadavg())
