#!/usr/bin/python3
"""Draws the paper's figure 1 from `alexnet figure1 --sweep` CSVs: training error against iterations, ReLU solid
and tanh dashed (mean over seeds, thin lines per seed), one panel per initialisation; plus the learning-rate sweep.

  /usr/bin/python3 scripts/plot_figure1.py RUN_DIR docs/img/figure1.png [docs/img/figure1-lr-sweep.png]

Uses matplotlib (Debian's python3-matplotlib, hence /usr/bin/python3), headless.
"""
import csv
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_curve(path):
    it, err = [], []
    with open(path) as f:
        for row in csv.DictReader(f):
            it.append(int(row["iteration"]))
            err.append(100 * float(row["train_error"]))
    return it, err


def main():
    run_dir, out = sys.argv[1], sys.argv[2]
    sweep_out = sys.argv[3] if len(sys.argv) > 3 else None
    runs = defaultdict(list)  # (init, act, lr) -> [csv]
    with open(os.path.join(run_dir, "summary.csv")) as f:
        for row in csv.DictReader(f):
            runs[(row["init"], row["activation"], float(row["lr"]))].append(
                (int(row["seed"]), os.path.join(run_dir, row["csv"])))
    inits = []
    for (init, _, _) in runs:
        if init not in inits:
            inits.append(init)
    style = {"relu": ("-", "tab:blue", "ReLU"), "tanh": ("--", "tab:red", "tanh")}
    fig, axes = plt.subplots(1, len(inits), figsize=(6.2 * len(inits), 4.6), squeeze=False)
    for ax, init in zip(axes[0], inits):
        for act in ("relu", "tanh"):
            # the activation's chosen rate is the one run with several seeds
            cands = [(len(v), lr) for (i, a, lr), v in runs.items() if i == init and a == act]
            if not cands:
                continue
            n, lr = max(cands)
            curves = [read_curve(p) for _, p in sorted(runs[(init, act, lr)])]
            ls, colour, label = style[act]
            for it, err in curves:
                ax.plot(it, err, ls, color=colour, alpha=0.25, linewidth=0.8)
            common = sorted(set.intersection(*[set(it) for it, _ in curves]))
            mean = [sum(dict(zip(it, err))[x] for it, err in curves) / len(curves) for x in common]
            ax.plot(common, mean, ls, color=colour, linewidth=2.2,
                    label=f"{label}, lr {lr:g} (mean of {len(curves)} seeds)")
        ax.axhline(25, color="grey", linewidth=0.8, linestyle=":")
        ax.axhline(10, color="grey", linewidth=0.8, linestyle=":")
        ax.set_ylim(0, 80)
        ax.set_xlabel("iterations (batches of 128)")
        ax.set_ylabel("training error rate (%)")
        title = {"pytorch-default": "PyTorch default init U(±1/√fan_in)", "paper": "paper init N(0, 0.01²), biases 0",
                 "he": "He init N(0, 2/fan_in)"}.get(init, init)
        ax.set_title(f"4-layer CNN on Fashion-MNIST — {title}", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print("wrote", out)

    if sweep_out:
        init = inits[0]
        fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
        for ax, act in zip(axes, ("relu", "tanh")):
            for (i, a, lr), v in sorted(runs.items()):
                if i != init or a != act:
                    continue
                seed1 = sorted(v)[0][1]
                it, err = read_curve(seed1)
                ax.plot(it, err, style[act][0], label=f"lr {lr:g}")
            ax.set_ylim(0, 80)
            ax.axhline(10, color="grey", linewidth=0.8, linestyle=":")
            ax.set_title(f"{style[act][2]}: learning-rate sweep (seed 1, {init} init)", fontsize=10)
            ax.set_xlabel("iterations")
            ax.set_ylabel("training error rate (%)")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(sweep_out, dpi=110)
        print("wrote", sweep_out)


if __name__ == "__main__":
    main()
