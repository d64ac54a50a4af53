#!/usr/bin/env python3
"""The distribution of |gamma| (BatchNorm scales) of the dense model each strategy of a results folder pruned, as an
SVG figure: network slimming's L1 penalty should pile the scales up near zero. Needs numpy only.

    scripts/gamma_histogram.py results/slimming-resnet20-fashion [OUT.svg]

For every strategy label of runs.csv (one run per label, compression > 1) it reads the run's masks.npz, whose
init/<name> tensors are the weights the strategy scored (the dense model), takes every 1-d `.weight` tensor (the
BatchNorm scales, in PyTorch's names) and prints, per label, the count, median |gamma| and the fraction below 0.01,
0.05 and 0.1; the figure is a histogram of log10 |gamma| per label. Default output: <folder>/plots/gamma-histogram.svg.
"""
import csv
import math
import os
import sys

import numpy as np

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def gammas(run_dir):
    with np.load(os.path.join(run_dir, "masks.npz")) as z:
        values = [np.abs(z[k]).ravel() for k in z.files
                  if k.startswith("init/") and k.endswith(".weight") and z[k].ndim == 1]
    return np.concatenate(values) if values else np.zeros(0)


def runs_by_label(folder):
    chosen = {}
    with open(os.path.join(folder, "runs.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row.get("status") != "ok" or float(row["compression"]) <= 1:
                continue
            chosen.setdefault(row["strategy"], row["run_id"])
    return chosen


def svg(series, out):
    lo, hi, bins = -5.0, 1.0, 48
    edges = np.linspace(lo, hi, bins + 1)
    hists = {}
    for label, g in series.items():
        logs = np.log10(np.clip(g, 10 ** lo, 10 ** hi))
        h, _ = np.histogram(logs, bins=edges)
        hists[label] = h / max(1, len(g))
    top = max(h.max() for h in hists.values()) or 1
    w, h, left, bottom, pad = 720, 400, 70, 50, 20
    px = lambda x: left + (x - lo) / (hi - lo) * (w - left - pad)
    py = lambda y: h - bottom - y / top * (h - bottom - pad)
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
             'font-size="12">' % (w, h), '<rect width="100%" height="100%" fill="white"/>',
             '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (left, h - bottom, w - pad, h - bottom),
             '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (left, pad, left, h - bottom)]
    for e in range(int(lo), int(hi) + 1):
        parts.append('<text x="%.1f" y="%d" text-anchor="middle">1e%d</text>' % (px(e), h - bottom + 16, e))
    for frac in np.linspace(0, top, 5):
        parts.append('<text x="%d" y="%.1f" text-anchor="end">%.2f</text>' % (left - 6, py(frac) + 4, frac))
    parts.append('<text x="%d" y="%d" text-anchor="middle">|gamma| (log scale)</text>' % ((w + left) / 2, h - 12))
    parts.append('<text x="16" y="%d" transform="rotate(-90 16 %d)" text-anchor="middle">fraction of scales</text>'
                 % (h / 2, h / 2))
    for i, (label, hist) in enumerate(hists.items()):
        colour = COLOURS[i % len(COLOURS)]
        points = []
        for b in range(bins):
            points += ["%.1f,%.1f" % (px(edges[b]), py(hist[b])), "%.1f,%.1f" % (px(edges[b + 1]), py(hist[b]))]
        parts.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (colour, " ".join(points)))
        parts.append('<text x="%d" y="%d" fill="%s">%s</text>' % (left + 10, pad + 16 * (i + 1), colour, label))
    parts.append("</svg>")
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w") as f:
        f.write("\n".join(parts) + "\n")


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = argv[1]
    out = argv[2] if len(argv) > 2 else os.path.join(folder, "plots", "gamma-histogram.svg")
    series = {}
    print("label, scales, median |gamma|, < 0.01, < 0.05, < 0.1")
    for label, run_id in runs_by_label(folder).items():
        g = gammas(os.path.join(folder, "runs", run_id))
        if len(g) == 0:
            continue
        series[label] = g
        print("%s, %d, %.4f, %.3f, %.3f, %.3f" % (label, len(g), float(np.median(g)), float(np.mean(g < 0.01)),
                                                  float(np.mean(g < 0.05)), float(np.mean(g < 0.1))))
    if not series:
        print("no run with BatchNorm scales in " + folder, file=sys.stderr)
        return 1
    svg(series, out)
    print("figure: " + out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
