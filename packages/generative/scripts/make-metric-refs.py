"""Reference numbers for the evaluation metrics of @dlf/generative (Frechet distance, FID, Inception
Score), computed once with numpy/scipy and committed as data/metric-refs.json. The test suite reads
the JSON; it never runs Python.

- Frechet distance: the formula of pytorch-fid's calculate_frechet_distance, with
  scipy.linalg.sqrtm(S1 @ S2) ("scipy"), and independently through numpy.linalg.eigh of
  S1^1/2 S2 S1^1/2 ("eigh"; the accurate one for singular covariances).
- FID: numpy means and np.cov(rowvar=False) of stored feature sets, then the scipy formula.
- Inception Score: the formula of Salimans et al.'s code (splits of N // splits rows).

Run from packages/generative:  python3 scripts/make-metric-refs.py
"""

import json

import numpy as np
import scipy
import scipy.linalg

rng = np.random.default_rng(7)


def lst(x):
    return np.asarray(x, dtype=np.float64).tolist()


def fd_scipy(mu1, s1, mu2, s2):
    diff = mu1 - mu2
    covmean, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def psd_sqrt(s):
    w, v = np.linalg.eigh(s)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def fd_eigh(mu1, s1, mu2, s2):
    r = psd_sqrt(s1)
    w = np.linalg.eigvalsh(r @ s2 @ r)
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.sum(np.sqrt(np.clip(w, 0, None))))


def random_cov(d, n):
    x = rng.normal(size=(n, d)) @ rng.normal(size=(d, d))
    return np.cov(x, rowvar=False)


frechet = []
for d, n1, n2, kind in [(3, 50, 50, "regular"), (8, 100, 60, "regular"), (16, 200, 300, "regular"), (10, 6, 7, "singular")]:
    mu1 = rng.normal(size=d)
    mu2 = rng.normal(size=d) * 0.5
    s1 = random_cov(d, n1)
    s2 = random_cov(d, n2)
    frechet.append(
        {
            "kind": kind,
            "mu1": lst(mu1),
            "sigma1": lst(s1),
            "mu2": lst(mu2),
            "sigma2": lst(s2),
            "scipy": fd_scipy(mu1, s1, mu2, s2),
            "eigh": fd_eigh(mu1, s1, mu2, s2),
        }
    )

fids = []
for n1, n2, d in [(40, 30, 5), (200, 150, 12)]:
    a = rng.normal(size=(n1, d)) @ rng.normal(size=(d, d))
    b = rng.normal(size=(n2, d)) * 1.3 + 0.4
    ref = fd_scipy(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))
    fids.append({"a": lst(a), "b": lst(b), "fid": ref})


def inception_score(preds, splits):
    scores = []
    n = preds.shape[0]
    for i in range(splits):
        part = preds[(i * n // splits) : ((i + 1) * n // splits), :]
        py = np.mean(part, 0)
        kl = part * (np.log(part) - np.log(py[None, :]))
        scores.append(np.exp(np.mean(np.sum(kl, 1))))
    return float(np.mean(scores)), float(np.std(scores)), [float(s) for s in scores]


logits = rng.normal(size=(103, 7)) * 2.0
probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
is_cases = []
for splits in [1, 4]:
    mean, std, scores = inception_score(probs, splits)
    is_cases.append({"splits": splits, "mean": mean, "std": std, "scores": scores})

refs = {
    "generator": f"scripts/make-metric-refs.py with numpy {np.__version__}, scipy {scipy.__version__}",
    "frechet": frechet,
    "fid": fids,
    "inceptionScore": {"probabilities": lst(probs), "cases": is_cases},
}
with open("data/metric-refs.json", "w") as fh:
    json.dump(refs, fh)
print("wrote data/metric-refs.json")
for c in frechet:
    print(c["kind"], c["scipy"], c["eigh"])
