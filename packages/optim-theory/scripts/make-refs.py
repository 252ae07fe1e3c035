#!/usr/bin/env python3
"""Reference numbers for @dlf/optim-theory's tests, computed once and committed in data/.

Run from the package folder:  python3 scripts/make-refs.py
Needs numpy, scipy and scikit-learn (Debian: python3-numpy python3-scipy python3-sklearn).
The test suite only reads the JSON files; it never runs Python.
"""
import json
import os

import numpy as np
import scipy
import sklearn
from scipy.optimize import minimize
from sklearn.svm import SVC

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data")


def separable_case(seed, n, d, gap):
    """Gaussian points labelled by a random direction through the origin, keeping |w*.x| >= gap."""
    rng = np.random.default_rng(seed)
    w_star = rng.normal(size=d)
    w_star /= np.linalg.norm(w_star)
    X = []
    while len(X) < n:
        x = rng.normal(size=d)
        if abs(x @ w_star) >= gap:
            X.append(x)
    X = np.round(np.array(X), 4)  # short decimals so the TS test reads exactly these points
    y = np.sign(X @ w_star)
    return X, y


def svm_sklearn(X, y):
    """Hard-margin SVM without bias via SVC: mirror the data so that the optimal intercept is 0."""
    Xm = np.vstack([X, -X])
    ym = np.concatenate([y, -y])
    clf = SVC(kernel="linear", C=1e10, tol=1e-12, max_iter=-1)
    clf.fit(Xm, ym)
    w = clf.coef_.ravel()
    n = len(y)
    support = sorted({int(i) % n for i in clf.support_})
    return w, float(clf.intercept_[0]), support


def svm_slsqp(X, y, w_start):
    """The primal QP min 1/2 ||w||^2 s.t. y_i w.x_i >= 1 with scipy's SLSQP, from a feasible start."""
    P = y[:, None] * X
    res = minimize(
        lambda w: 0.5 * w @ w,
        w_start * 1.5,
        jac=lambda w: w,
        constraints=[{"type": "ineq", "fun": lambda w: P @ w - 1, "jac": lambda w: P}],
        method="SLSQP",
        options={"ftol": 1e-13, "maxiter": 1000},
    )
    assert res.success, res.message
    return res.x


def main():
    cases = []
    for name, seed, n, d, gap in [
        ("2d-20", 1, 20, 2, 0.2),
        ("5d-40", 2, 40, 5, 0.1),
        ("10d-12", 3, 12, 10, 0.0),
        ("3d-60", 4, 60, 3, 0.3),
    ]:
        X, y = separable_case(seed, n, d, gap)
        w_sk, b_sk, support = svm_sklearn(X, y)
        w_qp = svm_slsqp(X, y, w_sk)
        assert abs(b_sk) < 1e-6, b_sk
        assert np.allclose(w_sk, w_qp, rtol=1e-5, atol=1e-6), (w_sk, w_qp)
        cases.append(
            {
                "name": name,
                "X": X.tolist(),
                "y": y.astype(int).tolist(),
                "wSklearn": w_sk.tolist(),
                "interceptSklearn": b_sk,
                "supportSklearn": support,
                "wSlsqp": w_qp.tolist(),
                "margin": float(1 / np.linalg.norm(w_qp)),
            }
        )
    meta = {
        "script": "scripts/make-refs.py",
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "method": "SVC(kernel='linear', C=1e10) on the data mirrored through the origin (forces intercept 0) and SLSQP on the primal QP",
    }
    with open(os.path.join(OUT, "svm-refs.json"), "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, indent=1)
        f.write("\n")
    print("wrote data/svm-refs.json with", len(cases), "cases")
    kernel_svm_refs()


def kernel_svm_refs():
    """Soft- and near-hard-margin kernel SVMs (with intercept) on a polynomial kernel, by sklearn's libsvm."""
    rng = np.random.default_rng(11)
    n = 40
    t = rng.uniform(0, np.pi, n)
    half = n // 2
    X = np.vstack(
        [
            np.c_[np.cos(t[:half]), np.sin(t[:half])],
            np.c_[1 - np.cos(t[half:]), 0.5 - np.sin(t[half:])],
        ]
    )
    X = np.round(X + rng.normal(scale=0.15, size=X.shape), 4)
    y = np.r_[np.ones(half), -np.ones(n - half)]
    degree, c = 3, 1.0
    K = (X @ X.T + c) ** degree
    Xtest = np.round(rng.uniform(-1, 2, size=(10, 2)), 4)
    Ktest = (Xtest @ X.T + c) ** degree
    cases = []
    for C in [1.0, 100.0]:
        clf = SVC(kernel="precomputed", C=C, tol=1e-12, max_iter=-1)
        clf.fit(K, y)
        coef = np.zeros(n)
        coef[clf.support_] = clf.dual_coef_.ravel()  # alpha_i y_i
        alpha = coef * y
        dual = alpha.sum() - 0.5 * coef @ K @ coef
        # libsvm's own KKT residual on the free support vectors (|y_i f(x_i) - 1|), for the test tolerances.
        f = K @ coef + clf.intercept_[0]
        free = (alpha > 1e-9 * C) & (alpha < C * (1 - 1e-9))
        kkt = float(np.abs(y[free] * f[free] - 1).max())
        cases.append(
            {
                "C": C,
                "alpha": alpha.tolist(),
                "intercept": float(clf.intercept_[0]),
                "decisionTrain": clf.decision_function(K).tolist(),
                "decisionTest": clf.decision_function(Ktest).tolist(),
                "dualObjective": float(dual),
                "kktViolation": kkt,
                "support": clf.support_.tolist(),
            }
        )
    out = {
        "meta": {
            "script": "scripts/make-refs.py",
            "sklearn": sklearn.__version__,
            "kernel": "polynomial (x.x' + 1)^3",
            "method": "SVC(kernel='precomputed', tol=1e-12)",
        },
        "X": X.tolist(),
        "y": y.astype(int).tolist(),
        "Xtest": Xtest.tolist(),
        "degree": degree,
        "c": c,
        "cases": cases,
    }
    with open(os.path.join(OUT, "kernel-svm-refs.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote data/kernel-svm-refs.json")


if __name__ == "__main__":
    main()
