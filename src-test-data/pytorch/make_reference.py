#!/usr/bin/python3
"""PyTorch reference data for the alexnet-java test suite.

How to run (from the repository root; any working directory works, paths are
relative to this file):

    GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184 \
        /usr/bin/python3 src-test-data/pytorch/make_reference.py

Generated with torch 1.13.0 and numpy 1.24.2 on CPU (the script prints the
versions it ran with).  Running it again rewrites every file with identical
contents: every case seeds torch.manual_seed(<fixed seed>) before it draws.

What it writes: src-test-data/pytorch/<case>/<tensor>.npy (numpy.save,
C-contiguous; tensors float32 '<f4', labels int64 '<i8', a few documented
exceptions: dropout/stream.npy int64, dropout/uniform_first8.npy float64)
plus a params.json per case.  See README.md next to this file for every case,
tensor name and shape.

Conventions
  * NCHW activations; conv weight [out, in/groups, kh, kw]; dense weight
    [out, in] with y = x . W^T + b.
  * Inputs, parameters and upstream gradients are drawn in float32 and the
    float32 values are exactly what is saved; the reference outputs are then
    computed in float64 (x.double()) and only rounded to float32 when saved.
  * Gradients come from torch.autograd with a random upstream gradient dy
    (saved): for y = f(x), loss = (y * dy).sum(), so dx = dL/dx etc.
  * LRN "paper" convention: b_c = a_c / (k + alpha * sum_{c'} a_{c'}^2)^beta with
    alpha NOT divided by n; realised as F.local_response_norm(alpha=alpha*n).
    "pytorch" convention: F.local_response_norm as is (alpha divided by size).
  * Dropout uses the library's counter-based RNG (CounterRng.java), reimplemented
    below, inverted dropout y = x * keep / (1 - p), keep_i = uniform(stream, i) >= p.
"""
import json
import os
import shutil

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------------------- io


def _np(t):
    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().numpy()
    return t


def save(case, name, t, dtype="<f4"):
    d = os.path.join(HERE, case)
    os.makedirs(d, exist_ok=True)
    a = np.ascontiguousarray(np.asarray(_np(t)).astype(dtype))
    np.save(os.path.join(d, name + ".npy"), a)


def save_json(case, obj):
    d = os.path.join(HERE, case)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "params.json"), "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def randn32(*shape, std=1.0):
    """Standard normal drawn in float32 (what gets saved), returned as float64."""
    return (torch.randn(*shape, dtype=torch.float32) * std).double()


# --------------------------------------------------------------------------- counter RNG
GOLDEN = 0x9E3779B97F4A7C15
M64 = (1 << 64) - 1


def mix(z):
    z &= M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def stream(seed, a, b):
    return mix(mix(mix(seed & M64) ^ (a & M64)) ^ (b & M64))


def bits(s, i):
    return mix((s + GOLDEN * (i + 1)) & M64)


def uniform(s, i):
    return (bits(s, i) >> 40) * 2.0 ** -24


