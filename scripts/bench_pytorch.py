#!/usr/bin/env python3
"""The PyTorch side of alexnet-java's side-by-side benchmark.

Builds the same network as AlexNet.paper in alexnet-core (model/AlexNet.java) and times, like
`alexnet bench`, full training steps (forward, loss, backward, SGD step) and inference (eval mode,
torch.no_grad()), reporting the median of --iters timed iterations after --warmup untimed ones.

The network (3x227x227 input, 60,965,224 parameters with 1000 classes):
  conv1 96@11x11 s4 -> ReLU -> LRN -> maxpool 3/2
  conv2 256@5x5 p2 groups 2 -> ReLU -> LRN -> maxpool 3/2
  conv3 384@3x3 p1 -> ReLU
  conv4 384@3x3 p1 groups 2 -> ReLU
  conv5 256@3x3 p1 groups 2 -> ReLU -> maxpool 3/2
  fc6 9216->4096 -> ReLU -> dropout 0.5
  fc7 4096->4096 -> ReLU -> dropout 0.5
  fc8 4096->classes
LRN is the paper's (n=5, alpha=1e-4 not divided by n, beta=0.75, k=2): PyTorch's LocalResponseNorm divides
alpha by size, so it gets alpha=5e-4; as in the paper's two-GPU network it is applied within each half of
the channels. Optimiser: torch.optim.SGD(lr=0.01, momentum=0.9, weight_decay=5e-4).

Usage: bench_pytorch.py [--batch 64] [--iters 5] [--warmup 2] [--threads N] [--mode both] [--json]
Progress goes to stderr; with --json the last line of stdout is one JSON object.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class GroupedLRN(nn.Module):
    """LocalResponseNorm applied separately to each of `groups` equal channel groups."""

    def __init__(self, size=5, alpha=1e-4, beta=0.75, k=2.0, groups=2):
        super().__init__()
        # PyTorch divides alpha by size; the paper does not, so pass alpha * size.
        self.lrn = nn.LocalResponseNorm(size, alpha=alpha * size, beta=beta, k=k)
        self.groups = groups

    def forward(self, x):
        if self.groups == 1:
            return self.lrn(x)
        return torch.cat([self.lrn(c) for c in torch.chunk(x, self.groups, dim=1)], dim=1)


class PaperAlexNet(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, 11, stride=4, padding=0),
            nn.ReLU(inplace=True),
            GroupedLRN(),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(96, 256, 5, padding=2, groups=2),
            nn.ReLU(inplace=True),
            GroupedLRN(),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(256, 384, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 384, 3, padding=1, groups=2),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1, groups=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(0.5),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(0.5),
            nn.Linear(4096, classes),
        )
        # The paper's initialisation: N(0, 0.01^2) weights, biases 1 in conv2/4/5 and fc6/7, 0 elsewhere.
        ones = {4, 10, 12}
        for i, m in enumerate(self.features):
            if isinstance(m, nn.Conv2d):
                nn.init.normal_(m.weight, 0.0, 0.01)
                nn.init.constant_(m.bias, 1.0 if i in ones else 0.0)
        for i, m in enumerate(self.classifier):
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0.0, 0.01)
                nn.init.constant_(m.bias, 0.0 if i == 7 else 1.0)

    def forward(self, x):
        return self.classifier(self.features(x))


def timed(what, step, warmup, iters):
    for i in range(warmup):
        t0 = time.perf_counter()
        step()
        print(f"  {what} warm-up {i + 1}/{warmup}: {(time.perf_counter() - t0) * 1e3:.1f} ms", file=sys.stderr,
              flush=True)
    ms = []
    for i in range(iters):
        t0 = time.perf_counter()
        step()
        ms.append((time.perf_counter() - t0) * 1e3)
        print(f"  {what} iteration {i + 1}/{iters}: {ms[-1]:.1f} ms", file=sys.stderr, flush=True)
    return statistics.median(ms)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--classes", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--mode", choices=["train", "infer", "both"], default="both")
    ap.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    a = ap.parse_args()
    if a.batch < 1 or a.iters < 1 or a.warmup < 0:
        ap.error("need --batch >= 1, --iters >= 1 and --warmup >= 0")

    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    net = PaperAlexNet(a.classes)
    params = sum(p.numel() for p in net.parameters())
    x = torch.rand(a.batch, 3, 227, 227) * 2 - 1
    labels = torch.randint(0, a.classes, (a.batch,))
    print(f"bench_pytorch: alexnet (paper), {params:,} parameters, batch {a.batch}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads, {a.warmup} warm-up + {a.iters} timed iterations",
          file=sys.stderr, flush=True)

    infer_ms = train_ms = None
    if a.mode != "train":
        net.eval()

        def infer():
            with torch.no_grad():
                net(x)

        infer_ms = timed("infer", infer, a.warmup, a.iters)
    if a.mode != "infer":
        net.train()
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

        def train():
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(net(x), labels)
            loss.backward()
            opt.step()

        train_ms = timed("train", train, a.warmup, a.iters)

    def ips(ms):
        return None if ms is None else a.batch * 1000.0 / ms

    print(f"alexnet  batch {a.batch}  pytorch {torch.__version__}  threads {torch.get_num_threads()}")
    if train_ms is not None:
        print(f"train:     {ips(train_ms):10.1f} images/s  {train_ms:10.1f} ms/step (median of {a.iters})")
    if infer_ms is not None:
        print(f"inference: {ips(infer_ms):10.1f} images/s  {infer_ms:10.1f} ms/batch (median of {a.iters})")
    if a.json:
        print(json.dumps({
            "model": "alexnet",
            "framework": "pytorch",
            "torch": torch.__version__,
            "batch": a.batch,
            "threads": torch.get_num_threads(),
            "mode": a.mode,
            "iters": a.iters,
            "warmup": a.warmup,
            "parameters": params,
            "train_images_per_s": ips(train_ms),
            "infer_images_per_s": ips(infer_ms),
            "train_step_ms": train_ms,
            "infer_ms": infer_ms,
            "python": platform.python_version(),
            "date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        }))


if __name__ == "__main__":
    main()
