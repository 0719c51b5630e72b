#!/usr/bin/env python3
"""Trains the PyTorch twin of alexnet-java's `alexnet-small-3x3` (default) or `alexnet-small` on Fashion-MNIST and
prints per-epoch test accuracy, seconds per epoch and training images/s: the reference for the Fashion-MNIST quality
bar (docs/training.md).

alexnet-small-3x3 (--model alexnet-small-3x3, model/AlexNet.java small3x3(...)), input 1x28x28, 1,387,114 parameters;
every conv 3x3, stride 1, padding 1, one group, followed by ReLU:
  conv1 32 -> conv2 32 -> LRN -> maxpool 3/2               (13x13)
  conv3 64 -> conv4 64 -> LRN -> maxpool 3/2               (6x6)
  conv5 128
  fc6 256 -> ReLU -> dropout -> fc7 256 -> ReLU -> dropout -> fc8 10   (dropout 0 on Fashion-MNIST by default)

alexnet-small (--model alexnet-small, model/AlexNet.java small(...)), input 1x28x28, 285,322 parameters:
  conv1 32@5x5 p2 -> ReLU -> LRN -> maxpool 3/2            (13x13)
  conv2 64@5x5 p2 groups 2 -> ReLU -> LRN -> maxpool 3/2   (6x6)
  conv3 96@3x3 p1 -> ReLU
  conv4 96@3x3 p1 groups 2 -> ReLU
  conv5 64@3x3 p1 groups 2 -> ReLU -> maxpool 3/2          (2x2)
  fc6 256 -> ReLU -> dropout -> fc7 256 -> ReLU -> dropout -> fc8 10   (dropout 0 on Fashion-MNIST by default)
LRN is the paper's (n 5, alpha 1e-4 not divided by n, beta 0.75, k 2) within each half of the channels, i.e.
torch's local_response_norm(size 5, alpha 5e-4, beta 0.75, k 2) per half.

Run it with Debian's torch and the allocator tuned as in the benchmarks:
  GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184 \\
      /usr/bin/python3 scripts/fashion_mnist_pytorch.py --epochs 3 --json
The defaults are train's Fashion-MNIST defaults: alexnet-small-3x3, He init, batch 32, lr 0.02 x0.1 after 2 epochs,
momentum 0.9, weight decay 5e-4 on weights, no dropout, no flips, per-channel mean subtracted and /255, seed 42.
"""
import argparse
import gzip
import json
import os
import platform
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    magic = int.from_bytes(raw[0:4], "big")
    if magic == 0x803:
        n, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
        return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, rows, cols)
    if magic == 0x801:
        n = int.from_bytes(raw[4:8], "big")
        return np.frombuffer(raw, dtype=np.uint8, offset=8)[:n]
    raise ValueError(f"{path}: bad IDX magic number {magic:#x}")


def find(directory, base):
    for name in (base + ".gz", base):
        p = os.path.join(directory, name)
        if os.path.isfile(p):
            return p
    raise FileNotFoundError(f"{base}[.gz] not in {directory}")


class GroupedLRN(nn.Module):
    def __init__(self, groups=2):
        super().__init__()
        self.groups = groups

    def forward(self, x):
        return torch.cat([F.local_response_norm(c, 5, alpha=1e-4 * 5, beta=0.75, k=2.0)
                          for c in torch.chunk(x, self.groups, dim=1)], dim=1)


class _SmallAlexNetBase(nn.Module):
    """The given feature layers, then the small models' classifier (fc6 and fc7 256 wide with optional dropout,
    fc8) and the initialisation; features are built first, so parameters are created in the models' order."""

    def __init__(self, features, flat, classes, init, dropout):
        super().__init__()
        self.features = features
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(flat, 256), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(256, 256), nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Linear(256, classes),
        )
        initialise(self, init)

    def forward(self, x):
        return self.classifier(self.features(x))


