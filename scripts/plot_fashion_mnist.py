#!/usr/bin/python3
"""Test accuracy per epoch of `alexnet train --dataset fashion-mnist` (RUN_DIR/metrics.csv) next to
scripts/fashion_mnist_pytorch.py --json (its log), with the 91% bar. The network's name is taken from the PyTorch
log's first line ("...; alexnet-small-3x3 twin (...").

  /usr/bin/python3 scripts/plot_fashion_mnist.py RUN_DIR/metrics.csv pytorch.log docs/img/fashion-mnist.png
"""
import csv
import json
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ours = list(csv.DictReader(open(sys.argv[1])))
    lines = open(sys.argv[2]).read().splitlines()
    torch_rows = [json.loads(l) for l in lines if l.startswith("{")]
    m = re.search(r"; (\S+) twin", lines[0])
    model = m.group(1) if m else "alexnet-small"
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
    a1.plot([int(r["epoch"]) for r in ours], [100 * float(r["val_top1"]) for r in ours], "o-",
            label="alexnet-java (CPU backend)")
    a1.plot([r["epoch"] for r in torch_rows], [100 * r["test_accuracy"] for r in torch_rows], "s--",
            label="PyTorch 1.13, same network")
    a1.axhline(91, color="grey", linestyle=":", label="bar: 91%")
    a1.set_xlabel("epoch")
    a1.set_ylabel("test accuracy (%)")
    a1.set_title(f"{model} on Fashion-MNIST: test top-1", fontsize=10)
    a1.grid(alpha=0.3)
    a1.legend(fontsize=8)
    a2.bar([int(r["epoch"]) - 0.2 for r in ours], [float(r["images_per_s"]) for r in ours], 0.4,
           label="alexnet-java")
    a2.bar([r["epoch"] + 0.2 for r in torch_rows], [r["images_per_s"] for r in torch_rows], 0.4, label="PyTorch")
    a2.set_xlabel("epoch")
    a2.set_ylabel("training images/s")
    a2.set_title("training throughput (2 cores, shared machine)", fontsize=10)
    a2.grid(alpha=0.3, axis="y")
    a2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(sys.argv[3], dpi=110)
    print("wrote", sys.argv[3])


if __name__ == "__main__":
    main()
