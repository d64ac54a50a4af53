#!/usr/bin/env python3
"""Sums a libtorch autograd-profiler Chrome trace by training phase and op kind, in ms per step.

    scripts/profile-ops.py TRACE.json --steps S [--model M --threads T --batch B --suffix _pytorch] [--top N]

Both sides of `scripts/bench --compare --profile` write such a trace: prunebench's StepBenchmark through DJL's
JniUtils.startProfile / stopProfile, bench-pytorch.py through torch.autograd.profiler.profile. Both are the same
libtorch profiler, so the same ATen op names appear on both sides and their times can be compared op by op.

Every event's *self* time is its duration less that of the events nested in it on the same thread, so that a
convolution is counted once (in aten::mkldnn_convolution, not again in aten::convolution and aten::conv2d above
it). The phase of an event is found from the order of the top-level events, the same on both sides: the backward
pass is the run of "autograd::engine::evaluate_function: ..." events; what comes before it is the forward pass
(loss included: the ops from the log-softmax on), what comes after it, up to the next step's first convolution or
matrix product, is the optimizer update and the zeroing of the gradients.

Prints CSV rows `profile_<phase>_<kind>,MODEL,THREADS,BATCH,<ms per step>,ms` (with SUFFIX appended to the
name), the rows scripts/bench turns into time ratios, and with --top the N ops of largest self time on stderr.
"""
import argparse
import collections
import json
import sys

# Op name (without "aten::") -> kind. Names not listed are "other" of their phase.
KINDS = {
    "conv": ("mkldnn_convolution", "_slow_conv2d_forward", "thnn_conv2d", "_convolution", "convolution", "conv2d",
             "slow_conv_dilated2d", "_nnpack_spatial_convolution"),
    "conv_backward": ("convolution_backward", "mkldnn_convolution_backward", "_slow_conv2d_backward",
                      "slow_conv_dilated2d_backward", "mkldnn_convolution_backward_input",
                      "mkldnn_convolution_backward_weights"),
    "batch_norm": ("native_batch_norm", "_batch_norm_impl_index", "batch_norm", "_native_batch_norm_legit",
                   "_native_batch_norm_legit_functional"),
    "batch_norm_backward": ("native_batch_norm_backward",),
    "relu": ("relu", "relu_", "clamp_min", "clamp_min_"),
    "relu_backward": ("threshold_backward",),
    "pool": ("max_pool2d", "max_pool2d_with_indices", "avg_pool2d", "adaptive_avg_pool2d", "_adaptive_avg_pool2d",
             "mean"),
    "pool_backward": ("max_pool2d_with_indices_backward", "avg_pool2d_backward", "_adaptive_avg_pool2d_backward"),
    "linear": ("addmm", "mm", "linear", "matmul"),
    "loss": ("log_softmax", "_log_softmax", "nll_loss", "nll_loss_forward", "nll_loss_nd", "cross_entropy_loss",
             "gather", "neg"),
    "loss_backward": ("_log_softmax_backward_data", "nll_loss_backward", "gather_backward", "scatter_add_",
                      "scatter_add"),
    "shortcut": ("constant_pad_nd", "pad", "slice", "cat", "narrow"),
    "add": ("add", "add_"),
    "copy": ("copy_", "to", "_to_copy", "contiguous", "clone"),
    "alloc": ("empty", "empty_strided", "zeros", "zeros_like", "empty_like", "ones", "ones_like", "new_empty",
              "new_zeros", "resize_", "fill_", "zero_"),
}
KIND_OF = {name: kind for kind, names in KINDS.items() for name in names}
FORWARD_START = {"aten::conv2d", "aten::convolution", "aten::_convolution", "aten::linear", "aten::addmm",
                 "aten::matmul"}


def events(path):
    with open(path) as f:
        trace = json.load(f)
    if isinstance(trace, dict):
        trace = trace.get("traceEvents", [])
    return [e for e in trace if e.get("ph") == "X" and "dur" in e]


