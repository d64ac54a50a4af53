#!/usr/bin/python3
"""Loads a prunebench run into plain PyTorch and evaluates it on the run's test set.

    scripts/load_pytorch.py results/quickstart/runs/<run-id> [--data DIR] [--check]

Builds the run's model (LeNet-5, LeNet-300-100, the CIFAR ResNets with option-A shortcuts, the CIFAR VGGs) as
ordinary torch.nn modules, loads the run's weights.npz with load_state_dict, holds the run's masks (masks.npz,
the final masks of dynamic sparse training where present) with torch.nn.utils.prune.custom_from_mask, reads the
test set the run used (its experiment's dataset, root, max_train and max_test, from resolved-experiment.yaml two
folders up; the same per-channel normalisation, computed from the training split) and prints the top-1
accuracy. With --check it exits 1 unless that equals the run's recorded top-1 (metrics.json) to 0.1 points; it
exits 2 when a run file cannot be read (a truncated weights.npz, say), naming the file.

Runs with Debian's python3-torch (apt-get install python3-torch python3-numpy python3-yaml).
Also importable: build_model(name, in_channels, size, classes), load_run(run_dir) -> (model, masks).
"""
import argparse
import gzip
import json
import os
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import prune


# ---- models: the torch.nn modules whose state_dict names prunebench's output files use ----

