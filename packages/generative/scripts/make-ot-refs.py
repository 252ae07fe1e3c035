"""Reference numbers for the optimal-transport functions of @dlf/generative, computed once with
POT (Flamary et al. 2021; Debian's python3-pot) and scipy, and committed as data/ot-refs.json.
The test suite reads the JSON; it never runs Python.

Run from packages/generative:  python3 scripts/make-ot-refs.py
"""

import json

import numpy as np
import ot
import scipy
import scipy.stats

rng = np.random.default_rng(20240607)


def lst(x):
    return np.asarray(x, dtype=np.float64).tolist()


def w1d_cases():
    cases = []
    specs = [
        (7, 5, False, 1.0),
        (7, 5, True, 1.0),
        (10, 13, True, 2.0),
        (6, 9, True, 3.0),
        (8, 8, False, 1.5),
        (12, 4, True, 4.0),
    ]
    for n, m, weighted, p in specs:
        u = rng.normal(size=n) * 2.0
        v = rng.normal(size=m) + 1.0
        uw = rng.uniform(0.1, 1.0, size=n) if weighted else None
        vw = rng.uniform(0.1, 1.0, size=m) if weighted else None
        if weighted:
            uw[0] = 0.0  # a zero weight must be harmless
            uw /= uw.sum()  # POT's wasserstein_1d expects weights that sum to 1
            vw /= vw.sum()
        cost = ot.wasserstein_1d(u, v, uw, vw, p=p)  # W_p^p
        case = {"u": lst(u), "v": lst(v), "p": p, "costPowP": float(cost)}
        if weighted:
            case["uWeights"] = lst(uw)
            case["vWeights"] = lst(vw)
        if p == 1.0:
            case["scipy"] = float(scipy.stats.wasserstein_distance(u, v, uw, vw))
        cases.append(case)
    return cases


def emd_cases():
    cases = []
    # Random costs (unique optimum almost surely), point clouds, a zero weight, rectangular.
    specs = [("random", 5, 5), ("random", 8, 6), ("cloud", 20, 30), ("cloud", 40, 25), ("zeros", 9, 7)]
    for kind, n, m in specs:
        a = rng.uniform(0.2, 1.0, size=n)
        b = rng.uniform(0.2, 1.0, size=m)
        if kind == "zeros":
            a[2] = 0.0
            b[0] = 0.0
        a /= a.sum()
        b /= b.sum()
        if kind == "cloud":
            x = rng.normal(size=(n, 2))
            y = rng.normal(size=(m, 2)) + np.array([1.0, -0.5])
            M = ot.dist(x, y)  # squared Euclidean
        else:
            M = rng.uniform(0.0, 10.0, size=(n, m))
        plan, log = ot.emd(a, b, M, log=True, numItermax=1_000_000)
        assert log["warning"] is None, log["warning"]
        cases.append(
            {"kind": kind, "a": lst(a), "b": lst(b), "M": lst(M), "cost": float(log["cost"]), "plan": lst(plan)}
        )
    return cases


def sinkhorn_cases():
    cases = []
    for n, m, reg in [(6, 5, 0.5), (15, 12, 0.1), (25, 20, 0.02)]:
        a = rng.uniform(0.2, 1.0, size=n)
        b = rng.uniform(0.2, 1.0, size=m)
        a /= a.sum()
        b /= b.sum()
        x = rng.uniform(size=(n, 2))
        y = rng.uniform(size=(m, 2))
        M = ot.dist(x, y)
        plan = ot.sinkhorn(a, b, M, reg, method="sinkhorn_log", numItermax=100_000, stopThr=1e-13)
        cases.append(
            {
                "a": lst(a),
                "b": lst(b),
                "M": lst(M),
                "reg": reg,
                "plan": lst(plan),
                "cost": float(np.sum(plan * M)),
            }
        )
    return cases


refs = {
    "generator": f"scripts/make-ot-refs.py with POT {ot.__version__}, numpy {np.__version__}, scipy {scipy.__version__}",
    "wasserstein1d": w1d_cases(),
    "emd": emd_cases(),
    "sinkhorn": sinkhorn_cases(),
}
with open("data/ot-refs.json", "w") as fh:
    json.dump(refs, fh)
print("wrote data/ot-refs.json")