def _mix_np(z):
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def uniform_np(s, n):
    """uniform(s, i) for i = 0..n-1, vectorised with wrapping uint64 arithmetic."""
    i = np.arange(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(s) + np.uint64(GOLDEN) * (i + np.uint64(1))
    return (_mix_np(z) >> np.uint64(40)).astype(np.float64) * 2.0 ** -24


def keep_mask(seed, a, b, shape, p):
    n = int(np.prod(shape))
    u = uniform_np(stream(seed, a, b), n)
    return (u >= p).astype(np.float64).reshape(shape)


def to_signed64(v):
    return v - (1 << 64) if v >= (1 << 63) else v


# --------------------------------------------------------------------------- layers


def lrn(x, size, alpha, beta, k, convention, groups=1):
    """convention 'paper': alpha not divided by size; 'pytorch': F.local_response_norm as is."""
    a = alpha * size if convention == "paper" else alpha
    if groups == 1:
        return F.local_response_norm(x, size=size, alpha=a, beta=beta, k=k)
    parts = torch.chunk(x, groups, dim=1)
    return torch.cat([F.local_response_norm(p, size=size, alpha=a, beta=beta, k=k) for p in parts], dim=1)


def lrn_manual(x, size, alpha, beta, k, convention, groups=1):
    """Direct numpy loop of the formula, used only to check lrn()."""
    x = _np(x).astype(np.float64)
    n_, c_, h_, w_ = x.shape
    a = alpha if convention == "paper" else alpha / size
    cg = c_ // groups
    y = np.empty_like(x)
    for c in range(c_):
        g0 = (c // cg) * cg
        lo = max(g0, c - size // 2)
        hi = min(g0 + cg - 1, c + (size - 1) // 2)
        s = (x[:, lo:hi + 1] ** 2).sum(axis=1)
        y[:, c] = x[:, c] / (k + a * s) ** beta
    return y


# --------------------------------------------------------------------------- cases


def grad_case(case, f, inputs, seed_dy):
    """y = f(*inputs); saves dy and returns (y, dy, grads)."""
    for t in inputs:
        t.requires_grad_(True)
    y = f(*inputs)
    dy = randn32(*y.shape)
    (y * dy).sum().backward()
    return y, dy, [t.grad for t in inputs]


def conv_case(case, seed, n, cin, h, w_, cout, k, stride, pad, groups):
    torch.manual_seed(seed)
    x = randn32(n, cin, h, w_)
    w = randn32(cout, cin // groups, k, k, std=0.3)
    b = randn32(cout, std=0.5)
    y, dy, (dx, dw, db) = grad_case(
        case, lambda x, w, b: F.conv2d(x, w, b, stride=stride, padding=pad, groups=groups), [x, w, b], seed)
    for name, t in dict(x=x, w=w, b=b, y=y, dy=dy, dx=dx, dw=dw, db=db).items():
        save(case, name, t)
    save_json(case, dict(in_channels=cin, out_channels=cout, kernel=[k, k], stride=[stride, stride],
                         pad=[pad, pad], groups=groups, seed=seed,
                         shapes=dict(x=list(x.shape), w=list(w.shape), b=list(b.shape), y=list(y.shape))))
    return y


def lrn_case(case, seed, shape, std, size, alpha, beta, k, convention, groups=1):
    torch.manual_seed(seed)
    x = randn32(*shape, std=std)
    y, dy, (dx,) = grad_case(case, lambda x: lrn(x, size, alpha, beta, k, convention, groups), [x], seed)
    ref = lrn_manual(x, size, alpha, beta, k, convention, groups)
    assert np.allclose(_np(y), ref, rtol=1e-12, atol=1e-12), case
    for name, t in dict(x=x, y=y, dy=dy, dx=dx).items():
        save(case, name, t)
    save_json(case, dict(size=size, alpha=alpha, beta=beta, k=k, convention=convention, channel_groups=groups,
                         alpha_passed_to_torch=alpha * size if convention == "paper" else alpha,
                         window="channels c-floor(size/2) .. c+floor((size-1)/2), clipped to the group",
                         seed=seed, shape=list(shape)))
    return x, y


def case_maxpool():
    case = "maxpool_overlap"
    torch.manual_seed(9)
    x = torch.randint(0, 4, (2, 3, 13, 13)).double()
    y, dy, (dx,) = grad_case(case, lambda x: F.max_pool2d(x, kernel_size=3, stride=2), [x], 9)
    # check tie rule: gradient goes to the first maximum in row-major window scan order
    xn, dyn = _np(x), _np(dy)
    dxm = np.zeros_like(xn)
    for n in range(2):
        for c in range(3):
            for i in range(6):
                for j in range(6):
                    win = xn[n, c, 2 * i:2 * i + 3, 2 * j:2 * j + 3]
                    r, s = np.unravel_index(np.argmax(win), win.shape)  # argmax = first max
                    dxm[n, c, 2 * i + r, 2 * j + s] += dyn[n, c, i, j]
    assert np.allclose(dxm, _np(dx), rtol=0, atol=1e-12)
    for name, t in dict(x=x, y=y, dy=dy, dx=dx).items():
        save(case, name, t)
    save_json(case, dict(kernel=[3, 3], stride=[2, 2], pad=[0, 0], seed=9,
                         ties="gradient routed to the first maximum in row-major scan order of the window"))


def case_relu():
    case = "relu"
    torch.manual_seed(10)
    x = randn32(3, 50)
    y, dy, (dx,) = grad_case(case, F.relu, [x], 10)
    for name, t in dict(x=x, y=y, dy=dy, dx=dx).items():
        save(case, name, t)


def case_dense():
    case = "dense"
    torch.manual_seed(11)
    x = randn32(4, 20)
    w = randn32(7, 20, std=0.3)
    b = randn32(7, std=0.5)
    y, dy, (dx, dw, db) = grad_case(case, F.linear, [x, w, b], 11)
    for name, t in dict(x=x, w=w, b=b, y=y, dy=dy, dx=dx, dw=dw, db=db).items():
        save(case, name, t)
    save_json(case, dict(in_features=20, out_features=7, seed=11, formula="y = x . W^T + b"))


def case_softmax_ce():
    case = "softmax_ce"
    torch.manual_seed(12)
    logits = randn32(5, 10, std=3.0).requires_grad_(True)
    labels = torch.randint(0, 10, (5,))
    loss = F.cross_entropy(logits, labels, reduction="mean")
    loss.backward()
    probs = torch.softmax(logits.detach(), dim=1)
    onehot = F.one_hot(labels, 10).double()
    assert torch.allclose(logits.grad, (probs - onehot) / 5, rtol=0, atol=1e-15)
    save(case, "logits", logits)
    save(case, "labels", labels, "<i8")
    save(case, "loss", loss.reshape(1))
    save(case, "probs", probs)
    save(case, "dlogits", logits.grad)
    save_json(case, dict(classes=10, batch=5, reduction="mean", seed=12))


def case_dropout():
    case = "dropout"
    p, seed, a, b = 0.5, 42, 6, 3
    s = stream(seed, a, b)
    # numpy vectorised RNG vs scalar Python RNG
    u = uniform_np(s, 400)
    assert all(u[i] == uniform(s, i) for i in range(400))
    torch.manual_seed(13)
    x = randn32(4, 100)
    mask = torch.from_numpy(keep_mask(seed, a, b, (4, 100), p))
    assert mask.sum() > 100 and mask.sum() < 300
    y, dy, (dx,) = grad_case(case, lambda x: x * mask / (1 - p), [x], 13)
    for name, t in dict(x=x, y=y, dy=dy, dx=dx, mask=mask).items():
        save(case, name, t)
    save(case, "stream", np.array([to_signed64(s)], dtype=np.int64), "<i8")
    save(case, "uniform_first8", np.array([uniform(s, i) for i in range(8)]), "<f8")
    save_json(case, dict(p=p, seed=seed, a=a, b=b, a_meaning="layer id", b_meaning="step",
                         stream_hex="0x%016x" % s, stream_signed=to_signed64(s),
                         keep="uniform(stream, i) >= p, i = row-major flat index",
                         formula="y = x * keep / (1 - p)"))


# --------------------------------------------------------------------------- small AlexNet

NET = dict(
    batch=4, input=[4, 1, 28, 28], classes=10,
    lrn=dict(size=5, alpha=1e-4, beta=0.75, k=2.0, convention="paper", channel_groups=2),
    pool=dict(kernel=3, stride=2),
    dropout=dict(p=0.5, seed=1234, a="layer id (6 for drop6, 7 for drop7)", b="step index (0, 1)",
                 index="row-major flat index into the [4,256] activation"),
    sgd=dict(lr=0.01, momentum=0.9, weight_decay=0.0005,
             rule="v <- 0.9 v - wd*lr*w - lr*g ; w <- w + v ; v0 = 0 ; weight decay on weights only"),
    init=dict(weight_std=0.01, bias_one=["conv2", "conv4", "conv5", "fc6", "fc7"],
              bias_zero=["conv1", "conv3", "fc8"], seed=14,
              order="torch.manual_seed(14) then torch.randn float32 for each weight in the order conv1..fc8"),
    layers=dict(
        conv1=dict(in_channels=1, out_channels=32, kernel=5, stride=1, pad=2, groups=1),
        conv2=dict(in_channels=32, out_channels=64, kernel=5, stride=1, pad=2, groups=2),
        conv3=dict(in_channels=64, out_channels=96, kernel=3, stride=1, pad=1, groups=1),
        conv4=dict(in_channels=96, out_channels=96, kernel=3, stride=1, pad=1, groups=2),
        conv5=dict(in_channels=96, out_channels=64, kernel=3, stride=1, pad=1, groups=2),
        fc6=dict(in_features=256, out_features=256),
        fc7=dict(in_features=256, out_features=256),
        fc8=dict(in_features=256, out_features=10)),
    loss="softmax cross-entropy, mean over the batch",
    precision="float64 throughout (initial params, x drawn in float32); params keep float64 between steps",
)
CONVS = ["conv1", "conv2", "conv3", "conv4", "conv5"]
FCS = ["fc6", "fc7", "fc8"]
PARAM_NAMES = [f"{l}.{t}" for l in CONVS + FCS for t in ("weight", "bias")]


def init_params():
    torch.manual_seed(NET["init"]["seed"])
    P = {}
    for l in CONVS + FCS:
        c = NET["layers"][l]
        if l in CONVS:
            shape = (c["out_channels"], c["in_channels"] // c["groups"], c["kernel"], c["kernel"])
            nout = c["out_channels"]
        else:
            shape = (c["out_features"], c["in_features"])
            nout = c["out_features"]
        P[l + ".weight"] = randn32(*shape, std=NET["init"]["weight_std"])
        bias = 1.0 if l in NET["init"]["bias_one"] else 0.0
        P[l + ".bias"] = torch.full((nout,), bias, dtype=torch.float64)
    return P


def forward(P, x, labels, step):
    acts = {}
    L = NET["lrn"]
    p = NET["dropout"]["p"]
    masks = {}

    def rec(name, t):
        acts[name] = t
        return t

    def conv(l, h):
        c = NET["layers"][l]
        return F.conv2d(h, P[l + ".weight"], P[l + ".bias"], stride=c["stride"], padding=c["pad"], groups=c["groups"])

    def norm(h):
        return lrn(h, L["size"], L["alpha"], L["beta"], L["k"], "paper", L["channel_groups"])

    def pool(h):
        return F.max_pool2d(h, kernel_size=3, stride=2)

    def drop(lid, h):
        m = torch.from_numpy(keep_mask(NET["dropout"]["seed"], lid, step, tuple(h.shape), p))
        masks[lid] = m
        return h * m / (1 - p)

    h = rec("conv1", conv("conv1", x))
    h = rec("relu1", F.relu(h))
    h = rec("norm1", norm(h))
    h = rec("pool1", pool(h))
    h = rec("conv2", conv("conv2", h))
    h = rec("relu2", F.relu(h))
    h = rec("norm2", norm(h))
    h = rec("pool2", pool(h))
    h = rec("conv3", conv("conv3", h))
    h = rec("relu3", F.relu(h))
    h = rec("conv4", conv("conv4", h))
    h = rec("relu4", F.relu(h))
    h = rec("conv5", conv("conv5", h))
    h = rec("relu5", F.relu(h))
    h = rec("pool5", pool(h))
    h = h.reshape(h.shape[0], -1)
    h = rec("fc6", F.linear(h, P["fc6.weight"], P["fc6.bias"]))
    h = rec("relu6", F.relu(h))
    h = rec("drop6", drop(6, h))
    h = rec("fc7", F.linear(h, P["fc7.weight"], P["fc7.bias"]))
    h = rec("relu7", F.relu(h))
    h = rec("drop7", drop(7, h))
    h = rec("fc8", F.linear(h, P["fc8.weight"], P["fc8.bias"]))
    loss = F.cross_entropy(h, labels, reduction="mean")
    return loss, h, acts, masks


def case_small_alexnet():
    case = "small_alexnet_step"
    P = init_params()
    torch.manual_seed(15)
    x = randn32(4, 1, 28, 28)
    labels = torch.randint(0, 10, (4,))
    for n in PARAM_NAMES:
        save(case, n, P[n])
    save(case, "x", x)
    save(case, "labels", labels, "<i8")
    expect = dict(conv1=(4, 32, 28, 28), pool1=(4, 32, 13, 13), pool2=(4, 64, 6, 6), pool5=(4, 64, 2, 2),
                  fc6=(4, 256), fc8=(4, 10))
    sgd = NET["sgd"]
    V = {n: torch.zeros_like(P[n]) for n in PARAM_NAMES}
    for step in (0, 1):
        for n in PARAM_NAMES:
            P[n] = P[n].detach().requires_grad_(True)
        loss, logits, acts, masks = forward(P, x, labels, step)
        loss.backward()
        for k, s in expect.items():
            assert tuple(acts[k].shape) == s, (k, acts[k].shape)
        save(case, f"step{step}_loss", loss.reshape(1))
        save(case, f"step{step}_logits", logits)
        for lid, m in masks.items():
            save(case, f"step{step}_mask{lid}", m)
        if step == 0:
            for k, a in acts.items():
                save(case, f"step0_act_{k}", a)
        for n in PARAM_NAMES:
            save(case, f"step{step}_grad_{n}", P[n].grad)
        with torch.no_grad():
            for n in PARAM_NAMES:
                w, g = P[n].detach(), P[n].grad
                wd = sgd["weight_decay"] if n.endswith(".weight") else 0.0
                V[n] = sgd["momentum"] * V[n] - wd * sgd["lr"] * w - sgd["lr"] * g
                P[n] = w + V[n]
        print(f"  small_alexnet step {step}: loss {loss.item():.10f}")
    for n in PARAM_NAMES:
        save(case, f"final_{n}", P[n])
    save_json(case, NET)


# --------------------------------------------------------------------------- main


def main():
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, numpy {np.__version__}")
    for d in os.listdir(HERE):
        if os.path.isdir(os.path.join(HERE, d)) and not d.startswith("."):
            shutil.rmtree(os.path.join(HERE, d))

    conv_case("conv_basic", 1, 2, 3, 9, 9, 4, 3, 1, 0, 1)
    conv_case("conv_strided_padded", 2, 2, 3, 13, 13, 6, 5, 2, 2, 1)
    conv_case("conv_grouped", 3, 2, 4, 7, 7, 6, 3, 1, 1, 2)
    y = conv_case("conv_alexnet1", 4, 1, 3, 35, 35, 8, 11, 4, 0, 1)
    assert tuple(y.shape) == (1, 8, 7, 7)
    # Batches for the CPU's Winograd path (16 images per chunk): a full chunk plus one image, odd/even sizes.
    conv_case("conv_winograd3", 10, 17, 4, 7, 6, 6, 3, 1, 1, 2)
    conv_case("conv_winograd5", 11, 16, 4, 9, 8, 4, 5, 1, 2, 2)

    lrn_case("lrn_paper", 5, (2, 7, 5, 4), 30.0, 5, 1e-4, 0.75, 2.0, "paper")
    lrn_case("lrn_pytorch", 6, (2, 7, 5, 4), 3.0, 5, 1e-2, 0.75, 1.0, "pytorch")
    x, yg = lrn_case("lrn_grouped", 7, (2, 8, 5, 5), 10.0, 5, 1e-3, 0.75, 2.0, "paper", groups=2)
    yu = lrn(x.detach(), 5, 1e-3, 0.75, 2.0, "paper", 1)
    assert not torch.allclose(yu, yg.detach(), rtol=1e-3, atol=0), "grouped LRN should differ from ungrouped"
    lrn_case("lrn_even", 8, (1, 6, 3, 3), 3.0, 4, 1e-2, 0.75, 1.0, "pytorch")
    # the paper-convention LRN must actually normalise noticeably on lrn_paper
    x = torch.from_numpy(np.load(os.path.join(HERE, "lrn_paper", "x.npy"))).double()
    r = lrn(x, 5, 1e-4, 0.75, 2.0, "paper") / (x / 2.0 ** 0.75)
    print(f"  lrn_paper: y/(x/k^beta) ranges {r.min().item():.3f} .. {r.max().item():.3f}")

    case_maxpool()
    case_relu()
    case_dense()
    case_softmax_ce()
    case_dropout()
    case_small_alexnet()

    total = 0
    for root, _, files in os.walk(HERE):
        for f in files:
            if f.endswith(".npy") or f == "params.json":
                total += os.path.getsize(os.path.join(root, f))
    print(f"done, {total} bytes of data")


if __name__ == "__main__":
    main()