class SmallAlexNet(_SmallAlexNetBase):
    def __init__(self, classes=10, init="he", dropout=0.0):
        super().__init__(nn.Sequential(
            nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(inplace=True), GroupedLRN(), nn.MaxPool2d(3, 2),
            nn.Conv2d(32, 64, 5, padding=2, groups=2), nn.ReLU(inplace=True), GroupedLRN(), nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 96, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(96, 96, 3, padding=1, groups=2), nn.ReLU(inplace=True),
            nn.Conv2d(96, 64, 3, padding=1, groups=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        ), 64 * 2 * 2, classes, init, dropout)


class SmallAlexNet3x3(_SmallAlexNetBase):
    def __init__(self, classes=10, init="he", dropout=0.0):
        super().__init__(nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(inplace=True), GroupedLRN(), nn.MaxPool2d(3, 2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(inplace=True), GroupedLRN(), nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(inplace=True),
        ), 128 * 6 * 6, classes, init, dropout)


MODELS = {"alexnet-small-3x3": SmallAlexNet3x3, "alexnet-small": SmallAlexNet}


def initialise(net, init):
    layers = [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    ones = {1, 3, 4, 5, 6}  # conv2, conv4, conv5, fc6, fc7 (paper init only)
    for i, m in enumerate(layers):
        if init == "he":  # Initialization.he: N(0, 2/fan_in), biases 0
            fan_in = m.weight[0].numel()
            nn.init.normal_(m.weight, 0.0, (2.0 / fan_in) ** 0.5)
            nn.init.zeros_(m.bias)
        elif init == "paper":  # N(0, 0.01^2), biases 1 in conv2/4/5 and fc6/7
            nn.init.normal_(m.weight, 0.0, 0.01)
            nn.init.constant_(m.bias, 1.0 if i in ones else 0.0)
        # "pytorch-default": leave torch's own initialisation


def augment(x, gen, pad, flip):
    """Random 28x28 crops of the zero-padded image (pad pixels a side) and horizontal flips, per image."""
    n = x.shape[0]
    if pad > 0:
        xp = F.pad(x, (pad, pad, pad, pad))
        dx = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
        dy = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
        idx = torch.arange(28)
        rows = (dy[:, None] + idx[None, :])[:, None, :, None].expand(n, 1, 28, 28 + 2 * pad)
        xp = torch.gather(xp, 2, rows)
        cols = (dx[:, None] + idx[None, :])[:, None, None, :].expand(n, 1, 28, 28)
        x = torch.gather(xp, 3, cols)
    if flip:
        flips = torch.rand(n, generator=gen) < 0.5
        x = torch.where(flips[:, None, None, None], x.flip(3), x)
    return x


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--model", choices=sorted(MODELS), default="alexnet-small-3x3",
                    help="train's --model (default alexnet-small-3x3, train's Fashion-MNIST default)")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=0.02)
    ap.add_argument("--dropout", type=float, default=0.0,
                    help="after fc6 and fc7 (train's --dropout; 0 by default on Fashion-MNIST, the paper's is 0.5)")
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--weight-decay", type=float, default=5e-4)
    ap.add_argument("--init", choices=["he", "paper", "pytorch-default"], default="he")
    ap.add_argument("--flip", action=argparse.BooleanOptionalAction, default=False,
                    help="random horizontal flips (train's --[no-]flip; off on Fashion-MNIST by default)")
    ap.add_argument("--pad", type=int, default=0, help="padding for random crops (train's --padding, default 0)")
    ap.add_argument("--step-epochs", type=int, default=2,
                    help="multiply the learning rate by 0.1 every N epochs (0: constant); train's step schedule")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--json", action="store_true", help="one JSON object per epoch")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N training images (smoke tests)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed + 1)

    xtr = read_idx(find(a.data, "train-images-idx3-ubyte"))
    ytr = read_idx(find(a.data, "train-labels-idx1-ubyte"))
    if a.limit:
        xtr, ytr = xtr[:a.limit], ytr[:a.limit]
    xte = read_idx(find(a.data, "t10k-images-idx3-ubyte"))
    yte = read_idx(find(a.data, "t10k-labels-idx1-ubyte"))
    mean = float(xtr.mean())  # per-channel mean of the training pixels (one channel), 0..255 units
    def prep(x):
        return torch.from_numpy((x.astype(np.float32) - mean) / 255.0).unsqueeze(1)
    xtr_t, xte_t = prep(xtr), prep(xte)
    pad_value = (0.0 - mean) / 255.0  # padding is black in raw pixels, as the Java Transform
    ytr_t, yte_t = torch.from_numpy(ytr.astype(np.int64)), torch.from_numpy(yte.astype(np.int64))

    net = MODELS[a.model](init=a.init, dropout=a.dropout)
    # The paper's update with weight decay on weights only (biases undecayed, as alexnet-java's Sgd).
    decay = [p for n, p in net.named_parameters() if n.endswith("weight")]
    nodecay = [p for n, p in net.named_parameters() if n.endswith("bias")]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": a.weight_decay},
                           {"params": nodecay, "weight_decay": 0.0}], lr=a.lr, momentum=a.momentum)
    print(f"pytorch {torch.__version__}, {torch.get_num_threads()} threads, {platform.processor() or platform.machine()};"
          f" {a.model} twin ({sum(p.numel() for p in net.parameters()):,} parameters), init {a.init},"
          f" dropout {a.dropout}, batch {a.batch}, lr {a.lr}, momentum {a.momentum}, weight decay {a.weight_decay},"
          f" flips {a.flip}, crop padding {a.pad}, lr x0.1 every {a.step_epochs or 'no'} epochs", flush=True)
    n = xtr_t.shape[0]
    for epoch in range(1, a.epochs + 1):
        if a.step_epochs > 0:
            for g in opt.param_groups:
                g["lr"] = a.lr * 0.1 ** ((epoch - 1) // a.step_epochs)
        net.train()
        perm = torch.randperm(n, generator=gen)
        t0 = time.perf_counter()
        loss_sum, seen = 0.0, 0
        for s in range(0, n, a.batch):
            idx = perm[s:s + a.batch]
            x = xtr_t[idx]
            if a.flip or a.pad > 0:
                x = augment(x - pad_value, gen, a.pad, a.flip) + pad_value
            y = ytr_t[idx]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(net(x), y)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            seen += len(idx)
        secs = time.perf_counter() - t0
        net.eval()
        correct = 0
        with torch.no_grad():
            for s in range(0, xte_t.shape[0], 1000):
                correct += (net(xte_t[s:s + 1000]).argmax(1) == yte_t[s:s + 1000]).sum().item()
        acc = correct / xte_t.shape[0]
        row = {"epoch": epoch, "train_loss": loss_sum / seen, "test_accuracy": acc, "seconds": secs,
               "images_per_s": seen / secs}
        print(f"epoch {epoch}/{a.epochs}  loss {row['train_loss']:.4f}  test accuracy {100 * acc:.2f}%"
              f"  {secs:.1f} s  {seen / secs:.1f} images/s", flush=True)
        if a.json:
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