class LeNet5(nn.Module):
    """conv5x5(6, pad 2)-ReLU-maxpool2-conv5x5(16)-ReLU-maxpool2-fc120-ReLU-fc84-ReLU-fc."""

    def __init__(self, in_channels, size, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        side = (size // 2 - 4) // 2
        self.fc1 = nn.Linear(16 * side * side, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class LeNet300100(nn.Module):
    def __init__(self, in_channels, size, classes):
        super().__init__()
        self.fc1 = nn.Linear(in_channels * size * size, 300)
        self.fc2 = nn.Linear(300, 100)
        self.fc3 = nn.Linear(100, classes)

    def forward(self, x):
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class LambdaLayer(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class BasicBlock(nn.Module):
    """akamaster's pytorch_resnet_cifar10 BasicBlock with the option-A shortcut."""

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            pad = planes // 4
            self.shortcut = LambdaLayer(
                lambda x: F.pad(x[:, :, ::stride, ::stride], (0, 0, 0, 0, pad, pad), "constant", 0))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class CifarResNet(nn.Module):
    def __init__(self, depth, in_channels, classes):
        super().__init__()
        n = (depth - 2) // 6
        self.conv1 = nn.Conv2d(in_channels, 16, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        planes, layers = 16, []
        for stage, width in enumerate((16, 32, 64)):
            blocks = []
            for b in range(n):
                blocks.append(BasicBlock(planes, width, 2 if stage > 0 and b == 0 else 1))
                planes = width
            layers.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3 = layers
        self.linear = nn.Linear(64, classes)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        out = F.adaptive_avg_pool2d(out, 1)
        return self.linear(torch.flatten(out, 1))


VGG_CONFIGS = {
    11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    13: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
         512, 512, 512, 512, "M"],
}


class CifarVgg(nn.Module):
    """kuangliu's pytorch-cifar VGG: features (conv3x3-BN-ReLU, max pools), one Linear classifier."""

    def __init__(self, depth, in_channels, size, classes):
        super().__init__()
        layers, channels = [], in_channels
        for v in VGG_CONFIGS[depth]:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(channels, v, 3, padding=1), nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
                channels = v
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(512 * (size // 32) ** 2, classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def build_model(name, in_channels, size, classes):
    if name == "lenet5":
        return LeNet5(in_channels, size, classes)
    if name == "lenet300-100":
        return LeNet300100(in_channels, size, classes)
    if name.startswith("resnet"):
        return CifarResNet(int(name[6:]), in_channels, classes)
    if name.startswith("vgg"):
        return CifarVgg(int(name[3:]), in_channels, size, classes)
    raise SystemExit(f"load_pytorch: no PyTorch definition for model '{name}' (lenet5, lenet300-100, resnetN, vggN)")


# ---- datasets: the same files, caps and normalisation as prunebench ----

def _idx(path):
    for candidate in (path, path.with_name(path.name + ".gz")):
        if candidate.exists():
            opener = gzip.open if candidate.suffix == ".gz" else open
            with opener(candidate, "rb") as f:
                data = f.read()
            dims = data[3]
            shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    raise SystemExit(f"load_pytorch: {path} (or {path.name}.gz) is missing")


def _cifar(files, label_bytes, label_index):
    record = label_bytes + 3072
    raw = np.concatenate([np.fromfile(f, dtype=np.uint8) for f in files]).reshape(-1, record)
    return raw[:, label_bytes:].reshape(-1, 3, 32, 32), raw[:, label_index].astype(np.int64)


def _cifar_dir(root, folder):
    return root / folder if (root / folder).is_dir() else root


def read_dataset(name, root):
    """(train images NxCxHxW uint8, train labels, test images, test labels, classes)."""
    if name in ("mnist", "fashion-mnist"):
        tr = _idx(root / "train-images-idx3-ubyte")[:, None]
        te = _idx(root / "t10k-images-idx3-ubyte")[:, None]
        return (tr, _idx(root / "train-labels-idx1-ubyte").astype(np.int64), te,
                _idx(root / "t10k-labels-idx1-ubyte").astype(np.int64), 10)
    if name == "cifar10":
        d = _cifar_dir(root, "cifar-10-batches-bin")
        tr, trl = _cifar([d / f"data_batch_{i}.bin" for i in range(1, 6)], 1, 0)
        te, tel = _cifar([d / "test_batch.bin"], 1, 0)
        return tr, trl, te, tel, 10
    if name in ("cifar100", "cifar100-coarse"):
        d = _cifar_dir(root, "cifar-100-binary")
        index, classes = (0, 20) if name == "cifar100-coarse" else (1, 100)
        tr, trl = _cifar([d / "train.bin"], 2, index)
        te, tel = _cifar([d / "test.bin"], 2, index)
        return tr, trl, te, tel, classes
    raise SystemExit(f"load_pytorch: reading dataset '{name}' is not supported here "
                     "(mnist, fashion-mnist, cifar10, cifar100, cifar100-coarse)")


def locate(name, root):
    """prunebench's search order: dataset.root, $PRUNEBENCH_DATA/<name>, ./data/<name>, /usr/share/datasets/<name>."""
    if root:
        return Path(root)
    candidates = []
    if os.environ.get("PRUNEBENCH_DATA"):
        candidates.append(Path(os.environ["PRUNEBENCH_DATA"]) / name)
    candidates += [Path("data") / name, Path("/usr/share/datasets") / name]
    for c in candidates:
        if c.is_dir():
            return c
    raise SystemExit(f"load_pytorch: dataset '{name}' not found in {', '.join(map(str, candidates))}; use --data")


def normalise(images, train):
    """Per-channel mean and std of the training pixels in [0, 1] (population std, floored at 1e-6)."""
    x = train.astype(np.float64) / 255.0
    mean = x.mean(axis=(0, 2, 3))
    std = np.maximum(1e-6, np.sqrt(np.maximum(0, (x * x).mean(axis=(0, 2, 3)) - mean * mean)))
    scale = (1.0 / (255.0 * std)).astype(np.float32)
    shift = (-mean / std).astype(np.float32)
    return images.astype(np.float32) * scale[None, :, None, None] + shift[None, :, None, None]


# ---- a run ----

def _experiment(run_dir):
    resolved = run_dir.parent.parent / "resolved-experiment.yaml"
    if not resolved.exists():
        return {}
    import yaml
    with open(resolved) as f:
        return yaml.safe_load(f) or {}


BAD_INPUT = 2  # a run folder whose files cannot be read; 1 is kept for "top-1 differs" (--check)


def read_npz(path):
    """Every array of a .npz file, read now, or exit BAD_INPUT naming the file (a truncated or foreign file)."""
    import zipfile
    try:
        with np.load(path) as npz:
            return {k: npz[k] for k in npz.files}
    except FileNotFoundError:
        print(f"load_pytorch: {path} does not exist (was the run saved with save_weights: true?)", file=sys.stderr)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError) as e:
        print(f"load_pytorch: cannot read {path}: {type(e).__name__}: {e} (truncated, or not written by prunebench)",
              file=sys.stderr)
    sys.exit(BAD_INPUT)


def load_run(run_dir, in_channels, size, classes, model_name):
    """The model with the run's final weights, its masks held by torch.nn.utils.prune; and the masks used."""
    model = build_model(model_name, in_channels, size, classes)
    state = {k: torch.from_numpy(v) for k, v in read_npz(run_dir / "weights.npz").items()}
    # prunebench does not count BatchNorm updates; every other key must match.
    for k, v in model.state_dict().items():
        if k.endswith("num_batches_tracked"):
            state.setdefault(k, v)
    model.load_state_dict(state, strict=True)
    npz = read_npz(run_dir / "masks.npz")
    prefix = "final_mask/" if any(k.startswith("final_mask/") for k in npz) else "mask/"
    masks = {k[len(prefix):]: v for k, v in npz.items() if k.startswith(prefix)}
    for name, mask in masks.items():
        if mask.dtype != np.bool_:
            raise SystemExit(f"load_pytorch: {prefix}{name} is {mask.dtype}, expected bool")
        module_name, param = name.rsplit(".", 1)
        prune.custom_from_mask(model.get_submodule(module_name), param, torch.from_numpy(mask))
    return model, masks


@torch.no_grad()
def top1(model, images, labels, batch_size):
    model.eval()
    correct = 0
    for i in range(0, len(labels), batch_size):
        out = model(torch.from_numpy(images[i:i + batch_size]))
        correct += (out.argmax(1).numpy() == labels[i:i + batch_size]).sum()
    return correct / len(labels)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("run_dir", type=Path, help="results/<name>/runs/<run-id>")
    p.add_argument("--data", help="dataset folder (default: the experiment's dataset.root, then prunebench's search)")
    p.add_argument("--max-train", type=int, help="default: the experiment's dataset.max_train")
    p.add_argument("--max-test", type=int, help="default: the experiment's dataset.max_test")
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--check", action="store_true", help="exit 1 unless top-1 equals metrics.json's to 0.1 points")
    args = p.parse_args()

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    metrics = json.loads((args.run_dir / "metrics.json").read_text())
    dataset = dict(_experiment(args.run_dir).get("dataset") or {})
    name = metrics["dataset"]
    max_train = args.max_train if args.max_train is not None else dataset.get("max_train")
    max_test = args.max_test if args.max_test is not None else dataset.get("max_test")
    tr, _, te, tel, classes = read_dataset(name, locate(name, args.data or dataset.get("root")))
    tr, te, tel = tr[:max_train], te[:max_test], tel[:max_test]
    model, masks = load_run(args.run_dir, te.shape[1], te.shape[2], classes, metrics["model"])
    acc = top1(model, normalise(te, tr), tel, args.batch_size)
    kept = sum(int(m.sum()) for m in masks.values())
    total = sum(m.size for m in masks.values())
    print(f"{args.run_dir.name}: {metrics['model']} on {name} ({len(tel)} test images), "
          f"masks keep {kept}/{total} of the pruned tensors")
    print(f"top1 {acc:.4f} (prunebench: {metrics['top1']:.4f})")
    if args.check and abs(acc - metrics["top1"]) > 0.001:
        print(f"load_pytorch: top-1 differs from prunebench's by {abs(acc - metrics['top1']) * 100:.2f} points",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
