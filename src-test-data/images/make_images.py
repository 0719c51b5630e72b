#!/usr/bin/python3
"""Writes the small image datasets the data-pipeline tests read.

  fashion-mini/{train,val}/<class>/   REAL Fashion-MNIST images (30 train + 10 val per class), upscaled to
                                      64x64 (every 4th image 64x80, to exercise "shorter side" rescaling),
                                      tinted with a per-image colour so the RGB covariance is not degenerate,
                                      saved as a mix of JPEG and PNG.
  broken/{train,val}/<class>/         the bad-input cases: truncated JPEGs (in the data and in the headers), text file named .jpg, an empty class
                                      folder (kept by git through a hidden .gitkeep, which the reader ignores),
                                      a grey JPEG, an Adobe CMYK JPEG, an RGBA PNG.

Deterministic (fixed seed); run with /usr/bin/python3 (needs numpy and PIL):
    /usr/bin/python3 src-test-data/images/make_images.py [/usr/share/datasets/fashion-mnist]
"""
import gzip
import os
import shutil
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
CLASSES = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"]
PER_CLASS = {"train": 30, "val": 10}


def read_idx(name):
    with gzip.open(os.path.join(SRC, name), "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic == 0x803:
        n, h, w = (int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
        return np.frombuffer(data, np.uint8, n * h * w, 16).reshape(n, h, w)
    n = int.from_bytes(data[4:8], "big")
    return np.frombuffer(data, np.uint8, n, 8)


def tinted(grey28, rng, size):
    img = Image.fromarray(grey28, "L").resize(size, Image.BILINEAR)
    g = np.asarray(img, np.float32) / 255.0
    tint = rng.uniform(0.35, 1.0, 3)
    back = rng.uniform(0.0, 0.25, 3) * 255.0
    rgb = back * (1 - g[..., None]) + 255.0 * tint * g[..., None]
    return Image.fromarray(np.clip(rgb + 0.5, 0, 255).astype(np.uint8), "RGB")


def make_fashion_mini(rng):
    out = os.path.join(HERE, "fashion-mini")
    shutil.rmtree(out, ignore_errors=True)
    for split, idx_prefix in (("train", "train"), ("val", "t10k")):
        images = read_idx(idx_prefix + "-images-idx3-ubyte.gz")
        labels = read_idx(idx_prefix + "-labels-idx1-ubyte.gz")
        for c, name in enumerate(CLASSES):
            d = os.path.join(out, split, name)
            os.makedirs(d)
            picks = np.nonzero(labels == c)[0][:PER_CLASS[split]]
            for k, i in enumerate(picks):
                size = (64, 80) if k % 4 == 3 else (64, 64)  # (width, height)
                img = tinted(images[i], rng, size)
                base = os.path.join(d, "%s_%05d" % (idx_prefix, i))
                if k % 3 == 2:
                    img.save(base + ".png", optimize=True)
                else:
                    img.save(base + ".JPEG" if k % 2 else base + ".jpg", quality=85)
    with open(os.path.join(out, "NOTICE"), "w") as f:
        f.write("The images under this folder are taken from Fashion-MNIST\n"
                "(Han Xiao, Kashif Rasul, Roland Vollgraf, Zalando Research, 2017;\n"
                "https://github.com/zalandoresearch/fashion-mnist), distributed under the MIT licence:\n\n"
                "Copyright (c) 2017 Zalando SE\n\n"
                "Permission is hereby granted, free of charge, to any person obtaining a copy of this software\n"
                "and associated documentation files, to deal in the Software without restriction, subject to\n"
                "the condition that the above copyright notice and this permission notice be included in all\n"
                "copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT\n"
                "WARRANTY OF ANY KIND.\n\n"
                "They were read from Debian's dataset-fashion-mnist package (IDX files), upscaled to 64x64\n"
                "(some 64x80), tinted with a random per-image colour and re-encoded as JPEG/PNG by\n"
                "make_images.py. train/ holds the first 30 images of each class from the training set,\n"
                "val/ the first 10 of each class from the test set (t10k); file names keep the IDX index.\n")


def make_broken(rng):
    out = os.path.join(HERE, "broken")
    shutil.rmtree(out, ignore_errors=True)
    good = os.path.join(out, "train", "good")
    bad = os.path.join(out, "train", "bad")
    empty = os.path.join(out, "train", "empty")
    val = os.path.join(out, "val", "good")
    for d in (good, bad, empty, val):
        os.makedirs(d)
    open(os.path.join(empty, ".gitkeep"), "w").close()

    # an RGB gradient: known values, so conversions can be checked
    y, x = np.mgrid[0:40, 0:48]
    rgb = np.stack([x * 5, y * 6, np.full_like(x, 100)], -1).astype(np.uint8)
    Image.fromarray(rgb, "RGB").save(os.path.join(good, "rgb.png"))
    Image.fromarray(rgb, "RGB").save(os.path.join(val, "rgb.png"))
    # grey JPEG: a flat 128 with a brighter square
    g = np.full((32, 32), 128, np.uint8)
    g[8:16, 8:16] = 200
    Image.fromarray(g, "L").save(os.path.join(good, "grey.jpg"), quality=95)
    # CMYK JPEG (PIL writes Adobe-style inverted CMYK with an APP14 marker): flat pure red = C0 M255 Y255 K0
    cmyk = np.zeros((32, 32, 4), np.uint8)
    cmyk[..., 1] = 255
    cmyk[..., 2] = 255
    Image.fromarray(cmyk, "CMYK").save(os.path.join(good, "cmyk.jpg"), quality=95)
    # RGBA PNG: opaque-ish blue with a half transparent alpha; the reader drops alpha (keeps the RGB values)
    rgba = np.zeros((24, 24, 4), np.uint8)
    rgba[..., 2] = 220
    rgba[..., 1] = 30
    rgba[..., 3] = 128
    Image.fromarray(rgba, "RGBA").save(os.path.join(good, "alpha.png"))
    # truncated JPEGs: cut inside the entropy-coded data (decoders return a partly grey image with only a
    # warning, so the reader must treat the warning as corruption), and cut inside the headers
    noise = rng.integers(0, 256, (48, 48, 3), dtype=np.uint8)
    path = os.path.join(bad, "truncated.jpg")
    Image.fromarray(noise, "RGB").save(path, quality=90)
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:len(data) * 6 // 10])
    with open(os.path.join(bad, "truncated_header.jpg"), "wb") as f:
        f.write(data[:300])
    with open(os.path.join(bad, "not_an_image.jpg"), "w") as f:
        f.write("this is a text file, not a JPEG\n")
    # one readable image so the class has something
    Image.fromarray(rgb[:, ::-1].copy(), "RGB").save(os.path.join(bad, "fine.png"))


if __name__ == "__main__":
    rng = np.random.default_rng(20120101)
    make_fashion_mini(rng)
    make_broken(rng)
