"""Reference statistics of scikit-learn's 8x8 digits, for src/data/loadDigits.test.ts.

Computed through sklearn.datasets.load_digits (not the CSV parser of build-datasets.ts), so the test
checks the shipped bytes against an independent reading of the source. The test suite itself does
not need Python: the output, src/data/digitsRefs.json, is committed.

Run from packages/runtime:  python3 scripts/make-digits-refs.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.datasets import load_digits

digits = load_digits()
images = digits.images.astype(np.int64)  # (1797, 8, 8), values 0..16
target = digits.target.astype(np.int64)
refs = {
    "source": f"sklearn.datasets.load_digits (scikit-learn {sklearn.__version__})",
    "n": int(images.shape[0]),
    "classCounts": np.bincount(target, minlength=10).tolist(),
    "pixelSum": int(images.sum()),
    # classPixelSums[c][r * 8 + col]: sum over the images of class c of pixel (r, col).
    "classPixelSums": [images[target == c].reshape(-1, 64).sum(axis=0).tolist() for c in range(10)],
    "classSquareSums": [int((images[target == c] ** 2).sum()) for c in range(10)],
}
out = os.path.join(os.path.dirname(__file__), "..", "src", "data", "digitsRefs.json")
with open(out, "w") as f:
    json.dump(refs, f, indent=1)
    f.write("\n")
print(out, refs["classCounts"], refs["pixelSum"])
