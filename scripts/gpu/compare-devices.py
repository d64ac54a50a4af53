#!/usr/bin/env python3
"""Compares two results folders of the same experiment run on two devices (e.g. CPU and GPU): per run, the masks
(identical? else the fraction of positions that agree), top-1, compression and the final weights.

usage: compare-devices.py RESULTS_A RESULTS_B
Exit 1 when a run present in both has masks of different shapes or compression differing by more than 1e-6."""
import json
import os
import sys

import numpy as np


def runs(folder):
    """Every finished run's metrics.json (written when the run ends, before runs.csv, which waits for the grid)."""
    found = {}
    for run_id in sorted(os.listdir(os.path.join(folder, "runs"))):
        path = os.path.join(folder, "runs", run_id, "metrics.json")
        if os.path.exists(path):
            with open(path) as f:
                found[run_id] = json.load(f)
    return found


def load(folder, run_id, name):
    path = os.path.join(folder, "runs", run_id, name)
    return np.load(path) if os.path.exists(path) else None


def main(a, b):
    ra, rb = runs(a), runs(b)
    bad = False
    print(f"A = {a}\nB = {b}")
    print(f"{'run':40} {'top1 A':>8} {'top1 B':>8} {'diff':>7} {'compr A':>8} {'compr B':>8}  masks")
    for run_id in sorted(set(ra) & set(rb)):
        x, y = ra[run_id], rb[run_id]
        ta, tb = float(x["top1"]) * 100, float(y["top1"]) * 100
        pa, pb = float(x["top1_pre_finetune"]) * 100, float(y["top1_pre_finetune"]) * 100
        ca, cb = float(x["compression_actual"]), float(y["compression_actual"])
        ma, mb = load(a, run_id, "masks.npz"), load(b, run_id, "masks.npz")
        if ma is None or mb is None:
            masks = "no masks.npz"
        else:
            same = total = 0
            for k in ma.files:
                if k not in mb.files or ma[k].shape != mb[k].shape:
                    bad = True
                    masks = f"tensor {k} missing or of another shape"
                    break
                if ma[k].dtype == bool:  # the masks; float entries are the weights they were scored on
                    same += int((ma[k] == mb[k]).sum())
                    total += ma[k].size
            else:
                masks = "identical" if same == total else f"{same / total:.4%} of {total} positions agree"
        bad |= abs(ca - cb) > 1e-6 * max(ca, 1)
        print(f"{run_id:40} {ta:8.2f} {tb:8.2f} {tb - ta:+7.2f} {ca:8.3f} {cb:8.3f}  {masks}")
        print(f"{'':40} before training after pruning: top-1 {pa:.2f} / {pb:.2f}")
        wa, wb = load(a, run_id, "weights.npz"), load(b, run_id, "weights.npz")
        if wa is not None and wb is not None:
            rel = max(float(np.abs(wa[k] - wb[k]).max() / (np.abs(wa[k]).max() + 1e-12)) for k in wa.files if k in wb.files)
            print(f"{'':40} final weights: largest difference {rel:.2e} of the tensor's largest magnitude")
    for only, name in ((set(ra) - set(rb), "A"), (set(rb) - set(ra), "B")):
        for run_id in sorted(only):
            print(f"{run_id}: only in {name}")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