def self_times(evs):
    """(event, self time in us, top-level?) for each event, nesting by [ts, ts + dur) on each thread."""
    out = []
    by_thread = collections.defaultdict(list)
    for e in evs:
        by_thread[e.get("tid")].append(e)
    for thread in by_thread.values():
        thread.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []  # [event, end, child time]
        for e in thread:
            ts, dur = float(e["ts"]), float(e["dur"])
            while stack and ts >= stack[-1][1] - 1e-6:
                done = stack.pop()
                out.append((done[0], float(done[0]["dur"]) - done[2], done[3]))
            if stack:
                stack[-1][2] += dur
            stack.append([e, ts + dur, 0.0, not stack])
        while stack:
            done = stack.pop()
            out.append((done[0], float(done[0]["dur"]) - done[2], done[3]))
    return out


def phases(timed):
    """Maps id(top-level event) -> forward / backward / optimizer by their order in time."""
    top = sorted((e for e, _, is_top in timed if is_top), key=lambda e: float(e["ts"]))
    phase_of, phase = {}, "forward"
    for e in top:
        name = e["name"]
        if name.startswith("autograd::engine::evaluate_function") or name.endswith("Backward0") \
                or name.endswith("Backward1"):
            phase = "backward"
        elif phase == "backward":
            phase = "optimizer"
        if phase == "optimizer" and name in FORWARD_START:
            phase = "forward"
        if name.startswith("Optimizer.step") or name.startswith("Optimizer.zero_grad"):
            phase = "optimizer"
        phase_of[id(e)] = phase
    return phase_of


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("trace")
    p.add_argument("--steps", type=int, required=True, help="training steps the trace holds")
    p.add_argument("--model", default="-")
    p.add_argument("--threads", default="-")
    p.add_argument("--batch", default="-")
    p.add_argument("--suffix", default="", help="appended to every row name, e.g. _pytorch")
    p.add_argument("--top", type=int, default=0, help="also list the N ops of largest self time (stderr)")
    a = p.parse_args()

    timed = self_times(events(a.trace))
    top_phase = phases(timed)
    # Nested events take the phase of the top-level event they are in.
    spans = sorted(((float(e["ts"]), float(e["ts"]) + float(e["dur"]), top_phase[id(e)])
                    for e, _, is_top in timed if is_top))
    starts = [s[0] for s in spans]

    import bisect

    def phase_at(ts):
        i = bisect.bisect_right(starts, ts) - 1
        return spans[i][2] if i >= 0 else "forward"

    sums = collections.defaultdict(float)
    per_op = collections.defaultdict(float)
    for e, self_us, _ in timed:
        name = e["name"]
        phase = phase_at(float(e["ts"]))
        op = name[6:] if name.startswith("aten::") else None
        kind = KIND_OF.get(op, "other") if op is not None else "other"
        if kind in ("loss", "loss_backward"):
            phase = "loss" if kind == "loss" else phase
        if phase == "backward" and kind in ("conv", "batch_norm", "relu", "pool", "linear"):
            kind = kind + "_backward"  # e.g. an mm inside AddmmBackward0 is the linear layer's backward
        sums[(phase, kind)] += self_us
        sums[(phase, "total")] += self_us
        sums[("step", "total")] += self_us
        per_op[(phase, name)] += self_us
    for (phase, kind), us in sorted(sums.items()):
        print(f"profile_{phase}_{kind}{a.suffix},{a.model},{a.threads},{a.batch},{us / a.steps / 1000:.3f},ms")
    if a.top:
        print(f"profile-ops: {a.trace}: the {a.top} largest self times, ms per step", file=sys.stderr)
        for (phase, name), us in sorted(per_op.items(), key=lambda kv: -kv[1])[:a.top]:
            print(f"  {phase:9s} {name:60s} {us / a.steps / 1000:9.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
