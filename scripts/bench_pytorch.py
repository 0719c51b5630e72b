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

With --layers it also times each layer of a training step, with the same layer names as `alexnet bench --layers`
(conv1, relu1, norm1, pool1, ..., flatten, fc6, relu6, drop6, fc7, relu7, drop7, fc8, plus "loss" and "update"
for optimizer.step()). For this the forward pass runs as a chain of separate autograd graphs,
x[i+1] = layer_i(x[i].detach().requires_grad_()), each layer timed on its own, and the backward pass runs piecewise
from the top: torch.autograd.backward(x[i+1], grad) for each layer, passing x[i].grad down (conv1's input needs no
gradient, as in ours). ReLU runs out of place there (in place on a leaf is not allowed); the whole-step timing
keeps the normal single graph with in-place ReLU. "loss" is cross-entropy forward + backward (in the forward_ms
column, as ours), "update" is optimizer.step() (in the backward_ms column). forward_gflops and backward_gflops are
GFLOP per step (work, not a rate; 2 flops per multiply-add; backward = 2x forward except conv1 = 1x), as in ours.

The JSON also reports "peak_rss_mb": the process's peak resident set (getrusage ru_maxrss) after the timed
whole-step iterations, before any layer profiling.

On a GPU (--device cuda) every timed step ends with torch.cuda.synchronize(), TF32 is off for convolutions and
matrix products (plain fp32, as alexnet-java's default) unless --tf32, and --cudnn-benchmark lets cuDNN time
its algorithms (torch.backends.cudnn.benchmark) instead of choosing them by heuristics.

Usage: bench_pytorch.py [--batch 64] [--iters 5] [--warmup 2] [--threads N] [--mode both] [--layers] [--json]
                        [--device cpu|cuda] [--tf32] [--cudnn-benchmark]
Progress goes to stderr; with --json the last line of stdout is one JSON object.
"""
import argparse
import datetime
import json
import os
import platform
import resource
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


def sync():
    """Waits for the GPU, so wall-clock timings cover the queued work (nothing on the CPU)."""
    if DEVICE.type == "cuda":
        torch.cuda.synchronize(DEVICE)


DEVICE = torch.device("cpu")


def timed(what, step, warmup, iters):
    for i in range(warmup):
        t0 = time.perf_counter()
        step()
        sync()
        print(f"  {what} warm-up {i + 1}/{warmup}: {(time.perf_counter() - t0) * 1e3:.1f} ms", file=sys.stderr,
              flush=True)
    ms = []
    for i in range(iters):
        t0 = time.perf_counter()
        step()
        sync()
        ms.append((time.perf_counter() - t0) * 1e3)
        print(f"  {what} iteration {i + 1}/{iters}: {ms[-1]:.1f} ms", file=sys.stderr, flush=True)
    return statistics.median(ms)


def named_layers(net):
    """(name, kind, module) for every layer, named like alexnet-java's AlexNet.paper."""
    names = ["conv1", "relu1", "norm1", "pool1", "conv2", "relu2", "norm2", "pool2", "conv3", "relu3", "conv4",
             "relu4", "conv5", "relu5", "pool5", "flatten", "fc6", "relu6", "drop6", "fc7", "relu7", "drop7", "fc8"]
    modules = list(net.features) + list(net.classifier)
    assert len(modules) == len(names), (len(modules), len(names))
    return [(n, type(m).__name__, m) for n, m in zip(names, modules)]


def forward_flops(module, x):
    """Multiply-add flops (x2) of one forward pass of a Conv2d or Linear layer on input x; 0 otherwise."""
    if isinstance(module, nn.Conv2d):
        n, _, h, w = x.shape
        kh, kw = module.kernel_size
        oh = (h + 2 * module.padding[0] - kh) // module.stride[0] + 1
        ow = (w + 2 * module.padding[1] - kw) // module.stride[1] + 1
        return 2.0 * n * module.out_channels * oh * ow * (module.in_channels // module.groups) * kh * kw
    if isinstance(module, nn.Linear):
        return 2.0 * x.shape[0] * module.in_features * module.out_features
    return 0.0


def profile_layers(net, opt, x, labels, warmup, iters):
    """Per-layer median forward/backward ms of a training step, run as a chain of one-layer autograd graphs."""
    layers = named_layers(net)
    n = len(layers)
    fwd = [[] for _ in range(n)]
    bwd = [[] for _ in range(n)]
    loss_ms, step_ms = [], []
    fflops = [0.0] * n
    net.train()
    for it in range(warmup + iters):
        timed_it = it >= warmup
        opt.zero_grad(set_to_none=True)
        inputs, outputs = [], []
        t = x  # the image batch needs no gradient: conv1 computes only its weight gradients
        for i, (name, kind, m) in enumerate(layers):
            xi = t if i == 0 else t.detach().requires_grad_()
            fflops[i] = forward_flops(m, xi)
            t0 = time.perf_counter()
            # In-place ReLU on a leaf that requires grad is an error, so it runs out of place here.
            y = F.relu(xi) if isinstance(m, nn.ReLU) else m(xi)
            sync()
            dt = (time.perf_counter() - t0) * 1e3
            if timed_it:
                fwd[i].append(dt)
            inputs.append(xi)
            outputs.append(y)
            t = y
        logits = t.detach().requires_grad_()
        t0 = time.perf_counter()
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        sync()
        dt = (time.perf_counter() - t0) * 1e3
        if timed_it:
            loss_ms.append(dt)
        g = logits.grad
        for i in range(n - 1, -1, -1):
            t0 = time.perf_counter()
            torch.autograd.backward(outputs[i], g)
            sync()
            dt = (time.perf_counter() - t0) * 1e3
            if timed_it:
                bwd[i].append(dt)
            g = inputs[i].grad if i > 0 else None
            outputs[i] = inputs[i] = None  # free activations as the real backward pass does
        t0 = time.perf_counter()
        opt.step()
        sync()
        dt = (time.perf_counter() - t0) * 1e3
        if timed_it:
            step_ms.append(dt)
        print(f"  layers {'iteration' if timed_it else 'warm-up'} {it + 1 - (warmup if timed_it else 0)}/"
              f"{iters if timed_it else warmup}", file=sys.stderr, flush=True)
    rows = []
    for i, (name, kind, m) in enumerate(layers):
        rows.append({"layer": name, "kind": kind, "forward_ms": statistics.median(fwd[i]),
                     "backward_ms": statistics.median(bwd[i]), "forward_gflops": fflops[i] / 1e9,
                     "backward_gflops": fflops[i] * (1 if i == 0 else 2) / 1e9})
    rows.append({"layer": "loss", "kind": "CrossEntropy", "forward_ms": statistics.median(loss_ms),
                 "backward_ms": 0.0, "forward_gflops": 0.0, "backward_gflops": 0.0})
    rows.append({"layer": "update", "kind": "SGD", "forward_ms": 0.0, "backward_ms": statistics.median(step_ms),
                 "forward_gflops": 0.0, "backward_gflops": 0.0})
    return rows


def print_layers(rows):
    def rate(gflop, ms):
        return "" if gflop == 0 or ms == 0 else f"{gflop / ms * 1e3:.1f}"

    print(f"{'layer':<8} {'kind':<20} {'fwd ms':>10} {'GFLOP/s':>9} {'bwd ms':>10} {'GFLOP/s':>9}")
    f = b = 0.0
    for r in rows:
        print(f"{r['layer']:<8} {r['kind']:<20} {r['forward_ms']:10.2f} {rate(r['forward_gflops'], r['forward_ms']):>9}"
              f" {r['backward_ms']:10.2f} {rate(r['backward_gflops'], r['backward_ms']):>9}")
        f += r["forward_ms"]
        b += r["backward_ms"]
    print(f"{'total':<8} {'':<20} {f:10.2f} {'':>9} {b:10.2f} {'':>9}   (sum {f + b:.1f} ms)")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--classes", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--mode", choices=["train", "infer", "both"], default="both")
    ap.add_argument("--layers", action="store_true",
                    help="also time each layer's forward and backward pass of a training step")
    ap.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    ap.add_argument("--device", default="cpu", help="cpu or cuda (default: cpu)")
    ap.add_argument("--tf32", action="store_true", help="GPU: allow TF32 in convolutions and matrix products")
    ap.add_argument("--cudnn-benchmark", action="store_true", help="GPU: torch.backends.cudnn.benchmark = True")
    a = ap.parse_args()
    if a.batch < 1 or a.iters < 1 or a.warmup < 0:
        ap.error("need --batch >= 1, --iters >= 1 and --warmup >= 0")

    global DEVICE
    DEVICE = torch.device(a.device)
    if DEVICE.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = a.tf32
        torch.backends.cudnn.allow_tf32 = a.tf32
        torch.backends.cudnn.benchmark = a.cudnn_benchmark
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    net = PaperAlexNet(a.classes)
    params = sum(p.numel() for p in net.parameters())
    x = torch.rand(a.batch, 3, 227, 227) * 2 - 1
    labels = torch.randint(0, a.classes, (a.batch,))
    net, x, labels = net.to(DEVICE), x.to(DEVICE), labels.to(DEVICE)
    where = (f"{torch.cuda.get_device_name(DEVICE)}, tf32 {a.tf32}, cudnn.benchmark {a.cudnn_benchmark}"
             if DEVICE.type == "cuda" else f"{torch.get_num_threads()} threads")
    print(f"bench_pytorch: alexnet (paper), {params:,} parameters, batch {a.batch}, torch {torch.__version__}, "
          f"{where}, {a.warmup} warm-up + {a.iters} timed iterations",
          file=sys.stderr, flush=True)

    infer_ms = train_ms = None
    opt = None
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
    rss_mb = peak_rss_mb()
    layer_rows = None
    if a.layers:
        print("  profiling layers ...", file=sys.stderr, flush=True)
        if opt is None:
            opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
        layer_rows = profile_layers(net, opt, x, labels, a.warmup, a.iters)
        print_layers(layer_rows)

    def ips(ms):
        return None if ms is None else a.batch * 1000.0 / ms

    print(f"alexnet  batch {a.batch}  pytorch {torch.__version__}  "
          + (f"device {where}" if DEVICE.type == "cuda" else f"threads {torch.get_num_threads()}"))
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
            "device": torch.cuda.get_device_name(DEVICE) if DEVICE.type == "cuda" else "cpu",
            "tf32": a.tf32 if DEVICE.type == "cuda" else None,
            "cudnn_benchmark": a.cudnn_benchmark if DEVICE.type == "cuda" else None,
            "mode": a.mode,
            "iters": a.iters,
            "warmup": a.warmup,
            "parameters": params,
            "train_images_per_s": ips(train_ms),
            "infer_images_per_s": ips(infer_ms),
            "train_step_ms": train_ms,
            "infer_ms": infer_ms,
            "peak_rss_mb": rss_mb,
            "layers": layer_rows,
            "python": platform.python_version(),
            "date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        }))


if __name__ == "__main__":
    main()
