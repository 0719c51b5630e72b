#!/usr/bin/env python3
"""PyTorch's GEMM (cuBLAS on a GPU, its CPU BLAS otherwise) at the shapes `alexnet bench-gemm` times.

The shapes are those of alexnet-examples' AlexNetGemmShapes (keep the two in step): row-major
C[M, N] = op(A)[M, K] @ op(B)[K, N], where a transposed operand is stored transposed and passed as a .t() view,
so torch.mm hands cuBLAS the transpose flag instead of copying. On a GPU, TF32 is off (plain fp32, as the Java
backend's default) unless --tf32. Each shape: --warmup untimed calls, then --iters calls back to back between two
synchronisations; the mean time per call.

With --ours FILE (the JSON line of `alexnet bench-gemm --json`; repeatable), it also prints a table per file
with both side by side and the ratio ours / PyTorch of GFLOP/s, all against the one PyTorch measurement.

Usage: bench_gemm_pytorch.py [--device cuda] [--batch 128] [--iters 10] [--warmup 2] [--tf32] [--ours F]... [--json]
"""
import argparse
import json
import sys
import time

import torch


def shapes(b):
    return [
        ("conv1.fwd", False, False, 96, 3025 * b, 363),
        ("conv2.fwd", False, False, 128, 729 * b, 1200),
        ("conv3.fwd", False, False, 384, 169 * b, 2304),
        ("conv4.fwd", False, False, 192, 169 * b, 1728),
        ("conv5.fwd", False, False, 128, 169 * b, 1728),
        ("conv2.bwd-data", True, False, 1200, 729 * b, 128),
        ("conv2.bwd-filter", False, True, 128, 1200, 729 * b),
        ("conv3.bwd-data", True, False, 2304, 169 * b, 384),
        ("conv3.bwd-filter", False, True, 384, 2304, 169 * b),
        ("fc6.fwd", False, True, b, 4096, 9216),
        ("fc6.bwd-data", False, False, b, 9216, 4096),
        ("fc6.bwd-weight", True, False, 4096, 9216, b),
        ("fc7.fwd", False, True, b, 4096, 4096),
        ("fc8.fwd", False, True, b, 1000, 4096),
    ]


def last_json_line(path):
    with open(path) as f:
        lines = [line for line in f if line.strip().startswith("{")]
    return json.loads(lines[-1])


def print_table(rows, ours, path):
    """PyTorch's rows, and with `ours` (name -> row of bench-gemm's JSON) ours beside them and the ratio."""
    if path:
        print(f"== ours: {path}")
    hdr = f"{'gemm':<18} {'op':<3} {'M':>6} {'N':>8} {'K':>6} {'torch ms':>10} {'GFLOP/s':>9}"
    if ours:
        hdr += f" {'ours ms':>10} {'GFLOP/s':>9} {'ours/torch':>10}"
    print(hdr)
    for r in rows:
        line = (f"{r['name']:<18} {r['op']:<3} {r['m']:>6} {r['n']:>8} {r['k']:>6} {r['ms']:10.3f}"
                f" {r['gflops']:9.1f}")
        o = ours.get(r["name"])
        if o:
            line += f" {o['ms']:10.3f} {o['gflops']:9.1f} {o['gflops'] / r['gflops']:10.2f}"
        print(line)
    if ours:
        both = [r for r in rows if r["name"] in ours]
        t_torch = sum(r["ms"] for r in both)
        t_ours = sum(ours[r["name"]]["ms"] for r in both)
        print(f"{'all shapes':<18} time ours / torch = {t_ours / t_torch:.2f} "
              f"(GFLOP/s ratio {t_torch / t_ours:.2f})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--tf32", action="store_true", help="allow TF32 tensor cores (GPU)")
    ap.add_argument("--ours", action="append", default=[],
                    help="JSON output of `alexnet bench-gemm --json` to compare with (repeatable)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    dev = torch.device(a.device)
    torch.backends.cuda.matmul.allow_tf32 = a.tf32

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)

    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu"
    print(f"bench_gemm_pytorch: torch {torch.__version__} on {name}, tf32 {a.tf32}, batch {a.batch}",
          file=sys.stderr, flush=True)
    g = torch.Generator(device="cpu").manual_seed(1)
    rows = []
    for (n_, ta, tb, m, n, k) in shapes(a.batch):
        A = (torch.rand((k, m) if ta else (m, k), generator=g) * 2 - 1).to(dev)
        B = (torch.rand((n, k) if tb else (k, n), generator=g) * 2 - 1).to(dev)
        opA = A.t() if ta else A
        opB = B.t() if tb else B
        C = torch.empty((m, n), device=dev)
        for _ in range(a.warmup):
            torch.mm(opA, opB, out=C)
        sync()
        t0 = time.perf_counter()
        for _ in range(a.iters):
            torch.mm(opA, opB, out=C)
        sync()
        ms = (time.perf_counter() - t0) * 1e3 / a.iters
        gf = 2.0 * m * n * k / 1e9
        rows.append({"name": n_, "op": ("T" if ta else "N") + ("T" if tb else "N"), "m": m, "n": n, "k": k,
                     "ms": ms, "gflops": gf / ms * 1e3})
        del A, B, C, opA, opB
    for path in a.ours or [None]:
        print_table(rows, {r["name"]: r for r in last_json_line(path)["shapes"]} if path else {}, path)
    if a.json:
        print(json.dumps({"framework": "pytorch", "torch": torch.__version__, "device": name, "tf32": a.tf32,
                          "batch": a.batch, "iters": a.iters, "warmup": a.warmup, "shapes": rows}))


if __name__ == "__main__":
    main()
