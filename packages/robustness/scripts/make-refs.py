#!/usr/bin/env python3
"""Reference values for @dlf/robustness's statistics, computed once with SciPy.

Run from packages/robustness:  python3 scripts/make-refs.py
Writes scripts/refs/stats.json (then `npx biome format --write scripts/refs` normalises number
spellings), which src/smoothing/stats.test.ts compares against.
The test suite itself never runs Python.
"""
import json
import math
import os

import mpmath
import scipy
from scipy import special, stats

mpmath.mp.dps = 40

out = {"scipy": scipy.__version__}

out["normalCdf"] = [[x, float(stats.norm.cdf(x))] for x in
                    [-37.5, -30.0, -12.0, -8.0, -5.0, -2.5, -1.0, -0.3, 0.0, 1e-8, 0.5, 1.6448536269514722, 3.0, 6.0, 8.0]]
out["normalQuantile"] = [[p, float(stats.norm.ppf(p))] for p in
                         [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.02, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975,
                          0.999, 0.999999, 1 - 1e-12]]
out["logGamma"] = [[x, float(special.gammaln(x))] for x in [0.1, 0.5, 1.0, 2.5, 7.0, 9.99, 10.0, 33.3, 1000.5, 1e6]]
# scipy.special.betaln loses ~1e-12 relative when one argument is large (it gives
# -125.17793952161446 for (1e5, 12.5); 40-digit mpmath gives -125.177939521443131...), so log B is
# referenced against mpmath.
out["logBeta"] = [[a, b, float(mpmath.log(mpmath.beta(a, b)))] for a, b in
                  [(0.5, 0.5), (1, 1), (2, 3), (5, 15), (12, 3), (20, 30), (1000, 1), (1e5, 12.5), (1e6, 1e6), (3, 1e6)]]
out["regularizedBeta"] = [[x, a, b, float(special.betainc(a, b, x))] for x, a, b in
                          [(0.5, 1, 1), (0.3, 2, 5), (0.9, 10, 2), (0.999, 990, 11), (0.5, 50, 51), (0.01, 0.5, 3),
                           (0.7, 700, 301), (0.5, 5000, 5001), (0.49, 5000, 5001)]]
beta_q = []
for p in [1e-10, 1e-6, 0.001, 0.05, 0.5, 0.95, 0.999]:
    for a, b in [(1, 1), (0.5, 0.5), (10, 2), (2, 10), (990, 11), (99990, 11), (50, 50), (1, 100000), (100000, 1)]:
        beta_q.append([p, a, b, float(stats.beta.ppf(p, a, b))])
out["betaQuantile"] = beta_q
cp = []
for k, n, alpha in [(0, 10, 0.05), (10, 10, 0.05), (1, 10, 0.05), (5, 10, 0.05), (99, 100, 0.001), (990, 1000, 0.001),
                    (1000, 1000, 0.001), (500, 1000, 0.001), (62341, 100000, 0.001), (99999, 100000, 0.001),
                    (100000, 100000, 0.001), (7, 1000, 0.01), (512, 1024, 0.05)]:
    lower = 0.0 if k == 0 else float(stats.beta.ppf(alpha, k, n - k + 1))
    upper = 1.0 if k == n else float(stats.beta.ppf(1 - alpha, k + 1, n - k))
    cp.append([k, n, alpha, lower, upper])
out["clopperPearson"] = cp
out["binomialTestHalf"] = [[k, n, float(stats.binomtest(k, n, 0.5).pvalue)] for k, n in
                           [(0, 1), (1, 1), (5, 10), (6, 10), (9, 10), (10, 10), (60, 100), (40, 100), (550, 1000),
                            (5200, 10000), (5050, 10000), (80, 100)]]
# Cohen et al. (2019) certified radius sigma * Phi^-1(lower Clopper-Pearson bound), n samples, alpha.
radii = []
for k, n, alpha, sigma in [(990, 1000, 0.001, 0.25), (99000, 100000, 0.001, 0.5), (700, 1000, 0.001, 1.0),
                           (100000, 100000, 0.001, 0.25)]:
    lower = float(stats.beta.ppf(alpha, k, n - k + 1))
    radii.append([k, n, alpha, sigma, sigma * float(stats.norm.ppf(lower))])
out["cohenRadius"] = radii

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "refs", "stats.json")
with open(path, "w") as fh:
    # One row per line: readable diffs, and Biome's JSON formatter leaves it as is.
    parts = []
    for key, value in out.items():
        if isinstance(value, list):
            rows = ",\n".join("    " + json.dumps(row) for row in value)
            parts.append(f'  "{key}": [\n{rows}\n  ]')
        else:
            parts.append(f"  {json.dumps(key)}: {json.dumps(value)}")
    fh.write("{\n" + ",\n".join(parts) + "\n}\n")
print("wrote", path)
