#!/usr/bin/env python3
"""Bar charts of a side-by-side benchmark saved by `scripts/bench-vs-pytorch --layers --out DIR`.

Reads DIR/ours-b<batch>.json and DIR/torch-b<batch>.json (the last-line JSON of `alexnet bench --layers --json`
and of `scripts/bench_pytorch.py --layers --json`) and draws, one panel per batch:
  OUTPUT                      per-layer forward + backward ms (stacked), alexnet-java and PyTorch side by side;
  OUTPUT's -roofline twin     achieved GFLOP/s of the convolution and fully connected layers, forward and
                              backward, against the machine's measured peak (--peak-gflops, a dashed line).
GFLOP/s = the JSON's forward_gflops / backward_gflops (GFLOP per step) / the layer's time.

Usage: plot_bench.py DIR [--output bench-layers.png] [--roofline FILE] [--peak-gflops 205]

Needs matplotlib: on Debian `apt-get install python3-matplotlib` (scripts/bench-vs-pytorch --plot installs it).
"""
import argparse
import json
import os
import re
import sys

try:
    import matplotlib
except ImportError:
    sys.exit("plot_bench.py needs matplotlib: apt-get install python3-matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

OURS = ("#1f4e99", "#8fb0e6")   # forward, backward
TORCH = ("#c05a00", "#f5b27a")


def load(path):
    with open(path) as f:
        lines = [ln for ln in f.read().splitlines() if ln.strip()]
    return json.loads(lines[-1])


def pairs(directory):
    """{batch: (ours, torch)} for every batch with both files (threads-scan files, ...-t1.json, are skipped)."""
    found = {}
    for name in os.listdir(directory):
        m = re.fullmatch(r"(ours|torch)-b(\d+)\.json", name)
        if m:
            found.setdefault(int(m.group(2)), {})[m.group(1)] = load(os.path.join(directory, name))
    out = {b: (v["ours"], v["torch"]) for b, v in sorted(found.items()) if "ours" in v and "torch" in v}
    for b, (o, t) in out.items():
        if not o.get("layers") or not t.get("layers"):
            sys.exit(f"batch {b}: no per-layer results (run bench-vs-pytorch with --layers)")
    return out


def rate(gflop, ms):
    return gflop / ms * 1e3 if gflop and ms else 0.0


def ips(r):
    v = r.get("train_images_per_s")
    return "-" if v is None else f"{v:.1f}"


def jvm(ours):
    """' on Java 25.0.3' from our JSON (which JVM ran it matters: the same jar is 4-14% apart on 17 and 25)."""
    return f" on Java {ours['java']}" if ours.get("java") else ""


def layer_chart(data, output):
    fig, axes = plt.subplots(len(data), 1, figsize=(14, 4.5 * len(data)), squeeze=False)
    for ax, (batch, (ours, torch)) in zip(axes[:, 0], data.items()):
        t = {r["layer"]: r for r in torch["layers"]}
        names = [r["layer"] for r in ours["layers"] if r["layer"] != "flatten"]
        o = {r["layer"]: r for r in ours["layers"]}
        x = range(len(names))
        w = 0.4
        for off, rows, colors, who in ((-w / 2, o, OURS, "alexnet-java"), (w / 2, t, TORCH, "PyTorch")):
            f = [rows.get(n, {}).get("forward_ms", 0.0) for n in names]
            b = [rows.get(n, {}).get("backward_ms", 0.0) for n in names]
            xs = [i + off for i in x]
            ax.bar(xs, f, w, color=colors[0], label=f"{who} forward")
            ax.bar(xs, b, w, bottom=f, color=colors[1], label=f"{who} backward")
        ax.set_xticks(list(x))
        ax.set_xticklabels(names, rotation=45, ha="right")
        ax.set_ylabel("ms per training step")
        ax.set_title(f"AlexNet batch {batch}: forward + backward per layer "
                     f"(train {ips(ours)} img/s alexnet-java{jvm(ours)}, {ips(torch)} img/s PyTorch)")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(ncol=2, fontsize="small")
    fig.tight_layout()
    fig.savefig(output, dpi=110)
    plt.close(fig)


def roofline_chart(data, output, peak):
    fig, axes = plt.subplots(len(data), 1, figsize=(11, 4.5 * len(data)), squeeze=False)
    for ax, (batch, (ours, torch)) in zip(axes[:, 0], data.items()):
        t = {r["layer"]: r for r in torch["layers"]}
        rows = [r for r in ours["layers"] if r.get("forward_gflops")]
        names = [r["layer"] for r in rows]
        series = [
            ("alexnet-java forward", OURS[0], [rate(r["forward_gflops"], r["forward_ms"]) for r in rows]),
            ("alexnet-java backward", OURS[1], [rate(r["backward_gflops"], r["backward_ms"]) for r in rows]),
            ("PyTorch forward", TORCH[0],
             [rate(t.get(n, {}).get("forward_gflops"), t.get(n, {}).get("forward_ms")) for n in names]),
            ("PyTorch backward", TORCH[1],
             [rate(t.get(n, {}).get("backward_gflops"), t.get(n, {}).get("backward_ms")) for n in names]),
        ]
        w = 0.2
        for k, (label, color, ys) in enumerate(series):
            ax.bar([i + (k - 1.5) * w for i in range(len(names))], ys, w, color=color, label=label)
        if peak:
            ax.axhline(peak, color="black", linestyle="--", linewidth=1.2, label=f"measured peak {peak:g} GFLOP/s")
            ax.axhline(0.75 * peak, color="grey", linestyle=":", linewidth=1, label="75% of peak")
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names)
        # Rates count the direct convolution's FLOPs: a Winograd layer does fewer, so its effective rate can pass
        # the peak.
        ax.set_ylabel("effective GFLOP/s (direct-conv FLOPs / time)")
        ax.set_title(f"AlexNet batch {batch}: convolution and fully connected layers against the peak"
                     f"{jvm(ours)}")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(ncol=3, fontsize="small", loc="upper right")
        top = max([peak or 0] + [y for _, _, ys in series for y in ys])
        ax.set_ylim(0, top * 1.25 if top else 1)
    fig.tight_layout()
    fig.savefig(output, dpi=110)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", help="directory with ours-b<batch>.json and torch-b<batch>.json")
    ap.add_argument("--output", default="bench-layers.png", help="per-layer chart (default: %(default)s)")
    ap.add_argument("--roofline", help="roofline chart (default: OUTPUT with -roofline before .png)")
    ap.add_argument("--peak-gflops", type=float, help="the machine's measured peak GFLOP/s, drawn as a line")
    a = ap.parse_args()
    data = pairs(a.dir)
    if not data:
        sys.exit(f"no ours-b<batch>.json / torch-b<batch>.json pairs in {a.dir}")
    roofline = a.roofline or re.sub(r"(\.png)?$", "-roofline.png", a.output, count=1)
    layer_chart(data, a.output)
    roofline_chart(data, roofline, a.peak_gflops)
    print(f"wrote {a.output} and {roofline} (batches {', '.join(map(str, data))})")


if __name__ == "__main__":
    main()
