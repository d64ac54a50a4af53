#!/usr/bin/python3
"""PyTorch reference for scripts/bench: the same models, batch, threads, optimizer and per-step work as
prunebench's training loop, measured the same way. Run with Debian's python3-torch (/usr/bin/python3).

    scripts/bench-pytorch.py --model resnet20 --threads 1 [--batch 128] [--steps 10] [--reps 5] [--warmup STEPS]
                             [--what train|infer|both|step] [--phases] [--glibc-defaults]

--what step is the bare loop (train_step_pytorch): model(x), F.cross_entropy, backward(), opt.step(),
opt.zero_grad() on --steps batches assembled before timing, nothing else per step; --phases adds each phase's median
wall and thread-CPU milliseconds and the fixed CPU cost of one op through Python. glibc's malloc gets the settings
prunebench's NativeMemory gives itself, unless --glibc-defaults.

Prints CSV rows without a header: benchmark,model,threads,batch,value,unit: train_pytorch and infer_pytorch in
images/s (wall clock), train_cpu_pytorch and infer_cpu_pytorch in images per CPU-second of the process, each the
median of --reps timed repetitions of --steps steps after --warmup untimed steps (default --steps, as
prunebench's bench, which discards one epoch of --steps steps).

The pipeline (--what train): per training step, as prunebench's Trainer does, a batch is assembled from a uint8
dataset (gather, normalise, and for ResNet-20 the 4-pixel pad / random crop / horizontal flip of the ResNet paper,
batched: one gather for the whole batch), forward, F.cross_entropy,
backward, torch.optim.SGD(momentum 0.9) step, loss.item() and the batch's top-1 hits. Models:
LeNet-5 as prunebench's (ShrinkBench's) and ResNet-20 with option-A shortcuts (akamaster's pytorch_resnet_cifar10).
The data is synthetic (random pixels): throughput does not depend on pixel values.
"""
import argparse
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class OptionA(nn.Module):
    def __init__(self, pad):
        super().__init__()
        self.pad = pad

    def forward(self, x):
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad), "constant", 0)


class BasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = OptionA(planes // 4) if stride != 1 or in_planes != planes else nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNetCifar(nn.Module):
    def __init__(self, n=3, classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        layers, in_planes = [], 16
        for s in range(3):
            planes = 16 << s
            for b in range(n):
                layers.append(BasicBlock(in_planes, planes, 2 if s > 0 and b == 0 else 1))
                in_planes = planes
        self.blocks = nn.Sequential(*layers)
        self.fc = nn.Linear(64, classes)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        x = self.blocks(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


MODELS = {"lenet5": ((1, 28, 28), LeNet5, False), "resnet20": ((3, 32, 32), ResNetCifar, True)}


class Batches:
    """Batches from a uint8 dataset in a seeded shuffled order, normalised, optionally crop+flip augmented."""

    def __init__(self, shape, examples, augment, generator):
        self.pixels = torch.randint(0, 256, (examples,) + shape, dtype=torch.uint8, generator=generator)
        self.labels = torch.randint(0, 10, (examples,), generator=generator)
        x = self.pixels.float() / 255
        self.mean = x.mean(dim=(0, 2, 3)).view(1, -1, 1, 1)
        self.std = x.std(dim=(0, 2, 3)).view(1, -1, 1, 1)
        self.augment = augment
        self.generator = generator
        self.order = torch.randperm(examples, generator=generator)
        self.pos = 0

    def next(self, n):
        if self.pos + n > len(self.order):
            self.order = torch.randperm(len(self.order), generator=self.generator)
            self.pos = 0
        idx = self.order[self.pos:self.pos + n]
        self.pos += n
        x = self.pixels[idx].float()
        if self.augment:
            # Batched: one gather does every image's crop and flip (no per-image Python).
            c, h, w = x.shape[1], x.shape[2], x.shape[3]
            padded = F.pad(x, (4, 4, 4, 4))
            dy = torch.randint(0, 9, (n, 1), generator=self.generator)
            dx = torch.randint(0, 9, (n, 1), generator=self.generator)
            flip = torch.randint(0, 2, (n, 1), generator=self.generator).bool()
            rows = dy + torch.arange(h)
            cols = dx + torch.where(flip, torch.arange(w - 1, -1, -1), torch.arange(w))
            x = padded[torch.arange(n).view(n, 1, 1, 1), torch.arange(c).view(1, c, 1, 1),
                       rows.view(n, 1, h, 1), cols.view(n, 1, 1, w)]
        x = (x / 255 - self.mean) / self.std
        return x, self.labels[idx]


def retain_freed_memory():
    """glibc settings as prunebench's NativeMemory applies to itself (M_MMAP_THRESHOLD 32 MiB, M_TRIM_THRESHOLD 1 GiB,
    M_TOP_PAD 64 MiB), so that neither side pays for page-faulting its activations back in every step: without them
    a ResNet-20 inference batch here took 6x the CPU time, most of it in the kernel's fault path. --glibc-defaults
    measures PyTorch as it comes."""
    import ctypes
    libc = ctypes.CDLL("libc.so.6")
    return all(libc.mallopt(k, v) == 1 for k, v in ((-3, 32 << 20), (-1, 1 << 30), (-2, 64 << 20)))


def measure(step, batch, warmup, steps, reps):
    """Median images/s over wall-clock time and over process CPU time (every thread) of the timed repetitions."""
    for _ in range(warmup):
        step()
    rates, cpu_rates = [], []
    for _ in range(reps):
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(steps):
            step()
        rates.append(steps * batch / (time.perf_counter() - start))
        cpu_rates.append(steps * batch / (time.process_time() - cpu))
    return statistics.median(rates), statistics.median(cpu_rates)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=sorted(MODELS), required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--warmup", type=int, default=None, help="untimed steps first (default: --steps)")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--what", choices=["train", "infer", "both", "step"], default="both")
    p.add_argument("--phases", action="store_true", help="with --what step: median ms of each phase too")
    p.add_argument("--profile", metavar="FILE", help="with --what step: one more pass over the batches under "
                   "torch.autograd.profiler (record_shapes), its Chrome trace written to FILE")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--channels-last", action="store_true",
                   help="options table: model and inputs in torch.channels_last memory format")
    p.add_argument("--no-mkldnn", action="store_true",
                   help="options table: oneDNN kernels off (torch.backends.mkldnn), ATen's own convolutions")
    p.add_argument("--glibc-defaults", action="store_true", help="leave glibc's malloc settings as they are")
    a = p.parse_args()
    if not a.glibc_defaults:
        retain_freed_memory()
    if a.warmup is None:
        a.warmup = a.steps

    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    shape, cls, augment = MODELS[a.model]
    model = cls()
    if a.no_mkldnn:
        torch.backends.mkldnn.enabled = False
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
    data = Batches(shape, a.batch * 40, augment, g)
    rows = []

    if a.what in ("train", "both"):
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9)
        hits = [0]

        def train_step():
            x, y = data.next(a.batch)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if not torch.isfinite(torch.tensor(loss.item())):
                sys.exit("loss diverged")
            hits[0] += int((logits.argmax(1) == y).sum())

        wall, cpu = measure(train_step, a.batch, a.warmup, a.steps, a.reps)
        rows += [("train_pytorch", wall, "images/s"), ("train_cpu_pytorch", cpu, "images/cpu-s")]

    if a.what == "step":
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9)
        batches = [data.next(a.batch) for _ in range(a.steps)]
        if a.channels_last:
            batches = [(x.contiguous(memory_format=torch.channels_last), y) for x, y in batches]
        names = ["forward", "loss", "backward", "optimizer", "zero_grad"]
        times = []
        it = [0]

        def bare_step():
            x, y = batches[it[0] % len(batches)]
            it[0] += 1
            if not a.phases:
                loss = F.cross_entropy(model(x), y)
                loss.backward()
                opt.step()
                opt.zero_grad()
                return
            marks = [(time.perf_counter(), time.thread_time())]
            logits = model(x)
            marks.append((time.perf_counter(), time.thread_time()))
            loss = F.cross_entropy(logits, y)
            marks.append((time.perf_counter(), time.thread_time()))
            loss.backward()
            marks.append((time.perf_counter(), time.thread_time()))
            opt.step()
            marks.append((time.perf_counter(), time.thread_time()))
            opt.zero_grad()
            marks.append((time.perf_counter(), time.thread_time()))
            times.append([marks[i + 1][k] - marks[i][k] for k in (0, 1) for i in range(5)])

        wall, cpu = measure(bare_step, a.batch, a.warmup, a.steps, a.reps)
        rows += [("train_step_pytorch", wall, "images/s"), ("train_step_cpu_pytorch", cpu, "images/cpu-s")]
        if a.profile:
            # As StepBenchmark's profile: a fresh optimizer warmed by one pass, then one pass of the same
            # batches under libtorch's autograd profiler; the timed figures above are not profiled.
            opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9)
            phases, a.phases = a.phases, False
            for _ in range(len(batches)):
                bare_step()
            with torch.autograd.profiler.profile(record_shapes=True) as prof:
                for _ in range(len(batches)):
                    bare_step()
            prof.export_chrome_trace(a.profile)
            a.phases = phases
            print(f"bench: profile of {len(batches)} steps written to {a.profile}", file=sys.stderr)
        if a.phases:
            timed = times[a.warmup:]
            rows += [("phase_" + n + "_pytorch", 1000 * statistics.median(t[i] for t in timed), "ms")
                     for i, n in enumerate(names)]
            one, two = torch.ones(1), torch.ones(1)
            per_op = []
            for k in range(9):
                c0 = time.thread_time()
                for _ in range(2000):
                    torch.add(one, two)
                if k >= 2:
                    per_op.append((time.thread_time() - c0) / 2000 * 1e6)
            rows.append(("op_overhead_cpu_pytorch", statistics.median(per_op), "thread-cpu-us"))
            rows += [("phase_" + n + "_cpu_pytorch", 1000 * statistics.median(t[5 + i] for t in timed),
                      "thread-cpu-ms") for i, n in enumerate(names)]

    if a.what in ("infer", "both"):
        model.eval()
        data.augment = False

        def infer_step():
            with torch.no_grad():
                x, y = data.next(a.batch)
                int((model(x).argmax(1) == y).sum())

        wall, cpu = measure(infer_step, a.batch, a.warmup, a.steps, a.reps)
        rows += [("infer_pytorch", wall, "images/s"), ("infer_cpu_pytorch", cpu, "images/cpu-s")]

    for name, value, unit in rows:
        print(f"{name},{a.model},{a.threads},{a.batch},{value:.1f}" if not unit.endswith(("ms", "us")) else
              f"{name},{a.model},{a.threads},{a.batch},{value:.3f}", f"{unit}", sep=",", flush=True)


if __name__ == "__main__":
    main()
